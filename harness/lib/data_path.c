// SPDX-License-Identifier: GPL-2.0
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/data_path.h"

static int found(char *buf, size_t len, const char *dir, const char *rel)
{
	int n = snprintf(buf, len, "%s/%s", dir, rel);

	return n > 0 && (size_t)n < len && !access(buf, F_OK) ? 0 : -1;
}

int data_beside(const char *rel, char *buf, size_t len)
{
	char self[PATH_MAX];
	char *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return found(buf, len, self, rel);
}

int data_path(const char *rel, char *buf, size_t len)
{
	if (!data_beside(rel, buf, len))
		return 0;
#ifdef IORFD_SRCDIR
	if (!found(buf, len, IORFD_SRCDIR, rel))
		return 0;
#endif
	return -1;
}

const char *data_find(const char *path, char *buf, size_t len)
{
	if (path[0] == '/' || !access(path, F_OK) || data_beside(path, buf, len))
		return path;
	return buf;
}
