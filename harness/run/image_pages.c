// SPDX-License-Identifier: GPL-2.0
#include <sys/stat.h>

#include "kvm_util.h"

#include "run/image_pages.h"

uint64_t image_pages(void)
{
	struct stat st;
	uint64_t pages;

	if (stat("/proc/self/exe", &st))
		return 0;
	pages = (uint64_t)st.st_size / 4096 + 1;
	return pages * (PTES_PER_MIN_PAGE / 2);
}
