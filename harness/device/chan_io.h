/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The suite's side of a device's channel: writes and reads on the near
 * ends (non-blocking), each with a deadline, so that a device that takes
 * nothing, says nothing or says too much costs a bounded wait and a
 * verdict, never a hang.
 */
#ifndef IORFD_DEV_CHAN_IO_H
#define IORFD_DEV_CHAN_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Writes all @len bytes within @timeout_ms: 0, -EPIPE (no reader: the
 * device closed fd 3 or is gone), -ETIMEDOUT (it takes nothing: the channel
 * is full) or another -errno.  Never raises SIGPIPE.
 */
int chan_send(int fd, const void *buf, size_t len, int timeout_ms);

/* What one chan_recv() saw. */
struct chan_read {
	size_t got;   /* bytes now in the buffer */
	size_t first; /* how many the first read with data returned: < 32 is a reply in pieces */
	bool eof;     /* the device's end is closed (every copy of it) */
	int err;      /* a read error other than EAGAIN, as a positive errno; else 0 */
};

/*
 * Reads into @buf until @want bytes are there, the device's end closes, or
 * @timeout_ms pass, whichever comes first.
 */
void chan_recv(int fd, uint8_t *buf, size_t want, int timeout_ms, struct chan_read *r);

#endif /* IORFD_DEV_CHAN_IO_H */
