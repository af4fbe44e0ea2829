/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What one run of one case at one revision produced: the wire transcript of
 * every channel, the ordinary exits the VMM saw, guest reports, and the
 * verdict with its reasons.
 *
 * A case runs in a child process (a crash, an assertion of the selftests
 * library or a hang then costs one case, not the run), which fills this
 * structure in shared memory; the parent reads it once the child is gone.
 * Hence fixed sizes and no pointers.
 */
#ifndef IORFD_RESULT_H
#define IORFD_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "model/case.h"
#include "proto/wire.h"

#define RESULT_MAX_TX	    CASE_MAX_EXPECT
#define RESULT_MAX_EXITS    CASE_MAX_EXPECT
#define RESULT_MAX_FAILURES 16
#define RESULT_MSG_LEN	    768
#define TX_MAX_VIOLATIONS   2
#define RESULT_MAX_NOTES    4
#define RESULT_NOTE_LEN	    256

/* One command seen by a responder, and what it did about it. */
struct tx_entry {
	uint64_t seq; /* order across all channels and exits of this run */
	int channel;
	int len; /* bytes the command arrived in; 32 unless torn */
	uint8_t raw[WIRE_MSG_SIZE];
	bool replied;
	uint64_t reply;
	int fault; /* enum resp_fault the script applied */
	int nr_viol;
	struct wire_violation viol[TX_MAX_VIOLATIONS];
};

/* One ordinary KVM_EXIT_MMIO / KVM_EXIT_IO handled by the harness. */
struct exit_entry {
	uint64_t seq;
	int vcpu;
	enum addr_space space;
	bool write;
	uint64_t addr;
	unsigned int size;
	uint64_t data; /* written value, or what the harness answered */
};

enum verdict {
	VERDICT_PASS,
	VERDICT_FAIL,  /* an expectation did not hold */
	VERDICT_ERROR, /* the harness or environment failed; says nothing of the target */
	VERDICT_SKIP,
	VERDICT_TIMEOUT,
	VERDICT_XFAIL, /* failed, and listed as a known deviation of this target */
	VERDICT_XPASS, /* passed, though listed as a known deviation */
};

struct failure {
	const char *req; /* requirement that did not hold, or NULL */
	char msg[RESULT_MSG_LEN];
};

/* A KVM_RUN that returned an error. */
struct run_event {
	uint64_t seq;
	int vcpu;
	int err;		/* positive errno */
	uint32_t exit_reason; /* run->exit_reason as left (EINTR: KVM_EXIT_INTR) */
	int64_t step;
};

#define RESULT_MAX_RUN_EVENTS 64

struct vcpu_status {
	bool done;
	int64_t step; /* guest's current step, -1 before the first */
	char waiting[128]; /* what the vCPU thread is blocked on, for timeouts */
};

struct case_result {
	enum verdict verdict;
	char skip_reason[256];
	char xfail_reason[320]; /* XFAIL/XPASS: the expectation's reason and place */
	int nr_failures; /* may exceed RESULT_MAX_FAILURES; the rest are counted only */
	struct failure failures[RESULT_MAX_FAILURES];
	/* What a reader of a passing result should know too (how far a bus filled, say). */
	int nr_notes;
	char notes[RESULT_MAX_NOTES][RESULT_NOTE_LEN];

	uint64_t seq; /* next sequence number; atomic */
	int nr_tx;    /* atomic; may exceed RESULT_MAX_TX */
	struct tx_entry tx[RESULT_MAX_TX];
	int nr_exits;
	struct exit_entry exits[RESULT_MAX_EXITS];
	struct vcpu_status vcpu[CASE_MAX_VCPUS];
	int nr_run_events;
	struct run_event run_events[RESULT_MAX_RUN_EVENTS];
	/* Progress the host timeline waits on; atomic. */
	int chan_cmds[CASE_MAX_CHANNELS];
	int chan_overlap[CASE_MAX_CHANNELS]; /* commands seen while one was unanswered */
	uint64_t seed;			     /* drives the jitter of multi-vCPU cases */
	int vcpu_intr[CASE_MAX_VCPUS];

	uint64_t usec_setup, usec_run, usec_check;
};

void result_fail(struct case_result *r, enum verdict v, const char *req, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The case cannot run here, for @fmt's reason; a failure already recorded stands. */
void result_skip(struct case_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A note that changes no verdict; the first RESULT_MAX_NOTES are kept. */
void result_note(struct case_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

uint64_t result_next_seq(struct case_result *r);

const char *verdict_name(enum verdict v);

#endif /* IORFD_RESULT_H */
