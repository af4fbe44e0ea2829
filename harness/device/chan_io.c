// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "device/chan_io.h"
#include "device/spawn.h"
#include "lib/fdio.h"

int chan_send(int fd, const void *buf, size_t len, int timeout_ms)
{
	long end = dev_now_ms() + timeout_ms;
	const uint8_t *p = buf;

	while (len) {
		struct pollfd pfd = {.fd = fd, .events = POLLOUT};
		ssize_t n = write_nosignal(fd, p, len);
		long left;

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		left = end - dev_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return -errno;
	}
	return 0;
}

void chan_recv(int fd, uint8_t *buf, size_t want, int timeout_ms, struct chan_read *r)
{
	long end = dev_now_ms() + timeout_ms, left;

	memset(r, 0, sizeof(*r));
	while (r->got < want) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;

		/* Poll first: a read then returns what is there, blocking fd or not. */
		left = end - dev_now_ms();
		n = poll(&pfd, 1, left > 0 ? (int)left : 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r->err = errno;
			return;
		}
		if (!n)
			return;
		n = read(fd, buf + r->got, want - r->got);
		if (n > 0) {
			if (!r->got)
				r->first = (size_t)n;
			r->got += (size_t)n;
		} else if (n == 0) {
			r->eof = true;
			return;
		} else if (errno != EAGAIN && errno != EINTR) {
			r->err = errno;
			return;
		}
	}
}
