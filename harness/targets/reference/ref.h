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
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "targets/target.h"

/*
 * Room for two full buses: KVM takes at most NR_IOBUS_DEVS (1000) devices
 * on one bus when kernel memory is not accounted, which the reference
 * models (REG-7).
 */
#define REF_BUS_DEVS	   1000
#define REF_MAX_REGIONS	   2048
#define REF_MAX_IOEVENTFDS 64

/* A vCPU waiting for a context, in arrival order. */
struct ref_waiter {
	struct ref_waiter *next;
	int wake_fd;  /* an eventfd the releasing vCPU writes to */
	bool granted; /* the context was handed over: it is ours */
};

/*
 * Per read-fd serialization (V2/V3): one command in flight, waiters served
 * in arrival order (a plain mutex promises no order), and a signal ends a
 * wait without taking the context (BUG-B5), as an interruptible wait must.
 */
struct ref_ctx {
	dev_t dev;
	ino_t ino;
	bool pio; /* only for the contexts-per-bus mutant (B10) */
	int refs;
	pthread_mutex_t lock;
	bool busy;
	struct ref_waiter *head, **tail;
};

struct ref_region {
	bool used;
	uint64_t gpa, size, user_data;
	bool pio, posted;
	int rfd, wfd;	     /* our own references (dup), as KVM takes its own */
	struct ref_ctx *ctx; /* NULL: not serialized (V1, or sizeless) */
};

/* An ioeventfd the VMM registered, for collision checks both ways (REG-5). */
struct ref_ioeventfd {
	uint64_t addr, len; /* len 0 counts as 8 */
	bool pio;
};

#define REF_MAX_VCPUS 8

/*
 * An access interrupted by a signal (V2/V3, ERR-10): where it stopped, so
 * the next KVM_RUN resumes it instead of starting over (ERR-11).  The
 * context stays held across the EINTR return, as the RFC's lock does.
 */
enum ref_state {
	REF_IDLE,
	REF_WAIT_CTX, /* interrupted while waiting for the context: nothing sent yet */
	REF_SEND_CMD,
	REF_GET_REPLY,
};

struct ref_vcpu {
	enum ref_state state;
	struct ref_ctx *ctx;  /* held while interrupted; has its own reference */
	int wake_fd;	      /* for ref_ctx_acquire; -1 until the first wait */
	uint32_t elem;	      /* string PIO: the element in progress */
	uint32_t exit_reason; /* the exit being dispatched, while KVM_EXIT_INTR is reported */
	uint8_t cmd[WIRE_MSG_SIZE];
};

struct ref_mutant;

struct ref {
	enum iorfd_rev rev;
	const struct ref_mutant *mutant; /* the self-test's fault, or NULL (mutant.h) */
	/* The posted-write-after-read mutant's command, held back until the next read. */
	struct {
		bool full;
		int fd;
		uint8_t cmd[WIRE_MSG_SIZE];
	} held;
	struct ref_vcpu vcpus[REF_MAX_VCPUS];
	sigset_t wait_mask; /* the vCPU threads' mask without SIGUSR1: waits can be interrupted */
	struct ref_ioeventfd ioeventfds[REF_MAX_IOEVENTFDS];
	int nr_ioeventfds;
	/* Readers dispatch; writers (de)register and so wait for accesses in flight. */
	pthread_rwlock_t regions_lock;
	struct ref_region regions[REF_MAX_REGIONS];
	int nr_slots;	 /* regions[] in use lie below this: lookups stop here */
	int bus_devs[2]; /* regions on the MMIO and the PIO bus */
	pthread_mutex_t ctx_lock;
	struct ref_ctx *ctxs[REF_MAX_REGIONS];
};

int ref_set_ioregion(struct ref *ref, const struct kvm_ioregion *r);
/* Region wholly containing [addr, addr+len) on the given bus, or NULL.  Caller holds regions_lock.
 */
struct ref_region *ref_lookup(struct ref *ref, bool pio, uint64_t addr, unsigned int len);
void ref_release_all(struct ref *ref);
int ref_ioeventfd(struct ref *ref, const struct kvm_ioeventfd *e, int vm_fd);

/*
 * 0 with @ctx held, or -EINTR: SIGUSR1 (let through by ref->wait_mask) came
 * while waiting and nothing was taken.  @wake_fd: the caller's eventfd.
 */
int ref_ctx_acquire(struct ref *ref, struct ref_ctx *ctx, int wake_fd);
void ref_ctx_release(struct ref_ctx *ctx);
/* An extra reference keeps an interrupted access's context alive if its region goes. */
void ref_ctx_get(struct ref *ref, struct ref_ctx *ctx);
void ref_ctx_put(struct ref *ref, struct ref_ctx *ctx);

#endif /* IORFD_REF_H */
