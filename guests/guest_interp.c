// SPDX-License-Identifier: GPL-2.0
/*
 * Guest payload: executes an access program with real instructions of the
 * requested width, so that what reaches KVM is exactly one access of that
 * size.  Inline assembly pins the instruction form; the compiler may not
 * merge, split or widen an access to a volatile pointer, but assembly says
 * so without relying on it.
 *
 * Built with -mgeneral-regs-only: on software hypervisors all guest code runs
 * through KVM's instruction emulator, which has no SSE.
 */
#include "kvm_util.h"
#include "ucall_common.h"

#include "guest_prog.h"

static uint64_t mmio_read(uint64_t addr, uint8_t size)
{
	uint64_t v = 0;

	switch (size) {
	case 1:
		asm volatile("movzbq (%1), %0" : "=r"(v) : "r"(addr) : "memory");
		break;
	case 2:
		asm volatile("movzwq (%1), %0" : "=r"(v) : "r"(addr) : "memory");
		break;
	case 4: {
		uint32_t w;

		asm volatile("movl (%1), %0" : "=r"(w) : "r"(addr) : "memory");
		v = w;
		break;
	}
	case 8:
		asm volatile("movq (%1), %0" : "=r"(v) : "r"(addr) : "memory");
		break;
	}
	return v;
}

static void mmio_write(uint64_t addr, uint8_t size, uint64_t v)
{
	switch (size) {
	case 1:
		asm volatile("movb %b0, (%1)" : : "q"(v), "r"(addr) : "memory");
		break;
	case 2:
		asm volatile("movw %w0, (%1)" : : "r"(v), "r"(addr) : "memory");
		break;
	case 4:
		asm volatile("movl %k0, (%1)" : : "r"(v), "r"(addr) : "memory");
		break;
	case 8:
		asm volatile("movq %0, (%1)" : : "r"(v), "r"(addr) : "memory");
		break;
	}
}

static uint64_t pio_in(uint16_t port, uint8_t size)
{
	uint32_t v = 0;

	switch (size) {
	case 1:
		asm volatile("inb %w1, %b0" : "+a"(v) : "Nd"(port));
		return v & 0xff;
	case 2:
		asm volatile("inw %w1, %w0" : "+a"(v) : "Nd"(port));
		return v & 0xffff;
	case 4:
		asm volatile("inl %w1, %0" : "=a"(v) : "Nd"(port));
		return v;
	}
	return 0;
}

static void pio_out(uint16_t port, uint8_t size, uint64_t v)
{
	switch (size) {
	case 1:
		asm volatile("outb %b0, %w1" : : "a"((uint32_t)v), "Nd"(port));
		break;
	case 2:
		asm volatile("outw %w0, %w1" : : "a"((uint32_t)v), "Nd"(port));
		break;
	case 4:
		asm volatile("outl %0, %w1" : : "a"((uint32_t)v), "Nd"(port));
		break;
	}
}

static int size_ok(const struct gstep *s)
{
	uint8_t max = (s->op == GOP_PIO_IN || s->op == GOP_PIO_OUT) ? 4 : 8;

	return (s->size == 1 || s->size == 2 || s->size == 4 || s->size == 8) && s->size <= max;
}

static void check_read(uint64_t i, const struct gstep *s, uint64_t v)
{
	if ((s->flags & GSTEP_CHECK) && v != s->expect)
		ucall(UCALL_SYNC, 4, (uint64_t)GSYNC_MISMATCH, i, v, s->expect);
}

void guest_interp(struct gprog *prog)
{
	uint64_t i;

	for (i = 0; i < prog->nr_steps; i++) {
		const struct gstep *s = &prog->steps[i];

		prog->cur_step = i;
		if (s->op != GOP_SYNC && !size_ok(s)) {
			ucall(UCALL_SYNC, 2, (uint64_t)GSYNC_BAD_STEP, i);
			continue;
		}
		switch (s->op) {
		case GOP_MMIO_READ:
			check_read(i, s, mmio_read(s->addr, s->size));
			break;
		case GOP_MMIO_WRITE:
			mmio_write(s->addr, s->size, s->value);
			break;
		case GOP_PIO_IN:
			check_read(i, s, pio_in((uint16_t)s->addr, s->size));
			break;
		case GOP_PIO_OUT:
			pio_out((uint16_t)s->addr, s->size, s->value);
			break;
		case GOP_SYNC:
			ucall(UCALL_SYNC, 2, (uint64_t)GSYNC_POINT, i);
			break;
		default:
			ucall(UCALL_SYNC, 2, (uint64_t)GSYNC_BAD_STEP, i);
			break;
		}
	}
	prog->cur_step = i;
	GUEST_DONE();
}
