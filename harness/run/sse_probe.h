/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IORFD_SSE_PROBE_H
#define IORFD_SSE_PROBE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Can this host's KVM run SSE in a guest?  VMX and SVM hosts run it
 * natively; a software hypervisor that emulates every guest instruction
 * (kvm_pvm) may refuse it.  A case with 16-byte SSE accesses is skipped
 * where it cannot, since the failure would be the host's, not the
 * implementation's.  false with the reason in @why.
 */
bool host_runs_sse(char *why, size_t len);

#endif /* IORFD_SSE_PROBE_H */
