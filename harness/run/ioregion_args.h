/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM_SET_IOREGION the unusual ways a case may ask for: with its argument
 * in memory that cannot be read (REG-1), or over and over until the bus is
 * full (REG-7).  The verdict stays with the caller.
 */
#ifndef IORFD_IOREGION_ARGS_H
#define IORFD_IOREGION_ARGS_H

#include <stdbool.h>

#include "model/case.h"
#include "targets/target.h"

/* KVM_SET_IOREGION of @r copied to where @how says.  0 or -errno. */
int ioregion_set_at(struct target *t, const struct kvm_ioregion *r, enum arg_pointer how);

/* In words, for messages: "from a pointer into a page that cannot be read". */
const char *arg_pointer_words(enum arg_pointer how);

struct fill_result {
	unsigned int registered; /* copies that succeeded */
	int err;		 /* the first failure (-errno), 0 if none */
};

/*
 * Registers @count copies of @r at @stride-byte steps from r->guest_paddr
 * and stops at the first failure.  The copies stay: removing them would
 * cost as much again, and VM teardown frees them.
 */
void ioregion_fill(struct target *t, const struct kvm_ioregion *r, uint64_t stride,
		   unsigned int count, struct fill_result *out);

#endif /* IORFD_IOREGION_ARGS_H */
