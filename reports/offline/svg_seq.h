/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The wire transcript of one case as a sequence diagram in inline SVG:
 * a lane per vCPU -> dispatcher (KVM) -> one responder per channel.  A
 * command is its vCPU's access, the command on the channel, the reply and
 * the completion, labelled with what the guest loaded where the results
 * say it differs from the reply; a posted write has no reply and is drawn
 * in its own colour.  A command whose vCPU the results do not know comes
 * from a lane of its own, "vCPU ?".  Ordinary exits (no region) stop at
 * the dispatcher.  The command or exit a failure is about is highlighted
 * with its diff; a command the case expected but never saw is drawn as a
 * dashed phantom.  The drawing is as wide as its lanes need, however many.
 */
#ifndef IORFD_SVG_SEQ_H
#define IORFD_SVG_SEQ_H

#include <stdio.h>

#include "reports/offline/failure.h"
#include "reports/offline/json_read_results.h"

/* What each failure of a record points at. */
struct seq_marks {
	int *tx_fail;	/* per command: the failure about it, or -1 */
	int *exit_fail; /* per exit: likewise */
};

int seq_marks_init(struct seq_marks *m, const struct rrecord *r);
void seq_marks_free(struct seq_marks *m);

void svg_seq(FILE *f, const struct rrecord *r, const struct seq_marks *m);

/* Commands and exits drawn at most; the transcript table lists them all. */
#define SVG_SEQ_MAX_EVENTS 400

#endif /* IORFD_SVG_SEQ_H */
