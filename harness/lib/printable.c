// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/printable.h"

/* Length of the well-formed UTF-8 character at @p (1..4), or 0. */
static int utf8_len(const unsigned char *p)
{
	int n, i;
	unsigned int cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp > 0x10ffff)
		return 0;
	return n;
}

static bool shown_as_is(const unsigned char *p, int n)
{
	if (n == 1)
		return (p[0] >= 0x20 && p[0] != 0x7f) || p[0] == '\n' || p[0] == '\t';
	return !(n == 2 && p[0] == 0xc2 && p[1] <= 0x9f); /* C1 controls */
}

void printable_inplace(char *s, size_t size)
{
	size_t in_len = strlen(s), out = 0, i = 0;
	unsigned char *copy;

	if (!size)
		return;
	/* Nothing to do for plain text: the common case costs one scan. */
	for (i = 0; i < in_len; i++) {
		int n = utf8_len((unsigned char *)s + i);

		if (!n || !shown_as_is((unsigned char *)s + i, n))
			break;
		i += n - 1;
	}
	if (i >= in_len)
		return;
	copy = (unsigned char *)strdup(s);
	if (!copy) {
		s[i] = '\0'; /* cannot rewrite: cut before the first bad byte */
		return;
	}
	out = i;
	while (copy[i]) {
		int n = utf8_len(copy + i);

		if (n && shown_as_is(copy + i, n)) {
			if (out + n >= size)
				break;
			memcpy(s + out, copy + i, n);
			out += n;
			i += n;
			continue;
		}
		/* A bad byte, or each byte of a control character. */
		for (int k = 0; k < (n ? n : 1); k++) {
			if (out + 4 >= size)
				goto done;
			snprintf(s + out, 5, "\\x%02x", copy[i + k]);
			out += 4;
		}
		i += n ? n : 1;
	}
done:
	s[out] = '\0';
	free(copy);
}

const char *printable_copy(char *dst, size_t size, const char *src)
{
	if (!size)
		return "";
	snprintf(dst, size, "%s", src);
	printable_inplace(dst, size);
	return dst;
}
