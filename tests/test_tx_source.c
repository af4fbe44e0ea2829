// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of where the JSON results say a command came from
 * (reports/live/tx_source.c): the region its user_data names, the vCPU
 * whose program alone reaches that region, and the step, only where a
 * vCPU's events pair one for one with its accesses.  What cannot be told
 * must come out unknown (-1), never a guess.  Results are made by hand
 * here; no VM is involved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/case.h"
#include "model/result.h"
#include "proto/wire.h"
#include "reports/live/tx_source.h"

static struct iorfd_case c;
static struct case_result res;
static struct tx_source src[RESULT_MAX_TX];
static long long exit_step[RESULT_MAX_EXITS];

static void load(const char *text)
{
	struct case_error err = {{0}};

	memset(&c, 0, sizeof(c));
	memset(&res, 0, sizeof(res));
	if (case_load_buf("t.yaml", text, strlen(text), IORFD_V3, 0, &c, &err))
		fail_msg("%s", err.msg);
}

/* A command on channel @ch as the responder records it, next in seq order. */
static void cmd(int ch, bool write, uint64_t user_data, uint64_t offset)
{
	struct tx_entry *t = &res.tx[res.nr_tx++];
	struct wire_cmd w;

	wire_make_cmd(&w, write, 4, true, user_data, offset, write ? 0x1 : 0);
	wire_encode_cmd(IORFD_V3, &w, t->raw);
	t->seq = res.seq++;
	t->channel = ch;
	t->len = WIRE_MSG_SIZE;
	t->replied = true;
}

static void mmio_exit(int vcpu, bool write, uint64_t addr)
{
	struct exit_entry *e = &res.exits[res.nr_exits++];

	e->seq = res.seq++;
	e->vcpu = vcpu;
	e->space = SPACE_MMIO;
	e->write = write;
	e->addr = addr;
	e->size = 4;
}

static void all_done(void)
{
	int v;

	for (v = 0; v < c.nr_vcpus; v++)
		res.vcpu[v].done = true;
}

static void sources(void)
{
	memset(src, 0xff, sizeof(src));
	tx_sources(&c, &res, src, exit_step);
}

static void expect_tx(int i, int region, int vcpu, long long step)
{
	if (src[i].region != region || src[i].vcpu != vcpu || src[i].step != step)
		fail_msg("command %d: region %d vCPU %d step %lld, expected %d %d %lld", i,
			 src[i].region, src[i].vcpu, src[i].step, region, vcpu, step);
}

/* Two vCPUs, each with a region of its own on one channel (the shape of BUG-B10). */
#define OWN_REGIONS                                                         \
	"case: t\n"                                                         \
	"channels: {dev: {kind: stream}}\n"                                 \
	"regions:\n"                                                        \
	"  bar: {channel: dev, gpa: 0x1000, size: 0x100, user_data: 0xa}\n" \
	"  ports: {channel: dev, space: pio, gpa: 0x7e00, size: 0x10, user_data: 0xb}\n"

static void test_own_regions(void **state)
{
	load(OWN_REGIONS "vcpus:\n"
			 "  - program:\n"
			 "      - {op: write, region: bar, offset: 0, size: 4, value: 1}\n"
			 "      - {op: sync}\n"
			 "      - {op: read, region: bar, offset: 0, size: 4}\n"
			 "      - {op: read, mmio: 0x9000, size: 4}\n"
			 "  - program:\n"
			 "      - {op: write, region: ports, offset: 8, size: 4, value: 1}\n"
			 "      - {op: read, region: ports, offset: 8, size: 4}\n");
	/* Interleaved as two vCPUs interleave. */
	cmd(0, true, 0xb, 8);
	cmd(0, true, 0xa, 0);
	cmd(0, false, 0xb, 8);
	cmd(0, false, 0xa, 0);
	mmio_exit(0, false, 0x9000);
	all_done();
	sources();
	expect_tx(0, 1, 1, 0);
	expect_tx(1, 0, 0, 0);
	expect_tx(2, 1, 1, 1);
	expect_tx(3, 0, 0, 2); /* step 1 is a sync: no access */
	assert_int_equal(exit_step[0], 3);
}

/* A region both vCPUs reach: its commands are nobody's in particular, and no step is sure. */
static void test_shared_region(void **state)
{
	load(OWN_REGIONS "vcpus:\n"
			 "  - program:\n"
			 "      - {op: write, region: bar, offset: 0, size: 4, value: 1}\n"
			 "  - program:\n"
			 "      - {op: write, region: ports, offset: 8, size: 4, value: 1}\n"
			 "      - {op: read, region: bar, offset: 0, size: 4}\n");
	cmd(0, true, 0xa, 0);
	cmd(0, true, 0xb, 8);
	cmd(0, false, 0xa, 0);
	all_done();
	sources();
	expect_tx(0, 0, -1, -1);
	expect_tx(1, 1, 1, -1); /* vCPU1's, but one of its commands may be among the unknown */
	expect_tx(2, 0, -1, -1);
}

/* One access, two commands (a retry after EINTR, say): no step for that vCPU. */
static void test_retry_leaves_steps_unknown(void **state)
{
	load(OWN_REGIONS "vcpus:\n"
			 "  - program:\n"
			 "      - {op: read, region: bar, offset: 0, size: 4}\n"
			 "      - {op: read, region: bar, offset: 0, size: 4}\n");
	cmd(0, false, 0xa, 0);
	cmd(0, false, 0xa, 0);
	cmd(0, false, 0xa, 0);
	all_done();
	sources();
	expect_tx(0, 0, 0, -1);
	expect_tx(1, 0, 0, -1);
	expect_tx(2, 0, 0, -1);
}

/* An access that left no event (swallowed, or dropped): no step either. */
static void test_missing_event_leaves_steps_unknown(void **state)
{
	load(OWN_REGIONS "vcpus:\n"
			 "  - program:\n"
			 "      - {op: read, region: bar, offset: 0, size: 4}\n"
			 "      - {op: read, region: bar, offset: 0, size: 4}\n");
	cmd(0, false, 0xa, 0);
	all_done();
	sources();
	expect_tx(0, 0, 0, -1);
}

/* A vCPU that stopped in step 1 made its commands up to there; later steps never ran. */
static void test_stopped_vcpu(void **state)
{
	load(OWN_REGIONS "vcpus:\n"
			 "  - program:\n"
			 "      - {op: write, region: bar, offset: 0, size: 4, value: 1}\n"
			 "      - {op: read, region: bar, offset: 4, size: 4}\n"
			 "      - {op: read, region: bar, offset: 8, size: 4}\n");
	cmd(0, true, 0xa, 0);
	cmd(0, false, 0xa, 4);
	res.vcpu[0].step = 1;
	sources();
	expect_tx(0, 0, 0, 0);
	expect_tx(1, 0, 0, 1);
}

/* One vCPU sent everything, even a command whose user_data names no region. */
static void test_one_vcpu_unknown_region(void **state)
{
	load(OWN_REGIONS "vcpus:\n"
			 "  - program:\n"
			 "      - {op: read, region: bar, offset: 0, size: 4}\n");
	cmd(0, false, 0x77, 0);
	all_done();
	sources();
	expect_tx(0, -1, 0, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_regions),
		cmocka_unit_test(test_shared_region),
		cmocka_unit_test(test_retry_leaves_steps_unknown),
		cmocka_unit_test(test_missing_event_leaves_steps_unknown),
		cmocka_unit_test(test_stopped_vcpu),
		cmocka_unit_test(test_one_vcpu_unknown_region),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
