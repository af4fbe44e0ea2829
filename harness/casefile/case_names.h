/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The name of every case a list of case files makes, each combination of
 * a matrix on its own: what other files name cases by (an expectations
 * entry, a kernel report's shown_by) is checked against it, so that a
 * misspelt name is an error where it is written, not an entry that never
 * applies.
 */
#ifndef IORFD_CASE_NAMES_H
#define IORFD_CASE_NAMES_H

#include <stdbool.h>

#include "casefile/case_list.h"
#include "model/case.h"

struct case_names {
	char (*name)[CASE_NAME_MAX];
	int nr;
	/* What the list was made from, as messages show it: "cases/". */
	char from[256];
};

/*
 * Loads each file of @l (at v1: a name is the same at every revision), each
 * combination of its matrix, into @n; @from says where they came from.
 * 0, or -1 with @err (a file that does not load, or no memory).  @c is
 * scratch space.  case_names_free(@n) is safe either way.
 */
int case_names_collect(const struct case_list *l, const char *from, struct iorfd_case *c,
		       struct case_names *n, struct case_error *err);

/* Does @glob (fnmatch) match one of the names? */
bool case_names_match(const struct case_names *n, const char *glob);

/* Is @name exactly one of them? */
bool case_names_has(const struct case_names *n, const char *name);

void case_names_free(struct case_names *n);

#endif /* IORFD_CASE_NAMES_H */
