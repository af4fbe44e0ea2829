/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registration ABI of the ioregionfd RFC (never merged, so no system
 * header has it).  One 64-byte layout for all revisions; V1/V2 call the fd
 * fields rfd/wfd and have no DEASSIGN flag (removal is rfd = wfd = -1).
 */
#ifndef IORFD_IOREGION_UAPI_H
#define IORFD_IOREGION_UAPI_H

#include <linux/kvm.h>
#include <linux/types.h>

struct kvm_ioregion {
	__u64 guest_paddr;
	__u64 memory_size;
	__u64 user_data;
	__s32 read_fd;	/* KVM reads responses from this (V1/V2: rfd) */
	__s32 write_fd; /* KVM writes commands to this (V1/V2: wfd) */
	__u32 flags;
	__u8 pad[28];
};

_Static_assert(sizeof(struct kvm_ioregion) == 64, "kvm_ioregion is 64 bytes in every revision");

#define KVM_IOREGION_PIO	   (1u << 0)
#define KVM_IOREGION_POSTED_WRITES (1u << 1)
#define KVM_IOREGION_DEASSIGN	   (1u << 2) /* V3 only */

#define KVM_IOREGION_V12_FLAGS (KVM_IOREGION_PIO | KVM_IOREGION_POSTED_WRITES)
#define KVM_IOREGION_V3_FLAGS  (KVM_IOREGION_V12_FLAGS | KVM_IOREGION_DEASSIGN)

/* 0x4040ae49.  Upstream later reused nr 0x49 with another size, so the full number matters. */
#define KVM_SET_IOREGION _IOW(KVMIO, 0x49, struct kvm_ioregion)

/*
 * The RFC's own capability number (191) and the forks' (195) are
 * KVM_CAP_SYS_HYPERV_CPUID and KVM_CAP_SET_GUEST_DEBUG2 upstream; the fixture
 * kernels use 4096.  Support is detected by probing KVM_SET_IOREGION, never
 * by this number alone.
 */
#define IORFD_CAP_DEFAULT 4096

#endif /* IORFD_IOREGION_UAPI_H */
