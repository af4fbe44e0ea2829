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
#include <stdbool.h>

#include "kvm_util.h"
#include "ucall_common.h"

#include "guests/guest_prog.h"

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

/*
 * Read-modify-write instructions on MMIO: KVM emulates each as a read of
 * the old value followed by a write of the new one.  One macro per width
 * keeps the instruction's operand size explicit.
 */
#define RMW_OPS(sfx, type)                                                                     \
	static uint64_t add_##sfx(uint64_t addr, uint64_t v)                                   \
	{                                                                                      \
		type val = (type)v;                                                            \
		asm volatile("add" #sfx " %1, (%0)" : : "r"(addr), "r"(val) : "memory", "cc"); \
		return 0;                                                                      \
	}                                                                                      \
	static uint64_t xchg_##sfx(uint64_t addr, uint64_t v)                                  \
	{                                                                                      \
		type val = (type)v;                                                            \
		asm volatile("xchg" #sfx " %0, (%1)" : "+r"(val) : "r"(addr) : "memory");      \
		return val;                                                                    \
	}                                                                                      \
	static uint64_t cmpxchg_##sfx(uint64_t addr, uint64_t v, uint64_t cmp)                 \
	{                                                                                      \
		type old = (type)cmp, val = (type)v;                                           \
		asm volatile("lock cmpxchg" #sfx " %2, (%1)"                                   \
			     : "+a"(old)                                                       \
			     : "r"(addr), "r"(val)                                             \
			     : "memory", "cc");                                                \
		return old;                                                                    \
	}

RMW_OPS(b, uint8_t)
RMW_OPS(w, uint16_t)
RMW_OPS(l, uint32_t)
RMW_OPS(q, uint64_t)

/* Returns the old value (xchg, cmpxchg) or 0 (add). */
static uint64_t mmio_rmw(const struct gstep *s)
{
	switch (s->op) {
	case GOP_MMIO_ADD:
		switch (s->size) {
		case 1:
			return add_b(s->addr, s->value);
		case 2:
			return add_w(s->addr, s->value);
		case 4:
			return add_l(s->addr, s->value);
		default:
			return add_q(s->addr, s->value);
		}
	case GOP_MMIO_XCHG:
		switch (s->size) {
		case 1:
			return xchg_b(s->addr, s->value);
		case 2:
			return xchg_w(s->addr, s->value);
		case 4:
			return xchg_l(s->addr, s->value);
		default:
			return xchg_q(s->addr, s->value);
		}
	default:
		switch (s->size) {
		case 1:
			return cmpxchg_b(s->addr, s->value, s->compare);
		case 2:
			return cmpxchg_w(s->addr, s->value, s->compare);
		case 4:
			return cmpxchg_l(s->addr, s->value, s->compare);
		default:
			return cmpxchg_q(s->addr, s->value, s->compare);
		}
	}
}

/*
 * 16-byte SSE moves (DISPATCH-5).  The guest is built without SSE
 * (-mgeneral-regs-only), so the compiler keeps nothing in xmm0 and the asm
 * needs no clobber for it, which that option would refuse anyway.
 */
static void move16(uint64_t dst, uint64_t src)
{
	asm volatile("movdqu (%1), %%xmm0\n\t"
		     "movdqu %%xmm0, (%0)"
		     :
		     : "r"(dst), "r"(src)
		     : "memory");
}

/* One report to the host, its arguments in enum gsync_arg's order. */
static void report(enum gsync_tag tag, uint64_t step, uint64_t observed, uint64_t expected,
		   uint64_t element)
{
	ucall(UCALL_SYNC, GSYNC_NR_ARGS, (uint64_t)tag, step, observed, expected, element);
}

static void wide_step(uint64_t i, const struct gstep *s)
{
	uint64_t got[2];
	int e;

	if (s->op == GOP_MMIO_STORE16) {
		move16(s->addr, (uint64_t)s->data);
		return;
	}
	move16((uint64_t)got, s->addr);
	for (e = 0; (s->flags & GSTEP_CHECK) && e < 2; e++)
		if (got[e] != s->data[e])
			report(GSYNC_LOADED_HALF, i, got[e], s->data[e], (uint64_t)e);
}

void guest_sse_probe(void)
{
	uint64_t a[2] = {0x0123456789abcdefull, 0xfedcba9876543210ull}, b[2] = {0, 0};

	move16((uint64_t)b, (uint64_t)a);
	if (b[0] == a[0] && b[1] == a[1])
		GUEST_DONE();
	report(GSYNC_BAD_STEP, 0, 0, 0, 0);
}

void guest_kvm_probe(void)
{
	GUEST_DONE();
}

/* rep outs / rep ins: one instruction moving count elements through one port. */
static void pio_string(uint64_t i, const struct gstep *s)
{
	uint8_t buf[GSTEP_MAX_COUNT * 4];
	uint64_t n = s->count, e, v;
	uint16_t port = (uint16_t)s->addr;
	void *p = buf;
	unsigned int b;

	for (e = 0; s->op == GOP_PIO_OUTS && e < n; e++)
		for (b = 0; b < s->size; b++)
			buf[e * s->size + b] = (uint8_t)(s->data[e] >> (8 * b));
	if (s->op == GOP_PIO_OUTS) {
		if (s->size == 1)
			asm volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(port) : "memory");
		else if (s->size == 2)
			asm volatile("rep outsw" : "+S"(p), "+c"(n) : "d"(port) : "memory");
		else
			asm volatile("rep outsl" : "+S"(p), "+c"(n) : "d"(port) : "memory");
		return;
	}
	if (s->size == 1)
		asm volatile("rep insb" : "+D"(p), "+c"(n) : "d"(port) : "memory");
	else if (s->size == 2)
		asm volatile("rep insw" : "+D"(p), "+c"(n) : "d"(port) : "memory");
	else
		asm volatile("rep insl" : "+D"(p), "+c"(n) : "d"(port) : "memory");
	for (e = 0; (s->flags & GSTEP_CHECK) && e < s->count; e++) {
		for (v = 0, b = 0; b < s->size; b++)
			v |= (uint64_t)buf[e * s->size + b] << (8 * b);
		if (v != s->data[e])
			report(GSYNC_LOADED_ELEMENT, i, v, s->data[e], e);
	}
}

static int size_ok(const struct gstep *s)
{
	bool pio = s->op == GOP_PIO_IN || s->op == GOP_PIO_OUT || s->op == GOP_PIO_OUTS ||
		   s->op == GOP_PIO_INS;
	uint8_t max = pio ? 4 : 8;

	if ((s->op == GOP_PIO_OUTS || s->op == GOP_PIO_INS) &&
	    (!s->count || s->count > GSTEP_MAX_COUNT))
		return 0;
	if (s->op == GOP_MMIO_STORE16 || s->op == GOP_MMIO_LOAD16)
		return s->size == 16;
	return (s->size == 1 || s->size == 2 || s->size == 4 || s->size == 8) && s->size <= max;
}

/* in al/ax with a known pattern in the rest of RAX; returns the whole RAX after. */
static uint64_t pio_in_keep_upper(uint16_t port, uint8_t size)
{
	uint64_t rax = GUEST_RAX_PATTERN;

	if (size == 1)
		asm volatile("inb %w1, %b0" : "+a"(rax) : "Nd"(port));
	else
		asm volatile("inw %w1, %w0" : "+a"(rax) : "Nd"(port));
	return rax;
}

static void check_upper(uint64_t i, const struct gstep *s, uint64_t rax)
{
	uint64_t low = (1ull << (8 * s->size)) - 1;

	if ((rax & ~low) != (GUEST_RAX_PATTERN & ~low))
		report(GSYNC_RAX_UPPER, i, rax, (GUEST_RAX_PATTERN & ~low) | (rax & low), 0);
}

static void check_read(uint64_t i, const struct gstep *s, uint64_t v)
{
	if ((s->flags & GSTEP_CHECK) && v != s->expect)
		report(GSYNC_LOADED, i, v, s->expect, 0);
}

void guest_interp(struct gprog *prog)
{
	uint64_t i;

	for (i = 0; i < prog->nr_steps; i++) {
		const struct gstep *s = &prog->steps[i];

		prog->cur_step = i;
		if (s->op != GOP_SYNC && !size_ok(s)) {
			report(GSYNC_BAD_STEP, i, 0, 0, 0);
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
			if (s->flags & GSTEP_KEEP_UPPER) {
				uint64_t rax = pio_in_keep_upper((uint16_t)s->addr, s->size);

				check_upper(i, s, rax);
				check_read(i, s, rax & ((1ull << (8 * s->size)) - 1));
				break;
			}
			check_read(i, s, pio_in((uint16_t)s->addr, s->size));
			break;
		case GOP_PIO_OUT:
			pio_out((uint16_t)s->addr, s->size, s->value);
			break;
		case GOP_SYNC:
			report(GSYNC_POINT, i, 0, 0, 0);
			break;
		case GOP_PIO_OUTS:
		case GOP_PIO_INS:
			pio_string(i, s);
			break;
		case GOP_MMIO_STORE16:
		case GOP_MMIO_LOAD16:
			wide_step(i, s);
			break;
		case GOP_MMIO_ADD:
		case GOP_MMIO_XCHG:
		case GOP_MMIO_CMPXCHG:
			check_read(i, s, mmio_rmw(s));
			break;
		default:
			report(GSYNC_BAD_STEP, i, 0, 0, 0);
			break;
		}
	}
	prog->cur_step = i;
	GUEST_DONE();
}
