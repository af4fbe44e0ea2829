/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the reference target: the kernel side of ioregionfd done in
 * userspace on top of ordinary KVM_EXIT_MMIO / KVM_EXIT_IO exits.  It follows
 * what each RFC revision intends (docs/requirements.md), not the bugs its
 * code had, so that it is the model the suite is checked against.
 */
#ifndef IORFD_REF_H
#define IORFD_REF_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "target.h"

#define REF_MAX_REGIONS 64

/*
 * Per read-fd serialization (V2/V3): one command in flight, waiters served
 * in arrival order.  A ticket lock, because a plain mutex promises no order.
 */
struct ref_ctx {
	dev_t dev;
	ino_t ino;
	bool pio; /* V3 keeps contexts per bus */
	int refs;
	pthread_mutex_t lock;
	pthread_cond_t turn;
	uint64_t next_ticket, serving;
};

struct ref_region {
	bool used;
	uint64_t gpa, size, user_data;
	bool pio, posted;
	int rfd, wfd; /* our own references (dup), as KVM takes its own */
	struct ref_ctx *ctx; /* NULL: not serialized (V1, or sizeless) */
};

/* An ioeventfd the VMM registered, for collision checks both ways (REG-5). */
struct ref_ioeventfd {
	uint64_t addr, len; /* len 0 counts as 8 */
	bool pio;
};

struct ref {
	enum iorfd_rev rev;
	struct ref_ioeventfd ioeventfds[REF_MAX_REGIONS];
	int nr_ioeventfds;
	/* Readers dispatch; writers (de)register and so wait for accesses in flight. */
	pthread_rwlock_t regions_lock;
	struct ref_region regions[REF_MAX_REGIONS];
	pthread_mutex_t ctx_lock;
	struct ref_ctx *ctxs[REF_MAX_REGIONS];
};

int ref_set_ioregion(struct ref *ref, const struct kvm_ioregion *r);
/* Region wholly containing [addr, addr+len) on the given bus, or NULL.  Caller holds regions_lock. */
struct ref_region *ref_lookup(struct ref *ref, bool pio, uint64_t addr, unsigned int len);
void ref_release_all(struct ref *ref);
int ref_ioeventfd(struct ref *ref, const struct kvm_ioeventfd *e, int vm_fd);

void ref_ctx_acquire(struct ref_ctx *ctx);
void ref_ctx_release(struct ref_ctx *ctx);

#endif /* IORFD_REF_H */
