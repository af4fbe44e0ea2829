// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/atomic_file.h"
#include "reports/offline/junit.h"
#include "reports/offline/markup.h"

struct counts {
	int tests, failures, errors, skipped;
	double time;
};

/*
 * Formats, then escapes as @emit does (text or attribute value): every
 * piece of text in the XML comes from the JSON.
 */
static void xformat(FILE *f, void (*emit)(FILE *, const char *), const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return;
	emit(f, s);
	free(s);
}

static __attribute__((format(printf, 2, 3))) void xtext(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xformat(f, mu_text, fmt, ap);
	va_end(ap);
}

static __attribute__((format(printf, 2, 3))) void xattr(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xformat(f, mu_attr, fmt, ap);
	va_end(ap);
}

/*
 * How a verdict shows in JUnit, which knows pass, failure, error and
 * skipped only.  A known failure (XFAIL) and a known failure that passed
 * (XPASS) are neither passes nor failures of the run: they are "skipped"
 * with a message that starts with XFAIL or XPASS and says why, so Jenkins
 * and GitLab list them apart from the passes, reason included.  (With
 * --strict an XPASS is already a failure in the results.)
 */
static bool shown_skipped(const struct rrecord *r)
{
	return r->verdict == RV_SKIP || r->verdict == RV_XFAIL || r->verdict == RV_XPASS;
}

static void count(struct counts *c, const struct rrecord *r)
{
	c->tests++;
	c->time += r->duration;
	if (r->verdict == RV_FAIL)
		c->failures++;
	else if (shown_skipped(r))
		c->skipped++;
	else if (rverdict_bad(r->verdict))
		c->errors++;
}

/* Each failure from its fields: [REQ] FILE:L:C: headline, the diff, the rest. */
static void failure_text(FILE *f, const struct rrecord *r)
{
	int i;

	for (i = 0; i < r->nr_failures; i++) {
		const struct rfailure *fl = &r->failures[i];

		if (fl->req)
			xtext(f, "[%s] ", fl->req);
		if (fl->file)
			xtext(f, "%s:%d:%d: ", fl->file, fl->line, fl->col);
		xtext(f, "%s\n", fl->headline);
		if (fl->expected)
			xtext(f, "  expected: %s\n", fl->expected);
		if (fl->observed)
			xtext(f, "  observed: %s\n", fl->observed);
		if (fl->detail)
			xtext(f, "%s\n", fl->detail);
		xtext(f, "\n");
	}
	if (r->failures_total > r->nr_failures)
		xtext(f, "... and %d more failures, not kept by the run\n",
		      r->failures_total - r->nr_failures);
}

static void transcript(FILE *f, const struct rrecord *r)
{
	int i, j;

	xtext(f, "wire transcript: %d command(s)\n", r->nr_tx);
	for (i = 0; i < r->nr_tx; i++) {
		const struct rtx *t = &r->tx[i];

		xtext(f, "  #%lld %s: %s", t->seq, t->channel, t->decoded);
		if (t->replied)
			xtext(f, " -> reply %s", t->reply);
		else
			xtext(f, t->resp ? " -> no reply" : " (posted)");
		if (t->bytes != 32)
			xtext(f, " [%d bytes]", t->bytes);
		xtext(f, "\n");
		for (j = 0; j < t->nr_viol; j++)
			xtext(f, "     violates %s: %s\n", t->viol[j].req, t->viol[j].msg);
	}
	if (r->nr_exits)
		xtext(f, "ordinary exits: %d\n", r->nr_exits);
	for (i = 0; i < r->nr_exits; i++) {
		const struct rexit *e = &r->exits[i];

		xtext(f, "  #%lld vCPU%d %s %s %s size %u data %s\n", e->seq, e->vcpu, e->space,
		      e->op, e->addr, e->size, e->data);
	}
}

/*
 * What a reader needs beside the verdict: the case, its seed and
 * requirements, what failed and the wire.  It is the text of the
 * outcome element: Ant's schema allows no system-out in a testcase.
 */
static void details(FILE *f, const struct rrecord *r)
{
	int i;

	xtext(f, "case: %s.%s (%s:%d)\n", r->name, r->rev, r->file, r->line);
	if (r->seed[0])
		xtext(f, "seed: %s\n", r->seed);
	if (r->summary[0])
		xtext(f, "summary: %s\n", r->summary);
	if (r->nr_reqs) {
		xtext(f, "requirements:");
		for (i = 0; i < r->nr_reqs; i++)
			xtext(f, " %s", r->reqs[i]);
		xtext(f, "\n");
	}
	if (r->nr_failures) {
		xtext(f, r->verdict == RV_XFAIL ? "failures (expected):\n" : "failures:\n");
		failure_text(f, r);
	}
	transcript(f, r);
}

/* The element for a verdict that is not a pass, or nothing. */
static void outcome(FILE *f, const struct rrecord *r)
{
	const char *el = r->verdict == RV_FAIL ? "failure" : "error";
	const struct rfailure *first = r->nr_failures ? &r->failures[0] : NULL;
	size_t n = first ? strcspn(first->headline, "\n") : 0;

	if (r->verdict == RV_SKIP) {
		fputs("      <skipped message=\"", f);
		mu_attr(f, r->reason[0] ? r->reason : "skipped");
		fputs("\"/>\n", f);
		return;
	}
	if (r->verdict == RV_XFAIL || r->verdict == RV_XPASS) {
		fputs("      <skipped type=\"", f);
		mu_attr(f, r->verdict_str);
		fputs("\" message=\"", f);
		xattr(f, "%s: %s", r->verdict == RV_XFAIL ? "XFAIL" : "XPASS", r->reason);
		fputs("\">", f);
		details(f, r);
		fputs("</skipped>\n", f);
		return;
	}
	if (!rverdict_bad(r->verdict))
		return;
	fprintf(f, "      <%s type=\"", el);
	mu_attr(f, r->verdict_str);
	fputs("\" message=\"", f);
	if (first && first->file) {
		mu_attr(f, first->file);
		fprintf(f, ":%d:%d: ", first->line, first->col);
	}
	if (n)
		mu_text_n(f, first->headline, n);
	else
		xtext(f, "verdict %s, no message recorded", r->verdict_str);
	fputs("\">", f);
	details(f, r);
	fprintf(f, "</%s>\n", el);
}

static void testcase(FILE *f, const struct rrecord *r)
{
	fputs("    <testcase name=\"", f);
	xtext(f, "%s.%s", r->name, r->rev);
	fputs("\" classname=\"", f);
	xtext(f, "iorfd-conform.%s", r->group);
	fprintf(f, "\" time=\"%.3f\">\n", r->duration);
	outcome(f, r);
	fputs("    </testcase>\n", f);
}

static void property(FILE *f, const char *name, const char *value)
{
	fprintf(f, "      <property name=\"%s\" value=\"", name);
	mu_attr(f, value);
	fputs("\"/>\n", f);
}

/*
 * One suite per case group (the name's prefix before its first '-'), in
 * the order Ant's schema wants: properties, testcases, system-out and
 * system-err, with the id, timestamp and hostname it requires.
 */
static void testsuite(FILE *f, const struct rrun *run, const char *group, int id)
{
	struct counts c = {0};
	int i;

	for (i = 0; i < run->nr; i++)
		if (!strcmp(run->recs[i].group, group))
			count(&c, &run->recs[i]);
	fputs("  <testsuite name=\"", f);
	mu_attr(f, group);
	fprintf(f, "\" package=\"iorfd-conform\" id=\"%d\" timestamp=\"", id);
	/* Files from before the run recorded its start: the epoch says "unknown". */
	mu_attr(f, run->started[0] ? run->started : "1970-01-01T00:00:00");
	fputs("\" hostname=\"", f);
	mu_attr(f, run->hostname[0] ? run->hostname : "localhost");
	fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n",
		c.tests, c.failures, c.errors, c.skipped, c.time);
	fputs("    <properties>\n", f);
	property(f, "target", run->target);
	property(f, "kernel", run->kernel);
	property(f, "probe", run->probe_how);
	property(f, "suite_version", run->suite_version);
	property(f, "cases_hash", run->cases_hash);
	property(f, "results", run->path);
	if (run->interrupted[0])
		property(f, "interrupted", run->interrupted);
	fputs("    </properties>\n", f);
	for (i = 0; i < run->nr; i++)
		if (!strcmp(run->recs[i].group, group))
			testcase(f, &run->recs[i]);
	/* Every case on a line, passes included: they have no element of their own to say it. */
	fputs("    <system-out>", f);
	for (i = 0; i < run->nr; i++) {
		const struct rrecord *r = &run->recs[i];

		if (strcmp(r->group, group))
			continue;
		xtext(f, "%s.%s: %s (%s:%d)", r->name, r->rev, r->verdict_str, r->file, r->line);
		if (r->summary[0])
			xtext(f, ": %s", r->summary);
		xtext(f, "\n");
	}
	fputs("</system-out>\n    <system-err/>\n", f);
	fputs("  </testsuite>\n", f);
}

/* Groups in the order their first case appears, as the run ran them. */
static bool first_of_group(const struct rrun *run, int i)
{
	int j;

	for (j = 0; j < i; j++)
		if (!strcmp(run->recs[j].group, run->recs[i].group))
			return false;
	return true;
}

void junit_write(FILE *f, const struct rrun *run)
{
	int i, id;

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	/* No attributes: Ant's schema has none here, and the suites carry the totals. */
	fputs("<testsuites>\n", f);
	for (i = 0, id = 0; i < run->nr; i++)
		if (first_of_group(run, i))
			testsuite(f, run, run->recs[i].group, id++);
	fputs("</testsuites>\n", f);
}

int junit_write_file(const char *xml_path, const struct rrun *run, char *err, size_t errlen)
{
	struct atomic_file *af;

	if (atomic_file_open(xml_path, &af, err, errlen))
		return -1;
	junit_write(af->f, run);
	return atomic_file_commit(af, err, errlen);
}

int junit_from_json(const char *json_path, const char *xml_path, char *err, size_t errlen)
{
	struct rrun run;
	int ret;

	if (results_load(json_path, &run, err, errlen)) {
		results_free(&run);
		return -1;
	}
	ret = junit_write_file(xml_path, &run, err, errlen);
	results_free(&run);
	return ret;
}

FILE *junit_tmp_json(char *path, size_t len)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(path, len, "%s/iorfd-conform-XXXXXX.json", dir && dir[0] ? dir : "/tmp");
	fd = mkstemps(path, 5);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
	}
	return f;
}
