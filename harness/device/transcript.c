// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "device/transcript.h"

void transcript_init(struct transcript *t)
{
	t->nr = 0;
}

void transcript_add(struct transcript *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->lines[t->nr % TRANSCRIPT_KEEP], TRANSCRIPT_LINE, fmt, ap);
	va_end(ap);
	t->nr++;
}

void transcript_text(const struct transcript *t, int last, char *buf, size_t len)
{
	int kept = t->nr < TRANSCRIPT_KEEP ? t->nr : TRANSCRIPT_KEEP, from, i;
	size_t used = 0;

	if (last > kept)
		last = kept;
	from = t->nr - last;
	buf[0] = '\0';
	if (from > 0)
		used += snprintf(buf, len, "  ... %d earlier line%s\n", from, from == 1 ? "" : "s");
	for (i = from; i < t->nr && used < len; i++)
		used += snprintf(buf + used, len - used, "  %s\n", t->lines[i % TRANSCRIPT_KEEP]);
	/* No trailing newline: the caller adds lines after it. */
	if (used && used < len && buf[used - 1] == '\n')
		buf[used - 1] = '\0';
}
