// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for glob_problem() (harness/lib/glob_check.c): every glob that
 * fnmatch() would quietly read otherwise than written is refused, at the
 * character at fault, and the globs files really use pass.
 */
#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/glob_check.h"

static void test_good_globs(void **state)
{
	static const char *const good[] = {
		"reg-overlap", "reg-each-fd-*", "6.1.*", "6.[0-9]*", "6.1.0-[!r]*",
		"x[]]",	       "x[!]]",		"a\\*b", "?",	     "6.1.0-rc1+",
	};
	size_t i, at;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (glob_problem(good[i], &at))
			fail_msg("'%s' refused: %s", good[i], glob_problem(good[i], &at));
}

static void test_bad_globs(void **state)
{
	static const struct {
		const char *glob;
		size_t at;
	} bad[] = {
		{"", 0},      {"6.1.[0-9", 4}, {"[]", 0},   {"[!]", 0},	 {"a]", 1},
		{"6.1 *", 3}, {"a/b", 1},      {"ab\\", 2}, {"a\tb", 1},
	};
	size_t i, at;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!glob_problem(bad[i].glob, &at))
			fail_msg("'%s' accepted", bad[i].glob);
		assert_int_equal(at, bad[i].at);
	}
	/* What it guards against: fnmatch() takes the unclosed '[' as a literal. */
	assert_int_equal(fnmatch("6.1.[0-9", "6.1.5", 0), FNM_NOMATCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_globs),
		cmocka_unit_test(test_bad_globs),
	};

	return cmocka_run_group_tests_name("glob_check", tests, NULL, NULL);
}
