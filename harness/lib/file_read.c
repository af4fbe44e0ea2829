// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/file_read.h"

char *read_text_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	char *buf = malloc(max + 1);
	size_t n = 0;
	ssize_t r;
	int fd = -1;

	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	/* Read one byte past the limit, to tell "exactly full" from "too big". */
	while (n <= max) {
		r = read(fd, buf + n, max + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}
