// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the device end (responders/responder.c) where it judges
 * serialization across channels: a region whose read fd is another
 * channel's (read_fd_of) gets its replies written there, and a command that
 * arrives while its read fd still owes a reply is counted as two in flight
 * (ORD-2), whichever device read it.  This test plays KVM on plain pipes
 * and a socketpair; no VM is involved.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/case.h"
#include "model/result.h"
#include "proto/wire.h"
#include "responders/responder.h"

#define WAIT_MS 2000

/* Channel a: two pipes; channel b: one socketpair.  KVM's ends and the device's. */
struct wires {
	int a_cmd[2], a_rep[2]; /* [0] read end, [1] write end */
	int b[2];		/* [0] KVM, [1] device */
};

static struct iorfd_case c;
static struct case_result res;

static void load(const char *text)
{
	struct case_error err = {{0}};

	memset(&c, 0, sizeof(c));
	if (case_load_buf("t.yaml", text, strlen(text), IORFD_V3, 0, &c, &err))
		fail_msg("%s", err.msg);
}

static void open_wires(struct wires *w)
{
	assert_int_equal(pipe2(w->a_cmd, O_CLOEXEC), 0);
	assert_int_equal(pipe2(w->a_rep, O_CLOEXEC), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, w->b), 0);
}

static void close_wires(struct wires *w)
{
	close(w->a_cmd[1]);
	close(w->a_rep[0]);
	close(w->b[0]);
}

/* The responders hold dups of the device ends; ours are closed at once. */
static void start(struct wires *w, struct responder *ra, struct responder *rb, int *busy)
{
	memset(&res, 0, sizeof(res));
	assert_int_equal(responder_init(ra, &c, 0, w->a_cmd[0], w->a_rep[1], &res), 0);
	assert_int_equal(responder_init(rb, &c, 1, w->b[1], w->b[1], &res), 0);
	assert_int_equal(responder_reply_via(rb, 0xb, ra, busy), 0);
	close(w->a_cmd[0]);
	close(w->a_rep[1]);
	close(w->b[1]);
	assert_int_equal(responder_start(ra), 0);
	assert_int_equal(responder_start(rb), 0);
}

static void send_write(int fd, uint64_t user_data)
{
	struct wire_cmd cmd;
	uint8_t raw[WIRE_MSG_SIZE];

	wire_make_cmd(&cmd, true, 4, true, user_data, 0, 0x1);
	wire_encode_cmd(IORFD_V3, &cmd, raw);
	assert_int_equal(write(fd, raw, sizeof(raw)), sizeof(raw));
}

static void wait_cmds(int channel, int count)
{
	int ms;

	for (ms = 0; ms < WAIT_MS; ms++) {
		if (__atomic_load_n(&res.chan_cmds[channel], __ATOMIC_SEQ_CST) >= count)
			return;
		usleep(1000);
	}
	fail_msg("channel %d: %d command(s) not read within %d ms", channel, count, WAIT_MS);
}

/* One 32-byte reply on @fd within WAIT_MS (true), or none (false). */
static bool reply_on(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	uint8_t raw[WIRE_MSG_SIZE];

	if (poll(&p, 1, ms) != 1)
		return false;
	assert_int_equal(read(fd, raw, sizeof(raw)), sizeof(raw));
	return true;
}

#define TWO_CHANNELS(script)                                                          \
	"case: t\n"                                                                   \
	"channels:\n"                                                                 \
	"  a: {kind: pipes" script "}\n"                                              \
	"  b: {kind: stream}\n"                                                       \
	"regions:\n"                                                                  \
	"  x: {channel: a, gpa: 0x1000, size: 0x10, user_data: 0xa}\n"                \
	"  y: {channel: b, read_fd_of: a, gpa: 0x2000, size: 0x10, user_data: 0xb}\n" \
	"vcpus: [{program: [{op: sync}]}]\n"

/* x's reply held by a's device; y's command, read by b's, claims the same read fd. */
static void test_routed_command_while_held(void **state)
{
	struct responder ra, rb;
	struct wires w;
	int busy[CASE_MAX_CHANNELS] = {0};

	load(TWO_CHANNELS(", script: [{at: 1, hold: true}]"));
	open_wires(&w);
	start(&w, &ra, &rb, busy);
	send_write(w.a_cmd[1], 0xa);
	wait_cmds(0, 1);
	send_write(w.b[0], 0xb);
	wait_cmds(1, 1);
	assert_int_equal(res.chan_overlap[0], 1);
	assert_int_equal(res.chan_overlap[1], 0);
	/* y's reply goes into a's pipe, not back over b's socket. */
	assert_true(reply_on(w.a_rep[0], WAIT_MS));
	assert_false(reply_on(w.b[0], 0));
	assert_int_equal(responder_release(&ra), 0);
	assert_true(reply_on(w.a_rep[0], WAIT_MS));
	close_wires(&w);
	assert_int_equal(responder_stop(&ra, WAIT_MS), 0);
	assert_int_equal(responder_stop(&rb, WAIT_MS), 0);
}

/* The same two exchanges one after the other: nothing in flight twice. */
static void test_routed_exchanges_in_turn(void **state)
{
	struct responder ra, rb;
	struct wires w;
	int busy[CASE_MAX_CHANNELS] = {0};

	load(TWO_CHANNELS(""));
	open_wires(&w);
	start(&w, &ra, &rb, busy);
	send_write(w.a_cmd[1], 0xa);
	assert_true(reply_on(w.a_rep[0], WAIT_MS));
	send_write(w.b[0], 0xb);
	assert_true(reply_on(w.a_rep[0], WAIT_MS));
	send_write(w.a_cmd[1], 0xa);
	assert_true(reply_on(w.a_rep[0], WAIT_MS));
	assert_false(reply_on(w.b[0], 0));
	assert_int_equal(res.chan_overlap[0], 0);
	assert_int_equal(res.chan_overlap[1], 0);
	close_wires(&w);
	assert_int_equal(responder_stop(&ra, WAIT_MS), 0);
	assert_int_equal(responder_stop(&rb, WAIT_MS), 0);
}

/*
 * Channel a stalls after its first command (answered); the VMM then puts
 * @bytes of filler (at most 3 commands' worth) behind it, as fill_write_fd does.
 */
static void stall_and_fill(struct wires *w, struct responder *ra, struct responder *rb, int *busy,
			   size_t bytes)
{
	uint8_t filler[WIRE_MSG_SIZE * 3];

	load(TWO_CHANNELS(", script: [{at: 1, stall: true}]"));
	open_wires(w);
	start(w, ra, rb, busy);
	assert_int_equal(responder_fill_begin(ra, 0), -EAGAIN); /* not stalled yet */
	send_write(w->a_cmd[1], 0xa);
	assert_true(reply_on(w->a_rep[0], WAIT_MS));
	assert_int_equal(responder_fill_begin(ra, WAIT_MS), 0);
	memset(filler, 0xf1, sizeof(filler));
	assert_int_equal(write(w->a_cmd[1], filler, bytes), bytes);
	responder_fill_end(ra, bytes);
}

/*
 * A stall, and the VMM's filler behind it: the responder reads nothing
 * until the release, then drops exactly the filler and takes the next
 * command as command #2, whether or not anything follows the filler.
 */
static void test_stall_drops_filler(void **state)
{
	struct responder ra, rb;
	struct wires w;
	int busy[CASE_MAX_CHANNELS] = {0};

	stall_and_fill(&w, &ra, &rb, busy, 3 * WIRE_MSG_SIZE);
	/* Stalled: neither the filler nor this command is read before the release. */
	send_write(w.a_cmd[1], 0xa);
	usleep(50 * 1000);
	assert_int_equal(res.chan_cmds[0], 1);
	assert_int_equal(responder_release(&ra), 0);
	assert_true(reply_on(w.a_rep[0], WAIT_MS));
	assert_int_equal(res.chan_cmds[0], 2);
	assert_int_equal(res.tx[1].len, WIRE_MSG_SIZE);
	assert_int_equal(res.tx[1].nr_viol, 0);
	close_wires(&w);
	assert_int_equal(responder_stop(&ra, WAIT_MS), 0);
	assert_int_equal(responder_stop(&rb, WAIT_MS), 0);
}

/* Filler with nothing after it: the responder still stops when asked. */
static void test_stall_filler_then_stop(void **state)
{
	struct responder ra, rb;
	struct wires w;
	int busy[CASE_MAX_CHANNELS] = {0};

	stall_and_fill(&w, &ra, &rb, busy, WIRE_MSG_SIZE);
	assert_int_equal(responder_release(&ra), 0);
	usleep(50 * 1000);
	/* KVM's end stays open, as the VMM's copy does at teardown. */
	assert_int_equal(responder_stop(&ra, WAIT_MS), 0);
	assert_int_equal(responder_stop(&rb, WAIT_MS), 0);
	assert_int_equal(res.chan_cmds[0], 1);
	close_wires(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routed_command_while_held),
		cmocka_unit_test(test_routed_exchanges_in_turn),
		cmocka_unit_test(test_stall_drops_filler),
		cmocka_unit_test(test_stall_filler_then_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
