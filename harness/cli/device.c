// SPDX-License-Identifier: GPL-2.0
/*
 * iorfd-conform device [options] [CASE|DIR...] -- DEVICE [ARGS...]
 * iorfd-conform device --guest [suite options] [CASE|DIR...] -- DEVICE [ARGS...]
 *
 * The other half of the suite: it plays KVM, directly (no VM, no
 * /dev/kvm), against a device program started under
 * docs/device-contract.md, with the device cases (cases/device/ by
 * default), once per case and revision, a fresh device each time.  KTAP on
 * stdout as the guest run prints it, a failing case followed by the
 * transcript that led there; --json writes the results format the reports
 * read.  Exit codes as the guest run's: 0 every case passed, 1 one failed
 * or could not run, 2 bad usage or case files.
 *
 * With --guest the same program meets real guest accesses instead: the
 * suite's own run (cli/run.c) of the guest cases, on the kernel or
 * reference target, here or in a VM (--vm), with the program in our
 * responder's place on every channel it can serve
 * (responders/device_end.h).
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casefile/case_list.h"
#include "cli/cli.h"
#include "device/exchange.h"
#include "device/transcript.h"
#include "lib/atomic_file.h"
#include "lib/num_arg.h"
#include "model/case.h"
#include "model/probe.h"
#include "model/result.h"
#include "reports/live/json.h"
#include "reports/live/ktap.h"
#include "reports/offline/junit.h"
#include "run/plan.h"
#include "run/session.h"

/* Transcript lines a failing case shows under its failures. */
#define SHOW_LINES 24

struct dev_cli {
	struct plan_select sel;
	unsigned int revs;
	bool list, help;
	const char *json, *junit;
	struct dev_run_opts run;
	char **cases; /* CASE|DIR arguments */
	int nr_cases;
	char *const *argv; /* the device command, after -- */
	int argc;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: iorfd-conform device [options] [CASE.yaml|DIR...] -- DEVICE [ARGS...]\n"
		"\n"
		"Plays KVM against a device program, started afresh for each case and revision\n"
		"as docs/device-contract.md says (fd 3 commands, fd 4 replies, IORFD_REVISION,\n"
		"IORFD_REGIONS), and checks its side of every exchange.  No KVM needed.\n"
		"Cases: cases/device/ unless given.\n"
		"\n"
		"  --revision v1|v2|v3|all  protocol revision(s) (default all)\n"
		"  --filter GLOB            cases whose name or name.rev matches (repeatable)\n"
		"  --group GROUP            the cases of a group (repeatable)\n"
		"  --exclude GLOB           leave out matching cases (repeatable)\n"
		"  --list                   list case x revision combinations, run nothing\n"
		"  --channel pipes|stream   fds 3 and 4 as two pipes (default) or as one\n"
		"                           AF_UNIX stream socket; a device must serve both\n"
		"  --reply-timeout MS       wait for each reply (default %d)\n"
		"  --exit-timeout MS        wait for the exit after end of file (default %d)\n"
		"  --timeout SEC            a case's limit (default %d)\n"
		"  --json FILE              results, transcripts included, as JSON\n"
		"  --junit FILE             JUnit XML made from the --json file (give both)\n"
		"\n"
		"usage: iorfd-conform device --guest [suite options] [CASE.yaml|DIR...] -- DEVICE "
		"[ARGS...]\n"
		"\n"
		"The same device program under real guest accesses: the guest cases (cases/\n"
		"unless given) run as 'iorfd-conform' runs them, on the kernel or the reference\n"
		"target, with the program started for each channel the contract's device can\n"
		"serve (its registers reset to 0, no scripted replies) in our responder's place.\n"
		"Every reply is judged by the DEV rules and the case's own expectations; cases\n"
		"where it serves no channel are SKIPs that say why.  Any option of\n"
		"'iorfd-conform --help' (--target, --vm auto, -j, --json, ...), and --channel,\n"
		"--reply-timeout, --exit-timeout as above.  In a VM (--vm) the program is carried\n"
		"into the guest by its path, with the libraries it is linked with.\n",
		DEV_REPLY_TIMEOUT_MS, DEV_EXIT_TIMEOUT_MS, DEV_CASE_TIMEOUT_MS / 1000);
}

/* One option with its value at argv[*i] (--opt VALUE or --opt=VALUE); NULL if not @name. */
static const char *opt_value(int argc, char **argv, int *i, const char *name, bool *bad)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n])
		return NULL;
	if (*i + 1 >= argc) {
		fprintf(stderr, "device: %s needs a value\n", name);
		*bad = true;
		return NULL;
	}
	return argv[++*i];
}

static int add_select(const char **list, int *nr, const char *opt, const char *v)
{
	if (*nr == PLAN_MAX_SELECT) {
		fprintf(stderr, "device: %s: at most %d\n", opt, PLAN_MAX_SELECT);
		return -1;
	}
	list[(*nr)++] = v;
	return 0;
}

static int parse_value(struct dev_cli *o, const char *opt, const char *v)
{
	enum iorfd_rev r;
	int sec;

	if (!strcmp(opt, "--revision")) {
		if (!strcmp(v, "all")) {
			o->revs = IORFD_ALL_REVS;
			return 0;
		}
		if (rev_parse(v, &r)) {
			fprintf(stderr, "--revision: '%s' is not v1, v2, v3 or all\n", v);
			return -1;
		}
		o->revs = 1u << r;
		return 0;
	}
	if (!strcmp(opt, "--filter"))
		return add_select(o->sel.filters, &o->sel.nr_filters, opt, v);
	if (!strcmp(opt, "--group"))
		return add_select(o->sel.groups, &o->sel.nr_groups, opt, v);
	if (!strcmp(opt, "--exclude"))
		return add_select(o->sel.excludes, &o->sel.nr_excludes, opt, v);
	if (!strcmp(opt, "--channel")) {
		if (strcmp(v, "pipes") && strcmp(v, "stream")) {
			fprintf(stderr, "--channel: '%s' is not pipes or stream\n", v);
			return -1;
		}
		o->run.chan = strcmp(v, "pipes") ? DEV_CHAN_STREAM : DEV_CHAN_PIPES;
		return 0;
	}
	if (!strcmp(opt, "--reply-timeout"))
		return num_arg_int(opt, v, 10, 60000, &o->run.reply_timeout_ms);
	if (!strcmp(opt, "--exit-timeout"))
		return num_arg_int(opt, v, 10, 60000, &o->run.exit_timeout_ms);
	if (!strcmp(opt, "--timeout")) {
		if (num_arg_int(opt, v, 1, 3600, &sec))
			return -1;
		o->run.case_timeout_ms = sec * 1000;
		return 0;
	}
	if (!strcmp(opt, "--json"))
		o->json = v;
	else
		o->junit = v;
	return 0;
}

static int parse(int argc, char **argv, struct dev_cli *o)
{
	static const char *const valued[] = {
		"--revision",	  "--filter",  "--group",
		"--exclude",	  "--channel", "--reply-timeout",
		"--exit-timeout", "--timeout", "--json",
		"--junit",	  NULL,
	};
	int i, k;

	memset(o, 0, sizeof(*o));
	o->sel.device = true;
	o->revs = IORFD_ALL_REVS;
	o->run.chan = DEV_CHAN_PIPES;
	o->run.reply_timeout_ms = DEV_REPLY_TIMEOUT_MS;
	o->run.exit_timeout_ms = DEV_EXIT_TIMEOUT_MS;
	o->run.case_timeout_ms = DEV_CASE_TIMEOUT_MS;
	o->cases = calloc(argc + 1, sizeof(*o->cases));
	if (!o->cases)
		return -1;
	for (i = 0; i < argc; i++) {
		const char *v = NULL;
		bool bad = false;

		if (!strcmp(argv[i], "--")) {
			o->argv = argv + i + 1;
			o->argc = argc - i - 1;
			o->run.argv = o->argv;
			break;
		}
		if (!strcmp(argv[i], "--list")) {
			o->list = true;
			continue;
		}
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			o->help = true;
			return 0;
		}
		for (k = 0; valued[k] && !(v = opt_value(argc, argv, &i, valued[k], &bad)) && !bad;
		     k++)
			;
		if (bad)
			return -1;
		if (v) {
			if (parse_value(o, valued[k], v))
				return -1;
			continue;
		}
		if (argv[i][0] == '-') {
			fprintf(stderr,
				"device: unknown option '%s' (iorfd-conform device --help)\n",
				argv[i]);
			return -1;
		}
		o->cases[o->nr_cases++] = argv[i];
	}
	if (!o->list && o->argc < 1) {
		fprintf(stderr, "device: no device program: give it after '--' (iorfd-conform "
				"device [options] [CASE|DIR...] -- DEVICE [ARGS...])\n");
		return -1;
	}
	if (o->junit && !o->json) {
		fprintf(stderr, "device: --junit is made from the results of --json: give both\n");
		return -1;
	}
	return 0;
}

/* The device command line, for the KTAP header. */
static void command_text(const struct dev_cli *o, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < o->argc && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? " " : "", o->argv[i]);
}

struct outputs {
	struct atomic_file *af;
	FILE *json;
};

static int open_json(const struct dev_cli *o, int argc, char **argv, const char *cmd,
		     const char *how, struct outputs *out)
{
	struct target_probe probe = {.present = true};
	struct json_run jr = {
		.version = IORFD_VERSION,
		.target = "device",
		.probe = &probe,
		.argc = argc,
		.argv = argv,
		.device = cmd,
	};
	char err[PATH_MAX + 256];

	if (!o->json)
		return 0;
	snprintf(probe.how, sizeof(probe.how), "%.*s", (int)sizeof(probe.how) - 1, how);
	if (atomic_file_open(o->json, &out->af, err, sizeof(err))) {
		fprintf(stderr, "--json: %s\n", err);
		return -1;
	}
	out->json = out->af->f;
	json_begin(out->json, &jr);
	return 0;
}

static int close_json(const struct dev_cli *o, struct outputs *out)
{
	char err[PATH_MAX + 256];

	if (!out->json)
		return 0;
	json_end(out->json, NULL);
	if (atomic_file_commit(out->af, err, sizeof(err))) {
		fprintf(stderr, "--json: %s\n", err);
		return -1;
	}
	if (o->junit && junit_from_json(o->json, o->junit, err, sizeof(err))) {
		fprintf(stderr, "--junit: %s\n", err);
		return -1;
	}
	return 0;
}

static int run_plan(const struct dev_cli *o, const struct plan *p, struct iorfd_case *c, int argc,
		    char **argv)
{
	struct case_result *r = malloc(sizeof(*r));
	struct transcript *t = malloc(sizeof(*t));
	char cmd[512], how[400], *extra = malloc(SHOW_LINES * (TRANSCRIPT_LINE + 4) + 200);
	struct outputs out = {0};
	struct case_error err;
	struct ktap k;
	int i, code = EXIT_PASS;

	if (!r || !t || !extra) {
		free(r);
		free(t);
		free(extra);
		return EXIT_FAIL;
	}
	command_text(o, cmd, sizeof(cmd));
	snprintf(how, sizeof(how),
		 "device program: %.300s (channel %s; reply timeout %d ms, exit timeout %d ms)",
		 cmd, o->run.chan == DEV_CHAN_STREAM ? "stream" : "pipes", o->run.reply_timeout_ms,
		 o->run.exit_timeout_ms);
	if (open_json(o, argc, argv, cmd, how, &out)) {
		code = EXIT_USAGE;
		goto out;
	}
	ktap_begin(&k, stdout, p->nr);
	ktap_diag(&k, "iorfd-conform %s: %s", IORFD_VERSION, how);
	for (i = 0; i < p->nr; i++) {
		char text[SHOW_LINES * (TRANSCRIPT_LINE + 4)];

		memset(r, 0, sizeof(*r));
		transcript_init(t);
		if (plan_load(p, i, c, &err)) {
			result_fail_at(r, VERDICT_ERROR, FAIL_SPEC_HARNESS, "%s", err.msg);
		} else {
			dev_run_case(c, &o->run, r, t);
		}
		transcript_text(t, SHOW_LINES, text, sizeof(text));
		snprintf(extra, SHOW_LINES * (TRANSCRIPT_LINE + 4) + 200,
			 "%s.%s transcript (-> the suite, <- the device):\n%s", c->name,
			 rev_name(c->rev), text);
		ktap_result_with(&k, c, r, extra);
		if (out.json)
			json_case(out.json, c, r);
		if (r->verdict != VERDICT_PASS)
			code = EXIT_FAIL;
	}
	ktap_end(&k);
	if (close_json(o, &out) && code == EXIT_PASS)
		code = EXIT_FAIL;
out:
	free(r);
	free(t);
	free(extra);
	return code;
}

/* --guest before '--': the run is the suite's, with the device in the responders' place. */
static bool asks_guest(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--guest"))
			return true;
	return false;
}

/*
 * device --guest: the device's own options are taken here, the rest goes
 * to the suite's run as its command line, and the program after '--'.
 */
static int run_guest(int argc, char **argv)
{
	static const char *const own[] = {"--channel", "--reply-timeout", "--exit-timeout", NULL};
	char **rest = calloc(argc + 2, sizeof(*rest)), text[512];
	struct dev_cli o;
	int i, k, n = 0, code;

	if (!rest)
		return EXIT_FAIL;
	memset(&o, 0, sizeof(o));
	o.run.chan = DEV_CHAN_PIPES;
	o.run.reply_timeout_ms = DEV_REPLY_TIMEOUT_MS;
	o.run.exit_timeout_ms = DEV_EXIT_TIMEOUT_MS;
	o.run.case_timeout_ms = DEV_CASE_TIMEOUT_MS;
	rest[n++] = "iorfd-conform";
	for (i = 0; i < argc; i++) {
		const char *v = NULL;
		bool bad = false;

		if (!strcmp(argv[i], "--")) {
			o.argv = argv + i + 1;
			o.argc = argc - i - 1;
			break;
		}
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			free(rest);
			return EXIT_PASS;
		}
		if (!strcmp(argv[i], "--guest"))
			continue;
		for (k = 0; own[k] && !(v = opt_value(argc, argv, &i, own[k], &bad)) && !bad; k++)
			;
		if (bad || (v && parse_value(&o, own[k], v))) {
			free(rest);
			return EXIT_USAGE;
		}
		if (!v)
			rest[n++] = argv[i];
	}
	if (o.argc < 1) {
		fprintf(stderr, "device --guest: no device program: give it after '--'\n");
		free(rest);
		return EXIT_USAGE;
	}
	o.run.argv = o.argv;
	command_text(&o, text, sizeof(text));
	code = cmd_run_device(n, rest, &o.run, text);
	free(rest);
	return code;
}

int cmd_device(int argc, char **argv)
{
	struct iorfd_case *c;
	struct plan p = {0};
	struct case_list l;
	struct dev_cli o;
	int code;

	if (asks_guest(argc, argv))
		return run_guest(argc, argv);
	if (parse(argc, argv, &o)) {
		free(o.cases);
		return EXIT_USAGE;
	}
	if (o.help) {
		usage(stdout);
		free(o.cases);
		return EXIT_PASS;
	}
	c = malloc(sizeof(*c));
	if (!c) {
		free(o.cases);
		return EXIT_FAIL;
	}
	if (o.nr_cases ? case_list_collect(&l, o.cases, o.nr_cases)
		       : case_list_collect(&l, (char *const[]){"cases/device/"}, 1)) {
		free(c);
		free(o.cases);
		return EXIT_USAGE;
	}
	if (plan_build(&l, o.revs, &o.sel, c, &p)) {
		code = EXIT_USAGE;
	} else if (o.list) {
		plan_list(&p, c);
		code = EXIT_PASS;
	} else {
		/* A device that closes its reply end must not kill the suite writing to it. */
		signal(SIGPIPE, SIG_IGN);
		code = run_plan(&o, &p, c, argc, argv);
	}
	plan_free(&p);
	case_list_free(&l);
	free(c);
	free(o.cases);
	return code;
}
