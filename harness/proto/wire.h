/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ioregionfd wire format: 32-byte commands (KVM -> device) and 32-byte
 * responses (device -> KVM), in the two incompatible layouts the RFC went
 * through.  There is no version field on the wire, so every function here
 * takes the protocol revision the caller believes it is talking to.
 *
 *   V1/V2  u32 info (cmd 3..0, log2 size 5..4, resp 6), u32 padding,
 *          u64 user_data, u64 offset, u64 data
 *   V3     u8 cmd, u8 size_exponent:4 | resp:1 << 4, u8 padding[6],
 *          u64 user_data, u64 offset, u64 data
 *   resp   u64 data, u8 pad[24] (all revisions)
 *
 * Everything is host-endian; only x86-64 (little-endian) was ever supported.
 */
#ifndef IORFD_WIRE_H
#define IORFD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_MSG_SIZE 32

enum iorfd_rev {
	IORFD_V1,
	IORFD_V2,
	IORFD_V3,
	IORFD_NR_REVS,
};

#define IORFD_ALL_REVS ((1u << IORFD_NR_REVS) - 1)

#define for_each_rev(r) for ((r) = IORFD_V1; (r) < IORFD_NR_REVS; (r)++)

const char *rev_name(enum iorfd_rev rev);
/* Parses "v1", "v2" or "v3"; returns 0 or -1. */
int rev_parse(const char *s, enum iorfd_rev *rev);
/* V1 and V2 share one wire layout; V3 has its own. */
bool rev_has_v3_layout(enum iorfd_rev rev);

enum wire_cmd_code {
	WIRE_CMD_READ = 0,
	WIRE_CMD_WRITE = 1,
};

/*
 * A command with every field of either layout pulled out, including the
 * bits that must be zero, so a validator can name exactly what is wrong.
 */
struct wire_cmd {
	uint8_t cmd;	   /* command code: 0 read, 1 write, others invalid */
	uint8_t size_code; /* log2 of the access size as on the wire */
	bool resp;	   /* device must answer */
	uint64_t user_data;
	uint64_t offset;
	uint64_t data;
	/*
	 * Must-be-zero bits, as found: V1/V2 info bits 31..7 (shifted down
	 * to bit 0) or V3 byte 1 bits 7..5 (shifted down); and the V1/V2
	 * padding word or V3 bytes 2..7 (byte 2 in the low byte).
	 */
	uint32_t rsv_hdr;
	uint64_t rsv_pad;
};

/* Size in bytes for a size code, or 0 when the code cannot be a size. */
unsigned int wire_size_bytes(uint8_t size_code);
/* Size code for 1, 2, 4 or 8 bytes; -1 for any other length. */
int wire_size_code(unsigned int len);

void wire_encode_cmd(enum iorfd_rev rev, const struct wire_cmd *cmd, uint8_t out[WIRE_MSG_SIZE]);
void wire_decode_cmd(enum iorfd_rev rev, const uint8_t in[WIRE_MSG_SIZE], struct wire_cmd *cmd);

/* Fills a command for a KVM access, the way a conforming kernel would. */
void wire_make_cmd(struct wire_cmd *cmd, bool write, unsigned int len, bool resp,
		   uint64_t user_data, uint64_t offset, uint64_t data);

void wire_encode_resp(uint64_t data, uint8_t out[WIRE_MSG_SIZE]);
uint64_t wire_decode_resp(const uint8_t in[WIRE_MSG_SIZE]);

/*
 * "cmd=WRITE size=4 off=0x10 data=0x1 resp=1 user_data=0x..."; unknown codes
 * and sizes are printed raw.  Returns what snprintf returns.
 */
int wire_format_cmd(char *buf, size_t len, const struct wire_cmd *cmd);
/* Hex dump of the 32 raw bytes, 8-byte groups separated by spaces. */
int wire_format_raw(char *buf, size_t len, const uint8_t raw[WIRE_MSG_SIZE]);

/* What the device end knows about a region that shares its channel. */
struct wire_region {
	uint64_t user_data;
	uint64_t size; /* 0: sizeless (V3 posted exact-address region) */
	bool posted;
};

struct wire_violation {
	const char *req; /* requirement ID, e.g. "WIRE-4" */
	char msg[192];	 /* decoded: what was expected, what was seen */
};

#define WIRE_MAX_VIOLATIONS 8

/*
 * Checks one raw command against the layout rules of @rev and, when
 * @regions is given, against the regions served on this channel (user_data
 * names a region, offset and size lie inside it, resp matches POSTED_WRITES).
 * Writes at most @max violations and returns how many were found in total.
 */
int wire_check_cmd(enum iorfd_rev rev, const uint8_t raw[WIRE_MSG_SIZE],
		   const struct wire_region *regions, int nr_regions, struct wire_violation *v,
		   int max);

#endif /* IORFD_WIRE_H */
