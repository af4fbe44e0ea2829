// SPDX-License-Identifier: GPL-2.0
/*
 * iorfd-conform: conformance suite for KVM ioregionfd.
 *
 * The entry point only picks the command: a subcommand of the table below,
 * or else the suite itself (run.c) with the whole command line.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/data_path.h"

static const struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args;
	const char *what;
} subcommands[] = {
	{"lint", cmd_lint, "[--requirements FILE] [CASE|DIR...]",
	 "check case files and the requirements they cite, without running them"},
	{"selftest", cmd_selftest, "[--quick] [--vm MODE] [CASE|DIR...]",
	 "the reference passes every case; each of its mutants fails one"},
	{"report", cmd_report, "[--requirements FILE] -o DIR RESULTS.json...",
	 "static HTML from results files (also --diff BASE NEW, --junit FILE)"},
	{"probe", cmd_probe, "[--quiet]",
	 "what this host offers: KVM, the kernel target, the runner kernel, QEMU"},
	{"vm", cmd_vm,
	 "--kernel BZIMAGE | --build [--fault-injection] [KSRC] [vm-run options] [-- suite options]",
	 "boot a kernel under test in QEMU and run the suite inside on its kernel target"},
	{"device", cmd_device, "[options] [CASE|DIR...] -- DEVICE [ARGS...]",
	 "play KVM against a device program: its side of every exchange (no KVM needed)"},
	{"bench", cmd_bench, "[--iterations N] [--out DIR] [--target T]",
	 "per-access latency of exits, ioeventfd and ioregionfd"},
};

#define NR_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

void cli_print_subcommands(FILE *f)
{
	size_t i;

	fprintf(f, "subcommands:\n");
	for (i = 0; i < NR_SUBCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n  %-9s   %s\n", subcommands[i].name, subcommands[i].args, "",
			subcommands[i].what);
}

const char *cli_default_cases(void)
{
	static char buf[PATH_MAX];

	return data_find("cases/", buf, sizeof(buf));
}

int cli_collect(int argc, char **argv, struct case_list *l)
{
	char *def[] = {(char *)cli_default_cases()};

	return argc ? case_list_collect(l, argv, argc) : case_list_collect(l, def, 1);
}

int main(int argc, char **argv)
{
	size_t i;

	/*
	 * The selftests library loads the guest image from the file named by
	 * program_invocation_name.  Point it at the running image, so that a
	 * rebuild of ./iorfd-conform during a run cannot put other code, or a
	 * half-written file, into the guest.
	 */
	program_invocation_name = "/proc/self/exe";

	if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))) {
		printf("iorfd-conform %s\n", IORFD_VERSION);
		return 0;
	}
	for (i = 0; argc > 1 && i < NR_SUBCOMMANDS; i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(argc - 2, argv + 2);
	return cmd_run(argc, argv);
}
