// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for expectations (harness/casefile/expectations.c): a known
 * failure lists what it consists of ('fails'), and a result is explained by
 * it only when each of its failures is one of them, so a known bug never
 * hides a new one in the same case.  Files are checked whole, whether their
 * 'when' matches the run or not: against the targets, the run's cases and
 * the requirement registry too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "casefile/case_list.h"
#include "casefile/expectations.h"
#include "casefile/registry.h"
#include "model/result.h"

static char path[] = "/tmp/test_expectations.XXXXXX";
static const struct target_probe v3 = {.present = true, .rev_known = true, .rev = IORFD_V3};

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

#define HEAD "when: {target: kernel, revision: v3}\nknown_failures:\n"

static const char known[] = HEAD "  - case: reg-overlap-last-byte\n"
				 "    reason: B1\n"
				 "    fails:\n"
				 "      - {kind: errno, line: [14, 16]}\n"
				 "      - {kind: kernel-log}\n"
				 "      - {kind: cmd-violation, requirement: FIELD-1}\n";

static void add(struct case_result *r, enum fail_kind kind, const char *file, int line,
		const char *req)
{
	struct src_loc at = {.file = file, .line = line, .col = 9};

	result_fail_at(r, VERDICT_FAIL,
		       &(struct fail_spec){.kind = kind, .at = file ? &at : NULL, .req = req},
		       "a failure");
}

static const struct expectation *load_known(struct expectations *x)
{
	char err[512] = "";

	write_file(known);
	if (expectations_load(path, NULL, "kernel", &v3, x, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(x->nr, 1);
	return expectations_find(x, "reg-overlap-last-byte", IORFD_V3);
}

static void test_explained(void **state)
{
	static struct case_result r;
	struct expectations x = {0};
	const struct expectation *e = load_known(&x);

	assert_non_null(e);
	assert_int_equal(e->nr_fails, 3);
	memset(&r, 0, sizeof(r));
	add(&r, FAIL_ERRNO, "cases/x.yaml", 16, NULL);
	add(&r, FAIL_KERNEL_LOG, "cases/x.yaml", 2, NULL);
	add(&r, FAIL_CMD_VIOLATION, NULL, 0, "FIELD-1");
	/* Each is one of the known ones; not all of them have to show. */
	assert_null(expectation_unexplained(e, &r));
	r.nr_failures = 1;
	assert_null(expectation_unexplained(e, &r));
	expectations_free(&x);
}

static void test_new_failure_beside_a_known_one(void **state)
{
	static struct case_result r;
	struct expectations x = {0};
	const struct expectation *e = load_known(&x);

	memset(&r, 0, sizeof(r));
	add(&r, FAIL_ERRNO, "cases/x.yaml", 14, NULL);
	/* The same kind at another line of the case is another check failing. */
	add(&r, FAIL_ERRNO, "cases/x.yaml", 20, NULL);
	assert_ptr_equal(expectation_unexplained(e, &r), &r.failures[1]);

	memset(&r, 0, sizeof(r));
	add(&r, FAIL_ERRNO, "cases/x.yaml", 14, NULL);
	add(&r, FAIL_GUEST_VALUE, "cases/x.yaml", 14, NULL);
	assert_ptr_equal(expectation_unexplained(e, &r), &r.failures[1]);

	/* A violation of another requirement is not the known one. */
	memset(&r, 0, sizeof(r));
	add(&r, FAIL_CMD_VIOLATION, NULL, 0, "WIRE-5");
	assert_ptr_equal(expectation_unexplained(e, &r), &r.failures[0]);

	/* More failures than the result kept: nothing can vouch for the rest. */
	memset(&r, 0, sizeof(r));
	add(&r, FAIL_ERRNO, "cases/x.yaml", 14, NULL);
	r.nr_failures = RESULT_MAX_FAILURES + 1;
	assert_non_null(expectation_unexplained(e, &r));
	expectations_free(&x);
}

/* One entry may stand for every combination of a matrix case, and no other case. */
static void test_glob_names_a_family(void **state)
{
	char err[512] = "";
	struct expectations x = {0};

	write_file(HEAD "  - case: reg-each-fd-*\n"
			"    revisions: [v3]\n"
			"    reason: B23\n"
			"    fails:\n"
			"      - {kind: errno, line: 23}\n");
	if (expectations_load(path, NULL, "kernel", &v3, &x, err, sizeof(err)))
		fail_msg("%s", err);
	assert_non_null(expectations_find(&x, "reg-each-fd-read_fd-pipes", IORFD_V3));
	assert_non_null(expectations_find(&x, "reg-each-fd-write_fd-stream", IORFD_V3));
	assert_null(expectations_find(&x, "reg-each-fd-read_fd-pipes", IORFD_V1));
	assert_null(expectations_find(&x, "reg-each-fd", IORFD_V3));
	assert_null(expectations_find(&x, "reg-bad-fds", IORFD_V3));
	expectations_free(&x);
}

/* Each mistake in a file, with the file's 'when' not matching this run. */
static void test_errors_in_files_that_do_not_apply(void **state)
{
	static const struct {
		const char *text, *msg;
	} t[] = {
		{"when: {target: reference}\nknown_failures:\n  - {case: a, reason: r}\n",
		 "3:5: missing key 'fails': the failures the case shows (kind, line), so that a new "
		 "one beside them is not taken for the known bug"},
		{"when: {target: reference}\nknown_failures:\n"
		 "  - {case: a, reason: r, fails: [{kind: errorno}]}\n",
		 "3:41: unknown failure kind 'errorno' (expected other, cmd-differs, cmd-missing, "
		 "cmd-unexpected, cmd-violation, exit-differs, exit-missing, exit-unexpected, order, "
		 "overlap, guest-value, errno, wait, vcpu, kernel-log, flaky, timeout, harness, interrupted)"},
		{"when: {target: reference}\nknown_failures:\n"
		 "  - {case: a, reason: r, fails: [{kind: errno, line: 0}]}\n",
		 "3:54: '0' is not a line number"},
		{"when: {target: reference}\nknown_failures:\n"
		 "  - {case: a, reason: r, fails: [{kind: errno, requirement: reg4}]}\n",
		 "3:61: 'reg4' is not a requirement ID"},
		{"when: {target: reference}\nknown_failures:\n"
		 "  - {case: a, reason: r, fails: []}\n",
		 "3:33: a known failure lists 1 to 16 failures"},
		{"when: {target: reference}\nknown_failures:\n  - {case: a, resaon: r}\n",
		 "3:15: unknown key 'resaon'"},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct expectations x = {0};
		char err[512], want[600];

		write_file(t[i].text);
		assert_int_equal(expectations_load(path, NULL, "kernel", &v3, &x, err, sizeof(err)),
				 -1);
		snprintf(want, sizeof(want), "%s:%s", path, t[i].msg);
		assert_string_equal(err, want);
		expectations_free(&x);
	}
}

static const char *const targets[] = {"reference", "kernel", NULL};

/*
 * Each mistake only the run can see, in a file for another target and
 * another kernel: a target that does not exist, a glob that matches
 * nothing by construction, a case or requirement that is not there.
 */
static void test_checked_against_the_run(void **state)
{
	static char names[][CASE_NAME_MAX] = {"reg-overlap", "reg-each-fd-read_fd-pipes",
					      "life-context-refcount"};
	static const struct case_names cases = {.name = names, .nr = 3, .from = "cases/"};
	static const struct {
		const char *text, *msg;
	} t[] = {
		{"when: {target: kernle}\nknown_failures: []\n",
		 "1:16: unknown target 'kernle' (targets: reference, kernel)"},
		{"when: {target: kernel, kernel: \"6.1.[0-9\"}\nknown_failures: []\n",
		 "1:32: kernel '6.1.[0-9' is not a well-formed glob: '[' is never closed by ']'"},
		{"when: {target: kernel, kernel: \"6.1 *\"}\nknown_failures: []\n",
		 "1:32: kernel '6.1 *' is not a well-formed glob: a space or control character is "
		 "in no name"},
		{"when: {target: reference}\nknown_failures:\n"
		 "  - {case: reg-overlpa, reason: r, fails: [{kind: errno}]}\n",
		 "3:12: no case matches 'reg-overlpa' (cases: cases/)"},
		{"when: {target: reference}\nknown_failures:\n"
		 "  - {case: \"reg-each-fd-[rw\", reason: r, fails: [{kind: errno}]}\n",
		 "3:12: case 'reg-each-fd-[rw' is not a well-formed glob: '[' is never closed by ']'"},
		{"when: {target: reference}\nknown_failures:\n"
		 "  - {case: reg-overlap, reason: r, fails: [{kind: errno, requirement: REG-99}]}\n",
		 "3:71: unknown requirement 'REG-99' (not in docs/requirements.yaml)"},
		{"when: {target: reference}\nknown_failures: []\nknown_kernel_log:\n"
		 "  - {pattern: x, reason: r, shown_by: life-context-refcuont}\n",
		 "4:39: no case is named 'life-context-refcuont' (cases: cases/)"},
	};
	struct registry reg;
	struct expect_check chk = {.targets = targets, .cases = &cases, .reg = &reg};
	char err[512], want[600];
	size_t i;

	if (registry_load("docs/requirements.yaml", &reg, err, sizeof(err)))
		fail_msg("%s", err);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		write_file(t[i].text);
		assert_int_equal(expectations_check(path, &chk, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:%s", path, t[i].msg);
		assert_string_equal(err, want);
		/* A run applies it no more than it checks it. */
		assert_int_equal(expectations_load(path, &chk, "kernel", &v3,
						   &(struct expectations){0}, err, sizeof(err)),
				 -1);
	}
	/* A glob that names a family, and a file that checks, still do. */
	write_file(
		"when: {target: kernel, kernel: \"6.[0-9]*\"}\nknown_failures:\n"
		"  - {case: reg-each-fd-*, reason: r, fails: [{kind: errno, requirement: REG-9}]}\n");
	if (expectations_check(path, &chk, err, sizeof(err)))
		fail_msg("%s", err);
	registry_free(&reg);
}

/*
 * The fixture kernels' files load, every entry says what it consists of,
 * and each is checked whole against the catalogue and the registry.
 */
static void test_real_files(void **state)
{
	static const char *const files[] = {"expectations/rfc-v3.yaml", "expectations/rfc-v1.yaml"};
	static char *const dir[] = {"cases/"};
	struct iorfd_case *c = malloc(sizeof(*c));
	struct case_names names;
	struct case_error cerr;
	struct registry reg;
	struct case_list l;
	struct expect_check chk = {.targets = targets, .cases = &names, .reg = &reg};
	size_t i;
	int j;

	assert_non_null(c);
	assert_int_equal(case_list_collect(&l, dir, 1), 0);
	if (case_names_collect(&l, "cases/", c, &names, &cerr))
		fail_msg("%s", cerr.msg);
	if (registry_load("docs/requirements.yaml", &reg, cerr.msg, sizeof(cerr.msg)))
		fail_msg("%s", cerr.msg);
	for (i = 0; i < 2; i++) {
		struct target_probe p = {.present = true, .rev_known = true};
		struct expectations x = {0};
		char err[512];

		p.rev = i ? IORFD_V1 : IORFD_V3;
		if (expectations_load(files[i], &chk, "kernel", &p, &x, err, sizeof(err)))
			fail_msg("%s", err);
		assert_true(x.nr > 5);
		for (j = 0; j < x.nr; j++)
			assert_true(x.items[j].nr_fails > 0);
		expectations_free(&x);
	}
	registry_free(&reg);
	case_names_free(&names);
	case_list_free(&l);
	free(c);
}

static int setup(void **state)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explained),
		cmocka_unit_test(test_new_failure_beside_a_known_one),
		cmocka_unit_test(test_glob_names_a_family),
		cmocka_unit_test(test_errors_in_files_that_do_not_apply),
		cmocka_unit_test(test_checked_against_the_run),
		cmocka_unit_test(test_real_files),
	};

	return cmocka_run_group_tests_name("expectations", tests, setup, teardown);
}
