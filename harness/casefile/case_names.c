// SPDX-License-Identifier: GPL-2.0
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casefile/case_names.h"

static int add(struct case_names *n, const char *name)
{
	char(*grown)[CASE_NAME_MAX] = realloc(n->name, (n->nr + 1) * sizeof(*grown));

	if (!grown)
		return -1;
	n->name = grown;
	snprintf(n->name[n->nr++], CASE_NAME_MAX, "%s", name);
	return 0;
}

int case_names_collect(const struct case_list *l, const char *from, struct iorfd_case *c,
		       struct case_names *n, struct case_error *err)
{
	int i, v, nr_variants;

	memset(n, 0, sizeof(*n));
	snprintf(n->from, sizeof(n->from), "%s", from);
	for (i = 0; i < l->nr; i++) {
		for (v = 0, nr_variants = 1; v < nr_variants; v++) {
			if (case_load_variant(l->paths[i], IORFD_V1, v, c, err))
				return -1;
			nr_variants = c->nr_variants;
			if (add(n, c->name)) {
				snprintf(err->msg, sizeof(err->msg), "%s: out of memory",
					 l->paths[i]);
				return -1;
			}
		}
	}
	return 0;
}

bool case_names_match(const struct case_names *n, const char *glob)
{
	int i;

	for (i = 0; i < n->nr; i++)
		if (!fnmatch(glob, n->name[i], 0))
			return true;
	return false;
}

bool case_names_has(const struct case_names *n, const char *name)
{
	int i;

	for (i = 0; i < n->nr; i++)
		if (!strcmp(name, n->name[i]))
			return true;
	return false;
}

void case_names_free(struct case_names *n)
{
	free(n->name);
	n->name = NULL;
	n->nr = 0;
}
