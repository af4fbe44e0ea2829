/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that makes untrusted text safe for a terminal: messages
 * that quote a case, expectations or registry file (an unknown key, a bad
 * value) pass through it before anyone prints them.
 */
#ifndef IORFD_PRINTABLE_H
#define IORFD_PRINTABLE_H

#include <stddef.h>

/*
 * Rewrites the NUL-terminated @s (a buffer of @size bytes) in place so
 * that it shows as text: control characters other than newline and tab,
 * DEL, the C1 controls and bytes that are not UTF-8 become "\xNN".  The
 * result is cut, on a character boundary, to fit @size.
 */
void printable_inplace(char *s, size_t size);

/* @src made printable into @dst (@size bytes); returns @dst, for a printf argument. */
const char *printable_copy(char *dst, size_t size, const char *src);

#endif /* IORFD_PRINTABLE_H */
