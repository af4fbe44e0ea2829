// SPDX-License-Identifier: GPL-2.0
/*
 * The run session: opens what the options ask for, runs each case of the
 * plan (or hands them to the -j scheduler), applies the target's known
 * failures, ties every kernel report to the case that caused it, and
 * closes with the totals.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "casefile/expectations.h"
#include "device/exchange.h"
#include "lib/atomic_file.h"
#include "lib/file_read.h"
#include "reports/live/json.h"
#include "reports/live/ktap.h"
#include "reports/offline/junit.h"
#include "run/kmsg.h"
#include "run/runner.h"
#include "run/interrupt.h"
#include "run/scheduler.h"
#include "run/session.h"

struct session {
	const struct session_opts *o;
	const struct target_ops *ops;
	const struct target_probe *probe;
	struct expectations expect;
	struct runner rn;
	struct ktap k;
	FILE *json;
	struct atomic_file *json_af; /* --json: written whole, renamed into place at the end */
	char json_tmp[256];	     /* --junit without --json: the JSON it is made from */
	bool output_failed;	     /* --json or --junit could not be written */
	int kmsg_fd;
	int mark_fd;			   /* /dev/kmsg for the markers before each case, or -1 */
	char last_case[CASE_NAME_MAX + 8]; /* name.rev of the case run last, for messages */
	int stray_lines;		   /* kernel report lines logged outside any case */
};

/*
 * Hash of the case files, so two result files can tell they ran the same
 * cases.  Through the one input reader: a case file that was a pipe is
 * hashed from the bytes the run loaded, not read (or waited on) again.
 */
static unsigned long long hash_cases(const struct case_list *l)
{
	unsigned long long h = 0xcbf29ce484222325ull;
	char err[256], *buf;
	size_t len, j;
	int i;

	for (i = 0; i < l->nr; i++) {
		buf = read_text_file(l->paths[i], CASE_FILE_MAX, &len, err, sizeof(err));
		if (!buf)
			continue;
		for (j = 0; j < len; j++)
			h = (h ^ (unsigned char)buf[j]) * 0x100000001b3ull;
		free(buf);
	}
	return h;
}

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
static void check_kernel_log(struct session *s, const struct iorfd_case *c, struct case_result *res)
{
	char bad[FAIL_DETAIL_LEN - 128];
	struct kmsg_splats sp;
	int nr_bad, nr_known;

	if (s->kmsg_fd < 0)
		return;
	kmsg_collect(s->kmsg_fd, &sp);
	nr_bad = unknown_lines(s, &sp, c->name, bad, sizeof(bad), &nr_known);
	if (nr_known)
		ktap_diag(&s->k, "%s.%s: %d known kernel report(s) left out (see --expect)",
			  c->name, rev_name(c->rev), nr_known);
	if (nr_bad)
		result_fail_at(res, VERDICT_FAIL,
			       &(struct fail_spec){.kind = FAIL_KERNEL_LOG,
						   .at = &c->loc,
						   .detail = bad[0] ? bad + 1 : bad},
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

static void apply_expectation(struct session *s, const struct iorfd_case *c, struct case_result *r)
{
	const struct expectation *e = expectations_find(&s->expect, c->name, c->rev);

	const struct failure *f;

	if (!e || r->verdict == VERDICT_SKIP)
		return;
	/* A known bug must not hide a new one in the same case: anything else fails it. */
	f = r->verdict == VERDICT_PASS ? NULL : expectation_unexplained(e, r);
	if (f) {
		char text[FAIL_TEXT_MAX];

		failure_text(f, text, sizeof(text));
		result_fail_at(
			r, VERDICT_FAIL, &(struct fail_spec){.kind = FAIL_OTHER, .at = &c->loc},
			"a known failure (%.120s) expects none but its own; this one is not: "
			"%.300s",
			e->where, text);
		return;
	}
	snprintf(r->xfail_reason, sizeof(r->xfail_reason), "%s (%s)", e->reason, e->where);
	r->verdict = r->verdict == VERDICT_PASS ? VERDICT_XPASS : VERDICT_XFAIL;
	/* --strict: a known failure that passed is a stale entry, and gating must see it. */
	if (r->verdict == VERDICT_XPASS && s->o->strict) {
		result_fail_at(
			r, VERDICT_FAIL, &(struct fail_spec){.kind = FAIL_OTHER, .at = &c->loc},
			"passed, but %.300s lists it as a known failure: the bug is fixed or "
			"the entry is stale (remove it; --strict makes an XPASS fail)",
			e->where);
		r->verdict = VERDICT_FAIL;
	}
}

/*
 * --repeat: the case runs again with other seeds; the result kept is the
 * last one, and a verdict that changed between runs fails it as flaky.
 */
static void run_repeated(struct session *s, const struct iorfd_case *c)
{
	int count[VERDICT_XPASS + 1] = {0}, i, kinds = 0;
	uint64_t seed = s->rn.seed;
	char what[160] = "";
	size_t used = 0;
	enum verdict v;

	for (i = 0; i < s->o->repeat && (!i || !interrupt_signal()); i++) {
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
	/* An interrupted run is no change of verdict: it already says so. */
	if (kinds > 1 && !interrupt_signal())
		result_fail_at(s->rn.res, VERDICT_FAIL,
			       &(struct fail_spec){.kind = FAIL_FLAKY, .at = &c->loc},
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
static bool skip_reason(const struct session *s, const struct iorfd_case *c, char *why, size_t len)
{
	if (interrupt_signal()) {
		snprintf(why, len, "not run: the run was interrupted (%s)", interrupt_name());
		return true;
	}
	if (s->probe->rev_known && s->probe->rev != c->rev) {
		snprintf(why, len, "target speaks %s", rev_name(s->probe->rev));
		return true;
	}
	if (c->crash_risk[0] && (s->ops->props & TARGET_CAN_CRASH) && !s->o->allow_crash) {
		snprintf(
			why, len,
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

/* A marker in the kernel log before @c, for whoever reads its dmesg later. */
static void mark_case(struct session *s, const struct iorfd_case *c)
{
	if (s->mark_fd >= 0)
		kmsg_mark(s->mark_fd, "case %s.%s begins (%s)", c->name, rev_name(c->rev), c->file);
}

static void run_one(struct session *s, const struct iorfd_case *c)
{
	if (skip_case(s, c))
		return;
	/* What came before is not this case's. */
	check_stray_log(s, c);
	mark_case(s, c);
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

	if (plan_load(pc->p, i, c, &err)) {
		/* The file changed since the plan was made. */
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	progress(pc->s, i, pc->p->nr, c);
	if (skip_reason(pc->s, c, why, len))
		return 1;
	mark_case(pc->s, c);
	return 0;
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
	static const struct sched_ops ops = {.load = par_load, .report = par_report};
	struct sched_cfg cfg = {
		.ops = s->ops,
		.timeout_ms = s->o->timeout_ms,
		.seed = s->o->seed,
		.jobs = jobs,
		.device = s->o->device,
	};
	struct par_ctx pc = {.s = s, .p = p};

	return sched_run(&cfg, nr, &ops, &pc);
}

static int session_open(struct session *s, const struct case_list *l)
{
	char err[PATH_MAX + 256];

	/* The command line has checked the files against targets, cases and all (cli/run.c). */
	if (s->o->expect && expectations_load(s->o->expect, NULL, s->ops->name, s->probe,
					      &s->expect, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	s->kmsg_fd = -1;
	if (s->ops->props & TARGET_KERNEL_LOG)
		s->mark_fd = kmsg_marker_open();
	if (s->o->kernel_log == 1 ||
	    (s->o->kernel_log < 0 && (s->ops->props & TARGET_KERNEL_LOG))) {
		s->kmsg_fd = kmsg_open();
		if (s->kmsg_fd < 0 && s->o->kernel_log == 1) {
			fprintf(stderr, "--kernel-log: /dev/kmsg: %s\n", strerror(-s->kmsg_fd));
			return EXIT_USAGE;
		}
	}
	if (s->o->json || s->o->junit) {
		struct json_run jr = {
			.version = s->o->version,
			.target = s->ops->name,
			.probe = s->probe,
			.argc = s->o->argc,
			.argv = s->o->argv,
			.cases_hash = hash_cases(l),
			.note = s->o->run_note,
			.device = s->o->device_text,
		};

		if (s->o->json) {
			if (atomic_file_open(s->o->json, &s->json_af, err, sizeof(err))) {
				fprintf(stderr, "--json: %s\n", err);
				return EXIT_USAGE;
			}
			s->json = s->json_af->f;
		} else {
			s->json = junit_tmp_json(s->json_tmp, sizeof(s->json_tmp));
			if (!s->json) {
				fprintf(stderr, "--junit (its JSON): %s: %s\n", s->json_tmp,
					strerror(errno));
				return EXIT_USAGE;
			}
		}
		json_begin(s->json, &jr);
	}
	if (runner_init(&s->rn, s->ops, s->o->timeout_ms)) {
		perror("runner");
		/* No results: leave no partial file either. */
		atomic_file_abort(s->json_af);
		s->json_af = NULL;
		if (s->json_tmp[0]) {
			fclose(s->json);
			unlink(s->json_tmp);
		}
		s->json = NULL;
		return EXIT_FAIL;
	}
	return EXIT_PASS;
}

static void session_close(struct session *s)
{
	if (s->json) {
		char err[PATH_MAX + 256];

		json_end(s->json, interrupt_name());
		if (s->json_af && atomic_file_commit(s->json_af, err, sizeof(err))) {
			fprintf(stderr, "--json: %s\n", err);
			s->output_failed = true;
		} else if (!s->json_af && fclose(s->json)) {
			fprintf(stderr, "--junit (its JSON): %s: %s\n", s->json_tmp,
				strerror(errno));
			s->output_failed = true;
		}
		s->json_af = NULL;
		if (s->o->junit && !s->output_failed &&
		    junit_from_json(s->o->json ? s->o->json : s->json_tmp, s->o->junit, err,
				    sizeof(err))) {
			fprintf(stderr, "--junit: %s\n", err);
			s->output_failed = true;
		}
		if (s->json_tmp[0])
			unlink(s->json_tmp);
	}
	if (s->kmsg_fd >= 0)
		close(s->kmsg_fd);
	if (s->mark_fd >= 0)
		close(s->mark_fd);
	expectations_free(&s->expect);
	runner_fini(&s->rn);
}

int session_run(const struct session_opts *o, const struct case_list *l, const struct plan *p,
		struct iorfd_case *c)
{
	struct session s = {.o = o, .ops = o->ops, .probe = o->probe, .kmsg_fd = -1, .mark_fd = -1};
	struct case_error err;
	int i = 0, code = session_open(&s, l);

	if (code)
		return code;
	interrupt_catch();
	ktap_begin(&s.k, stdout, p->nr);
	ktap_diag(&s.k, "iorfd-conform %s: target=%s: %s", o->version, o->ops->name, o->probe->how);
	if (o->run_note)
		ktap_diag(&s.k, "%s", o->run_note);
	ktap_diag(&s.k, "seed: %llu (replay with --seed %llu)", o->seed, o->seed);
	if (o->device)
		ktap_diag(
			&s.k,
			"device program: %s, in our responder's place on every channel it can "
			"serve (docs/device-contract.md; reply timeout %d ms, exit timeout %d ms)",
			o->device_text, o->device->reply_timeout_ms, o->device->exit_timeout_ms);
	s.rn.seed = o->seed;
	s.rn.device = o->device;
	if (s.expect.files[0])
		ktap_diag(&s.k, "known failures from: %s", s.expect.files);
	if (s.kmsg_fd >= 0)
		ktap_diag(&s.k, "kernel log checked around every case (/dev/kmsg)");
	if (o->ops->props & TARGET_KERNEL_LOG)
		ktap_diag(&s.k, "kernel log markers before every case: %s",
			  s.mark_fd >= 0 ? "\"iorfd-conform: case NAME.REV begins\""
					 : strerror(-s.mark_fd));
	/* The kernel log says nothing of which of several cases in flight caused a report. */
	if (o->jobs > 1 && s.kmsg_fd < 0 && o->repeat == 1) {
		if (run_parallel(&s, p, p->nr_safe, o->jobs)) {
			session_close(&s);
			return EXIT_USAGE;
		}
		i = p->nr_safe;
	}
	for (; i < p->nr; i++) {
		if (plan_load(p, i, c, &err)) {
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
	if (interrupt_signal())
		ktap_diag(
			&s.k,
			"the run was interrupted (%s): the cases after the one in flight were not run",
			interrupt_name());
	ktap_end(&s.k);
	session_close(&s);
	if (interrupt_signal()) {
		fprintf(stderr,
			"iorfd-conform: interrupted (%s); the results so far are complete\n",
			interrupt_name());
		return 128 + interrupt_signal();
	}
	/* The verdicts may be fine, but what was asked for is not there: not a pass. */
	if (s.output_failed)
		return EXIT_USAGE;
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
