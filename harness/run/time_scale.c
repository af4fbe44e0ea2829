// SPDX-License-Identifier: GPL-2.0
#include "run/time_scale.h"

static int scale = 1;

void time_scale_set(int n)
{
	scale = n >= 1 && n <= TIME_SCALE_MAX ? n : 1;
}

int time_scale(void)
{
	return scale;
}

int scaled_ms(int ms)
{
	return ms * scale;
}
