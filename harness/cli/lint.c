// SPDX-License-Identifier: GPL-2.0
/*
 * iorfd-conform lint [--requirements FILE] [CASE|DIR...]
 *
 * Loads every case file at every revision it claims, reports every error
 * as FILE:LINE:COL, checks that each requirement a case cites is in the
 * registry, and summarises which rules have a case.  Exit 0 clean, 2 not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "casefile/case_list.h"
#include "casefile/case_schema.h"
#include "casefile/registry.h"
#include "cli/cli.h"
#include "model/case.h"
#include "run/session.h"

/*
 * A group of the catalogue with one case says nothing a name would not:
 * each case's name starts with a group other cases share.  Returns the
 * number of cases alone in theirs.
 */
static int lint_groups(const struct case_list *l, char (*names)[CASE_NAME_MAX],
		       const struct src_loc *locs)
{
	int alone = 0, i, j, same;

	for (i = 0; i < l->nr; i++) {
		int len = case_group_len(names[i]);

		if (!names[i][0])
			continue;
		for (j = 0, same = 0; j < l->nr; j++)
			same += j != i && case_group_len(names[j]) == len &&
				!strncmp(names[i], names[j], len);
		if (same)
			continue;
		fprintf(stderr,
			"%s:%d:%d: case '%s' is alone in its group '%.*s': start its name with a "
			"group other cases share (GROUP-WHAT)\n",
			l->paths[i], locs[i].line, locs[i].col, names[i], len, names[i]);
		alone++;
	}
	return alone;
}

/*
 * Loads every file at every revision it claims, to report all errors at
 * once, and checks that no name is used twice and (@catalogue: a whole
 * directory of cases) that no case is alone in its group.  Returns the
 * number of bad files.
 */
static int lint_files(const struct case_list *l, struct iorfd_case *c, bool catalogue)
{
	char(*names)[CASE_NAME_MAX] = calloc(l->nr ? l->nr : 1, CASE_NAME_MAX);
	struct src_loc *locs = calloc(l->nr ? l->nr : 1, sizeof(*locs));
	const char **where = calloc(l->nr ? l->nr : 1, sizeof(*where));
	struct case_error err;
	int bad = 0, i, j;

	for (i = 0; i < l->nr; i++) {
		enum iorfd_rev r;
		bool ok = true;

		for_each_rev(r) {
			if (case_load(l->paths[i], r, c, &err)) {
				fprintf(stderr, "%s\n", err.msg);
				ok = false;
				break;
			}
			if (r == IORFD_V1) {
				snprintf(names[i], CASE_NAME_MAX, "%s", c->name);
				locs[i] = c->loc;
			}
		}
		where[i] = l->paths[i];
		for (j = 0; ok && j < i; j++) {
			if (names[j][0] && !strcmp(names[j], names[i])) {
				fprintf(stderr, "%s:%d:%d: case name '%s' is already used by %s\n",
					l->paths[i], c->loc.line, c->loc.col, names[i], where[j]);
				ok = false;
			}
		}
		if (!ok) {
			names[i][0] = '\0';
			bad++;
		}
	}
	if (catalogue)
		bad += lint_groups(l, names, locs);
	fprintf(stderr, "lint: %d case files, %d with errors\n", l->nr, bad);
	free(names);
	free(locs);
	free(where);
	return bad;
}

/*
 * Checks what each case cites against @reg, then prints the coverage
 * summary.  Returns the number of unknown IDs: a case citing one claims a
 * rule that nobody can look up.  Rules without a case are only reported,
 * since the catalogue grows one case at a time.
 */
static int lint_requirements(const struct case_list *l, const struct registry *reg,
			     struct iorfd_case *c)
{
	bool *cited = calloc(reg->nr ? reg->nr : 1, sizeof(*cited));
	struct req_cites *rc = malloc(sizeof(*rc));
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
		rc->nr = 0;
		for_each_rev(r) {
			/* lint_files() has already reported a file that does not load. */
			if (case_load(l->paths[i], r, c, &err))
				break;
			registry_cite(reg, c, rc, cited);
		}
		unknown += registry_cite_report(rc, l->paths[i], stderr);
	}
	registry_report(reg, cited, stderr);
	free(rc);
	free(cited);
	return unknown;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int cmd_lint(int argc, char **argv)
{
	const char *reg_path = REGISTRY_DEFAULT_PATH;
	struct iorfd_case *c;
	struct registry reg;
	struct case_list l;
	char err[512];
	int bad;

	if (argc >= 2 && !strcmp(argv[0], "--requirements")) {
		reg_path = argv[1];
		argc -= 2;
		argv += 2;
	} else if (argc >= 1 && !strncmp(argv[0], "--requirements=", 15)) {
		reg_path = argv[0] + 15;
		argc--;
		argv++;
	}
	if (argc == 1 && !strcmp(argv[0], "--schema")) {
		schema_print_markdown(stdout);
		return EXIT_PASS;
	}
	if (argc >= 1 && argv[0][0] == '-') {
		fprintf(stderr,
			"usage: iorfd-conform lint [--requirements FILE] [CASE.yaml|DIR...]\n"
			"       iorfd-conform lint --schema\n"
			"  --requirements FILE  the requirement registry (default %s)\n"
			"  --schema             print the case file schema (Markdown), as\n"
			"                       docs/case-format.md has it\n",
			REGISTRY_DEFAULT_PATH);
		return strcmp(argv[0], "--help") ? EXIT_USAGE : EXIT_PASS;
	}
	if (registry_load(reg_path, &reg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	c = malloc(sizeof(*c));
	if (!c || cli_collect(argc, argv, &l)) {
		free(c);
		registry_free(&reg);
		return EXIT_USAGE;
	}
	/* The catalogue: the default cases/, or one directory. */
	bad = lint_files(&l, c, argc == 0 || (argc == 1 && is_dir(argv[0])));
	bad += lint_requirements(&l, &reg, c);
	case_list_free(&l);
	registry_free(&reg);
	free(c);
	return bad ? EXIT_USAGE : EXIT_PASS;
}
