// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/run_opts.h"
#include "lib/num_arg.h"
#include "model/case.h"
#include "run/time_scale.h"
#include "vm/delegate.h"

static int parse_revs(const char *s, unsigned int *revs)
{
	enum iorfd_rev r;

	if (!strcmp(s, "all")) {
		*revs = IORFD_ALL_REVS;
		return 0;
	}
	if (rev_parse(s, &r))
		return -1;
	*revs = 1u << r;
	return 0;
}

static const struct option longopts[] = {
	{"target", required_argument, NULL, 't'},  {"revision", required_argument, NULL, 'r'},
	{"filter", required_argument, NULL, 'f'},  {"list", no_argument, NULL, 'l'},
	{"timeout", required_argument, NULL, 'T'}, {"bisect", no_argument, NULL, 'b'},
	{"json", required_argument, NULL, 1001},   {"junit", required_argument, NULL, 'J'},
	{"expect", required_argument, NULL, 'e'},  {"kernel-log", no_argument, NULL, 'k'},
	{"seed", required_argument, NULL, 's'},	   {"repeat", required_argument, NULL, 'R'},
	{"jobs", required_argument, NULL, 'j'},	   {"no-kernel-log", no_argument, NULL, 'K'},
	{"allow-crash", no_argument, NULL, 1002},  {"strict", no_argument, NULL, 1007},
	{"group", required_argument, NULL, 1008},  {"exclude", required_argument, NULL, 1009},
	{"format", required_argument, NULL, 1010}, {"timeout-scale", required_argument, NULL, 1011},
	{"vm", required_argument, NULL, 1003},	   {"vm-kernel", required_argument, NULL, 1004},
	{"vm-out", required_argument, NULL, 1005}, {"vm-timeout", required_argument, NULL, 1006},
	{"help", no_argument, NULL, 'h'},	   {0},
};

/* @arg as a whole number in [@min, @max] into *@out, else a message naming @opt. */
/* One more --filter, --group or --exclude, within the table. */
static int add_select(const char **v, int *nr, const char *opt, const char *arg)
{
	if (*nr == PLAN_MAX_SELECT) {
		fprintf(stderr, "%s: at most %d\n", opt, PLAN_MAX_SELECT);
		return -1;
	}
	if (!*arg) {
		fprintf(stderr, "%s: an empty name selects nothing\n", opt);
		return -1;
	}
	v[(*nr)++] = arg;
	return 0;
}

/* One option @c with its argument optarg; -1 after saying what is wrong with it. */
static int one_opt(struct run_opts *o, int c)
{
	uint64_t seed;

	switch (c) {
	case 't':
		o->target = optarg;
		return 0;
	case 'r':
		if (!parse_revs(optarg, &o->revs))
			return 0;
		fprintf(stderr, "--revision: '%s' is not v1, v2, v3 or all\n", optarg);
		return -1;
	case 'f':
		return add_select(o->sel.filters, &o->sel.nr_filters, "--filter", optarg);
	case 1008:
		return add_select(o->sel.groups, &o->sel.nr_groups, "--group", optarg);
	case 1009:
		return add_select(o->sel.excludes, &o->sel.nr_excludes, "--exclude", optarg);
	case 1011:
		return num_arg_int("--timeout-scale", optarg, 1, TIME_SCALE_MAX, &o->timeout_scale);
	case 1010:
		if (!strcmp(optarg, "tsv") || !strcmp(optarg, "json")) {
			o->list_json = !strcmp(optarg, "json");
			return 0;
		}
		fprintf(stderr, "--format: '%s' is not tsv or json\n", optarg);
		return -1;
	case 'l':
		o->list = true;
		return 0;
	case 'T':
		if (num_arg_int("--timeout", optarg, 1, CASE_MAX_TIMEOUT_MS / 1000, &o->timeout_ms))
			return -1;
		o->timeout_ms *= 1000;
		return 0;
	case 'b':
		o->bisect = true;
		return 0;
	case 1001:
		o->json = optarg;
		return 0;
	case 1002:
		o->allow_crash = true;
		return 0;
	case 1007:
		o->strict = true;
		return 0;
	case 1003:
		o->vm = vm_mode_parse(optarg);
		if (o->vm >= 0)
			return 0;
		fprintf(stderr, "--vm: '%s' is not never, auto or always\n", optarg);
		return -1;
	case 1004:
		o->vm_kernel = optarg;
		return 0;
	case 1005:
		o->vm_out = optarg;
		return 0;
	case 1006:
		return num_arg_int("--vm-timeout", optarg, 10, 24 * 3600, &o->vm_timeout_s);
	case 'J':
		o->junit = optarg;
		return 0;
	case 'e':
		o->expect = optarg;
		return 0;
	case 'j':
		return num_arg_int("-j", optarg, 1, 64, &o->jobs);
	case 'R':
		return num_arg_int("--repeat", optarg, 1, 100000, &o->repeat);
	case 's':
		if (num_arg("--seed", optarg, 0, UINT64_MAX, &seed))
			return -1;
		o->seed = seed;
		return 0;
	case 'k':
	case 'K':
		o->kernel_log = c == 'k';
		return 0;
	case 'h':
		o->help = true;
		return 0;
	}
	fprintf(stderr, "try 'iorfd-conform --help'\n");
	return -1;
}

int run_opts_parse(int argc, char **argv, struct run_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->target = "auto";
	o->timeout_ms = DEFAULT_TIMEOUT_MS;
	o->timeout_scale = 1;
	o->kernel_log = -1;
	o->repeat = 1;
	o->jobs = 1;
	o->vm = VM_NEVER;
	o->vm_timeout_s = DEFAULT_VM_TIMEOUT_S;
	/* The VM runner says so when the run is in one (harness/vm/init). */
	o->run_note = getenv("IORFD_RUN_NOTE");
	o->seed = (unsigned long long)time(NULL) * 2654435761u ^ (unsigned long long)getpid();
	o->argc = argc;
	o->argv = argv;
	optind = 0; /* glibc: a full reset, for a second parse in one process */
	while ((c = getopt_long(argc, argv, "t:r:f:lT:bhj:", longopts, NULL)) != -1)
		if (one_opt(o, c))
			return -1;
	if (o->list_json && !o->list) {
		fprintf(stderr, "--format: only --list has a format (add --list)\n");
		return -1;
	}
	return 0;
}
