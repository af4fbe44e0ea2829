// SPDX-License-Identifier: GPL-2.0
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/live/json.h"
#include "run/plan.h"

/* Whether one of @globs matches NAME or NAME.REV; each that does is counted in @hits. */
static bool matches(const char *const *globs, int nr, const char *name, const char *full, int *hits)
{
	bool any = false;
	int i;

	for (i = 0; i < nr; i++)
		if (!fnmatch(globs[i], name, 0) || !fnmatch(globs[i], full, 0)) {
			hits[i]++;
			any = true;
		}
	return any;
}

/* Hits per filter, group and exclude: each must select something. */
struct hits {
	int filters[PLAN_MAX_SELECT], groups[PLAN_MAX_SELECT], excludes[PLAN_MAX_SELECT];
};

static bool selected(const struct plan_select *sel, const char *name, enum iorfd_rev rev,
		     struct hits *h)
{
	char full[CASE_NAME_MAX + 8], group[CASE_NAME_MAX];
	bool in_group = true, in = true;
	int i;

	if (!sel)
		return true;
	snprintf(full, sizeof(full), "%s.%s", name, rev_name(rev));
	snprintf(group, sizeof(group), "%.*s", case_group_len(name), name);
	if (sel->nr_filters)
		in = matches(sel->filters, sel->nr_filters, name, full, h->filters);
	if (sel->nr_groups) {
		in_group = false;
		for (i = 0; i < sel->nr_groups; i++)
			if (!strcmp(sel->groups[i], group)) {
				h->groups[i]++;
				in_group = true;
			}
	}
	/* An exclude counts only what it took out of the selection. */
	if (in && in_group && sel->nr_excludes &&
	    matches(sel->excludes, sel->nr_excludes, name, full, h->excludes))
		return false;
	return in && in_group;
}

static int none_selected(const char *opt, const char *what, const char *const *v, int nr,
			 const int *hits)
{
	int i, bad = 0;

	for (i = 0; i < nr; i++)
		if (!hits[i]) {
			fprintf(stderr,
				"%s: '%s' %s at the revisions of this run (see --list; NAME or "
				"NAME.REV, globs allowed; a group is a name's part before its first "
				"'-')\n",
				opt, v[i], what);
			bad = 1;
		}
	return bad;
}

/*
 * A filter, group or exclude that selects nothing is a typo or a stale
 * name: an error, not a run that quietly tests less (or nothing) and passes.
 */
static int check_selection(const struct plan_select *sel, const struct hits *h)
{
	int bad = 0;

	if (!sel)
		return 0;
	bad |= none_selected("--filter", "matches no case", sel->filters, sel->nr_filters,
			     h->filters);
	bad |= none_selected("--group", "is the group of no case", sel->groups, sel->nr_groups,
			     h->groups);
	bad |= none_selected("--exclude", "excludes no selected case", sel->excludes,
			     sel->nr_excludes, h->excludes);
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

/* A device case given to a guest run, or the reverse: said, with the command that runs it. */
static bool wrong_kind(const struct iorfd_case *c, const struct plan_select *sel)
{
	bool device = sel && sel->device;

	if (c->device == device)
		return false;
	if (c->device)
		fprintf(stderr,
			"%s:%d:%d: '%s' is a device case (exchanges:): run it with 'iorfd-conform "
			"device [CASE|DIR...] -- DEVICE [ARGS...]'\n",
			c->file, c->loc.line, c->loc.col, c->name);
	else
		fprintf(stderr,
			"%s:%d:%d: '%s' is a guest case (vcpus:): 'iorfd-conform device' runs "
			"device cases, such as cases/device/\n",
			c->file, c->loc.line, c->loc.col, c->name);
	return true;
}

int plan_build(const struct case_list *l, unsigned int revs, const struct plan_select *sel,
	       struct iorfd_case *c, struct plan *p)
{
	struct case_error err;
	int i, v, nr_variants, cap = l->nr * IORFD_NR_REVS + 1, ret;
	struct hits *hits = calloc(1, sizeof(*hits));

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
			if (wrong_kind(c, sel)) {
				free(hits);
				return -1;
			}
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
				    !selected(sel, c->name, r, hits))
					continue;
				p->items[p->nr].path = l->paths[i];
				p->items[p->nr].variant = v;
				p->items[p->nr].rev = r;
				p->items[p->nr].crash_risk = c->crash_risk[0];
				p->nr++;
			}
		}
	}
	ret = check_selection(sel, hits);
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

void plan_list_json(const struct plan *p, struct iorfd_case *c)
{
	char group[CASE_NAME_MAX], full[CASE_NAME_MAX + 8];
	struct case_error err;
	int i, j, n = 0;

	printf("[");
	for (i = 0; i < p->nr; i++) {
		if (plan_load(p, i, c, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			continue;
		}
		snprintf(full, sizeof(full), "%s.%s", c->name, rev_name(c->rev));
		snprintf(group, sizeof(group), "%.*s", case_group_len(c->name), c->name);
		printf("%s\n{\"name\": ", n++ ? "," : "");
		json_str(stdout, full);
		printf(", \"case\": ");
		json_str(stdout, c->name);
		printf(", \"revision\": ");
		json_str(stdout, rev_name(c->rev));
		printf(", \"group\": ");
		json_str(stdout, group);
		printf(", \"file\": ");
		json_str(stdout, c->file);
		printf(", \"requirements\": [");
		for (j = 0; j < c->nr_reqs; j++) {
			printf("%s", j ? ", " : "");
			json_str(stdout, c->reqs[j]);
		}
		printf("], \"crash_risk\": ");
		if (c->crash_risk[0])
			json_str(stdout, c->crash_risk);
		else
			printf("null");
		printf("}");
	}
	printf("\n]\n");
}
