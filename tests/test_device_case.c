// SPDX-License-Identifier: GPL-2.0
/*
 * Device cases (exchanges:): what the loader makes of each key, the
 * mistakes it refuses with their FILE:LINE:COL, and the catalogue in
 * cases/device/, which must load at every revision and cite only device-end
 * rules of the registry.
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "casefile/case_schema.h"
#include "casefile/registry.h"
#include "model/case.h"

#define CASE_FIXTURE_NAME "test_device_case"
#include "case_fixture.h"

static const char every_key[] =
	"case: device-all\n"					  /* 1 */
	"summary: every key\n"					  /* 2 */
	"requirements: [DEV-1, DEV-6]\n"			  /* 3 */
	"timeout_ms: 2000\n"					  /* 4 */
	"regions:\n"						  /* 5 */
	"  bar0: {user_data: 0x10, size: 0x100}\n"		  /* 6 */
	"  ring: {user_data: 0x11, size: 0x1000, posted: true}\n" /* 7 */
	"exchanges:\n"						  /* 8 */
	"  - {op: write, region: ring, offset: 0x8, size: 8, value: 0x5, repeat: 4, "
	"one_write: true}\n" /* 9 */
	"  - {op: read, region: ring, offset: 0x20, size: 8, expect: 0x8, req: DEV-6, "
	"pipelined: true, split_at: 13, pause_ms: 20}\n" /* 10 */
	"  - {op: read, region: bar0, offset: 0x0, size: 2, cut_at: 16,\n"
	"     reserved: {v1+v2: 0x80, v3: 0x2000}}\n" /* 11-12 */
	"  - {op: command, code: {v1+v2: 15, v3: 200}, region: bar0, offset: 0x4, size: 4, "
	"resp: true, data: 0x9}\n"			/* 13 */
	"  - {op: quiet, ms: 30, req: DEV-1}\n"		/* 14 */
	"  - {op: eof, close: both, within_ms: 500}\n"; /* 15 */

static void test_every_key(void **state)
{
	struct case_error err = {{0}};
	const struct dev_step *s;

	if (load_text(every_key, IORFD_V3, &err))
		fail_msg("%s", err.msg);
	assert_true(cs->device);
	assert_int_equal(cs->nr_vcpus, 0);
	assert_int_equal(cs->nr_channels, 1);
	assert_string_equal(cs->channels[0].name, "dev");
	assert_int_equal(cs->timeout_ms, 2000);
	assert_int_equal(cs->nr_regions, 2);
	assert_int_equal(cs->regions[1].user_data, 0x11);
	assert_true(cs->regions[1].posted);
	assert_int_equal(cs->nr_dev_steps, 6);

	s = &cs->dev_steps[0];
	assert_int_equal(s->op, DEV_WRITE);
	assert_int_equal(s->code, WIRE_CMD_WRITE);
	assert_false(s->resp); /* a posted region */
	assert_int_equal(s->repeat, 4);
	assert_true(s->one_write);
	assert_int_equal(s->loc.line, 9);

	s = &cs->dev_steps[1];
	assert_int_equal(s->op, DEV_READ);
	assert_true(s->resp);
	assert_true(s->check);
	assert_int_equal(s->expect, 0x8);
	assert_string_equal(s->req, "DEV-6");
	assert_true(s->pipelined);
	assert_int_equal(s->split_at, 13);
	assert_int_equal(s->pause_ms, 20);
	assert_int_equal(s->repeat, 1);

	s = &cs->dev_steps[2];
	assert_false(s->check);
	assert_int_equal(s->cut_at, 16);
	assert_int_equal(s->reserved, 0x2000);

	s = &cs->dev_steps[3];
	assert_int_equal(s->op, DEV_COMMAND);
	assert_int_equal(s->code, 200);
	assert_true(s->resp);
	assert_int_equal(s->value, 0x9);
	assert_int_equal(s->repeat, 1);

	assert_int_equal(cs->dev_steps[4].pause_ms, 30);
	assert_true(cs->dev_steps[5].close_both);
	assert_int_equal(cs->dev_steps[5].within_ms, 500);

	/* Per-revision values resolve for v1 too. */
	if (load_text(every_key, IORFD_V1, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(cs->dev_steps[2].reserved, 0x80);
	assert_int_equal(cs->dev_steps[3].code, 15);
}

#define HEAD                                                                                      \
	"case: device-t\nrequirements: [DEV-1]\nregions:\n  bar0: {user_data: 0x1, size: 0x10}\n" \
	"exchanges:\n"
/* One exchange, at line 6 column 5. */
#define X(e) HEAD "  - " e "\n"

static const struct {
	const char *what;
	enum iorfd_rev rev;
	const char *text, *msg;
} errors[] = {
	{"a guest key", IORFD_V1, HEAD "  - {op: eof}\nvcpus: []\n",
	 "7:1: 'vcpus' is for guest cases: a device case (exchanges:) has the contract's one "
	 "channel and no guest"},
	{"no regions", IORFD_V1, "case: device-t\nexchanges:\n  - {op: eof}\n",
	 "1:1: missing key 'regions'"},
	{"unknown op", IORFD_V1, X("{op: poke}"),
	 "6:10: unknown op 'poke' (expected read, write, command, quiet or eof)"},
	{"outside the region", IORFD_V1, X("{op: read, region: bar0, offset: 0xe, size: 4}"),
	 "6:38: 4 bytes at offset 0xe are not inside region 'bar0' (size 0x10)"},
	{"a field as reserved", IORFD_V1,
	 X("{op: read, region: bar0, offset: 0, size: 4, reserved: 0x40}"),
	 "6:60: reserved 0x40 must set only bits the v1 layout reserves (within "
	 "0xffffffffffffff80 of the first 8 bytes, little-endian)"},
	{"a v1 code past 4 bits", IORFD_V1,
	 X("{op: command, code: 16, region: bar0, offset: 0, size: 4, resp: false}"),
	 "6:25: code 16 is not in 0..15"},
	{"req not cited", IORFD_V1, X("{op: quiet, ms: 10, req: DEV-2}"),
	 "6:30: req 'DEV-2' is not among the case's requirements"},
	{"split of a repeat", IORFD_V1,
	 X("{op: write, region: bar0, offset: 0, size: 1, value: 1, repeat: 2, split_at: 3}"),
	 "6:5: split_at and cut_at are for one command, not a repeat"},
	{"split and cut", IORFD_V1,
	 X("{op: read, region: bar0, offset: 0, size: 1, split_at: 3, cut_at: 4}"),
	 "6:63: give only one of 'split_at' or 'cut_at'"},
	{"pause without split", IORFD_V1,
	 X("{op: read, region: bar0, offset: 0, size: 1, pause_ms: 3}"),
	 "6:60: 'pause_ms' is the pause of a split_at"},
	{"repeat leaves the region", IORFD_V1,
	 X("{op: write, region: bar0, offset: 0x8, size: 4, value: 1, repeat: 3}"),
	 "6:5: 3 writes of 4 bytes from offset 0x8 leave region 'bar0'"},
	{"repeat overflows the value", IORFD_V1,
	 X("{op: write, region: bar0, offset: 0, size: 1, value: 0xff, repeat: 2}"),
	 "6:58: value 0xff + 1 more does not fit in 1 byte"},
	{"one_write alone", IORFD_V1,
	 X("{op: write, region: bar0, offset: 0, size: 1, value: 1, one_write: true}"),
	 "6:5: one_write needs a repeat of 2 or more"},
	{"after eof", IORFD_V1, HEAD "  - {op: eof}\n  - {op: quiet, ms: 1}\n",
	 "7:5: nothing can follow an eof exchange"},
	{"same user_data", IORFD_V1,
	 "case: device-t\nregions:\n  a: {user_data: 0x1, size: 1}\n  b: {user_data: 0x1, size: "
	 "1}\nexchanges:\n  - {op: eof}\n",
	 "4:18: user_data 0x1 is region 'a''s already"},
	{"sizeless", IORFD_V1,
	 "case: device-t\nregions:\n  a: {user_data: 0x1, size: 0}\nexchanges:\n  - {op: eof}\n",
	 "3:29: a region the device serves has a size (1 or more)"},
	{"a guest key in a region", IORFD_V1,
	 "case: device-t\nregions:\n  a: {user_data: 1, size: 1, gpa: 0}\nexchanges:\n"
	 "  - {op: eof}\n",
	 "3:30: unknown key 'gpa'"},
	{"no exchanges", IORFD_V1, HEAD, "5:11: expected a sequence, found an empty value"},
};

static void test_errors(void **state)
{
	char want[600];
	size_t i;

	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		struct case_error err = {{0}};

		snprintf(want, sizeof(want), "%s:%s", tmp_path, errors[i].msg);
		if (load_text(errors[i].text, errors[i].rev, &err) != -1)
			fail_msg("%s: loaded", errors[i].what);
		if (strcmp(err.msg, want))
			fail_msg("%s:\n  want %s\n  got  %s", errors[i].what, want, err.msg);
	}
}

/* The exchange entries are in the order of enum dev_op: the loader's index is the op. */
static void test_schema_order(void **state)
{
	static const char *const ops[] = {
		[DEV_READ] = "read",   [DEV_WRITE] = "write", [DEV_COMMAND] = "command",
		[DEV_QUIET] = "quiet", [DEV_EOF] = "eof",
	};
	size_t i;
	int idx;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		assert_non_null(schema_find("exchange", ops[i], &idx));
		assert_int_equal(idx, (int)i);
	}
}

/* The catalogue loads at every revision and cites device-end rules that exist. */
static void test_catalogue(void **state)
{
	struct registry reg;
	char err[512];
	enum iorfd_rev rev;
	glob_t g;
	size_t i;
	int j;

	if (registry_load("docs/requirements.yaml", &reg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(glob("cases/device/*.yaml", 0, NULL, &g), 0);
	assert_true(g.gl_pathc > 10);
	for (i = 0; i < g.gl_pathc; i++) {
		for_each_rev(rev) {
			struct case_error cerr;

			if (case_load(g.gl_pathv[i], rev, cs, &cerr))
				fail_msg("%s", cerr.msg);
			assert_true(cs->device);
			assert_int_equal(strncmp(cs->name, "device-", 7), 0);
			for (j = 0; j < cs->nr_reqs; j++) {
				if (!registry_find(&reg, cs->reqs[j]))
					fail_msg("%s: unknown requirement %s", cs->file,
						 cs->reqs[j]);
				if (registry_end(cs->reqs[j]) != REQ_END_DEVICE)
					fail_msg("%s: %s is not a device-end rule", cs->file,
						 cs->reqs[j]);
			}
		}
	}
	globfree(&g);
	registry_free(&reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_schema_order),
		cmocka_unit_test(test_catalogue),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
