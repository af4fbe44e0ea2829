/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the command line checks an expectations file against (struct
 * expect_check): the targets this binary has, the cases it was given and,
 * for lint, the requirement registry.  The run and lint share it, so that
 * a file lint passes is a file a run accepts.
 */
#ifndef IORFD_CLI_EXPECT_CHECK_H
#define IORFD_CLI_EXPECT_CHECK_H

#include "casefile/case_list.h"
#include "casefile/case_names.h"
#include "casefile/expectations.h"
#include "casefile/registry.h"
#include "model/case.h"

struct cli_expect {
	struct expect_check chk;
	struct case_names names;
	const char *targets[8];
};

/*
 * Fills @e for the cases @l made of the arguments @argc/@argv (none:
 * cases/) and @reg (or NULL).  -1 with @err when a case file does not
 * load: @e then checks everything but the case names.  @c is scratch
 * space.  cli_expect_fini(@e) either way.
 */
int cli_expect_init(struct cli_expect *e, int argc, char *const *argv, const struct case_list *l,
		    const struct registry *reg, struct iorfd_case *c, struct case_error *err);
void cli_expect_fini(struct cli_expect *e);

#endif /* IORFD_CLI_EXPECT_CHECK_H */
