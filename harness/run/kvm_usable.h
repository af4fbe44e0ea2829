/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IORFD_KVM_USABLE_H
#define IORFD_KVM_USABLE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Can this host run the suite at all?  Both targets run their guests on
 * this host's KVM, so without one every case would fail the same way.
 * Asked once, before the first case: /dev/kvm opens read-write, speaks
 * API 12, and runs a guest that only reports "done" (in a child process
 * with a time limit: a KVM that cannot run guests may also hang them).
 *
 * false with the reason in @why, in the form "ENOENT" or a short sentence,
 * for "no usable /dev/kvm (@why)".
 */
bool kvm_usable(char *why, size_t len);

#endif /* IORFD_KVM_USABLE_H */
