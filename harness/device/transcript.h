/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What happened between the suite and a device during one case, a line an
 * event ("-> #3 cmd=READ ...", "<- #3 data=0x1", "eof: exit status 0 after
 * 1 ms"), as a failure shows it under the KTAP line: the exchanges that led
 * to the failure, decoded, in order.
 */
#ifndef IORFD_DEV_TRANSCRIPT_H
#define IORFD_DEV_TRANSCRIPT_H

#include <stddef.h>

#define TRANSCRIPT_LINE 200
/* Lines kept; older ones are counted only, the end is what explains a failure. */
#define TRANSCRIPT_KEEP 64

struct transcript {
	char lines[TRANSCRIPT_KEEP][TRANSCRIPT_LINE];
	int nr; /* lines added in all; the last TRANSCRIPT_KEEP are kept */
};

void transcript_init(struct transcript *t);
void transcript_add(struct transcript *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The last @last lines (at most TRANSCRIPT_KEEP) as text, one per line,
 * each indented by two spaces, after a line saying how many came before.
 */
void transcript_text(const struct transcript *t, int last, char *buf, size_t len);

#endif /* IORFD_DEV_TRANSCRIPT_H */
