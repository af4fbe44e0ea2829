// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/expect_check.h"
#include "targets/target.h"

int cli_expect_init(struct cli_expect *e, int argc, char *const *argv, const struct case_list *l,
		    const struct registry *reg, struct iorfd_case *c, struct case_error *err)
{
	char from[256] = "";
	size_t i, max = sizeof(e->targets) / sizeof(e->targets[0]) - 1;
	int a;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < max && target_all[i]; i++)
		e->targets[i] = target_all[i]->name;
	e->chk.targets = e->targets;
	e->chk.reg = reg;
	/* As they were given: the message says where the case it misses should be. */
	for (a = 0; a < argc; a++)
		snprintf(from + strlen(from), sizeof(from) - strlen(from), "%s%s", a ? " " : "",
			 argv[a]);
	if (case_names_collect(l, argc ? from : cli_default_cases(), c, &e->names, err))
		return -1;
	e->chk.cases = &e->names;
	return 0;
}

void cli_expect_fini(struct cli_expect *e)
{
	case_names_free(&e->names);
}
