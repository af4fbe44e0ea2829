/* SPDX-License-Identifier: GPL-2.0 */
/* File descriptor I/O that both ends of a channel need. */
#ifndef IORFD_FDIO_H
#define IORFD_FDIO_H

#include <sys/types.h>

/*
 * write() that never raises SIGPIPE in the calling thread, whatever the
 * process's disposition: a socket gets MSG_NOSIGNAL; for a pipe, SIGPIPE is
 * blocked around the write and the one it raised taken back.  A write to a
 * peer that is gone fails with EPIPE, nothing more (BUG-B13).
 */
ssize_t write_nosignal(int fd, const void *buf, size_t len);

#endif /* IORFD_FDIO_H */
