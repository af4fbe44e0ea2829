/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a small text file whole, with a size limit: case files, the registry, expectations. */
#ifndef IORFD_FILE_READ_H
#define IORFD_FILE_READ_H

#include <stddef.h>

/*
 * The whole file, NUL-terminated, in a malloc()ed buffer, and its length.
 * A file over @max bytes is an error.  NULL with "PATH: reason" in @err.
 */
char *read_text_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);

#endif /* IORFD_FILE_READ_H */
