/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing an output file whole or not at all: reports, JUnit, results.
 *
 * The bytes go to PATH.tmp.PID in the same directory, and only a commit
 * that saw every write succeed renames that over PATH.  So a full disk, a
 * file size limit or a crash half way never leaves a truncated PATH, and a
 * reader of PATH sees the old file or the new one.  A crash may leave the
 * PATH.tmp.PID behind; nothing else does.
 *
 *	struct atomic_file *af;
 *
 *	if (atomic_file_open(path, &af, err, errlen))
 *		return -1;
 *	fprintf(af->f, ...);
 *	return atomic_file_commit(af, err, errlen);
 *
 * Every error is "PATH: what is wrong (what to do)", naming PATH, not the
 * temporary file, and remembers the first write's errno (ENOSPC, EFBIG,
 * EIO), not whatever errno held when the failure came to light.
 */
#ifndef IORFD_ATOMIC_FILE_H
#define IORFD_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

struct atomic_file {
	FILE *f; /* write here */
	/* The rest is the helper's own. */
	char *path, *tmp;
	int fd;
	int write_err; /* errno of the first failed write, 0 while none failed */
};

/*
 * Creates PATH.tmp.PID (mode 0666 less the umask) and a handle on it in
 * *@af.  0, or -1 with "PATH: reason (what to do)" in @err and *@af NULL.
 */
int atomic_file_open(const char *path, struct atomic_file **af, char *err, size_t errlen);

/*
 * Flushes and closes the file and, when every write succeeded, renames it
 * to PATH.  0, or -1 with "PATH: reason (what to do)" in @err, PATH as it
 * was before and the temporary file gone.  Frees @af either way.
 */
int atomic_file_commit(struct atomic_file *af, char *err, size_t errlen);

/* Drops what was written: PATH as it was, the temporary file gone.  @af may be NULL. */
void atomic_file_abort(struct atomic_file *af);

/*
 * "PATH: strerror(@errnum) (what to do)" into @err: the message of an
 * output that cannot be made, for a directory as for a file.
 */
void output_error(char *err, size_t errlen, const char *path, int errnum);

#endif /* IORFD_ATOMIC_FILE_H */
