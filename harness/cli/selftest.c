// SPDX-License-Identifier: GPL-2.0
/*
 * iorfd-conform selftest [--quick] [--vm never|auto|always] [CASE|DIR...]
 *
 * Checks the suite itself: the reference dispatcher must pass every case,
 * and each mutant of it (one deliberate protocol fault, see mutant.h) must
 * fail at least one.  Prints which cases killed each mutant; exits 1 when
 * the reference fails a case or a mutant survives.  A kill by timeout is
 * counted apart: it is a real kill for mutants that leave a vCPU waiting
 * for a reply that never comes, and weak evidence otherwise.  --quick stops
 * each mutant after its first kills.  IORFD_SELFTEST_VERBOSE=1 prints the
 * first failure of every killing case, to see why it killed.  Without a
 * usable /dev/kvm it says so in one line and exits 4, or with --vm auto
 * runs in a VM as the suite does (vm_delegate.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "casefile/case_list.h"
#include "run/kvm_usable.h"
#include "targets/reference/mutant.h"
#include "run/plan.h"
#include "run/runner.h"
#include "targets/target.h"
#include "vm/delegate.h"
#include "lib/num_arg.h"

/* Mutants that hang a vCPU are killed by the case deadline: keep it short. */
#define SELFTEST_TIMEOUT_MS 2000
#define SHOW_KILLERS	    4
/* The whole selftest in a VM, boot included. */
#define SELFTEST_VM_TIMEOUT_S 1200

struct tally {
	bool done; /* written by the worker that ran it */
	int runs, killed, timeouts, skipped;
	char first[SHOW_KILLERS][CASE_NAME_MAX + 4];
};

/* @quick: stop a mutant after its first few kills (what make check needs). */
static void run_all(struct runner *rn, const struct plan *p, struct iorfd_case *c, struct tally *t,
		    bool quick)
{
	struct case_error err;
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < p->nr; i++) {
		if (quick && t->killed >= SHOW_KILLERS)
			return;
		if (plan_load(p, i, c, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			continue;
		}
		runner_run(rn, c);
		/* A case that cannot run on the reference (it needs fault injection) says nothing.
		 */
		if (rn->res->verdict == VERDICT_SKIP) {
			t->skipped++;
			continue;
		}
		t->runs++;
		if (rn->res->verdict == VERDICT_PASS)
			continue;
		if (getenv("IORFD_SELFTEST_VERBOSE") && rn->res->nr_failures) {
			const struct ref_mutant *m = rn->target_config;
			char text[FAIL_TEXT_MAX];

			failure_text(&rn->res->failures[0], text, sizeof(text));
			fprintf(stderr, "%s: %s.%s: %s\n", m ? m->name : "reference", c->name,
				rev_name(c->rev), text);
		}
		t->timeouts += rn->res->verdict == VERDICT_TIMEOUT;
		if (t->killed < SHOW_KILLERS)
			snprintf(t->first[t->killed], sizeof(t->first[0]), "%s.%s", c->name,
				 rev_name(c->rev));
		t->killed++;
	}
}

/* Mutant @m (-1: the reference) into @t, in this process. */
static void run_one_mutant(struct runner *rn, const struct plan *p, struct iorfd_case *c,
			   struct tally *t, bool quick, int m)
{
	const struct ref_mutant *mutant = m < 0 ? NULL : ref_mutants[m];

	rn->target_config = mutant;
	run_all(rn, p, c, t, quick && mutant);
	t->done = true;
}

/*
 * Every mutant and the reference, @jobs at a time: worker k of @jobs takes
 * the k-th, (k + jobs)-th, ... each with a runner of its own, and writes its
 * tallies into the shared table.  With one job it runs here.
 */
static int run_mutants(struct runner *rn, const struct plan *p, struct iorfd_case *c,
		       struct tally *tallies, bool quick, int jobs)
{
	pid_t pids[16];
	int k, m, started = 0, ret = 0;

	if (jobs <= 1) {
		for (m = -1; m < ref_nr_mutants; m++)
			run_one_mutant(rn, p, c, &tallies[m + 1], quick, m);
		return 0;
	}
	fflush(stdout);
	fflush(stderr);
	for (k = 0; k < jobs; k++) {
		pid_t pid = fork();

		if (pid < 0) {
			ret = -1;
			break;
		}
		if (!pid) {
			struct runner own;

			if (runner_init(&own, &target_reference, SELFTEST_TIMEOUT_MS))
				_exit(1);
			for (m = -1 + k; m < ref_nr_mutants; m += jobs)
				run_one_mutant(&own, p, c, &tallies[m + 1], quick, m);
			runner_fini(&own);
			/* exit(), not _exit(): coverage builds write their counters here. */
			exit(0);
		}
		pids[started++] = pid;
	}
	/* Each worker's cases have their own deadlines: the workers end. */
	for (k = 0; k < started; k++)
		waitpid(pids[k], NULL, 0);
	return ret;
}

/* The same selftest in a VM: the case files go along at their own paths. */
static int selftest_in_vm(const struct case_list *l, bool quick, int jobs, const char *kvm_why)
{
	char **args = calloc(l->nr + 5, sizeof(*args)), jobs_arg[16];
	struct vm_request rq = {
		.kvm_why = kvm_why,
		.timeout_s = SELFTEST_VM_TIMEOUT_S,
		.files = l->paths,
		.nr_files = l->nr,
		.args = args,
	};
	int code;

	if (!args)
		return 2;
	args[rq.nr_args++] = "selftest";
	if (quick)
		args[rq.nr_args++] = "--quick";
	snprintf(jobs_arg, sizeof(jobs_arg), "%d", jobs);
	args[rq.nr_args++] = "-j";
	args[rq.nr_args++] = jobs_arg;
	memcpy(args + rq.nr_args, l->paths, l->nr * sizeof(*args));
	rq.nr_args += l->nr;
	code = vm_delegate(&rq);
	free(args);
	return code;
}

int cmd_selftest(int argc, char **argv)
{
	struct iorfd_case *c = malloc(sizeof(*c));
	int m, j, bad = 0, vm = VM_NEVER, jobs = 1;
	char kvm_why[256];
	bool quick = false;
	struct plan p = {0};
	struct runner rn;
	struct case_list l;
	struct tally *tallies;

	for (; argc && argv[0][0] == '-'; argc--, argv++) {
		if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
			printf("usage: iorfd-conform selftest [--quick] [--vm never|auto|always] "
			       "[CASE.yaml|DIR...]\n\n"
			       "Checks the suite itself: the reference must pass every case, and\n"
			       "each mutant of it (one deliberate protocol fault) must fail at least\n"
			       "one.  Prints which cases killed each mutant.\n\n"
			       "  --quick          stop each mutant after its first kills\n"
			       "  -j N             N mutants at once, each in a process of its own\n"
			       "                   (default 1; the output is the same)\n"
			       "  --vm MODE        as for a run: never (default: no /dev/kvm is a\n"
			       "                   SKIP line, exit 4), auto, always\n\n"
			       "Exit: 0 all killed and the reference passes, 1 otherwise, 2 usage,\n"
			       "4 nothing could run.  IORFD_SELFTEST_VERBOSE=1 shows why each kill.\n");
			free(c);
			return 0;
		}
		if (!strcmp(argv[0], "--quick")) {
			quick = true;
		} else if (!strcmp(argv[0], "-j") && argc > 1) {
			if (num_arg_int("selftest: -j", argv[1], 1, 16, &jobs))
				return 2;
			argc--;
			argv++;
		} else if (!strcmp(argv[0], "--vm") && argc > 1 && vm_mode_parse(argv[1]) >= 0) {
			vm = vm_mode_parse(argv[1]);
			argc--;
			argv++;
		} else {
			fprintf(stderr, "usage: iorfd-conform selftest [--quick] [-j N] "
					"[--vm never|auto|always] [CASE.yaml|DIR...]\n");
			return 2;
		}
	}
	if (!c || cli_collect(argc, argv, &l))
		return 2;
	if (!kvm_usable(kvm_why, sizeof(kvm_why)) || vm == VM_ALWAYS) {
		int code = 4;

		if (vm != VM_NEVER)
			code = selftest_in_vm(&l, quick, jobs, vm == VM_ALWAYS ? NULL : kvm_why);
		else
			printf("selftest: SKIP no usable /dev/kvm (%s); --vm auto runs it in a VM\n",
			       kvm_why);
		case_list_free(&l);
		free(c);
		return code;
	}
	/* Every case, every combination of a matrix, every revision it claims. */
	tallies = mmap(NULL, (ref_nr_mutants + 1) * sizeof(*tallies), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tallies == MAP_FAILED || plan_build(&l, IORFD_ALL_REVS, NULL, c, &p) ||
	    runner_init(&rn, &target_reference, SELFTEST_TIMEOUT_MS)) {
		plan_free(&p);
		case_list_free(&l);
		free(c);
		return 2;
	}
	/* tallies[0] is the reference itself, which always runs everything. */
	if (run_mutants(&rn, &p, c, tallies, quick, jobs)) {
		fprintf(stderr, "selftest: could not start its workers\n");
		bad++;
	}
	printf("%-32s %-8s %s\n", "mutant", "killed", "by (first cases that failed)");
	for (m = -1; m < ref_nr_mutants; m++) {
		const struct ref_mutant *mutant = m < 0 ? NULL : ref_mutants[m];
		const struct tally *t = &tallies[m + 1];

		if (!t->done) {
			printf("%-32s NOT RUN (its worker died)\n",
			       mutant ? mutant->name : "reference");
			bad++;
			continue;
		}
		if (!mutant) {
			printf("%-32s %d/%d runs pass (%d skipped)%s\n", "reference (no mutant)",
			       t->runs - t->killed, t->runs, t->skipped,
			       t->killed ? ": THE REFERENCE FAILS, fix that first" : "");
			bad += t->killed != 0;
			continue;
		}
		printf("%-32s %-8s %d/%d%s (%d by timeout):", mutant->name,
		       t->killed ? "yes" : "SURVIVED", t->killed, t->runs, quick ? " run" : "",
		       t->timeouts);
		for (j = 0; j < t->killed && j < SHOW_KILLERS; j++)
			printf(" %s", t->first[j]);
		printf("\n");
		bad += !t->killed;
	}
	fflush(stdout);
	munmap(tallies, (ref_nr_mutants + 1) * sizeof(*tallies));
	runner_fini(&rn);
	plan_free(&p);
	case_list_free(&l);
	free(c);
	fprintf(stderr, "selftest: %d mutants, %s\n", ref_nr_mutants,
		bad ? "NOT all killed (or the reference failed)" : "all killed");
	return bad ? 1 : 0;
}
