// SPDX-License-Identifier: GPL-2.0
/*
 * One case, start to end: VM and guest programs, channels and responders,
 * region registration, vCPU threads acting as the VMM for ordinary exits,
 * then teardown and evaluation.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kvm_util.h"
#include "processor.h"

#include "run/channel.h"
#include "run/execute.h"
#include "run/ioregion_args.h"
#include "run/sse_probe.h"
#include "guests/guest_prog.h"
#include "responders/responder.h"

#define RESPONDER_STOP_MS 2000

_Static_assert(CASE_MAX_STRING == GSTEP_MAX_COUNT, "case and guest agree on string length");

struct exec {
	const struct iorfd_case *c;
	struct case_result *res;
	struct target t;
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpus[CASE_MAX_VCPUS];
	struct gprog *progs[CASE_MAX_VCPUS];
	struct channel_fds ch[CASE_MAX_CHANNELS];
	struct responder resp[CASE_MAX_CHANNELS];
	int ioeventfds[CASE_MAX_STEPS]; /* the VMM's eventfds, closed at teardown */
	int nr_ioeventfds;
	/* read_fd/write_fd: reopened: the region's own open file of its channel's pipe, or -1 */
	int reopened[CASE_MAX_REGIONS][2];
};

struct vcpu_thread {
	struct exec *x;
	int index;
	pthread_t thread;
	int resume_fd; /* eventfd: the timeline lets a parked vCPU go on; -1 never parks */
};

/* A vCPU parks after EINTR only if the timeline will resume it. */
static bool timeline_resumes(const struct iorfd_case *c, int vcpu)
{
	int i;

	for (i = 0; i < c->nr_timeline; i++)
		if (c->timeline[i].op == TL_RESUME && c->timeline[i].vcpu == vcpu)
			return true;
	return false;
}

/* Bounded like a held reply: a case that never resumes still ends. */
#define PARK_MAX_MS 30000

static void park(struct vcpu_thread *vt)
{
	struct pollfd p = {.fd = vt->resume_fd, .events = POLLIN};
	uint64_t v;

	snprintf(vt->x->res->vcpu[vt->index].waiting, sizeof(vt->x->res->vcpu[0].waiting),
		 "parked after EINTR, waiting for the timeline's resume");
	if (poll(&p, 1, PARK_MAX_MS) <= 0 || read(vt->resume_fd, &v, sizeof(v)) != sizeof(v))
		result_fail_at(vt->x->res, VERDICT_ERROR, &(struct fail_spec){.kind = FAIL_HARNESS},
			       "vCPU%d parked for %d ms and never resumed", vt->index, PARK_MAX_MS);
}

/*
 * Signals for the host timeline: SIGUSR1 is blocked in every thread and
 * unblocked only inside KVM_RUN (KVM_SET_SIGNAL_MASK) and inside the
 * reference dispatcher's waits (ppoll), so a signal can interrupt exactly a
 * vCPU that is in the kernel or waiting for the device, and is never lost
 * in between: it stays pending until the next KVM_RUN.
 */
static void on_sigusr1(int sig)
{
}

static void on_sigpipe(int sig)
{
	(void)sig;
}

/*
 * Like most VMMs the harness ignores SIGPIPE, so a device that closed its
 * end makes writes fail with EPIPE; a case may ask for the default action or
 * a handler instead, which an implementation must survive too (BUG-B13).
 */
static void set_sigpipe(enum vmm_sigpipe how)
{
	struct sigaction sa = {.sa_handler = on_sigpipe}; /* no SA_RESTART */

	if (how == VMM_SIGPIPE_HANDLER)
		sigaction(SIGPIPE, &sa, NULL);
	else
		signal(SIGPIPE, how == VMM_SIGPIPE_DEFAULT ? SIG_DFL : SIG_IGN);
}

static void block_sigusr1(void)
{
	struct sigaction sa = {.sa_handler = on_sigusr1}; /* no SA_RESTART: waits end in EINTR */
	sigset_t set;

	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static int unblock_in_kvm_run(struct kvm_vcpu *vcpu)
{
	struct {
		struct kvm_signal_mask head;
		uint8_t set[8]; /* the kernel's sigset_t, not glibc's 128 bytes */
	} m;
	sigset_t cur;

	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	sigdelset(&cur, SIGUSR1);
	m.head.len = sizeof(m.set);
	memcpy(m.set, &cur, sizeof(m.set));
	/* Raw ioctl: the selftests wrapper insists the argument be the 4-byte header only. */
	return ioctl(vcpu->fd, KVM_SET_SIGNAL_MASK, &m) ? -errno : 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint8_t step_gop(const struct case_step *s)
{
	switch (s->op) {
	case STEP_SYNC:
	case STEP_HOST:
		return GOP_SYNC;
	case STEP_OUTS:
		return GOP_PIO_OUTS;
	case STEP_INS:
		return GOP_PIO_INS;
	case STEP_ADD:
		return GOP_MMIO_ADD;
	case STEP_XCHG:
		return GOP_MMIO_XCHG;
	case STEP_CMPXCHG:
		return GOP_MMIO_CMPXCHG;
	case STEP_STORE16:
		return GOP_MMIO_STORE16;
	case STEP_LOAD16:
		return GOP_MMIO_LOAD16;
	case STEP_READ:
	case STEP_WRITE:
		break;
	}
	if (s->space == SPACE_PIO)
		return s->op == STEP_READ ? GOP_PIO_IN : GOP_PIO_OUT;
	return s->op == STEP_READ ? GOP_MMIO_READ : GOP_MMIO_WRITE;
}

static void load_program(struct exec *x, int vi)
{
	const struct case_vcpu *cv = &x->c->vcpus[vi];
	size_t sz = sizeof(struct gprog) + cv->nr_steps * sizeof(struct gstep);
	vm_vaddr_t gva = vm_vaddr_alloc(x->vm, sz, KVM_UTIL_MIN_VADDR);
	struct gprog *p = addr_gva2hva(x->vm, gva);
	int i;

	memset(p, 0, sz);
	p->nr_steps = cv->nr_steps;
	for (i = 0; i < cv->nr_steps; i++) {
		const struct case_step *s = &cv->steps[i];
		struct gstep *g = &p->steps[i];

		g->op = step_gop(s);
		g->size = (uint8_t)s->size;
		g->addr = s->addr;
		g->value = s->value;
		g->expect = s->expect;
		g->flags = (s->check ? GSTEP_CHECK : 0) | (s->keep_upper ? GSTEP_KEEP_UPPER : 0);
		g->compare = s->compare;
		g->count = s->count;
		memcpy(g->data, s->values, sizeof(g->data));
	}
	x->progs[vi] = p;
	x->res->vcpu[vi].step = -1;
	vcpu_args_set(x->vcpus[vi], 1, gva);
}

/* Identity-maps every page an MMIO step touches; -1 on an unusable address. */
static int map_mmio(struct exec *x)
{
	uint64_t pages[CASE_MAX_VCPUS * CASE_MAX_STEPS * 2];
	int nr = 0, vi, i, j;

	for (vi = 0; vi < x->c->nr_vcpus; vi++) {
		for (i = 0; i < x->c->vcpus[vi].nr_steps; i++) {
			const struct case_step *s = &x->c->vcpus[vi].steps[i];
			uint64_t pg;

			if (s->op == STEP_SYNC || s->op == STEP_HOST || s->space != SPACE_MMIO)
				continue;
			if (s->addr < MMIO_MIN || s->addr + s->size > MMIO_MAX) {
				result_fail_at(
					x->res, VERDICT_ERROR,
					&(struct fail_spec){.kind = FAIL_HARNESS, .at = &s->loc},
					"MMIO address %#llx: the harness maps guest MMIO only in [%#llx, %#llx)",
					(unsigned long long)s->addr, MMIO_MIN, MMIO_MAX);
				return -1;
			}
			for (pg = s->addr & ~0xfffull; pg < s->addr + s->size; pg += 0x1000) {
				for (j = 0; j < nr && pages[j] != pg; j++)
					;
				if (j == nr)
					pages[nr++] = pg;
			}
		}
	}
	for (j = 0; j < nr; j++)
		virt_map(x->vm, pages[j], pages[j], 1);
	return 0;
}

static int open_channels(struct exec *x)
{
	int i, err;

	for (i = 0; i < x->c->nr_channels; i++)
		x->ch[i].kvm_rfd = x->ch[i].kvm_wfd = x->ch[i].dev_rfd = x->ch[i].dev_wfd = -1;
	for (i = 0; i < x->c->nr_channels; i++) {
		const struct case_channel *cc = &x->c->channels[i];

		err = channel_open(cc->kind, &x->ch[i]);
		if (!err && cc->nonblock)
			err = channel_set_nonblock(&x->ch[i]);
		if (!err)
			err = responder_init(&x->resp[i], x->c, i, x->ch[i].dev_rfd,
					     x->ch[i].dev_wfd, x->res);
		/* From here on the responder alone holds the device end. */
		if (!err) {
			close(x->ch[i].dev_rfd);
			if (x->ch[i].dev_wfd != x->ch[i].dev_rfd)
				close(x->ch[i].dev_wfd);
			x->ch[i].dev_rfd = x->ch[i].dev_wfd = -1;
		}
		if (err) {
			result_fail_at(x->res, VERDICT_ERROR,
				       &(struct fail_spec){.kind = FAIL_HARNESS,
							   .at = &cc->loc,
							   .channel = cc->name},
				       "channel %s: %s", cc->name, strerror(-err));
			return -1;
		}
	}
	return 0;
}

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
 * A second open file of the same pipe as @fd (BUG-B4): opening
 * /proc/self/fd/N makes a new struct file, where dup() would share one.
 * Once per region and end; close_fds and teardown close it.
 */
static int reopen(struct exec *x, const struct case_region *cr, int end, int fd)
{
	int *slot = &x->reopened[cr - x->c->regions][end];
	char path[64];

	if (*slot >= 0)
		return *slot;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	*slot = open(path, (end ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (*slot < 0)
		result_fail_at(x->res, VERDICT_ERROR,
			       &(struct fail_spec){.kind = FAIL_HARNESS, .at = &cr->loc},
			       "region %s: reopening %s: %s", cr->name, path, strerror(errno));
	return *slot;
}

/* @end: 0 the read fd, 1 the write fd. */
static int pick_fd(struct exec *x, const struct case_region *cr, int end, int channel_fd)
{
	const struct fd_override *o = end ? &cr->wfd : &cr->rfd;
	const struct channel_fds *ch = &x->ch[cr->channel];

	switch (o->how) {
	case FD_SWAPPED:
		return end ? ch->kvm_rfd : ch->kvm_wfd;
	case FD_NUMBER:
		return o->number;
	case FD_CLOSED:
		return closed_fd();
	case FD_REOPENED:
		return reopen(x, cr, end, channel_fd);
	case FD_CHANNEL:
		break;
	}
	return channel_fd;
}

static void close_reopened(struct exec *x, int channel)
{
	int i, end;

	for (i = 0; i < x->c->nr_regions; i++) {
		for (end = 0; end < 2; end++) {
			if (x->reopened[i][end] >= 0 && x->c->regions[i].channel == channel) {
				close(x->reopened[i][end]);
				x->reopened[i][end] = -1;
			}
		}
	}
}

static void region_request(struct exec *x, const struct case_region *cr, struct kvm_ioregion *r)
{
	const struct channel_fds *ch = &x->ch[cr->channel];

	memset(r, 0, sizeof(*r));
	r->guest_paddr = cr->gpa;
	r->memory_size = cr->size;
	r->user_data = cr->user_data;
	r->read_fd = pick_fd(x, cr, 0, ch->kvm_rfd);
	r->write_fd = pick_fd(x, cr, 1, ch->kvm_wfd);
	r->flags = (cr->space == SPACE_PIO ? KVM_IOREGION_PIO : 0) |
		   (cr->posted ? KVM_IOREGION_POSTED_WRITES : 0) | cr->extra_flags;
}

/* Removal as each revision spells it: V3 a flag, V1/V2 both fds -1 (REG-V1-1, REG-V3-2). */
static void deassign_request(struct exec *x, const struct case_region *cr, struct kvm_ioregion *r)
{
	memset(r, 0, sizeof(*r));
	r->guest_paddr = cr->gpa;
	r->memory_size = cr->size;
	r->flags = cr->space == SPACE_PIO ? KVM_IOREGION_PIO : 0;
	r->read_fd = r->write_fd = -1;
	if (x->c->rev == IORFD_V3)
		r->flags |= KVM_IOREGION_DEASSIGN;
}

static void check_errno(struct exec *x, const struct src_loc *loc, const char *what, int want,
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

static void describe_request(char *buf, size_t len, const char *ioctl, const char *name,
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

	region_request(x, cr, &r);
	describe_request(what, sizeof(what), "KVM_SET_IOREGION", cr->name, &r);
	n = strlen(what);
	if (how != ARG_READABLE)
		snprintf(what + n, sizeof(what) - n, " %s", arg_pointer_words(how));
	check_errno(x, loc, what, want, -ioregion_set_at(&x->t, &r, how));
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
	region_request(x, cr, &r);
	ioregion_fill(&x->t, &r, stride, s->count, &f);
	describe_request(what, sizeof(what), "KVM_SET_IOREGION", cr->name, &r);
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

static void register_regions(struct exec *x)
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
	check_errno(x, &s->loc, what, s->expect_errno, -x->t.ops->ioeventfd(&x->t, &e));
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
	check_errno(x, &s->loc, what, s->expect_errno, -responder_write_byte(&x->resp[s->channel]));
}

/* The VMM's part of a host step; the vCPU waits in its ucall meanwhile. */
static void host_step(struct exec *x, const struct case_step *s)
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
		close_reopened(x, s->channel);
		break;
	case HOST_DEVICE_WRITE:
		device_write(x, s);
		break;
	case HOST_DEASSIGN:
		deassign_request(x, cr, &r);
		r.flags |= s->extra_flags;
		describe_request(what, sizeof(what), "KVM_SET_IOREGION removal", cr->name, &r);
		check_errno(x, &s->loc, what, s->expect_errno, -x->t.ops->set_ioregion(&x->t, &r));
		break;
	case HOST_IOEVENTFD:
		host_ioeventfd(x, s);
		break;
	}
}

static const struct case_step *step_at(struct exec *x, int vi, uint64_t step)
{
	const struct case_vcpu *cv = &x->c->vcpus[vi];

	return step < (uint64_t)cv->nr_steps ? &cv->steps[step] : NULL;
}

/*
 * A vCPU that stopped in a way no case asks for, at the step it was in
 * (its case line), or after its last.
 */
static void vcpu_broke(struct exec *x, int vi, enum verdict v, const char *what)
{
	unsigned long long step = x->progs[vi]->cur_step;
	const struct case_step *s = step_at(x, vi, step);
	struct fail_spec f = {.kind = v == VERDICT_ERROR ? FAIL_HARNESS : FAIL_VCPU,
			      .at = s ? &s->loc : NULL};

	if (s)
		result_fail_at(x->res, v, &f, "vCPU%d step %llu: %s", vi, step, what);
	else
		result_fail_at(x->res, v, &f, "vCPU%d after its last step: %s", vi, what);
}

static uint64_t all_ones(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/*
 * What the VMM answers to an ordinary read: the expected exit at the same
 * position says, when it describes this very access; else all-ones, as an
 * unclaimed bus reads.
 */
static uint64_t vmm_read_value(struct exec *x, int slot, enum addr_space sp, uint64_t addr,
			       unsigned int size)
{
	const struct case_expect *e = &x->c->expect;

	if (slot < e->nr_exits && !e->exits[slot].write && e->exits[slot].space == sp &&
	    e->exits[slot].addr == addr && e->exits[slot].size == size)
		return e->exits[slot].data;
	return all_ones(size);
}

static uint64_t record_exit(struct exec *x, int vi, enum addr_space sp, bool write, uint64_t addr,
			    unsigned int size, uint64_t data)
{
	int slot = __atomic_fetch_add(&x->res->nr_exits, 1, __ATOMIC_SEQ_CST);

	if (!write)
		data = vmm_read_value(x, slot, sp, addr, size);
	if (slot < RESULT_MAX_EXITS) {
		struct exit_entry *e = &x->res->exits[slot];

		e->seq = result_next_seq(x->res);
		e->vcpu = vi;
		e->space = sp;
		e->write = write;
		e->addr = addr;
		e->size = size;
		e->data = data;
	}
	return data;
}

/* The VMM's part: an MMIO or PIO exit that no region took. */
static void ordinary_exit(struct exec *x, int vi, struct kvm_run *run)
{
	if (run->exit_reason == KVM_EXIT_MMIO) {
		uint64_t v = 0;

		memcpy(&v, run->mmio.data, run->mmio.len > 8 ? 8 : run->mmio.len);
		v = record_exit(x, vi, SPACE_MMIO, run->mmio.is_write, run->mmio.phys_addr,
				run->mmio.len, v);
		if (!run->mmio.is_write)
			memcpy(run->mmio.data, &v, run->mmio.len > 8 ? 8 : run->mmio.len);
	} else {
		uint8_t *d = (uint8_t *)run + run->io.data_offset;
		bool out = run->io.direction == KVM_EXIT_IO_OUT;
		uint32_t i;

		for (i = 0; i < run->io.count; i++) {
			uint64_t v = 0;

			memcpy(&v, d + i * run->io.size, run->io.size);
			v = record_exit(x, vi, SPACE_PIO, out, run->io.port, run->io.size, v);
			if (!out)
				memcpy(d + i * run->io.size, &v, run->io.size);
		}
	}
}

/*
 * What the guest's interpreter reported (enum gsync_arg names the
 * arguments, enum gsync_tag what the report is).
 */
static void guest_report(struct exec *x, int vi, const struct ucall *uc)
{
	unsigned long long step = uc->args[GSYNC_ARG_STEP], elem = uc->args[GSYNC_ARG_ELEMENT];
	const struct case_step *s = step_at(x, vi, step);
	char exp[24], obs[24];
	struct fail_spec f = {
		.kind = FAIL_GUEST_VALUE,
		.at = s ? &s->loc : NULL,
		.expected = exp,
		.observed = obs,
	};

	snprintf(exp, sizeof(exp), "%#llx", (unsigned long long)uc->args[GSYNC_ARG_EXPECTED]);
	snprintf(obs, sizeof(obs), "%#llx", (unsigned long long)uc->args[GSYNC_ARG_OBSERVED]);
	switch (uc->args[GSYNC_ARG_TAG]) {
	case GSYNC_POINT:
		if (s && s->op == STEP_HOST)
			host_step(x, s);
		return;
	case GSYNC_LOADED:
		if (!s)
			break;
		result_fail_at(
			x->res, VERDICT_FAIL, &f,
			"vCPU%d step %llu: %s %s %#llx size %u: the guest loaded another value", vi,
			step, s->space == SPACE_PIO ? "in" : "read", space_name(s->space),
			(unsigned long long)s->addr, s->size);
		return;
	case GSYNC_LOADED_ELEMENT:
		if (!s)
			break;
		result_fail_at(
			x->res, VERDICT_FAIL, &f,
			"vCPU%d step %llu: rep ins pio %#llx size %u, element %llu: the guest loaded another value",
			vi, step, (unsigned long long)s->addr, s->size, elem);
		return;
	case GSYNC_LOADED_HALF:
		if (!s)
			break;
		result_fail_at(
			x->res, VERDICT_FAIL, &f,
			"vCPU%d step %llu: load16 (movdqu) mmio %#llx, bytes %llu..%llu: the guest loaded another value",
			vi, step, (unsigned long long)s->addr, 8 * elem, 8 * elem + 7);
		return;
	case GSYNC_RAX_UPPER:
		if (!s)
			break;
		f.req = "FIELD-5";
		result_fail_at(
			x->res, VERDICT_FAIL, &f,
			"vCPU%d step %llu: in pio %#llx size %u: RAX after the in changed above the %u-byte access",
			vi, step, (unsigned long long)s->addr, s->size, s->size);
		return;
	}
	/* GSYNC_BAD_STEP, an unknown tag, or a step index the program does not have. */
	result_fail_at(x->res, VERDICT_ERROR, &(struct fail_spec){.kind = FAIL_HARNESS, .at = f.at},
		       "vCPU%d: guest could not execute step %llu (report tag %#llx)", vi, step,
		       (unsigned long long)uc->args[GSYNC_ARG_TAG]);
}

static const char *exit_name(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_SHUTDOWN:
		return "KVM_EXIT_SHUTDOWN (triple fault)";
	case KVM_EXIT_INTERNAL_ERROR:
		return "KVM_EXIT_INTERNAL_ERROR";
	case KVM_EXIT_FAIL_ENTRY:
		return "KVM_EXIT_FAIL_ENTRY";
	case KVM_EXIT_HLT:
		return "KVM_EXIT_HLT";
	case KVM_EXIT_INTR:
		return "KVM_EXIT_INTR";
	}
	return "unknown exit";
}

/* 1 when the vCPU is finished (done or broken), 0 to run it again. */
static int vcpu_exit(struct exec *x, int vi, struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	struct ucall uc;
	char what[96];

	if (run->exit_reason == KVM_EXIT_IO && run->io.port == UCALL_PORT) {
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_SYNC:
			guest_report(x, vi, &uc);
			return 0;
		case UCALL_DONE:
			x->res->vcpu[vi].done = true;
			return 1;
		default:
			snprintf(what, sizeof(what), "unexpected ucall %llu",
				 (unsigned long long)uc.cmd);
			vcpu_broke(x, vi, VERDICT_ERROR, what);
			return 1;
		}
	}
	if (run->exit_reason == KVM_EXIT_MMIO || run->exit_reason == KVM_EXIT_IO) {
		ordinary_exit(x, vi, run);
		return 0;
	}
	snprintf(what, sizeof(what), "KVM_RUN returned exit reason %u, %s", run->exit_reason,
		 exit_name(run->exit_reason));
	vcpu_broke(x, vi, VERDICT_FAIL, what);
	return 1;
}

/*
 * A signal that interrupted KVM_RUN is still pending once the thread's mask
 * (SIGUSR1 blocked) is back: take it, or the next KVM_RUN returns EINTR at
 * once.  QEMU drains its vCPU signal the same way.
 */
static void eat_sigusr1(void)
{
	struct timespec zero = {0};
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	while (sigtimedwait(&set, NULL, &zero) > 0)
		;
}

static void record_run_error(struct exec *x, int vi, int err, uint32_t exit_reason)
{
	int slot = __atomic_fetch_add(&x->res->nr_run_events, 1, __ATOMIC_SEQ_CST);

	if (slot < RESULT_MAX_RUN_EVENTS) {
		struct run_event *e = &x->res->run_events[slot];

		e->seq = result_next_seq(x->res);
		e->vcpu = vi;
		e->err = err;
		e->exit_reason = exit_reason;
		e->step = (int64_t)x->progs[vi]->cur_step;
	}
	if (err == EINTR)
		__atomic_add_fetch(&x->res->vcpu_intr[vi], 1, __ATOMIC_SEQ_CST);
}

/* Bound on KVM_RUN errors per vCPU: a target that fails every call must not spin forever. */
#define MAX_RUN_ERRORS 16

static void *vcpu_main(void *arg)
{
	struct vcpu_thread *vt = arg;
	struct exec *x = vt->x;
	struct vcpu_status *st = &x->res->vcpu[vt->index];
	struct kvm_vcpu *vcpu = x->vcpus[vt->index];
	unsigned int seed = (unsigned int)(x->res->seed >> 32) ^ (unsigned int)vt->index;
	int nr_errors = 0;

	/* Seeded stagger, so that several vCPUs start in an order the seed decides. */
	if (x->c->nr_vcpus > 1)
		usleep(rand_r(&seed) % 500);
	for (;;) {
		int err;

		snprintf(st->waiting, sizeof(st->waiting), "in KVM_RUN");
		err = x->t.ops->run(&x->t, vcpu);
		/*
		 * A signal the timeline sent may have cut short a wait inside
		 * KVM_RUN without being delivered (V1 then falls back): it must
		 * not also cut the next KVM_RUN.
		 */
		eat_sigusr1();
		st->step = (int64_t)x->progs[vt->index]->cur_step;
		if (err) {
			/*
			 * EINTR (ERR-9) resumes with the next KVM_RUN; other errors
			 * (ERR-14) may repeat, so a few are recorded, then the vCPU
			 * is left alone.  Which ones were expected is judged later.
			 */
			record_run_error(x, vt->index, -err, vcpu->run->exit_reason);
			if (err == -EINTR && vt->resume_fd >= 0)
				park(vt);
			if (++nr_errors >= MAX_RUN_ERRORS || (err != -EINTR && nr_errors > 2))
				break;
			continue;
		}
		if (vcpu_exit(x, vt->index, vcpu))
			break;
	}
	snprintf(st->waiting, sizeof(st->waiting), "finished");
	return NULL;
}

/* How long a timeline step waits for what it waits for. */
#define TIMELINE_WAIT_MS 5000

static bool wait_count(const int *counter, int count)
{
	int waited;

	for (waited = 0; waited < TIMELINE_WAIT_MS; waited++) {
		if (__atomic_load_n(counter, __ATOMIC_SEQ_CST) >= count)
			return true;
		usleep(1000);
	}
	return false;
}

static void timeline_step(struct exec *x, struct vcpu_thread *vt, const struct tl_step *t)
{
	const struct src_loc *l = &t->loc;
	struct kvm_ioregion r;
	char what[320];

	switch (t->op) {
	case TL_WAIT_COMMANDS:
		if (!wait_count(&x->res->chan_cmds[t->channel], t->count))
			result_fail_at(
				x->res, VERDICT_FAIL,
				&(struct fail_spec){.kind = FAIL_WAIT,
						    .at = l,
						    .channel = x->c->channels[t->channel].name,
						    .index = t->count},
				"host waited %d ms for command #%d on channel %s; it never came (%d seen)",
				TIMELINE_WAIT_MS, t->count, x->c->channels[t->channel].name,
				x->res->chan_cmds[t->channel]);
		break;
	case TL_WAIT_INTR:
		if (!wait_count(&x->res->vcpu_intr[t->vcpu], t->count))
			result_fail_at(
				x->res, VERDICT_FAIL,
				&(struct fail_spec){.kind = FAIL_WAIT, .req = "ERR-9", .at = l},
				"host waited %d ms for vCPU%d's KVM_RUN to return EINTR (#%d); it did not (%d so far)",
				TIMELINE_WAIT_MS, t->vcpu, t->count, x->res->vcpu_intr[t->vcpu]);
		break;
	case TL_WAIT_EXITS:
		if (!wait_count(&x->res->nr_exits, t->count))
			result_fail_at(
				x->res, VERDICT_FAIL,
				&(struct fail_spec){.kind = FAIL_WAIT, .at = l, .index = t->count},
				"host waited %d ms for ordinary exit #%d; it never came (%d so far)",
				TIMELINE_WAIT_MS, t->count, x->res->nr_exits);
		break;
	case TL_SIGNAL:
		pthread_kill(vt[t->vcpu].thread, SIGUSR1);
		break;
	case TL_RELEASE:
		responder_release(&x->resp[t->channel]);
		break;
	case TL_DEASSIGN:
		deassign_request(x, &x->c->regions[t->region], &r);
		describe_request(what, sizeof(what), "KVM_SET_IOREGION removal",
				 x->c->regions[t->region].name, &r);
		check_errno(x, l, what, t->expect_errno, -x->t.ops->set_ioregion(&x->t, &r));
		break;
	case TL_SLEEP:
		usleep((useconds_t)t->ms * 1000);
		break;
	case TL_SET_EXIT:
		/* Userspace owns kvm_run: the kernel must not decide anything from it (B14). */
		x->vcpus[t->vcpu]->run->exit_reason = t->exit_reason;
		break;
	case TL_RESUME: {
		uint64_t one = 1;

		if (write(vt[t->vcpu].resume_fd, &one, sizeof(one)) != sizeof(one))
			result_fail_at(x->res, VERDICT_ERROR,
				       &(struct fail_spec){.kind = FAIL_HARNESS, .at = l},
				       "resume: %s", strerror(errno));
		break;
	}
	}
}

static void run_timeline(struct exec *x, struct vcpu_thread *vt)
{
	int i;

	for (i = 0; i < x->c->nr_timeline && x->res->verdict != VERDICT_ERROR; i++)
		timeline_step(x, vt, &x->c->timeline[i]);
}

static void run_vcpus(struct exec *x)
{
	struct vcpu_thread vt[CASE_MAX_VCPUS];
	int i, nr = 0;

	for (i = 0; i < x->c->nr_vcpus; i++) {
		if (unblock_in_kvm_run(x->vcpus[i])) {
			result_fail_at(x->res, VERDICT_ERROR, FAIL_SPEC_HARNESS,
				       "KVM_SET_SIGNAL_MASK: %s", strerror(errno));
			return;
		}
	}
	for (i = 0; i < x->c->nr_vcpus; i++) {
		vt[i].x = x;
		vt[i].index = i;
		vt[i].resume_fd = timeline_resumes(x->c, i) ? eventfd(0, EFD_CLOEXEC) : -1;
	}
	for (i = 0; i < x->c->nr_vcpus; i++) {
		if (pthread_create(&vt[i].thread, NULL, vcpu_main, &vt[i])) {
			result_fail_at(x->res, VERDICT_ERROR, FAIL_SPEC_HARNESS,
				       "cannot start vCPU%d thread", i);
			break;
		}
		nr++;
	}
	if (nr == x->c->nr_vcpus)
		run_timeline(x, vt);
	/* Bounded by the runner, which kills this process at the case deadline. */
	for (i = 0; i < nr; i++)
		pthread_join(vt[i].thread, NULL);
	for (i = 0; i < x->c->nr_vcpus; i++)
		if (vt[i].resume_fd >= 0)
			close(vt[i].resume_fd);
}

static void teardown(struct exec *x)
{
	int i;

	/* Closing KVM's ends first lets each responder see EOF after the last command. */
	x->t.ops->detach(&x->t);
	for (i = 0; i < x->nr_ioeventfds; i++)
		close(x->ioeventfds[i]);
	for (i = 0; i < x->c->nr_channels; i++) {
		close_reopened(x, i);
		if (x->resp[i].stop_fd > 0 && responder_stop(&x->resp[i], RESPONDER_STOP_MS))
			result_fail_at(x->res, VERDICT_ERROR,
				       &(struct fail_spec){.kind = FAIL_HARNESS,
							   .channel = x->c->channels[i].name},
				       "channel %s: responder did not stop within %d ms",
				       x->c->channels[i].name, RESPONDER_STOP_MS);
		channel_close(&x->ch[i]);
	}
}

/*
 * KVM's own workers (the NX huge page recovery task, since 6.13 a vhost
 * task in the VMM's thread group, started by the first KVM_RUN) belong to
 * the VM and go with it: they are not the harness's threads.
 */
static bool kvm_worker(const char *tid)
{
	char path[300], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%s/comm", tid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strncmp(comm, "kvm-", 4);
}

/* Entries of a /proc directory, '.' and '..' aside: this process's fds or threads. */
static int count_entries(const char *dir)
{
	bool tasks = !strcmp(dir, "/proc/self/task");
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' && !(tasks && kvm_worker(e->d_name));
	closedir(d);
	return n;
}

/*
 * After teardown the case must have left nothing behind: every responder
 * and vCPU thread joined, every channel fd closed.  The count of fds in use
 * includes the one opendir() itself holds, on both sides.
 */
static void check_leaks(struct case_result *res, int fds_before, int threads_before)
{
	int fds = count_entries("/proc/self/fd"), threads, tries;

	/*
	 * A joined thread can stay listed for a moment while the kernel reaps
	 * it; a thread that is really left behind stays for good.
	 */
	for (tries = 0; tries < 100; tries++) {
		threads = count_entries("/proc/self/task");
		if (threads <= threads_before)
			break;
		usleep(1000);
	}

	if (fds_before >= 0 && fds > fds_before)
		result_fail_at(res, VERDICT_ERROR, FAIL_SPEC_HARNESS,
			       "the case left %d fd(s) open after teardown", fds - fds_before);
	if (threads_before >= 0 && threads > threads_before)
		result_fail_at(res, VERDICT_ERROR, FAIL_SPEC_HARNESS,
			       "the case left %d thread(s) running after teardown",
			       threads - threads_before);
}

static bool uses_sse(const struct iorfd_case *c)
{
	int vi, i;

	for (vi = 0; vi < c->nr_vcpus; vi++)
		for (i = 0; i < c->vcpus[vi].nr_steps; i++)
			if (c->vcpus[vi].steps[i].op == STEP_STORE16 ||
			    c->vcpus[vi].steps[i].op == STEP_LOAD16)
				return true;
	return false;
}

void case_execute(const struct iorfd_case *c, const struct target_ops *ops,
		  const void *target_config, struct case_result *res)
{
	int fds_before, threads_before;
	struct exec x = {.c = c, .res = res};
	uint64_t t0 = now_usec(), t1;
	char why[256];
	int i;

	memset(x.reopened, -1, sizeof(x.reopened));
	block_sigusr1();
	set_sigpipe(c->sigpipe);
	if (uses_sse(c) && !host_runs_sse(why, sizeof(why))) {
		result_skip(res, "%s", why);
		return;
	}
	x.vm = vm_create_with_vcpus(c->nr_vcpus, guest_interp, x.vcpus);
	/* After the VM: its own fds (VM, vCPUs, stats) are the selftests library's business. */
	fds_before = count_entries("/proc/self/fd");
	threads_before = count_entries("/proc/self/task");
	for (i = 0; i < c->nr_vcpus; i++)
		load_program(&x, i);
	x.t.ops = ops;
	x.t.config = target_config;
	x.t.vm = x.vm;
	x.t.rev = c->rev;
	if (map_mmio(&x) || open_channels(&x))
		goto out;
	if (ops->attach(&x.t, x.vm, c->rev)) {
		result_fail_at(res, VERDICT_ERROR, FAIL_SPEC_HARNESS, "target %s: attach failed",
			       ops->name);
		goto out;
	}
	register_regions(&x);
	for (i = 0; i < c->nr_channels; i++)
		if (responder_start(&x.resp[i]))
			result_fail_at(res, VERDICT_ERROR, FAIL_SPEC_HARNESS,
				       "channel %s: cannot start responder", c->channels[i].name);
	t1 = now_usec();
	res->usec_setup = t1 - t0;
	/*
	 * A registration with the wrong result is a failure, but the guest
	 * still runs: where the accesses then go is part of the evidence.
	 */
	if (res->verdict != VERDICT_ERROR)
		run_vcpus(&x);
	res->usec_run = now_usec() - t1;
	teardown(&x);
	check_leaks(res, fds_before, threads_before);
	t1 = now_usec();
	case_evaluate(c, res);
	res->usec_check = now_usec() - t1;
out:
	kvm_vm_free(x.vm);
}
