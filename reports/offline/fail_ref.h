/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a failure message points at.  Results files carry failures as the
 * text the harness printed (harness/run/evaluate.c), so the HTML report reads
 * that text back to find the command or exit a failure is about, and the
 * "expected:" / "observed:" lines that make up its diff.  A message in no
 * known form is still shown, just not attached to a command.
 */
#ifndef IORFD_FAIL_REF_H
#define IORFD_FAIL_REF_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/offline/json_read_results.h"

enum fref_kind {
	FREF_OTHER,
	FREF_CMD_DIFFERS,     /* "channel C, command #N differs" */
	FREF_CMD_MISSING,     /* "channel C: expected N commands, observed M; first missing" */
	FREF_CMD_UNEXPECTED,  /* "...; first unexpected" */
	FREF_CMD_VIOLATION,   /* "channel C: REQ: ...\n  raw: RAW", "(raw RAW)" */
	FREF_EXIT_DIFFERS,    /* "ordinary exit #N differs" */
	FREF_EXIT_MISSING,    /* "expected N ordinary exits, observed M; first missing" */
	FREF_EXIT_UNEXPECTED, /* "...; first unexpected" */
};

struct fref {
	enum fref_kind kind;
	char channel[64];
	int index;     /* 1-based, among the channel's commands or among the exits, by seq */
	char raw[128]; /* FREF_CMD_VIOLATION: the command's bytes as the JSON "raw" has them */
	const char *expected, *observed; /* point into the message, or NULL */
	int expected_len, observed_len;
};

void fref_parse(const char *msg, struct fref *fr);

/*
 * Whether key=value token @tok of one side of a diff differs from line
 * @other: the key has another value there, or (@absent_differs) is not
 * there.  Tokens that are no key=value never differ.
 */
bool fref_token_differs(const char *tok, size_t toklen, const char *other, size_t otherlen,
			bool absent_differs);

/* The index into r->tx of the command @fr is about, or -1. */
int fref_find_tx(const struct rrecord *r, const struct fref *fr);

/* The index into r->exits of the exit @fr is about, or -1. */
int fref_find_exit(const struct rrecord *r, const struct fref *fr);

#endif /* IORFD_FAIL_REF_H */
