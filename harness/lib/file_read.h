/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading an input file whole, with a size limit: case files, the registry,
 * expectations, results.  Pipes and FIFOs never hang it (see file_read.c).
 */
#ifndef IORFD_FILE_READ_H
#define IORFD_FILE_READ_H

#include <stddef.h>

/*
 * The whole file, NUL-terminated, in a malloc()ed buffer, and its length.
 * A file over @max bytes, a directory, and an empty pipe or FIFO are
 * errors.  A pipe's or FIFO's bytes are kept: reading its path again gives
 * them again.  NULL with "PATH: reason" in @err.
 */
char *read_text_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);

#endif /* IORFD_FILE_READ_H */
