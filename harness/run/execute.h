/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Executes one loaded case against one target, in the calling process,
 * filling @res.  Meant to run in a child of the runner: it may be killed at
 * any point, and the selftests library it uses exits on internal errors.
 */
#ifndef IORFD_EXECUTE_H
#define IORFD_EXECUTE_H

#include "model/case.h"
#include "model/result.h"
#include "targets/target.h"

/* The port the selftests library's ucall uses on x86 (lib/x86_64/ucall.c). */
#define UCALL_PORT 0x1000

/* Guest MMIO must stay clear of RAM and of the selftests VM's own mappings. */
#define MMIO_MIN 0x40000000ull
#define MMIO_MAX 0xfec00000ull /* IOAPIC and LAPIC live above */

struct dev_run_opts;

/*
 * Runs @c against @ops: our responders play the device, or where @device
 * is given, that device program does on every channel it can serve
 * (responders/device_end.h).
 */
void case_execute(const struct iorfd_case *c, const struct target_ops *ops,
		  const void *target_config, const struct dev_run_opts *device,
		  struct case_result *res);

/* Compares what @res recorded with what @c expects; adds failures to @res. */
void case_evaluate(const struct iorfd_case *c, struct case_result *res);

#endif /* IORFD_EXECUTE_H */
