/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The access program the harness places in guest memory and the guest
 * interpreter executes, one per vCPU.  Shared by host and guest code, so it
 * holds only fixed-size integers.
 *
 * The guest reports to the host through ucalls (UCALL_SYNC with a tag in
 * args[0]); cur_step is also written before every step, so that a host
 * watchdog can tell which step a stuck vCPU is in without asking it.
 */
#ifndef IORFD_GUEST_PROG_H
#define IORFD_GUEST_PROG_H

#include <stdint.h>

enum gop {
	GOP_MMIO_READ = 1,
	GOP_MMIO_WRITE,
	GOP_PIO_IN,
	GOP_PIO_OUT,
	GOP_SYNC,
};

#define GSTEP_CHECK (1u << 0) /* read: compare the loaded value with expect */

struct gstep {
	uint8_t op;    /* enum gop */
	uint8_t size;  /* 1, 2, 4, 8 */
	uint16_t flags;
	uint32_t reserved;
	uint64_t addr; /* guest physical = virtual (identity mapped), or port */
	uint64_t value;
	uint64_t expect;
};

struct gprog {
	uint64_t nr_steps;
	volatile uint64_t cur_step;
	struct gstep steps[];
};

/* args[0] of a UCALL_SYNC from the interpreter */
enum gsync_tag {
	GSYNC_POINT = 0x5157, /* args[1] = step index */
	GSYNC_MISMATCH,	      /* args[1] = step, args[2] = observed, args[3] = expected */
	GSYNC_BAD_STEP,	      /* args[1] = step: an op or size the guest cannot execute */
};

/* The entry point handed to the selftests library; arg: guest address of a gprog. */
void guest_interp(struct gprog *prog);

#endif /* IORFD_GUEST_PROG_H */
