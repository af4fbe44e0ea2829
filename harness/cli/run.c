// SPDX-License-Identifier: GPL-2.0
/*
 * iorfd-conform [options] [CASE|DIR...]: the suite itself.
 *
 * Parses the options, picks the target (the kernel's KVM_SET_IOREGION when
 * it has one, else the reference), decides where the run happens (here, or
 * in a VM where this host has no usable KVM: --vm), and hands the plan to
 * the session (harness/run/session.c).
 *
 * Exit codes (enum run_exit): 0 every case passed, 1 a case failed or
 * errored, 2 bad usage or case files, 4 nothing could run (kselftest's
 * skip).  With --bisect: 0 good, 1 bad, 125 cannot test.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "casefile/case_list.h"
#include "casefile/registry.h"
#include "cli/cli.h"
#include "cli/expect_check.h"
#include "cli/run_opts.h"
#include "device/exchange.h"
#include "lib/atomic_file.h"
#include "lib/data_path.h"
#include "lib/num_arg.h"
#include "model/case.h"
#include "run/kvm_usable.h"
#include "run/plan.h"
#include "run/session.h"
#include "run/time_scale.h"
#include "targets/target.h"
#include "vm/delegate.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: iorfd-conform [options] [CASE.yaml|DIR...]\n"
		"       iorfd-conform SUBCOMMAND [options]   (listed below; SUBCOMMAND --help)\n"
		"\n"
		"  --target auto|reference|kernel  implementation under test (default auto:\n"
		"                                  kernel when KVM_SET_IOREGION exists, else reference)\n"
		"  --revision v1|v2|v3|all         protocol revision(s) (default: all on reference,\n"
		"                                  the detected one on kernel)\n"
		"  --filter GLOB                   run cases whose name or name.rev matches (repeatable)\n"
		"  --group GROUP                   run the cases of a group (a name's part before its\n"
		"                                  first '-': reg, mvcpu, ...; repeatable)\n"
		"  --exclude GLOB                  leave out cases whose name or name.rev matches\n"
		"                                  (repeatable); each filter, group and exclude must\n"
		"                                  select something, or the run stops with an error\n"
		"  --list                          list case x revision combinations, run nothing\n"
		"  --format tsv|json               --list as tab-separated lines (default) or a JSON\n"
		"                                  array: name, revision, group, file, requirements,\n"
		"                                  crash_risk\n"
		"  --timeout SEC                   time limit of a case that sets none of its own\n"
		"                                  (default %d)\n"
		"  --timeout-scale N               every time limit times N (1..100): each case's,\n"
		"                                  and the waits inside a case, for slow kernels\n"
		"                                  (TCG, KASAN, lockdep, nested)\n"
		"  --json FILE                     write results, transcripts included, as JSON\n"
		"  --junit FILE                    write JUnit XML, made from those JSON results\n"
		"  --expect FILE|DIR               known failures of the target: XFAIL / XPASS; every\n"
		"                                  file is checked whole, and each case it names must\n"
		"                                  be one given (run a few with --filter)\n"
		"  --strict                        an XPASS (a known failure that passed) fails the\n"
		"                                  run; by default it passes, marked XPASS\n"
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
		"\n",
		DEFAULT_TIMEOUT_MS / 1000, vm_runner_kernel(), DEFAULT_VM_TIMEOUT_S);
	cli_print_subcommands(f);
}

static const struct target_ops *pick_target(const struct run_opts *o, struct target_probe *probe)
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

/*
 * The exit-code policy of --bisect: 'git bisect run' reads 1..124 (2, a
 * usage error, included) as "bad", so anything that stops the suite from
 * testing the commit (a typo in an option, a broken case file, no KVM) is
 * 125 there, "cannot test".  It is looked for in argv itself, since an
 * option error can stop getopt before it reaches --bisect.
 */
static bool asks_bisect(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--bisect"))
			return true;
	return false;
}

static int finish(bool bisect, int code)
{
	if (!bisect)
		return code;
	return code == EXIT_PASS || code == EXIT_FAIL ? code : EXIT_BISECT_SKIP;
}

/*
 * --bisect asks about a kernel, so it tests the kernel's own
 * KVM_SET_IOREGION: our userspace model passing says nothing about the
 * commit under test.  A kernel without one is "cannot test" (125).
 */
static int check_bisect_target(struct run_opts *o)
{
	if (!strcmp(o->target, "auto"))
		o->target = "kernel";
	if (strcmp(o->target, "kernel")) {
		fprintf(stderr,
			"--bisect tests the kernel's own KVM_SET_IOREGION; "
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

static int dev_argc(const struct dev_run_opts *d)
{
	int n = 0;

	while (d->argv[n])
		n++;
	return n;
}

/*
 * The same run in a VM: the options as parsed, written out again, so that
 * a result file named here is written to the guest's /out and brought back
 * by vm_delegate().  The seed is the one chosen here, printed by the guest.
 * @kvm_why: why this host cannot run it, or NULL for --vm always.
 */
static int run_in_vm(const struct run_opts *o, const struct case_list *l, const char *kvm_why)
{
	char timeout[16], scale[16], seed[24], repeat[16], jobs[16];
	struct vm_request rq = {
		.kvm_why = kvm_why,
		.kernel = o->vm_kernel,
		.out_dir = o->vm_out,
		.timeout_s = o->vm_timeout_s,
		.json = o->json,
		.junit = o->junit,
		.bisect = o->bisect,
	};
	int nr_dev = o->device ? dev_argc(o->device) : 0;
	char **args = calloc(50 + 6 * PLAN_MAX_SELECT + l->nr + nr_dev, sizeof(*args));
	char **files = calloc(l->nr + 2, sizeof(*files));
	char reply_ms[16], exit_ms[16];
	int n = 0, i, code;

	if (!args || !files) {
		free(args);
		free(files);
		return EXIT_FAIL;
	}
	snprintf(timeout, sizeof(timeout), "%d", o->timeout_ms / 1000);
	snprintf(scale, sizeof(scale), "%d", o->timeout_scale);
	snprintf(seed, sizeof(seed), "%llu", o->seed);
	snprintf(repeat, sizeof(repeat), "%d", o->repeat);
	snprintf(jobs, sizeof(jobs), "%d", o->jobs);
	if (o->device) {
		/* The guest's suite gets the device's own options back, as given here. */
		snprintf(reply_ms, sizeof(reply_ms), "%d", o->device->reply_timeout_ms);
		snprintf(exit_ms, sizeof(exit_ms), "%d", o->device->exit_timeout_ms);
		args[n++] = "device";
		args[n++] = "--guest";
		args[n++] = "--channel";
		args[n++] = o->device->chan == DEV_CHAN_STREAM ? "stream" : "pipes";
		args[n++] = "--reply-timeout";
		args[n++] = reply_ms;
		args[n++] = "--exit-timeout";
		args[n++] = exit_ms;
		files[rq.nr_files++] = o->device->argv[0];
	}
	args[n++] = "--target";
	args[n++] = (char *)o->target;
	if (o->revs) {
		args[n++] = "--revision";
		args[n++] = (char *)rev_arg(o->revs);
	}
	for (i = 0; i < o->sel.nr_filters; i++) {
		args[n++] = "--filter";
		args[n++] = (char *)o->sel.filters[i];
	}
	for (i = 0; i < o->sel.nr_groups; i++) {
		args[n++] = "--group";
		args[n++] = (char *)o->sel.groups[i];
	}
	for (i = 0; i < o->sel.nr_excludes; i++) {
		args[n++] = "--exclude";
		args[n++] = (char *)o->sel.excludes[i];
	}
	args[n++] = "--timeout";
	args[n++] = timeout;
	args[n++] = "--timeout-scale";
	args[n++] = scale;
	args[n++] = "--seed";
	args[n++] = seed;
	args[n++] = "--repeat";
	args[n++] = repeat;
	args[n++] = "-j";
	args[n++] = jobs;
	if (o->bisect)
		args[n++] = "--bisect";
	if (o->strict)
		args[n++] = "--strict";
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
	if (!o->device)
		args[n++] = "--";
	for (i = 0; i < l->nr; i++) {
		args[n++] = l->paths[i];
		files[rq.nr_files++] = l->paths[i];
	}
	if (o->device) {
		args[n++] = "--";
		for (i = 0; i < nr_dev; i++)
			args[n++] = o->device->argv[i];
	}
	rq.args = args;
	rq.nr_args = n;
	rq.files = files;
	code = vm_delegate(&rq);
	free(args);
	free(files);
	return code;
}

/*
 * A device program goes into the VM by its path (with the libraries it is
 * linked with, harness/vm/mkinitramfs.sh): a name looked up in PATH here
 * would not be found there.
 */
static bool vm_can_carry(const struct run_opts *o)
{
	if (!o->device || strchr(o->device->argv[0], '/'))
		return true;
	fprintf(stderr,
		"device --guest --vm: give the device program as a path (./%s, or its full "
		"path): it is carried into the VM by its path\n",
		o->device->argv[0]);
	return false;
}

/*
 * Where this host can run guests, the plan runs here (unless --vm always);
 * where it cannot, in a VM with --vm, else one SKIP line says why.
 */
static int run_here_or_in_vm(struct run_opts *o, const struct case_list *l, struct iorfd_case *c)
{
	struct target_probe probe = {0};
	const struct target_ops *ops;
	struct plan p = {0};
	unsigned int revs;
	char kvm_why[256];
	int code;

	if (o->bisect && check_bisect_target(o))
		return EXIT_USAGE;
	/*
	 * A broken case file is a usage error wherever the run would go: say
	 * so here, before a missing /dev/kvm turns the run into a SKIP line.
	 */
	if (plan_build(l, o->revs ? o->revs : IORFD_ALL_REVS, &o->sel, c, &p)) {
		plan_free(&p);
		return EXIT_USAGE;
	}
	plan_free(&p);
	memset(&p, 0, sizeof(p));
	if (!o->list && !kvm_usable(kvm_why, sizeof(kvm_why))) {
		if (o->vm != VM_NEVER)
			return vm_can_carry(o) ? run_in_vm(o, l, kvm_why) : EXIT_USAGE;
		printf("KTAP version 1\n1..0 # SKIP no usable /dev/kvm (%s); 'make run' or "
		       "'iorfd-conform --vm auto' run the suite in a VM\n",
		       kvm_why);
		return EXIT_NOTHING_RAN;
	}
	if (!o->list && o->vm == VM_ALWAYS)
		return vm_can_carry(o) ? run_in_vm(o, l, NULL) : EXIT_USAGE;

	ops = o->list ? &target_reference : pick_target(o, &probe);
	if (!ops)
		return EXIT_USAGE;
	if (!o->list && !probe.present) {
		printf("KTAP version 1\n1..0 # SKIP target %s: %s\n", ops->name, probe.how);
		return EXIT_NOTHING_RAN;
	}
	revs = o->revs ? o->revs : probe.rev_known ? 1u << probe.rev : IORFD_ALL_REVS;
	if (plan_build(l, revs, &o->sel, c, &p)) {
		plan_free(&p);
		return EXIT_USAGE;
	}
	if (o->list) {
		if (o->list_json)
			plan_list_json(&p, c);
		else
			plan_list(&p, c);
		code = EXIT_PASS;
	} else {
		struct session_opts so = {
			.version = IORFD_VERSION,
			.ops = ops,
			.probe = &probe,
			.timeout_ms = o->timeout_ms,
			.seed = o->seed,
			.repeat = o->repeat,
			.jobs = o->jobs,
			.kernel_log = o->kernel_log,
			.allow_crash = o->allow_crash,
			.strict = o->strict,
			.expect = o->expect,
			.json = o->json,
			.junit = o->junit,
			.run_note = o->run_note,
			.device = o->device,
			.device_text = o->device_text,
			.argc = o->argc,
			.argv = o->argv,
		};

		struct dev_run_opts dev;

		/* A slow kernel answers late: so does a device behind it. */
		if (o->device) {
			dev = *o->device;
			dev.reply_timeout_ms *= o->timeout_scale;
			dev.exit_timeout_ms *= o->timeout_scale;
			so.device = &dev;
		}
		time_scale_set(o->timeout_scale);
		code = session_run(&so, l, &p, c);
	}
	plan_free(&p);
	return code;
}

/*
 * A results file that cannot be written fails now, not after a run of ten
 * minutes (in a VM, too): each is created beside its path and dropped
 * again, which leaves an existing file as it was.
 */
static int check_outputs(const struct run_opts *o)
{
	const char *paths[] = {o->json, o->junit}, *opts[] = {"--json", "--junit"};
	char err[PATH_MAX + 256];
	struct atomic_file *af;
	int i;

	for (i = 0; i < 2; i++) {
		if (!paths[i] || o->list)
			continue;
		if (atomic_file_open(paths[i], &af, err, sizeof(err))) {
			fprintf(stderr, "%s %s\n", opts[i], err);
			return -1;
		}
		atomic_file_abort(af);
	}
	return 0;
}

/*
 * The expectations, checked whole before anything else: a run that lists,
 * skips for want of KVM or goes to a VM must not take a bad file quietly
 * either.  What applies is kept later, once the target is known (session.c).
 * The requirements they cite are checked where the registry is at hand, as
 * report uses it: here or beside the binary (lib/data_path.h); lint reports
 * a broken registry.
 */
static int check_expect(const struct run_opts *o, int argc, char **argv, const struct case_list *l,
			struct iorfd_case *c)
{
	char err[512], buf[PATH_MAX];
	struct registry reg = {0};
	bool have_reg = false;
	struct case_error cerr;
	struct cli_expect e;
	const char *path;
	int ret = 0;

	if (!o->expect)
		return 0;
	path = data_find(REGISTRY_DEFAULT_PATH, buf, sizeof(buf));
	if (!access(path, R_OK))
		have_reg = !registry_load(path, &reg, err, sizeof(err));
	if (cli_expect_init(&e, argc, argv, l, have_reg ? &reg : NULL, c, &cerr)) {
		fprintf(stderr, "%s\n", cerr.msg);
		ret = -1;
	} else if (expectations_check(o->expect, &e.chk, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		ret = -1;
	}
	cli_expect_fini(&e);
	registry_free(&reg);
	return ret;
}

static int run_main(int argc, char **argv, const struct dev_run_opts *dev, const char *dev_text)
{
	bool bisect = asks_bisect(argc, argv);
	char expect[PATH_MAX];
	struct iorfd_case *c;
	struct case_list l;
	struct run_opts o;
	int code;

	if (run_opts_parse(argc, argv, &o))
		return finish(bisect, EXIT_USAGE);
	if (o.help) {
		usage(stdout);
		return EXIT_PASS;
	}
	o.device = dev;
	o.device_text = dev_text;
	/* "--expect expectations" names the installed ones from anywhere. */
	if (o.expect)
		o.expect = data_find(o.expect, expect, sizeof(expect));
	c = malloc(sizeof(*c));
	if (!c || cli_collect(argc - optind, argv + optind, &l)) {
		free(c);
		return finish(bisect, EXIT_USAGE);
	}
	if (check_expect(&o, argc - optind, argv + optind, &l, c) || check_outputs(&o))
		code = EXIT_USAGE;
	else
		code = run_here_or_in_vm(&o, &l, c);
	case_list_free(&l);
	free(c);
	return finish(bisect, code);
}

int cmd_run(int argc, char **argv)
{
	return run_main(argc, argv, NULL, NULL);
}

int cmd_run_device(int argc, char **argv, const struct dev_run_opts *dev, const char *dev_text)
{
	return run_main(argc, argv, dev, dev_text);
}
