/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A run of a plan against one target: KTAP on stdout, JSON and JUnit when
 * asked, the target's known failures (expectations), the kernel log checked
 * around every case where the target's work shows there, repeats and -j.
 */
#ifndef IORFD_SESSION_H
#define IORFD_SESSION_H

#include <stdbool.h>

#include "casefile/case_list.h"
#include "model/case.h"
#include "model/probe.h"
#include "run/plan.h"
#include "targets/target.h"

/* The suite's exit codes (kselftest's skip is 4; 125 is git bisect's "cannot test"). */
enum run_exit {
	EXIT_PASS = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_NOTHING_RAN = 4,
	EXIT_BISECT_SKIP = 125,
};

/* What shapes a run, however it was asked for (harness/cli/run.c parses it). */
struct dev_run_opts;

struct session_opts {
	const char *version;
	const struct target_ops *ops;
	const struct target_probe *probe;
	int timeout_ms;		 /* per case; a case's own timeout_ms may shorten it */
	unsigned long long seed; /* printed in the KTAP header */
	int repeat;		 /* runs per case; a changed verdict fails as flaky */
	int jobs;		 /* cases in flight, where the target allows it */
	int kernel_log;		 /* 1 on, 0 off, -1 as the target's properties say */
	bool allow_crash;	 /* run crash_risk cases where they could crash the host */
	bool strict;		 /* an XPASS fails the run (a stale expectation) */
	const char *expect;	 /* expectations file or directory, or NULL */
	const char *json, *junit;
	const char *run_note; /* where the run happens (a VM), or NULL */
	/* device --guest: the device program in our responders' place, or NULL */
	const struct dev_run_opts *device;
	const char *device_text; /* its command line */
	int argc;		 /* the command line, for the JSON */
	char **argv;
};

/* Runs @p, printing KTAP on stdout; returns an enum run_exit.  @c is scratch space. */
int session_run(const struct session_opts *o, const struct case_list *l, const struct plan *p,
		struct iorfd_case *c);

#endif /* IORFD_SESSION_H */
