// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary bytes as a results file, through the JSON
 * reader (reports/offline/json_read.c), the results reader on top of it
 * (json_read_results.c) and the reports made from what they read.
 *
 * Results files come from CI artifacts, other machines and hand edits, and
 * 'report' is the first code to see them, so any input must become either
 * a document the reports can trust or a "PATH:LINE:COL: message".  ASan
 * and UBSan catch the memory errors; the checks below catch a reader that
 * says yes to something broken, or no without saying where:
 *
 *  - an error is "LINE:COL: message" (jr_parse) or "PATH:..." (from a
 *    file), inside the line range of the input, NUL-terminated even in a
 *    buffer too short for it, and the document is left empty;
 *  - the reader's UTF-8 test agrees with a second, independent one (the
 *    Unicode standard's table of well-formed sequences) on every input;
 *  - a document is a tree of at most JR_MAX_DEPTH containers whose value
 *    count is doc->nr_values, whose strings are valid UTF-8 by that table
 *    and NUL-terminated at their length, and whose jr_get() finds each
 *    key's first member;
 *  - writing a document back as JSON and reading that gives the same tree;
 *  - reading the bytes from a file gives what reading them from memory does;
 *  - a results file that loads has every string set, finds each record by
 *    its key, orders each transcript by seq, and a verdict diff of it
 *    against itself finds nothing newly failing; its JUnit and HTML pages
 *    are written (to /dev/null).
 *
 * A broken check is a trap, which libFuzzer saves as a crash.  Every name
 * here starts with fj_: tests/test_fuzz_regress.c includes all the targets
 * in one file.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "reports/offline/diff.h"
#include "reports/offline/html.h"
#include "reports/offline/json_read.h"
#include "reports/offline/json_read_results.h"
#include "reports/offline/junit.h"

#include "fuzz_check.h"

static int fj_fd = -1;
static char fj_path[64];
static FILE *fj_null;

/*
 * The length of the well-formed UTF-8 sequence at @p, or 0: a second,
 * independent reading, from the Unicode standard's table of well-formed
 * byte sequences (3-7) rather than from decoded values as jr_utf8_seq().
 */
static int fj_utf8_seq(const unsigned char *p, size_t avail)
{
	static const struct {
		unsigned char lead_lo, lead_hi, second_lo, second_hi;
		int len;
	} table[] = {
		{0x00, 0x7f, 0, 0, 1},	     {0xc2, 0xdf, 0x80, 0xbf, 2},
		{0xe0, 0xe0, 0xa0, 0xbf, 3}, {0xe1, 0xec, 0x80, 0xbf, 3},
		{0xed, 0xed, 0x80, 0x9f, 3}, {0xee, 0xef, 0x80, 0xbf, 3},
		{0xf0, 0xf0, 0x90, 0xbf, 4}, {0xf1, 0xf3, 0x80, 0xbf, 4},
		{0xf4, 0xf4, 0x80, 0x8f, 4},
	};
	size_t t;
	int i;

	for (t = 0; t < sizeof(table) / sizeof(table[0]); t++) {
		if (p[0] < table[t].lead_lo || p[0] > table[t].lead_hi)
			continue;
		if (avail < (size_t)table[t].len)
			return 0;
		if (table[t].len > 1 && (p[1] < table[t].second_lo || p[1] > table[t].second_hi))
			return 0;
		for (i = 2; i < table[t].len; i++)
			if (p[i] < 0x80 || p[i] > 0xbf)
				return 0;
		return table[t].len;
	}
	return 0;
}

static void fj_check_utf8(const char *s, size_t n)
{
	size_t i = 0;
	int k;

	while (i < n) {
		k = fj_utf8_seq((const unsigned char *)s + i, n - i);
		check(k >= 1);
		i += (size_t)k;
	}
}

/* Walks @v: the number of values in it, checking each. */
static unsigned int fj_check_value(const struct jr_value *v, int depth)
{
	unsigned int i, j, count = 1;

	switch (v->type) {
	case JR_NULL:
	case JR_BOOL:
		break;
	case JR_NUMBER:
		check(!isnan(v->num));
		break;
	case JR_STRING:
		check(v->str && v->str[v->n] == '\0');
		fj_check_utf8(v->str, v->n);
		break;
	case JR_ARRAY:
		check(depth < JR_MAX_DEPTH);
		check(!v->n == !v->items);
		for (i = 0; i < v->n; i++)
			count += fj_check_value(&v->items[i], depth + 1);
		break;
	case JR_OBJECT:
		check(depth < JR_MAX_DEPTH);
		check(!v->n == !v->members);
		for (i = 0; i < v->n; i++) {
			const char *key = v->members[i].key;

			check(key);
			fj_check_utf8(key, strlen(key));
			for (j = 0; strcmp(v->members[j].key, key); j++)
				;
			/* Duplicate keys: the first one wins. */
			check(jr_get(v, key) == &v->members[j].val);
			count += fj_check_value(&v->members[i].val, depth + 1);
		}
		break;
	default:
		check(0);
	}
	return count;
}

static void fj_put_string(FILE *f, const char *s, size_t n)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* @v as JSON; a number that overflowed to infinity as one that overflows again. */
static void fj_put_value(FILE *f, const struct jr_value *v)
{
	unsigned int i;

	switch (v->type) {
	case JR_NULL:
		fputs("null", f);
		break;
	case JR_BOOL:
		fputs(v->b ? "true" : "false", f);
		break;
	case JR_NUMBER:
		if (isinf(v->num))
			fputs(v->num > 0 ? "1e999" : "-1e999", f);
		else
			fprintf(f, "%.17g", v->num);
		break;
	case JR_STRING:
		fj_put_string(f, v->str, v->n);
		break;
	case JR_ARRAY:
		fputc('[', f);
		for (i = 0; i < v->n; i++) {
			if (i)
				fputc(',', f);
			fj_put_value(f, &v->items[i]);
		}
		fputc(']', f);
		break;
	case JR_OBJECT:
		fputc('{', f);
		for (i = 0; i < v->n; i++) {
			if (i)
				fputc(',', f);
			fj_put_string(f, v->members[i].key, strlen(v->members[i].key));
			fputc(':', f);
			fj_put_value(f, &v->members[i].val);
		}
		fputc('}', f);
		break;
	}
}

static bool fj_same(const struct jr_value *a, const struct jr_value *b)
{
	unsigned int i;

	if (a->type != b->type)
		return false;
	switch (a->type) {
	case JR_NULL:
		return true;
	case JR_BOOL:
		return a->b == b->b;
	case JR_NUMBER:
		return !memcmp(&a->num, &b->num, sizeof(a->num));
	case JR_STRING:
		return a->n == b->n && !memcmp(a->str, b->str, a->n);
	case JR_ARRAY:
		if (a->n != b->n)
			return false;
		for (i = 0; i < a->n; i++)
			if (!fj_same(&a->items[i], &b->items[i]))
				return false;
		return true;
	case JR_OBJECT:
		if (a->n != b->n)
			return false;
		for (i = 0; i < a->n; i++)
			if (strcmp(a->members[i].key, b->members[i].key) ||
			    !fj_same(&a->members[i].val, &b->members[i].val))
				return false;
		return true;
	}
	return false;
}

static void fj_roundtrip(const struct jr_doc *doc)
{
	struct jr_doc again;
	char err[256], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		__builtin_trap();
	fj_put_value(f, &doc->root);
	if (fclose(f))
		__builtin_trap();
	check(!jr_parse(text, len, &again, err, sizeof(err)));
	check(fj_same(&doc->root, &again.root));
	check(again.nr_values == doc->nr_values);
	jr_free(&again);
	free(text);
}

/* "LINE:COL: " with both from 1, LINE at most the input's last line. */
static void fj_check_place(const char *err, const uint8_t *data, size_t size)
{
	unsigned long line = 0, col = 0, lines = 1;
	const char *p = err;
	size_t i;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	while (*p >= '0' && *p <= '9')
		line = line * 10 + (unsigned long)(*p++ - '0');
	check(*p++ == ':');
	while (*p >= '0' && *p <= '9')
		col = col * 10 + (unsigned long)(*p++ - '0');
	check(*p++ == ':' && *p == ' ');
	check(line >= 1 && line <= lines && col >= 1);
}

static void fj_parse(const uint8_t *data, size_t size, bool *ok)
{
	char err[512], small[16];
	struct jr_doc doc;

	memset(err, 0x5a, sizeof(err));
	*ok = !jr_parse((const char *)data, size, &doc, err, sizeof(err));
	if (!*ok) {
		check(memchr(err, '\0', sizeof(err)));
		fj_check_place(err, data, size);
		check(!doc.blocks && doc.root.type == JR_NULL);
		/* A short buffer gets a cut message, and nothing past its end. */
		memset(small, 0x5a, sizeof(small));
		check(jr_parse((const char *)data, size, &doc, small, 8));
		check(memchr(small, '\0', 8) && small[8] == 0x5a);
		return;
	}
	check(fj_check_value(&doc.root, 0) == doc.nr_values);
	check(doc.nr_values <= JR_MAX_VALUES);
	fj_roundtrip(&doc);
	jr_free(&doc);
	check(!doc.blocks);
}

/* What a loaded results file promises the reports. */
static void fj_check_run(const struct rrun *run)
{
	const struct rrecord *prev = NULL;
	int i, j, n, *order;

	check(run->nr >= 0 && run->argc >= 0);
	check(run->suite_version && run->kernel && run->target && run->probe_rev &&
	      run->probe_how && run->cases_hash);
	for (i = 0; i < run->nr; i++) {
		const struct rrecord *r = &run->recs[i], *found;

		check(r->name && r->name[0] && r->rev && r->file && r->group && r->summary &&
		      r->reason && r->seed && r->verdict_str);
		check(r->verdict >= RV_PASS && r->verdict <= RV_UNKNOWN);
		check(isfinite(r->duration) && r->duration >= 0);
		check(r->nr_failures >= 0 && r->failures_total >= r->nr_failures);
		for (j = 0; j < r->nr_failures; j++)
			check(r->failures[j].msg && r->failures[j].headline &&
			      r->failures[j].kind_name);
		/* The first record of its case x revision, in file order. */
		found = results_find(run, r->name, r->rev);
		check(found && found <= r && !strcmp(found->name, r->name) &&
		      !strcmp(found->rev, r->rev));
		order = rrecord_tx_order(r, NULL, &n);
		check(order && n == r->nr_tx);
		for (j = 1; j < n; j++)
			check(r->tx[order[j - 1]].seq <= r->tx[order[j]].seq);
		free(order);
	}
	for (i = 0; i < run->nr; i++) {
		const struct rrecord *r = run->by_key[i];

		if (prev)
			check(strcmp(prev->name, r->name) < 0 ||
			      (!strcmp(prev->name, r->name) && strcmp(prev->rev, r->rev) <= 0));
		prev = r;
	}
}

/* The reports made from it, written where nobody reads them. */
static void fj_reports(const struct rrun *run)
{
	struct html_ctx h = {.runs = run, .nr_runs = 1, .dir = "."};
	int i;

	if (!fj_null) {
		fj_null = fopen("/dev/null", "w");
		if (!fj_null)
			__builtin_trap();
	}
	check(diff_runs(fj_null, run, run) == 0);
	junit_write(fj_null, run);
	html_index(fj_null, &h);
	for (i = 0; i < run->nr; i++)
		if (results_find(run, run->recs[i].name, run->recs[i].rev) == &run->recs[i])
			html_case_page(fj_null, &h, 0, &run->recs[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i, plen;
	char err[512];
	struct jr_doc doc;
	struct rrun run;
	bool ok;

	if (fj_fd < 0) {
		fj_fd = memfd_create("fuzz-json-read", 0);
		if (fj_fd < 0)
			__builtin_trap();
		snprintf(fj_path, sizeof(fj_path), "/proc/self/fd/%d", fj_fd);
	}
	if (ftruncate(fj_fd, 0) || pwrite(fj_fd, data, size, 0) != (ssize_t)size)
		__builtin_trap();

	/* The reader's UTF-8 test agrees with the table's at every byte of the input. */
	for (i = 0; i < size; i++)
		check(jr_utf8_seq(data + i, size - i) == fj_utf8_seq(data + i, size - i));
	plen = strlen(fj_path);

	fj_parse(data, size, &ok);

	/* From a file: the same answer, its messages naming the file. */
	memset(err, 0x5a, sizeof(err));
	if (jr_parse_file(fj_path, &doc, err, sizeof(err))) {
		check(!ok);
		check(memchr(err, '\0', sizeof(err)));
		check(!strncmp(err, fj_path, plen) && err[plen] == ':');
	} else {
		check(ok);
		jr_free(&doc);
	}

	memset(err, 0x5a, sizeof(err));
	if (results_load(fj_path, &run, err, sizeof(err))) {
		check(memchr(err, '\0', sizeof(err)));
		check(!strncmp(err, fj_path, plen) && err[plen] == ':');
	} else {
		check(ok);
		fj_check_run(&run);
		fj_reports(&run);
	}
	results_free(&run);
	return 0;
}
