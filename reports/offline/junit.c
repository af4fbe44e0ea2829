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

/* Formats, then escapes: every piece of text in the XML comes from the JSON. */
static __attribute__((format(printf, 2, 3))) void xtext(FILE *f, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	mu_text(f, s);
	free(s);
}

static void count(struct counts *c, const struct rrecord *r)
{
	c->tests++;
	c->time += r->duration;
	if (r->verdict == RV_FAIL)
		c->failures++;
	else if (r->verdict == RV_SKIP)
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
	failure_text(f, r);
	fprintf(f, "</%s>\n", el);
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

static void system_out(FILE *f, const struct rrecord *r)
{
	int i;

	fputs("      <system-out>", f);
	if (r->verdict == RV_XFAIL)
		xtext(f, "XFAIL: failed as a known failure of this target lists: %s\n", r->reason);
	else if (r->verdict == RV_XPASS)
		xtext(f, "XPASS: passed, though listed as a known failure of this target: %s\n",
		      r->reason);
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
	/* A known failure is reported as passed: its reasons must still show. */
	if (r->verdict == RV_XFAIL) {
		xtext(f, "failures (expected):\n");
		failure_text(f, r);
	}
	transcript(f, r);
	fputs("</system-out>\n", f);
}

static void testcase(FILE *f, const struct rrecord *r)
{
	fputs("    <testcase name=\"", f);
	xtext(f, "%s.%s", r->name, r->rev);
	fputs("\" classname=\"", f);
	xtext(f, "iorfd.%s", r->group);
	fprintf(f, "\" time=\"%.3f\">\n", r->duration);
	outcome(f, r);
	if (r->verdict != RV_SKIP)
		system_out(f, r);
	fputs("    </testcase>\n", f);
}

static void property(FILE *f, const char *name, const char *value)
{
	fprintf(f, "      <property name=\"%s\" value=\"", name);
	mu_attr(f, value);
	fputs("\"/>\n", f);
}

static void testsuite(FILE *f, const struct rrun *run, const char *group)
{
	struct counts c = {0};
	int i;

	for (i = 0; i < run->nr; i++)
		if (!strcmp(run->recs[i].group, group))
			count(&c, &run->recs[i]);
	fputs("  <testsuite name=\"", f);
	mu_attr(f, group);
	fprintf(f,
		"\" package=\"iorfd\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" "
		"time=\"%.3f\">\n",
		c.tests, c.failures, c.errors, c.skipped, c.time);
	fputs("    <properties>\n", f);
	property(f, "target", run->target);
	property(f, "kernel", run->kernel);
	property(f, "probe", run->probe_how);
	property(f, "cases_hash", run->cases_hash);
	property(f, "results", run->path);
	fputs("    </properties>\n", f);
	for (i = 0; i < run->nr; i++)
		if (!strcmp(run->recs[i].group, group))
			testcase(f, &run->recs[i]);
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
	struct counts all = {0};
	int i;

	for (i = 0; i < run->nr; i++)
		count(&all, &run->recs[i]);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f,
		"<testsuites name=\"iorfd-conform\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
		"time=\"%.3f\">\n",
		all.tests, all.failures, all.errors, all.time);
	for (i = 0; i < run->nr; i++)
		if (first_of_group(run, i))
			testsuite(f, run, run->recs[i].group);
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
