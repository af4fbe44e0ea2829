// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "lib/glob_check.h"

/*
 * The length of the bracket expression at @g ('['), or 0 when it is never
 * closed.  A ']' right after '[' or '[!' is a member (POSIX), so '[]' and
 * '[!]' are unclosed, not empty.
 */
static size_t bracket_len(const char *g)
{
	size_t i = 1;

	if (g[i] == '!' || g[i] == '^')
		i++;
	if (g[i] == ']')
		i++;
	for (; g[i]; i++)
		if (g[i] == ']')
			return i + 1;
	return 0;
}

const char *glob_problem(const char *glob, size_t *at)
{
	size_t i, n;

	*at = 0;
	if (!*glob)
		return "an empty glob matches nothing";
	for (i = 0; glob[i]; i++) {
		unsigned char ch = (unsigned char)glob[i];

		*at = i;
		if (ch <= ' ' || ch == 0x7f)
			return "a space or control character is in no name";
		if (ch == '/')
			return "'/' is in no name";
		if (ch == '\\' && !glob[i + 1])
			return "'\\' at the end escapes nothing";
		if (ch == '\\') {
			i++;
			continue;
		}
		if (ch == ']')
			return "']' closes no '['";
		if (ch != '[')
			continue;
		n = bracket_len(glob + i);
		if (!n)
			return "'[' is never closed by ']'";
		i += n - 1;
	}
	return NULL;
}
