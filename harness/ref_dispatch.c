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
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm_util.h"

#include "ref.h"

static int send_cmd(int fd, const uint8_t *buf)
{
	ssize_t n = write(fd, buf, WIRE_MSG_SIZE);

	if (n == WIRE_MSG_SIZE)
		return 0;
	return n < 0 ? -errno : -EIO;
}

static int get_reply(int fd, uint64_t *data)
{
	uint8_t buf[WIRE_MSG_SIZE];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n != WIRE_MSG_SIZE)
		return n < 0 ? -errno : -EIO;
	*data = wire_decode_resp(buf);
	return 0;
}

/*
 * One access of @len bytes at @offset in @rg.  @val holds the written value
 * (low @len bytes significant) or receives the read one.  0 or -errno.
 */
static int ref_access(struct ref *ref, struct ref_region *rg, bool write, uint64_t offset,
		      unsigned int len, uint64_t *val)
{
	bool want_reply = !write || !rg->posted;
	uint8_t buf[WIRE_MSG_SIZE];
	struct wire_cmd cmd;
	uint64_t data = 0, reply = 0;
	int err;

	if (wire_size_code(len) < 0)
		return -EOPNOTSUPP; /* DISPATCH-4 */
	if (write)
		memcpy(&data, val, len); /* zero-extended: the rest stays 0 */
	wire_make_cmd(&cmd, write, len, want_reply, rg->user_data, offset, data);
	wire_encode_cmd(ref->rev, &cmd, buf);

	if (rg->ctx)
		ref_ctx_acquire(rg->ctx);
	err = send_cmd(rg->wfd, buf);
	/* A sizeless region has no read fd: nothing is ever read back (DISPATCH-9). */
	if (!err && want_reply && rg->rfd >= 0)
		err = get_reply(rg->rfd, &reply);
	if (rg->ctx)
		ref_ctx_release(rg->ctx);

	if (!err && !write && rg->rfd >= 0)
		memcpy(val, &reply, len); /* low-order len bytes (FIELD-5) */
	return err;
}

/* 0: handled; <0: leave the exit to the VMM. */
static int dispatch_mmio(struct ref *ref, struct kvm_run *run)
{
	uint64_t addr = run->mmio.phys_addr;
	unsigned int len = run->mmio.len;
	struct ref_region *rg;
	uint64_t val = 0;
	int err = -ENOENT;

	pthread_rwlock_rdlock(&ref->regions_lock);
	rg = ref_lookup(ref, false, addr, len);
	if (rg) {
		if (run->mmio.is_write)
			memcpy(&val, run->mmio.data, len > 8 ? 8 : len);
		err = ref_access(ref, rg, run->mmio.is_write, addr - rg->gpa, len, &val);
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
static int dispatch_pio(struct ref *ref, struct kvm_run *run)
{
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool write = run->io.direction == KVM_EXIT_IO_OUT;
	unsigned int size = run->io.size;
	struct ref_region *rg;
	uint32_t i;
	int err = -ENOENT;

	pthread_rwlock_rdlock(&ref->regions_lock);
	rg = ref_lookup(ref, true, run->io.port, size);
	for (i = 0; rg && i < run->io.count; i++) {
		uint64_t val = 0;

		if (write)
			memcpy(&val, data + i * size, size);
		err = ref_access(ref, rg, write, run->io.port - rg->gpa, size, &val);
		if (err)
			break;
		if (!write)
			memcpy(data + i * size, &val, size);
	}
	pthread_rwlock_unlock(&ref->regions_lock);
	return err;
}

static int ref_run(struct target *t, struct kvm_vcpu *vcpu)
{
	struct ref *ref = t->priv;
	struct kvm_run *run = vcpu->run;

	for (;;) {
		if (ioctl(vcpu->fd, KVM_RUN, NULL) < 0)
			return -errno;
		if (run->exit_reason == KVM_EXIT_MMIO && !dispatch_mmio(ref, run))
			continue;
		if (run->exit_reason == KVM_EXIT_IO && !dispatch_pio(ref, run))
			continue;
		return 0;
	}
}

static int ref_attach(struct target *t, struct kvm_vm *vm, enum iorfd_rev rev)
{
	struct ref *ref = calloc(1, sizeof(*ref));

	if (!ref)
		return -ENOMEM;
	ref->rev = rev;
	pthread_rwlock_init(&ref->regions_lock, NULL);
	pthread_mutex_init(&ref->ctx_lock, NULL);
	t->priv = ref;
	return 0;
}

static void ref_detach(struct target *t)
{
	struct ref *ref = t->priv;

	if (!ref)
		return;
	ref_release_all(ref);
	pthread_rwlock_destroy(&ref->regions_lock);
	pthread_mutex_destroy(&ref->ctx_lock);
	free(ref);
	t->priv = NULL;
}

static int ref_set(struct target *t, const struct kvm_ioregion *r)
{
	return ref_set_ioregion(t->priv, r);
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

const struct target_ops target_reference = {
	.name = "reference",
	.probe = ref_probe,
	.attach = ref_attach,
	.set_ioregion = ref_set,
	.ioeventfd = ref_ioev,
	.run = ref_run,
	.detach = ref_detach,
};
