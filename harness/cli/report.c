// SPDX-License-Identifier: GPL-2.0
/*
 * iorfd-conform report: reports made from results files (--json), so they
 * can be made after the fact, elsewhere, from several runs.
 *
 *   report [--requirements FILE] -o DIR RESULTS.json...   HTML
 *   report --junit FILE RESULTS.json                      JUnit XML
 *   report --diff BASE.json NEW.json                      verdict diff
 *
 * Exit codes: 0 done (--diff: no case newly fails), 1 --diff: a case newly
 * fails, 2 bad usage, unreadable results or a report that could not be written.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/data_path.h"
#include "reports/offline/diff.h"
#include "reports/offline/html.h"
#include "reports/offline/junit.h"
#include "casefile/registry.h"

#define MAX_RUNS 64

enum { REPORT_OK = 0, REPORT_NEWLY_FAILING = 1, REPORT_USAGE = 2 };

struct report_opts {
	const char *out_dir;
	const char *junit;
	const char *registry;
	bool diff;
};

static void report_usage(FILE *f)
{
	fputs("usage: iorfd-conform report [--requirements FILE] -o DIR RESULTS.json...\n"
	      "       iorfd-conform report --junit FILE RESULTS.json\n"
	      "       iorfd-conform report --diff BASE.json NEW.json\n"
	      "\n"
	      "  -o, --out DIR          HTML report: index.html (verdict and requirement\n"
	      "                         matrices) and a page per case x revision\n"
	      "  --requirements FILE    requirement texts for the HTML report (default\n"
	      "                         " REGISTRY_DEFAULT_PATH " when it exists)\n"
	      "  --junit FILE           JUnit XML of one results file\n"
	      "  --diff                 newly failing / passing / skipped cases and changed\n"
	      "                         transcripts of NEW against BASE; exit 1 when a case\n"
	      "                         newly fails\n",
	      f);
}

static int parse(int argc, char **argv, struct report_opts *o, int *first)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, 'o'},
		{"junit", required_argument, NULL, 'J'},
		{"requirements", required_argument, NULL, 'R'},
		{"diff", no_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out_dir = optarg;
			break;
		case 'J':
			o->junit = optarg;
			break;
		case 'R':
			o->registry = optarg;
			break;
		case 'd':
			o->diff = true;
			break;
		case 'h':
			report_usage(stdout);
			exit(REPORT_OK);
		default:
			report_usage(stderr);
			return -1;
		}
	}
	*first = optind;
	return 0;
}

static int load_runs(char **paths, int nr, struct rrun *runs)
{
	char err[512];
	int i;

	for (i = 0; i < nr; i++) {
		if (results_load(paths[i], &runs[i], err, sizeof(err))) {
			fprintf(stderr, "report: %s\n", err);
			while (i >= 0)
				results_free(&runs[i--]);
			return -1;
		}
	}
	return 0;
}

static void free_runs(struct rrun *runs, int nr)
{
	while (nr--)
		results_free(&runs[nr]);
}

static int do_diff(char **paths, int nr)
{
	struct rrun runs[2];
	int failing;

	if (nr != 2) {
		fprintf(stderr, "report --diff: needs BASE.json and NEW.json, got %d file(s)\n",
			nr);
		return REPORT_USAGE;
	}
	if (load_runs(paths, 2, runs))
		return REPORT_USAGE;
	failing = diff_runs(stdout, &runs[0], &runs[1]);
	free_runs(runs, 2);
	return failing ? REPORT_NEWLY_FAILING : REPORT_OK;
}

/* Requirement texts are a help, not a need: without them the report lists IDs. */
static const struct registry *load_registry(const struct report_opts *o, struct registry *reg)
{
	char err[512], buf[PATH_MAX];
	const char *path =
		o->registry ? o->registry : data_find(REGISTRY_DEFAULT_PATH, buf, sizeof(buf));

	if (!o->registry && access(path, R_OK))
		return NULL;
	if (registry_load(path, reg, err, sizeof(err))) {
		fprintf(stderr, "report: %s (requirements listed by ID only)\n", err);
		registry_free(reg);
		return NULL;
	}
	return reg;
}

static int do_reports(const struct report_opts *o, char **paths, int nr)
{
	struct rrun *runs = calloc(nr, sizeof(*runs));
	struct registry reg = {0};
	int code = REPORT_OK;
	char err[PATH_MAX + 512]; /* a path may be that long, and the reason must show */

	if (!runs || load_runs(paths, nr, runs)) {
		free(runs);
		return REPORT_USAGE;
	}
	if (o->junit && junit_write_file(o->junit, &runs[0], err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		code = REPORT_USAGE;
	}
	if (o->out_dir && code == REPORT_OK) {
		struct html_ctx h = {
			.runs = runs,
			.nr_runs = nr,
			.dir = o->out_dir,
		};

		h.reg = load_registry(o, &reg);
		if (html_report(&h, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			code = REPORT_USAGE;
		} else {
			fprintf(stderr, "report: %s/index.html\n", o->out_dir);
		}
		if (h.reg)
			registry_free(&reg);
	}
	free_runs(runs, nr);
	free(runs);
	return code;
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o;
	char **args = calloc(argc + 2, sizeof(*args));
	int first, nr, code;

	if (!args)
		return REPORT_USAGE;
	/* getopt starts at argv[1]: give it the subcommand as argv[0]. */
	args[0] = "report";
	memcpy(args + 1, argv, argc * sizeof(*argv));
	if (parse(argc + 1, args, &o, &first)) {
		free(args);
		return REPORT_USAGE;
	}
	nr = argc + 1 - first;
	if (o.diff) {
		code = o.out_dir || o.junit ? -1 : do_diff(args + first, nr);
	} else if (!o.out_dir && !o.junit) {
		code = -1;
	} else if (!nr || nr > MAX_RUNS || (o.junit && nr != 1)) {
		const char *why = "--junit takes exactly one results file";

		if (!nr)
			why = "no results file given";
		else if (nr > MAX_RUNS)
			why = "more than 64 results files";
		fprintf(stderr, "report: %s\n", why);
		code = REPORT_USAGE;
	} else {
		code = do_reports(&o, args + first, nr);
	}
	if (code < 0) {
		fprintf(stderr, "report: say what to make: -o DIR, --junit FILE or --diff\n");
		report_usage(stderr);
		code = REPORT_USAGE;
	}
	free(args);
	return code;
}
