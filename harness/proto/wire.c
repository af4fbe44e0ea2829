// SPDX-License-Identifier: GPL-2.0
/*
 * Encoding, decoding and validation of ioregionfd commands and responses.
 * See wire.h for the two layouts.  Bytes are assembled explicitly rather
 * than through C bitfields so that the layout is what this file says, not
 * what a compiler chooses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proto/wire.h"

/* V1/V2 u32 info */
#define V12_CMD_MASK   0xfu
#define V12_SIZE_SHIFT 4
#define V12_SIZE_MASK  0x3u
#define V12_RESP_BIT   (1u << 6)
#define V12_RSV_SHIFT  7

/* V3 byte 1 */
#define V3_SIZE_MASK 0xfu
#define V3_RESP_BIT  (1u << 4)
#define V3_RSV_SHIFT 5

static const char *const rev_names[IORFD_NR_REVS] = {"v1", "v2", "v3"};

const char *rev_name(enum iorfd_rev rev)
{
	return rev < IORFD_NR_REVS ? rev_names[rev] : "v?";
}

int rev_parse(const char *s, enum iorfd_rev *rev)
{
	enum iorfd_rev r;

	for_each_rev(r) {
		if (!strcmp(s, rev_names[r])) {
			*rev = r;
			return 0;
		}
	}
	return -1;
}

bool rev_has_v3_layout(enum iorfd_rev rev)
{
	return rev == IORFD_V3;
}

unsigned int wire_size_bytes(uint8_t size_code)
{
	return size_code <= 3 ? 1u << size_code : 0;
}

int wire_size_code(unsigned int len)
{
	switch (len) {
	case 1:
		return 0;
	case 2:
		return 1;
	case 4:
		return 2;
	case 8:
		return 3;
	}
	return -1;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

void wire_encode_cmd(enum iorfd_rev rev, const struct wire_cmd *cmd, uint8_t out[WIRE_MSG_SIZE])
{
	memset(out, 0, WIRE_MSG_SIZE);
	if (rev_has_v3_layout(rev)) {
		out[0] = cmd->cmd;
		out[1] = (cmd->size_code & V3_SIZE_MASK) | (cmd->resp ? V3_RESP_BIT : 0) |
			 (uint8_t)(cmd->rsv_hdr << V3_RSV_SHIFT);
		put_le(out + 2, cmd->rsv_pad, 6);
	} else {
		uint32_t info = (cmd->cmd & V12_CMD_MASK) |
				((uint32_t)(cmd->size_code & V12_SIZE_MASK) << V12_SIZE_SHIFT) |
				(cmd->resp ? V12_RESP_BIT : 0) | (cmd->rsv_hdr << V12_RSV_SHIFT);

		put_le(out, info, 4);
		put_le(out + 4, cmd->rsv_pad, 4);
	}
	put_le(out + 8, cmd->user_data, 8);
	put_le(out + 16, cmd->offset, 8);
	put_le(out + 24, cmd->data, 8);
}

void wire_decode_cmd(enum iorfd_rev rev, const uint8_t in[WIRE_MSG_SIZE], struct wire_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	if (rev_has_v3_layout(rev)) {
		cmd->cmd = in[0];
		cmd->size_code = in[1] & V3_SIZE_MASK;
		cmd->resp = in[1] & V3_RESP_BIT;
		cmd->rsv_hdr = in[1] >> V3_RSV_SHIFT;
		cmd->rsv_pad = get_le(in + 2, 6);
	} else {
		uint32_t info = (uint32_t)get_le(in, 4);

		cmd->cmd = info & V12_CMD_MASK;
		cmd->size_code = (info >> V12_SIZE_SHIFT) & V12_SIZE_MASK;
		cmd->resp = info & V12_RESP_BIT;
		cmd->rsv_hdr = info >> V12_RSV_SHIFT;
		cmd->rsv_pad = get_le(in + 4, 4);
	}
	cmd->user_data = get_le(in + 8, 8);
	cmd->offset = get_le(in + 16, 8);
	cmd->data = get_le(in + 24, 8);
}

void wire_make_cmd(struct wire_cmd *cmd, bool write, unsigned int len, bool resp,
		   uint64_t user_data, uint64_t offset, uint64_t data)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->cmd = write ? WIRE_CMD_WRITE : WIRE_CMD_READ;
	cmd->size_code = (uint8_t)wire_size_code(len);
	cmd->resp = resp;
	cmd->user_data = user_data;
	cmd->offset = offset;
	cmd->data = write ? data : 0;
}

void wire_encode_resp(uint64_t data, uint8_t out[WIRE_MSG_SIZE])
{
	memset(out, 0, WIRE_MSG_SIZE);
	put_le(out, data, 8);
}

uint64_t wire_decode_resp(const uint8_t in[WIRE_MSG_SIZE])
{
	return get_le(in, 8);
}

static const char *cmd_code_name(uint8_t code)
{
	switch (code) {
	case WIRE_CMD_READ:
		return "READ";
	case WIRE_CMD_WRITE:
		return "WRITE";
	}
	return NULL;
}

int wire_format_cmd(char *buf, size_t len, const struct wire_cmd *cmd)
{
	const char *name = cmd_code_name(cmd->cmd);
	unsigned int size = wire_size_bytes(cmd->size_code);
	char cbuf[16], sbuf[16];

	if (!name) {
		snprintf(cbuf, sizeof(cbuf), "%u?", cmd->cmd);
		name = cbuf;
	}
	if (size)
		snprintf(sbuf, sizeof(sbuf), "%u", size);
	else
		snprintf(sbuf, sizeof(sbuf), "code%u?", cmd->size_code);

	return snprintf(buf, len, "cmd=%s size=%s off=%#llx data=%#llx resp=%d user_data=%#llx%s",
			name, sbuf, (unsigned long long)cmd->offset, (unsigned long long)cmd->data,
			cmd->resp, (unsigned long long)cmd->user_data,
			cmd->rsv_hdr || cmd->rsv_pad ? " reserved!=0" : "");
}

int wire_format_raw(char *buf, size_t len, const uint8_t raw[WIRE_MSG_SIZE])
{
	size_t used = 0;
	int i;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < WIRE_MSG_SIZE && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%02x", i && !(i % 8) ? " " : "",
				 raw[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return (int)used;
}

struct checker {
	struct wire_violation *v;
	int max;
	int n;
};

static void __attribute__((format(printf, 3, 4)))
violation(struct checker *ck, const char *req, const char *fmt, ...)
{
	va_list ap;

	if (ck->n < ck->max) {
		ck->v[ck->n].req = req;
		va_start(ap, fmt);
		vsnprintf(ck->v[ck->n].msg, sizeof(ck->v[ck->n].msg), fmt, ap);
		va_end(ap);
	}
	ck->n++;
}

static void check_layout(struct checker *ck, enum iorfd_rev rev, const struct wire_cmd *c)
{
	if (c->cmd != WIRE_CMD_READ && c->cmd != WIRE_CMD_WRITE)
		violation(ck, "WIRE-4", "command code: expected 0 (READ) or 1 (WRITE), observed %u",
			  c->cmd);
	if (!wire_size_bytes(c->size_code))
		violation(ck, "WIRE-4", "size code: expected 0..3 (1..8 bytes), observed %u",
			  c->size_code);
	if (rev_has_v3_layout(rev)) {
		if (c->rsv_hdr)
			violation(ck, "WIRE-4", "byte 1 bits 7..5: expected 0, observed %#x",
				  c->rsv_hdr);
		if (c->rsv_pad)
			violation(ck, "WIRE-4", "padding bytes 2..7: expected 0, observed %#llx",
				  (unsigned long long)c->rsv_pad);
	} else {
		if (c->rsv_hdr)
			violation(ck, "WIRE-4", "info bits 31..7: expected 0, observed %#x",
				  c->rsv_hdr << V12_RSV_SHIFT);
		if (c->rsv_pad)
			violation(ck, "WIRE-4", "padding word: expected 0, observed %#llx",
				  (unsigned long long)c->rsv_pad);
	}
	if (c->cmd == WIRE_CMD_READ) {
		if (!c->resp)
			violation(ck, "WIRE-5", "READ: expected resp=1, observed resp=0");
		if (c->data)
			violation(ck, "FIELD-4", "READ: expected data=0, observed data=%#llx",
				  (unsigned long long)c->data);
	}
	if (c->cmd == WIRE_CMD_WRITE && wire_size_bytes(c->size_code) &&
	    wire_size_bytes(c->size_code) < 8 && c->data >> (8 * wire_size_bytes(c->size_code)))
		violation(ck, "FIELD-3",
			  "WRITE size=%u: expected data zero-extended, observed data=%#llx",
			  wire_size_bytes(c->size_code), (unsigned long long)c->data);
}

static const struct wire_region *find_region(const struct wire_region *r, int n, uint64_t ud)
{
	int i;

	for (i = 0; i < n; i++)
		if (r[i].user_data == ud)
			return &r[i];
	return NULL;
}

static void check_region(struct checker *ck, const struct wire_cmd *c,
			 const struct wire_region *regions, int nr)
{
	const struct wire_region *r = find_region(regions, nr, c->user_data);
	unsigned int size = wire_size_bytes(c->size_code);

	if (!r) {
		violation(ck, "FIELD-1",
			  "user_data: expected one of this channel's regions, observed %#llx",
			  (unsigned long long)c->user_data);
		return;
	}
	if (r->size && size && (c->offset >= r->size || size > r->size - c->offset))
		violation(
			ck, "DISPATCH-2",
			"offset: expected off+size <= region size %#llx, observed off=%#llx size=%u",
			(unsigned long long)r->size, (unsigned long long)c->offset, size);
	if (c->cmd == WIRE_CMD_WRITE && c->resp == r->posted)
		violation(ck, r->posted ? "POST-1" : "WIRE-5",
			  "WRITE to a %s region: expected resp=%d, observed resp=%d",
			  r->posted ? "POSTED_WRITES" : "non-posted", !r->posted, c->resp);
}

int wire_check_cmd(enum iorfd_rev rev, const uint8_t raw[WIRE_MSG_SIZE],
		   const struct wire_region *regions, int nr_regions, struct wire_violation *v,
		   int max)
{
	struct checker ck = {.v = v, .max = max};
	struct wire_cmd c;

	wire_decode_cmd(rev, raw, &c);
	check_layout(&ck, rev, &c);
	if (regions)
		check_region(&ck, &c, regions, nr_regions);
	return ck.n;
}
