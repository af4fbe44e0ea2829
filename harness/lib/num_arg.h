/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one parser of numbers given as options (-j, --repeat, --seed,
 * --timeout, bench's --iterations ...): digits only, decimal or 0x hex,
 * within [min, max], or a message saying what is wrong.
 */
#ifndef IORFD_NUM_ARG_H
#define IORFD_NUM_ARG_H

#include <stdint.h>

/*
 * @arg as a number in [@min, @max]: 0, or -1 after "OPT: 'ARG' is not ..."
 * on stderr.  Refused: empty text, spaces, a sign, other characters, and
 * anything outside the range (so nothing wraps).
 */
int num_arg(const char *opt, const char *arg, uint64_t min, uint64_t max, uint64_t *out);

/* The same for an int. */
int num_arg_int(const char *opt, const char *arg, int min, int max, int *out);

#endif /* IORFD_NUM_ARG_H */
