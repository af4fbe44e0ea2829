// SPDX-License-Identifier: GPL-2.0
/*
 * The page of one case at one revision: what it is, what it cites, why it
 * failed (each failure with its expected/observed diff), and what crossed
 * the wire, drawn and listed.
 */
#include <string.h>

#include "reports/offline/html.h"
#include "reports/offline/markup.h"
#include "reports/offline/svg_seq.h"

static void kv(FILE *f, const char *key, const char *value)
{
	fprintf(f, "<tr><th>%s</th><td>", key);
	mu_text(f, value);
	fputs("</td></tr>\n", f);
}

static void summary(FILE *f, const struct html_ctx *h, int run, const struct rrecord *r)
{
	char buf[512];
	int i;

	fputs("<table class=\"kv\">\n", f);
	kv(f, "summary", r->summary[0] ? r->summary : "(none)");
	snprintf(buf, sizeof(buf), "%s:%d", r->file, r->line);
	kv(f, "case file", buf);
	kv(f, "group", r->group);
	html_run_label(h, run, buf, sizeof(buf));
	kv(f, "target", buf);
	kv(f, "results file", h->runs[run].path);
	fputs("<tr><th>verdict</th><td>", f);
	html_badge(f, r->verdict);
	if (r->verdict == RV_UNKNOWN) {
		fputs(" ", f);
		mu_text(f, r->verdict_str);
	}
	fputs("</td></tr>\n", f);
	if (r->reason[0])
		kv(f, r->verdict == RV_SKIP ? "skipped because" : "known failure", r->reason);
	snprintf(buf, sizeof(buf), "%.3f s", r->duration);
	kv(f, "duration", buf);
	if (r->seed[0])
		kv(f, "seed", r->seed);
	if (r->nr_vcpus) {
		fputs("<tr><th>vCPUs</th><td>", f);
		for (i = 0; i < r->nr_vcpus; i++) {
			snprintf(buf, sizeof(buf), "%svCPU%d %s at step %lld", i ? "; " : "", i,
				 r->vcpus[i].done ? "done" : "stopped", r->vcpus[i].step);
			mu_text(f, buf);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* The same case in the other revisions and runs. */
static void others(FILE *f, const struct html_ctx *h, int run, const struct rrecord *r)
{
	char label[256];
	int k, i;

	fputs("<p class=\"note\">All results of this case: ", f);
	for (k = 0; k < h->nr_runs; k++) {
		const struct rrun *rr = &h->runs[k];

		if (h->nr_runs > 1) {
			html_run_label(h, k, label, sizeof(label));
			mu_text(f, label);
			fputs(" ", f);
		}
		for (i = 0; i < rr->nr; i++) {
			const struct rrecord *o = &rr->recs[i];

			if (strcmp(o->name, r->name) || results_find(rr, o->name, o->rev) != o)
				continue;
			if (k == run && o == r)
				fputs("<b>", f);
			html_case_link(f, h, k, o, o->rev);
			if (k == run && o == r)
				fputs("</b>", f);
			fputs(" ", f);
		}
		fputs(k + 1 < h->nr_runs ? "&nbsp;|&nbsp; " : "", f);
	}
	fputs("</p>\n", f);
}

static void requirements(FILE *f, const struct html_ctx *h, const struct rrecord *r)
{
	int i;

	fputs("<h2>Requirements</h2>\n", f);
	if (!r->nr_reqs) {
		fputs("<p class=\"note\">The case cites none.</p>\n", f);
		return;
	}
	fputs("<table>\n", f);
	for (i = 0; i < r->nr_reqs; i++) {
		const struct requirement *q = h->reg ? registry_find(h->reg, r->reqs[i]) : NULL;

		fputs("<tr><td class=\"mono\"><a href=\"index.html#req-", f);
		mu_attr(f, r->reqs[i]);
		fputs("\">", f);
		mu_text(f, r->reqs[i]);
		fputs("</a></td><td>", f);
		mu_text(f, q ? req_level_name(q->level) : "");
		fputs("</td><td>", f);
		if (q)
			mu_text(f, q->text);
		else if (h->reg)
			fputs("<span class=\"none\">not in the requirement registry</span>", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

enum block { B_NONE, B_PRE, B_DIFF };

static void switch_block(FILE *f, enum block *cur, enum block want)
{
	static const char *const open[] = {"", "<pre>", "<div class=\"diff\">"};
	static const char *const close[] = {"", "</pre>\n", "</div>\n"};

	if (*cur == want)
		return;
	fputs(close[*cur], f);
	fputs(open[want], f);
	*cur = want;
}

/* One side of a failure's diff, its differing key=value tokens marked. */
static void diff_side(FILE *f, const char *side, const char *other, bool expected)
{
	fprintf(f, "<div class=\"%s\">%s", expected ? "exp" : "obs",
		expected ? "expected: " : "observed: ");
	html_diff_line(f, side, strlen(side), other, other ? strlen(other) : 0, expected);
	fputs("</div>", f);
}

/* A failure's expected/observed diff, then its further lines as they are. */
static void failure_body(FILE *f, const struct rfailure *fl)
{
	enum block cur = B_NONE;

	if (fl->expected || fl->observed)
		switch_block(f, &cur, B_DIFF);
	if (fl->expected)
		diff_side(f, fl->expected, fl->observed, true);
	if (fl->observed)
		diff_side(f, fl->observed, fl->expected, false);
	if (fl->detail) {
		switch_block(f, &cur, B_PRE);
		mu_text(f, fl->detail);
		fputc('\n', f);
	}
	switch_block(f, &cur, B_NONE);
}

static void failures(FILE *f, const struct rrecord *r, const struct seq_marks *m)
{
	bool expected = r->verdict == RV_XFAIL;
	int i;

	if (!r->nr_failures)
		return;
	fprintf(f, "<h2>Failures (%d", r->nr_failures);
	if (r->failures_total > r->nr_failures)
		fprintf(f, " of %d kept", r->failures_total);
	fprintf(f, ")%s</h2>\n", expected ? ": a known failure of this target" : "");
	for (i = 0; i < r->nr_failures; i++) {
		const struct rfailure *fl = &r->failures[i];

		fprintf(f, "<div class=\"failure%s\" id=\"failure-%d\" data-kind=\"",
			expected ? " expected" : "", i + 1);
		mu_text(f, fl->kind_name);
		fputs("\">\n<h3>", f);
		if (fl->req) {
			fputs("[", f);
			mu_text(f, fl->req);
			fputs("] ", f);
		}
		if (fl->file) {
			mu_text(f, fl->file);
			fprintf(f, ":%d:%d: ", fl->line, fl->col);
		}
		mu_text(f, fl->headline);
		fputs("</h3>\n", f);
		failure_body(f, fl);
		fputs("</div>\n", f);
	}
}

/* The vCPU that sent a command, and its step; "?" where the results do not say. */
static void vcpu_cell(FILE *f, int vcpu, long long step)
{
	fputs("<td class=\"vcpu\">", f);
	if (vcpu < 0)
		fputs("<span class=\"none\" title=\"not known: more than one vCPU may have sent "
		      "it, or the results do not record it\">?</span>",
		      f);
	else
		fprintf(f, "%d", vcpu);
	if (vcpu >= 0 && step >= 0)
		fprintf(f, " <span class=\"step\">step %lld</span>", step);
	fputs("</td>", f);
}

/* The region the command's user_data names, and the user_data itself. */
static void region_cell(FILE *f, const struct rtx *t)
{
	fputs("<td class=\"region\">", f);
	if (t->region)
		mu_text(f, t->region);
	else
		fputs("<span class=\"none\" title=\"not known: no one region of this channel "
		      "has this user_data, or the results do not record it\">?</span>",
		      f);
	fputs(" <span class=\"ud\">", f);
	mu_text(f, t->user_data);
	fputs("</span></td>", f);
}

static void tx_table(FILE *f, const struct rrecord *r, const struct seq_marks *m)
{
	int i, j;

	fputs("<table class=\"tx\">\n<thead><tr><th>seq</th><th>vCPU</th><th>region "
	      "(user_data)</th><th>channel</th><th>command (decoded)</th><th>reply</th>"
	      "<th>raw (32 bytes)</th></tr></thead>\n<tbody>\n",
	      f);
	for (i = 0; i < r->nr_tx; i++) {
		const struct rtx *t = &r->tx[i];
		bool hl = m->tx_fail[i] >= 0 || t->nr_viol;

		fprintf(f, "<tr class=\"%s%s\"><td>%lld</td>", hl ? "hl" : "",
			t->resp ? "" : " posted", t->seq);
		vcpu_cell(f, t->vcpu, t->step);
		region_cell(f, t);
		fputs("<td>", f);
		mu_text(f, t->channel);
		fputs("</td><td class=\"cmd\">", f);
		mu_text(f, t->decoded);
		if (t->bytes != 32)
			fprintf(f, " <b>(%d bytes)</b>", t->bytes);
		for (j = 0; j < t->nr_viol; j++) {
			fputs("<br><b>violates ", f);
			mu_text(f, t->viol[j].req);
			fputs(":</b> ", f);
			mu_text(f, t->viol[j].msg);
		}
		fputs("</td><td>", f);
		if (t->replied)
			mu_text(f, t->reply);
		else
			fputs(t->resp ? "<b>none</b>" : "posted", f);
		fputs("</td><td>", f);
		mu_text(f, t->raw);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

static void exits_table(FILE *f, const struct rrecord *r, const struct seq_marks *m)
{
	char buf[256];
	int i;

	fprintf(f, "<h2>Ordinary exits (%d)</h2>\n", r->nr_exits);
	if (!r->nr_exits) {
		fputs("<p class=\"note\">None: every access went to a region.</p>\n", f);
		return;
	}
	fputs("<table class=\"tx\">\n<thead><tr><th>seq</th><th>vCPU</th><th>access</th>"
	      "<th>data</th></tr></thead>\n<tbody>\n",
	      f);
	for (i = 0; i < r->nr_exits; i++) {
		const struct rexit *e = &r->exits[i];

		fprintf(f, "<tr class=\"%s\"><td>%lld</td>", m->exit_fail[i] >= 0 ? "hl" : "",
			e->seq);
		vcpu_cell(f, e->vcpu, e->step);
		fputs("<td>", f);
		snprintf(buf, sizeof(buf), "%s %s %s size %u", e->space, e->op, e->addr, e->size);
		mu_text(f, buf);
		fputs("</td><td>", f);
		mu_text(f, e->data);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

static void transcript(FILE *f, const struct rrecord *r, const struct seq_marks *m)
{
	fprintf(f, "<h2>Wire transcript (%d command%s)</h2>\n", r->nr_tx, r->nr_tx == 1 ? "" : "s");
	if (r->verdict == RV_SKIP) {
		fputs("<p class=\"note\">Not run.</p>\n", f);
		return;
	}
	fputs("<ul class=\"legend\"><li>A lane per vCPU; \"vCPU ?\" holds what the results "
	      "do not say the vCPU of.</li>"
	      "<li>Solid arrows: the vCPU's access, the command on the "
	      "channel; dashed: the reply and the completion, in red where the guest "
	      "loaded another value than the reply.</li>"
	      "<li>Purple, [POSTED]: a posted write (resp=0), no reply awaited.</li>"
	      "<li>Red box: the command or exit a failure is about, with the expected and "
	      "observed values; dashed red: expected, never seen.</li></ul>\n",
	      f);
	if (r->nr_tx + r->nr_exits > SVG_SEQ_MAX_EVENTS)
		fprintf(f,
			"<p class=\"note\">The diagram shows the first %d commands and exits; "
			"the tables list all.</p>\n",
			SVG_SEQ_MAX_EVENTS);
	fputs("<div class=\"seq\">\n", f);
	svg_seq(f, r, m);
	fputs("</div>\n", f);
	if (r->nr_tx)
		tx_table(f, r, m);
	exits_table(f, r, m);
}

void html_case_page(FILE *f, const struct html_ctx *h, int run, const struct rrecord *r)
{
	char title[256];
	struct seq_marks m;

	snprintf(title, sizeof(title), "%s.%s: %s", r->name, r->rev, rverdict_name(r->verdict));
	html_head(f, title);
	if (seq_marks_init(&m, r)) {
		fputs("<p>out of memory</p>\n", f);
		html_foot(f);
		return;
	}
	fputs("<nav><a href=\"index.html\">&larr; all results</a></nav>\n<h1>", f);
	mu_text(f, r->name);
	fputc('.', f);
	mu_text(f, r->rev);
	fputc(' ', f);
	html_badge(f, r->verdict);
	fputs("</h1>\n", f);
	others(f, h, run, r);
	summary(f, h, run, r);
	requirements(f, h, r);
	failures(f, r, &m);
	transcript(f, r, &m);
	html_foot(f);
	seq_marks_free(&m);
}
