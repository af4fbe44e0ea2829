// SPDX-License-Identifier: GPL-2.0
/*
 * index.html: the runs compared, the verdict matrix (case x revision, per
 * run) and the requirement matrix (requirement -> citing cases and their
 * verdicts).
 */
#include <stdlib.h>
#include <string.h>

#include "reports/offline/html.h"
#include "reports/offline/markup.h"

struct ustr {
	const char *s;
	int order;
};

static int by_str(const void *a, const void *b)
{
	const struct ustr *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	return c ? c : x->order - y->order;
}

static int by_order(const void *a, const void *b)
{
	return ((const struct ustr *)a)->order - ((const struct ustr *)b)->order;
}

/*
 * The distinct strings of @in, in the order they first appear (@sorted:
 * in strcmp order instead).  Returns a malloc'ed array (NULL when empty).
 */
static const char **distinct(const char **in, int n, bool sorted, int *nr)
{
	struct ustr *u = calloc(n ? n : 1, sizeof(*u));
	const char **out = calloc(n ? n : 1, sizeof(*out));
	int i, k = 0;

	*nr = 0;
	if (!u || !out) {
		free(u);
		free(out);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		u[i].s = in[i];
		u[i].order = i;
	}
	qsort(u, n, sizeof(*u), by_str);
	for (i = 0; i < n; i++)
		if (!k || strcmp(u[k - 1].s, u[i].s))
			u[k++] = u[i];
	if (!sorted)
		qsort(u, k, sizeof(*u), by_order);
	for (i = 0; i < k; i++)
		out[i] = u[i].s;
	free(u);
	*nr = k;
	return out;
}

struct matrix {
	const char **cases; /* rows */
	int nr_cases;
	const char **revs[64]; /* per run: its revisions, the columns */
	int nr_revs[64];
	int nr_runs;
};

static void matrix_init(struct matrix *m, const struct html_ctx *h)
{
	const char **all;
	int run, i, n = 0, total = 0;

	memset(m, 0, sizeof(*m));
	m->nr_runs = h->nr_runs < 64 ? h->nr_runs : 64;
	for (run = 0; run < m->nr_runs; run++)
		total += h->runs[run].nr;
	all = calloc(total ? total : 1, sizeof(*all));
	if (!all)
		return;
	for (run = 0; run < m->nr_runs; run++)
		for (i = 0; i < h->runs[run].nr; i++)
			all[n++] = h->runs[run].recs[i].name;
	m->cases = distinct(all, n, false, &m->nr_cases);
	for (run = 0; run < m->nr_runs; run++) {
		for (i = 0; i < h->runs[run].nr; i++)
			all[i] = h->runs[run].recs[i].rev;
		m->revs[run] = distinct(all, h->runs[run].nr, true, &m->nr_revs[run]);
	}
	free(all);
}

static void matrix_free(struct matrix *m)
{
	int run;

	free(m->cases);
	for (run = 0; run < m->nr_runs; run++)
		free(m->revs[run]);
}

static void runs_table(FILE *f, const struct html_ctx *h, const struct matrix *m)
{
	int run, i, v;

	fputs("<h2>Runs</h2>\n<table>\n<thead><tr><th>run</th><th>results file</th><th>target</th>"
	      "<th>kernel</th><th>revision</th><th>suite</th><th>cases hash</th><th>verdicts</th>"
	      "</tr></thead>\n<tbody>\n",
	      f);
	for (run = 0; run < m->nr_runs; run++) {
		const struct rrun *rr = &h->runs[run];
		int count[RV_UNKNOWN + 1] = {0};

		for (i = 0; i < rr->nr; i++)
			count[rr->recs[i].verdict]++;
		fprintf(f, "<tr><td>%d</td><td class=\"mono\">", run + 1);
		mu_text(f, rr->path);
		fputs("</td><td>", f);
		mu_text(f, rr->target);
		fputs("</td><td>", f);
		mu_text(f, rr->kernel);
		fputs("</td><td title=\"", f);
		mu_attr(f, rr->probe_how);
		fputs("\">", f);
		mu_text(f, rr->probe_rev[0] ? rr->probe_rev : "all");
		fputs("</td><td>", f);
		mu_text(f, rr->suite_version);
		fputs("</td><td class=\"mono\">", f);
		mu_text(f, rr->cases_hash);
		fputs("</td><td>", f);
		for (v = 0; v <= RV_UNKNOWN; v++) {
			if (!count[v])
				continue;
			html_badge(f, v);
			fprintf(f, "&nbsp;%d ", count[v]);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
	for (run = 1; run < m->nr_runs; run++) {
		if (strcmp(h->runs[run].cases_hash, h->runs[0].cases_hash)) {
			fputs("<p class=\"note\">The runs used different case files (their "
			      "cases hash differs): a verdict change may come from a changed "
			      "case.</p>\n",
			      f);
			break;
		}
	}
}

/* The results of one row, and the label of each column, for its "why" cell. */
struct row {
	const struct rrecord **recs;
	char (*labels)[40];
	const char **label_ptrs;
	int n;
};

static int row_init(struct row *w, const struct matrix *m)
{
	int run, k, n = 0;

	for (run = 0; run < m->nr_runs; run++)
		n += m->nr_revs[run];
	w->recs = calloc(n + 1, sizeof(*w->recs));
	w->labels = calloc(n + 1, sizeof(*w->labels));
	w->label_ptrs = calloc(n + 1, sizeof(*w->label_ptrs));
	if (!w->recs || !w->labels || !w->label_ptrs)
		return -1;
	w->n = n;
	n = 0;
	for (run = 0; run < m->nr_runs; run++)
		for (k = 0; k < m->nr_revs[run]; k++, n++) {
			/* One column needs no label; several runs are told apart by number. */
			if (w->n == 1)
				w->labels[n][0] = '\0';
			else if (m->nr_runs > 1)
				snprintf(w->labels[n], sizeof(w->labels[n]), "%d:%.30s", run + 1,
					 m->revs[run][k]);
			else
				snprintf(w->labels[n], sizeof(w->labels[n]), "%.30s",
					 m->revs[run][k]);
			w->label_ptrs[n] = w->labels[n];
		}
	return 0;
}

static void row_free(struct row *w)
{
	free(w->recs);
	free(w->labels);
	free(w->label_ptrs);
}

static void verdict_matrix(FILE *f, const struct html_ctx *h, const struct matrix *m)
{
	char label[256];
	struct row w;
	int run, i, k, col;

	if (row_init(&w, m)) {
		row_free(&w);
		fputs("<p>out of memory</p>\n", f);
		return;
	}

	fputs("<h2>Verdicts</h2>\n<table class=\"matrix\">\n<thead><tr><th rowspan=\"2\">case</th>",
	      f);
	for (run = 0; run < m->nr_runs; run++) {
		html_run_label(h, run, label, sizeof(label));
		fprintf(f, "<th class=\"run\" colspan=\"%d\">",
			m->nr_revs[run] ? m->nr_revs[run] : 1);
		mu_text(f, label);
		fputs("</th>", f);
	}
	fputs("<th rowspan=\"2\" class=\"why\">why: the bug and the reason, or the first "
	      "failure</th>",
	      f);
	fputs("</tr>\n<tr>", f);
	for (run = 0; run < m->nr_runs; run++) {
		if (!m->nr_revs[run])
			fputs("<th></th>", f);
		for (k = 0; k < m->nr_revs[run]; k++) {
			fputs("<th>", f);
			mu_text(f, m->revs[run][k]);
			fputs("</th>", f);
		}
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (i = 0; i < m->nr_cases; i++) {
		const struct rrecord *any = NULL, *r;
		bool bad = false;

		for (run = 0; run < m->nr_runs; run++)
			for (k = 0; k < m->nr_revs[run]; k++) {
				r = results_find(&h->runs[run], m->cases[i], m->revs[run][k]);
				if (r && !any)
					any = r;
				if (r && rverdict_bad(r->verdict))
					bad = true;
			}
		fprintf(f, "<tr%s><td class=\"name\" title=\"", bad ? " class=\"bad\"" : "");
		mu_attr(f, any ? any->summary : "");
		fputs("\">", f);
		mu_text(f, m->cases[i]);
		fputs("</td>", f);
		col = 0;
		for (run = 0; run < m->nr_runs; run++) {
			if (!m->nr_revs[run])
				fputs("<td class=\"none\">&middot;</td>", f);
			for (k = 0; k < m->nr_revs[run]; k++) {
				r = results_find(&h->runs[run], m->cases[i], m->revs[run][k]);
				w.recs[col++] = r;
				if (!r) {
					fputs("<td class=\"none\" title=\"not run\">&middot;</td>",
					      f);
					continue;
				}
				fputs("<td>", f);
				html_case_link(f, h, run, r, NULL);
				fputs("</td>", f);
			}
		}
		html_why_cell(f, w.recs, w.label_ptrs, w.n);
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
	row_free(&w);
}

static bool cites(const struct rrecord *r, const char *id)
{
	int i;

	for (i = 0; i < r->nr_reqs; i++)
		if (!strcmp(r->reqs[i], id))
			return true;
	return false;
}

/* The cases citing @id, each with a label per run x revision; returns the worst verdict seen. */
static int req_cases(FILE *f, const struct html_ctx *h, const struct matrix *m, const char *id,
		     int *nr_cases)
{
	char text[32];
	int i, run, k, worst = -1;

	*nr_cases = 0;
	for (i = 0; i < m->nr_cases; i++) {
		bool shown = false;

		for (run = 0; run < m->nr_runs; run++)
			for (k = 0; k < m->nr_revs[run]; k++) {
				const struct rrecord *r =
					results_find(&h->runs[run], m->cases[i], m->revs[run][k]);

				if (!r || !cites(r, id))
					continue;
				if (!shown) {
					fputs("<span class=\"case\"><span class=\"cn\">", f);
					mu_text(f, m->cases[i]);
					fputs("</span>", f);
					shown = true;
					++*nr_cases;
				}
				if (m->nr_runs > 1)
					snprintf(text, sizeof(text), "%d:%.16s", run + 1, r->rev);
				else
					snprintf(text, sizeof(text), "%.16s", r->rev);
				html_case_link(f, h, run, r, text);
				fputc(' ', f);
				if (html_verdict_rank(r->verdict) > worst)
					worst = html_verdict_rank(r->verdict);
			}
		if (shown)
			fputs("</span> ", f);
	}
	return worst;
}

static void req_row(FILE *f, const struct html_ctx *h, const struct matrix *m, const char *id,
		    const struct requirement *req)
{
	static const enum rverdict by_rank[] = {RV_PASS, RV_SKIP, RV_XPASS, RV_XFAIL, RV_FAIL};
	char *buf = NULL;
	size_t len = 0;
	FILE *cases = open_memstream(&buf, &len);
	int worst = -1, nr = 0;

	/* The cases cell decides the row's class and status, so it is made first. */
	if (cases) {
		worst = req_cases(cases, h, m, id, &nr);
		fclose(cases);
	}
	fprintf(f, "<tr%s id=\"req-", nr ? "" : " class=\"uncited\"");
	mu_attr(f, id);
	fputs("\"><td class=\"mono\">", f);
	mu_text(f, id);
	fputs("</td><td>", f);
	mu_text(f, req ? req_level_name(req->level) : "");
	fputs("</td><td>", f);
	if (worst >= 0)
		html_badge(f, by_rank[worst]);
	fputs("</td><td class=\"text\">", f);
	if (req)
		mu_text(f, req->text);
	else if (h->reg)
		fputs("<span class=\"none\">(not in the requirement registry)</span>", f);
	fputs("</td><td class=\"cases\">", f);
	if (nr) {
		fwrite(buf, 1, len, f);
	} else if (req && req->untestable) {
		fputs("<span class=\"none\">not testable here: ", f);
		mu_text(f, req->untestable);
		fputs("</span>", f);
	} else {
		fputs("<span class=\"none\">no case in these results cites it</span>", f);
	}
	fputs("</td></tr>\n", f);
	free(buf);
}

static void req_matrix(FILE *f, const struct html_ctx *h, const struct matrix *m)
{
	const char **all, **ids;
	int run, i, k, n = 0, total = 0, nr_ids = 0;

	for (run = 0; run < m->nr_runs; run++)
		for (i = 0; i < h->runs[run].nr; i++)
			total += h->runs[run].recs[i].nr_reqs;
	all = calloc(total ? total : 1, sizeof(*all));
	if (!all)
		return;
	for (run = 0; run < m->nr_runs; run++)
		for (i = 0; i < h->runs[run].nr; i++)
			for (k = 0; k < h->runs[run].recs[i].nr_reqs; k++)
				all[n++] = h->runs[run].recs[i].reqs[k];
	ids = distinct(all, n, true, &nr_ids);
	fputs("<h2>Requirements</h2>\n", f);
	if (h->reg) {
		fprintf(f, "<p class=\"note\">%d requirements in ", h->reg->nr);
		mu_text(f, h->reg->file);
		fprintf(f,
			"; %d IDs cited by these results. "
			"Status is the worst verdict of the citing cases.</p>\n",
			nr_ids);
	} else
		fprintf(f,
			"<p class=\"note\">%d requirement IDs cited (no registry read: IDs only). "
			"Status is the worst verdict of the citing cases.</p>\n",
			nr_ids);
	fputs("<table class=\"reqs\">\n<thead><tr><th>requirement</th><th>level</th><th>status</th>"
	      "<th>text</th><th>cases and verdicts</th></tr></thead>\n<tbody>\n",
	      f);
	for (i = 0; h->reg && i < h->reg->nr; i++)
		req_row(f, h, m, h->reg->reqs[i].id, &h->reg->reqs[i]);
	for (i = 0; i < nr_ids; i++)
		if (!h->reg || !registry_find(h->reg, ids[i]))
			req_row(f, h, m, ids[i], NULL);
	fputs("</tbody>\n</table>\n", f);
	free(ids);
	free(all);
}

void html_index(FILE *f, const struct html_ctx *h)
{
	struct matrix m;

	matrix_init(&m, h);
	html_head(f, "iorfd-conform report");
	fputs("<h1>iorfd-conform report</h1>\n", f);
	fprintf(f,
		"<p class=\"note\">%d result file%s, %d case%s. Each label links to the case's "
		"page: failures with their diff, the wire transcript as a sequence diagram.</p>\n",
		h->nr_runs, h->nr_runs == 1 ? "" : "s", m.nr_cases, m.nr_cases == 1 ? "" : "s");
	runs_table(f, h, &m);
	verdict_matrix(f, h, &m);
	req_matrix(f, h, &m);
	html_foot(f);
	matrix_free(&m);
}
