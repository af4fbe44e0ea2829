// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "responders/regmodel.h"

void regmodel_init(struct regmodel *m, uint64_t reset)
{
	memset(m, 0, sizeof(*m));
	m->reset = reset;
}

static int find(const struct regmodel *m, uint64_t user_data, uint64_t offset)
{
	int i;

	for (i = 0; i < m->nr; i++)
		if (m->reg[i].user_data == user_data && m->reg[i].offset == offset)
			return i;
	return -1;
}

int regmodel_write(struct regmodel *m, uint64_t user_data, uint64_t offset, uint64_t value)
{
	int i = find(m, user_data, offset);

	if (i < 0) {
		if (m->nr == REGMODEL_MAX)
			return -1;
		i = m->nr++;
		m->reg[i].user_data = user_data;
		m->reg[i].offset = offset;
	}
	m->reg[i].value = value;
	return 0;
}

uint64_t regmodel_read(const struct regmodel *m, uint64_t user_data, uint64_t offset)
{
	int i = find(m, user_data, offset);

	return i < 0 ? m->reset : m->reg[i].value;
}
