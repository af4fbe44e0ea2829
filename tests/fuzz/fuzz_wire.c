// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the wire codec and validator (harness/proto/wire.c).
 *
 * The responder decodes and validates every command a kernel under test
 * sends, and a kernel with a bug sends anything, so every 32 bytes must
 * decode, validate and print without a memory error, for every revision.
 * On top of that the codec is held to properties that tests with chosen
 * values would only sample:
 *
 *  - decoding agrees with a second, independent reading of the layouts
 *    in wire.h, bit for bit, including which bits must be zero;
 *  - encode(decode(x)) == x: the decoder keeps even the must-be-zero bits,
 *    so that a transcript can show exactly what was sent;
 *  - decode(encode(c)) == c for any command whose fields fit their widths;
 *  - the validator passes what a conforming kernel sends (wire_make_cmd
 *    into a region that holds the access) and never passes a command the
 *    independent reading finds malformed.
 *
 * Input: byte 0 options, byte 1 a buffer length for the formatters, bytes
 * 2..33 the command, then up to 16 regions of 17 bytes (user_data, size,
 * posted).  A broken property is a trap, which libFuzzer saves as a crash.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/wire.h"

#include "fuzz_check.h"

#define HDR_LEN	    2
#define REGION_LEN  17
#define MAX_REGIONS 16

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* The fields of @raw read straight from the layouts documented in wire.h. */
struct oracle {
	unsigned int cmd, size_code;
	bool resp;
	bool reserved_clear; /* every must-be-zero bit is zero */
};

static void oracle_read(enum iorfd_rev rev, const uint8_t *raw, struct oracle *o)
{
	if (rev == IORFD_V3) {
		o->cmd = raw[0];
		o->size_code = raw[1] & 0x0f;
		o->resp = raw[1] & 0x10;
		o->reserved_clear = !(raw[1] & 0xe0) && !le(raw + 2, 6);
	} else {
		uint32_t info = (uint32_t)le(raw, 4);

		o->cmd = info & 0xf;
		o->size_code = (info >> 4) & 0x3;
		o->resp = info & 0x40;
		o->reserved_clear = !(info >> 7) && !le(raw + 4, 4);
	}
}

static void check_decode(enum iorfd_rev rev, const uint8_t *raw, const struct wire_cmd *c)
{
	uint8_t again[WIRE_MSG_SIZE];
	struct oracle o;

	oracle_read(rev, raw, &o);
	check(c->cmd == o.cmd && c->size_code == o.size_code && c->resp == o.resp);
	check(c->user_data == le(raw + 8, 8));
	check(c->offset == le(raw + 16, 8));
	check(c->data == le(raw + 24, 8));
	check(o.reserved_clear == (!c->rsv_hdr && !c->rsv_pad));

	wire_encode_cmd(rev, c, again);
	check(!memcmp(again, raw, WIRE_MSG_SIZE));
}

/* A command whose every field fits the width @rev gives it survives encode and decode. */
static void check_encode(enum iorfd_rev rev, const uint8_t *raw)
{
	uint8_t out[WIRE_MSG_SIZE];
	struct wire_cmd c, d;

	memset(&c, 0, sizeof(c));
	c.cmd = rev == IORFD_V3 ? raw[31] : raw[31] & 0xf;
	c.size_code = raw[30] & (rev == IORFD_V3 ? 0xf : 0x3);
	c.resp = raw[29] & 1;
	c.rsv_hdr = (uint32_t)le(raw + 25, 4) & (rev == IORFD_V3 ? 0x7 : 0x1ffffff);
	c.rsv_pad = le(raw + 2, 6) & (rev == IORFD_V3 ? 0xffffffffffffull : 0xffffffffull);
	c.user_data = le(raw + 8, 8);
	c.offset = le(raw + 16, 8);
	c.data = le(raw + 24, 8);
	wire_encode_cmd(rev, &c, out);
	wire_decode_cmd(rev, out, &d);
	check(d.cmd == c.cmd && d.size_code == c.size_code && d.resp == c.resp);
	check(d.rsv_hdr == c.rsv_hdr && d.rsv_pad == c.rsv_pad);
	check(d.user_data == c.user_data && d.offset == c.offset && d.data == c.data);
}

/* What a conforming kernel sends for an access inside a region must pass. */
static void check_conforming(enum iorfd_rev rev, const uint8_t *raw)
{
	static const unsigned int lens[] = {1, 2, 4, 8};
	unsigned int len = lens[raw[0] & 3];
	bool write = raw[0] & 4;
	bool posted = write && (raw[0] & 8);
	struct wire_violation v[WIRE_MAX_VIOLATIONS];
	struct wire_region r;
	uint8_t out[WIRE_MSG_SIZE];
	uint64_t off = le(raw + 16, 8), data = le(raw + 24, 8);
	unsigned int slack = raw[1] & 0xf; /* region bytes past the access */
	struct wire_cmd c;

	if (len < 8)
		data &= (1ull << (8 * len)) - 1;
	/* Keep the region's size from wrapping, so it can hold the access. */
	if (off > UINT64_MAX - len - slack)
		off = UINT64_MAX - len - slack;
	r.user_data = le(raw + 8, 8);
	r.size = off + len + slack;
	r.posted = posted;
	wire_make_cmd(&c, write, len, !posted, r.user_data, off, data);
	wire_encode_cmd(rev, &c, out);
	check(wire_check_cmd(rev, out, &r, 1, v, WIRE_MAX_VIOLATIONS) == 0);
	/* A sizeless (V3 exact-address posted) region takes any offset. */
	r.size = 0;
	check(wire_check_cmd(rev, out, &r, 1, v, WIRE_MAX_VIOLATIONS) == 0);
}

static void check_violations(enum iorfd_rev rev, const uint8_t *raw, const struct wire_region *r,
			     int nr, int max)
{
	struct wire_violation *v = max ? calloc(max, sizeof(*v)) : NULL;
	struct oracle o;
	int n, i;

	if (max && !v)
		return;
	n = wire_check_cmd(rev, raw, r, nr, v, max);
	check(n >= 0);
	for (i = 0; i < n && i < max; i++) {
		check(v[i].req && v[i].req[0]);
		check(memchr(v[i].msg, '\0', sizeof(v[i].msg)));
		check(v[i].msg[0]);
	}
	oracle_read(rev, raw, &o);
	if (!n) {
		check(o.cmd == WIRE_CMD_READ || o.cmd == WIRE_CMD_WRITE);
		check(o.size_code <= 3);
		check(o.reserved_clear);
		if (o.cmd == WIRE_CMD_READ)
			check(o.resp && !le(raw + 24, 8));
	}
	free(v);
}

/* Formatting into exactly @len bytes of heap, so ASan sees one byte too many. */
static void check_format(const struct wire_cmd *c, const uint8_t *raw, size_t len)
{
	char full[512], *buf = malloc(len ? len : 1);
	int n, m;

	if (!buf)
		return;
	n = wire_format_cmd(full, sizeof(full), c);
	check(n > 0 && (size_t)n < sizeof(full) && strlen(full) == (size_t)n);
	m = wire_format_cmd(len ? buf : NULL, len, c);
	check(m == n);
	if (len) {
		check(memchr(buf, '\0', len));
		check(!strncmp(buf, full, len - 1));
	}

	/* 32 bytes as hex in four groups: 64 digits and 3 spaces. */
	n = wire_format_raw(full, sizeof(full), raw);
	check(n == 67 && strlen(full) == 67);
	wire_format_raw(buf, len, raw);
	if (len)
		check(memchr(buf, '\0', len));
	free(buf);
}

/* Responses: u64 data, then 24 bytes of zeros, in every revision. */
static void check_resp(const uint8_t *raw)
{
	uint8_t resp[WIRE_MSG_SIZE];

	check(wire_decode_resp(raw) == le(raw, 8));
	wire_encode_resp(le(raw + 24, 8), resp);
	check(wire_decode_resp(resp) == le(raw + 24, 8));
	check(!le(resp + 8, 8) && !le(resp + 16, 8) && !le(resp + 24, 8));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_region regions[MAX_REGIONS];
	const uint8_t *raw = data + HDR_LEN;
	int nr = 0, max;
	enum iorfd_rev rev;
	bool no_table;
	size_t fmt_len;

	if (size < HDR_LEN + WIRE_MSG_SIZE)
		return -1;
	no_table = data[0] & 1;
	max = (data[0] >> 1) % (WIRE_MAX_VIOLATIONS + 1);
	fmt_len = data[1];
	for (size -= HDR_LEN + WIRE_MSG_SIZE; size >= REGION_LEN && nr < MAX_REGIONS;
	     size -= REGION_LEN, nr++) {
		const uint8_t *p = raw + WIRE_MSG_SIZE + nr * REGION_LEN;

		regions[nr].user_data = le(p, 8);
		regions[nr].size = le(p + 8, 8);
		regions[nr].posted = p[16] & 1;
	}

	for_each_rev(rev) {
		struct wire_cmd c;

		wire_decode_cmd(rev, raw, &c);
		check_decode(rev, raw, &c);
		check_encode(rev, raw);
		check_conforming(rev, raw);
		check_violations(rev, raw, no_table ? NULL : regions, no_table ? 0 : nr, max);
		check_format(&c, raw, fmt_len);
	}
	check_resp(raw);
	return 0;
}
