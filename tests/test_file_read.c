// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the one reader of input files (harness/lib/file_read.c):
 * a FIFO, a pipe, a directory or an oversized file each give a clear
 * "PATH: reason" and never hang, and a pipe's bytes can be read again by
 * path, as a case file is once per revision.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/file_read.h"

static char dir[64], path[128], err[256];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/iorfd-file-read.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/input", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A FIFO nobody writes to: an error at once, where open() alone would wait for ever. */
static void test_fifo_without_writer(void **state)
{
	struct timespec t0;
	size_t len;

	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_null(read_text_file(path, 4096, &len, err, sizeof(err)));
	assert_true(seconds_since(&t0) < 5);
	assert_non_null(strstr(err, "nothing to read"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
}

/* A pipe is read once; the same path then gives the same bytes again. */
static void test_pipe_read_twice(void **state)
{
	static const char text[] = "case: x\n";
	char proc[64], *a, *b;
	size_t la, lb;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], text, strlen(text)), (ssize_t)strlen(text));
	close(p[1]);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", p[0]);
	a = read_text_file(proc, 4096, &la, err, sizeof(err));
	assert_non_null(a);
	b = read_text_file(proc, 4096, &lb, err, sizeof(err));
	assert_non_null(b);
	assert_string_equal(a, text);
	assert_string_equal(b, text);
	assert_int_equal(la, lb);
	free(a);
	free(b);
	close(p[0]);
}

static void test_directory(void **state)
{
	size_t len;

	(void)state;
	assert_null(read_text_file(dir, 4096, &len, err, sizeof(err)));
	assert_non_null(strstr(err, "is a directory"));
}

/* Exactly full is fine; one byte more is "larger than". */
static void test_size_limit(void **state)
{
	FILE *f;
	char *buf;
	size_t len;

	(void)state;
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("0123456789", f);
	fclose(f);
	buf = read_text_file(path, 10, &len, err, sizeof(err));
	assert_non_null(buf);
	assert_int_equal(len, 10);
	free(buf);
	assert_null(read_text_file(path, 9, &len, err, sizeof(err)));
	assert_non_null(strstr(err, "larger than 9 bytes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fifo_without_writer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_read_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_size_limit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
