/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check(): a property every fuzz target asserts.  Under libFuzzer a broken
 * property traps, so it is reported like a crash; tests/test_fuzz_regress.c
 * defines check() as a cmocka assertion before including the targets.
 */
#ifndef IORFD_FUZZ_CHECK_H
#define IORFD_FUZZ_CHECK_H

#ifndef check
#define check(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)
#endif

#endif /* IORFD_FUZZ_CHECK_H */
