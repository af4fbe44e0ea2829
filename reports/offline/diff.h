/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Verdict diff of two results files (report --diff BASE NEW), as text:
 * cases newly failing, newly passing, newly skipped, other verdict changes,
 * changed wire transcripts (the decoded commands, per case x revision), and
 * cases only in one of the files.
 */
#ifndef IORFD_DIFF_H
#define IORFD_DIFF_H

#include <stdio.h>

#include "reports/offline/json_read_results.h"

/* Returns the number of cases newly failing (fail, error, timeout in @new only). */
int diff_runs(FILE *out, const struct rrun *base, const struct rrun *new);

#endif /* IORFD_DIFF_H */
