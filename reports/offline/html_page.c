// SPDX-License-Identifier: GPL-2.0
/*
 * What every page of the HTML report shares: the head with its inline
 * styles, verdict labels, page names, and the marked-up diff line.
 */
#include <string.h>

#include "reports/offline/html.h"
#include "reports/offline/markup.h"
#include "reports/offline/failure.h"

/* Inline, so a page read on its own (mailed, attached) looks the same. */
static const char css[] =
	"body{font:14px/1.45 system-ui,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#1d2330;"
	"background:#fff;margin:0 auto;max-width:1440px;padding:8px 28px 48px}\n"
	"h1{font-size:22px;margin:18px 0 6px}h1 .v{vertical-align:3px;margin-left:8px}\n"
	"h2{font-size:17px;margin:30px 0 10px;padding-bottom:4px;border-bottom:1px solid #dde2ea}\n"
	"a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}\n"
	"nav{font-size:13px;margin-top:10px}p.note{color:#5b6475;margin:4px 0}\n"
	"table{border-collapse:collapse;margin:6px 0}\n"
	"th,td{border:1px solid #dde2ea;padding:3px 8px;text-align:left;vertical-align:top}\n"
	"th{background:#f3f5f9;font-weight:600}\n"
	"table.kv th{width:150px}td.mono{white-space:nowrap}\n"
	"table.matrix td{text-align:center;padding:2px 5px}\n"
	"table.matrix td.name{text-align:left;white-space:nowrap}\n"
	"table.matrix th.run{text-align:center}tr.bad td.name{background:#fdecea}\n"
	"table.matrix td.why{text-align:left;font-size:12px;line-height:1.35;max-width:760px}\n"
	"table.matrix th.why{font-weight:600;font-size:12px;vertical-align:bottom}\n"
	"div.why+div.why{margin-top:2px}div.why.bad .wt{color:#8b1a1a}span.wl{color:#5b6475}\n"
	"span.bug{font:700 11px/16px ui-monospace,'DejaVu Sans Mono',monospace;background:#fff3e0;"
	"color:#8a3b00;border:1px solid #f0c8a0;border-radius:3px;padding:0 4px;margin-right:5px}\n"
	"b.bug{color:#8a3b00}\n"
	"td.none,span.none{color:#a7aebb}\n"
	"table.reqs td.text{max-width:560px}table.reqs td.cases{line-height:1.9}\n"
	"span.case{white-space:nowrap;margin-right:14px}span.case>span.cn{margin-right:3px}\n"
	"tr.uncited td{color:#7a8292}\n"
	"code,pre,.mono{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;"
	"font-size:12.5px}\n"
	"pre{background:#f7f8fa;border:1px solid #e3e6ec;border-radius:3px;padding:8px 10px;"
	"margin:6px 0;white-space:pre-wrap;word-break:break-word}\n"
	".v{display:inline-block;min-width:44px;padding:0 5px;border-radius:3px;color:#fff;"
	"font:700 11px/18px ui-monospace,'DejaVu Sans Mono',monospace;text-align:center}\n"
	"a.v:hover{text-decoration:none;filter:brightness(1.15)}\n"
	".v-pass{background:#2e7d32}.v-fail{background:#c62828}.v-error,.v-timeout,"
	".v-unknown{background:#6a1b9a}.v-skip{background:#8d96a3}.v-xfail{background:#e65100}"
	".v-xpass{background:#0277bd}\n"
	".v.small{min-width:20px;font-size:10px;line-height:16px;padding:0 4px}\n"
	"div.failure{border-left:4px solid #c62828;background:#fffafa;padding:6px 12px;"
	"margin:12px 0}\n"
	"div.failure.expected{border-left-color:#e65100;background:#fffaf5}\n"
	"div.failure h3{font-size:14px;margin:2px 0 6px;font-weight:600}\n"
	"div.diff{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12.5px;"
	"border:1px solid #e3e6ec;border-radius:3px;margin:6px 0}\n"
	"div.diff div{padding:2px 10px;white-space:pre-wrap;word-break:break-word}\n"
	"div.diff .exp{background:#eef7ee}div.diff .obs{background:#fdeeee}\n"
	"mark.d{background:#ffc9c9;color:#8b0000;font-weight:700;border-radius:2px;padding:0 1px}\n"
	"div.diff .exp mark.d{background:#c8ecc8;color:#0b5d0b}\n"
	"div.seq{overflow-x:auto;border:1px solid #e3e6ec;border-radius:3px;background:#fcfcfd;"
	"margin:8px 0}\n"
	"ul.legend{font-size:12.5px;color:#5b6475;margin:4px 0;padding-left:18px}\n"
	"table.tx td{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12px}\n"
	"table.tx tr.hl td{background:#fdecea}table.tx tr.posted td.cmd{color:#6a3d9a}\n"
	"table.tx span.step,table.tx span.ud{color:#7a8292}\n"
	"td.vcpu,td.region{white-space:nowrap}\n";

void html_head(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>",
	      f);
	mu_text(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
}

void html_foot(FILE *f)
{
	fputs("</body>\n</html>\n", f);
}

void html_badge(FILE *f, enum rverdict v)
{
	const char *n = rverdict_name(v);
	int i;

	fprintf(f, "<span class=\"v v-%s\">", n);
	for (i = 0; n[i]; i++)
		fputc(n[i] - 'a' + 'A', f);
	fputs("</span>", f);
}

int html_verdict_rank(enum rverdict v)
{
	switch (v) {
	case RV_PASS:
		return 0;
	case RV_SKIP:
		return 1;
	case RV_XPASS:
		return 2;
	case RV_XFAIL:
		return 3;
	default:
		return 4;
	}
}

/* FNV-1a, 64 bits: short, and enough to tell names apart (html.c checks). */
static unsigned long long name_hash(const char *s)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/*
 * @src as a part of a page's file name, into @dst (@keep + PAGE_HASH_LEN + 1
 * bytes).  Case names and revisions come from the file, so only
 * [A-Za-z0-9_-] reach a path.  A name made only of those, and no longer
 * than @keep, is itself; any other is its first @keep bytes so made safe,
 * '~' and a hash of the whole of it: two names that differ, past @keep or
 * only in bytes made safe, get two pages.  A name that is itself has no
 * '~', so it never meets one that is not.
 */
#define PAGE_HASH_LEN 17 /* "~" and 16 hex digits */
static void page_part(char *dst, const char *src, size_t keep)
{
	bool as_is = true;
	size_t i;

	for (i = 0; src[i] && i < keep; i++) {
		char c = src[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '_';

		dst[i] = ok ? c : '_';
		as_is &= ok;
	}
	if (as_is && !src[i]) {
		dst[i] = '\0';
		return;
	}
	snprintf(dst + i, PAGE_HASH_LEN + 1, "~%016llx", name_hash(src));
}

/* How much of a case name and of a revision a page name shows. */
#define PAGE_NAME_KEEP 79
#define PAGE_REV_KEEP  15

void html_case_file(const struct html_ctx *h, int run, const struct rrecord *r, char *buf,
		    size_t len)
{
	char name[PAGE_NAME_KEEP + PAGE_HASH_LEN + 1], rev[PAGE_REV_KEEP + PAGE_HASH_LEN + 1];

	page_part(name, r->name, PAGE_NAME_KEEP);
	page_part(rev, r->rev, PAGE_REV_KEEP);
	if (h->nr_runs > 1)
		snprintf(buf, len, "c-%s.%s.%d.html", name, rev, run + 1);
	else
		snprintf(buf, len, "c-%s.%s.html", name, rev);
}

void html_case_link(FILE *f, const struct html_ctx *h, int run, const struct rrecord *r,
		    const char *text)
{
	const char *n = rverdict_name(r->verdict);
	char file[HTML_PAGE_NAME_LEN];
	int i;

	html_case_file(h, run, r, file, sizeof(file));
	fprintf(f, "<a class=\"v v-%s%s\" href=\"%s\" title=\"", n, text ? " small" : "", file);
	mu_attr(f, r->name);
	fputc('.', f);
	mu_attr(f, r->rev);
	fprintf(f, ": %s\">", n);
	if (text) {
		mu_text(f, text);
	} else {
		for (i = 0; n[i]; i++)
			fputc(n[i] - 'a' + 'A', f);
	}
	fputs("</a>", f);
}

void html_run_label(const struct html_ctx *h, int run, char *buf, size_t len)
{
	char label[200];

	results_label(&h->runs[run], label, sizeof(label));
	if (h->nr_runs > 1)
		snprintf(buf, len, "run %d: %s", run + 1, label);
	else
		snprintf(buf, len, "%s", label);
}

void html_diff_line(FILE *f, const char *line, size_t len, const char *other, size_t olen,
		    bool expected)
{
	size_t i = 0;

	while (i < len) {
		size_t tok = i, n;

		while (i < len && line[i] != ' ')
			i++;
		n = i - tok;
		if (n && other && failure_token_differs(line + tok, n, other, olen, expected)) {
			fputs("<mark class=\"d\">", f);
			mu_text_n(f, line + tok, n);
			fputs("</mark>", f);
		} else {
			mu_text_n(f, line + tok, n);
		}
		for (; i < len && line[i] == ' '; i++)
			fputc(' ', f);
	}
}
