// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for harness/lib/printable.c, the one place that makes text
 * from input files safe to print: what a terminal would act on (ESC, BEL,
 * CR, DEL, C1 controls, broken UTF-8) comes out as "\xNN", and what it
 * only shows (text in any script, newline, tab) comes out unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/printable.h"

static void check(const char *in, const char *want, size_t size)
{
	char buf[256];

	strcpy(buf, in);
	printable_inplace(buf, size);
	assert_string_equal(buf, want);
}

static void test_text_unchanged(void **state)
{
	(void)state;
	check("unknown key 'sise'", "unknown key 'sise'", 256);
	check("line\n\tnext", "line\n\tnext", 256);
	check("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 256);
}

static void test_controls_escaped(void **state)
{
	(void)state;
	/* window title, then clear screen */
	check("k\x1b]0;t\x07\x1b[2J", "k\\x1b]0;t\\x07\\x1b[2J", 256);
	check("a\rb\x7f", "a\\x0db\\x7f", 256);
	/* C1 CSI, U+009B */
	check("x\xc2\x9b"
	      "2J",
	      "x\\xc2\\x9b2J", 256);
}

static void test_bad_utf8_escaped(void **state)
{
	(void)state;
	check("\xff\xfe", "\\xff\\xfe", 256);
	check("\xc3(", "\\xc3(", 256);		       /* a lead byte without its tail */
	check("\xe0\x80\xaf", "\\xe0\\x80\\xaf", 256); /* overlong '/' */
	check("\xed\xa0\x80", "\\xed\\xa0\\x80", 256); /* a surrogate */
}

/* Escaping grows the text: it is cut to fit, never mid-escape. */
static void test_cut_to_fit(void **state)
{
	(void)state;
	check("ab\x1b\x1b", "ab\\x1b", 8);
	check("ab\x1b\x1b", "ab", 6);
	check("\x1b\xc3\xa9", "\\x1b", 6); /* no half of a character */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_unchanged),
		cmocka_unit_test(test_controls_escaped),
		cmocka_unit_test(test_bad_utf8_escaped),
		cmocka_unit_test(test_cut_to_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
