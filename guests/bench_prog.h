/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's guest program: one kind of access, repeated back to back.
 * Shared by host and guest code, so it holds only fixed-size integers.
 *
 * The guest runs @warmup accesses, reports BSYNC_START (the host starts its
 * wall clock when it re-enters after that exit), runs @iterations more,
 * then reports done.  With @batch 0 the loop holds nothing but the accesses
 * and the host times each one where it sees it; with @batch B the guest
 * reads its TSC every B accesses into tsc[], for accesses the host cannot
 * see one by one.  rdtsc may itself trap to the hypervisor (it does on
 * software hypervisors), which is why it is not read around every access.
 */
#ifndef IORFD_BENCH_PROG_H
#define IORFD_BENCH_PROG_H

#include <stdint.h>

enum bench_op {
	BOP_NONE = 1, /* no access: what the loop and rdtsc cost alone */
	BOP_MMIO_WRITE,
	BOP_MMIO_READ,
	BOP_PIO_OUT,
	BOP_PIO_IN,
};

struct bench_prog {
	uint32_t op; /* enum bench_op; every access is 4 bytes wide */
	uint32_t reserved;
	uint64_t addr; /* guest physical = virtual (identity mapped), or port */
	uint64_t warmup;
	uint64_t iterations;
	uint64_t batch;	   /* 0, or accesses per tsc[] entry */
	uint64_t loop_tsc; /* out: TSC ticks over the whole timed loop */
	uint64_t sum;	   /* out: sum of the values read, so reads are used */
	uint64_t tsc[];	   /* out: TSC ticks of each batch of @batch accesses */
};

/* args[0] of a UCALL_SYNC from the benchmark guest */
#define BSYNC_START 0xbe4c

void bench_guest(struct bench_prog *p);

#endif /* IORFD_BENCH_PROG_H */
