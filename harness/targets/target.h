/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An implementation of ioregionfd under test.  The harness only ever
 * registers regions and runs vCPUs through these operations, so the same
 * case runs unchanged against the kernel's KVM_SET_IOREGION and against the
 * userspace reference dispatcher.
 */
#ifndef IORFD_TARGET_H
#define IORFD_TARGET_H

#include <stdbool.h>

#include "proto/ioregion_uapi.h"
#include "model/probe.h"
#include "proto/wire.h"

struct kvm_vm;
struct kvm_vcpu;

struct target {
	const struct target_ops *ops;
	struct kvm_vm *vm;
	enum iorfd_rev rev;
	void *priv;
};

struct target_ops {
	const char *name;
	/* Is the implementation there, and which revision?  Runs in the parent. */
	void (*probe)(struct target_probe *p);
	/* Per case, in the child, after the VM exists. */
	int (*attach)(struct target *t, struct kvm_vm *vm, enum iorfd_rev rev);
	/* KVM_SET_IOREGION semantics: 0 or -errno. */
	int (*set_ioregion)(struct target *t, const struct kvm_ioregion *r);
	/* KVM_IOEVENTFD, which must refuse to overlap a region and be refused by one (REG-5). */
	int (*ioeventfd)(struct target *t, const struct kvm_ioeventfd *e);
	/*
	 * KVM_RUN until an exit the VMM must see: 0 with vcpu->run->exit_reason
	 * set, or -errno as KVM_RUN would fail.  Called from the vCPU's thread.
	 */
	int (*run)(struct target *t, struct kvm_vcpu *vcpu);
	void (*detach)(struct target *t);
};

extern const struct target_ops target_reference;
extern const struct target_ops target_kernel;

const struct target_ops *target_find(const char *name);

#endif /* IORFD_TARGET_H */
