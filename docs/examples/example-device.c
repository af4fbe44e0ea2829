// SPDX-License-Identifier: GPL-2.0
/*
 * example-device: an ioregionfd device program, as docs/device-contract.md
 * describes one, for device authors to copy.  It is the contract's echo
 * register file: a READ returns the last value written at the same
 * (user_data, offset), else the reset value IORFD_RESET names.  Test it (or yours) with
 *
 *	cc -O2 -Wall -o example-device example-device.c
 *	iorfd-conform device -- ./example-device
 *
 * Everything it needs is in this file: it uses nothing of the suite.
 *
 * What the contract asks, and where this file does it:
 *   - commands come on fd 3, 32 bytes each, as a byte stream: read_command()
 *     puts each one together from however many reads it takes;
 *   - the layout is the one IORFD_REVISION names: decode();
 *   - exactly one 32-byte reply, in one write, for each command whose resp
 *     bit is set, and none otherwise: serve();
 *   - commands are handled one at a time, in order, so a READ sees every
 *     WRITE before it, posted or not;
 *   - at end of file on fd 3: exit 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COMMAND_FD 3
#define REPLY_FD   4
#define MSG_SIZE   32

#define CMD_READ  0
#define CMD_WRITE 1

/* Registers kept; a real device has its own, this one remembers what it is told. */
#define MAX_REGS 4096

struct command {
	unsigned int code; /* 0 READ, 1 WRITE, anything else unknown */
	unsigned int size; /* bytes: 1, 2, 4 or 8 */
	bool resp;	   /* a reply is owed */
	uint64_t user_data, offset, data;
};

static struct {
	uint64_t user_data, offset, value;
} regs[MAX_REGS];
static int nr_regs;
/* What a register never written reads: IORFD_RESET. */
static uint64_t reset_value;

/* v1 and v2 share a layout; v3 has its own.  Nothing on the wire says which. */
static bool v3_layout;

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/*
 * v1/v2: a 32-bit info word (code in bits 3..0, log2 size in 5..4, resp in
 * bit 6) and a padding word.  v3: byte 0 the code, byte 1 log2 size in bits
 * 3..0 and resp in bit 4, bytes 2..7 padding.  Both: user_data, offset and
 * data as 64-bit little-endian at 8, 16 and 24.  Reserved bits are
 * ignored: only the fields are read.
 */
static void decode(const uint8_t *b, struct command *c)
{
	if (v3_layout) {
		c->code = b[0];
		c->size = 1u << (b[1] & 0xf);
		c->resp = b[1] & 0x10;
	} else {
		uint32_t info = (uint32_t)get_le(b, 4);

		c->code = info & 0xf;
		c->size = 1u << ((info >> 4) & 0x3);
		c->resp = info & 0x40;
	}
	c->user_data = get_le(b + 8, 8);
	c->offset = get_le(b + 16, 8);
	c->data = get_le(b + 24, 8);
}

static int find_reg(uint64_t user_data, uint64_t offset)
{
	int i;

	for (i = 0; i < nr_regs; i++)
		if (regs[i].user_data == user_data && regs[i].offset == offset)
			return i;
	return -1;
}

static uint64_t reg_read(uint64_t user_data, uint64_t offset)
{
	int i = find_reg(user_data, offset);

	return i < 0 ? reset_value : regs[i].value;
}

static void reg_write(uint64_t user_data, uint64_t offset, uint64_t value)
{
	int i = find_reg(user_data, offset);

	if (i < 0) {
		if (nr_regs == MAX_REGS) {
			fprintf(stderr, "example-device: more than %d registers; write dropped\n",
				MAX_REGS);
			return;
		}
		i = nr_regs++;
		regs[i].user_data = user_data;
		regs[i].offset = offset;
	}
	regs[i].value = value;
}

/*
 * One whole command into @b.  A read may return part of a command or, on a
 * pipe holding several, exactly what is asked for: asking only for the
 * bytes still missing does both.  Returns false at end of file, dropping
 * a command left incomplete.
 */
static bool read_command(uint8_t *b)
{
	size_t have = 0;

	while (have < MSG_SIZE) {
		ssize_t n = read(COMMAND_FD, b + have, MSG_SIZE - have);

		if (n > 0) {
			have += (size_t)n;
		} else if (n == 0) {
			return false;
		} else if (errno != EINTR) {
			perror("example-device: read");
			exit(1);
		}
	}
	return true;
}

/* The reply: data in the first 8 bytes, little-endian, in one write. */
static void reply(uint64_t data)
{
	uint8_t b[MSG_SIZE] = {0};
	ssize_t n;
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(data >> (8 * i));
	do
		n = write(REPLY_FD, b, sizeof(b));
	while (n < 0 && errno == EINTR);
	if (n == MSG_SIZE)
		return;
	/* The VMM stopped reading replies: it is going away, so do we. */
	if (n < 0 && errno == EPIPE)
		exit(0);
	fprintf(stderr, "example-device: reply write: %s\n", n < 0 ? strerror(errno) : "short");
	exit(1);
}

static void serve(const struct command *c)
{
	uint64_t value = 0;

	if (c->code == CMD_WRITE)
		reg_write(c->user_data, c->offset, c->data);
	else if (c->code == CMD_READ)
		value = reg_read(c->user_data, c->offset);
	/* An unknown code changes nothing, and is still answered as resp asks. */
	if (c->resp)
		reply(value);
}

int main(void)
{
	const char *rev = getenv("IORFD_REVISION");
	uint8_t b[MSG_SIZE];
	struct command c;

	if (!rev || (strcmp(rev, "v1") && strcmp(rev, "v2") && strcmp(rev, "v3"))) {
		fprintf(stderr, "example-device: IORFD_REVISION is '%s', not v1, v2 or v3\n",
			rev ? rev : "(unset)");
		return 2;
	}
	v3_layout = !strcmp(rev, "v3");
	if (getenv("IORFD_RESET"))
		reset_value = strtoull(getenv("IORFD_RESET"), NULL, 0);
	/* A write after the VMM closed its end fails with EPIPE instead of killing us. */
	signal(SIGPIPE, SIG_IGN);
	/*
	 * IORFD_REGIONS ("USER_DATA:SIZE,...") names the regions served; this
	 * device keeps registers for whatever user_data comes, so it needs no
	 * list.  A device with real registers would check offset + size
	 * against the region's size here.
	 */
	while (read_command(b)) {
		decode(b, &c);
		serve(&c);
	}
	return 0;
}
