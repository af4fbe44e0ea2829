/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs cases in child processes with a deadline each.  A case that crashes,
 * trips an assertion of the selftests library or hangs costs its own verdict
 * and nothing else.  So does one whose process a kernel bug leaves unable to
 * die (stuck in the kernel after SIGKILL): it is reported and left behind,
 * never waited for again.
 */
#ifndef IORFD_RUNNER_H
#define IORFD_RUNNER_H

#include <stdint.h>
#include <sys/types.h>

#include "model/case.h"
#include "model/result.h"
#include "targets/target.h"

struct dev_run_opts;

struct runner {
	const struct target_ops *ops;
	const void *target_config; /* struct target.config of every case (selftest: a mutant) */
	/* device --guest: a device program stands in for the responders, or NULL */
	const struct dev_run_opts *device;
	int timeout_ms;
	uint64_t seed;		 /* run seed; each case derives its own */
	struct case_result *res; /* shared with the child */
	pid_t pid;		 /* the case's process while it runs */
	int errfd;
	uint64_t started_ms;
};

int runner_init(struct runner *r, const struct target_ops *ops, int timeout_ms);
void runner_fini(struct runner *r);
/* Runs @c; the result is in r->res until the next call. */
void runner_run(struct runner *r, const struct iorfd_case *c);
/*
 * The same in two halves, so that several runners can have a case each in
 * flight (-j): start forks the case's process, finish waits for it (the
 * deadline counts from the start) and fills r->res.
 */
void runner_start(struct runner *r, const struct iorfd_case *c);
void runner_finish(struct runner *r, const struct iorfd_case *c);
/* Milliseconds until the started case's deadline (0: due now). */
int runner_time_left(const struct runner *r, const struct iorfd_case *c);

#endif /* IORFD_RUNNER_H */
