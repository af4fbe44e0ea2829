// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary bytes as the command line of a suite run
 * (harness/cli/run_opts.c, with lib/num_arg.c behind every number).
 *
 * The input is cut at NUL bytes into at most MAX_ARGS arguments after the
 * program name.  Whatever they are, the parser must return, and a command
 * line it accepts must leave every field in its documented range: no
 * number wrapped, no revision outside v1..v3, no filter past the table.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/run_opts.h"
#include "model/case.h"
#include "run/time_scale.h"
#include "vm/delegate.h"

#include "fuzz_check.h"

#define MAX_ARGS 24

static void check_parsed(const struct run_opts *o)
{
	check(o->target != NULL);
	check(!(o->revs & ~IORFD_ALL_REVS));
	check(o->sel.nr_filters >= 0 && o->sel.nr_filters <= PLAN_MAX_SELECT);
	check(o->sel.nr_groups >= 0 && o->sel.nr_groups <= PLAN_MAX_SELECT);
	check(o->sel.nr_excludes >= 0 && o->sel.nr_excludes <= PLAN_MAX_SELECT);
	check(!o->list_json || o->list);
	check(o->timeout_scale >= 1 && o->timeout_scale <= TIME_SCALE_MAX);
	check(o->timeout_ms >= 1000 && o->timeout_ms <= CASE_MAX_TIMEOUT_MS &&
	      o->timeout_ms % 1000 == 0);
	check(o->jobs >= 1 && o->jobs <= 64);
	check(o->repeat >= 1 && o->repeat <= 100000);
	check(o->vm_timeout_s >= 10 && o->vm_timeout_s <= 24 * 3600);
	check(o->vm == VM_NEVER || o->vm == VM_AUTO || o->vm == VM_ALWAYS);
	check(o->kernel_log >= -1 && o->kernel_log <= 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *argv[MAX_ARGS + 2], *p;
	struct run_opts o;
	int argc = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	argv[argc++] = "iorfd-conform";
	for (p = text; argc <= MAX_ARGS && p <= text + size; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	if (!run_opts_parse(argc, argv, &o))
		check_parsed(&o);
	free(text);
	return 0;
}
