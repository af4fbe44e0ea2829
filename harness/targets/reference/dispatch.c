// SPDX-License-Identifier: GPL-2.0
/*
 * The reference target's KVM_RUN: run the vCPU, and turn every MMIO or PIO
 * exit that lies wholly inside a registered region into one command on the
 * region's write fd, then (unless it is a posted write) wait for the 32-byte
 * response on its read fd, complete the access and re-enter the guest.  An
 * exit that matches no region, or whose dispatch fails, is returned to the
 * VMM as the ordinary exit it was (the RFC's "fallback").
 *
 * One read() and one write() of exactly 32 bytes each, no retry loops, as the
 * RFC does (WIRE-1, WIRE-2): a short transfer is an error and means fallback.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "kvm_util.h"

#include "lib/fdio.h"
#include "targets/reference/mutant.h"
#include "targets/reference/ref.h"

/*
 * How long a wait for a reply first checks the fd without sleeping.  A
 * device that answers within this time then finds the vCPU thread awake and
 * does not have to wake it on another CPU, which on some hosts costs more
 * than the access itself.  Timing only: a signal ends the spin as it ends
 * the sleep, and past the budget the wait is the kernel's blocking one.
 */
#define REF_REPLY_SPIN_NS 50000

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * Waits until @fd is ready, with SIGUSR1 let through: this is where a
 * signal interrupts an access, as it interrupts the kernel's blocking
 * kernel_read/kernel_write.  No timeout: the RFC has none either (ERR-0);
 * the case's deadline bounds it.  A non-blocking fd is not waited for.
 */
static int wait_fd(struct ref *ref, int fd, short events, uint64_t spin_ns)
{
	static const struct timespec zero;
	struct pollfd p = {.fd = fd, .events = events};
	int fl = fcntl(fd, F_GETFL);
	uint64_t until;
	int n;

	if (fl >= 0 && (fl & O_NONBLOCK))
		return 0;
	until = spin_ns ? mono_ns() + spin_ns : 0;
	do {
		n = ppoll(&p, 1, &zero, &ref->wait_mask);
		if (n)
			return n < 0 ? -errno : 0;
	} while (mono_ns() < until);
	if (ppoll(&p, 1, NULL, &ref->wait_mask) < 0)
		return -errno;
	return 0;
}

static int send_cmd(struct ref *ref, int fd, const uint8_t *buf)
{
	int err = REF_HOOK(ref, waits_for_room, true) ? wait_fd(ref, fd, POLLOUT, 0) : 0;
	ssize_t n;

	if (err)
		return err;
	n = REF_HOOK(ref, write_cmd, write_nosignal(fd, buf, WIRE_MSG_SIZE), fd, buf,
		     WIRE_MSG_SIZE); /* never SIGPIPE in the vCPU thread (BUG-B13) */
	if (n == WIRE_MSG_SIZE)
		return 0;
	/* A would-block on an O_NONBLOCK fd is an error, not a wait (ERR-6). */
	return n < 0 ? (errno == EAGAIN ? -EINVAL : -errno) : -EIO;
}

static int get_reply(struct ref *ref, int fd, uint64_t *data)
{
	uint8_t buf[WIRE_MSG_SIZE];
	int err = wait_fd(ref, fd, POLLIN, REF_REPLY_SPIN_NS);
	ssize_t n;

	if (err)
		return err;
	n = read(fd, buf, sizeof(buf));
	if (n != WIRE_MSG_SIZE)
		return n < 0 ? (errno == EAGAIN ? -EINVAL : -errno) : -EIO;
	*data = wire_decode_resp(buf);
	return 0;
}

static bool nonblocking(int fd)
{
	int fl = fd < 0 ? -1 : fcntl(fd, F_GETFL);

	return fl >= 0 && (fl & O_NONBLOCK);
}

static void finish(struct ref *ref, struct ref_vcpu *vs)
{
	if (vs->ctx) {
		ref_ctx_release(vs->ctx);
		ref_ctx_put(ref, vs->ctx);
	}
	vs->ctx = NULL;
	vs->state = REF_IDLE;
}

/*
 * Waits for the region's context.  A signal meanwhile ends the wait with
 * nothing sent (BUG-B5): KVM_RUN returns EINTR and the next one starts the
 * access over, waiting again.
 */
static int acquire_ctx(struct ref *ref, struct ref_vcpu *vs, struct ref_ctx *ctx)
{
	int err;

	if (vs->wake_fd < 0)
		vs->wake_fd = eventfd(0, EFD_CLOEXEC);
	if (vs->wake_fd < 0)
		return -errno;
	ref_ctx_get(ref, ctx);
	err = ref_ctx_acquire(ref, ctx, vs->wake_fd);
	if (err) {
		ref_ctx_put(ref, ctx);
		vs->state = REF_WAIT_CTX;
		return err;
	}
	vs->ctx = ctx;
	return 0;
}

/*
 * One access of @len bytes at @offset in @rg.  @val holds the written value
 * (low @len bytes significant) or receives the read one.  0 or -errno.
 * REF_HOOK marks where the self-test's mutants may enter (mutant.h).
 */
static int ref_access(struct ref *ref, struct ref_vcpu *vs, struct ref_region *rg, bool write,
		      uint64_t offset, unsigned int len, uint64_t *val)
{
	bool want_reply = REF_HOOK(ref, reads_reply, !write || !rg->posted, rg, write);
	struct wire_cmd cmd;
	uint64_t data = 0, reply = 0;
	int err = 0;

	if (vs->state == REF_IDLE || vs->state == REF_WAIT_CTX) {
		if (wire_size_code(len) < 0)
			return -EOPNOTSUPP; /* DISPATCH-4 */
		/* V1 checks O_NONBLOCK again at each access: set since, it fails (ERR-1). */
		if (ref->rev == IORFD_V1 && (nonblocking(rg->rfd) || nonblocking(rg->wfd)))
			return -EINVAL;
		if (write)
			memcpy(&data, val, len); /* zero-extended: the rest stays 0 */
		wire_make_cmd(&cmd, write, len, !write || !rg->posted, rg->user_data, offset, data);
		REF_HOOK_DO(ref, command, &cmd, rg, write);
		wire_encode_cmd(ref->rev, &cmd, vs->cmd);
		if (REF_HOOK(ref, hold_command, false, ref, rg, write, vs->cmd))
			return 0;
		if (rg->ctx) {
			err = acquire_ctx(ref, vs, rg->ctx);
			if (err)
				return err;
		}
		vs->state = REF_SEND_CMD;
	}
	vs->state = REF_HOOK(ref, resume_from, vs->state, vs->state);
	/* From SEND_CMD the whole command is sent again; from GET_REPLY only the reply is read. */
	if (vs->state == REF_SEND_CMD) {
		err = send_cmd(ref, rg->wfd, vs->cmd);
		if (!err)
			vs->state = REF_GET_REPLY;
	}
	/* A sizeless region has no read fd: nothing is ever read back (DISPATCH-9). */
	if (!err && want_reply && rg->rfd >= 0)
		err = get_reply(ref, rg->rfd, &reply);
	if (err)
		err = REF_HOOK(ref, reply_failed, err, err, &reply);
	/*
	 * V1 has no resumption: an interrupted access fails and falls back
	 * (ERR-16).  V2/V3 keep the channel until the exchange is over (ORD-2).
	 */
	if (err == -EINTR && ref->rev != IORFD_V1) {
		REF_HOOK_DO(ref, interrupted, ref, vs);
		return err;
	}
	finish(ref, vs);
	if (!write)
		REF_HOOK_DO(ref, read_done, ref);
	if (!err && !write && rg->rfd >= 0)
		memcpy(val, &reply, len); /* low-order len bytes (FIELD-5) */
	return err;
}

/*
 * The region an interrupted access resumes in may be gone (ERR-13): then
 * the context is let go and the access falls back to the VMM.
 */
static struct ref_region *resume_lookup(struct ref *ref, struct ref_vcpu *vs, bool pio,
					uint64_t addr, unsigned int len)
{
	struct ref_region *rg = ref_lookup(ref, pio, addr, len);

	if (!rg && vs->state != REF_IDLE)
		finish(ref, vs);
	return rg;
}

/* 0: handled; <0: leave the exit to the VMM. */
static int dispatch_mmio(struct ref *ref, struct ref_vcpu *vs, struct kvm_run *run)
{
	uint64_t addr = run->mmio.phys_addr;
	unsigned int len = run->mmio.len;
	struct ref_region *rg;
	uint64_t val = 0;
	int err = -ENOENT;

	pthread_rwlock_rdlock(&ref->regions_lock);
	rg = resume_lookup(ref, vs, false, addr, len);
	if (rg) {
		if (run->mmio.is_write)
			memcpy(&val, run->mmio.data, len > 8 ? 8 : len);
		err = ref_access(ref, vs, rg, run->mmio.is_write, addr - rg->gpa, len, &val);
		if (!err && !run->mmio.is_write)
			memcpy(run->mmio.data, &val, len);
	}
	pthread_rwlock_unlock(&ref->regions_lock);
	return err;
}

/*
 * String PIO arrives as one exit with count elements; each element is its
 * own command at the same port (DISPATCH-7).  If an element fails, the whole
 * exit goes to the VMM: KVM_EXIT_IO cannot say "from element k on".
 */
static int dispatch_pio(struct ref *ref, struct ref_vcpu *vs, struct kvm_run *run)
{
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool write = run->io.direction == KVM_EXIT_IO_OUT;
	unsigned int size = run->io.size;
	struct ref_region *rg;
	int err = -ENOENT;

	pthread_rwlock_rdlock(&ref->regions_lock);
	rg = resume_lookup(ref, vs, true, run->io.port, size);
	if (vs->state == REF_IDLE)
		vs->elem = 0;
	for (; rg && vs->elem < run->io.count; vs->elem++) {
		uint64_t val = 0;

		if (write)
			memcpy(&val, data + vs->elem * size, size);
		err = ref_access(ref, vs, rg, write, run->io.port - rg->gpa, size, &val);
		if (err)
			break;
		if (!write)
			memcpy(data + vs->elem * size, &val,
			       REF_HOOK(ref, reply_bytes, size, size));
	}
	pthread_rwlock_unlock(&ref->regions_lock);
	return err;
}

/* 0: the exit was dispatched; -EINTR: interrupted, resume later; else leave it to the VMM. */
static int dispatch(struct ref *ref, struct ref_vcpu *vs, struct kvm_run *run)
{
	if (run->exit_reason == KVM_EXIT_MMIO)
		return dispatch_mmio(ref, vs, run);
	if (run->exit_reason == KVM_EXIT_IO)
		return dispatch_pio(ref, vs, run);
	return -ENOENT;
}

static int ref_run(struct target *t, struct kvm_vcpu *vcpu)
{
	struct ref *ref = t->priv;
	struct ref_vcpu *vs = &ref->vcpus[vcpu->id % REF_MAX_VCPUS];
	struct kvm_run *run = vcpu->run;
	int err;

	/*
	 * An interrupted access is finished before the guest runs again
	 * (ERR-12); the exit it came from is still described in kvm_run,
	 * since only exit_reason was changed to report the interruption.
	 */
	if (vs->state != REF_IDLE)
		run->exit_reason = vs->exit_reason;
	for (;;) {
		if (vs->state == REF_IDLE && ioctl(vcpu->fd, KVM_RUN, NULL) < 0)
			return -errno;
		err = dispatch(ref, vs, run);
		if (!err) {
			REF_HOOK_DO(ref, exit_done, vcpu, run);
			continue;
		}
		if (err == -EINTR && ref->rev != IORFD_V1) {
			vs->exit_reason = run->exit_reason;
			run->exit_reason = KVM_EXIT_INTR; /* as KVM reports it (ERR-9) */
			return err;
		}
		return 0;
	}
}

/*
 * The reference keeps a dup of both fds of every region where KVM keeps
 * file references: two full buses need some 4000 fds, more than a soft
 * limit of 1024 allows.  The case's process may use up to its hard limit.
 */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int ref_attach(struct target *t, struct kvm_vm *vm, enum iorfd_rev rev)
{
	struct ref *ref = calloc(1, sizeof(*ref));
	int i;

	if (!ref)
		return -ENOMEM;
	ref->rev = rev;
	ref->mutant = t->config;
	raise_fd_limit();
	for (i = 0; i < REF_MAX_VCPUS; i++)
		ref->vcpus[i].wake_fd = -1;
	pthread_sigmask(SIG_SETMASK, NULL, &ref->wait_mask);
	sigdelset(&ref->wait_mask, SIGUSR1);
	pthread_rwlock_init(&ref->regions_lock, NULL);
	pthread_mutex_init(&ref->ctx_lock, NULL);
	t->priv = ref;
	return 0;
}

static void ref_detach(struct target *t)
{
	struct ref *ref = t->priv;
	int i;

	if (!ref)
		return;
	ref_release_all(ref);
	for (i = 0; i < REF_MAX_VCPUS; i++)
		if (ref->vcpus[i].wake_fd >= 0)
			close(ref->vcpus[i].wake_fd);
	pthread_rwlock_destroy(&ref->regions_lock);
	pthread_mutex_destroy(&ref->ctx_lock);
	free(ref);
	t->priv = NULL;
}

/*
 * The kernel copies the argument from user memory and fails with EFAULT
 * when it cannot (REG-1); process_vm_readv() on ourselves is that copy,
 * a short one included.
 */
static int ref_set(struct target *t, const struct kvm_ioregion *r)
{
	struct kvm_ioregion k;
	struct iovec local = {.iov_base = &k, .iov_len = sizeof(k)};
	struct iovec remote = {.iov_base = (void *)r, .iov_len = sizeof(k)};

	if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != (ssize_t)sizeof(k))
		return -EFAULT;
	return ref_set_ioregion(t->priv, &k);
}

static int ref_ioev(struct target *t, const struct kvm_ioeventfd *e)
{
	return ref_ioeventfd(t->priv, e, t->vm->fd);
}

static void ref_probe(struct target_probe *p)
{
	p->present = true;
	p->rev_known = false; /* speaks whichever revision a case asks for */
	snprintf(p->how, sizeof(p->how), "userspace reference dispatcher (all revisions)");
}

/* The reference caps a bus at REF_BUS_DEVS, as an unaccounted kernel does. */
static bool ref_bus_capped(void)
{
	return true;
}

const struct target_ops target_reference = {
	.name = "reference",
	.props = 0,
	.probe = ref_probe,
	.attach = ref_attach,
	.set_ioregion = ref_set,
	.ioeventfd = ref_ioev,
	.run = ref_run,
	.detach = ref_detach,
	.bus_capped = ref_bus_capped,
};
