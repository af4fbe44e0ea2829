// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "reports/offline/json_read.h"
#include "reports/offline/markup.h"

#define REPLACEMENT "\xef\xbf\xbd"

static void escape(FILE *f, const char *s, size_t n, int attr)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned char c = *p;
		int len;

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		case '\t':
		case '\n':
		case '\r':
			if (attr)
				fprintf(f, "&#%d;", c);
			else
				fputc(c, f);
			break;
		default:
			if (c < 0x20) {
				fputs(REPLACEMENT, f);
				break;
			}
			len = jr_utf8_seq(p, end - p);
			/* U+FFFE and U+FFFF are UTF-8 but not XML characters. */
			if (!len || (len == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)) {
				fputs(REPLACEMENT, f);
				p++;
				continue;
			}
			fwrite(p, 1, len, f);
			p += len;
			continue;
		}
		p++;
	}
}

void mu_text_n(FILE *f, const char *s, size_t n)
{
	escape(f, s, n, 0);
}

void mu_text(FILE *f, const char *s)
{
	if (s)
		escape(f, s, strlen(s), 0);
}

void mu_attr(FILE *f, const char *s)
{
	if (s)
		escape(f, s, strlen(s), 1);
}

size_t mu_prefix(const char *s, size_t max)
{
	size_t i = 0, len = strlen(s);

	while (max-- && i < len) {
		int n = jr_utf8_seq((const unsigned char *)s + i, len - i);

		i += n ? n : 1;
	}
	return i;
}

size_t mu_width(const char *s)
{
	size_t i = 0, w = 0, len = strlen(s);

	while (i < len) {
		int n = jr_utf8_seq((const unsigned char *)s + i, len - i);

		i += n ? n : 1;
		w++;
	}
	return w;
}
