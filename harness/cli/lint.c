// SPDX-License-Identifier: GPL-2.0
/*
 * iorfd-conform lint [--requirements FILE] [--expect FILE|DIR]... [CASE|DIR...]
 *
 * Loads every case file at every revision it claims, reports every error
 * as FILE:LINE:COL, checks that each requirement a case cites is in the
 * registry, and summarises which rules have a case.  With --expect it
 * checks expectations files as a run does: each case they name must be
 * one of the cases linted, each requirement one of the registry's.  Its
 * last line counts every error it printed: 0 errors is exit 0, any other
 * number exit 2.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "casefile/case_list.h"
#include "casefile/case_schema.h"
#include "casefile/registry.h"
#include "cli/cli.h"
#include "cli/expect_check.h"
#include "lib/data_path.h"
#include "model/case.h"
#include "run/session.h"

#define LINT_MAX_EXPECT 16

/* One case the lint found: a file, or one combination of a file's matrix. */
struct linted {
	char name[CASE_NAME_MAX]; /* "" when the file did not load */
	const char *path;
	struct src_loc at; /* its case: line */
};

/*
 * A group of the catalogue with one case says nothing a name would not:
 * each case's name starts with a group other cases share.  Returns the
 * number of cases alone in theirs.
 */
static int lint_groups(const struct linted *cs, int n)
{
	int alone = 0, i, j, same;

	for (i = 0; i < n; i++) {
		int len = case_group_len(cs[i].name);

		if (!cs[i].name[0])
			continue;
		for (j = 0, same = 0; j < n; j++)
			same += j != i && case_group_len(cs[j].name) == len &&
				!strncmp(cs[i].name, cs[j].name, len);
		if (same)
			continue;
		fprintf(stderr,
			"%s:%d:%d: case '%s' is alone in its group '%.*s': start its name with a "
			"group other cases share (GROUP-WHAT)\n",
			cs[i].path, cs[i].at.line, cs[i].at.col, cs[i].name, len, cs[i].name);
		alone++;
	}
	return alone;
}

/* Loads variant @v of @path at every revision; false (said) when one does not load. */
static bool lint_one(const char *path, int v, struct iorfd_case *c, struct linted *out)
{
	struct case_error err;
	enum iorfd_rev r;

	for_each_rev(r) {
		if (case_load_variant(path, r, v, c, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			out->name[0] = '\0';
			return false;
		}
		if (r == IORFD_V1) {
			snprintf(out->name, sizeof(out->name), "%s", c->name);
			out->at = c->loc;
		}
	}
	return true;
}

/*
 * Loads every file, every combination of its matrix, at every revision it
 * claims, to report all errors at once, and checks that no name is used
 * twice and (@catalogue: a whole directory of cases) that no case is alone
 * in its group.  Returns the number of errors it printed.
 */
static int lint_files(const struct case_list *l, struct iorfd_case *c, bool catalogue)
{
	int bad = 0, n = 0, cap = l->nr * CASE_MAX_VARIANTS + 1, i, j, v, nr_variants;
	struct linted *cs = calloc(cap, sizeof(*cs));

	if (!cs) {
		fprintf(stderr, "lint: out of memory\n");
		return 1;
	}
	for (i = 0; i < l->nr; i++) {
		bool ok = true;

		for (v = 0, nr_variants = 1; ok && v < nr_variants; v++, n++) {
			cs[n].path = l->paths[i];
			ok = lint_one(l->paths[i], v, c, &cs[n]);
			nr_variants = ok ? c->nr_variants : 0;
			for (j = 0; ok && j < n; j++) {
				if (cs[j].name[0] && !strcmp(cs[j].name, cs[n].name)) {
					fprintf(stderr,
						"%s:%d:%d: case name '%s' is already used by %s\n",
						l->paths[i], cs[n].at.line, cs[n].at.col,
						cs[n].name, cs[j].path);
					cs[n].name[0] = '\0';
					ok = false;
				}
			}
		}
		bad += !ok;
	}
	if (catalogue)
		bad += lint_groups(cs, n);
	free(cs);
	return bad;
}

/*
 * Checks what each case cites against @reg, then prints the coverage
 * summary.  Returns the number of unknown IDs and of rules cited by a case
 * of the other end (a guest case citing a DEV rule): either claims a rule
 * that the case cannot check.  Rules without a case are only reported,
 * since the catalogue grows one case at a time; those of an end none of
 * these files is for are counted apart (guest and device cases live in
 * cases/ and cases/device/).
 */
static int lint_requirements(const struct case_list *l, const struct registry *reg,
			     struct iorfd_case *c)
{
	bool *cited = calloc(reg->nr ? reg->nr : 1, sizeof(*cited));
	struct req_cites *rc = malloc(sizeof(*rc));
	unsigned int ends = 0; /* enum req_end: the ends whose cases are here */
	struct case_error err;
	int i, unknown = 0;
	enum iorfd_rev r;

	if (!cited || !rc) {
		fprintf(stderr, "lint: out of memory\n");
		free(cited);
		free(rc);
		return 1;
	}
	for (i = 0; i < l->nr; i++) {
		int v, nr_variants = 1;

		rc->nr = 0;
		for (v = 0; v < nr_variants; v++) {
			for_each_rev(r) {
				/* lint_files() has already reported a file that does not load. */
				if (case_load_variant(l->paths[i], r, v, c, &err))
					break;
				nr_variants = c->nr_variants;
				ends |= c->device ? REQ_END_DEVICE : REQ_END_KERNEL;
				registry_cite(reg, c, rc, cited);
			}
		}
		unknown += registry_cite_report(rc, l->paths[i], stderr);
	}
	registry_report(reg, cited, ends ? ends : REQ_END_KERNEL | REQ_END_DEVICE, stderr);
	free(rc);
	free(cited);
	return unknown;
}

/*
 * Checks each expectations file in @paths (files, or directories of
 * *.yaml) against the cases of @l and @reg (or NULL), one error at most
 * per file.  @nr_files gets how many there were.  Returns the number of
 * errors printed.
 */
static int lint_expectations(char *const *paths, int nr_paths, int argc, char **argv,
			     const struct case_list *l, const struct registry *reg,
			     struct iorfd_case *c, int *nr_files)
{
	struct case_error cerr;
	struct case_list files;
	struct cli_expect e;
	char err[512];
	int i, errors = 0;

	*nr_files = 0;
	if (!nr_paths)
		return 0;
	if (case_list_collect(&files, paths, nr_paths))
		return 1;
	/* A case file that does not load is reported already: its names are unknown, not absent. */
	cli_expect_init(&e, argc, argv, l, reg, c, &cerr);
	for (i = 0; i < files.nr; i++) {
		if (expectations_check(files.paths[i], &e.chk, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			errors++;
		}
	}
	*nr_files = files.nr;
	cli_expect_fini(&e);
	case_list_free(&files);
	return errors;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/*
 * The registry, or NULL after saying why not.  Lint goes on without one,
 * so that the case files' own errors are still reported; the registry's
 * counts as one more.  The default path is relative, and looked for here,
 * then beside the binary (lib/data_path.h): a binary without one beside it,
 * run from elsewhere, does not find it, and the message says how to name it.
 */
static const struct registry *lint_registry(const char *path, bool given, struct registry *reg)
{
	char err[512];

	if (!registry_load(path, reg, err, sizeof(err)))
		return reg;
	if (!given && access(path, F_OK) && errno == ENOENT)
		fprintf(stderr,
			"%s (the requirement registry cases cite, neither here nor beside this "
			"binary: run lint from the repository's top directory, or name the "
			"registry with --requirements FILE)\n",
			err);
	else
		fprintf(stderr, "%s\n", err);
	registry_free(reg);
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: iorfd-conform lint [--requirements FILE] [--expect FILE|DIR]...\n"
		"                          [CASE.yaml|DIR...]\n"
		"       iorfd-conform lint --schema\n"
		"  --requirements FILE  the requirement registry (default %s)\n"
		"  --expect FILE|DIR    expectations files to check too, against the cases\n"
		"                       linted and the registry (repeatable)\n"
		"  --schema             print the case file schema (Markdown), as\n"
		"                       docs/case-format.md has it\n",
		REGISTRY_DEFAULT_PATH);
}

int cmd_lint(int argc, char **argv)
{
	char *expect[LINT_MAX_EXPECT], reg_buf[PATH_MAX];
	const char *reg_path = data_find(REGISTRY_DEFAULT_PATH, reg_buf, sizeof(reg_buf));
	int errors, nr_expect = 0, nr_expect_files;
	const struct registry *rp;
	bool reg_given = false;
	struct iorfd_case *c;
	struct registry reg = {0};
	struct case_list l;

	/* Options come first, in any order: what follows them is cases. */
	for (;;) {
		const char *opt = argc >= 1 ? argv[0] : "";
		const char *val = NULL;
		int used = 1;

		if (!strncmp(opt, "--requirements=", 15) || !strncmp(opt, "--expect=", 9)) {
			val = strchr(opt, '=') + 1;
		} else if ((!strcmp(opt, "--requirements") || !strcmp(opt, "--expect")) &&
			   argc >= 2) {
			val = argv[1];
			used = 2;
		} else {
			break;
		}
		if (!strncmp(opt, "--requirements", 14)) {
			reg_path = val;
			reg_given = true;
		} else if (nr_expect == LINT_MAX_EXPECT) {
			fprintf(stderr, "lint: --expect: at most %d\n", LINT_MAX_EXPECT);
			return EXIT_USAGE;
		} else {
			expect[nr_expect++] = (char *)val;
		}
		argc -= used;
		argv += used;
	}
	if (argc == 1 && !strcmp(argv[0], "--schema")) {
		schema_print_markdown(stdout);
		return EXIT_PASS;
	}
	if (argc >= 1 && argv[0][0] == '-') {
		usage(strcmp(argv[0], "--help") ? stderr : stdout);
		return strcmp(argv[0], "--help") ? EXIT_USAGE : EXIT_PASS;
	}
	c = malloc(sizeof(*c));
	if (!c || cli_collect(argc, argv, &l)) {
		free(c);
		return EXIT_USAGE;
	}
	rp = lint_registry(reg_path, reg_given, &reg);
	errors = !rp;
	/* The catalogue: the default cases/, or one directory. */
	errors += lint_files(&l, c, argc == 0 || (argc == 1 && is_dir(argv[0])));
	if (rp)
		errors += lint_requirements(&l, rp, c);
	errors += lint_expectations(expect, nr_expect, argc, argv, &l, rp, c, &nr_expect_files);
	/* Last, after every error it counts, so that it and the exit code agree. */
	fprintf(stderr, "lint: %d case file%s", l.nr, l.nr == 1 ? "" : "s");
	if (nr_expect)
		fprintf(stderr, ", %d expectations file%s", nr_expect_files,
			nr_expect_files == 1 ? "" : "s");
	fprintf(stderr, ", %d error%s\n", errors, errors == 1 ? "" : "s");
	case_list_free(&l);
	registry_free(&reg);
	free(c);
	return errors ? EXIT_USAGE : EXIT_PASS;
}
