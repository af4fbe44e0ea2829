// SPDX-License-Identifier: GPL-2.0
/*
 * iorfd-conform: conformance suite for KVM ioregionfd.
 *
 *   iorfd-conform [options] [CASE|DIR...]   run cases (default: cases/), KTAP on stdout
 *   iorfd-conform lint [CASE|DIR...]        check case files without running them
 *
 * Exit codes: 0 every case passed, 1 a case failed or errored, 2 bad usage or
 * case files, 4 nothing could run (kselftest's skip).  With --bisect: 0 good,
 * 1 bad, 125 cannot test, for 'git bisect run'.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/case.h"
#include "casefile/case_list.h"
#include "casefile/expectations.h"
#include "reports/live/json.h"
#include "reports/offline/junit.h"
#include "run/kmsg.h"
#include "reports/live/ktap.h"
#include "run/kvm_usable.h"
#include "casefile/registry.h"
#include "run/runner.h"
#include "run/scheduler.h"
#include "targets/target.h"
#include "vm/delegate.h"

int cmd_bench(int argc, char **argv); /* bench: harness/bench/bench.c */
int cmd_selftest(int argc, char **argv); /* selftest: harness/cli/selftest.c */
int cmd_report(int argc, char **argv); /* report: harness/cli/report.c */
int cmd_probe(int argc, char **argv); /* probe: harness/cli/probe.c */
int cmd_vm(int argc, char **argv); /* vm: harness/cli/vm.c */

#define VERSION		   "0.1"
#define DEFAULT_TIMEOUT_MS 10000
#define MAX_FILTERS	   16
/* A whole suite run in a VM, boot included: nested KVM under TCG is slow. */
#define DEFAULT_VM_TIMEOUT_S 1200

enum exit_code {
	EXIT_PASS = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_NOTHING_RAN = 4,
	EXIT_BISECT_SKIP = 125,
};

struct opts {
	const char *target;
	unsigned int revs; /* 0: the target's choice */
	const char *filters[MAX_FILTERS];
	int nr_filters;
	bool list;
	bool bisect;
	bool allow_crash; /* run crash_risk cases on the kernel target too */
	int timeout_ms;
	const char *json;
	const char *junit;
	const char *expect;
	int kernel_log; /* -1 auto: on for the kernel target */
	unsigned long long seed; /* --seed, else chosen at start and printed */
	int repeat;		 /* --repeat: runs per case, seed varied; a changed verdict fails */
	int jobs;		 /* -j: cases in flight at once (reference target) */
	int vm;			 /* enum vm_mode: --vm */
	const char *vm_kernel;	 /* --vm-kernel: what --vm boots (default: the runner kernel) */
	const char *vm_out;	 /* --vm-out: vm-run.sh's files */
	int vm_timeout_s;	 /* --vm-timeout */
	const char *run_note;	 /* $IORFD_RUN_NOTE: where the run happens, for KTAP and JSON */
	int argc;
	char **argv;
};

/* One case file at one revision, selected to run. */
struct plan_item {
	const char *path;
	enum iorfd_rev rev;
	bool crash_risk;
};

/*
 * Cases with a crash_risk come last, after nr_safe others: a kernel that
 * dies in one of them has then already given every other verdict.
 */
struct plan {
	struct plan_item *items;
	int nr;
	int nr_safe;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: iorfd-conform [options] [CASE.yaml|DIR...]\n"
		"       iorfd-conform lint [CASE.yaml|DIR...]\n"
		"\n"
		"  --target auto|reference|kernel  implementation under test (default auto:\n"
		"                                  kernel when KVM_SET_IOREGION exists, else reference)\n"
		"  --revision v1|v2|v3|all         protocol revision(s) (default: all on reference,\n"
		"                                  the detected one on kernel)\n"
		"  --filter GLOB                   run cases whose name or name.rev matches (repeatable)\n"
		"  --list                          list case x revision combinations, run nothing\n"
		"  --timeout SEC                   per-case time limit (default %d)\n"
		"  --json FILE                     write results, transcripts included, as JSON\n"
		"  --junit FILE                    write JUnit XML, made from those JSON results\n"
		"  --expect FILE|DIR               known failures of the target: XFAIL / XPASS\n"
		"  --kernel-log, --no-kernel-log   fail a case when the kernel logs a WARN/BUG/...\n"
		"                                  while it runs (default: on for --target kernel)\n"
		"  -j N, --jobs N                  run N cases at once (reference target; the kernel\n"
		"                                  target runs one at a time to own the kernel log)\n"
		"  --repeat N                      run every case N times (seed varied); a case whose\n"
		"                                  verdict changes fails as flaky\n"
		"  --seed N                        seed of the jitter in multi-vCPU cases (printed\n"
		"                                  in the KTAP header; give it back to replay)\n"
		"  --bisect                        exit 0 good, 1 bad, 125 cannot test\n"
		"  --allow-crash                   run cases marked crash_risk on the kernel target\n"
		"                                  (they may crash or wedge it; iorfd-conform vm\n"
		"                                  passes this); they always run last, one at a time\n"
		"  --vm never|auto|always          run the suite in a QEMU guest: never (default: no\n"
		"                                  usable /dev/kvm is one SKIP line, exit 4), auto\n"
		"                                  (when this host has no usable KVM), always\n"
		"  --vm-kernel BZIMAGE             the kernel --vm boots (default: the runner kernel,\n"
		"                                  %s; make runner-kernel)\n"
		"  --vm-out DIR                    --vm's files: console log, QEMU command, results\n"
		"  --vm-timeout SEC                --vm's limit for boot and suite (default %d)\n"
		"\n"
		"       iorfd-conform probe         what this host offers: KVM, the kernel target,\n"
		"                                  the runner kernel and QEMU for --vm\n"
		"       iorfd-conform vm --kernel BZIMAGE [vm-run options] [-- suite options]\n"
		"       iorfd-conform vm --build [KSRC] [vm-run options] [-- suite options]\n"
		"                                  boot BZIMAGE (or a kernel built from KSRC with\n"
		"                                  harness/vm/config) in QEMU, run the suite inside\n"
		"                                  on the kernel target; exit 0 good, 1 bad, 125\n"
		"                                  cannot test\n"
		"       iorfd-conform bench [--iterations N] [--out DIR] [--target T] (see bench --help)\n"
		"                                  per-access latency of exits, ioeventfd, ioregionfd\n"
		"       iorfd-conform report RESULTS.json... -o DIR\n"
		"                                  HTML report: verdict and requirement matrices,\n"
		"                                  a page per case x revision with its transcript\n"
		"       iorfd-conform report --diff BASE.json NEW.json\n"
		"                                  verdict changes; exit 1 when a case newly fails\n",
		DEFAULT_TIMEOUT_MS / 1000, vm_runner_kernel(), DEFAULT_VM_TIMEOUT_S);
}

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

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "revision", required_argument, NULL, 'r' },
		{ "filter", required_argument, NULL, 'f' },
		{ "list", no_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "bisect", no_argument, NULL, 'b' },
		{ "json", required_argument, NULL, 1001 },
		{ "junit", required_argument, NULL, 'J' },
		{ "expect", required_argument, NULL, 'e' },
		{ "kernel-log", no_argument, NULL, 'k' },
		{ "seed", required_argument, NULL, 's' },
		{ "repeat", required_argument, NULL, 'R' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "no-kernel-log", no_argument, NULL, 'K' },
		{ "allow-crash", no_argument, NULL, 1002 },
		{ "vm", required_argument, NULL, 1003 },
		{ "vm-kernel", required_argument, NULL, 1004 },
		{ "vm-out", required_argument, NULL, 1005 },
		{ "vm-timeout", required_argument, NULL, 1006 },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->target = "auto";
	o->timeout_ms = DEFAULT_TIMEOUT_MS;
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
	while ((c = getopt_long(argc, argv, "t:r:f:lT:bhj:", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			o->target = optarg;
			break;
		case 'r':
			if (parse_revs(optarg, &o->revs)) {
				fprintf(stderr, "--revision: '%s' is not v1, v2, v3 or all\n", optarg);
				return -1;
			}
			break;
		case 'f':
			if (o->nr_filters == MAX_FILTERS) {
				fprintf(stderr, "--filter: at most %d\n", MAX_FILTERS);
				return -1;
			}
			o->filters[o->nr_filters++] = optarg;
			break;
		case 'l':
			o->list = true;
			break;
		case 'T':
			o->timeout_ms = (int)strtol(optarg, &end, 10) * 1000;
			if (*end || o->timeout_ms <= 0) {
				fprintf(stderr, "--timeout: '%s' is not a positive number of seconds\n",
					optarg);
				return -1;
			}
			break;
		case 'b':
			o->bisect = true;
			break;
		case 1001:
			o->json = optarg;
			break;
		case 1002:
			o->allow_crash = true;
			break;
		case 1003:
			o->vm = vm_mode_parse(optarg);
			if (o->vm < 0) {
				fprintf(stderr, "--vm: '%s' is not never, auto or always\n", optarg);
				return -1;
			}
			break;
		case 1004:
			o->vm_kernel = optarg;
			break;
		case 1005:
			o->vm_out = optarg;
			break;
		case 1006:
			o->vm_timeout_s = (int)strtol(optarg, &end, 10);
			if (*end || o->vm_timeout_s < 10) {
				fprintf(stderr, "--vm-timeout: '%s' is not a number of seconds from 10\n",
					optarg);
				return -1;
			}
			break;
		case 'J':
			o->junit = optarg;
			break;
		case 'e':
			o->expect = optarg;
			break;
		case 'j':
			o->jobs = (int)strtol(optarg, &end, 10);
			if (*end || o->jobs < 1 || o->jobs > 64) {
				fprintf(stderr, "-j: '%s' is not a count from 1 to 64\n", optarg);
				return -1;
			}
			break;
		case 'R':
			o->repeat = (int)strtol(optarg, &end, 10);
			if (*end || o->repeat < 1 || o->repeat > 100000) {
				fprintf(stderr, "--repeat: '%s' is not a count from 1\n", optarg);
				return -1;
			}
			break;
		case 's':
			errno = 0;
			o->seed = strtoull(optarg, &end, 0);
			if (*end || errno) {
				fprintf(stderr, "--seed: '%s' is not a number\n", optarg);
				return -1;
			}
			break;
		case 'k':
		case 'K':
			o->kernel_log = c == 'k';
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_PASS);
		default:
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

static bool selected(const struct opts *o, const char *name, enum iorfd_rev rev)
{
	char full[CASE_NAME_MAX + 8];
	int i;

	if (!o->nr_filters)
		return true;
	snprintf(full, sizeof(full), "%s.%s", name, rev_name(rev));
	for (i = 0; i < o->nr_filters; i++)
		if (!fnmatch(o->filters[i], name, 0) || !fnmatch(o->filters[i], full, 0))
			return true;
	return false;
}

static int collect(int argc, char **argv, struct case_list *l)
{
	static char *const def[] = { "cases/" };

	return argc ? case_list_collect(l, argv, argc) : case_list_collect(l, def, 1);
}

/*
 * Loads every file at every revision it claims, to report all errors at
 * once.  Returns the number of bad files; @seen collects case names so a
 * name used twice is caught.
 */
static int lint_files(const struct case_list *l, struct iorfd_case *c, bool quiet)
{
	char (*names)[CASE_NAME_MAX] = calloc(l->nr ? l->nr : 1, CASE_NAME_MAX);
	const char **where = calloc(l->nr ? l->nr : 1, sizeof(*where));
	struct case_error err;
	int bad = 0, i, j;

	for (i = 0; i < l->nr; i++) {
		enum iorfd_rev r;
		bool ok = true;

		for_each_rev(r) {
			if (case_load(l->paths[i], r, c, &err)) {
				fprintf(stderr, "%s\n", err.msg);
				ok = false;
				break;
			}
			if (r == IORFD_V1)
				snprintf(names[i], CASE_NAME_MAX, "%s", c->name);
		}
		where[i] = l->paths[i];
		for (j = 0; ok && j < i; j++) {
			if (names[j][0] && !strcmp(names[j], names[i])) {
				fprintf(stderr, "%s:%d:%d: case name '%s' is already used by %s\n",
					l->paths[i], c->loc.line, c->loc.col, names[i], where[j]);
				ok = false;
			}
		}
		if (!ok) {
			names[i][0] = '\0';
			bad++;
		}
	}
	if (!quiet)
		fprintf(stderr, "lint: %d case files, %d with errors\n", l->nr, bad);
	free(names);
	free(where);
	return bad;
}

/*
 * Checks what each case cites against @reg, then prints the coverage
 * summary.  Returns the number of unknown IDs: a case citing one claims a
 * rule that nobody can look up.  Rules without a case are only reported,
 * since the catalogue grows one case at a time.
 */
static int lint_requirements(const struct case_list *l, const struct registry *reg,
			     struct iorfd_case *c)
{
	bool *cited = calloc(reg->nr ? reg->nr : 1, sizeof(*cited));
	struct req_cites *rc = malloc(sizeof(*rc));
	struct case_error err;
	int i, unknown = 0;
	enum iorfd_rev r;

	if (!cited || !rc) {
		fprintf(stderr, "lint: out of memory\n");
		free(cited);
		free(rc);
		return 1;
	}
	for (i = 0; i < l->nr; i++) {
		rc->nr = 0;
		for_each_rev(r) {
			/* lint_files() has already reported a file that does not load. */
			if (case_load(l->paths[i], r, c, &err))
				break;
			registry_cite(reg, c, rc, cited);
		}
		unknown += registry_cite_report(rc, l->paths[i], stderr);
	}
	registry_report(reg, cited, stderr);
	free(rc);
	free(cited);
	return unknown;
}

/* lint [--registry FILE | --registry=FILE] [CASE|DIR...] */
static int cmd_lint(int argc, char **argv)
{
	const char *reg_path = "docs/requirements.yaml";
	struct iorfd_case *c;
	struct registry reg;
	struct case_list l;
	char err[512];
	int bad;

	if (argc >= 2 && !strcmp(argv[0], "--registry")) {
		reg_path = argv[1];
		argc -= 2;
		argv += 2;
	} else if (argc >= 1 && !strncmp(argv[0], "--registry=", 11)) {
		reg_path = argv[0] + 11;
		argc--;
		argv++;
	}
	if (argc >= 1 && argv[0][0] == '-') {
		fprintf(stderr, "usage: iorfd-conform lint [--registry FILE] [CASE.yaml|DIR...]\n");
		return EXIT_USAGE;
	}
	if (registry_load(reg_path, &reg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	c = malloc(sizeof(*c));
	if (!c || collect(argc, argv, &l)) {
		free(c);
		registry_free(&reg);
		return EXIT_USAGE;
	}
	bad = lint_files(&l, c, false);
	bad += lint_requirements(&l, &reg, c);
	case_list_free(&l);
	registry_free(&reg);
	free(c);
	return bad ? EXIT_USAGE : EXIT_PASS;
}

/* Moves the crash_risk items behind the others, each group in its order. */
static int crash_risk_last(struct plan *p)
{
	struct plan_item *tmp = malloc((p->nr + 1) * sizeof(*tmp));
	int i, n = 0;

	if (!tmp)
		return -1;
	for (i = 0; i < p->nr; i++)
		if (!p->items[i].crash_risk)
			tmp[n++] = p->items[i];
	p->nr_safe = n;
	for (i = 0; i < p->nr; i++)
		if (p->items[i].crash_risk)
			tmp[n++] = p->items[i];
	memcpy(p->items, tmp, p->nr * sizeof(*tmp));
	free(tmp);
	return 0;
}

static int build_plan(const struct case_list *l, const struct opts *o, unsigned int revs,
		      struct iorfd_case *c, struct plan *p)
{
	struct case_error err;
	int i;

	p->items = calloc(l->nr * IORFD_NR_REVS + 1, sizeof(*p->items));
	p->nr = 0;
	if (!p->items)
		return -1;
	for (i = 0; i < l->nr; i++) {
		enum iorfd_rev r;

		if (case_load(l->paths[i], IORFD_V1, c, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return -1;
		}
		for_each_rev(r) {
			if (!(revs & c->revisions & (1u << r)) || !selected(o, c->name, r))
				continue;
			p->items[p->nr].path = l->paths[i];
			p->items[p->nr].rev = r;
			p->items[p->nr].crash_risk = c->crash_risk[0];
			p->nr++;
		}
	}
	return crash_risk_last(p);
}

static void list_plan(const struct plan *p, struct iorfd_case *c)
{
	struct case_error err;
	int i, j;

	for (i = 0; i < p->nr; i++) {
		if (case_load(p->items[i].path, p->items[i].rev, c, &err))
			continue;
		printf("%s.%s\t%s\t", c->name, rev_name(c->rev), c->file);
		for (j = 0; j < c->nr_reqs; j++)
			printf("%s%s", j ? "," : "", c->reqs[j]);
		printf("\n");
	}
	fprintf(stderr, "%d case x revision combinations\n", p->nr);
}

static const struct target_ops *pick_target(const struct opts *o, struct target_probe *probe)
{
	const struct target_ops *ops;

	if (!strcmp(o->target, "auto")) {
		struct target_probe kp;

		target_kernel.probe(&kp);
		if (kp.present) {
			*probe = kp;
			return &target_kernel;
		}
		target_reference.probe(probe);
		snprintf(probe->how + strlen(probe->how), sizeof(probe->how) - strlen(probe->how),
			 "; chosen by --target auto because the kernel has none: %.120s", kp.how);
		return &target_reference;
	}
	ops = target_find(o->target);
	if (!ops) {
		fprintf(stderr, "--target: unknown target '%s' (auto, reference, kernel)\n",
			o->target);
		return NULL;
	}
	ops->probe(probe);
	return ops;
}

static int finish(const struct opts *o, int code)
{
	if (!o->bisect)
		return code;
	return code == EXIT_PASS || code == EXIT_FAIL ? code : EXIT_BISECT_SKIP;
}


/*
 * --bisect asks about a kernel, so it tests the kernel's own
 * KVM_SET_IOREGION: our userspace model passing says nothing about the
 * commit under test.  A kernel without one is "cannot test" (125).
 */
static int check_bisect_target(struct opts *o)
{
	if (!strcmp(o->target, "auto"))
		o->target = "kernel";
	if (strcmp(o->target, "kernel")) {
		fprintf(stderr, "--bisect tests the kernel's own KVM_SET_IOREGION; "
				"--target %s cannot tell a good commit from a bad one\n",
			o->target);
		return -1;
	}
	return 0;
}

static const char *rev_arg(unsigned int revs)
{
	enum iorfd_rev r;

	for_each_rev(r)
		if (revs == 1u << r)
			return rev_name(r);
	return "all";
}

/*
 * The same run in a VM: the options as parsed, written out again, so that
 * a result file named here is written to the guest's /out and brought back
 * by vm_delegate().  The seed is the one chosen here, printed by the guest.
 * @kvm_why: why this host cannot run it, or NULL for --vm always.
 */
static int run_in_vm(const struct opts *o, const struct case_list *l, const char *kvm_why)
{
	char timeout[16], seed[24], repeat[16], jobs[16];
	struct vm_request rq = {
		.kvm_why = kvm_why,
		.kernel = o->vm_kernel,
		.out_dir = o->vm_out,
		.timeout_s = o->vm_timeout_s,
		.json = o->json,
		.junit = o->junit,
		.bisect = o->bisect,
	};
	char **args = calloc(40 + 2 * MAX_FILTERS + l->nr, sizeof(*args));
	char **files = calloc(l->nr + 1, sizeof(*files));
	int n = 0, i, code;

	if (!args || !files) {
		free(args);
		free(files);
		return EXIT_FAIL;
	}
	snprintf(timeout, sizeof(timeout), "%d", o->timeout_ms / 1000);
	snprintf(seed, sizeof(seed), "%llu", o->seed);
	snprintf(repeat, sizeof(repeat), "%d", o->repeat);
	snprintf(jobs, sizeof(jobs), "%d", o->jobs);
	args[n++] = "--target";
	args[n++] = (char *)o->target;
	if (o->revs) {
		args[n++] = "--revision";
		args[n++] = (char *)rev_arg(o->revs);
	}
	for (i = 0; i < o->nr_filters; i++) {
		args[n++] = "--filter";
		args[n++] = (char *)o->filters[i];
	}
	args[n++] = "--timeout";
	args[n++] = timeout;
	args[n++] = "--seed";
	args[n++] = seed;
	args[n++] = "--repeat";
	args[n++] = repeat;
	args[n++] = "-j";
	args[n++] = jobs;
	if (o->bisect)
		args[n++] = "--bisect";
	if (o->allow_crash)
		args[n++] = "--allow-crash";
	if (o->kernel_log >= 0)
		args[n++] = o->kernel_log ? "--kernel-log" : "--no-kernel-log";
	if (o->json) {
		args[n++] = "--json";
		args[n++] = "/out/results.json";
	}
	if (o->junit) {
		args[n++] = "--junit";
		args[n++] = "/out/results.xml";
	}
	if (o->expect) {
		args[n++] = "--expect";
		args[n++] = (char *)o->expect;
		files[rq.nr_files++] = (char *)o->expect;
	}
	args[n++] = "--";
	for (i = 0; i < l->nr; i++) {
		args[n++] = l->paths[i];
		files[rq.nr_files++] = l->paths[i];
	}
	rq.args = args;
	rq.nr_args = n;
	rq.files = files;
	code = vm_delegate(&rq);
	free(args);
	free(files);
	return code;
}

/* Hash of the case files, so two result files can tell they ran the same cases. */
static unsigned long long hash_cases(const struct case_list *l)
{
	unsigned long long h = 0xcbf29ce484222325ull;
	int i, ch;

	for (i = 0; i < l->nr; i++) {
		FILE *f = fopen(l->paths[i], "r");

		if (!f)
			continue;
		while ((ch = fgetc(f)) != EOF)
			h = (h ^ (unsigned char)ch) * 0x100000001b3ull;
		fclose(f);
	}
	return h;
}

struct session {
	const struct opts *o;
	const struct target_ops *ops;
	const struct target_probe *probe;
	struct expectations expect;
	struct runner rn;
	struct ktap k;
	FILE *json;
	char json_tmp[256]; /* --junit without --json: the JSON it is made from */
	bool junit_failed;
	int kmsg_fd;
	char last_case[CASE_NAME_MAX + 8]; /* name.rev of the case run last, for messages */
	int stray_lines;		   /* kernel report lines logged outside any case */
};

/*
 * The lines of @sp that the target's expectations do not know, as "\nline"
 * in @bad; returns how many (lines past what @sp kept count as unknown).
 * A known report is left out unless @case_name is the case that shows it
 * ("" outside any case: then every known report is left out).  Trace lines
 * follow the report they belong to.
 */
static int unknown_lines(const struct session *s, const struct kmsg_splats *sp,
			 const char *case_name, char *bad, size_t len, int *nr_known)
{
	const struct known_log *known = NULL;
	int i, nr_bad = sp->seen - sp->nr;
	size_t used = 0;

	bad[0] = '\0';
	*nr_known = 0;
	for (i = 0; i < sp->nr; i++) {
		if (sp->header[i]) {
			known = expectations_known_log(&s->expect, sp->line[i], case_name);
			if (known)
				(*nr_known)++;
		}
		if (known)
			continue;
		nr_bad++;
		if (used < len)
			used += snprintf(bad + used, len - used, "\n%s", sp->line[i]);
	}
	return nr_bad;
}

/*
 * A kernel report while the case ran fails it, whatever else it saw, unless
 * the target's expectations know the report and name another case that
 * shows it.
 */
static void check_kernel_log(struct session *s, const struct iorfd_case *c,
			     struct case_result *res)
{
	char bad[FAIL_DETAIL_LEN - 128];
	struct kmsg_splats sp;
	int nr_bad, nr_known;

	if (s->kmsg_fd < 0)
		return;
	kmsg_collect(s->kmsg_fd, &sp);
	nr_bad = unknown_lines(s, &sp, c->name, bad, sizeof(bad), &nr_known);
	if (nr_known)
		ktap_diag(&s->k, "%s.%s: %d known kernel report(s) left out (see --expect)", c->name,
			  rev_name(c->rev), nr_known);
	if (nr_bad)
		result_fail_at(res, VERDICT_FAIL,
			       &(struct fail_spec){ .kind = FAIL_KERNEL_LOG, .at = &c->loc,
						    .detail = bad[0] ? bad + 1 : bad },
			       "the kernel logged %d problem line(s) during this case:", nr_bad);
}

/* "after A.v3, before B.v3", "before A.v3", "after A.v3, at the end of the run". */
static void stray_place(const struct session *s, const struct iorfd_case *next, char *out,
			size_t len)
{
	char then[CASE_NAME_MAX + 16];

	if (next)
		snprintf(then, sizeof(then), "before %s.%s", next->name, rev_name(next->rev));
	else
		snprintf(then, sizeof(then), "at the end of the run");
	if (s->last_case[0])
		snprintf(out, len, "after %s, %s", s->last_case, then);
	else
		snprintf(out, len, "%s", then);
}

/*
 * What the kernel logged since the last case was checked, before @next
 * (NULL: the run's end).  No case caused it, so no case can fail of it, but
 * a report nobody expected must not go unseen either (a case that left work
 * behind, a hung task): it fails the run.
 */
static void check_stray_log(struct session *s, const struct iorfd_case *next)
{
	char bad[FAIL_DETAIL_LEN], where[2 * CASE_NAME_MAX + 64];
	struct kmsg_splats sp;
	int nr_bad, nr_known;

	if (s->kmsg_fd < 0)
		return;
	kmsg_collect(s->kmsg_fd, &sp);
	nr_bad = unknown_lines(s, &sp, "", bad, sizeof(bad), &nr_known);
	if (!nr_bad && !nr_known)
		return;
	stray_place(s, next, where, sizeof(where));
	if (nr_known)
		ktap_diag(&s->k, "kernel log %s: %d known kernel report(s) left out (see --expect)",
			  where, nr_known);
	if (!nr_bad)
		return;
	s->stray_lines += nr_bad;
	ktap_diag(&s->k, "FAIL: kernel log %s: %d problem line(s) outside any case:%s", where,
		  nr_bad, bad);
}

static void apply_expectation(struct session *s, const struct iorfd_case *c,
			      struct case_result *r)
{
	const struct expectation *e = expectations_find(&s->expect, c->name, c->rev);

	if (!e || r->verdict == VERDICT_SKIP)
		return;
	snprintf(r->xfail_reason, sizeof(r->xfail_reason), "%.200s (%.100s)", e->reason, e->where);
	r->verdict = r->verdict == VERDICT_PASS ? VERDICT_XPASS : VERDICT_XFAIL;
}

/*
 * --repeat: the case runs again with other seeds; the result kept is the
 * last one, and a verdict that changed between runs fails it as flaky.
 */
static void run_repeated(struct session *s, const struct iorfd_case *c)
{
	int count[VERDICT_XPASS + 1] = { 0 }, i, kinds = 0;
	uint64_t seed = s->rn.seed;
	char what[160] = "";
	size_t used = 0;
	enum verdict v;

	for (i = 0; i < s->o->repeat; i++) {
		s->rn.seed = seed + (uint64_t)i;
		runner_run(&s->rn, c);
		count[s->rn.res->verdict]++;
	}
	s->rn.seed = seed;
	for (v = VERDICT_PASS; v <= VERDICT_XPASS; v++) {
		if (!count[v])
			continue;
		kinds++;
		used += snprintf(what + used, sizeof(what) - used, "%s%s x%d", used ? ", " : "",
				 verdict_name(v), count[v]);
		if (used >= sizeof(what))
			used = sizeof(what) - 1;
	}
	if (kinds > 1)
		result_fail_at(s->rn.res, VERDICT_FAIL,
			       &(struct fail_spec){ .kind = FAIL_FLAKY, .at = &c->loc },
			       "flaky: the verdict changed over %d runs (%s); seeds %llu..%llu",
			       s->o->repeat, what, (unsigned long long)seed,
			       (unsigned long long)seed + s->o->repeat - 1);
}

/* A progress line for long runs, on a terminal only: never in a pipe or a log. */
static void progress(const struct session *s, int i, int n, const struct iorfd_case *c)
{
	if (!isatty(STDERR_FILENO))
		return;
	if (i < n)
		fprintf(stderr, "\r\033[K[%d/%d] %s.%s", i + 1, n, c->name, rev_name(c->rev));
	else
		fprintf(stderr, "\r\033[K");
}

/*
 * Why @c is not to run here, into @why: a revision the target does not
 * speak, or a crash risk on a real kernel without --allow-crash (run such
 * a case in a throwaway VM).  false: it runs.
 */
static bool skip_reason(const struct session *s, const struct iorfd_case *c, char *why,
			size_t len)
{
	if (s->probe->rev_known && s->probe->rev != c->rev) {
		snprintf(why, len, "target speaks %s", rev_name(s->probe->rev));
		return true;
	}
	if (c->crash_risk[0] && s->ops == &target_kernel && !s->o->allow_crash) {
		snprintf(why, len,
			 "crash risk: %s; run it in a VM: iorfd-conform vm ..., or pass --allow-crash",
			 c->crash_risk);
		return true;
	}
	return false;
}

static void report_skip(struct session *s, const struct iorfd_case *c, const char *why)
{
	ktap_skip(&s->k, c->name, c->rev, why);
	if (s->json)
		json_skip(s->json, c->name, c->file, c->rev, why);
}

static bool skip_case(struct session *s, const struct iorfd_case *c)
{
	char why[sizeof(c->crash_risk) + 128];

	if (!skip_reason(s, c, why, sizeof(why)))
		return false;
	report_skip(s, c, why);
	return true;
}

static void report_one(struct session *s, const struct iorfd_case *c, struct case_result *res)
{
	check_kernel_log(s, c, res);
	snprintf(s->last_case, sizeof(s->last_case), "%s.%s", c->name, rev_name(c->rev));
	apply_expectation(s, c, res);
	ktap_result(&s->k, c, res);
	if (s->json)
		json_case(s->json, c, res);
}

static void run_one(struct session *s, const struct iorfd_case *c)
{
	if (skip_case(s, c))
		return;
	/* What came before is not this case's. */
	check_stray_log(s, c);
	if (s->kmsg_fd >= 0)
		kmsg_rearm_warn_once();
	run_repeated(s, c);
	report_one(s, c, s->rn.res);
}

/* -j, through the scheduler: loading and reporting stay here. */
struct par_ctx {
	struct session *s;
	const struct plan *p;
};

static int par_load(void *arg, int i, struct iorfd_case *c, char *why, size_t len)
{
	struct par_ctx *pc = arg;
	struct case_error err;

	if (case_load(pc->p->items[i].path, pc->p->items[i].rev, c, &err)) {
		/* The file changed since the plan was made. */
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	progress(pc->s, i, pc->p->nr, c);
	return skip_reason(pc->s, c, why, len) ? 1 : 0;
}

static void par_report(void *arg, const struct iorfd_case *c, struct case_result *res,
		       const char *why)
{
	struct par_ctx *pc = arg;

	if (res)
		report_one(pc->s, c, res);
	else
		report_skip(pc->s, c, why);
}

/* Only the first @nr items: the caller runs the rest (crash_risk) one at a time. */
static int run_parallel(struct session *s, const struct plan *p, int nr, int jobs)
{
	static const struct sched_ops ops = { .load = par_load, .report = par_report };
	struct sched_cfg cfg = {
		.ops = s->ops,
		.timeout_ms = s->o->timeout_ms,
		.seed = s->o->seed,
		.jobs = jobs,
	};
	struct par_ctx pc = { .s = s, .p = p };

	return sched_run(&cfg, nr, &ops, &pc);
}

static int session_open(struct session *s, const struct case_list *l)
{
	char err[512];

	if (s->o->expect && expectations_load(s->o->expect, s->ops->name, s->probe, &s->expect,
					      err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	s->kmsg_fd = -1;
	if (s->o->kernel_log == 1 || (s->o->kernel_log < 0 && s->ops == &target_kernel)) {
		s->kmsg_fd = kmsg_open();
		if (s->kmsg_fd < 0 && s->o->kernel_log == 1) {
			fprintf(stderr, "--kernel-log: /dev/kmsg: %s\n", strerror(-s->kmsg_fd));
			return EXIT_USAGE;
		}
	}
	if (s->o->json || s->o->junit) {
		struct json_run jr = {
			.version = VERSION,
			.target = s->ops->name,
			.probe = s->probe,
			.argc = s->o->argc,
			.argv = s->o->argv,
			.cases_hash = hash_cases(l),
			.note = s->o->run_note,
		};

		if (s->o->json)
			s->json = fopen(s->o->json, "w");
		else
			s->json = junit_tmp_json(s->json_tmp, sizeof(s->json_tmp));
		if (!s->json) {
			fprintf(stderr, "%s: %s: %s\n", s->o->json ? "--json" : "--junit (its JSON)",
				s->o->json ? s->o->json : s->json_tmp, strerror(errno));
			return EXIT_USAGE;
		}
		json_begin(s->json, &jr);
	}
	if (runner_init(&s->rn, s->ops, s->o->timeout_ms)) {
		perror("runner");
		return EXIT_FAIL;
	}
	return EXIT_PASS;
}

static void session_close(struct session *s)
{
	if (s->json) {
		char err[512];

		json_end(s->json);
		fclose(s->json);
		if (s->o->junit &&
		    junit_from_json(s->o->json ? s->o->json : s->json_tmp, s->o->junit, err,
				    sizeof(err))) {
			fprintf(stderr, "--junit: %s\n", err);
			s->junit_failed = true;
		}
		if (s->json_tmp[0])
			unlink(s->json_tmp);
	}
	if (s->kmsg_fd >= 0)
		close(s->kmsg_fd);
	expectations_free(&s->expect);
	runner_fini(&s->rn);
}

static int run_plan(const struct opts *o, const struct target_ops *ops,
		    const struct target_probe *probe, const struct case_list *l,
		    const struct plan *p, struct iorfd_case *c)
{
	struct session s = { .o = o, .ops = ops, .probe = probe, .kmsg_fd = -1 };
	struct case_error err;
	int i = 0, code = session_open(&s, l);

	if (code)
		return code;
	ktap_begin(&s.k, stdout, p->nr);
	ktap_diag(&s.k, "iorfd-conform %s: target=%s: %s", VERSION, ops->name, probe->how);
	if (o->run_note)
		ktap_diag(&s.k, "%s", o->run_note);
	ktap_diag(&s.k, "seed: %llu (replay with --seed %llu)", o->seed, o->seed);
	s.rn.seed = o->seed;
	if (s.expect.files[0])
		ktap_diag(&s.k, "known failures from: %s", s.expect.files);
	if (s.kmsg_fd >= 0)
		ktap_diag(&s.k, "kernel log checked around every case (/dev/kmsg)");
	/* The kernel log says nothing of which of several cases in flight caused a report. */
	if (o->jobs > 1 && s.kmsg_fd < 0 && o->repeat == 1) {
		if (run_parallel(&s, p, p->nr_safe, o->jobs)) {
			session_close(&s);
			return EXIT_USAGE;
		}
		i = p->nr_safe;
	}
	for (; i < p->nr; i++) {
		if (case_load(p->items[i].path, p->items[i].rev, c, &err)) {
			/* The file changed since the plan was made. */
			fprintf(stderr, "%s\n", err.msg);
			session_close(&s);
			return EXIT_USAGE;
		}
		progress(&s, i, p->nr, c);
		run_one(&s, c);
	}
	progress(&s, p->nr, p->nr, c);
	check_stray_log(&s, NULL);
	ktap_end(&s.k);
	session_close(&s);
	if (s.junit_failed)
		return EXIT_FAIL;
	fprintf(stderr, "iorfd-conform: %d passed, %d failed, %d skipped\n",
		s.k.pass + s.k.xfail + s.k.xpass, s.k.fail + s.k.error, s.k.skip);
	if (s.stray_lines)
		fprintf(stderr,
			"iorfd-conform: the kernel logged %d problem line(s) outside any case "
			"(see the KTAP diagnostics): the run fails\n",
			s.stray_lines);
	if (s.k.fail || s.k.error || s.stray_lines)
		return EXIT_FAIL;
	return s.k.pass + s.k.xfail + s.k.xpass ? EXIT_PASS : EXIT_NOTHING_RAN;
}

/*
 * Where this host can run guests, the plan runs here (unless --vm always);
 * where it cannot, in a VM with --vm, else one SKIP line says why.
 */
static int run_here_or_in_vm(struct opts *o, const struct case_list *l, struct iorfd_case *c)
{
	struct target_probe probe = { 0 };
	const struct target_ops *ops;
	struct plan p = { 0 };
	unsigned int revs;
	char kvm_why[256];
	int code;

	if (o->bisect && check_bisect_target(o))
		return EXIT_USAGE;
	if (!o->list && !kvm_usable(kvm_why, sizeof(kvm_why))) {
		if (o->vm != VM_NEVER)
			return run_in_vm(o, l, kvm_why);
		printf("KTAP version 1\n1..0 # SKIP no usable /dev/kvm (%s); 'make run' or "
		       "'iorfd-conform --vm auto' run the suite in a VM\n",
		       kvm_why);
		return EXIT_NOTHING_RAN;
	}
	if (!o->list && o->vm == VM_ALWAYS)
		return run_in_vm(o, l, NULL);

	ops = o->list ? &target_reference : pick_target(o, &probe);
	if (!ops)
		return EXIT_USAGE;
	if (!o->list && !probe.present) {
		printf("KTAP version 1\n1..0 # SKIP target %s: %s\n", ops->name, probe.how);
		return EXIT_NOTHING_RAN;
	}
	revs = o->revs ? o->revs : probe.rev_known ? 1u << probe.rev : IORFD_ALL_REVS;
	if (build_plan(l, o, revs, c, &p)) {
		free(p.items);
		return EXIT_USAGE;
	}
	if (o->list) {
		list_plan(&p, c);
		code = EXIT_PASS;
	} else {
		code = run_plan(o, ops, &probe, l, &p, c);
	}
	free(p.items);
	return code;
}

int main(int argc, char **argv)
{
	struct iorfd_case *c;
	struct case_list l;
	struct opts o;
	int code;

	/*
	 * The selftests library loads the guest image from the file named by
	 * program_invocation_name.  Point it at the running image, so that a
	 * rebuild of ./iorfd-conform during a run cannot put other code, or a
	 * half-written file, into the guest.
	 */
	program_invocation_name = "/proc/self/exe";

	if (argc > 1 && !strcmp(argv[1], "lint"))
		return cmd_lint(argc - 2, argv + 2);
	if (argc > 1 && !strcmp(argv[1], "selftest"))
		return cmd_selftest(argc - 2, argv + 2);
	if (argc > 1 && !strcmp(argv[1], "vm"))
		return cmd_vm(argc - 2, argv + 2);
	if (argc > 1 && !strcmp(argv[1], "probe"))
		return cmd_probe(argc - 2, argv + 2);
	if (argc > 1 && !strcmp(argv[1], "report"))
		return cmd_report(argc - 2, argv + 2);
	if (argc > 1 && !strcmp(argv[1], "bench")) /* bench: dispatch benchmark (harness/bench/bench.c) */
		return cmd_bench(argc - 2, argv + 2);
	if (parse_opts(argc, argv, &o))
		return EXIT_USAGE;
	c = malloc(sizeof(*c));
	if (!c || collect(argc - optind, argv + optind, &l)) {
		free(c);
		return finish(&o, EXIT_USAGE);
	}
	code = run_here_or_in_vm(&o, &l, c);
	case_list_free(&l);
	free(c);
	return finish(&o, code);
}
