// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for output files written whole or not at all
 * (harness/lib/atomic_file.c): a commit leaves exactly the new file; an
 * abort, a name too long, a full disk (here: a file size limit) or a
 * directory in the way leaves the old file or none, never a truncated one
 * and never a temporary one, and says "PATH: reason (what to do)" with the
 * errno of the write that failed.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/atomic_file.h"

static char dir[64], path[PATH_MAX + 64], err[PATH_MAX + 256];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/iorfd-atomic-file.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

/* The names in the test directory, space-separated and sorted, into @buf. */
static const char *listing(char *buf, size_t len)
{
	struct dirent **ents;
	size_t used = 0;
	int i, n;

	buf[0] = '\0';
	n = scandir(dir, &ents, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, ".."))
			used += snprintf(buf + used, len - used, "%s%s", used ? " " : "",
					 ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return buf;
}

static void write_file(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void expect_content(const char *p, const char *text)
{
	char buf[256] = "";
	FILE *f = fopen(p, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, text);
}

/* "PATH: reason (what to do)": the path the caller gave, then its reason. */
static void expect_error(const char *p, const char *reason)
{
	size_t n = strlen(p);

	assert_int_equal(strncmp(err, p, n), 0);
	assert_int_equal(err[n], ':');
	assert_non_null(strstr(err + n, reason));
	assert_non_null(strchr(err + n, '('));
}

static void test_commit_writes_whole_file(void **state)
{
	struct atomic_file *af;
	char names[256];

	(void)state;
	assert_int_equal(atomic_file_open(path, &af, err, sizeof(err)), 0);
	fputs("new\n", af->f);
	/* Until the commit, PATH does not exist: only the temporary file does. */
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(atomic_file_commit(af, err, sizeof(err)), 0);
	expect_content(path, "new\n");
	assert_string_equal(listing(names, sizeof(names)), "out.txt");
}

static void test_commit_replaces_old_file(void **state)
{
	struct atomic_file *af;
	char names[256];

	(void)state;
	write_file(path, "old\n");
	assert_int_equal(atomic_file_open(path, &af, err, sizeof(err)), 0);
	fputs("new\n", af->f);
	expect_content(path, "old\n");
	assert_int_equal(atomic_file_commit(af, err, sizeof(err)), 0);
	expect_content(path, "new\n");
	assert_string_equal(listing(names, sizeof(names)), "out.txt");
}

static void test_abort_keeps_old_file(void **state)
{
	struct atomic_file *af;
	char names[256];

	(void)state;
	write_file(path, "old\n");
	assert_int_equal(atomic_file_open(path, &af, err, sizeof(err)), 0);
	fputs("half", af->f);
	atomic_file_abort(af);
	expect_content(path, "old\n");
	assert_string_equal(listing(names, sizeof(names)), "out.txt");
	atomic_file_abort(NULL);
}

/* A component over NAME_MAX, on the way or last, and a path over PATH_MAX. */
static void test_name_too_long(void **state)
{
	struct atomic_file *af = (void *)1;
	char names[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/%0300d/out.txt", dir, 0);
	assert_int_equal(atomic_file_open(path, &af, err, sizeof(err)), -1);
	assert_null(af);
	expect_error(path, strerror(ENAMETOOLONG));

	/* The last one too: at the open, not only at the rename after a whole run. */
	snprintf(path, sizeof(path), "%s/%0300d", dir, 0);
	assert_int_equal(atomic_file_open(path, &af, err, sizeof(err)), -1);
	assert_null(af);
	expect_error(path, strerror(ENAMETOOLONG));

	memset(path, 'a', PATH_MAX + 10);
	path[0] = '/';
	path[PATH_MAX + 10] = '\0';
	assert_int_equal(atomic_file_open(path, &af, err, sizeof(err)), -1);
	expect_error(path, strerror(ENAMETOOLONG));
	assert_string_equal(listing(names, sizeof(names)), "");
}

/* A last component that fits, but not with ".tmp.PID" after it, still works. */
static void test_longest_name(void **state)
{
	struct atomic_file *af;
	char names[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/%0*d", dir, NAME_MAX, 0);
	assert_int_equal(atomic_file_open(path, &af, err, sizeof(err)), 0);
	fputs("new\n", af->f);
	assert_int_equal(atomic_file_commit(af, err, sizeof(err)), 0);
	expect_content(path, "new\n");
	assert_string_equal(listing(names, sizeof(names)), path + strlen(dir) + 1);
}

/*
 * A disk that fills half way, made with a file size limit: the error is
 * the write's own (EFBIG), whatever errno says by commit time, and the old
 * file stays as it was.
 */
static void test_full_disk_keeps_old_file(void **state)
{
	struct rlimit old, small = {.rlim_cur = 1024};
	struct atomic_file *af;
	char names[256];
	int i;

	(void)state;
	write_file(path, "old\n");
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small.rlim_max = old.rlim_max;
	assert_int_equal(atomic_file_open(path, &af, err, sizeof(err)), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	/* More than stdio buffers, so a write fails before the commit. */
	for (i = 0; i < 4096; i++)
		fputs("0123456789abcdef", af->f);
	errno = ENOENT;
	i = atomic_file_commit(af, err, sizeof(err));
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(i, -1);
	expect_error(path, strerror(EFBIG));
	assert_non_null(strstr(err, "ulimit -f"));
	expect_content(path, "old\n");
	assert_string_equal(listing(names, sizeof(names)), "out.txt");
}

/* The same when everything fits in the buffer: the failure shows at the flush. */
static void test_full_disk_at_flush(void **state)
{
	struct rlimit old, small = {.rlim_cur = 4};
	struct atomic_file *af;
	char names[256];
	int ret;

	(void)state;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small.rlim_max = old.rlim_max;
	assert_int_equal(atomic_file_open(path, &af, err, sizeof(err)), 0);
	fputs("more than four bytes\n", af->f);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	ret = atomic_file_commit(af, err, sizeof(err));
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(ret, -1);
	expect_error(path, strerror(EFBIG));
	assert_string_equal(listing(names, sizeof(names)), "");
}

/* A directory where the file should go: refused at the rename, nothing left. */
static void test_directory_in_the_way(void **state)
{
	struct atomic_file *af;
	char names[256];

	(void)state;
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(atomic_file_open(path, &af, err, sizeof(err)), 0);
	fputs("new\n", af->f);
	assert_int_equal(atomic_file_commit(af, err, sizeof(err)), -1);
	expect_error(path, strerror(EISDIR));
	assert_string_equal(listing(names, sizeof(names)), "out.txt");
}

static void test_missing_directory(void **state)
{
	struct atomic_file *af;

	(void)state;
	snprintf(path, sizeof(path), "%s/none/out.txt", dir);
	assert_int_equal(atomic_file_open(path, &af, err, sizeof(err)), -1);
	expect_error(path, strerror(ENOENT));
	assert_non_null(strstr(err, "create it first"));
}

/* Root writes anywhere: the test needs an ordinary user. */
static void test_no_permission(void **state)
{
	struct atomic_file *af;

	(void)state;
	if (!geteuid())
		skip();
	assert_int_equal(chmod(dir, 0500), 0);
	assert_int_equal(atomic_file_open(path, &af, err, sizeof(err)), -1);
	chmod(dir, 0700);
	expect_error(path, strerror(EACCES));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_commit_writes_whole_file),
		T(test_commit_replaces_old_file),
		T(test_abort_keeps_old_file),
		T(test_name_too_long),
		T(test_longest_name),
		T(test_full_disk_keeps_old_file),
		T(test_full_disk_at_flush),
		T(test_directory_in_the_way),
		T(test_missing_directory),
		T(test_no_permission),
	};
#undef T

	return cmocka_run_group_tests_name("atomic_file", tests, NULL, NULL);
}
