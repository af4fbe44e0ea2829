// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the case loader (harness/casefile/case_load.c, yaml_tree.c) and the
 * errno name table.
 *
 * Good cases come from tests/data/ and are checked field by field, line
 * numbers included.  Each class of error has one table entry: a small case
 * written to a temporary file, and the exact "FILE:LINE:COL: message" the
 * loader must produce for it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "casefile/case_schema.h"
#include "model/case.h"
#include "lib/errno_names.h"

#define CASE_FIXTURE_NAME "test_case_load"
#include "case_fixture.h"

#define DATA_DIR "tests/data/"

static void load_ok(const char *path, enum iorfd_rev rev)
{
	struct case_error err = {{0}};

	if (case_load(path, rev, cs, &err))
		fail_msg("%s", err.msg);
	assert_string_equal(err.msg, "");
}

static void assert_loc(const struct src_loc *loc, int line, int col)
{
	assert_ptr_equal(loc->file, cs->file);
	assert_int_equal(loc->line, line);
	assert_int_equal(loc->col, col);
}

static void assert_step(const struct case_step *s, enum step_op op, enum addr_space space,
			int region, uint64_t addr, unsigned int size)
{
	assert_int_equal(s->op, op);
	assert_int_equal(s->space, space);
	assert_int_equal(s->region, region);
	assert_int_equal(s->addr, addr);
	assert_int_equal(s->size, size);
}

/* ---- good cases ------------------------------------------------------------ */

/* What every-key.yaml gives whatever the revision. */
static void check_every_key_common(void)
{
	const struct case_channel *dev = &cs->channels[0], *aux = &cs->channels[1];
	const struct case_region *bar0 = &cs->regions[0], *ports = &cs->regions[1];
	const struct case_step *s = cs->vcpus[0].steps;

	assert_string_equal(cs->file, DATA_DIR "every_key.yaml");
	assert_string_equal(cs->name, "every-key");
	assert_string_equal(cs->summary, "Every key the loader knows, with per-revision values");
	assert_string_equal(cs->crash_risk, "B6: a NULL dereference with slots_lock held");
	assert_int_equal(cs->timeout_ms, 2500);
	assert_int_equal(cs->sigpipe, VMM_SIGPIPE_HANDLER);
	assert_loc(&cs->loc, 3, 1);
	assert_int_equal(cs->revisions, (1u << IORFD_V1) | (1u << IORFD_V3));
	assert_int_equal(cs->nr_reqs, 3);
	assert_string_equal(cs->reqs[0], "WIRE-1");
	assert_string_equal(cs->reqs[1], "FIELD-2");
	assert_string_equal(cs->reqs[2], "POSTED-3A");

	assert_int_equal(cs->nr_channels, 2);
	assert_string_equal(dev->name, "dev");
	assert_int_equal(dev->kind, CHAN_STREAM);
	assert_int_equal(dev->model, RESPONDER_REGISTERS);
	assert_int_equal(dev->reset, UINT64_MAX);
	assert_loc(&dev->loc, 9, 3);
	assert_string_equal(aux->name, "aux");
	assert_int_equal(aux->reset, 0);
	assert_loc(&aux->loc, 13, 3);

	assert_int_equal(cs->nr_regions, 2);
	assert_string_equal(bar0->name, "bar0");
	assert_int_equal(bar0->channel, 0);
	assert_int_equal(bar0->space, SPACE_MMIO);
	assert_int_equal(bar0->gpa, 0xd0000000);
	assert_int_equal(bar0->size, 0x1000);
	assert_int_equal(bar0->user_data, 0x1122334455667788ull);
	assert_false(bar0->posted);
	assert_int_equal(bar0->expect_errno, 0);
	assert_loc(&bar0->loc, 17, 3);
	assert_string_equal(ports->name, "ports");
	assert_int_equal(ports->channel, 1);
	assert_int_equal(ports->space, SPACE_PIO);
	assert_int_equal(ports->gpa, 0x3f8);
	assert_int_equal(ports->size, 8);
	assert_int_equal(ports->user_data, 0);
	assert_loc(&ports->loc, 22, 3);

	assert_int_equal(cs->nr_vcpus, 2);
	assert_loc(&cs->vcpus[0].loc, 31, 5);
	assert_int_equal(cs->vcpus[0].nr_steps, 5);
	assert_step(&s[0], STEP_WRITE, SPACE_MMIO, 0, 0xd0000010, 4);
	assert_int_equal(s[0].value, 1);
	assert_loc(&s[0].loc, 32, 9);
	assert_int_equal(s[1].op, STEP_READ);
	assert_int_equal(s[1].addr, 0xd0000010);
	assert_true(s[1].check);
	assert_int_equal(s[1].expect, 1);
	assert_loc(&s[1].loc, 33, 9);
	assert_step(&s[2], STEP_READ, SPACE_MMIO, -1, 0xd0001000, 8);
	assert_false(s[2].check);
	assert_step(&s[3], STEP_WRITE, SPACE_PIO, -1, 0x80, 1);
	assert_int_equal(s[3].value, 10);
	assert_int_equal(s[4].op, STEP_SYNC);
	assert_int_equal(s[4].region, -1);
	assert_loc(&s[4].loc, 36, 9);
	assert_loc(&cs->vcpus[1].loc, 37, 5);

	assert_int_equal(cs->expect.outcome, OUTCOME_DONE);
	assert_loc(&cs->expect.outcome_loc, 40, 12);
	assert_int_equal(cs->expect.cmds[0].channel, 0);
	assert_int_equal(cs->expect.cmds[0].region, 0);
	assert_int_equal(cs->expect.cmds[0].cmd, WIRE_CMD_WRITE);
	assert_int_equal(cs->expect.cmds[0].size, 4);
	assert_int_equal(cs->expect.cmds[0].offset, 0x10);
	assert_int_equal(cs->expect.cmds[0].data, 1);
	assert_false(cs->expect.cmds[0].has_reply);
	assert_loc(&cs->expect.cmds[0].loc, 43, 9);
	assert_int_equal(cs->expect.cmds[1].cmd, WIRE_CMD_READ);
	assert_int_equal(cs->expect.cmds[1].data, 0);
	assert_true(cs->expect.cmds[1].has_reply);
	/* A reply is a whole u64 response, wider than the access. */
	assert_int_equal(cs->expect.cmds[1].reply, 0xaabbccdd00000001ull);

	assert_int_equal(cs->expect.nr_exits, 2);
	assert_int_equal(cs->expect.exits[0].space, SPACE_MMIO);
	assert_false(cs->expect.exits[0].write);
	assert_int_equal(cs->expect.exits[0].addr, 0xd0001000);
	assert_int_equal(cs->expect.exits[0].size, 8);
	assert_int_equal(cs->expect.exits[0].data, UINT64_MAX);
	assert_loc(&cs->expect.exits[0].loc, 47, 7);
	assert_int_equal(cs->expect.exits[1].space, SPACE_PIO);
	assert_true(cs->expect.exits[1].write);
	assert_int_equal(cs->expect.exits[1].addr, 0x80);
	assert_int_equal(cs->expect.exits[1].data, 10);
}

static void test_every_key_v1(void **state)
{
	load_ok(DATA_DIR "every_key.yaml", IORFD_V1);
	check_every_key_common();
	assert_int_equal(cs->rev, IORFD_V1);
	assert_int_equal(cs->channels[1].kind, CHAN_PIPES);
	assert_false(cs->regions[1].posted);
	assert_int_equal(cs->regions[1].expect_errno, 0);
	assert_int_equal(cs->vcpus[0].steps[1].size, 4);
	assert_int_equal(cs->vcpus[1].nr_steps, 1);
	assert_int_equal(cs->vcpus[1].steps[0].op, STEP_SYNC);
	/* The v1 list for 'aux' is empty: that channel must stay silent. */
	assert_int_equal(cs->expect.nr_cmds, 2);
	assert_int_equal(cs->expect.cmds[1].size, 4);
}

static void test_every_key_v3(void **state)
{
	const struct expect_cmd *e;

	load_ok(DATA_DIR "every_key.yaml", IORFD_V3);
	check_every_key_common();
	assert_int_equal(cs->rev, IORFD_V3);
	assert_int_equal(cs->channels[1].kind, CHAN_SEQPACKET);
	assert_true(cs->regions[1].posted);
	assert_int_equal(cs->regions[1].expect_errno, EINVAL);
	assert_int_equal(cs->vcpus[0].steps[1].size, 2);
	assert_int_equal(cs->vcpus[1].nr_steps, 1);
	assert_step(&cs->vcpus[1].steps[0], STEP_READ, SPACE_PIO, 1, 0x3f8 + 0xfff, 1);
	assert_loc(&cs->vcpus[1].steps[0].loc, 37, 43);
	assert_int_equal(cs->expect.nr_cmds, 3);
	assert_int_equal(cs->expect.cmds[1].size, 2);
	e = &cs->expect.cmds[2];
	assert_int_equal(e->channel, 1);
	assert_int_equal(e->region, 1);
	assert_int_equal(e->cmd, WIRE_CMD_READ);
	assert_int_equal(e->size, 1);
	assert_int_equal(e->offset, 0xfff);
	assert_true(e->has_reply);
	assert_int_equal(e->reply, 017);
	assert_loc(&e->loc, 45, 29);
}

/* A case loads for a revision it does not apply to; the caller decides. */
static void test_revision_outside_set(void **state)
{
	load_ok(DATA_DIR "every_key.yaml", IORFD_V2);
	assert_int_equal(cs->rev, IORFD_V2);
	assert_false(cs->revisions & (1u << IORFD_V2));
	assert_int_equal(cs->channels[1].kind, CHAN_PIPES);
	assert_int_equal(cs->vcpus[0].steps[1].size, 2);
}

static void test_defaults(void **state)
{
	const struct case_step *s;

	load_ok(DATA_DIR "minimal.yaml", IORFD_V2);
	assert_string_equal(cs->name, "minimal");
	assert_string_equal(cs->summary, "");
	assert_string_equal(cs->crash_risk, "");
	assert_int_equal(cs->timeout_ms, 0);
	assert_int_equal(cs->sigpipe, VMM_SIGPIPE_IGNORE);
	assert_int_equal(cs->nr_reqs, 0);
	assert_int_equal(cs->revisions, IORFD_ALL_REVS);
	assert_int_equal(cs->channels[0].kind, CHAN_PIPES);
	assert_int_equal(cs->channels[0].model, RESPONDER_REGISTERS);
	assert_int_equal(cs->channels[0].reset, 0);
	assert_int_equal(cs->regions[0].space, SPACE_MMIO);
	assert_int_equal(cs->regions[0].user_data, 0);
	assert_false(cs->regions[0].posted);
	assert_int_equal(cs->regions[0].expect_errno, 0);
	/* An offset past the region's end is allowed: cases straddle with it. */
	s = &cs->vcpus[0].steps[0];
	assert_step(s, STEP_READ, SPACE_MMIO, 0, 0x1020, 2);
	assert_false(s->check);
	assert_int_equal(cs->expect.outcome, OUTCOME_DONE);
	assert_loc(&cs->expect.outcome_loc, 11, 3);
	assert_int_equal(cs->expect.nr_cmds, 0);
	/* A read exit answers all ones of its size, as an unclaimed bus. */
	assert_int_equal(cs->expect.exits[0].data, 0xffff);
}

/* Number syntaxes, and the limits of each. */
static void test_numbers(void **state)
{
	static const char text[] =
		"case: n\n"
		"channels: {c: {kind: stream, reset: 18446744073709551615}}\n"
		"regions:\n"
		"  a: {channel: c, gpa: 0b101, size: 0o17}\n"
		"  b: {channel: c, gpa: 0XfFfF, size: 0, user_data: 0}\n"
		"  top: {channel: c, gpa: 0xfffffffffffff000, size: 0x1000}\n"
		"  wrap: {channel: c, gpa: 0xfffffffffffff000, size: 0x2000,\n"
		"         errno: {v1: EEXIST, default: EINVAL}}\n"
		"vcpus: [{program: [{op: write, mmio: 0xfffffffffffffff8, size: 8,\n"
		"                    value: \"0xffffffffffffffff\"}]}]\n";
	struct case_error err = {{0}};

	if (load_text(text, IORFD_V1, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(cs->channels[0].reset, UINT64_MAX);
	assert_int_equal(cs->regions[0].gpa, 5);
	assert_int_equal(cs->regions[0].size, 15);
	assert_int_equal(cs->regions[1].gpa, 0xffff);
	assert_int_equal(cs->regions[1].size, 0);
	/* Ends exactly at 2^64: fine.  Wraps, but must be refused: fine too. */
	assert_int_equal(cs->regions[2].size, 0x1000);
	assert_int_equal(cs->regions[3].expect_errno, EEXIST);
	assert_int_equal(cs->vcpus[0].steps[0].value, UINT64_MAX);
}

/* crash_risk takes any text, quoted or not; it is what the skip line shows. */
static void test_crash_risk(void **state)
{
	static const char text[] = "case: t\n"
				   "crash_risk: B6 oopses RFC v3 (NULL dereference)\n"
				   "vcpus: [{program: [{op: sync}]}]\n";
	struct case_error err = {{0}};

	if (load_text(text, IORFD_V3, &err))
		fail_msg("%s", err.msg);
	assert_string_equal(cs->crash_risk, "B6 oopses RFC v3 (NULL dereference)");
}

/* Cut the good file at every byte: each prefix loads or fails cleanly. */
static void test_truncations(void **state)
{
	struct case_error err;
	char *text;
	size_t len, n;
	FILE *f;

	f = fopen(DATA_DIR "every_key.yaml", "r");
	assert_non_null(f);
	text = malloc(1 << 16);
	assert_non_null(text);
	len = fread(text, 1, 1 << 16, f);
	fclose(f);
	for (n = 0; n <= len; n++) {
		write_tmp(text, n);
		err.msg[0] = '\0';
		if (case_load(tmp_path, IORFD_V3, cs, &err)) {
			assert_int_equal(strncmp(err.msg, tmp_path, strlen(tmp_path)), 0);
			assert_int_equal(err.msg[strlen(tmp_path)], ':');
		}
	}
	free(text);
}

/* ---- errors: one entry per class ------------------------------------------ */

/* A valid head: channel dev, region bar0 (mmio 0x1000, 0x100 bytes). */
#define HEAD                      \
	"case: t\n"               \
	"channels:\n"             \
	"  dev: {kind: stream}\n" \
	"regions:\n"              \
	"  bar0: {channel: dev, gpa: 0x1000, size: 0x100}\n"
/* ...then a program whose first step is on line 8, column 9. */
#define PROG	  HEAD "vcpus:\n  - program:\n"
#define STEP(s)	  PROG "      - " s "\n"
#define SYNC_VCPU "vcpus: [{program: [{op: sync}]}]\n"
/* The same with region r (mmio 0x2000, 0x10 bytes) registered by a host step. */
#define LATER_STEP(s)                                                          \
	HEAD "  r: {channel: dev, gpa: 0x2000, size: 0x10, register: later}\n" \
	     "vcpus:\n  - program:\n      - " s "\n"

struct err_case {
	const char *name;
	enum iorfd_rev rev;
	const char *text;
	const char *msg; /* after "FILE:" */
};

static const struct err_case err_cases[] = {
	{"unknown key", IORFD_V1,
	 "case: t\nchannels: {dev: {kind: stream}}\nregions:\n  bar0:\n    channel: dev\n"
	 "    gpa: 0x1000\n    sise: 4\n" SYNC_VCPU,
	 "7:5: unknown key 'sise'"},
	{"duplicate key", IORFD_V1,
	 "case: t\nchannels: {dev: {kind: stream}}\nregions:\n  bar0:\n    channel: dev\n"
	 "    size: 0x10\n    gpa: 0x1000\n    size: 0x20\n" SYNC_VCPU,
	 "8:5: duplicate key 'size' (first at line 6)"},
	{"mapping expected", IORFD_V1, "case: t\nchannels:\n  - dev\n" SYNC_VCPU,
	 "3:3: expected a mapping, found a sequence"},
	{"scalar expected", IORFD_V1, STEP("{op: read, mmio: [1], size: 4}"),
	 "8:26: expected a number, found a sequence"},
	{"sequence expected", IORFD_V1, HEAD "vcpus:\n  program: []\n",
	 "7:3: expected a sequence, found a mapping"},
	{"empty value", IORFD_V1, HEAD "vcpus:\n",
	 "6:7: expected a sequence, found an empty value"},
	{"bad number", IORFD_V1, STEP("{op: read, mmio: 0x1g, size: 4}"),
	 "8:26: bad number '0x1g'"},
	{"octal-looking number", IORFD_V1, STEP("{op: read, mmio: 010, size: 4}"),
	 "8:26: bad number '010'"},
	{"signed number", IORFD_V1, STEP("{op: read, mmio: -1, size: 4}"), "8:26: bad number '-1'"},
	{"number too big", IORFD_V1, STEP("{op: read, mmio: 0x10000000000000000, size: 4}"),
	 "8:26: number '0x10000000000000000' does not fit in 64 bits"},
	{"bad size", IORFD_V1, STEP("{op: read, mmio: 0x10, size: 3}"),
	 "8:38: size must be 1, 2, 4 or 8"},
	{"pio size", IORFD_V1, STEP("{op: read, pio: 0x10, size: 8}"),
	 "8:37: pio size must be 1, 2 or 4"},
	{"value too wide", IORFD_V1,
	 STEP("{op: write, region: bar0, offset: 0, size: 1, value: 0x1ff}"),
	 "8:62: value 0x1ff does not fit in 1 byte"},
	{"expect too wide", IORFD_V1, STEP("{op: read, mmio: 0, size: 2, expect: 0x10000}"),
	 "8:46: value 0x10000 does not fit in 2 bytes"},
	{"unknown region", IORFD_V1, STEP("{op: read, region: bar9, offset: 0, size: 4}"),
	 "8:28: unknown region 'bar9'"},
	{"unknown channel", IORFD_V1,
	 "case: t\nchannels: {dev: {kind: stream}}\nregions:\n  r: {channel: dve, gpa: 0, size: "
	 "1}\n" SYNC_VCPU,
	 "4:16: unknown channel 'dve'"},
	{"missing key", IORFD_V1,
	 "case: t\nchannels: {dev: {kind: stream}}\nregions:\n  bar0:\n    channel: dev\n"
	 "    size: 0x10\n" SYNC_VCPU,
	 "5:5: missing key 'gpa'"},
	{"missing case", IORFD_V1, "summary: s\n" SYNC_VCPU, "1:1: missing key 'case'"},
	{"missing kind", IORFD_V1, "case: t\nchannels: {dev: {reset: 0}}\n" SYNC_VCPU,
	 "2:17: missing key 'kind'"},
	{"missing vcpus", IORFD_V1, HEAD, "1:1: missing key 'vcpus'"},
	{"missing value", IORFD_V1, STEP("{op: write, mmio: 0, size: 4}"),
	 "8:9: missing key 'value'"},
	{"missing write data", IORFD_V1,
	 SYNC_VCPU "expect:\n  exits:\n    - {op: write, mmio: 0, size: 4}\n" HEAD,
	 "4:7: missing key 'data'"},
	{"no value for revision", IORFD_V2, STEP("{op: read, mmio: {v1: 0, v3: 4}, size: 4}"),
	 "8:26: no value for revision v2 (add v2 or default)"},
	{"not a selector", IORFD_V1, STEP("{op: read, mmio: {v1: 0, v4: 4}, size: 4}"),
	 "8:34: 'v4' is not a revision selector (v1, v2, v3, default, v1+v2, ...)"},
	{"revision twice", IORFD_V1, STEP("{op: read, mmio: {v1+v2: 0, v2: 4}, size: 4}"),
	 "8:37: revision v2 given twice (first at line 8)"},
	{"revision twice in a key", IORFD_V1, STEP("{op: read, mmio: {v1+v1: 0}, size: 4}"),
	 "8:27: revision v1 given twice in 'v1+v1'"},
	{"case cannot vary", IORFD_V1, "case: {v1: a, v2: b}\n" SYNC_VCPU,
	 "1:7: 'case' cannot vary by revision"},
	{"revisions cannot vary", IORFD_V1, "case: t\nrevisions: {default: [v1]}\n" SYNC_VCPU,
	 "2:12: 'revisions' cannot vary by revision"},
	{"unknown revision", IORFD_V1, "case: t\nrevisions: [v1, v4]\n" SYNC_VCPU,
	 "2:17: unknown revision 'v4' (expected v1, v2 or v3)"},
	{"revision listed twice", IORFD_V1, "case: t\nrevisions: [v3, v3]\n" SYNC_VCPU,
	 "2:17: revision v3 listed twice"},
	{"no revisions", IORFD_V1, "case: t\nrevisions: []\n" SYNC_VCPU,
	 "2:12: revisions must name at least one revision"},
	{"syntax error", IORFD_V1, "case: t\nvcpus: [{program: [{op: sync}]}\n",
	 "3:1: did not find expected ',' or ']' (while parsing a flow sequence at line 2)"},
	{"alias", IORFD_V1, "case: &n t\n" SYNC_VCPU, "1:7: anchors and aliases are not supported"},
	{"tag", IORFD_V1, "case: !!str t\n" SYNC_VCPU, "1:7: tags are not supported"},
	{"two documents", IORFD_V1, "case: t\n" SYNC_VCPU "---\ncase: u\n",
	 "3:1: only one document per file"},
	{"empty file", IORFD_V1, "# nothing\n", "1:1: no case in the file"},
	{"not a mapping", IORFD_V1, "- case\n", "1:1: expected a mapping, found a sequence"},
	{"NUL in a scalar", IORFD_V1, "case: \"t\\0u\"\n" SYNC_VCPU,
	 "1:7: scalar contains a NUL character"},
	{"bad UTF-8", IORFD_V1, "case: t\nsummary: \xff\n" SYNC_VCPU,
	 "2:10: invalid leading UTF-8 octet"},
	{"complex key", IORFD_V1, "case: t\n? [a]\n: 1\n" SYNC_VCPU,
	 "2:3: mapping keys must be scalars, found a sequence"},
	{"bad name", IORFD_V1, "case: t\nchannels: {d e: {kind: stream}}\n" SYNC_VCPU,
	 "2:12: bad name 'd e' (use A-Z a-z 0-9 _ -)"},
	{"long name", IORFD_V1,
	 "case: abcdefghijabcdefghijabcdefghijabcdefghij0123456789\n" SYNC_VCPU,
	 "1:7: name 'abcdefghijabcdefghijabcdefghijabcdefghij0123456789' is longer than 47 "
	 "characters"},
	{"bad requirement", IORFD_V1, "case: t\nrequirements: [WIRE-1, wire-2]\n" SYNC_VCPU,
	 "2:24: bad requirement ID 'wire-2' (like WIRE-1)"},
	{"long requirement", IORFD_V1, "case: t\nrequirements: [WIRE-1234567890AB]\n" SYNC_VCPU,
	 "2:16: requirement ID 'WIRE-1234567890AB' is longer than 15 characters"},
	{"requirement twice", IORFD_V1, "case: t\nrequirements: [WIRE-1, WIRE-1]\n" SYNC_VCPU,
	 "2:24: requirement 'WIRE-1' listed twice"},
	{"crash_risk as a list", IORFD_V1, "case: t\ncrash_risk: [B6]\n" SYNC_VCPU,
	 "2:13: expected a string (the reason), found a sequence"},
	{"crash_risk as a mapping", IORFD_V1, "case: t\ncrash_risk: {why: B6}\n" SYNC_VCPU,
	 "2:13: expected a string (the reason), found a mapping"},
	{"crash_risk empty", IORFD_V1, "case: t\ncrash_risk:\n" SYNC_VCPU,
	 "2:12: expected a string (the reason), found an empty value"},
	{"crash_risk as a boolean", IORFD_V1, "case: t\ncrash_risk: true\n" SYNC_VCPU,
	 "2:13: crash_risk wants the reason as a string, not true"},
	{"crash_risk empty string", IORFD_V1, "case: t\ncrash_risk: \"\"\n" SYNC_VCPU,
	 "2:13: crash_risk needs a reason"},
	{"crash_risk on two lines", IORFD_V1, "case: t\ncrash_risk: |\n  B6\n  oops\n" SYNC_VCPU,
	 "2:13: crash_risk must be one line"},
	{"crash_risk cannot vary", IORFD_V1, "case: t\ncrash_risk: {v3: B6}\n" SYNC_VCPU,
	 "2:13: 'crash_risk' cannot vary by revision"},
	{"unknown kind", IORFD_V1, "case: t\nchannels: {dev: {kind: tcp}}\n" SYNC_VCPU,
	 "2:24: unknown kind 'tcp' (expected stream, seqpacket, pipes or fifos)"},
	{"unknown errno", IORFD_V1,
	 "case: t\nchannels: {dev: {kind: stream}}\n"
	 "regions: {r: {channel: dev, gpa: 0, size: 1, errno: 22}}\n" SYNC_VCPU,
	 "3:53: unknown errno '22' (0 or a name such as EINVAL)"},
	{"bad bool", IORFD_V1,
	 "case: t\nchannels: {dev: {kind: stream}}\n"
	 "regions: {r: {channel: dev, gpa: 0, size: 1, posted: yes}}\n" SYNC_VCPU,
	 "3:54: expected true or false, found 'yes'"},
	{"region wraps", IORFD_V1,
	 "case: t\nchannels: {dev: {kind: stream}}\n"
	 "regions: {r: {channel: dev, gpa: 0xfffffffffffff000, size: 0x1001}}\n" SYNC_VCPU,
	 "3:60: region 0xfffffffffffff000 + 0x1001 wraps past the end of the address space"},
	{"offset overflows", IORFD_V1,
	 STEP("{op: read, region: bar0, offset: 0xfffffffffffff000, size: 4}"),
	 "8:42: region 'bar0' at 0x1000 + offset 0xfffffffffffff000 overflows"},
	{"access wraps", IORFD_V1, STEP("{op: read, mmio: 0xffffffffffffffff, size: 2}"),
	 "8:26: access of 2 bytes at 0xffffffffffffffff wraps past the end of the address space"},
	{"port beyond 16 bits", IORFD_V1, STEP("{op: read, pio: 0xfffe, size: 4}"),
	 "8:25: port 0xfffe + 4 bytes is beyond the 16-bit I/O space"},
	{"no address", IORFD_V1, STEP("{op: read, size: 4}"),
	 "8:9: read needs one of 'region', 'mmio' or 'pio'"},
	{"two addresses", IORFD_V1, STEP("{op: read, mmio: 0, pio: 0, size: 4}"),
	 "8:29: give only one of 'region', 'mmio' or 'pio'"},
	{"offset without region", IORFD_V1, STEP("{op: read, mmio: 0, offset: 0, size: 4}"),
	 "8:29: 'offset' needs 'region'"},
	{"sync with an address", IORFD_V1, STEP("{op: sync, mmio: 0}"),
	 "8:20: sync takes no 'mmio'"},
	{"value on a read", IORFD_V1, STEP("{op: read, mmio: 0, size: 4, value: 1}"),
	 "8:38: 'value' is only for write, add, xchg and cmpxchg"},
	{"expect on a write", IORFD_V1, STEP("{op: write, mmio: 0, size: 4, value: 1, expect: 1}"),
	 "8:49: 'expect' is only for read, ins, xchg, cmpxchg and load16"},
	{"unknown op", IORFD_V1, STEP("{op: fence}"),
	 "8:14: unknown op 'fence' (expected read, write, sync, host, outs, ins, add, xchg, cmpxchg, "
	 "store16 or load16)"},
	{"no vcpus", IORFD_V1, HEAD "vcpus: []\n", "6:8: a case needs at least one vcpu"},
	{"empty program", IORFD_V1, HEAD "vcpus: [{program: []}]\n",
	 "6:19: a program needs at least one step"},
	{"too many vcpus", IORFD_V1,
	 "case: t\nvcpus: [{program: [{op: sync}]}, {program: [{op: sync}]},\n"
	 "        {program: [{op: sync}]}, {program: [{op: sync}]},\n"
	 "        {program: [{op: sync}]}]\n",
	 "4:9: too many vcpus (max 4)"},
	{"too many channels", IORFD_V1,
	 "case: t\nchannels: {a: {kind: stream}, b: {kind: stream}, c: {kind: stream},\n"
	 "  d: {kind: stream}, e: {kind: stream}, f: {kind: stream}, g: {kind: stream},\n"
	 "  h: {kind: stream}, i: {kind: stream}}\n" SYNC_VCPU,
	 "4:22: too many channels (max 8)"},
	{"transcript region on the wrong channel", IORFD_V1,
	 "case: t\nchannels: {dev: {kind: stream}, aux: {kind: pipes}}\n"
	 "regions: {r: {channel: aux, gpa: 0, size: 1}}\n" SYNC_VCPU
	 "expect:\n  transcript:\n    dev:\n      - {cmd: read, region: r, size: 1, offset: 0}\n",
	 "8:29: region 'r' is on channel 'aux', not 'dev'"},
	{"transcript unknown channel", IORFD_V1,
	 HEAD SYNC_VCPU "expect:\n  transcript:\n    dve: []\n", "9:5: unknown channel 'dve'"},
	{"unknown outcome", IORFD_V1, HEAD SYNC_VCPU "expect: {outcome: hang}\n",
	 "7:19: unknown outcome 'hang' (expected done)"},
	{"pointer on a deassign", IORFD_V1,
	 STEP("{op: host, action: deassign, region: bar0, pointer: unmapped}"),
	 "8:52: 'pointer' is only for register"},
	{"unknown pointer", IORFD_V1,
	 LATER_STEP("{op: host, action: register, region: r, pointer: nowhere}"),
	 "9:58: unknown pointer 'nowhere' (expected readable, unmapped or page-end)"},
	{"fill_bus without count", IORFD_V1, LATER_STEP("{op: host, action: fill_bus, region: r}"),
	 "9:9: missing key 'count'"},
	{"at_least above count", IORFD_V1,
	 LATER_STEP("{op: host, action: fill_bus, region: r, count: 10, at_least: 11}"),
	 "9:70: at_least 11 is not in 0..10"},
	{"count on a register", IORFD_V1,
	 LATER_STEP("{op: host, action: register, region: r, count: 10}"),
	 "9:49: 'count' is only for fill_bus"},
	{"at_least on a read", IORFD_V1,
	 LATER_STEP("{op: read, region: r, offset: 0, size: 1, at_least: 1}"),
	 "9:51: 'at_least' is only for host steps"},
	{"fill_bus of a region registered at start", IORFD_V1,
	 STEP("{op: host, action: fill_bus, region: bar0, count: 2}"),
	 "8:46: region 'bar0' is registered at start; add 'register: later'"},
	{"fill_bus past port 0xffff", IORFD_V1,
	 "case: t\nchannels: {dev: {kind: stream}}\n"
	 "regions: {p: {channel: dev, space: pio, gpa: 0xff00, size: 0x10, register: later}}\n"
	 "vcpus: [{program: [{op: host, action: fill_bus, region: p, count: 17}]}]\n",
	 "4:20: 17 copies of region 'p' do not fit in the pio address space"},
	{"store16 with a size", IORFD_V1,
	 STEP("{op: store16, region: bar0, offset: 0, size: 8, values: [1, 2]}"),
	 "8:48: 'size' is only for read, write, host steps, outs, ins, add, xchg and cmpxchg"},
	{"store16 without values", IORFD_V1, STEP("{op: store16, region: bar0, offset: 0}"),
	 "8:9: missing key 'values'"},
	{"load16 with one value", IORFD_V1,
	 STEP("{op: load16, region: bar0, offset: 0, expect: [1]}"),
	 "8:55: 'expect' needs two 8-byte values, low then high"},
	{"load16 on a port", IORFD_V1, STEP("{op: load16, pio: 0x10}"),
	 "8:9: load16 is an MMIO instruction"},
	{"store16 past the end", IORFD_V1,
	 STEP("{op: store16, mmio: 0xfffffffffffffff8, values: [1, 2]}"),
	 "8:29: access of 16 bytes at 0xfffffffffffffff8 wraps past the end of the address space"},
	{"reopened stream", IORFD_V1,
	 "case: t\nchannels: {dev: {kind: stream}}\n"
	 "regions: {r: {channel: dev, gpa: 0, size: 1, read_fd: reopened}}\n" SYNC_VCPU,
	 "3:55: a stream channel cannot be reopened: use pipes or fifos"},
	{"swapped seqpacket", IORFD_V1,
	 "case: t\nchannels: {dev: {kind: seqpacket}}\n"
	 "regions: {r: {channel: dev, gpa: 0, size: 1, write_fd: swapped}}\n" SYNC_VCPU,
	 "3:56: a seqpacket channel cannot be swapped: use pipes or fifos"},
	{"unknown fd name", IORFD_V1,
	 "case: t\nchannels: {dev: {kind: pipes}}\n"
	 "regions: {r: {channel: dev, gpa: 0, size: 1, read_fd: nonblocking}}\n" SYNC_VCPU,
	 "3:55: bad fd 'nonblocking': expected channel, closed, reopened, swapped, nonblock, "
	 "wrong-way, eventfd, dup or a 32-bit number"},
	{"read_fd_of an unknown channel", IORFD_V2,
	 "case: t\nchannels: {a: {kind: pipes}}\n"
	 "regions: {r: {channel: a, gpa: 0, size: 1, read_fd_of: z}}\n" SYNC_VCPU,
	 "3:56: unknown channel 'z'"},
	{"routed region with a neighbour's user_data", IORFD_V2,
	 "case: t\nchannels: {a: {kind: pipes}, b: {kind: stream}}\n"
	 "regions:\n"
	 "  x: {channel: b, gpa: 0, size: 1}\n"
	 "  y: {channel: b, gpa: 1, size: 1, read_fd_of: a}\n" SYNC_VCPU,
	 "5:48: region 'y' has user_data 0x0 like 'x' on channel 'b', but replies on another read "
	 "fd: its device could not tell them apart"},
	{"reopened from a stream's read fd", IORFD_V2,
	 "case: t\nchannels: {a: {kind: stream}, b: {kind: pipes}}\n"
	 "regions: {r: {channel: b, gpa: 0, size: 1, read_fd_of: a, read_fd: reopened}}\n" SYNC_VCPU,
	 "3:68: a stream channel cannot be reopened: use pipes or fifos"},
	{"device_write without a channel", IORFD_V1, STEP("{op: host, action: device_write}"),
	 "8:9: missing key 'channel'"},
	{"errno on close_fds", IORFD_V1,
	 STEP("{op: host, action: close_fds, channel: dev, errno: EBADF}"),
	 "8:53: 'errno' is only for register, deassign, ioeventfd, fill_bus and device_write"},
	{"timeout_ms too small", IORFD_V1, "case: t\ntimeout_ms: 10\n" SYNC_VCPU,
	 "2:13: timeout_ms 10 is not in 500..600000"},
	{"signal of a vCPU that does not exist", IORFD_V1,
	 HEAD SYNC_VCPU "host:\n  - {signal: 3}\n",
	 "8:14: vCPU 3 does not exist (the case has 1 vCPU: 0)"},
	{"run error of a vCPU that does not exist", IORFD_V1,
	 HEAD "vcpus: [{program: [{op: sync}]}, {program: [{op: sync}]}]\n"
	      "expect: {run_errors: [{vcpu: 2, errno: EINTR}]}\n",
	 "7:30: vCPU 2 does not exist (the case has 2 vCPUs: 0..1)"},
	{"sleep_ms too long", IORFD_V1, HEAD SYNC_VCPU "host:\n  - {sleep_ms: 6000}\n",
	 "8:16: sleep_ms 6000 is not in 1..5000"},
	{"timeout_ms per revision", IORFD_V1,
	 "case: t\ntimeout_ms: {v1: 1000, v3: 2000}\n" SYNC_VCPU,
	 "2:13: 'timeout_ms' cannot vary by revision"},
	{"unknown vmm_sigpipe", IORFD_V1, "case: t\nvmm_sigpipe: block\n" SYNC_VCPU,
	 "2:14: unknown vmm_sigpipe 'block' (expected ignore, default or handler)"},
	{"nested too deeply", IORFD_V1,
	 "case: t\nsummary: "
	 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]"
	 "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n" SYNC_VCPU,
	 "2:73: nested too deeply (max 64 levels)"},
};

static void test_host_register_forms(void **state)
{
	struct case_error err = {{0}};
	const struct case_step *s;

	assert_int_equal(
		load_text(
			LATER_STEP(
				"{op: host, action: register, region: r, "
				"pointer: page-end, errno: EFAULT}") "      - {op: host, action: fill_bus, region: r, count: 1001, "
								     "at_least: 990, errno: ENOSPC}\n"
								     "      - {op: host, action: fill_bus, region: r, count: 3}\n",
			IORFD_V3, &err),
		0);
	s = cs->vcpus[0].steps;
	assert_int_equal(s[0].action, HOST_REGISTER);
	assert_int_equal(s[0].pointer, ARG_PAGE_END);
	assert_int_equal(s[0].expect_errno, EFAULT);
	assert_int_equal(s[1].action, HOST_FILL_BUS);
	assert_int_equal(s[1].region, 1);
	assert_int_equal(s[1].count, 1001);
	assert_int_equal(s[1].at_least, 990);
	assert_int_equal(s[1].expect_errno, ENOSPC);
	assert_int_equal(s[1].pointer, ARG_READABLE);
	/* Without at_least or errno: no failure allowed, none required first. */
	assert_int_equal(s[2].at_least, 0);
	assert_int_equal(s[2].expect_errno, 0);
}

/* A region's own files go with any channel, a socket's included. */
static void test_region_own_fds(void **state)
{
	struct case_error err = {{0}};

	assert_int_equal(
		load_text("case: t\nchannels: {dev: {kind: stream}}\n"
			  "regions:\n"
			  "  a: {channel: dev, gpa: 0, size: 1, read_fd: nonblock, write_fd: -3}\n"
			  "  b: {channel: dev, gpa: 1, size: 1, read_fd: wrong-way}\n"
			  "  c: {channel: dev, gpa: 2, size: 1, write_fd: eventfd}\n" SYNC_VCPU,
			  IORFD_V1, &err),
		0);
	assert_int_equal(cs->regions[0].rfd.how, FD_NONBLOCK);
	assert_int_equal(cs->regions[0].wfd.how, FD_NUMBER);
	assert_int_equal(cs->regions[0].wfd.number, -3);
	assert_int_equal(cs->regions[1].rfd.how, FD_WRONG_WAY);
	assert_int_equal(cs->regions[1].wfd.how, FD_CHANNEL);
	assert_int_equal(cs->regions[2].rfd.how, FD_CHANNEL);
	assert_int_equal(cs->regions[2].wfd.how, FD_EVENTFD);
	assert_int_equal(cs->regions[2].reply_channel, cs->regions[2].channel);
}

/* read_fd_of: the read fd another channel's, with a file made from it. */
static void test_read_fd_of(void **state)
{
	struct case_error err = {{0}};

	assert_int_equal(
		load_text(
			"case: t\nchannels: {a: {kind: fifos}, b: {kind: stream}}\n"
			"regions:\n"
			"  x: {channel: a, gpa: 0, size: 1, user_data: 1}\n"
			"  y: {channel: b, gpa: 1, size: 1, user_data: 2, read_fd_of: a, read_fd: dup}\n"
			"  z: {channel: b, gpa: 2, size: 1, user_data: 3}\n" SYNC_VCPU,
			IORFD_V3, &err),
		0);
	assert_int_equal(cs->regions[0].reply_channel, 0);
	assert_int_equal(cs->regions[1].channel, 1);
	assert_int_equal(cs->regions[1].reply_channel, 0);
	assert_int_equal(cs->regions[1].rfd.how, FD_DUP);
	assert_int_equal(cs->regions[2].reply_channel, 1);
}

static void test_wide_steps(void **state)
{
	struct case_error err = {{0}};
	const struct case_step *s;

	assert_int_equal(
		load_text(
			STEP("{op: store16, region: bar0, offset: 0x10, values: [1, 2]}") "      - {op: load16, mmio: 0x1010, expect: [3, 0xffffffffffffffff]}\n"
											  "      - {op: load16, region: bar0, offset: 0x20}\n",
			IORFD_V1, &err),
		0);
	s = cs->vcpus[0].steps;
	assert_step(&s[0], STEP_STORE16, SPACE_MMIO, 0, 0x1010, 16);
	assert_int_equal(s[0].values[0], 1);
	assert_int_equal(s[0].values[1], 2);
	assert_false(s[0].check);
	assert_step(&s[1], STEP_LOAD16, SPACE_MMIO, -1, 0x1010, 16);
	assert_true(s[1].check);
	assert_int_equal(s[1].values[1], UINT64_MAX);
	assert_false(s[2].check);
}

static void test_error(void **state)
{
	const struct err_case *e = *state;
	struct case_error err = {{0}};
	char want[sizeof(err.msg) + 128];

	snprintf(want, sizeof(want), "%s:%s", tmp_path, e->msg);
	assert_int_equal(load_text(e->text, e->rev, &err), -1);
	assert_string_equal(err.msg, want);
}

/* ---- errors outside any YAML ---------------------------------------------- */

static void test_missing_file(void **state)
{
	struct case_error err;

	assert_int_equal(case_load("tests/data/no-such.yaml", IORFD_V1, cs, &err), -1);
	assert_string_equal(err.msg, "tests/data/no-such.yaml: No such file or directory");
}

static void test_file_too_large(void **state)
{
	size_t len = (1 << 20) + 1;
	struct case_error err;
	char *text = malloc(len);
	char want[256];

	assert_non_null(text);
	memset(text, '#', len);
	write_tmp(text, len);
	free(text);
	snprintf(want, sizeof(want), "%s: larger than 1048576 bytes", tmp_path);
	assert_int_equal(case_load(tmp_path, IORFD_V1, cs, &err), -1);
	assert_string_equal(err.msg, want);
}

/* The node cap stops a flat but huge document before memory does. */
static void test_too_many_nodes(void **state)
{
	size_t n = 140000, len = 0;
	char *text = malloc(n * 2 + 16);
	struct case_error err;
	char want[256];
	size_t i;

	assert_non_null(text);
	len += sprintf(text, "x: [");
	for (i = 0; i < n; i++)
		len += sprintf(text + len, "1,");
	len += sprintf(text + len, "]\n");
	write_tmp(text, len);
	free(text);
	snprintf(want, sizeof(want), "%s:1:%d: too many nodes (max %d)", tmp_path,
		 5 + 2 * ((1 << 17) - 3), 1 << 17);
	assert_int_equal(case_load(tmp_path, IORFD_V1, cs, &err), -1);
	assert_string_equal(err.msg, want);
}

/* ---- small helpers -------------------------------------------------------- */

static void test_find_and_names(void **state)
{
	load_ok(DATA_DIR "every_key.yaml", IORFD_V1);
	assert_int_equal(case_find_channel(cs, "dev"), 0);
	assert_int_equal(case_find_channel(cs, "aux"), 1);
	assert_int_equal(case_find_channel(cs, "bar0"), -1);
	assert_int_equal(case_find_region(cs, "ports"), 1);
	assert_int_equal(case_find_region(cs, "bar"), -1);
	assert_string_equal(space_name(SPACE_MMIO), "mmio");
	assert_string_equal(space_name(SPACE_PIO), "pio");
	assert_string_equal(chan_kind_name(CHAN_STREAM), "stream");
	assert_string_equal(chan_kind_name(CHAN_SEQPACKET), "seqpacket");
	assert_string_equal(chan_kind_name(CHAN_PIPES), "pipes");
}

static void test_errno_names(void **state)
{
	assert_int_equal(errno_from_name("0"), 0);
	assert_int_equal(errno_from_name("EINVAL"), EINVAL);
	assert_int_equal(errno_from_name("EEXIST"), EEXIST);
	assert_int_equal(errno_from_name("EAGAIN"), EAGAIN);
	assert_int_equal(errno_from_name("EWOULDBLOCK"), EAGAIN);
	assert_int_equal(errno_from_name("ENOTSUP"), EOPNOTSUPP);
	assert_int_equal(errno_from_name("EPERM"), EPERM);
	assert_int_equal(errno_from_name("einval"), -1);
	assert_int_equal(errno_from_name("22"), -1);
	assert_int_equal(errno_from_name(""), -1);
	assert_int_equal(errno_from_name(NULL), -1);
	assert_string_equal(errno_name(0), "0");
	assert_string_equal(errno_name(EEXIST), "EEXIST");
	assert_string_equal(errno_name(EWOULDBLOCK), "EAGAIN");
	assert_string_equal(errno_name(ENOTSUP), "EOPNOTSUPP");
	assert_string_equal(errno_name(ENOSPC), "ENOSPC");
	assert_string_equal(errno_name(123), "errno 123");
	assert_string_equal(errno_name(-4), "errno -4");
}

#define NR_ERR_CASES (sizeof(err_cases) / sizeof(err_cases[0]))

/* The schema's entries are in the order of the enums the loader keeps for them. */
static void test_schema_matches_enums(void **state)
{
	static const struct {
		const char *context, *name;
		int value;
	} want[] = {
		{"step", "read", STEP_READ},
		{"step", "write", STEP_WRITE},
		{"step", "sync", STEP_SYNC},
		{"step", "host", STEP_HOST},
		{"step", "outs", STEP_OUTS},
		{"step", "ins", STEP_INS},
		{"step", "add", STEP_ADD},
		{"step", "xchg", STEP_XCHG},
		{"step", "cmpxchg", STEP_CMPXCHG},
		{"step", "store16", STEP_STORE16},
		{"step", "load16", STEP_LOAD16},
		{"host step", "register", HOST_REGISTER},
		{"host step", "deassign", HOST_DEASSIGN},
		{"host step", "ioeventfd", HOST_IOEVENTFD},
		{"host step", "close_fds", HOST_CLOSE_FDS},
		{"host step", "fill_bus", HOST_FILL_BUS},
		{"host step", "device_write", HOST_DEVICE_WRITE},
		{"host step", "nonblock_read_fd", HOST_NONBLOCK_READ_FD},
		{"host step", "nonblock_write_fd", HOST_NONBLOCK_WRITE_FD},
		{"host step", "fail_allocations", HOST_FAIL_ALLOCATIONS},
		{"host step", "fill_write_fd", HOST_FILL_WRITE_FD},
	};
	char names[256];
	size_t i;
	int idx;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_non_null(schema_find(want[i].context, want[i].name, &idx));
		assert_int_equal(idx, want[i].value);
	}
	assert_null(schema_find("step", "fence", &idx));
	schema_names("host step", names, sizeof(names));
	assert_string_equal(
		names, "register, deassign, ioeventfd, close_fds, fill_bus, device_write, "
		       "nonblock_read_fd, nonblock_write_fd, fail_allocations or fill_write_fd");
}

/* Every kind of complaint the schema makes, with the node it blames. */
static void test_schema_messages(void **state)
{
	static const struct {
		const char *context, *name, *yaml, *msg;
		int line, col;
	} t[] = {
		{"step", NULL, "{op: read, sise: 4}", "unknown key 'sise'", 1, 12},
		{"step", "read", "{op: read, mmio: 0, size: 4, value: 1}",
		 "'value' is only for write, add, xchg and cmpxchg", 1, 30},
		{"step", "read", "{op: read, mmio: 0, size: 4, at_least: 1}",
		 "'at_least' is only for host steps", 1, 30},
		{"step", "sync", "{op: sync, mmio: 0}", "sync takes no 'mmio'", 1, 12},
		{"step", "read", "{op: read, mmio: 0}", "missing key 'size'", 1, 1},
		{"step", "read", "{op: read, size: 4}",
		 "read needs one of 'region', 'mmio' or 'pio'", 1, 1},
		{"step", "read", "{op: read, mmio: 0, pio: 0, size: 4}",
		 "give only one of 'region', 'mmio' or 'pio'", 1, 21},
		{"host step", "close_fds", "{op: host, action: close_fds, channel: c, count: 1}",
		 "'count' is only for fill_bus", 1, 43},
		{"timeline", "signal", "{signal: 0, errno: EINTR}", "'errno' is only for deassign",
		 1, 13},
		{"wait_exits", "", "{}", "missing key 'count'", 1, 1},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ydoc doc;
		struct yerror yerr;
		const struct ynode *at;
		char msg[300];

		assert_int_equal(ytree_parse(t[i].yaml, strlen(t[i].yaml), &doc, &yerr), 0);
		assert_int_equal(
			schema_check(t[i].context, t[i].name, doc.root, &at, msg, sizeof(msg)), -1);
		assert_string_equal(msg, t[i].msg);
		assert_int_equal(at->line, t[i].line);
		assert_int_equal(at->col, t[i].col);
		ytree_free(&doc);
	}
}

/* matrix: one case per combination, {{KEY}} replaced in keys and values, names by value. */
static void test_matrix(void **state)
{
	static const char text[] =
		"case: m\n"
		"matrix: {fd: [read_fd, write_fd], bad: [closed, minus2, swapped]}\n"
		"channels: {dev: {kind: pipes}}\n"
		"regions:\n"
		"  \"r-{{bad}}\": {channel: dev, gpa: 0x1000, size: 0x10, \"{{fd}}\": closed, errno: EBADF}\n"
		"vcpus: [{program: [{op: sync}]}]\n";
	static const char *const names[] = {"m-read_fd-closed",	 "m-read_fd-minus2",
					    "m-read_fd-swapped", "m-write_fd-closed",
					    "m-write_fd-minus2", "m-write_fd-swapped"};
	struct case_error err = {{0}};
	int v;

	for (v = 0; v < 6; v++) {
		FILE *f = fopen(tmp_path, "w");

		assert_non_null(f);
		fputs(text, f);
		fclose(f);
		if (case_load_variant(tmp_path, IORFD_V3, v, cs, &err))
			fail_msg("%s", err.msg);
		assert_int_equal(cs->nr_variants, 6);
		assert_int_equal(cs->variant, v);
		assert_string_equal(cs->name, names[v]);
		assert_int_equal(cs->nr_regions, 1);
		assert_string_equal(cs->regions[0].name, v % 3 == 0   ? "r-closed"
							 : v % 3 == 1 ? "r-minus2"
								      : "r-swapped");
		/* The bad fd is the one the combination names. */
		assert_int_equal(cs->regions[0].rfd.how != FD_CHANNEL, v < 3);
		assert_int_equal(cs->regions[0].wfd.how != FD_CHANNEL, v >= 3);
	}
	assert_int_equal(case_load_variant(tmp_path, IORFD_V3, 6, cs, &err), -1);
	assert_non_null(strstr(err.msg, "no variant 6: the matrix makes 6"));
}

/*
 * A value may depend on the combination as on the revision: a mapping keyed
 * by values of one matrix key (and default), which may hold a per-revision
 * value in turn.
 */
static void test_matrix_selectors(void **state)
{
	static const char text[] =
		"case: m\n"
		"matrix: {stage: [fresh, removed, again], kind: [pipes, stream]}\n"
		"channels: {dev: {kind: \"{{kind}}\"}}\n"
		"regions:\n"
		"  r: {channel: dev, gpa: 0x1000, size: 0x10,\n"
		"      errno: {removed: 0, fresh+again: {v1: EINVAL, default: EEXIST}}}\n"
		"timeout_ms: {pipes: 1000, default: 2000}\n"
		"vcpus: [{program: [{op: sync}]}]\n";
	static const int errs_v1[] = {EINVAL, EINVAL, 0, 0, EINVAL, EINVAL};
	static const int errs_v3[] = {EEXIST, EEXIST, 0, 0, EEXIST, EEXIST};
	struct case_error err = {{0}};
	FILE *f = fopen(tmp_path, "w");
	int v;

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	for (v = 0; v < 6; v++) {
		if (case_load_variant(tmp_path, IORFD_V1, v, cs, &err))
			fail_msg("%s", err.msg);
		assert_int_equal(cs->regions[0].expect_errno, errs_v1[v]);
		assert_int_equal(cs->timeout_ms, v % 2 ? 2000 : 1000);
		if (case_load_variant(tmp_path, IORFD_V3, v, cs, &err))
			fail_msg("%s", err.msg);
		assert_int_equal(cs->regions[0].expect_errno, errs_v3[v]);
	}
}

static const struct err_case matrix_errors[] = {
	{"unknown matrix key", IORFD_V1,
	 "case: t\nmatrix: {a: [x]}\nsummary: \"{{b}}\"\n" SYNC_VCPU,
	 "3:10: '{{b}}' is not a key of the matrix"},
	{"matrix value not a name", IORFD_V1, "case: t\nmatrix: {a: [\"x y\"]}\n" SYNC_VCPU,
	 "2:14: bad name 'x y' (use A-Z a-z 0-9 _ -)"},
	{"matrix too large", IORFD_V1,
	 "case: t\nmatrix: {a: [a1,a2,a3,a4,a5,a6,a7,a8], b: [b1,b2,b3,b4,b5,b6,b7,b8], "
	 "c: [c1,c2]}\n" SYNC_VCPU,
	 "2:9: the matrix makes more than 64 cases"},
	{"matrix value twice", IORFD_V1, "case: t\nmatrix: {a: [x, y], b: [z, x]}\n" SYNC_VCPU,
	 "2:28: matrix value 'x' given twice: a value names one combination choice"},
	{"matrix value a revision", IORFD_V1, "case: t\nmatrix: {a: [v2]}\n" SYNC_VCPU,
	 "2:14: a matrix value cannot be 'v2': values select like revisions"},
	{"selector of two matrix keys", IORFD_V1,
	 "case: t\nmatrix: {a: [x, y], b: [z]}\ntimeout_ms: {x: 100, z: 200}\n" SYNC_VCPU,
	 "3:22: 'z' is not a selector of a's values (VALUE, VALUE+VALUE or default)"},
	{"selector without this combination", IORFD_V1,
	 "case: t\nmatrix: {a: [x, y]}\ntimeout_ms: {y: 100}\n" SYNC_VCPU,
	 "3:13: no value for a: x (add x or default)"},
	{"matrix selector value twice", IORFD_V1,
	 "case: t\nmatrix: {a: [x, y]}\ntimeout_ms: {x+y: 100, y: 200}\n" SYNC_VCPU,
	 "3:24: matrix value 'y' given twice"},
	{"matrix key without values", IORFD_V1, "case: t\nmatrix: {a: []}\n" SYNC_VCPU,
	 "2:13: a matrix key takes a list of 1 to 16 values"},
};

static void test_matrix_errors(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(matrix_errors) / sizeof(matrix_errors[0]); i++) {
		void *e = (void *)&matrix_errors[i];

		test_error(&e);
	}
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_every_key_v1),
		cmocka_unit_test(test_every_key_v3),
		cmocka_unit_test(test_revision_outside_set),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_crash_risk),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_host_register_forms),
		cmocka_unit_test(test_region_own_fds),
		cmocka_unit_test(test_read_fd_of),
		cmocka_unit_test(test_wide_steps),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_file_too_large),
		cmocka_unit_test(test_too_many_nodes),
		cmocka_unit_test(test_find_and_names),
		cmocka_unit_test(test_errno_names),
		cmocka_unit_test(test_schema_matches_enums),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_matrix_errors),
		cmocka_unit_test(test_matrix_selectors),
		cmocka_unit_test(test_schema_messages),
	};
	static struct CMUnitTest tests[sizeof(fixed) / sizeof(fixed[0]) + NR_ERR_CASES];
	size_t i, n = 0;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	/* One test per error class, named after it. */
	for (i = 0; i < NR_ERR_CASES; i++) {
		tests[n++] = (struct CMUnitTest){
			.name = err_cases[i].name,
			.test_func = test_error,
			.initial_state = (void *)&err_cases[i],
		};
	}
	return _cmocka_run_group_tests("case_load", tests, n, group_setup, group_teardown);
}
