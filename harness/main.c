// SPDX-License-Identifier: GPL-2.0
/*
 * iorfd-conform: conformance suite for KVM ioregionfd.
 *
 *   iorfd-conform [options] [CASE|DIR...]   run cases (default: cases/), KTAP on stdout
 *   iorfd-conform lint [CASE|DIR...]        check case files without running them
 *
 * Exit codes: 0 every case passed, 1 a case failed or errored, 2 bad usage or
 * case files, 4 nothing could run (kselftest's skip).  With --bisect: 0 good,
 * 1 bad, 125 cannot test, for 'git bisect run'.
 */
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "case_list.h"
#include "ktap.h"
#include "runner.h"
#include "target.h"

#define VERSION		   "0.1"
#define DEFAULT_TIMEOUT_MS 10000
#define MAX_FILTERS	   16

enum exit_code {
	EXIT_PASS = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_NOTHING_RAN = 4,
	EXIT_BISECT_SKIP = 125,
};

struct opts {
	const char *target;
	unsigned int revs; /* 0: the target's choice */
	const char *filters[MAX_FILTERS];
	int nr_filters;
	bool list;
	bool bisect;
	int timeout_ms;
};

/* One case file at one revision, selected to run. */
struct plan_item {
	const char *path;
	enum iorfd_rev rev;
};

struct plan {
	struct plan_item *items;
	int nr;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: iorfd-conform [options] [CASE.yaml|DIR...]\n"
		"       iorfd-conform lint [CASE.yaml|DIR...]\n"
		"\n"
		"  --target auto|reference|kernel  implementation under test (default auto:\n"
		"                                  kernel when KVM_SET_IOREGION exists, else reference)\n"
		"  --revision v1|v2|v3|all         protocol revision(s) (default: all on reference,\n"
		"                                  the detected one on kernel)\n"
		"  --filter GLOB                   run cases whose name or name.rev matches (repeatable)\n"
		"  --list                          list case x revision combinations, run nothing\n"
		"  --timeout SEC                   per-case time limit (default %d)\n"
		"  --bisect                        exit 0 good, 1 bad, 125 cannot test\n",
		DEFAULT_TIMEOUT_MS / 1000);
}

static int parse_revs(const char *s, unsigned int *revs)
{
	enum iorfd_rev r;

	if (!strcmp(s, "all")) {
		*revs = IORFD_ALL_REVS;
		return 0;
	}
	if (rev_parse(s, &r))
		return -1;
	*revs = 1u << r;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "revision", required_argument, NULL, 'r' },
		{ "filter", required_argument, NULL, 'f' },
		{ "list", no_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "bisect", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->target = "auto";
	o->timeout_ms = DEFAULT_TIMEOUT_MS;
	while ((c = getopt_long(argc, argv, "t:r:f:lT:bh", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			o->target = optarg;
			break;
		case 'r':
			if (parse_revs(optarg, &o->revs)) {
				fprintf(stderr, "--revision: '%s' is not v1, v2, v3 or all\n", optarg);
				return -1;
			}
			break;
		case 'f':
			if (o->nr_filters == MAX_FILTERS) {
				fprintf(stderr, "--filter: at most %d\n", MAX_FILTERS);
				return -1;
			}
			o->filters[o->nr_filters++] = optarg;
			break;
		case 'l':
			o->list = true;
			break;
		case 'T':
			o->timeout_ms = (int)strtol(optarg, &end, 10) * 1000;
			if (*end || o->timeout_ms <= 0) {
				fprintf(stderr, "--timeout: '%s' is not a positive number of seconds\n",
					optarg);
				return -1;
			}
			break;
		case 'b':
			o->bisect = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_PASS);
		default:
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

static bool selected(const struct opts *o, const char *name, enum iorfd_rev rev)
{
	char full[CASE_NAME_MAX + 8];
	int i;

	if (!o->nr_filters)
		return true;
	snprintf(full, sizeof(full), "%s.%s", name, rev_name(rev));
	for (i = 0; i < o->nr_filters; i++)
		if (!fnmatch(o->filters[i], name, 0) || !fnmatch(o->filters[i], full, 0))
			return true;
	return false;
}

static int collect(int argc, char **argv, struct case_list *l)
{
	static char *const def[] = { "cases/" };

	return argc ? case_list_collect(l, argv, argc) : case_list_collect(l, def, 1);
}

/*
 * Loads every file at every revision it claims, to report all errors at
 * once.  Returns the number of bad files; @seen collects case names so a
 * name used twice is caught.
 */
static int lint_files(const struct case_list *l, struct iorfd_case *c, bool quiet)
{
	char (*names)[CASE_NAME_MAX] = calloc(l->nr ? l->nr : 1, CASE_NAME_MAX);
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
			if (r == IORFD_V1)
				snprintf(names[i], CASE_NAME_MAX, "%s", c->name);
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
	if (!quiet)
		fprintf(stderr, "lint: %d case files, %d with errors\n", l->nr, bad);
	free(names);
	free(where);
	return bad;
}

static int cmd_lint(int argc, char **argv)
{
	struct iorfd_case *c = malloc(sizeof(*c));
	struct case_list l;
	int bad;

	if (!c || collect(argc, argv, &l)) {
		free(c);
		return EXIT_USAGE;
	}
	bad = lint_files(&l, c, false);
	case_list_free(&l);
	free(c);
	return bad ? EXIT_USAGE : EXIT_PASS;
}

static int build_plan(const struct case_list *l, const struct opts *o, unsigned int revs,
		      struct iorfd_case *c, struct plan *p)
{
	struct case_error err;
	int i;

	p->items = calloc(l->nr * IORFD_NR_REVS + 1, sizeof(*p->items));
	p->nr = 0;
	if (!p->items)
		return -1;
	for (i = 0; i < l->nr; i++) {
		enum iorfd_rev r;

		if (case_load(l->paths[i], IORFD_V1, c, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return -1;
		}
		for_each_rev(r) {
			if (!(revs & c->revisions & (1u << r)) || !selected(o, c->name, r))
				continue;
			p->items[p->nr].path = l->paths[i];
			p->items[p->nr].rev = r;
			p->nr++;
		}
	}
	return 0;
}

static void list_plan(const struct plan *p, struct iorfd_case *c)
{
	struct case_error err;
	int i, j;

	for (i = 0; i < p->nr; i++) {
		if (case_load(p->items[i].path, p->items[i].rev, c, &err))
			continue;
		printf("%s.%s\t%s\t", c->name, rev_name(c->rev), c->file);
		for (j = 0; j < c->nr_reqs; j++)
			printf("%s%s", j ? "," : "", c->reqs[j]);
		printf("\n");
	}
	fprintf(stderr, "%d case x revision combinations\n", p->nr);
}

static const struct target_ops *pick_target(const struct opts *o, struct target_probe *probe)
{
	const struct target_ops *ops;

	if (!strcmp(o->target, "auto")) {
		struct target_probe kp;

		target_kernel.probe(&kp);
		if (kp.present) {
			*probe = kp;
			return &target_kernel;
		}
		target_reference.probe(probe);
		snprintf(probe->how + strlen(probe->how), sizeof(probe->how) - strlen(probe->how),
			 "; chosen by --target auto because the kernel has none: %.120s", kp.how);
		return &target_reference;
	}
	ops = target_find(o->target);
	if (!ops) {
		fprintf(stderr, "--target: unknown target '%s' (auto, reference, kernel)\n",
			o->target);
		return NULL;
	}
	ops->probe(probe);
	return ops;
}

static int finish(const struct opts *o, int code)
{
	if (!o->bisect)
		return code;
	return code == EXIT_PASS || code == EXIT_FAIL ? code : EXIT_BISECT_SKIP;
}

static int run_plan(const struct opts *o, const struct target_ops *ops,
		    const struct target_probe *probe, const struct plan *p, struct iorfd_case *c)
{
	struct case_error err;
	struct runner rn;
	struct ktap k;
	int i;

	if (runner_init(&rn, ops, o->timeout_ms)) {
		perror("runner");
		return EXIT_FAIL;
	}
	ktap_begin(&k, stdout, p->nr);
	ktap_diag(&k, "iorfd-conform %s: target=%s: %s", VERSION, ops->name, probe->how);
	for (i = 0; i < p->nr; i++) {
		if (case_load(p->items[i].path, p->items[i].rev, c, &err)) {
			/* The file changed since the plan was made. */
			fprintf(stderr, "%s\n", err.msg);
			runner_fini(&rn);
			return EXIT_USAGE;
		}
		if (probe->rev_known && probe->rev != c->rev) {
			char why[64];

			snprintf(why, sizeof(why), "target speaks %s", rev_name(probe->rev));
			ktap_skip(&k, c->name, c->rev, why);
			continue;
		}
		runner_run(&rn, c);
		ktap_result(&k, c, rn.res);
	}
	ktap_end(&k);
	runner_fini(&rn);
	fprintf(stderr, "iorfd-conform: %d passed, %d failed, %d skipped\n", k.pass,
		k.fail + k.error, k.skip);
	if (k.fail || k.error)
		return EXIT_FAIL;
	return k.pass ? EXIT_PASS : EXIT_NOTHING_RAN;
}

int main(int argc, char **argv)
{
	struct target_probe probe = { 0 };
	const struct target_ops *ops;
	struct iorfd_case *c;
	struct case_list l;
	struct plan p = { 0 };
	unsigned int revs;
	struct opts o;
	int code;

	if (argc > 1 && !strcmp(argv[1], "lint"))
		return cmd_lint(argc - 2, argv + 2);
	if (parse_opts(argc, argv, &o))
		return EXIT_USAGE;
	c = malloc(sizeof(*c));
	if (!c || collect(argc - optind, argv + optind, &l))
		return finish(&o, EXIT_USAGE);

	ops = o.list ? &target_reference : pick_target(&o, &probe);
	if (!ops)
		return finish(&o, EXIT_USAGE);
	if (!o.list && !probe.present) {
		printf("KTAP version 1\n1..0 # SKIP target %s: %s\n", ops->name, probe.how);
		return finish(&o, EXIT_NOTHING_RAN);
	}
	revs = o.revs ? o.revs : probe.rev_known ? 1u << probe.rev : IORFD_ALL_REVS;
	if (build_plan(&l, &o, revs, c, &p))
		return finish(&o, EXIT_USAGE);

	if (o.list) {
		list_plan(&p, c);
		code = EXIT_PASS;
	} else {
		code = run_plan(&o, ops, &probe, &p, c);
	}
	free(p.items);
	case_list_free(&l);
	free(c);
	return finish(&o, code);
}
