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
 *       fails:                                              # what the case sees fail
 *         - {kind: errno, line: [14, 16]}                   # line, requirement optional
 *
 * A listed case is XFAIL only when every failure it shows is one of its
 * entry's 'fails' (kind, and the case file line or requirement where given);
 * anything else failing beside the known bug makes it FAIL, so a known bug
 * never hides a new one in the same case.  Not every listed failure has to
 * show: a bug that shows in several places as timing allows stays known.
 *   known_kernel_log:                                       # optional
 *     - pattern: "refcount_t:"
 *       reason: "B3: the context's kref starts from zero"
 *       shown_by: life-context-refcount
 *
 * A kernel report matching a known_kernel_log pattern does not fail the
 * cases that merely trigger it along the way; it still fails shown_by, the
 * case that exists to show it (which is then listed as a known failure).
 *
 * --expect takes a file or a directory; every file is checked whole, and
 * those whose 'when' matches the run apply.  Checked whole means whatever
 * the run: a file for another kernel is held to the same rules as one that
 * applies, so that a mistake shows the day it is made, not the day its
 * kernel is tested (struct expect_check: its target is one that exists,
 * its kernel glob is well formed, every case it names is a case of the
 * run, every requirement is in the registry).
 */
#ifndef IORFD_EXPECTATIONS_H
#define IORFD_EXPECTATIONS_H

/* The longest reason an entry may give; a longer one is refused, never cut. */
#define EXPECT_REASON_MAX 1024

#include <stdbool.h>
#include <stddef.h>

#include "casefile/case_names.h"
#include "casefile/registry.h"
#include "model/case.h"
#include "model/probe.h"
#include "model/result.h"

#define EXPECT_MAX_FAILS 16
#define EXPECT_MAX_LINES 8

/* One kind of failure a known failure consists of. */
struct expected_fail {
	enum fail_kind kind;
	int lines[EXPECT_MAX_LINES]; /* the case file lines it may point at; none: any */
	int nr_lines;
	char req[32]; /* the requirement it names; "": any */
};

struct expectation {
	char case_name[CASE_NAME_MAX];
	unsigned int revisions;
	char reason[EXPECT_REASON_MAX];
	char where[300]; /* file:line of the entry */
	struct expected_fail fails[EXPECT_MAX_FAILS];
	int nr_fails;
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

/*
 * What a file is checked against beside its own syntax, whether or not it
 * applies to the run.  Each part may be NULL where the caller does not
 * have it; that part goes unchecked.
 */
struct expect_check {
	const char *const *targets;	/* every target's name, NULL-terminated */
	const struct case_names *cases; /* the cases of the run, before any --filter */
	const struct registry *reg;	/* the requirements a 'fails' entry may name */
};

/*
 * Checks @path (a file, or a directory of *.yaml) against @chk and keeps
 * what applies to @target running @probe in @x.  0, or -1 with
 * @err = "FILE:LINE:COL: message" (the first problem of the first bad file).
 */
int expectations_load(const char *path, const struct expect_check *chk, const char *target,
		      const struct target_probe *probe, struct expectations *x, char *err,
		      size_t errlen);
/* The same checks, keeping nothing: for lint, and before a run that may never start. */
int expectations_check(const char *path, const struct expect_check *chk, char *err, size_t errlen);
const struct expectation *expectations_find(const struct expectations *x, const char *name,
					    enum iorfd_rev rev);
/* The known report @line belongs to, unless @case_name is the case that shows it. */
const struct known_log *expectations_known_log(const struct expectations *x, const char *line,
					       const char *case_name);
void expectations_free(struct expectations *x);

/*
 * The first failure of @r that @e does not describe, or NULL when each one
 * is one of @e's fails.  A result that recorded more failures than it kept
 * cannot be vouched for: its first failure is returned.
 */
const struct failure *expectation_unexplained(const struct expectation *e,
					      const struct case_result *r);

#endif /* IORFD_EXPECTATIONS_H */
