/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Known deviations of one implementation under test, each with its reason:
 * a listed case that fails is reported XFAIL; one that passes, XPASS, so a
 * reviewer sees at once what a patch fixed or broke.
 *
 *   description: RFC v3 port to 6.1 (shared/kernels/rfc-v3), bugs kept
 *   when: {target: kernel, revision: v3, kernel: "6.1.*"}    # all optional but target
 *   known_failures:
 *     - case: reg-overlap-last-byte
 *       revisions: [v3]                                     # optional: every revision
 *       reason: "B1: overlap() accepts a range starting on the last byte of another"
 *   known_kernel_log:                                       # optional
 *     - pattern: "refcount_t:"
 *       reason: "B3: the context's kref starts from zero"
 *       shown_by: life-context-refcount
 *
 * A kernel report matching a known_kernel_log pattern does not fail the
 * cases that merely trigger it along the way; it still fails shown_by, the
 * case that exists to show it (which is then listed as a known failure).
 *
 * --expect takes a file or a directory; every file whose 'when' matches the
 * run applies.
 */
#ifndef IORFD_EXPECTATIONS_H
#define IORFD_EXPECTATIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/case.h"
#include "model/probe.h"

struct expectation {
	char case_name[CASE_NAME_MAX];
	unsigned int revisions;
	char reason[320];
	char where[300]; /* file:line of the entry */
};

struct known_log {
	char pattern[128];
	char reason[256];
	char shown_by[CASE_NAME_MAX];
};

struct expectations {
	struct expectation *items;
	int nr;
	struct known_log *logs;
	int nr_logs;
	char files[1024]; /* the files that applied, for the KTAP header */
};

/* 0, or -1 with @err = "FILE:LINE:COL: message". */
int expectations_load(const char *path, const char *target, const struct target_probe *probe,
		      struct expectations *x, char *err, size_t errlen);
const struct expectation *expectations_find(const struct expectations *x, const char *name,
					    enum iorfd_rev rev);
/* The known report @line belongs to, unless @case_name is the case that shows it. */
const struct known_log *expectations_known_log(const struct expectations *x, const char *line,
					       const char *case_name);
void expectations_free(struct expectations *x);

#endif /* IORFD_EXPECTATIONS_H */
