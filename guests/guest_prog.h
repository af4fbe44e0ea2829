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
	GOP_PIO_OUTS,	  /* rep outs of count elements from data[] */
	GOP_PIO_INS,	  /* rep ins of count elements into data[] */
	GOP_MMIO_ADD,	  /* add value to memory: a read, then a write */
	GOP_MMIO_XCHG,	  /* xchg: a read, then a write of value */
	GOP_MMIO_CMPXCHG, /* cmpxchg: read; write value if it equals compare */
	GOP_MMIO_STORE16, /* movdqu of data[0..1] to addr: one 16-byte SSE store */
	GOP_MMIO_LOAD16,  /* movdqu from addr, compared with data[0..1] */
};

#define GSTEP_MAX_COUNT 16

#define GSTEP_CHECK (1u << 0) /* read: compare the loaded value with expect */
/*
 * in of 1 or 2 bytes: RAX holds GUEST_RAX_PATTERN before the in, and bits
 * above the access must still hold it after (only AL/AX may change).
 */
#define GSTEP_KEEP_UPPER  (1u << 1)
#define GUEST_RAX_PATTERN 0x1122334455667788ull

struct gstep {
	uint8_t op;   /* enum gop */
	uint8_t size; /* 1, 2, 4, 8 */
	uint16_t flags;
	uint32_t reserved;
	uint64_t addr; /* guest physical = virtual (identity mapped), or port */
	uint64_t value;
	uint64_t expect;
	uint64_t compare; /* cmpxchg */
	uint32_t count;	  /* string PIO: elements */
	uint32_t pad;
	uint64_t data[GSTEP_MAX_COUNT]; /* string PIO: out values, or expected in values */
};

struct gprog {
	uint64_t nr_steps;
	volatile uint64_t cur_step;
	struct gstep steps[];
};

/*
 * What the interpreter tells the host, as the selftests' ucall_common.h
 * does for asserts: a UCALL_SYNC whose arguments have names, in this order,
 * and a tag that says which report it is.  Unused arguments are 0.
 */
enum gsync_arg {
	GSYNC_ARG_TAG,	    /* enum gsync_tag */
	GSYNC_ARG_STEP,	    /* the index of the step that reports */
	GSYNC_ARG_OBSERVED, /* a mismatch: what the guest got */
	GSYNC_ARG_EXPECTED, /* a mismatch: what the case expects */
	GSYNC_ARG_ELEMENT,  /* a mismatch in a string op's element, or a 16-byte load's half */
	GSYNC_NR_ARGS,
};

enum gsync_tag {
	GSYNC_POINT = 0x5157, /* the step is a sync point: the host acts, then the guest goes on */
	GSYNC_LOADED,	      /* a load (read, in, read-modify-write) gave another value */
	GSYNC_LOADED_ELEMENT, /* rep ins: element ELEMENT differs */
	GSYNC_LOADED_HALF,    /* movdqu load: the 8-byte half ELEMENT differs */
	GSYNC_RAX_UPPER,      /* in al/ax changed RAX above the access (FIELD-5) */
	GSYNC_BAD_STEP,	      /* an op or size the guest cannot execute */
};

/* The entry point handed to the selftests library; arg: guest address of a gprog. */
void guest_interp(struct gprog *prog);

/*
 * A 16-byte SSE move between two places in RAM, then GUEST_DONE: whether
 * this host's KVM runs SSE guest code at all (some software hypervisors
 * emulate every instruction and reject SSE).
 */
void guest_sse_probe(void);

/*
 * GUEST_DONE and nothing else: whether this host's KVM runs a guest at all
 * (harness/run/kvm_usable.c), before any case is tried.
 */
void guest_kvm_probe(void);

#endif /* IORFD_GUEST_PROG_H */
