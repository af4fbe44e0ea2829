// SPDX-License-Identifier: GPL-2.0
/*
 * Regression tests from fuzzing: every input in tests/fuzz/regress/ once
 * crashed a fuzz target (tests/fuzz/), and must now be handled cleanly.
 *
 * A file's name says which target found it, as libFuzzer named the crash:
 * fuzz_case_load-*, fuzz_wire-*, fuzz_expectations-*, fuzz_json_read-*, fuzz_run_opts-*.
 * Each file is replayed through that target's own entry point, with its
 * property checks turned into cmocka assertions, and the YAML ones are also
 * loaded the way the harness loads files, which must refuse them with
 * "FILE:LINE:COL: message"; a results file is loaded as 'report' does.
 * Under 'make check-asan' and 'make check-valgrind' the same run also
 * checks for the memory errors the crash was about.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/case.h"
#include "casefile/expectations.h"

#define REGRESS_DIR "tests/fuzz/regress"

/* The fuzz targets, each entry point renamed; a broken property fails the test. */
#define check(cond) assert_true(cond)

#define LLVMFuzzerTestOneInput fuzz_case_load_one
#include "fuzz/fuzz_case_load.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_wire_one
#include "fuzz/fuzz_wire.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_expectations_one
#include "fuzz/fuzz_expectations.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_json_read_one
#include "fuzz/fuzz_json_read.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_run_opts_one
#include "fuzz/fuzz_run_opts.c"
#undef LLVMFuzzerTestOneInput

struct regress_target {
	const char *prefix;
	int (*replay)(const uint8_t *data, size_t size);
	void (*load)(const char *path); /* the harness's own way in, if any */
};

/* A case file that once crashed the loader is not a case. */
static void load_case(const char *path)
{
	struct iorfd_case *c = malloc(sizeof(*c));
	struct case_error err;
	enum iorfd_rev rev;

	assert_non_null(c);
	for_each_rev(rev) {
		assert_int_equal(case_load(path, rev, c, &err), -1);
		assert_true(!strncmp(err.msg, path, strlen(path)) && err.msg[strlen(path)] == ':');
	}
	free(c);
}

static void load_expectations(const char *path)
{
	struct target_probe probe = {.present = true, .rev_known = true, .rev = IORFD_V3};
	struct expectations x = {0};
	char err[512];

	assert_int_equal(expectations_load(path, NULL, "kernel", &probe, &x, err, sizeof(err)), -1);
	assert_true(!strncmp(err, path, strlen(path)) && err[strlen(path)] == ':');
	expectations_free(&x);
}

/*
 * What crashed the JSON reader may be valid JSON, even a valid results
 * file: loaded as 'report' loads it, it is either read or refused with
 * "PATH:...".
 */
static void load_results(const char *path)
{
	struct rrun run;
	char err[512];

	if (results_load(path, &run, err, sizeof(err)))
		assert_true(!strncmp(err, path, strlen(path)) && err[strlen(path)] == ':');
	results_free(&run);
}

static const struct regress_target targets[] = {
	{"fuzz_case_load-", fuzz_case_load_one, load_case},
	{"fuzz_wire-", fuzz_wire_one, NULL},
	{"fuzz_expectations-", fuzz_expectations_one, load_expectations},
	{"fuzz_json_read-", fuzz_json_read_one, load_results},
	{"fuzz_run_opts-", fuzz_run_opts_one, NULL},
};

static uint8_t *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	/* Exactly the file's size, as libFuzzer hands it over, so ASan sees overreads. */
	buf = malloc(n ? n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	fclose(f);
	*len = n;
	return buf;
}

static void replay_file(const char *name)
{
	char path[512];
	size_t i, len;
	uint8_t *data;

	snprintf(path, sizeof(path), "%s/%s", REGRESS_DIR, name);
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		if (!strncmp(name, targets[i].prefix, strlen(targets[i].prefix)))
			break;
	}
	/* A file no target claims would never be run: name it after its target. */
	if (i == sizeof(targets) / sizeof(targets[0]))
		fail_msg("%s: name does not start with a fuzz target's name", path);

	print_message("  %s\n", path);
	data = read_all(path, &len);
	targets[i].replay(data, len);
	free(data);
	if (targets[i].load)
		targets[i].load(path);
}

static int regress_file(const struct dirent *d)
{
	return d->d_name[0] != '.' && strcmp(d->d_name, "README");
}

static void test_regress_inputs(void **state)
{
	struct dirent **ents;
	int i, n;

	n = scandir(REGRESS_DIR, &ents, regress_file, alphasort);
	if (n < 0)
		fail_msg("%s: cannot list (run from the top of the tree)", REGRESS_DIR);
	for (i = 0; i < n; i++) {
		replay_file(ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
}

static int yaml_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".yaml");
}

static int json_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".json");
}

/*
 * The fuzz targets' seeds: the catalogue's cases, the expectation files
 * and the JSON seeds (tests/fuzz/json-seeds/, the report tests' fixture).
 * They load, so the targets' property checks run on every field of a real
 * case; a check that a real case breaks would make every fuzz run "crash"
 * at its first seed instead of fuzzing.
 */
static int args_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".args");
}

static void replay_dir(const char *dir, int (*pick)(const struct dirent *),
		       int (*replay)(const uint8_t *, size_t))
{
	struct dirent **ents;
	char path[512];
	size_t len;
	int i, n;

	n = scandir(dir, &ents, pick, alphasort);
	if (n < 0)
		fail_msg("%s: cannot list (run from the top of the tree)", dir);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		uint8_t *data;

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		data = read_all(path, &len);
		replay(data, len);
		free(data);
		free(ents[i]);
	}
	free(ents);
}

static void test_seeds(void **state)
{
	replay_dir("cases", yaml_file, fuzz_case_load_one);
	replay_dir("expectations", yaml_file, fuzz_expectations_one);
	replay_dir("tests/fuzz/json-seeds", json_file, fuzz_json_read_one);
	replay_dir("tests/report/data", json_file, fuzz_json_read_one);
	replay_dir("tests/fuzz/opts-seeds", args_file, fuzz_run_opts_one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regress_inputs),
		cmocka_unit_test(test_seeds),
	};

	return cmocka_run_group_tests_name("fuzz_regress", tests, NULL, NULL);
}
