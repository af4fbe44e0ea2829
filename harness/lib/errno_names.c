// SPDX-License-Identifier: GPL-2.0
/*
 * Symbolic errno names.  A table rather than strerror(): case files and
 * reports want the macro name, which is what the kernel documents.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/errno_names.h"

struct errno_entry {
	const char *name;
	int err;
};

/*
 * For values with two names (EAGAIN/EWOULDBLOCK, EOPNOTSUPP/ENOTSUP on
 * Linux) the first entry is the one errno_name() prints: the kernel's own.
 */
static const struct errno_entry errno_table[] = {
	{"EPERM", EPERM},
	{"ENOENT", ENOENT},
	{"EINTR", EINTR},
	{"EIO", EIO},
	{"EBADF", EBADF},
	{"EAGAIN", EAGAIN},
	{"EWOULDBLOCK", EWOULDBLOCK},
	{"ENOMEM", ENOMEM},
	{"EACCES", EACCES},
	{"EFAULT", EFAULT},
	{"EEXIST", EEXIST},
	{"EINVAL", EINVAL},
	{"ENOTTY", ENOTTY},
	{"ENOSPC", ENOSPC},
	{"EPIPE", EPIPE},
	{"ENOSYS", ENOSYS},
	{"EOPNOTSUPP", EOPNOTSUPP},
	{"ENOTSUP", ENOTSUP},
};

#define NR_ERRNO_ENTRIES (sizeof(errno_table) / sizeof(errno_table[0]))

int errno_from_name(const char *name)
{
	size_t i;

	if (!name)
		return -1;
	if (!strcmp(name, "0"))
		return 0;
	for (i = 0; i < NR_ERRNO_ENTRIES; i++) {
		if (!strcmp(name, errno_table[i].name))
			return errno_table[i].err;
	}
	return -1;
}

const char *errno_name_nth(int i)
{
	return i >= 0 && (size_t)i < NR_ERRNO_ENTRIES ? errno_table[i].name : NULL;
}

const char *errno_name(int err)
{
	static __thread char buf[24];
	size_t i;

	if (err == 0)
		return "0";
	for (i = 0; i < NR_ERRNO_ENTRIES; i++) {
		if (errno_table[i].err == err)
			return errno_table[i].name;
	}
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}
