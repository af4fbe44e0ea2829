/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line: iorfd-conform [options] [CASE|DIR...] runs the suite
 * (run.c); iorfd-conform SUBCOMMAND ... runs one of the table in main.c,
 * each in a file of its own here (bench's is harness/bench/bench.c).
 * Each gets its arguments after the subcommand's name and returns the
 * process's exit code (enum run_exit).
 */
#ifndef IORFD_CLI_H
#define IORFD_CLI_H

#include <stdio.h>

#include "casefile/case_list.h"

#define IORFD_VERSION "0.1"

int cmd_run(int argc, char **argv); /* argv[0] is the program: getopt's convention */
int cmd_lint(int argc, char **argv);
int cmd_selftest(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_vm(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_device(int argc, char **argv);

struct dev_run_opts;
/*
 * iorfd-conform device --guest: the suite run of @argv (as cmd_run's)
 * with device program @dev in our responders' place; @dev_text is its
 * command line, for the KTAP header and the JSON.
 */
int cmd_run_device(int argc, char **argv, const struct dev_run_opts *dev, const char *dev_text);

/* The subcommands and what each does, for a usage text. */
void cli_print_subcommands(FILE *f);

/*
 * The case files named by @argv (files, or directories of *.yaml); none:
 * cli_default_cases(), cases/ here or else beside the binary (an install).
 */
int cli_collect(int argc, char **argv, struct case_list *l);
const char *cli_default_cases(void);

#endif /* IORFD_CLI_H */
