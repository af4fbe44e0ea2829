// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/num_arg.h"

/*
 * strtoull() alone would take " 12" (leading space), "-1" (negated, so
 * 2^64-1) and "" (0): every one a typo that must not pass as a number.
 */
static int parse(const char *arg, uint64_t *v)
{
	int base = 10;
	const char *digits = arg;
	char *end;

	if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')) {
		base = 16;
		digits = arg + 2;
	}
	if (!isxdigit((unsigned char)digits[0]) ||
	    (base == 10 && !isdigit((unsigned char)digits[0])))
		return -1;
	errno = 0;
	*v = strtoull(digits, &end, base);
	return *end || errno ? -1 : 0;
}

int num_arg(const char *opt, const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (parse(arg, &v) || v < min || v > max) {
		fprintf(stderr, "%s: '%s' is not a whole number from %llu to %llu\n", opt, arg,
			(unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

int num_arg_int(const char *opt, const char *arg, int min, int max, int *out)
{
	uint64_t v;

	if (min < 0 || num_arg(opt, arg, (uint64_t)min, (uint64_t)max, &v))
		return -1;
	*out = (int)v;
	return 0;
}
