/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The options of a suite run (iorfd-conform [options] [CASE|DIR...]),
 * parsed on their own so that the parser can be tested and fuzzed
 * without anything it would start: run.c acts on them.
 */
#ifndef IORFD_RUN_OPTS_H
#define IORFD_RUN_OPTS_H

#include <stdbool.h>

#include "run/plan.h"

#define DEFAULT_TIMEOUT_MS 10000
/* A whole suite run in a VM, boot included: nested KVM under TCG is slow. */
#define DEFAULT_VM_TIMEOUT_S 1200

struct run_opts {
	const char *target;
	unsigned int revs;	/* 0: the target's choice */
	struct plan_select sel; /* --filter, --group, --exclude */
	bool list_json;		/* --list --format json */
	bool list;
	bool bisect;
	bool allow_crash; /* run crash_risk cases on the kernel target too */
	bool strict;	  /* --strict: an XPASS fails the run */
	int timeout_ms;
	int timeout_scale; /* --timeout-scale: every limit times this */
	const char *json;
	const char *junit;
	const char *expect;
	int kernel_log;		 /* -1 auto: on for the kernel target */
	unsigned long long seed; /* --seed, else chosen at start and printed */
	int repeat;		 /* --repeat: runs per case, seed varied; a changed verdict fails */
	int jobs;		 /* -j: cases in flight at once (reference target) */
	int vm;			 /* enum vm_mode: --vm */
	const char *vm_kernel;	 /* --vm-kernel: what --vm boots (default: the runner kernel) */
	const char *vm_out;	 /* --vm-out: vm-run.sh's files */
	int vm_timeout_s;	 /* --vm-timeout */
	const char *run_note;	 /* $IORFD_RUN_NOTE: where the run happens, for KTAP and JSON */
	const struct dev_run_opts *device; /* device --guest: the device program, or NULL */
	const char *device_text;	   /* its command line */
	bool help;			   /* --help: print the usage, run nothing */
	int argc;
	char **argv;
};

/*
 * Parses @argv (getopt_long, from optind, which it resets) into @o, with
 * the defaults for what is not given.  0, or -1 after a message on stderr
 * naming the option.  The case paths are argv[optind..].
 */
int run_opts_parse(int argc, char **argv, struct run_opts *o);

#endif /* IORFD_RUN_OPTS_H */
