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
	const void *config; /* the target's own settings (the reference: a mutant), or NULL */
	void *priv;
};

/*
 * What the harness must know about a target to run it right: bits of
 * target_ops.props, so that nothing compares a target with a known one.
 */
enum target_prop {
	/*
	 * What it does shows in this kernel's log: the log is read around
	 * every case (unless --no-kernel-log), each case is marked in
	 * /dev/kmsg before it starts, and cases run one at a time, since the
	 * log cannot say which of several in flight caused a report.
	 */
	TARGET_KERNEL_LOG = 1 << 0,
	/* A case can crash or wedge the machine: crash_risk cases need --allow-crash. */
	TARGET_CAN_CRASH = 1 << 1,
	/*
	 * Registration allocates in the kernel this process runs on, so the
	 * kernel's fault injection can make it fail (host step fail_allocations).
	 */
	TARGET_KERNEL_ALLOCS = 1 << 2,
};

struct target_ops {
	const char *name;
	unsigned int props; /* enum target_prop */
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
	/*
	 * Whether a bus takes at most NR_IOBUS_DEVS (1000) devices (REG-7).
	 * The kernel caps a bus only where it does not account kernel memory
	 * (memcg); the reference models the cap.  A case whose expectation
	 * depends on it says what it expects either way (uncapped_errno).
	 */
	bool (*bus_capped)(void);
};

extern const struct target_ops target_reference;
extern const struct target_ops target_kernel;

/* Every target, NULL-terminated: what --target and an expectations file's 'when' may name. */
extern const struct target_ops *const target_all[];

const struct target_ops *target_find(const char *name);

#endif /* IORFD_TARGET_H */
