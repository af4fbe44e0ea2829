/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j: runs a plan's cases several at a time and reports them in plan order.
 * A slot that frees takes the next case at once, so one long case does not
 * hold back the others; a case that finished early waits until the ones
 * before it are reported.
 */
#ifndef IORFD_SCHEDULER_H
#define IORFD_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

#include "model/case.h"
#include "model/result.h"
#include "targets/target.h"

struct sched_ops {
	/*
	 * Loads plan item @i into @c.  0: run it; 1: skip it, @why says why;
	 * -1: stop the run (the file went bad since the plan was made).
	 */
	int (*load)(void *ctx, int i, struct iorfd_case *c, char *why, size_t len);
	/* Item @c in plan order: its result, or (@res NULL) its skip and why. */
	void (*report)(void *ctx, const struct iorfd_case *c, struct case_result *res,
		       const char *why);
};

struct dev_run_opts;

struct sched_cfg {
	const struct target_ops *ops;
	int timeout_ms;
	uint64_t seed;
	int jobs;			   /* cases running at once */
	const struct dev_run_opts *device; /* runner.device */
};

/* Items 0..@nr-1.  0, or -1 when a load stopped the run or slots could not be set up. */
int sched_run(const struct sched_cfg *cfg, int nr, const struct sched_ops *so, void *ctx);

#endif /* IORFD_SCHEDULER_H */
