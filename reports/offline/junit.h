/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JUnit XML for CI, made from a results file (reports/live/json.h), never from
 * the run's internals, so it says exactly what the JSON says.  The shape is
 * what Jenkins accepts (tests/data/junit-jenkins.xsd): a testsuite per case
 * group (the name's prefix before its first '-'), a testcase per case x
 * revision named "case.rev" with classname "iorfd.GROUP".
 *
 *   fail            <failure>: message = first line, body = every message
 *   error, timeout  <error>
 *   skip            <skipped message="reason">
 *   xfail, xpass    passed; system-out says it is a known failure and why
 *
 * Every testcase's system-out carries the decoded wire transcript.
 */
#ifndef IORFD_JUNIT_H
#define IORFD_JUNIT_H

#include <stddef.h>
#include <stdio.h>

#include "reports/offline/json_read_results.h"

void junit_write(FILE *f, const struct rrun *run);

/*
 * junit_write() into @xml_path, whole or not at all (lib/atomic_file.h).
 * Returns 0, or -1 with "PATH: reason (what to do)" in @err.
 */
int junit_write_file(const char *xml_path, const struct rrun *run, char *err, size_t errlen);

/* Reads @json_path, writes @xml_path as above.  Returns 0, or -1 with why in @err. */
int junit_from_json(const char *json_path, const char *xml_path, char *err, size_t errlen);

/*
 * A new temporary file for the JSON a --junit run converts when --json was
 * not given: its path goes to @path.  NULL (with errno) if none could be made.
 */
FILE *junit_tmp_json(char *path, size_t len);

#endif /* IORFD_JUNIT_H */
