// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kmsg.h"

static const char *const splats[] = {
	"WARNING:", "BUG:", "BUG ", "Oops", "general protection fault", "refcount_t:",
	"possible circular locking", "possible recursive locking", "lockdep", "UBSAN:",
	"KASAN:", "kernel BUG", "INFO: task", "Call Trace:", "RIP:",
};

int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	lseek(fd, 0, SEEK_END);
	return fd;
}

static bool is_splat(const char *msg)
{
	size_t i;

	for (i = 0; i < sizeof(splats) / sizeof(splats[0]); i++)
		if (strstr(msg, splats[i]))
			return true;
	return false;
}

int kmsg_collect(int fd, char *out, size_t len)
{
	char rec[2048];
	size_t used = 0;
	int found = 0;

	if (len)
		out[0] = '\0';
	for (;;) {
		/* One record per read: "prio,seq,usec,flags;message\n[ KEY=value\n]..." */
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
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
		if (!is_splat(msg))
			continue;
		found++;
		if (used + 1 < len) {
			int w = snprintf(out + used, len - used, "%s%s", used ? "\n" : "", msg);

			used += w > 0 ? (size_t)w : 0;
			if (used >= len)
				used = len - 1;
		}
	}
	return found;
}
