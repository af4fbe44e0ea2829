/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device program in our responder's place (iorfd-conform device
 * --guest): the responder still reads each command, checks KVM's side of
 * it and keeps the transcript, but the program decides the reply
 * (harness/device/link.h).  What the program answers is judged against the
 * register model, the contract's echo register file.
 */
#ifndef IORFD_DEVICE_END_H
#define IORFD_DEVICE_END_H

#include <stdbool.h>
#include <stddef.h>

#include "device/exchange.h"
#include "model/case.h"

struct device_end;
struct responder;
struct tx_entry;
struct wire_cmd;

/*
 * Whether the contract's device can stand in for our responder on channel
 * @ch of @c: no script for its replies, no host step writing on its
 * device end, and commands expected on it.  If not, @why says which of these fails.
 */
bool device_end_serves(const struct iorfd_case *c, int ch, char *why, size_t len);

/*
 * Starts the program as @r's device end.  0, or -1 with a failure
 * (ERROR) recorded: the program cannot be started.
 */
int device_end_attach(struct responder *r, const struct dev_run_opts *o);

/*
 * Hands @cmd (@raw) on and gives back the reply to send KVM in @reply.
 * The first thing the program does wrong is a failure; from then on the
 * register model answers in its place, so the guest can finish and the
 * failure stays the case's only one.
 */
void device_end_answer(struct responder *r, struct tx_entry *e, const uint8_t *raw,
		       const struct wire_cmd *cmd, uint64_t *reply);

/* A command KVM got wrong is not the program's to answer: the model takes over. */
void device_end_bypass(struct responder *r, const char *why);

/* End of file to the program; judges its exit unless something failed. */
void device_end_finish(struct responder *r);

#endif /* IORFD_DEVICE_END_H */
