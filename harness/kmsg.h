/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel health around each case: what the kernel logged while the case ran
 * (read from /dev/kmsg), filtered to the splats that mean the kernel under
 * test misbehaved: WARN, BUG, Oops, refcount and lockdep reports, sanitizer
 * reports, hung tasks.  blktests does the same around each test.
 */
#ifndef IORFD_KMSG_H
#define IORFD_KMSG_H

#include <stddef.h>

/* Opens /dev/kmsg positioned at its end; -errno when it cannot be read. */
int kmsg_open(void);
/*
 * Reads every record logged since the last call and copies the splat lines
 * (one per line, at most @len bytes) into @out.  Returns how many there
 * were.
 */
int kmsg_collect(int fd, char *out, size_t len);

#endif /* IORFD_KMSG_H */
