/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a device writes on its reply fd that nobody asked for: read within
 * bounds (a flood is cut off), kept as a count and its first bytes, and
 * shown as hex in a failure.
 */
#ifndef IORFD_DEV_STRAY_H
#define IORFD_DEV_STRAY_H

#include <stddef.h>
#include <stdint.h>

#include "device/spawn.h"

/* How many of the bytes a failure shows. */
#define STRAY_SHOW 32
/* How much a device that floods its reply fd is read, at most. */
#define STRAY_DRAIN_MAX (1 << 20)

struct stray {
	size_t n;		   /* bytes read */
	uint8_t first[STRAY_SHOW]; /* the first of them */
};

/*
 * Waits up to @bound_ms for @p to exit, reading whatever it still writes
 * into @s, then what it left in the channel.  Returns @s->n.
 */
size_t stray_watch_exit(struct dev_proc *p, int bound_ms, struct stray *s);

/* Reads what is on the reply fd now, without waiting.  Returns @s->n. */
size_t stray_take_now(struct dev_proc *p, struct stray *s);

/* "40 bytes: 00000000 ..." (with " or more (a flood)" past the drain limit). */
void stray_text(const struct stray *s, char *buf, size_t len);

/* "00000000 efbeadde ..." for up to @n bytes, 4-byte groups. */
void stray_hex(const uint8_t *b, size_t n, char *buf, size_t len);

#endif /* IORFD_DEV_STRAY_H */
