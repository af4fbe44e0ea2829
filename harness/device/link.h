/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device program as the device end of one channel of a guest case: the
 * responder reads each command KVM sends (kernel or reference target, from
 * real guest accesses), hands it on to the program through the contract's
 * fds (docs/device-contract.md) and takes the program's reply back to KVM.
 * Here the program's side of each hand-over is judged: a reply when one
 * is owed, 32 bytes in one piece, nothing unasked, serving until end of
 * file and a clean exit then.  What a reply must hold is the responder's
 * to judge: it keeps the register model.
 *
 * Every wait is bounded by the run's reply and exit timeouts.
 */
#ifndef IORFD_DEV_LINK_H
#define IORFD_DEV_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "device/exchange.h"
#include "device/spawn.h"
#include "proto/wire.h"

/* What went wrong with one hand-over, in the terms of a failure. */
struct link_fault {
	const char *req; /* DEV-n */
	char headline[160];
	char expected[160];
	char observed[200];
	char detail[512]; /* the program's state and the end of its output */
};

struct dev_link {
	struct dev_proc p;
	const struct dev_run_opts *o;
	enum iorfd_rev rev;
	int nr_cmds;		     /* commands handed on */
	int nr_posted;		     /* of them posted writes since the last reply owed */
	int posted_before;	     /* posted writes just before the last reply owed */
	uint8_t last[WIRE_MSG_SIZE]; /* the last one */
};

/*
 * Starts the program for a channel serving @regions (IORFD_REGIONS) at
 * revision @rev, its registers reading @reset until written.  0, or -1 with the reason in @err (it
 * cannot be executed).
 */
int link_start(struct dev_link *l, const struct dev_run_opts *o, enum iorfd_rev rev,
	       const char *regions, uint64_t reset, char *err, size_t len);

/*
 * Hands command @raw on; when @reply_wanted, waits for the reply and puts
 * its first 8 bytes, little-endian, in @data.  0, or -1 with @f filled: the
 * program wrote something unasked before it (DEV-2), stopped taking
 * commands or ended (DEV-11), owed a reply it did not send in time (DEV-1),
 * or sent one in pieces (DEV-3).
 */
int link_forward(struct dev_link *l, const uint8_t raw[WIRE_MSG_SIZE], bool reply_wanted,
		 uint64_t *data, struct link_fault *f);

/*
 * After a reply: anything more on the reply fd, now or within @wait_ms,
 * was never asked for (DEV-2: a reply to a posted write, most often).
 * 0, or -1 with @f filled.
 */
int link_surplus(struct dev_link *l, int wait_ms, struct link_fault *f);

/*
 * The end: end of file on the program's command fd, then its exit within
 * the exit timeout, status 0, nothing written after the last reply owed
 * (DEV-10, DEV-2).  @judge false: the case already failed, so the end is
 * not judged again.  0, or -1 with @f filled.  Then stops the program and
 * releases everything of it.
 */
int link_finish(struct dev_link *l, bool judge, struct link_fault *f);

#endif /* IORFD_DEV_LINK_H */
