// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/file_read.h"
#include "run/ioregion_args.h"

const char *arg_pointer_words(enum arg_pointer how)
{
	switch (how) {
	case ARG_UNMAPPED:
		return "from a pointer into a page that cannot be read";
	case ARG_PAGE_END:
		return "from a pointer whose struct runs into a page that cannot be read";
	default:
		return "";
	}
}

/*
 * Two pages, the second one PROT_NONE; for ARG_UNMAPPED both.  The struct
 * either starts the unreadable page or straddles the boundary with its
 * first 32 bytes readable, so a kernel that copies only part of it (or
 * reads it field by field) is caught as well as one that does not check.
 */
int ioregion_set_at(struct target *t, const struct kvm_ioregion *r, enum arg_pointer how)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t half = sizeof(*r) / 2;
	struct kvm_ioregion *arg;
	uint8_t *p;
	int err;

	if (how == ARG_READABLE)
		return t->ops->set_ioregion(t, r);
	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (how == ARG_UNMAPPED) {
		arg = (struct kvm_ioregion *)(p + page);
	} else {
		arg = (struct kvm_ioregion *)(p + page - half);
		memcpy(arg, r, half);
	}
	if (mprotect(how == ARG_UNMAPPED ? p : p + page, how == ARG_UNMAPPED ? 2 * page : page,
		     PROT_NONE)) {
		err = -errno;
		munmap(p, 2 * page);
		return err;
	}
	err = t->ops->set_ioregion(t, arg);
	munmap(p, 2 * page);
	return err;
}

void ioregion_fill(struct target *t, const struct kvm_ioregion *r, uint64_t stride,
		   unsigned int count, struct fill_result *out)
{
	struct kvm_ioregion copy = *r;

	out->registered = 0;
	out->err = 0;
	while (out->registered < count) {
		copy.guest_paddr = r->guest_paddr + out->registered * stride;
		out->err = t->ops->set_ioregion(t, &copy);
		if (out->err)
			return;
		out->registered++;
	}
}
