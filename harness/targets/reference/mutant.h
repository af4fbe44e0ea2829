/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deliberate faults in the reference dispatcher, for 'iorfd-conform
 * selftest': a conformance suite is worth what it catches, so every mutant
 * must make at least one case fail.
 *
 * A mutant is one fault.  It enters the reference through a named hook at
 * the point of the protocol it breaks (REF_HOOK below); a reference instance
 * carries the mutant it runs with (struct ref.mutant, from the target's
 * config), NULL for none, so the reference reads as the protocol and no
 * process-global state decides how it behaves.
 */
#ifndef IORFD_MUTANT_H
#define IORFD_MUTANT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "proto/wire.h"
#include "targets/reference/ref.h"

struct kvm_vcpu;
struct kvm_run;

/* Every member but the name is optional: a hook the mutant leaves NULL is the reference's. */
struct ref_mutant {
	const char *name;
	/* dispatch.c, one access */
	void (*command)(struct wire_cmd *cmd, const struct ref_region *rg, bool write);
	bool (*reads_reply)(const struct ref_region *rg, bool write);
	bool (*hold_command)(struct ref *ref, const struct ref_region *rg, bool write,
			     const uint8_t *cmd);
	void (*read_done)(struct ref *ref);
	ssize_t (*write_cmd)(int fd, const void *buf, size_t len);
	bool (*waits_for_room)(void); /* a full write fd: wait (POST-2), or write at once */
	enum ref_state (*resume_from)(enum ref_state state);
	int (*reply_failed)(int err, uint64_t *reply);
	unsigned int (*reply_bytes)(unsigned int len);
	void (*exit_done)(struct kvm_vcpu *vcpu, struct kvm_run *run);
	void (*interrupted)(struct ref *ref, struct ref_vcpu *vs); /* KVM_RUN returns EINTR */
	/* regions.c, registration and lookup */
	int (*fd_flags_seen)(int end, int flags);
	uint64_t (*footprint)(uint64_t size);
	bool (*removal_matches)(const struct ref_region *rg, const struct kvm_ioregion *r);
	bool (*overlaps)(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end);
	bool (*serializes)(void);
	bool (*shares_ctx)(const struct ref_ctx *ctx, bool pio);
	/* @st: the read fd's, which identifies its context; @r: the request */
	void (*ctx_identity)(const struct kvm_ioregion *r, struct stat *st);
	bool (*contains)(const struct ref_region *rg, uint64_t addr, unsigned int len);
	int (*signal_in_ctx_wait)(void);
};

/*
 * The value of hook @hook for this access: the mutant's, if the instance
 * runs one that hooks here, else @dflt, the reference's own.
 */
#define REF_HOOK(ref, hook, dflt, ...) \
	((ref)->mutant && (ref)->mutant->hook ? (ref)->mutant->hook(__VA_ARGS__) : (dflt))

/* A hook with nothing to return: the reference does nothing there. */
#define REF_HOOK_DO(ref, hook, ...)                       \
	do {                                              \
		if ((ref)->mutant && (ref)->mutant->hook) \
			(ref)->mutant->hook(__VA_ARGS__); \
	} while (0)

/* The self-test's mutants, in the order it runs them. */
extern const struct ref_mutant *const ref_mutants[];
extern const int ref_nr_mutants;

#endif /* IORFD_MUTANT_H */
