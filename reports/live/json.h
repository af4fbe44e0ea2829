/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Machine-readable results (--json FILE): a header describing the run, then
 * one record per case x revision with the verdict, the reasons, the full
 * wire transcript (raw and decoded, each command with its region, vCPU and
 * step where reports/live/tx_source.h can tell) and the ordinary exits.  Other reports
 * are meant to be made from this file, not from the run's internals.
 * 64-bit values are hex strings: JSON numbers lose precision past 2^53.
 */
#ifndef IORFD_JSON_H
#define IORFD_JSON_H

#include <stdio.h>

#include "model/case.h"
#include "model/result.h"
#include "model/probe.h"

struct json_run {
	const char *version;
	const char *target;
	const struct target_probe *probe;
	int argc;
	char *const *argv;
	unsigned long long cases_hash; /* FNV-1a over the case files, in order */
	const char *note;	       /* --run-note: where the run happened, or NULL */
	const char *device; /* the device program's command line (device runs), or NULL */
};

void json_begin(FILE *f, const struct json_run *run);
void json_case(FILE *f, const struct iorfd_case *c, const struct case_result *r);
void json_skip(FILE *f, const char *name, const char *file, enum iorfd_rev rev, const char *reason);
/* Closes the document; @interrupted names the signal that ended the run early, or NULL. */
void json_end(FILE *f, const char *interrupted);

/* Writes @s as a JSON string literal. */
void json_str(FILE *f, const char *s);

#endif /* IORFD_JSON_H */
