// SPDX-License-Identifier: GPL-2.0
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "device/stray.h"

static void keep(struct stray *s, const uint8_t *buf, size_t n)
{
	if (s->n < STRAY_SHOW)
		memcpy(s->first + s->n, buf, n < STRAY_SHOW - s->n ? n : STRAY_SHOW - s->n);
	s->n += n;
}

/* Reads until the channel is empty, closed, or the drain limit: true at end of file. */
static bool drain(struct dev_proc *p, struct stray *s)
{
	uint8_t buf[4096];
	ssize_t n;

	while (s->n < STRAY_DRAIN_MAX && (n = read(p->reply_fd, buf, sizeof(buf))) > 0)
		keep(s, buf, (size_t)n);
	return n == 0;
}

size_t stray_take_now(struct dev_proc *p, struct stray *s)
{
	if (p->reply_fd >= 0)
		drain(p, s);
	return s->n;
}

size_t stray_watch_exit(struct dev_proc *p, int bound_ms, struct stray *s)
{
	long end = dev_now_ms() + bound_ms, left;
	bool reply_eof = p->reply_fd < 0;
	uint8_t buf[4096];
	ssize_t n;

	while (!dev_poll_exit(p) && (left = end - dev_now_ms()) > 0) {
		struct pollfd pfd[2];
		int nfd = 0, rfd = -1;

		if (p->pidfd >= 0)
			pfd[nfd++] = (struct pollfd){.fd = p->pidfd, .events = POLLIN};
		if (!reply_eof) {
			rfd = nfd;
			pfd[nfd++] = (struct pollfd){.fd = p->reply_fd, .events = POLLIN};
		}
		poll(pfd, nfd, p->pidfd >= 0 ? (int)left : (left < 2 ? (int)left : 2));
		if (rfd < 0 || !pfd[rfd].revents)
			continue;
		n = read(p->reply_fd, buf, sizeof(buf));
		if (n > 0)
			keep(s, buf, (size_t)n);
		else if (n == 0)
			reply_eof = true;
	}
	/* What it wrote just before it went is still in the channel; a flood is cut off. */
	if (!reply_eof)
		drain(p, s);
	return s->n;
}

void stray_hex(const uint8_t *b, size_t n, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used + 4 < len; i++)
		used += snprintf(buf + used, len - used, "%s%02x", i && !(i % 4) ? " " : "", b[i]);
}

void stray_text(const struct stray *s, char *buf, size_t len)
{
	char bytes[100];

	stray_hex(s->first, s->n < STRAY_SHOW ? s->n : STRAY_SHOW, bytes, sizeof(bytes));
	snprintf(buf, len, "%zu byte%s%s: %s", s->n, s->n == 1 ? "" : "s",
		 s->n >= STRAY_DRAIN_MAX ? " or more (a flood)" : "", bytes);
}
