/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the case-loader tests share: one temporary case file, written from
 * a string and loaded, and one heap copy of struct iorfd_case (it is large:
 * on the stack it would crowd cmocka's).  Included by one test file each;
 * CASE_FIXTURE_NAME names its temporary directory.
 */
#ifndef IORFD_TESTS_CASE_FIXTURE_H
#define IORFD_TESTS_CASE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/case.h"

static char tmp_dir[64];
static char tmp_path[128];
static struct iorfd_case *cs;

static void write_tmp(const char *text, size_t len)
{
	FILE *f = fopen(tmp_path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Loads @text for @rev from the temporary file; returns case_load's result. */
static int load_text(const char *text, enum iorfd_rev rev, struct case_error *err)
{
	write_tmp(text, strlen(text));
	return case_load(tmp_path, rev, cs, err);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/%s.XXXXXX", CASE_FIXTURE_NAME);
	if (!mkdtemp(tmp_dir))
		return -1;
	snprintf(tmp_path, sizeof(tmp_path), "%s/case.yaml", tmp_dir);
	cs = malloc(sizeof(*cs));
	return cs ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	unlink(tmp_path);
	rmdir(tmp_dir);
	free(cs);
	return 0;
}

#endif /* IORFD_TESTS_CASE_FIXTURE_H */
