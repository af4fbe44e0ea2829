/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs cases in child processes with a deadline each.  A case that crashes,
 * trips an assertion of the selftests library or hangs costs its own verdict
 * and nothing else.
 */
#ifndef IORFD_RUNNER_H
#define IORFD_RUNNER_H

#include "case.h"
#include "result.h"
#include "target.h"

struct runner {
	const struct target_ops *ops;
	int timeout_ms;
	uint64_t seed;		 /* run seed; each case derives its own */
	struct case_result *res; /* shared with the child */
};

int runner_init(struct runner *r, const struct target_ops *ops, int timeout_ms);
void runner_fini(struct runner *r);
/* Runs @c; the result is in r->res until the next call. */
void runner_run(struct runner *r, const struct iorfd_case *c);

#endif /* IORFD_RUNNER_H */
