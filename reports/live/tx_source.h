/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where each command of a run came from, as far as the case and the run
 * tell for certain: the JSON results record it, so that a report can draw
 * a lane per vCPU and label a completion with what that vCPU loaded.
 *
 * The device end reads a command and nothing else.  Its user_data names
 * the region (the one region of the channel with that user_data); a region
 * whose addresses the program of one vCPU alone touches was reached by
 * that vCPU, and in a case with one vCPU every command is vCPU0's.  Where
 * that does not settle it, the vCPU is unknown, never guessed.
 *
 * Steps: one vCPU's commands and ordinary exits, in seq order, are paired
 * with the plain reads and writes of its program up to where it stopped.
 * Only a pairing where every event matches its access (address, size,
 * direction), no access went without one and none of that vCPU's commands
 * can hide among the unknown ones gives steps; a retry after EINTR, an
 * access the kernel swallowed, a string or read-modify-write access (whose
 * number of commands the case does not fix) or a posted write read after
 * a later access leaves the steps of that vCPU unknown.
 */
#ifndef IORFD_TX_SOURCE_H
#define IORFD_TX_SOURCE_H

#include "model/case.h"
#include "model/result.h"

struct tx_source {
	int region;	/* index into c->regions, or -1 */
	int vcpu;	/* or -1 */
	long long step; /* the step of that vCPU's program, or -1 */
};

/*
 * Fills @tx[i] for each kept command r->tx[i] and @exit_step[i] (a step of
 * r->exits[i].vcpu, or -1) for each kept exit.
 */
void tx_sources(const struct iorfd_case *c, const struct case_result *r, struct tx_source *tx,
		long long *exit_step);

#endif /* IORFD_TX_SOURCE_H */
