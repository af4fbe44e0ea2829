// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "reports/offline/diff.h"

enum section {
	S_FAILING,
	S_PASSING,
	S_SKIPPED,
	S_CHANGED,
	S_TRANSCRIPT,
	S_ONLY_BASE,
	S_ONLY_NEW,
	NR_SECTIONS,
};

static const char *const titles[NR_SECTIONS] = {
	"newly failing",       "newly passing", "newly skipped", "other verdict changes",
	"changed transcripts", "only in base",	"only in new",
};

struct sections {
	FILE *f[NR_SECTIONS];
	char *buf[NR_SECTIONS];
	size_t len[NR_SECTIONS];
	int nr[NR_SECTIONS];
};

static bool passed(enum rverdict v)
{
	return v == RV_PASS || v == RV_XPASS;
}

/* The first failure line, to say why without opening the case's page. */
static void why(FILE *f, const struct rrecord *r)
{
	const char *m = r->nr_failures ? r->failures[0].msg : r->reason;
	size_t n = strcspn(m, "\n");

	if (n)
		fprintf(f, "      %.*s\n", (int)(n < 300 ? n : 300), m);
}

static void entry(struct sections *s, enum section sec, const struct rrecord *b,
		  const struct rrecord *n)
{
	const struct rrecord *r = n ? n : b;
	FILE *f = s->f[sec];

	s->nr[sec]++;
	fprintf(f, "  %s.%s", r->name, r->rev);
	if (b && n)
		fprintf(f, "  %s -> %s\n", b->verdict_str, n->verdict_str);
	else
		fprintf(f, "  %s\n", r->verdict_str);
	if (sec == S_FAILING || sec == S_SKIPPED || (sec == S_CHANGED && n))
		why(f, r);
}

/* A record's commands in seq order (the order they crossed the wire). */
static int *tx_order(const struct rrecord *r)
{
	int n;

	return rrecord_tx_order(r, NULL, &n);
}

static void tx_line(char *buf, size_t len, const struct rtx *t)
{
	const char *outcome = t->resp ? " -> no reply" : " (posted)";

	if (t->replied)
		outcome = " -> reply ";
	snprintf(buf, len, "%s: %s%s%s%s", t->channel, t->decoded, outcome,
		 t->replied ? t->reply : "", t->bytes != 32 ? " [torn]" : "");
}

/* Reports where two transcripts first differ, if they do. */
static void transcripts(struct sections *s, const struct rrecord *b, const struct rrecord *n)
{
	int *bi = tx_order(b), *ni = tx_order(n);
	char lb[400], ln[400];
	int i, common = b->nr_tx < n->nr_tx ? b->nr_tx : n->nr_tx;
	FILE *f = s->f[S_TRANSCRIPT];

	if (!bi || !ni)
		goto out;
	for (i = 0; i < common; i++) {
		tx_line(lb, sizeof(lb), &b->tx[bi[i]]);
		tx_line(ln, sizeof(ln), &n->tx[ni[i]]);
		if (strcmp(lb, ln))
			break;
	}
	if (i == common && b->nr_tx == n->nr_tx)
		goto out;
	s->nr[S_TRANSCRIPT]++;
	fprintf(f, "  %s.%s  first difference at command #%d (base: %d commands, new: %d)\n",
		n->name, n->rev, i + 1, b->nr_tx, n->nr_tx);
	if (i < b->nr_tx) {
		tx_line(lb, sizeof(lb), &b->tx[bi[i]]);
		fprintf(f, "      base: %s\n", lb);
	} else {
		fprintf(f, "      base: (no more commands)\n");
	}
	if (i < n->nr_tx) {
		tx_line(ln, sizeof(ln), &n->tx[ni[i]]);
		fprintf(f, "      new:  %s\n", ln);
	} else {
		fprintf(f, "      new:  (no more commands)\n");
	}
out:
	free(bi);
	free(ni);
}

static void compare(struct sections *s, const struct rrecord *b, const struct rrecord *n)
{
	if (!b) {
		entry(s, rverdict_bad(n->verdict) ? S_FAILING : S_ONLY_NEW, NULL, n);
		return;
	}
	if (rverdict_bad(n->verdict) && !rverdict_bad(b->verdict))
		entry(s, S_FAILING, b, n);
	else if (passed(n->verdict) && !passed(b->verdict))
		entry(s, S_PASSING, b, n);
	else if (n->verdict == RV_SKIP && b->verdict != RV_SKIP)
		entry(s, S_SKIPPED, b, n);
	else if (strcmp(b->verdict_str, n->verdict_str))
		entry(s, S_CHANGED, b, n);
	/* A case not run on one side has no transcript to compare. */
	if (b->verdict != RV_SKIP && n->verdict != RV_SKIP)
		transcripts(s, b, n);
}

static void header(FILE *out, const char *what, const struct rrun *r)
{
	char label[200];

	results_label(r, label, sizeof(label));
	fprintf(out, "%s %s (%s, %d results)\n", what, r->path, label, r->nr);
}

int diff_runs(FILE *out, const struct rrun *base, const struct rrun *new)
{
	struct sections s = {0};
	int i;

	for (i = 0; i < NR_SECTIONS; i++) {
		s.f[i] = open_memstream(&s.buf[i], &s.len[i]);
		if (!s.f[i]) {
			fprintf(stderr, "report --diff: out of memory\n");
			exit(2);
		}
	}
	/* by_key lists each case x revision's first record first. */
	for (i = 0; i < new->nr; i++) {
		const struct rrecord *n = new->by_key[i];

		if (i && !strcmp(n->name, new->by_key[i - 1]->name) &&
		    !strcmp(n->rev, new->by_key[i - 1]->rev))
			continue;
		compare(&s, results_find(base, n->name, n->rev), n);
	}
	for (i = 0; i < base->nr; i++) {
		const struct rrecord *b = base->by_key[i];

		if (!results_find(new, b->name, b->rev) && results_find(base, b->name, b->rev) == b)
			entry(&s, S_ONLY_BASE, b, NULL);
	}
	header(out, "base:", base);
	header(out, "new: ", new);
	if (strcmp(base->cases_hash, new->cases_hash))
		fprintf(out, "note: the case files differ (cases_hash %s vs %s)\n",
			base->cases_hash, new->cases_hash);
	for (i = 0; i < NR_SECTIONS; i++) {
		fclose(s.f[i]);
		fprintf(out, "\n%s (%d)%s\n", titles[i], s.nr[i], s.nr[i] ? ":" : "");
		fwrite(s.buf[i], 1, s.len[i], out);
		free(s.buf[i]);
	}
	fprintf(out,
		"\nsummary: %d newly failing, %d newly passing, %d newly skipped, %d other verdict "
		"changes, %d changed transcripts\n",
		s.nr[S_FAILING], s.nr[S_PASSING], s.nr[S_SKIPPED], s.nr[S_CHANGED],
		s.nr[S_TRANSCRIPT]);
	return s.nr[S_FAILING];
}
