/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One device case at one revision: a fresh device program started under
 * the contract (spawn.c), the case's exchanges sent as KVM would send them,
 * and every reply (or its absence), the device's exit and anything else it
 * wrote judged against the DEV rules.  The case stops at its first failure:
 * after a wrong reply the stream can no longer be trusted.
 */
#ifndef IORFD_DEV_EXCHANGE_H
#define IORFD_DEV_EXCHANGE_H

#include "device/spawn.h"
#include "device/transcript.h"
#include "model/case.h"
#include "model/result.h"

/* The contract's bounds (docs/device-contract.md); the options may widen them. */
#define DEV_REPLY_TIMEOUT_MS 1000
#define DEV_EXIT_TIMEOUT_MS  1000
#define DEV_CASE_TIMEOUT_MS  30000

struct dev_run_opts {
	char *const *argv; /* the device program and its arguments */
	enum dev_chan chan;
	int reply_timeout_ms; /* for each owed reply */
	int exit_timeout_ms;  /* from end of file to the device's exit */
	int case_timeout_ms;  /* the whole case, unless the case sets a shorter one */
};

/*
 * Runs @c, a device case loaded for one revision, against a fresh device:
 * @r gets the verdict, failures and the commands as its transcript (the
 * JSON's), @t the same as lines for people, device events included.
 */
void dev_run_case(const struct iorfd_case *c, const struct dev_run_opts *o, struct case_result *r,
		  struct transcript *t);

#endif /* IORFD_DEV_EXCHANGE_H */
