// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary bytes as an expectation file
 * (harness/casefile/expectations.c), the other YAML reader of the suite.
 *
 * expectations_load() only takes a path, so the input goes into a memfd
 * and is loaded through /proc/self/fd: no change to the reader, and no
 * file on disk per run.  What a file keeps depends on whether its 'when'
 * matches the run, so each input is loaded for target "kernel" speaking
 * each revision, and once for a target whose revision is unknown; then
 * checked once against targets and case names, as the command line does
 * (with those, most inputs stop at their first case name).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "casefile/expectations.h"

#include "fuzz_check.h"

static int fd = -1;
static char path[64];

static void check_loaded(const struct expectations *x)
{
	int i;

	check(x->nr >= 0 && x->nr_logs >= 0);
	check(memchr(x->files, '\0', sizeof(x->files)));
	for (i = 0; i < x->nr; i++) {
		const struct expectation *e = &x->items[i];

		check(memchr(e->case_name, '\0', sizeof(e->case_name)));
		check(memchr(e->reason, '\0', sizeof(e->reason)));
		check(!strncmp(e->where, path, strlen(path)));
		check(!(e->revisions & ~IORFD_ALL_REVS));
		/* A listed case with at least one revision must be found again. */
		if (e->revisions)
			check(expectations_find(x, e->case_name, __builtin_ctz(e->revisions)));
		/* Every known failure says what it consists of, in kinds the results name. */
		check(e->nr_fails >= 1 && e->nr_fails <= EXPECT_MAX_FAILS);
		for (int j = 0; j < e->nr_fails; j++) {
			check(e->fails[j].kind < FAIL_NR_KINDS);
			check(e->fails[j].nr_lines >= 0 &&
			      e->fails[j].nr_lines <= EXPECT_MAX_LINES);
			check(memchr(e->fails[j].req, '\0', sizeof(e->fails[j].req)));
		}
	}
	for (i = 0; i < x->nr_logs; i++) {
		const struct known_log *k = &x->logs[i];

		check(memchr(k->pattern, '\0', sizeof(k->pattern)) && k->pattern[0]);
		/* A line that is exactly the pattern matches it, or an earlier one. */
		expectations_known_log(x, k->pattern, "");
	}
}

static void check_err(const char *err, size_t len)
{
	check(memchr(err, '\0', len));
	check(!strncmp(err, path, strlen(path)) && err[strlen(path)] == ':');
}

static void load(const struct target_probe *probe)
{
	struct expectations x;
	char err[512];

	memset(&x, 0, sizeof(x));
	memset(err, 0x5a, sizeof(err));
	if (expectations_load(path, NULL, "kernel", probe, &x, err, sizeof(err))) {
		check_err(err, sizeof(err));
	} else {
		check_loaded(&x);
	}
	/* main.c exits after a failed load; freeing here keeps LeakSanitizer quiet. */
	expectations_free(&x);
}

/* Against the names a run would give it: a file and a matrix family. */
static void check_whole(void)
{
	static const char *const targets[] = {"reference", "kernel", NULL};
	static char names[][CASE_NAME_MAX] = {"reg-overlap", "reg-each-fd-read_fd-pipes"};
	static const struct case_names cases = {.name = names, .nr = 2, .from = "cases/"};
	static const struct expect_check chk = {.targets = targets, .cases = &cases};
	char err[512];

	memset(err, 0x5a, sizeof(err));
	if (expectations_check(path, &chk, err, sizeof(err)))
		check_err(err, sizeof(err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct target_probe probe;
	enum iorfd_rev rev;

	if (fd < 0) {
		fd = memfd_create("fuzz-expectations", 0);
		if (fd < 0)
			__builtin_trap();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		__builtin_trap();

	memset(&probe, 0, sizeof(probe));
	probe.present = true;
	for_each_rev(rev) {
		probe.rev_known = true;
		probe.rev = rev;
		load(&probe);
	}
	probe.rev_known = false;
	load(&probe);
	check_whole();
	return 0;
}
