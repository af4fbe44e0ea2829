// SPDX-License-Identifier: GPL-2.0
/*
 * The self-test's mutants: each one fault of the protocol (or one RFC bug),
 * written as the hooks it needs and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm_util.h"

#include "lib/fdio.h"
#include "targets/reference/mutant.h"

/* ---- faults in a command's fields ------------------------------------- */

static void posted_resp(struct wire_cmd *cmd, const struct ref_region *rg, bool write)
{
	if (write && rg->posted)
		cmd->resp = true;
}

static void read_no_resp(struct wire_cmd *cmd, const struct ref_region *rg, bool write)
{
	if (!write)
		cmd->resp = false;
}

static void abs_offset(struct wire_cmd *cmd, const struct ref_region *rg, bool write)
{
	cmd->offset += rg->gpa;
}

static void user_data_zero(struct wire_cmd *cmd, const struct ref_region *rg, bool write)
{
	cmd->user_data = 0;
}

static void user_data_32(struct wire_cmd *cmd, const struct ref_region *rg, bool write)
{
	cmd->user_data &= 0xffffffffu;
}

static void write_garbage(struct wire_cmd *cmd, const struct ref_region *rg, bool write)
{
	if (write && cmd->size_code < 3)
		cmd->data |= 0xa5a5a5a5a5a5a5a5ull << (8 << cmd->size_code);
}

static void size_off_by_one(struct wire_cmd *cmd, const struct ref_region *rg, bool write)
{
	if (cmd->size_code < 3)
		cmd->size_code++;
}

/* ---- faults in the order and the number of commands and replies -------- */

/* A posted write held back and sent after the next read completes. */
static bool hold_posted(struct ref *ref, const struct ref_region *rg, bool write,
			const uint8_t *cmd)
{
	if (!write || !rg->posted || ref->held.full)
		return false;
	memcpy(ref->held.cmd, cmd, WIRE_MSG_SIZE);
	ref->held.fd = rg->wfd;
	ref->held.full = true;
	return true;
}

static void send_held(struct ref *ref)
{
	if (ref->held.full && write(ref->held.fd, ref->held.cmd, WIRE_MSG_SIZE) < 0)
		ref->held.full = false;
	ref->held.full = false;
}

static bool reply_always(const struct ref_region *rg, bool write)
{
	return true;
}

static ssize_t plain_write(int fd, const void *buf, size_t len)
{
	return write(fd, buf, len); /* SIGPIPE in the vCPU thread (B13) */
}

/* A full channel is an error, as on an O_NONBLOCK fd, rather than a wait (POST-2). */
static bool no_room_wait(void)
{
	return false;
}

static ssize_t write_if_room(int fd, const void *buf, size_t len)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};

	if (poll(&p, 1, 0) != 1) {
		errno = EAGAIN;
		return -1;
	}
	return write_nosignal(fd, buf, len);
}

static enum ref_state resend(enum ref_state state)
{
	return state == REF_GET_REPLY ? REF_SEND_CMD : state;
}

static int eof_is_zero(int err, uint64_t *reply)
{
	if (err != -EIO)
		return err;
	*reply = 0;
	return 0;
}

/* ---- faults in what reaches the guest ---------------------------------- */

static unsigned int whole_reply(unsigned int len)
{
	return 8;
}

/*
 * KVM itself copies only len bytes from kvm_run into the guest, so "the
 * reply is not truncated" is, for the reference, the whole reply put into
 * RAX before KVM completes an in, which then replaces only AL/AX: the guest
 * sees its upper RAX bits overwritten.
 */
static void untruncated_in(struct kvm_vcpu *vcpu, struct kvm_run *run)
{
	struct kvm_regs regs;
	uint64_t v = 0;

	if (run->exit_reason != KVM_EXIT_IO || run->io.direction != KVM_EXIT_IO_IN ||
	    run->io.count != 1 || run->io.size > 2)
		return;
	memcpy(&v, (uint8_t *)run + run->io.data_offset, run->io.size);
	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs))
		return;
	regs.rax = v; /* the upper bytes of a reply that was never cut to size */
	ioctl(vcpu->fd, KVM_SET_REGS, &regs);
}

/*
 * The channel let go when a signal interrupts an exchange, as if the access
 * were over: the next vCPU's command goes out while this one still waits
 * for its reply (ORD-2).  The resumed access reads its reply without it.
 */
static void release_on_eintr(struct ref *ref, struct ref_vcpu *vs)
{
	if (!vs->ctx)
		return;
	ref_ctx_release(vs->ctx);
	ref_ctx_put(ref, vs->ctx);
	vs->ctx = NULL;
}

/* ---- faults in registration, lookup and serialization ------------------- */

/*
 * The RFC's overlap test (B1), with a the registered range and b the new
 * one: b starting on a's last byte slips through; b ending on a's first
 * byte is still caught.
 */
static bool overlap_b1(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return !(b >= a_end || a > b_end);
}

/* V1/V2's O_NONBLOCK check made on the read fd only (REG-V1-2). */
static int nonblock_read_fd_only(int end, int flags)
{
	return end && flags >= 0 ? flags & ~O_NONBLOCK : flags;
}

/* A sizeless region taken to occupy one byte, not eight (REG-V3-6). */
static uint64_t footprint_one_byte(uint64_t size)
{
	return size ? size : 1;
}

/*
 * Removal compares the request with the region's footprint, as a kernel
 * that stores 8 as a sizeless region's size would: it never finds one.
 */
static bool removal_by_footprint(const struct ref_region *rg, const struct kvm_ioregion *r)
{
	return (rg->size ? rg->size : 8) == r->memory_size;
}

static bool no_serialize(void)
{
	return false;
}

/* RFC v3 keeps contexts per bus (B10). */
static bool ctx_per_bus(const struct ref_ctx *ctx, bool pio)
{
	return ctx->pio == pio;
}

/* One channel taken to be its write fd's pipe, not its read fd's (ORD-2). */
static void ctx_by_write_fd(const struct kvm_ioregion *r, struct stat *st)
{
	fstat(r->write_fd, st);
}

/*
 * One channel taken to be an fd number: a dup or a second open of the same
 * read pipe is then a channel of its own (ORD-2; RFC v3 keys by inode).
 */
static void ctx_by_fd_number(const struct kvm_ioregion *r, struct stat *st)
{
	st->st_ino = (ino_t)r->read_fd;
}

static bool straddle(const struct ref_region *rg, uint64_t addr, unsigned int len)
{
	return addr >= rg->gpa && addr - rg->gpa < rg->size;
}

/*
 * The RFC takes the context anyway when a signal ends the wait (B5), with
 * the signal pending again for the next wait.
 */
static int ignore_signal(void)
{
	pthread_kill(pthread_self(), SIGUSR1);
	return 0;
}

#define MUTANT(id, ...) static const struct ref_mutant id = {__VA_ARGS__}

MUTANT(m_posted_resp, .name = "posted-write-resp-set", .command = posted_resp);
MUTANT(m_read_no_resp, .name = "read-resp-clear", .command = read_no_resp);
MUTANT(m_abs_offset, .name = "absolute-address-offset", .command = abs_offset);
MUTANT(m_user_data_zero, .name = "user-data-dropped", .command = user_data_zero);
MUTANT(m_user_data_32, .name = "user-data-truncated-32", .command = user_data_32);
MUTANT(m_write_garbage, .name = "write-data-not-zero-extended", .command = write_garbage);
MUTANT(m_reply_untrunc, .name = "read-reply-not-truncated", .reply_bytes = whole_reply,
       .exit_done = untruncated_in);
MUTANT(m_size_off_by_one, .name = "size-off-by-one", .command = size_off_by_one);
MUTANT(m_posted_reorder, .name = "posted-write-after-read", .hold_command = hold_posted,
       .read_done = send_held);
MUTANT(m_no_serialize, .name = "two-commands-in-flight", .serializes = no_serialize);
MUTANT(m_straddle, .name = "straddling-access-dispatched", .contains = straddle);
MUTANT(m_overlap_b1, .name = "overlap-off-by-one-b1", .overlaps = overlap_b1);
MUTANT(m_no_eof_fallback, .name = "no-fallback-on-eof", .reply_failed = eof_is_zero);
MUTANT(m_resend_on_intr, .name = "resend-after-eintr", .resume_from = resend);
MUTANT(m_posted_consume, .name = "reply-read-for-posted-write", .reads_reply = reply_always);
MUTANT(m_wait_ignores_signal, .name = "signal-ignored-in-ctx-wait-b5",
       .signal_in_ctx_wait = ignore_signal);
MUTANT(m_sigpipe, .name = "sigpipe-in-vcpu-thread-b13", .write_cmd = plain_write);
MUTANT(m_nonblock_rfd_only, .name = "nonblock-checked-on-read-fd-only",
       .fd_flags_seen = nonblock_read_fd_only);
MUTANT(m_ctx_by_wfd, .name = "channel-is-the-write-fd", .ctx_identity = ctx_by_write_fd);
MUTANT(m_ctx_by_fd_number, .name = "channel-is-the-fd-number", .ctx_identity = ctx_by_fd_number);
MUTANT(m_footprint_1, .name = "sizeless-footprint-one-byte", .footprint = footprint_one_byte);
MUTANT(m_removal_by_footprint, .name = "sizeless-removal-by-footprint",
       .removal_matches = removal_by_footprint);
MUTANT(m_release_on_eintr, .name = "channel-released-on-eintr", .interrupted = release_on_eintr);
MUTANT(m_ctx_per_bus, .name = "contexts-per-bus-b10", .shares_ctx = ctx_per_bus);
MUTANT(m_full_falls_back, .name = "full-write-fd-falls-back", .waits_for_room = no_room_wait,
       .write_cmd = write_if_room);

const struct ref_mutant *const ref_mutants[] = {
	&m_posted_resp,
	&m_read_no_resp,
	&m_abs_offset,
	&m_user_data_zero,
	&m_user_data_32,
	&m_write_garbage,
	&m_reply_untrunc,
	&m_size_off_by_one,
	&m_posted_reorder,
	&m_no_serialize,
	&m_straddle,
	&m_overlap_b1,
	&m_no_eof_fallback,
	&m_resend_on_intr,
	&m_posted_consume,
	&m_wait_ignores_signal,
	&m_sigpipe,
	&m_ctx_per_bus,
	&m_nonblock_rfd_only,
	&m_ctx_by_wfd,
	&m_ctx_by_fd_number,
	&m_footprint_1,
	&m_removal_by_footprint,
	&m_release_on_eintr,
	&m_full_falls_back,
};
const int ref_nr_mutants = sizeof(ref_mutants) / sizeof(ref_mutants[0]);
