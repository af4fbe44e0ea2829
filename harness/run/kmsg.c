// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run/kmsg.h"

/* Lines that start a report, and lines that only accompany the report before them. */
static const char *const headers[] = {
	"WARNING:",
	"BUG:",
	"BUG ",
	"Oops",
	"general protection fault",
	"refcount_t:",
	"possible circular locking",
	"possible recursive locking",
	"lockdep",
	"UBSAN:",
	"KASAN:",
	"kernel BUG",
	"INFO: task",
};
static const char *const trailers[] = {"Call Trace:", "RIP:"};

int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	lseek(fd, 0, SEEK_END);
	return fd;
}

int kmsg_marker_open(void)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

void kmsg_mark(int fd, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	/* <5>: KERN_NOTICE; one write is one record. */
	n = snprintf(buf, sizeof(buf), "<5>iorfd-conform: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(fd, buf, n) < 0)
		return; /* best effort: the verdicts do not depend on it */
}

static bool any_of(const char *msg, const char *const *pats, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(msg, pats[i]))
			return true;
	return false;
}

void kmsg_collect(int fd, struct kmsg_splats *s)
{
	char rec[2048];

	s->nr = s->seen = 0;
	for (;;) {
		/* One record per read: "prio,seq,usec,flags;message\n[ KEY=value\n]..." */
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		bool header;
		char *msg, *nl;

		if (n < 0 && errno == EPIPE)
			continue; /* records were overwritten; go on with the next */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = '\0';
		header = any_of(msg, headers, sizeof(headers) / sizeof(headers[0]));
		if (!header && !any_of(msg, trailers, sizeof(trailers) / sizeof(trailers[0])))
			continue;
		s->seen++;
		if (s->nr < KMSG_MAX_LINES) {
			snprintf(s->line[s->nr], KMSG_LINE_LEN, "%s", msg);
			s->header[s->nr] = header;
			s->nr++;
		}
	}
}

void kmsg_rearm_warn_once(void)
{
	int fd = open("/sys/kernel/debug/clear_warn_once", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, "1", 1) < 0) {
		/* Nothing to do: reports then stay once per boot. */
	}
	close(fd);
}
