/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symbolic errno names, as case files write them ("EINVAL") and as reports
 * print them.  Only the names a KVM ioctl can plausibly return are known.
 */
#ifndef IORFD_ERRNO_NAMES_H
#define IORFD_ERRNO_NAMES_H

/* Positive errno for "EINVAL" etc., 0 for "0", -1 for anything else. */
int errno_from_name(const char *name);

/*
 * "EINVAL" for EINVAL, "0" for 0; an unknown value is printed as
 * "errno 123" into a thread-local buffer that the next call overwrites.
 */
const char *errno_name(int err);

/* The names errno_from_name() knows, one by one: @i from 0; NULL past the last. */
const char *errno_name_nth(int i);

#endif /* IORFD_ERRNO_NAMES_H */
