/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The HTML report: static pages made from one or more results files, with
 * no script and no outside asset (styles are inline), so the directory can
 * be opened from disk, attached to a CI run or mailed.
 *
 *   index.html           the runs, the verdict matrix (case x revision, per
 *                        run when several files are given) and the
 *                        requirement matrix (requirement -> cases, verdicts)
 *   c-CASE.REV[.N].html  one case at one revision (in run N of several):
 *                        summary, requirements, failures with their diff,
 *                        the wire transcript as a sequence diagram.  A
 *                        CASE or REV that is long or has bytes other than
 *                        [A-Za-z0-9_-] is its safe prefix, '~' and a hash
 *                        of the whole, so every case gets its own page.
 *
 * Each file is written whole or not at all (lib/atomic_file.h), the index
 * last: a report that could not be written is an error, never a directory
 * that looks complete.
 *
 * Every string from a results file is escaped (reports/offline/markup.h).
 */
#ifndef IORFD_HTML_H
#define IORFD_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/offline/json_read_results.h"
#include "casefile/registry.h"

struct html_ctx {
	const struct rrun *runs;
	int nr_runs;
	const struct registry *reg; /* requirement texts, or NULL: IDs only */
	const char *dir;
};

/* Writes the report into @h->dir (created if missing).  0, or -1 with why in @err. */
int html_report(const struct html_ctx *h, char *err, size_t errlen);

/* ---- shared by the page writers ------------------------------------------ */

void html_head(FILE *f, const char *title);
void html_foot(FILE *f);

/* A verdict as a coloured label. */
void html_badge(FILE *f, enum rverdict v);

/* Room for any page name html_case_file() makes, with its NUL. */
#define HTML_PAGE_NAME_LEN 160

/* The file name (no directory) of the page of record @r of run @run. */
void html_case_file(const struct html_ctx *h, int run, const struct rrecord *r, char *buf,
		    size_t len);

/* A link to that page whose text is the verdict label; @text is shown after it. */
void html_case_link(FILE *f, const struct html_ctx *h, int run, const struct rrecord *r,
		    const char *text);

/* "run 2: kernel 6.1.192, v3" (without "run N: " when there is only one). */
void html_run_label(const struct html_ctx *h, int run, char *buf, size_t len);

/*
 * One side of a diff: @line with the key=value tokens that differ from
 * @other marked.  @expected: a key the other side lacks differs too.
 */
void html_diff_line(FILE *f, const char *line, size_t len, const char *other, size_t olen,
		    bool expected);

/* Bad (fail, error, timeout) first, then xfail, xpass, skip, pass. */
int html_verdict_rank(enum rverdict v);

/*
 * The cell of a verdict matrix row that says why: for each of the @n
 * results (NULL: not run) that failed or is a known failure, its bugs and
 * reason in a line, after its label @labels[i] ("" for none).
 */
void html_why_cell(FILE *f, const struct rrecord *const *recs, const char *const *labels, int n);

void html_index(FILE *f, const struct html_ctx *h);
void html_case_page(FILE *f, const struct html_ctx *h, int run, const struct rrecord *r);

#endif /* IORFD_HTML_H */
