/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is a pattern a glob fnmatch() reads as its writer meant?  fnmatch() has
 * no error for a malformed pattern: an unclosed '[' is taken as a literal
 * bracket and a trailing '\' as a backslash, so such a glob quietly
 * matches nothing, and a list of known failures keyed by it quietly never
 * applies.  Files that name things by glob check them here when loaded.
 */
#ifndef IORFD_GLOB_CHECK_H
#define IORFD_GLOB_CHECK_H

#include <stddef.h>

/*
 * NULL when @glob is well formed (not empty; no space, control character,
 * '/' or stray ']'; every '[' closed; no '\' at the end),
 * else what is wrong, with *@at the offset of the character at fault.
 */
const char *glob_problem(const char *glob, size_t *at);

#endif /* IORFD_GLOB_CHECK_H */
