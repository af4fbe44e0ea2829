/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a failure points.  The harness records each failure as fields (kind,
 * case line, channel, index, the seq of the command or exit it is about,
 * expected, observed: harness/model/result.h), so a report finds what to
 * highlight by those fields, never by reading the failure's words.
 */
#ifndef IORFD_OFFLINE_FAILURE_H
#define IORFD_OFFLINE_FAILURE_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/offline/json_read_results.h"

/*
 * The index into r->tx of the command @f is about, or -1: the one its seq
 * names, or for a value the guest loaded, the read of its vCPU and step.
 */
int failure_tx(const struct rrecord *r, const struct rfailure *f);

/* The index into r->exits of the exit @f is about, or -1; likewise. */
int failure_exit(const struct rrecord *r, const struct rfailure *f);

/* @f says what a vCPU loaded at a step it names: its observed is that value. */
bool failure_is_load(const struct rfailure *f);

/*
 * Whether key=value token @tok of one side of a diff differs from line
 * @other: the key has another value there, or (@absent_differs) is not
 * there.  Tokens that are no key=value never differ.
 */
bool failure_token_differs(const char *tok, size_t toklen, const char *other, size_t otherlen,
			   bool absent_differs);

#endif /* IORFD_OFFLINE_FAILURE_H */
