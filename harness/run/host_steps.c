// SPDX-License-Identifier: GPL-2.0
/*
 * What a case's program asks of the VMM at a host step, and the region
 * registrations at start: KVM_SET_IOREGION as each revision spells it, with
 * the fds a case picks (the channel's, closed, swapped, or files of the
 * region's own), removals, fills of a bus, ioeventfds, closes, the device's
 * stray write.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kvm_util.h"
#include "processor.h"
#include "ucall_common.h"

#include "lib/fdio.h"
#include "run/exec.h"
#include "run/execute.h"
#include "run/ioregion_args.h"
#include "run/time_scale.h"

static const char *errno_str(int err)
{
	static __thread char buf[32];

	if (!err)
		return "0 (success)";
	snprintf(buf, sizeof(buf), "%s", strerrorname_np(err) ? strerrorname_np(err) : "?");
	return buf;
}

/* A number no fd of this process has: the bad fd a registration must refuse. */
static int closed_fd(void)
{
	int fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 1000);

	if (fd >= 0)
		close(fd);
	return fd >= 0 ? fd : 1000;
}

/*
 * The file a region's fd override opens for it alone, once per region and
 * end (@end: 0 the read fd, 1 the write fd); close_fds and teardown close it.
 *  reopened   a second open file of the channel's pipe @fd (BUG-B4):
 *             opening /proc/self/fd/N makes a new struct file, where
 *             dup() would share one;
 *  nonblock   the end of a fresh O_NONBLOCK pipe that serves @end;
 *  wrong-way  the end of a fresh pipe that serves the other direction;
 *  eventfd    an eventfd: both ways, but only in 8-byte units;
 *  dup        a dup of @fd: the same open file under another number.
 * A fresh pipe's unused end is closed at once: registration looks at one
 * file only.
 */
static int open_region_file(enum fd_choice how, int end, int fd)
{
	char path[64];
	int p[2], keep;

	switch (how) {
	case FD_REOPENED:
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		return open(path, (end ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	case FD_EVENTFD:
		return eventfd(0, EFD_CLOEXEC);
	case FD_DUP:
		return fcntl(fd, F_DUPFD_CLOEXEC, 0);
	case FD_NONBLOCK:
	case FD_WRONG_WAY:
		if (pipe2(p, O_CLOEXEC | (how == FD_NONBLOCK ? O_NONBLOCK : 0)))
			return -1;
		/* p[0] reads, p[1] writes: the read fd's right end is p[0]. */
		keep = (how == FD_WRONG_WAY) ^ end;
		close(p[!keep]);
		return p[keep];
	default:
		errno = EINVAL;
		return -1;
	}
}

static int region_file(struct exec *x, const struct case_region *cr, int end, enum fd_choice how,
		       int fd)
{
	int *slot = &x->region_files[cr - x->c->regions][end];

	if (*slot >= 0)
		return *slot;
	*slot = open_region_file(how, end, fd);
	if (*slot < 0)
		result_fail_at(x->res, VERDICT_ERROR,
			       &(struct fail_spec){.kind = FAIL_HARNESS, .at = &cr->loc},
			       "region %s: opening its own %s: %s", cr->name,
			       end ? "write fd" : "read fd", strerror(errno));
	return *slot;
}

/*
 * @end: 0 the read fd, 1 the write fd.  The read fd is that of the region's
 * reply channel (read_fd_of), the write fd that of its own.
 */
static int pick_fd(struct exec *x, const struct case_region *cr, int end)
{
	const struct fd_override *o = end ? &cr->wfd : &cr->rfd;
	const struct channel_fds *ch = &x->ch[end ? cr->channel : cr->reply_channel];
	int channel_fd = end ? ch->kvm_wfd : ch->kvm_rfd;

	switch (o->how) {
	case FD_SWAPPED:
		return end ? ch->kvm_rfd : ch->kvm_wfd;
	case FD_NUMBER:
		return o->number;
	case FD_CLOSED:
		return closed_fd();
	case FD_REOPENED:
	case FD_NONBLOCK:
	case FD_WRONG_WAY:
	case FD_EVENTFD:
	case FD_DUP:
		return region_file(x, cr, end, o->how, channel_fd);
	case FD_CHANNEL:
		break;
	}
	return channel_fd;
}

void exec_close_region_files(struct exec *x, int channel)
{
	int i, end;

	for (i = 0; i < x->c->nr_regions; i++) {
		for (end = 0; end < 2; end++) {
			const struct case_region *cr = &x->c->regions[i];

			if (x->region_files[i][end] >= 0 &&
			    (end ? cr->channel : cr->reply_channel) == channel) {
				close(x->region_files[i][end]);
				x->region_files[i][end] = -1;
			}
		}
	}
}

void exec_region_request(struct exec *x, const struct case_region *cr, struct kvm_ioregion *r)
{
	memset(r, 0, sizeof(*r));
	r->guest_paddr = cr->gpa;
	r->memory_size = cr->size;
	r->user_data = cr->user_data;
	r->read_fd = pick_fd(x, cr, 0);
	r->write_fd = pick_fd(x, cr, 1);
	r->flags = (cr->space == SPACE_PIO ? KVM_IOREGION_PIO : 0) |
		   (cr->posted ? KVM_IOREGION_POSTED_WRITES : 0) | cr->extra_flags;
}

/* Removal as each revision spells it: V3 a flag, V1/V2 both fds -1 (REG-V1-1, REG-V3-2). */
void exec_deassign_request(struct exec *x, const struct case_region *cr, struct kvm_ioregion *r)
{
	memset(r, 0, sizeof(*r));
	r->guest_paddr = cr->gpa;
	r->memory_size = cr->size;
	r->flags = cr->space == SPACE_PIO ? KVM_IOREGION_PIO : 0;
	r->read_fd = r->write_fd = -1;
	if (x->c->rev == IORFD_V3)
		r->flags |= KVM_IOREGION_DEASSIGN;
}

void exec_check_errno(struct exec *x, const struct src_loc *loc, const char *what, int want,
		      int got)
{
	char w[32];

	if (want == got)
		return;
	snprintf(w, sizeof(w), "%s", errno_str(want));
	result_fail_at(
		x->res, VERDICT_FAIL,
		&(struct fail_spec){
			.kind = FAIL_ERRNO, .at = loc, .expected = w, .observed = errno_str(got)},
		"%s", what);
}

void exec_describe_request(char *buf, size_t len, const char *ioctl, const char *name,
			   const struct kvm_ioregion *r)
{
	snprintf(
		buf, len,
		"%s of region %s (gpa=%#llx size=%#llx user_data=%#llx read_fd=%d write_fd=%d flags=%#x)",
		ioctl, name, (unsigned long long)r->guest_paddr, (unsigned long long)r->memory_size,
		(unsigned long long)r->user_data, r->read_fd, r->write_fd, r->flags);
}

static void register_region(struct exec *x, const struct case_region *cr, const struct src_loc *loc,
			    int want, enum arg_pointer how)
{
	struct kvm_ioregion r;
	char what[400];
	size_t n;

	exec_region_request(x, cr, &r);
	exec_describe_request(what, sizeof(what), "KVM_SET_IOREGION", cr->name, &r);
	n = strlen(what);
	if (how != ARG_READABLE)
		snprintf(what + n, sizeof(what) - n, " %s", arg_pointer_words(how));
	exec_check_errno(x, loc, what, want, -ioregion_set_at(&x->t, &r, how));
}

/*
 * Copies of a region side by side until KVM_SET_IOREGION fails (REG-7):
 * where the kernel caps a bus, the first failure must be the expected
 * errno, after at least at_least copies; where it does not (kernel memory
 * accounting), all count copies must register.
 */
static void host_fill_bus(struct exec *x, const struct case_step *s, const struct case_region *cr)
{
	uint64_t stride = cr->size ? cr->size : 8;
	bool capped = x->t.ops->bus_capped();
	int want = capped ? s->expect_errno : s->uncapped_errno;
	struct fill_result f;
	struct kvm_ioregion r;
	char what[320];

	if (!capped)
		result_note(x->res,
			    "%s:%d:%d: this target's buses have no cap (kernel memory is "
			    "accounted): the case expects %s (uncapped_errno)",
			    s->loc.file, s->loc.line, s->loc.col, errno_str(want));
	exec_region_request(x, cr, &r);
	ioregion_fill(&x->t, &r, stride, s->count, &f);
	exec_describe_request(what, sizeof(what), "KVM_SET_IOREGION", cr->name, &r);
	if (f.err && -f.err != want) {
		char w[32];

		snprintf(w, sizeof(w), "%s", errno_str(want));
		result_fail_at(x->res, VERDICT_FAIL,
			       &(struct fail_spec){.kind = FAIL_ERRNO,
						   .at = &s->loc,
						   .expected = w,
						   .observed = errno_str(-f.err)},
			       "%s, copy #%u at gpa %#llx", what, f.registered + 1,
			       (unsigned long long)(cr->gpa + f.registered * stride));
	} else if (!f.err && want) {
		char w[64], o[64];

		snprintf(w, sizeof(w), "%s within %u copies", errno_str(want), s->count);
		snprintf(o, sizeof(o), "all %u registered", s->count);
		result_fail_at(
			x->res, VERDICT_FAIL,
			&(struct fail_spec){
				.kind = FAIL_ERRNO, .at = &s->loc, .expected = w, .observed = o},
			"%s", what);
	} else if (f.err && f.registered < s->at_least) {
		char w[64], o[64];

		snprintf(w, sizeof(w), "at least %u copies registered first", s->at_least);
		snprintf(o, sizeof(o), "%s after %u copies", errno_str(-f.err), f.registered);
		result_fail_at(
			x->res, VERDICT_FAIL,
			&(struct fail_spec){
				.kind = FAIL_ERRNO, .at = &s->loc, .expected = w, .observed = o},
			"%s", what);
	} else if (f.err)
		result_note(x->res, "%s:%d:%d: %s after %u copies of region %s", s->loc.file,
			    s->loc.line, s->loc.col, errno_str(-f.err), f.registered, cr->name);
}

void exec_register_regions(struct exec *x)
{
	int i;

	for (i = 0; i < x->c->nr_regions; i++) {
		const struct case_region *cr = &x->c->regions[i];

		if (!cr->later)
			register_region(x, cr, &cr->loc, cr->expect_errno, ARG_READABLE);
	}
}

static void host_ioeventfd(struct exec *x, const struct case_step *s)
{
	int efd = eventfd(0, EFD_CLOEXEC);
	struct kvm_ioeventfd e = {
		.addr = s->addr,
		.len = s->size,
		.fd = efd,
		.flags = s->space == SPACE_PIO ? KVM_IOEVENTFD_FLAG_PIO : 0,
	};
	char what[160];

	/* The VMM keeps the eventfd while the VM lives; teardown closes it. */
	if (efd >= 0 && x->nr_ioeventfds < CASE_MAX_STEPS)
		x->ioeventfds[x->nr_ioeventfds++] = efd;
	snprintf(what, sizeof(what), "KVM_IOEVENTFD at %s %#llx len %u", space_name(s->space),
		 (unsigned long long)s->addr, s->size);
	exec_check_errno(x, &s->loc, what, s->expect_errno, -x->t.ops->ioeventfd(&x->t, &e));
}

/*
 * One byte from the device's end where it sends replies: EPIPE once no
 * read end is open anywhere, the VMM's or the kernel's own references
 * (REG-3, BUG-B4); success while one still is.  It never raises SIGPIPE.
 */
static void device_write(struct exec *x, const struct case_step *s)
{
	const char *name = x->c->channels[s->channel].name;
	char what[160];

	snprintf(what, sizeof(what), "channel %s: the device's write of one byte where it replies",
		 name);
	exec_check_errno(x, &s->loc, what, s->expect_errno,
			 -responder_write_byte(&x->resp[s->channel]));
}

/*
 * A device that has fallen behind: with its responder stalled, the VMM
 * writes 32-byte fillers into KVM's write fd until it takes no more, so
 * that KVM's next command write must wait for room (POST-2) or, on an
 * O_NONBLOCK file, fails with EAGAIN (ERR-6).  The VMM's copy is the file
 * KVM holds, so O_NONBLOCK is set only for the fill and put back.
 */
#define FILL_STALL_WAIT_MS 5000

static void fill_write_fd(struct exec *x, const struct case_step *s)
{
	const char *name = x->c->channels[s->channel].name;
	struct responder *r = &x->resp[s->channel];
	int fd = x->ch[s->channel].kvm_wfd, fl = fcntl(fd, F_GETFL), err = 0;
	uint8_t filler[WIRE_MSG_SIZE];
	long total = 0;
	ssize_t n;

	if (fl < 0 || responder_fill_begin(r, scaled_ms(FILL_STALL_WAIT_MS))) {
		result_fail_at(
			x->res, VERDICT_ERROR,
			&(struct fail_spec){.kind = FAIL_HARNESS, .at = &s->loc},
			"channel %s: fill_write_fd: %s", name,
			fl < 0 ? strerror(errno)
			       : "its device end did not stall within the wait (script: {at: N, "
				 "stall: true} stalls it)");
		return;
	}
	memset(filler, 0xf1, sizeof(filler));
	if (fcntl(fd, F_SETFL, fl | O_NONBLOCK))
		err = errno;
	while (!err && (n = write_nosignal(fd, filler, sizeof(filler))) > 0)
		total += n;
	if (!err && errno != EAGAIN)
		err = errno;
	fcntl(fd, F_SETFL, fl);
	responder_fill_end(r, total);
	if (err)
		result_fail_at(x->res, VERDICT_ERROR,
			       &(struct fail_spec){.kind = FAIL_HARNESS, .at = &s->loc},
			       "channel %s: fill_write_fd after %ld bytes: %s", name, total,
			       strerror(err));
	else
		result_note(x->res, "channel %s: the VMM filled KVM's write fd with %ld bytes",
			    name, total);
}

/*
 * O_NONBLOCK set on a file KVM already holds: the flag is the open file's,
 * so KVM sees it at the next access (ERR-1, ERR-6), not at registration.
 */
static void set_nonblock(struct exec *x, const struct case_step *s)
{
	const struct channel_fds *ch = &x->ch[s->channel];
	int fd = s->action == HOST_NONBLOCK_READ_FD ? ch->kvm_rfd : ch->kvm_wfd;
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK))
		result_fail_at(x->res, VERDICT_ERROR,
			       &(struct fail_spec){.kind = FAIL_HARNESS, .at = &s->loc},
			       "channel %s: O_NONBLOCK on fd %d: %s",
			       x->c->channels[s->channel].name, fd, strerror(errno));
}

/* The VMM's part of a host step; the vCPU waits in its ucall meanwhile. */
void exec_host_step(struct exec *x, const struct case_step *s)
{
	const struct case_region *cr = s->region >= 0 ? &x->c->regions[s->region] : NULL;
	struct kvm_ioregion r;
	char what[320];

	switch (s->action) {
	case HOST_REGISTER:
		register_region(x, cr, &s->loc, s->expect_errno, s->pointer);
		break;
	case HOST_FILL_BUS:
		host_fill_bus(x, s, cr);
		break;
	case HOST_CLOSE_FDS:
		/* KVM holds its own references (REG-3): the region must not notice. */
		channel_close_kvm(&x->ch[s->channel]);
		exec_close_region_files(x, s->channel);
		break;
	case HOST_FILL_WRITE_FD:
		fill_write_fd(x, s);
		break;
	case HOST_DEVICE_WRITE:
		device_write(x, s);
		break;
	case HOST_NONBLOCK_READ_FD:
	case HOST_NONBLOCK_WRITE_FD:
		set_nonblock(x, s);
		break;
	case HOST_FAIL_ALLOCATIONS:
		exec_fail_allocations(x, s, cr);
		break;
	case HOST_DEASSIGN:
		exec_deassign_request(x, cr, &r);
		r.flags |= s->extra_flags;
		exec_describe_request(what, sizeof(what), "KVM_SET_IOREGION removal", cr->name, &r);
		exec_check_errno(x, &s->loc, what, s->expect_errno,
				 -x->t.ops->set_ioregion(&x->t, &r));
		break;
	case HOST_IOEVENTFD:
		host_ioeventfd(x, s);
		break;
	}
}
