// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for where the suite's own files are found
 * (harness/lib/data_path.c): an input is taken here when it is here, else
 * beside the binary (a kselftest install), else named as it was asked for;
 * the VM scripts are also found in the source tree of a binary that is not
 * in it, as this test's is (build/tests).
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/data_path.h"

static char self_dir[PATH_MAX], beside[PATH_MAX + 32], cwd[PATH_MAX];

static int setup(void **state)
{
	ssize_t n = readlink("/proc/self/exe", self_dir, sizeof(self_dir) - 1);
	FILE *f;
	int fd;

	(void)state;
	if (n <= 0 || !getcwd(cwd, sizeof(cwd)))
		return -1;
	self_dir[n] = '\0';
	*strrchr(self_dir, '/') = '\0';
	snprintf(beside, sizeof(beside), "%s/data-path.XXXXXX", self_dir);
	fd = mkstemp(beside);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	return f && !fclose(f) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	unlink(beside);
	return chdir(cwd);
}

static void test_here_first(void **state)
{
	char buf[PATH_MAX];

	assert_int_equal(chdir(self_dir), 0);
	/* Here, and beside the binary too: the working directory's, as given. */
	assert_string_equal(data_find(strrchr(beside, '/') + 1, buf, sizeof(buf)),
			    strrchr(beside, '/') + 1);
	assert_string_equal(data_find("/nonexistent/x", buf, sizeof(buf)), "/nonexistent/x");
	assert_int_equal(chdir(cwd), 0);
}

static void test_beside_the_binary(void **state)
{
	char buf[PATH_MAX];

	assert_int_equal(chdir("/"), 0);
	assert_string_equal(data_find(strrchr(beside, '/') + 1, buf, sizeof(buf)), beside);
	assert_int_equal(data_beside(strrchr(beside, '/') + 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, beside);
	/* Nowhere: named as asked, so that the error says what was missing. */
	assert_string_equal(data_find("no-such-dir/", buf, sizeof(buf)), "no-such-dir/");
	assert_int_equal(data_beside("no-such-dir/", buf, sizeof(buf)), -1);
	assert_int_equal(chdir(cwd), 0);
}

static void test_source_tree(void **state)
{
	char buf[PATH_MAX], want[PATH_MAX + 32];

	/* build/tests has no harness/ beside it: the source tree has. */
	assert_int_equal(data_beside("harness/vm/vm-run.sh", buf, sizeof(buf)), -1);
	assert_int_equal(data_path("harness/vm/vm-run.sh", buf, sizeof(buf)), 0);
	snprintf(want, sizeof(want), "%s/harness/vm/vm-run.sh", IORFD_SRCDIR);
	assert_string_equal(buf, want);
	assert_int_equal(data_path("harness/vm/no-such-script", buf, sizeof(buf)), -1);
	/* A path that does not fit is not found, not cut short. */
	assert_int_equal(data_path("harness/vm/vm-run.sh", buf, 8), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_here_first),
		cmocka_unit_test(test_beside_the_binary),
		cmocka_unit_test(test_source_tree),
	};

	return cmocka_run_group_tests_name("data_path", tests, setup, teardown);
}
