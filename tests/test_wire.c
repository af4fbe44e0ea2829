// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the wire codec against the worked encodings of the spec
 * notes (section 1.2) and every must-be-zero or must-match field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "proto/wire.h"

static uint32_t first_word(enum iorfd_rev rev, bool write, unsigned int len, bool resp)
{
	struct wire_cmd c;
	uint8_t raw[WIRE_MSG_SIZE];

	wire_make_cmd(&c, write, len, resp, 0, 0, 0);
	wire_encode_cmd(rev, &c, raw);
	return raw[0] | raw[1] << 8 | raw[2] << 16 | (uint32_t)raw[3] << 24;
}

/* The table "Worked encodings" of the spec notes, both layouts. */
static void test_worked_encodings(void **state)
{
	static const struct {
		bool write;
		unsigned int len;
		bool resp;
		uint32_t v12, v3;
	} t[] = {
		{false, 1, true, 0x40, 0x1000}, {false, 4, true, 0x60, 0x1200},
		{false, 8, true, 0x70, 0x1300}, {true, 2, true, 0x51, 0x1101},
		{true, 4, false, 0x21, 0x0201}, {true, 8, true, 0x71, 0x1301},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(first_word(IORFD_V1, t[i].write, t[i].len, t[i].resp), t[i].v12);
		assert_int_equal(first_word(IORFD_V2, t[i].write, t[i].len, t[i].resp), t[i].v12);
		assert_int_equal(first_word(IORFD_V3, t[i].write, t[i].len, t[i].resp), t[i].v3);
	}
}

static void test_field_offsets(void **state)
{
	enum iorfd_rev rev;

	for_each_rev(rev) {
		struct wire_cmd c, d;
		uint8_t raw[WIRE_MSG_SIZE];

		wire_make_cmd(&c, true, 8, true, 0x1122334455667788ull, 0x10,
			      0xdeadbeefcafef00dull);
		wire_encode_cmd(rev, &c, raw);
		assert_int_equal(raw[8], 0x88);
		assert_int_equal(raw[15], 0x11);
		assert_int_equal(raw[16], 0x10);
		assert_int_equal(raw[24], 0x0d);
		assert_int_equal(raw[31], 0xde);
		wire_decode_cmd(rev, raw, &d);
		assert_memory_equal(&c, &d, sizeof(c));
	}
}

/* Spec note 1 of 3.1: a V3 8-byte non-posted write read as V1 is cmd=1 size=0 resp=0. */
static void test_layouts_are_incompatible(void **state)
{
	struct wire_cmd c, d;
	uint8_t raw[WIRE_MSG_SIZE];

	wire_make_cmd(&c, true, 8, true, 0, 0, 0);
	wire_encode_cmd(IORFD_V3, &c, raw);
	wire_decode_cmd(IORFD_V1, raw, &d);
	assert_int_equal(d.cmd, WIRE_CMD_WRITE);
	assert_int_equal(d.size_code, 0);
	assert_false(d.resp);
	assert_int_equal(d.rsv_hdr, 0x1300 >> 7);
}

static void test_resp_roundtrip(void **state)
{
	uint8_t raw[WIRE_MSG_SIZE];
	int i;

	wire_encode_resp(0x0102030405060708ull, raw);
	assert_int_equal(raw[0], 0x08);
	assert_int_equal(raw[7], 0x01);
	for (i = 8; i < WIRE_MSG_SIZE; i++)
		assert_int_equal(raw[i], 0);
	assert_true(wire_decode_resp(raw) == 0x0102030405060708ull);
}

static int check(enum iorfd_rev rev, const uint8_t *raw, const struct wire_region *r, int nr,
		 struct wire_violation *v)
{
	return wire_check_cmd(rev, raw, r, nr, v, WIRE_MAX_VIOLATIONS);
}

static void encode(enum iorfd_rev rev, const struct wire_cmd *c, uint8_t *raw)
{
	wire_encode_cmd(rev, c, raw);
}

static const struct wire_region np_region = {.user_data = 7, .size = 0x100, .posted = false};
static const struct wire_region p_region = {.user_data = 9, .size = 0x100, .posted = true};

static void test_valid_commands_pass(void **state)
{
	struct wire_violation v[WIRE_MAX_VIOLATIONS];
	struct wire_cmd c;
	uint8_t raw[WIRE_MSG_SIZE];
	enum iorfd_rev rev;

	for_each_rev(rev) {
		wire_make_cmd(&c, true, 4, true, 7, 0xfc, 0xffffffff);
		encode(rev, &c, raw);
		assert_int_equal(check(rev, raw, &np_region, 1, v), 0);
		wire_make_cmd(&c, false, 8, true, 7, 0xf8, 0);
		encode(rev, &c, raw);
		assert_int_equal(check(rev, raw, &np_region, 1, v), 0);
		wire_make_cmd(&c, true, 1, false, 9, 0, 0xff);
		encode(rev, &c, raw);
		assert_int_equal(check(rev, raw, &p_region, 1, v), 0);
	}
}

/* One invalid field at a time: exactly one violation, with the right ID. */
static void expect_one(enum iorfd_rev rev, const uint8_t *raw, const struct wire_region *r,
		       const char *req, const char *needle)
{
	struct wire_violation v[WIRE_MAX_VIOLATIONS];
	int n = check(rev, raw, r, r ? 1 : 0, v);

	assert_int_equal(n, 1);
	assert_string_equal(v[0].req, req);
	assert_non_null(strstr(v[0].msg, needle));
}

static void test_invalid_fields(void **state)
{
	struct wire_cmd c;
	uint8_t raw[WIRE_MSG_SIZE];
	enum iorfd_rev rev;

	for_each_rev(rev) {
		wire_make_cmd(&c, true, 4, true, 7, 0, 1);
		c.cmd = 2;
		encode(rev, &c, raw);
		expect_one(rev, raw, NULL, "WIRE-4", "observed 2");

		wire_make_cmd(&c, false, 4, false, 7, 0, 0);
		encode(rev, &c, raw);
		expect_one(rev, raw, NULL, "WIRE-5", "READ: expected resp=1");

		wire_make_cmd(&c, false, 4, true, 7, 0, 0);
		c.data = 5;
		encode(rev, &c, raw);
		expect_one(rev, raw, NULL, "FIELD-4", "data=0x5");

		wire_make_cmd(&c, true, 2, true, 7, 0, 0x12345);
		encode(rev, &c, raw);
		expect_one(rev, raw, NULL, "FIELD-3", "zero-extended");

		wire_make_cmd(&c, true, 4, true, 7, 0, 1);
		encode(rev, &c, raw);
		raw[5] = 1; /* padding: V1/V2 padding word, V3 bytes 2..7 */
		expect_one(rev, raw, NULL, "WIRE-4", "padding");

		wire_make_cmd(&c, true, 4, true, 8, 0, 1);
		encode(rev, &c, raw);
		expect_one(rev, raw, &np_region, "FIELD-1", "observed 0x8");

		wire_make_cmd(&c, true, 4, true, 7, 0xfe, 1);
		encode(rev, &c, raw);
		expect_one(rev, raw, &np_region, "DISPATCH-2", "off=0xfe size=4");

		wire_make_cmd(&c, true, 4, false, 7, 0, 1);
		encode(rev, &c, raw);
		expect_one(rev, raw, &np_region, "WIRE-5", "expected resp=1");

		wire_make_cmd(&c, true, 4, true, 9, 0, 1);
		encode(rev, &c, raw);
		expect_one(rev, raw, &p_region, "POST-1", "expected resp=0");
	}
}

static void test_invalid_header_bits(void **state)
{
	struct wire_cmd c;
	uint8_t raw[WIRE_MSG_SIZE];

	wire_make_cmd(&c, true, 4, true, 7, 0, 1);
	encode(IORFD_V1, &c, raw);
	raw[0] |= 0x80; /* info bit 7 */
	expect_one(IORFD_V1, raw, NULL, "WIRE-4", "info bits 31..7");
	encode(IORFD_V2, &c, raw);
	raw[3] = 0x01; /* info bit 24 */
	expect_one(IORFD_V2, raw, NULL, "WIRE-4", "0x1000000");

	encode(IORFD_V3, &c, raw);
	raw[1] |= 0x20; /* byte 1 bit 5 */
	expect_one(IORFD_V3, raw, NULL, "WIRE-4", "bits 7..5");
	encode(IORFD_V3, &c, raw);
	raw[1] = (raw[1] & ~0xf) | 4; /* size exponent 4 = 16 bytes */
	expect_one(IORFD_V3, raw, NULL, "WIRE-4", "size code");
}

static void test_format(void **state)
{
	struct wire_cmd c;
	char buf[160];
	uint8_t raw[WIRE_MSG_SIZE];

	wire_make_cmd(&c, true, 4, false, 0xab, 0x10, 1);
	wire_format_cmd(buf, sizeof(buf), &c);
	assert_string_equal(buf, "cmd=WRITE size=4 off=0x10 data=0x1 resp=0 user_data=0xab");
	c.cmd = 7;
	c.size_code = 9;
	wire_format_cmd(buf, sizeof(buf), &c);
	assert_non_null(strstr(buf, "cmd=7? size=code9?"));

	wire_make_cmd(&c, false, 4, true, 0, 0, 0);
	wire_encode_cmd(IORFD_V1, &c, raw);
	wire_format_raw(buf, sizeof(buf), raw);
	assert_string_equal(buf, "6000000000000000 0000000000000000 0000000000000000 "
				 "0000000000000000");
}

static void test_rev_names(void **state)
{
	enum iorfd_rev r;

	assert_int_equal(rev_parse("v2", &r), 0);
	assert_int_equal(r, IORFD_V2);
	assert_int_equal(rev_parse("v4", &r), -1);
	assert_string_equal(rev_name(IORFD_V3), "v3");
	assert_int_equal(wire_size_code(3), -1);
	assert_int_equal(wire_size_code(8), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_encodings),
		cmocka_unit_test(test_field_offsets),
		cmocka_unit_test(test_layouts_are_incompatible),
		cmocka_unit_test(test_resp_roundtrip),
		cmocka_unit_test(test_valid_commands_pass),
		cmocka_unit_test(test_invalid_fields),
		cmocka_unit_test(test_invalid_header_bits),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_rev_names),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
