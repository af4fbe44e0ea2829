// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "targets/target.h"

const struct target_ops *const target_all[] = {&target_reference, &target_kernel, NULL};

const struct target_ops *target_find(const char *name)
{
	size_t i;

	for (i = 0; target_all[i]; i++)
		if (!strcmp(target_all[i]->name, name))
			return target_all[i];
	return NULL;
}
