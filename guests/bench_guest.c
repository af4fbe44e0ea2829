// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark guest: the same 4-byte access over and over with nothing else
 * in the loop, so that the time from one access to the next is one exit (or
 * one in-kernel dispatch), its handling and the re-entry.
 *
 * No lfence around rdtsc: it is an SSE2 instruction, and the accesses leave
 * the guest anyway, which orders the reads around them.  Built with
 * -mgeneral-regs-only like all guest code (see guest_interp.c).
 */
#include "kvm_util.h"
#include "ucall_common.h"

#include "guests/bench_prog.h"

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* One access; returns what a read loaded (0 for writes). */
static inline uint32_t access_once(uint32_t op, uint64_t addr, uint32_t v)
{
	uint32_t r = 0;

	switch (op) {
	case BOP_MMIO_WRITE:
		asm volatile("movl %k0, (%1)" : : "r"(v), "r"(addr) : "memory");
		break;
	case BOP_MMIO_READ:
		asm volatile("movl (%1), %0" : "=r"(r) : "r"(addr) : "memory");
		break;
	case BOP_PIO_OUT:
		asm volatile("outl %0, %w1" : : "a"(v), "Nd"((uint16_t)addr));
		break;
	case BOP_PIO_IN:
		asm volatile("inl %w1, %0" : "=a"(r) : "Nd"((uint16_t)addr));
		break;
	}
	return r;
}

void bench_guest(struct bench_prog *p)
{
	uint64_t i, k = 0, left = p->batch, t, now, start, sum = 0;

	for (i = 0; i < p->warmup; i++)
		sum += access_once(p->op, p->addr, (uint32_t)i);
	ucall(UCALL_SYNC, 1, (uint64_t)BSYNC_START);

	start = t = tsc();
	for (i = 0; i < p->iterations; i++) {
		sum += access_once(p->op, p->addr, (uint32_t)i);
		/* A countdown, not i % batch: no division in the loop. */
		if (left && !--left) {
			now = tsc();
			p->tsc[k++] = now - t;
			t = now;
			left = p->batch;
		}
	}
	p->loop_tsc = tsc() - start;
	p->sum = sum;
	GUEST_DONE();
}
