// SPDX-License-Identifier: GPL-2.0
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/plan.h"

/* Whether a filter selects @name at @rev; each filter that does is counted in @hits. */
static bool selected(const char *const *filters, int nr_filters, const char *name,
		     enum iorfd_rev rev, int *hits)
{
	char full[CASE_NAME_MAX + 8];
	bool any = false;
	int i;

	if (!nr_filters)
		return true;
	snprintf(full, sizeof(full), "%s.%s", name, rev_name(rev));
	for (i = 0; i < nr_filters; i++)
		if (!fnmatch(filters[i], name, 0) || !fnmatch(filters[i], full, 0)) {
			hits[i]++;
			any = true;
		}
	return any;
}

/*
 * A filter that selects nothing is a typo or a stale name: an error, not
 * a run that quietly tests less (or nothing) and passes.
 */
static int check_filters(const char *const *filters, int nr_filters, const int *hits)
{
	int i, bad = 0;

	for (i = 0; i < nr_filters; i++)
		if (!hits[i]) {
			fprintf(stderr,
				"--filter: '%s' matches no case at the revisions of this run "
				"(names as --list prints them, NAME or NAME.REV; globs allowed)\n",
				filters[i]);
			bad = 1;
		}
	return bad ? -1 : 0;
}

/* Moves the crash_risk items behind the others, each group in its order. */
static int crash_risk_last(struct plan *p)
{
	struct plan_item *tmp = malloc((p->nr + 1) * sizeof(*tmp));
	int i, n = 0;

	if (!tmp)
		return -1;
	for (i = 0; i < p->nr; i++)
		if (!p->items[i].crash_risk)
			tmp[n++] = p->items[i];
	p->nr_safe = n;
	for (i = 0; i < p->nr; i++)
		if (p->items[i].crash_risk)
			tmp[n++] = p->items[i];
	memcpy(p->items, tmp, p->nr * sizeof(*tmp));
	free(tmp);
	return 0;
}

int plan_build(const struct case_list *l, unsigned int revs, const char *const *filters,
	       int nr_filters, struct iorfd_case *c, struct plan *p)
{
	struct case_error err;
	int i, v, nr_variants, cap = l->nr * IORFD_NR_REVS + 1, ret;
	int *hits = calloc(nr_filters + 1, sizeof(*hits));

	p->items = calloc(cap, sizeof(*p->items));
	p->nr = 0;
	if (!p->items || !hits) {
		free(hits);
		return -1;
	}
	for (i = 0; i < l->nr; i++) {
		/* A file with a matrix is several cases: each is planned on its own. */
		for (v = 0, nr_variants = 1; v < nr_variants; v++) {
			enum iorfd_rev r;

			if (case_load_variant(l->paths[i], IORFD_V1, v, c, &err)) {
				fprintf(stderr, "%s\n", err.msg);
				free(hits);
				return -1;
			}
			nr_variants = c->nr_variants;
			if (p->nr + IORFD_NR_REVS >= cap) {
				struct plan_item *grown =
					realloc(p->items, 2 * cap * sizeof(*p->items));

				if (!grown) {
					free(hits);
					return -1;
				}
				p->items = grown;
				cap *= 2;
			}
			for_each_rev(r) {
				if (!(revs & c->revisions & (1u << r)) ||
				    !selected(filters, nr_filters, c->name, r, hits))
					continue;
				p->items[p->nr].path = l->paths[i];
				p->items[p->nr].variant = v;
				p->items[p->nr].rev = r;
				p->items[p->nr].crash_risk = c->crash_risk[0];
				p->nr++;
			}
		}
	}
	ret = check_filters(filters, nr_filters, hits);
	free(hits);
	return ret ? ret : crash_risk_last(p);
}

void plan_list(const struct plan *p, struct iorfd_case *c)
{
	struct case_error err;
	int i, j;

	for (i = 0; i < p->nr; i++) {
		if (plan_load(p, i, c, &err))
			continue;
		printf("%s.%s\t%s\t", c->name, rev_name(c->rev), c->file);
		for (j = 0; j < c->nr_reqs; j++)
			printf("%s%s", j ? "," : "", c->reqs[j]);
		printf("\n");
	}
	fprintf(stderr, "%d case x revision combinations\n", p->nr);
}

int plan_load(const struct plan *p, int i, struct iorfd_case *c, struct case_error *err)
{
	return case_load_variant(p->items[i].path, p->items[i].rev, p->items[i].variant, c, err);
}

void plan_free(struct plan *p)
{
	free(p->items);
	p->items = NULL;
	p->nr = p->nr_safe = 0;
}
