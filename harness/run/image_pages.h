/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selftests library loads this whole executable into a guest's first
 * memslot, which it sizes for a 2 MiB image.  A sanitizer or coverage build
 * is larger: its segments fill the slot, and the guest's page tables (which
 * must lie above 0x180000 there) find no page left.  Every VM the suite
 * creates passes image_pages() as its "extra" pages.
 */
#ifndef IORFD_IMAGE_PAGES_H
#define IORFD_IMAGE_PAGES_H

#include <stdint.h>

/*
 * The extra_mem_pages that grow memslot 0 by this executable's size.  In
 * the 6.1 library they are not memory of their own: they only count toward
 * the page tables slot 0 reserves, two pages per PTES_PER_MIN_PAGE of them.
 * So the slot grows by N pages for N * PTES_PER_MIN_PAGE / 2 of them.
 */
uint64_t image_pages(void);

#endif /* IORFD_IMAGE_PAGES_H */
