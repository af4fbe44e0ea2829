// SPDX-License-Identifier: GPL-2.0
/*
 * Output files written whole or not at all (atomic_file.h).
 *
 * The stream is a fopencookie() one over our own write(), so the errno of
 * the first write that failed is kept: stdio only keeps "an error
 * happened", and by commit time errno says something else.  A disk that
 * fills while a page is buffered then reads "PATH: No space left on
 * device", not "write error".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "lib/atomic_file.h"

static const char *what_to_do(int errnum)
{
	switch (errnum) {
	case ENAMETOOLONG:
		return "a name may have 255 bytes and a path 4095: choose a shorter one";
	case ENOSPC:
	case EDQUOT:
		return "free some space, or write elsewhere";
	case EFBIG:
		return "the file size limit (ulimit -f) is too small for it: raise it";
	case EACCES:
	case EPERM:
		return "write where you may, or change the permissions";
	case EROFS:
		return "the file system is read-only: write elsewhere";
	case ENOENT:
		return "a directory on the way does not exist: create it first";
	case ENOTDIR:
		return "a part of the path is a file, not a directory";
	case EISDIR:
		return "a directory has that name: give a file name";
	case ELOOP:
		return "a symbolic link loop, or a link where PATH.tmp.PID goes: remove it";
	case EIO:
		return "the device failed: check the disk and the kernel log";
	default:
		return "check the path and the disk";
	}
}

void output_error(char *err, size_t errlen, const char *path, int errnum)
{
	snprintf(err, errlen, "%s: %s (%s)", path, strerror(errnum), what_to_do(errnum));
}

static ssize_t cookie_write(void *cookie, const char *buf, size_t len)
{
	struct atomic_file *af = cookie;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(af->fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* The first error is the one to report; later ones follow from it. */
			if (!af->write_err)
				af->write_err = n < 0 ? errno : EIO;
			errno = af->write_err;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)len;
}

/* Some file systems (NFS) report a full disk only when the file is closed. */
static int cookie_close(void *cookie)
{
	struct atomic_file *af = cookie;
	int ret = close(af->fd);

	if (ret && !af->write_err)
		af->write_err = errno;
	af->fd = -1;
	return ret;
}

static void free_handle(struct atomic_file *af)
{
	free(af->path);
	free(af->tmp);
	free(af);
}

/*
 * PATH.tmp.PID, its last component cut where PATH's own is so long that
 * the suffix would take it past NAME_MAX (or the whole past PATH_MAX):
 * PATH itself may well be valid.  NULL with errno set when there is no
 * room even for the suffix.
 */
static char *tmp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	size_t base_len = strlen(path) - dir_len, room;
	char suffix[32], *tmp;
	int suffix_len;

	suffix_len = snprintf(suffix, sizeof(suffix), ".tmp.%ld", (long)getpid());
	room = PATH_MAX - 1 - dir_len;
	if (room > NAME_MAX)
		room = NAME_MAX;
	if (room < (size_t)suffix_len) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (base_len > room - suffix_len)
		base_len = room - suffix_len;
	tmp = malloc(dir_len + base_len + suffix_len + 1);
	if (!tmp)
		return NULL;
	memcpy(tmp, path, dir_len + base_len);
	memcpy(tmp + dir_len + base_len, suffix, suffix_len + 1);
	return tmp;
}

int atomic_file_open(const char *path, struct atomic_file **out, char *err, size_t errlen)
{
	static const cookie_io_functions_t io = {.write = cookie_write, .close = cookie_close};
	struct atomic_file *af;
	int e;

	*out = NULL;
	/*
	 * The kernel would say the same of PATH; the temporary file, whose
	 * name is cut to fit, must not hide it until the rename.
	 */
	if (strlen(path) >= PATH_MAX ||
	    strlen(strrchr(path, '/') ? strrchr(path, '/') + 1 : path) > NAME_MAX) {
		output_error(err, errlen, path, ENAMETOOLONG);
		return -1;
	}
	af = calloc(1, sizeof(*af));
	if (!af) {
		output_error(err, errlen, path, ENOMEM);
		return -1;
	}
	af->fd = -1;
	af->path = strdup(path);
	af->tmp = af->path ? tmp_name(path) : NULL;
	if (!af->tmp) {
		e = af->path ? errno : ENOMEM;
		goto fail;
	}
	/* O_NOFOLLOW: a link planted where the temporary file goes is not followed. */
	af->fd = open(af->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (af->fd < 0) {
		e = errno;
		goto fail;
	}
	af->f = fopencookie(af, "w", io);
	if (!af->f) {
		e = errno;
		close(af->fd);
		unlink(af->tmp);
		goto fail;
	}
	*out = af;
	return 0;
fail:
	output_error(err, errlen, path, e);
	free_handle(af);
	return -1;
}

int atomic_file_commit(struct atomic_file *af, char *err, size_t errlen)
{
	int e;

	errno = 0;
	if (fflush(af->f) && !af->write_err)
		af->write_err = errno ? errno : EIO;
	if (ferror(af->f) && !af->write_err)
		af->write_err = EIO;
	errno = 0;
	if (fclose(af->f) && !af->write_err)
		af->write_err = errno ? errno : EIO;
	af->f = NULL;
	e = af->write_err;
	if (!e && rename(af->tmp, af->path))
		e = errno;
	if (e) {
		unlink(af->tmp);
		output_error(err, errlen, af->path, e);
		free_handle(af);
		return -1;
	}
	free_handle(af);
	return 0;
}

void atomic_file_abort(struct atomic_file *af)
{
	if (!af)
		return;
	fclose(af->f);
	unlink(af->tmp);
	free_handle(af);
}
