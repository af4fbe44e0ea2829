/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel health around each case: what the kernel logged while the case ran
 * (read from /dev/kmsg), filtered to the splats that mean the kernel under
 * test misbehaved: WARN, BUG, Oops, refcount and lockdep reports, sanitizer
 * reports, hung tasks.  blktests does the same around each test.
 */
#ifndef IORFD_KMSG_H
#define IORFD_KMSG_H

#include <stdbool.h>
#include <stddef.h>

#define KMSG_MAX_LINES 32
#define KMSG_LINE_LEN  200

struct kmsg_splats {
	int nr; /* lines kept; more may have been seen */
	int seen;
	char line[KMSG_MAX_LINES][KMSG_LINE_LEN];
	bool header[KMSG_MAX_LINES]; /* starts a report; else a trace line of the one before */
};

/* Opens /dev/kmsg positioned at its end; -errno when it cannot be read. */
int kmsg_open(void);
/*
 * Marks the kernel log, as blktests does before each test, so that a report
 * in a dmesg read later says which case it followed: @fd from
 * kmsg_marker_open() gets one "iorfd-conform: ..." record at notice level.
 */
int kmsg_marker_open(void);
void kmsg_mark(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads every record logged since the last call and keeps the splat lines. */
void kmsg_collect(int fd, struct kmsg_splats *s);
/*
 * WARN_ONCE reports fire once per boot; re-arming them before each case
 * makes a report belong to every case that triggers it, not just the first.
 * Best effort: needs debugfs.
 */
void kmsg_rearm_warn_once(void);

#endif /* IORFD_KMSG_H */
