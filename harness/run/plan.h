/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A run's plan: which case files run at which revisions, in which order.
 * Cases marked crash_risk come last, after every other verdict is in.
 */
#ifndef IORFD_PLAN_H
#define IORFD_PLAN_H

#include <stdbool.h>

#include "casefile/case_list.h"
#include "model/case.h"

/* One case file at one revision, selected to run. */
struct plan_item {
	const char *path;
	int variant; /* of the file's matrix, 0 for a file without one */
	enum iorfd_rev rev;
	bool crash_risk;
};

struct plan {
	struct plan_item *items;
	int nr;
	int nr_safe; /* the first nr_safe items have no crash_risk */
};

#define PLAN_MAX_SELECT 16

/*
 * Which cases a run takes, by name (NAME or NAME.REV, globs): a case is in
 * when it matches a filter (or there is none) and its group is one of
 * @groups (or there is none), and out when it matches an exclude.  Each
 * filter, group and exclude must select something: one that does not is
 * a typo or a stale name, and an error.
 */
struct plan_select {
	const char *filters[PLAN_MAX_SELECT];
	int nr_filters;
	const char *groups[PLAN_MAX_SELECT];
	int nr_groups;
	const char *excludes[PLAN_MAX_SELECT];
	int nr_excludes;
	/*
	 * Device cases (iorfd-conform device), else guest cases.  A file of
	 * the other kind is an error, not a case quietly left out: the two
	 * catalogues are cases/ and cases/device/.
	 */
	bool device;
};

/*
 * Every file of @l at every revision in @revs it claims, as @sel (NULL:
 * all) selects.  0, or -1 with the loader's message on stderr.  @c is
 * scratch space.
 */
int plan_build(const struct case_list *l, unsigned int revs, const struct plan_select *sel,
	       struct iorfd_case *c, struct plan *p);

/* --list: "name.rev<TAB>file<TAB>REQ,REQ" a line. */
void plan_list(const struct plan *p, struct iorfd_case *c);

/*
 * --list --format json: an array of {name, revision, group, file,
 * requirements, crash_risk (null or why)}, one per combination.
 */
void plan_list_json(const struct plan *p, struct iorfd_case *c);

/* Loads item @i of @p into @c: 0, or -1 with @err (the file changed since). */
int plan_load(const struct plan *p, int i, struct iorfd_case *c, struct case_error *err);

void plan_free(struct plan *p);

#endif /* IORFD_PLAN_H */
