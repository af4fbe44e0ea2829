// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the JSON reader (reports/offline/json_read.c) and of reading a
 * results file with it (reports/offline/json_read_results.c): the grammar, string
 * decoding, the limits that keep hostile input bounded, and the messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "reports/offline/json_read.h"
#include "reports/offline/json_read_results.h"

static char err[512];

static int parse(const char *s, struct jr_doc *d)
{
	return jr_parse(s, strlen(s), d, err, sizeof(err));
}

/* Parses @s, which must fail with a message starting with @where (LINE:COL). */
static void refuse(const char *s, const char *where)
{
	struct jr_doc d;

	if (!parse(s, &d)) {
		jr_free(&d);
		fail_msg("accepted: %s", s);
	}
	if (strncmp(err, where, strlen(where)))
		fail_msg("input %s: message '%s' does not start with '%s'", s, err, where);
	assert_null(d.blocks);
	jr_free(&d);
}

static void test_values(void **state)
{
	struct jr_doc d;
	const struct jr_value *a;

	assert_int_equal(parse(" {\"a\": [1, -2.5e1, true, false, null, \"x\"], \"b\": {}} ", &d),
			 0);
	assert_int_equal(d.root.type, JR_OBJECT);
	assert_int_equal(d.root.n, 2);
	a = jr_get_arr(&d.root, "a");
	assert_non_null(a);
	assert_int_equal(a->n, 6);
	assert_true(a->items[0].type == JR_NUMBER && a->items[0].num == 1);
	assert_true(a->items[1].num == -25);
	assert_true(a->items[2].type == JR_BOOL && a->items[2].b);
	assert_true(a->items[3].type == JR_BOOL && !a->items[3].b);
	assert_int_equal(a->items[4].type, JR_NULL);
	assert_string_equal(a->items[5].str, "x");
	assert_int_equal(jr_get(&d.root, "b")->type, JR_OBJECT);
	assert_null(jr_get(&d.root, "c"));
	assert_null(jr_get(a, "a")); /* not an object */
	assert_string_equal(jr_get_str(&d.root, "a", "def"), "def");
	assert_true(jr_get_num(&d.root, "b", 7) == 7);
	jr_free(&d);

	assert_int_equal(parse("0", &d), 0);
	assert_true(d.root.type == JR_NUMBER && d.root.num == 0);
	jr_free(&d);
	assert_int_equal(parse("[]", &d), 0);
	assert_true(d.root.type == JR_ARRAY && d.root.n == 0);
	jr_free(&d);
}

static void test_duplicate_keys_first_wins(void **state)
{
	struct jr_doc d;

	assert_int_equal(parse("{\"k\": 1, \"k\": 2}", &d), 0);
	assert_true(jr_get_num(&d.root, "k", 0) == 1);
	jr_free(&d);
}

static void test_string_escapes(void **state)
{
	struct jr_doc d;

	assert_int_equal(parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u20ac\"", &d), 0);
	/* Controls other than newline and tab stay the text of their escape. */
	assert_string_equal(d.root.str, "a\"b\\c/d\\u0008\\u000c\n\\u000d\t\xc3\xa9\xe2\x82\xac");
	jr_free(&d);
	/* A surrogate pair is one code point, U+1F600. */
	assert_int_equal(parse("\"\\ud83d\\ude00\"", &d), 0);
	assert_string_equal(d.root.str, "\xf0\x9f\x98\x80");
	jr_free(&d);
	/* Lone surrogates have no UTF-8 form: U+FFFD each. */
	assert_int_equal(parse("\"\\ud83dx\\ude00\"", &d), 0);
	assert_string_equal(d.root.str, "\xef\xbf\xbdx\xef\xbf\xbd");
	jr_free(&d);
	/* \u0000 is no NUL in the text either. */
	assert_int_equal(parse("\"a\\u0000b\"", &d), 0);
	assert_string_equal(d.root.str, "a\\u0000b");
	jr_free(&d);
}

/*
 * Text from a results file reaches a terminal (report --diff): no escape
 * sequence (ESC, CSI as C1, DEL) may come out of it as the character.
 */
static void test_no_terminal_controls(void **state)
{
	struct jr_doc d;

	(void)state;
	assert_int_equal(parse("\"\\u001b]0;title\\u0007\\u001b[2J\"", &d), 0);
	assert_string_equal(d.root.str, "\\u001b]0;title\\u0007\\u001b[2J");
	jr_free(&d);
	/* The same written raw: DEL and C1 CSI (U+009B as UTF-8). */
	assert_int_equal(parse("\"a\x7f"
			       "b\xc2\x9b"
			       "2J\"",
			       &d),
			 0);
	assert_string_equal(d.root.str, "a\\u007fb\\u009b2J");
	jr_free(&d);
}

static void test_bad_utf8_replaced(void **state)
{
	struct jr_doc d;

	/* Valid multi-byte sequences pass unchanged. */
	assert_int_equal(parse("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", &d), 0);
	assert_string_equal(d.root.str, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	jr_free(&d);
	/* A stray continuation byte, an overlong '/', an encoded surrogate, a cut sequence. */
	assert_int_equal(parse("\"\x80|\xc0\xaf|\xed\xa0\x80|\xe2\x82\"", &d), 0);
	assert_string_equal(d.root.str, "\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
					"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
					"\xef\xbf\xbd\xef\xbf\xbd");
	jr_free(&d);
}

static void test_grammar_errors(void **state)
{
	refuse("", "1:1: input ends");
	refuse("   \n  ", "2:3: input ends");
	refuse("[1,]", "1:4: unexpected ']'");
	refuse("[1 2]", "1:4: expected ',' or ']'");
	refuse("{\"a\" 1}", "1:6: expected ':'");
	refuse("{\"a\": 1,}", "1:9: expected a member name");
	refuse("{1: 2}", "1:2: expected a member name");
	refuse("01", "1:2: more text");
	refuse("-", "1:1: '-' must be followed");
	refuse("1.", "1:3: a digit must follow the decimal point");
	refuse("1e+", "1:4: a digit must follow the exponent");
	refuse("+1", "1:1: unexpected '+'");
	refuse("nul", "1:1: unexpected 'n'");
	refuse("\"abc", "1:1: unterminated string");
	refuse("\"a\tb\"", "1:3: control character 0x09");
	refuse("\"\\x\"", "1:2: unknown escape '\\x'");
	refuse("\"\\u12g4\"", "1:2: \\u needs four hex digits");
	refuse("[1] [2]", "1:5: more text");
	refuse("{\"a\": [1, 2}", "1:12: expected ',' or ']'");
	refuse("{\n  \"a\": 1,\n  \"b\": }", "3:8: unexpected '}'");
	refuse("\x01", "1:1: unexpected byte 0x01");
}

static char *repeat(const char *unit, size_t times, const char *tail)
{
	size_t ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(ul * times + tl + 1);
	size_t i;

	assert_non_null(s);
	for (i = 0; i < times; i++)
		memcpy(s + i * ul, unit, ul);
	memcpy(s + ul * times, tail, tl + 1);
	return s;
}

static void test_depth_limit(void **state)
{
	char *ok = repeat("[", JR_MAX_DEPTH, ""), *deep, *huge;
	struct jr_doc d;
	size_t i;

	/* Exactly JR_MAX_DEPTH levels are fine... */
	ok = realloc(ok, 2 * JR_MAX_DEPTH + 1);
	for (i = 0; i < JR_MAX_DEPTH; i++)
		ok[JR_MAX_DEPTH + i] = ']';
	ok[2 * JR_MAX_DEPTH] = '\0';
	assert_int_equal(parse(ok, &d), 0);
	jr_free(&d);
	free(ok);
	/* ...one more is refused, where it opens. */
	deep = repeat("{\"k\":", JR_MAX_DEPTH, "[]");
	assert_int_not_equal(parse(deep, &d), 0);
	assert_non_null(strstr(err, "nested deeper than"));
	free(deep);
	/* A million brackets cost no stack. */
	huge = repeat("[", 1000000, "");
	assert_int_not_equal(parse(huge, &d), 0);
	assert_string_equal(err, "1:65: nested deeper than 64 levels");
	free(huge);
}

/* "[0,0,...,0]" with @n zeros: n + 1 values, the array included. */
static char *zeros(size_t n)
{
	char *s = repeat(",0", n, "]");

	s[0] = '[';
	return s;
}

static void test_value_limit(void **state)
{
	char *many = zeros(JR_MAX_VALUES - 1);
	struct jr_doc d;

	/* JR_MAX_VALUES - 1 zeros and the array: exactly the limit. */
	assert_int_equal(jr_parse(many, strlen(many), &d, err, sizeof(err)), 0);
	assert_int_equal(d.root.n, JR_MAX_VALUES - 1);
	jr_free(&d);
	free(many);
	many = zeros(JR_MAX_VALUES);
	assert_int_not_equal(jr_parse(many, strlen(many), &d, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "more than 4194304 values"));
	free(many);
}

/*
 * Every prefix of a document, and the document with each byte replaced:
 * parsing either succeeds or fails with a LINE:COL message, and never
 * reads outside the buffer (run under valgrind or ASan to see that).
 */
static void test_prefixes_and_mutations(void **state)
{
	static const char doc[] = "{\"format\": \"x\", \"a\": [1, -0.5e+3, true, null, "
				  "{\"s\": \"\\u00e9\\ud83d\\ude00\\n\"}], \"b\": false}";
	static const char subst[] = "\"\\[]{},:0-e.tfn \x80\xff";
	size_t len = strlen(doc), i, k;
	struct jr_doc d;
	char *copy;

	for (i = 0; i <= len; i++) {
		/* An exact-size heap copy, so reading past the end is an error a checker sees. */
		copy = malloc(i ? i : 1);
		memcpy(copy, doc, i);
		if (jr_parse(copy, i, &d, err, sizeof(err)))
			assert_true(err[0] >= '1' && err[0] <= '9' && strchr(err, ':'));
		jr_free(&d);
		free(copy);
	}
	copy = malloc(len);
	for (i = 0; i < len; i++) {
		for (k = 0; k < sizeof(subst) - 1; k++) {
			memcpy(copy, doc, len);
			copy[i] = subst[k];
			if (jr_parse(copy, len, &d, err, sizeof(err)))
				assert_non_null(strchr(err, ':'));
			jr_free(&d);
		}
	}
	free(copy);
}

static void test_utf8_seq(void **state)
{
	assert_int_equal(jr_utf8_seq((const unsigned char *)"a", 1), 1);
	assert_int_equal(jr_utf8_seq((const unsigned char *)"\xc3\xa9", 2), 2);
	assert_int_equal(jr_utf8_seq((const unsigned char *)"\xc3\xa9", 1), 0);
	assert_int_equal(jr_utf8_seq((const unsigned char *)"\xf4\x8f\xbf\xbf", 4), 4);
	assert_int_equal(jr_utf8_seq((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
	assert_int_equal(jr_utf8_seq((const unsigned char *)"\xe0\x80\xaf", 3), 0);
	assert_int_equal(jr_utf8_seq((const unsigned char *)"\xff", 1), 0);
}

static char tmp_path[64];

static void write_tmp(const char *text)
{
	int fd;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/test_json_read-XXXXXX");
	fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_file_errors(void **state)
{
	struct jr_doc d;

	assert_int_not_equal(jr_parse_file("/nonexistent/r.json", &d, err, sizeof(err)), 0);
	assert_string_equal(err, "/nonexistent/r.json: No such file or directory");
	write_tmp("{\n\"a\": tru}\n");
	assert_int_not_equal(jr_parse_file(tmp_path, &d, err, sizeof(err)), 0);
	assert_non_null(strstr(err, ":2:6: unexpected 't'"));
	assert_int_equal(strncmp(err, tmp_path, strlen(tmp_path)), 0);
	unlink(tmp_path);
}

static const char results_doc[] =
	"{\"format\": \"iorfd-conform-results-1\", \"suite_version\": \"0.1\", \"kernel\": \"6.1\","
	" \"target\": \"kernel\", \"probe\": {\"present\": true, \"revision\": \"v3\", \"how\": "
	"\"h\"},"
	" \"cases_hash\": \"00ff\", \"command_line\": [\"a\", \"b\"], \"results\": ["
	"{\"case\": \"mmio-x\", \"revision\": \"v3\", \"file\": \"cases/x.yaml\", \"line\": 2,"
	" \"verdict\": \"fail\", \"usec\": {\"setup\": 1000, \"run\": 2000, \"check\": 500},"
	" \"requirements\": [\"WIRE-1\", 5], \"failures\": [{\"requirement\": null, \"message\": "
	"\"m\"}],"
	" \"failures_total\": 3, \"transcript\": [{\"seq\": 4, \"channel\": \"dev\", \"bytes\": 32,"
	" \"decoded\": \"cmd=READ\", \"cmd\": 0, \"size\": 4, \"resp\": 1, \"replied\": true,"
	" \"reply\": \"0x5\", \"violations\": [{\"requirement\": \"WIRE-3\", \"message\": "
	"\"v\"}]}],"
	" \"exits\": [{\"seq\": 1e300, \"vcpu\": -1e300, \"space\": \"pio\", \"op\": \"read\"}]},"
	"{\"case\": \"pio-y\", \"revision\": \"v1\", \"group\": \"g\", \"verdict\": \"maybe\","
	" \"duration\": 1.5},"
	"{\"case\": \"mmio-x\", \"revision\": \"v3\", \"verdict\": \"pass\"}]}";

static void test_results_load(void **state)
{
	const struct rrecord *r;
	struct rrun run;

	write_tmp(results_doc);
	assert_int_equal(results_load(tmp_path, &run, err, sizeof(err)), 0);
	unlink(tmp_path);
	assert_string_equal(run.target, "kernel");
	assert_string_equal(run.probe_rev, "v3");
	assert_int_equal(run.argc, 2);
	assert_int_equal(run.nr, 3);
	r = &run.recs[0];
	assert_string_equal(r->group, "mmio"); /* from the name: older files lack "group" */
	assert_int_equal(r->verdict, RV_FAIL);
	assert_true(r->duration > 0.0034 && r->duration < 0.0036);
	assert_int_equal(r->nr_reqs, 2);
	assert_string_equal(r->reqs[1], ""); /* not a string */
	assert_null(r->failures[0].req);
	assert_int_equal(r->failures_total, 3);
	assert_int_equal(r->nr_tx, 1);
	assert_string_equal(r->tx[0].reply, "0x5");
	assert_string_equal(r->tx[0].viol[0].req, "WIRE-3");
	assert_string_equal(r->tx[0].raw, "");	    /* missing: "" not NULL */
	assert_true(r->exits[0].vcpu == INT32_MIN); /* clamped, not undefined */
	r = &run.recs[1];
	assert_string_equal(r->group, "g");
	assert_int_equal(r->verdict, RV_UNKNOWN);
	assert_string_equal(r->verdict_str, "maybe");
	assert_true(rverdict_bad(r->verdict));
	assert_true(r->duration == 1.5);
	/* A case x revision listed twice: the first record is the one found. */
	assert_ptr_equal(results_find(&run, "mmio-x", "v3"), &run.recs[0]);
	assert_null(results_find(&run, "mmio-x", "v1"));
	assert_ptr_equal(results_find(&run, "pio-y", "v1"), &run.recs[1]);
	results_free(&run);
}

/*
 * Where commands came from: as written, null or nonsense as not known, and
 * for a file from before it was written, known only with one vCPU.
 */
static const char sources_doc[] =
	"{\"format\": \"iorfd-conform-results-1\", \"results\": ["
	"{\"case\": \"one\", \"revision\": \"v3\", \"verdict\": \"pass\","
	" \"vcpus\": [{\"done\": true, \"step\": 1}], \"transcript\": [{\"seq\": 0}]},"
	"{\"case\": \"two\", \"revision\": \"v3\", \"verdict\": \"fail\","
	" \"vcpus\": [{\"done\": true}, {\"done\": true}],"
	" \"failures\": [{\"kind\": \"guest-value\", \"vcpu\": 1, \"step\": 2},"
	" {\"kind\": \"guest-value\", \"step\": 2}],"
	" \"transcript\": [{\"seq\": 0}, {\"seq\": 1, \"region\": \"bar\", \"vcpu\": 1,"
	" \"step\": 2}, {\"seq\": 2, \"vcpu\": null, \"step\": null},"
	" {\"seq\": 3, \"vcpu\": -5, \"step\": \"x\"}],"
	" \"exits\": [{\"seq\": 4, \"vcpu\": 1, \"step\": 3}, {\"seq\": 5}]}]}";

static void test_results_sources(void **state)
{
	const struct rrecord *r;
	struct rrun run;

	write_tmp(sources_doc);
	assert_int_equal(results_load(tmp_path, &run, err, sizeof(err)), 0);
	unlink(tmp_path);
	r = &run.recs[0];
	assert_int_equal(r->tx[0].vcpu, 0); /* one vCPU: its */
	assert_null(r->tx[0].region);
	assert_true(r->tx[0].step == -1);
	r = &run.recs[1];
	assert_int_equal(r->tx[0].vcpu, -1); /* two, and the file does not say */
	assert_string_equal(r->tx[1].region, "bar");
	assert_int_equal(r->tx[1].vcpu, 1);
	assert_true(r->tx[1].step == 2);
	assert_int_equal(r->tx[2].vcpu, -1);
	assert_true(r->tx[2].step == -1);
	assert_int_equal(r->tx[3].vcpu, -1);
	assert_true(r->tx[3].step == -1);
	assert_true(r->exits[0].step == 3 && r->exits[1].step == -1);
	assert_int_equal(r->failures[0].kind, RF_GUEST_VALUE);
	assert_int_equal(r->failures[0].vcpu, 1);
	assert_true(r->failures[0].step == 2);
	assert_int_equal(r->failures[1].vcpu, -1); /* a step of no vCPU is none */
	assert_true(r->failures[1].step == -1);
	results_free(&run);
}

static void test_results_refused(void **state)
{
	struct rrun run;

	write_tmp("{\"format\": \"other-1\", \"results\": []}");
	assert_int_not_equal(results_load(tmp_path, &run, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "format is \"other-1\""));
	assert_int_equal(strncmp(err, tmp_path, strlen(tmp_path)), 0);
	results_free(&run);
	unlink(tmp_path);

	write_tmp("{\"format\": \"iorfd-conform-results-1\", \"results\": [{\"case\": \"a\"}]}");
	assert_int_not_equal(results_load(tmp_path, &run, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "results[0] lacks a \"case\", \"revision\" or \"verdict\""));
	results_free(&run);
	unlink(tmp_path);

	write_tmp("[]");
	assert_int_not_equal(results_load(tmp_path, &run, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "top level is no object"));
	results_free(&run);
	unlink(tmp_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_duplicate_keys_first_wins),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_no_terminal_controls),
		cmocka_unit_test(test_bad_utf8_replaced),
		cmocka_unit_test(test_grammar_errors),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_value_limit),
		cmocka_unit_test(test_prefixes_and_mutations),
		cmocka_unit_test(test_utf8_seq),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_results_load),
		cmocka_unit_test(test_results_sources),
		cmocka_unit_test(test_results_refused),
	};

	return cmocka_run_group_tests_name("json_read", tests, NULL, NULL);
}
