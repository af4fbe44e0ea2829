/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The default device behind a channel: a register file.  A read returns the
 * last value written at the same (region, offset), else the channel's reset
 * value.  Registers are whole 64-bit values keyed by their offset; a narrower
 * write stores its zero-extended value, and a read answers all 8 bytes (the
 * kernel keeps the low len bytes).
 */
#ifndef IORFD_REGMODEL_H
#define IORFD_REGMODEL_H

#include <stdint.h>

#define REGMODEL_MAX 256

struct regmodel {
	uint64_t reset;
	int nr;
	struct {
		uint64_t user_data, offset, value;
	} reg[REGMODEL_MAX];
};

void regmodel_init(struct regmodel *m, uint64_t reset);
/* -1 when the register file is full. */
int regmodel_write(struct regmodel *m, uint64_t user_data, uint64_t offset, uint64_t value);
uint64_t regmodel_read(const struct regmodel *m, uint64_t user_data, uint64_t offset);

#endif /* IORFD_REGMODEL_H */
