/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP v1 on stdout: one result line per case x revision, failure details
 * as "# " diagnostics before the line they explain, totals at the end in the
 * form kselftest uses.
 */
#ifndef IORFD_KTAP_H
#define IORFD_KTAP_H

#include <stdio.h>

#include "model/case.h"
#include "model/result.h"

struct ktap {
	FILE *f;
	int n;
	int pass, fail, skip, error, xfail, xpass;
};

void ktap_begin(struct ktap *k, FILE *f, int planned);
void ktap_diag(struct ktap *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ktap_result(struct ktap *k, const struct iorfd_case *c, const struct case_result *r);
/*
 * The same, with @extra (several lines, or NULL) shown after the failures
 * of a case that did not pass: a device run's transcript, say.
 */
void ktap_result_with(struct ktap *k, const struct iorfd_case *c, const struct case_result *r,
		      const char *extra);
void ktap_skip(struct ktap *k, const char *name, enum iorfd_rev rev, const char *reason);
void ktap_end(struct ktap *k);

#endif /* IORFD_KTAP_H */
