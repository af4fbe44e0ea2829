// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <string.h>

#include "reports/live/ktap.h"

void ktap_begin(struct ktap *k, FILE *f, int planned)
{
	memset(k, 0, sizeof(*k));
	k->f = f;
	fprintf(f, "KTAP version 1\n1..%d\n", planned);
}

/* Prefixes every line of a (possibly multi-line) message with "# ". */
static void diag_lines(FILE *f, const char *msg)
{
	const char *nl;

	while ((nl = strchr(msg, '\n'))) {
		fprintf(f, "# %.*s\n", (int)(nl - msg), msg);
		msg = nl + 1;
	}
	if (*msg)
		fprintf(f, "# %s\n", msg);
}

void ktap_diag(struct ktap *k, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_lines(k->f, buf);
}

/* @text on one line (a directive's diagnostic data ends at the newline). */
static const char *one_line(const char *text, char *buf, size_t len)
{
	char *p;

	snprintf(buf, len, "%s", text);
	for (p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return buf;
}

/* The first failure's first line: why a case has no verdict. */
static const char *first_failure(const struct case_result *r, char *buf, size_t len)
{
	char text[FAIL_TEXT_MAX];

	if (!r->nr_failures)
		return "no failure recorded";
	failure_text(&r->failures[0], text, sizeof(text));
	text[strcspn(text, "\n")] = '\0';
	return one_line(text, buf, len);
}

void ktap_result(struct ktap *k, const struct iorfd_case *c, const struct case_result *r)
{
	ktap_result_with(k, c, r, NULL);
}

void ktap_result_with(struct ktap *k, const struct iorfd_case *c, const struct case_result *r,
		      const char *extra)
{
	char line[FAIL_TEXT_MAX];
	int i, shown = r->nr_failures < RESULT_MAX_FAILURES ? r->nr_failures : RESULT_MAX_FAILURES;

	for (i = 0; i < r->nr_notes && i < RESULT_MAX_NOTES; i++)
		ktap_diag(k, "%s.%s: note: %s", c->name, rev_name(c->rev), r->notes[i]);
	k->n++;
	if (r->verdict == VERDICT_PASS) {
		k->pass++;
		fprintf(k->f, "ok %d %s.%s\n", k->n, c->name, rev_name(c->rev));
		fflush(k->f);
		return;
	}
	if (r->verdict == VERDICT_XPASS) {
		k->xpass++;
		fprintf(k->f, "ok %d %s.%s # XPASS listed as a known failure: %s\n", k->n, c->name,
			rev_name(c->rev), one_line(r->xfail_reason, line, sizeof(line)));
		fflush(k->f);
		return;
	}
	if (r->verdict == VERDICT_SKIP) {
		k->skip++;
		fprintf(k->f, "ok %d %s.%s # SKIP %s\n", k->n, c->name, rev_name(c->rev),
			r->skip_reason);
		fflush(k->f);
		return;
	}
	if (r->verdict == VERDICT_XFAIL)
		k->xfail++;
	else if (r->verdict == VERDICT_FAIL)
		k->fail++;
	else
		k->error++;
	ktap_diag(k, "%s.%s: %s (%s)", c->name, rev_name(c->rev), verdict_name(r->verdict),
		  c->file);
	for (i = 0; i < shown; i++) {
		const struct failure *f = &r->failures[i];
		char text[FAIL_TEXT_MAX];

		failure_text(f, text, sizeof(text));
		if (f->req)
			ktap_diag(k, "[%s] %s", f->req, text);
		else
			ktap_diag(k, "%s", text);
	}
	if (r->nr_failures > shown)
		ktap_diag(k, "... and %d more", r->nr_failures - shown);
	if (extra)
		diag_lines(k->f, extra);
	if (r->verdict == VERDICT_XFAIL)
		fprintf(k->f, "ok %d %s.%s # XFAIL %s\n", k->n, c->name, rev_name(c->rev),
			one_line(r->xfail_reason, line, sizeof(line)));
	else if (r->verdict == VERDICT_TIMEOUT || r->verdict == VERDICT_ERROR)
		/* KTAP's directives for "no verdict": the cause is in the diagnostic data. */
		fprintf(k->f, "not ok %d %s.%s # %s %s\n", k->n, c->name, rev_name(c->rev),
			r->verdict == VERDICT_TIMEOUT ? "TIMEOUT" : "ERROR",
			first_failure(r, line, sizeof(line)));
	else
		fprintf(k->f, "not ok %d %s.%s\n", k->n, c->name, rev_name(c->rev));
	fflush(k->f);
}

void ktap_skip(struct ktap *k, const char *name, enum iorfd_rev rev, const char *reason)
{
	k->n++;
	k->skip++;
	fprintf(k->f, "ok %d %s.%s # SKIP %s\n", k->n, name, rev_name(rev), reason);
	fflush(k->f);
}

void ktap_end(struct ktap *k)
{
	fprintf(k->f, "# Totals: pass:%d fail:%d xfail:%d xpass:%d skip:%d error:%d\n", k->pass,
		k->fail, k->xfail, k->xpass, k->skip, k->error);
	fflush(k->f);
}
