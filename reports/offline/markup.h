/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Escaping for the XML and HTML reports.  Every string in a results file
 * is data, whatever it looks like: case summaries, failure messages and
 * kernel log lines all go through here before they reach markup.
 */
#ifndef IORFD_MARKUP_H
#define IORFD_MARKUP_H

#include <stddef.h>
#include <stdio.h>

/*
 * Writes @n bytes of @s as character data: & < > " ' become references,
 * and what XML 1.0 cannot carry at all (control characters other than tab,
 * newline and CR, bytes that are not UTF-8, U+FFFE/U+FFFF) becomes U+FFFD.
 */
void mu_text_n(FILE *f, const char *s, size_t n);
void mu_text(FILE *f, const char *s);

/* The same for an attribute value; tab, newline and CR become references too,
 * because attribute-value normalisation would turn them into spaces. */
void mu_attr(FILE *f, const char *s);

/* Bytes in the first @max characters of @s (UTF-8 aware, stops at the NUL). */
size_t mu_prefix(const char *s, size_t max);

/* Characters (not bytes) in @s. */
size_t mu_width(const char *s);

#endif /* IORFD_MARKUP_H */
