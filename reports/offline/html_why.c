// SPDX-License-Identifier: GPL-2.0
/*
 * The "why" cell of a row of the verdict matrix: for each result of the
 * case that did not pass, in a line, the bugs the case is about (its
 * BUG-* requirements) and the reason: the expectation's for a known
 * failure, the first failure's headline otherwise.  A reader of the index
 * sees why without opening the page; the page has the rest.
 */
#include <stdlib.h>
#include <string.h>

#include "reports/offline/html.h"
#include "reports/offline/markup.h"

#define BUG_PREFIX "BUG-"
/* Characters of a reason shown in the cell; the whole of it is the tooltip. */
#define WHY_MAX 150

static bool explained(const struct rrecord *r)
{
	return rverdict_bad(r->verdict) || r->verdict == RV_XFAIL || r->verdict == RV_XPASS;
}

/* The reason, in one line: the expectation's, or the first failure's headline. */
static const char *reason_of(const struct rrecord *r, size_t *len)
{
	const char *s = r->reason;

	if ((!s[0] || rverdict_bad(r->verdict)) && r->nr_failures)
		s = r->failures[0].headline;
	*len = strcspn(s, "\n");
	return s;
}

/* Whether @text begins with bug @id ("B10" of "B10: contexts are..."). */
static bool begins_with_id(const char *text, const char *id)
{
	size_t n = strlen(id);
	char next;

	if (strncmp(text, id, n))
		return false;
	next = text[n]; /* within @text: its first n bytes are @id's */
	return !((next >= 'A' && next <= 'Z') || (next >= 'a' && next <= 'z') ||
		 (next >= '0' && next <= '9'));
}

/* The bug the case cites that @text begins with, as @text spells it: its length, or 0. */
static size_t leading_bug(const struct rrecord *r, const char *text)
{
	size_t plen = strlen(BUG_PREFIX);
	int i;

	for (i = 0; i < r->nr_reqs; i++)
		if (!strncmp(r->reqs[i], BUG_PREFIX, plen) && r->reqs[i][plen] &&
		    begins_with_id(text, r->reqs[i] + plen))
			return strlen(r->reqs[i] + plen);
	return 0;
}

/* The bugs the case cites, but the one @text begins with: it is marked there. */
static void bugs(FILE *f, const struct rrecord *r, const char *text)
{
	size_t plen = strlen(BUG_PREFIX);
	int i;

	for (i = 0; i < r->nr_reqs; i++) {
		const char *id = r->reqs[i] + plen;

		if (strncmp(r->reqs[i], BUG_PREFIX, plen) || !id[0] || begins_with_id(text, id))
			continue;
		fputs("<span class=\"bug\" title=\"the case cites ", f);
		mu_attr(f, r->reqs[i]);
		fputs("\">", f);
		mu_text(f, id);
		fputs("</span>", f);
	}
}

/* Two results of a row that say the same are shown once, with both labels. */
static bool same(const struct rrecord *a, const struct rrecord *b)
{
	size_t la, lb;
	const char *ta = reason_of(a, &la), *tb = reason_of(b, &lb);
	int i;

	if (la != lb || memcmp(ta, tb, la) || a->nr_reqs != b->nr_reqs ||
	    rverdict_bad(a->verdict) != rverdict_bad(b->verdict))
		return false;
	for (i = 0; i < a->nr_reqs; i++)
		if (strcmp(a->reqs[i], b->reqs[i]))
			return false;
	return true;
}

static void line(FILE *f, const struct rrecord *r, const char *labels, int more)
{
	size_t len, shown, lead;
	const char *text = reason_of(r, &len);
	char *one = strndup(text, len);

	if (!one)
		return;
	fprintf(f, "<div class=\"why%s\">", rverdict_bad(r->verdict) ? " bad" : "");
	if (labels[0]) {
		fputs("<span class=\"wl\">", f);
		mu_text(f, labels);
		fputs(":</span> ", f);
	}
	bugs(f, r, one);
	shown = mu_prefix(one, WHY_MAX);
	lead = leading_bug(r, one);
	if (lead > shown)
		lead = 0; /* an ID longer than what is shown stays unmarked */
	fputs("<span class=\"wt\" title=\"", f);
	mu_attr(f, text);
	fputs("\">", f);
	if (lead) {
		fputs("<b class=\"bug\">", f);
		mu_text_n(f, one, lead);
		fputs("</b>", f);
	}
	mu_text_n(f, one + lead, shown - lead);
	if (one[shown])
		fputs("\u2026", f);
	fputs("</span>", f);
	if (more > 0)
		fprintf(f, " <span class=\"wl\">(+%d more)</span>", more);
	fputs("</div>", f);
	free(one);
}

void html_why_cell(FILE *f, const struct rrecord *const *recs, const char *const *labels, int n)
{
	char joined[256];
	int i, k;

	fputs("<td class=\"why\">", f);
	for (i = 0; i < n; i = k) {
		const struct rrecord *r = recs[i];

		k = i + 1;
		if (!r || !explained(r))
			continue;
		snprintf(joined, sizeof(joined), "%s", labels[i]);
		for (; k < n && recs[k] && explained(recs[k]) && same(r, recs[k]); k++)
			snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), ", %s",
				 labels[k]);
		line(f, r, joined,
		     rverdict_bad(r->verdict) ? r->failures_total - (r->nr_failures > 0) : 0);
	}
	fputs("</td>", f);
}
