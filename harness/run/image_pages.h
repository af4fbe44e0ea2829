/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selftests library loads this whole executable into a guest's first
 * memslot, which it sizes for a 2 MiB image.  A sanitizer or coverage build
 * is larger, and its guest then runs over the end of what was loaded (or
 * finds no page left for its stack).  Every VM the suite creates gives the
 * slot this many extra pages: as many as the file has.
 */
#ifndef IORFD_IMAGE_PAGES_H
#define IORFD_IMAGE_PAGES_H

#include <stdint.h>

uint64_t image_pages(void);

#endif /* IORFD_IMAGE_PAGES_H */
