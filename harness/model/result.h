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
#include <stddef.h>
#include <stdint.h>

#include "model/case.h"
#include "proto/wire.h"

#define RESULT_MAX_TX	    CASE_MAX_EXPECT
#define RESULT_MAX_EXITS    CASE_MAX_EXPECT
#define RESULT_MAX_FAILURES 16
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

/*
 * What a failure is about, so that a report can point at the command, the
 * exit or the step without reading the failure's words.  The JSON names
 * them (fail_kind_name()); the offline reports read those names.
 */
enum fail_kind {
	FAIL_OTHER,	     /* said by the headline alone */
	FAIL_CMD_DIFFERS,    /* the channel's command #index is not the expected one */
	FAIL_CMD_MISSING,    /* fewer commands than expected; expected: the first missing */
	FAIL_CMD_UNEXPECTED, /* more commands than expected; observed: the first extra */
	FAIL_CMD_VIOLATION,  /* a command breaks a wire rule (req) */
	FAIL_EXIT_DIFFERS,   /* ordinary exit #index is not the expected one */
	FAIL_EXIT_MISSING,
	FAIL_EXIT_UNEXPECTED,
	FAIL_ORDER,	  /* a happens-before rule of the case */
	FAIL_OVERLAP,	  /* commands in flight together on one read fd */
	FAIL_GUEST_VALUE, /* the guest loaded another value than expected */
	FAIL_ERRNO,	  /* an ioctl or KVM_RUN ended with another error than expected */
	FAIL_WAIT,	  /* the host's timeline waited for something that never came */
	FAIL_VCPU,	  /* a vCPU did not finish, or left KVM_RUN with an exit it must not see */
	FAIL_KERNEL_LOG,  /* the kernel logged a problem while the case ran */
	FAIL_FLAKY,	  /* the verdict changed between runs (--repeat) */
	FAIL_TIMEOUT,	  /* no verdict within the case's time limit */
	FAIL_HARNESS,	  /* the harness or the environment failed: says nothing of the target */
	FAIL_INTERRUPTED, /* the run was interrupted (Ctrl-C, SIGTERM) while the case ran */
	FAIL_NR_KINDS,
};

#define FAIL_FILE_LEN	256
#define FAIL_TEXT_LEN	320
#define FAIL_DETAIL_LEN 768

/*
 * One failed expectation, as data: every report (KTAP, JSON, JUnit, HTML)
 * is made from these fields, none from another report's words.
 */
struct failure {
	enum fail_kind kind;
	const char *req;	  /* requirement that did not hold, or NULL; a string constant */
	char file[FAIL_FILE_LEN]; /* the case file line that asked for it; "" for none */
	int line, col;
	char channel[CASE_NAME_MAX]; /* the channel it is about, or "" */
	int index;		     /* 1-based command # on the channel, or exit #; 0: none */
	uint64_t seq;		     /* the command or exit it is about, as its seq + 1; 0: none */
	int vcpu;      /* the vCPU whose step it is about, as its index + 1; 0: none */
	uint64_t step; /* with vcpu: the step, as its index + 1; 0: none */
	char headline[FAIL_TEXT_LEN]; /* what did not hold, in words */
	char expected[FAIL_TEXT_LEN]; /* decoded, or "" */
	char observed[FAIL_TEXT_LEN];
	char detail[FAIL_DETAIL_LEN]; /* further lines (a child's stderr, stuck threads), or "" */
};

/*
 * The fields of a failure that its constructor copies: only what is set
 * counts, so a call names just what it knows.
 */
struct fail_spec {
	enum fail_kind kind;
	const char *req;
	const struct src_loc *at;
	const char *channel;
	int index;
	uint64_t seq; /* + 1; see struct failure */
	int vcpu;     /* + 1; see struct failure */
	uint64_t step;
	const char *expected, *observed, *detail;
};

/* A KVM_RUN that returned an error. */
struct run_event {
	uint64_t seq;
	int vcpu;
	int err;	      /* positive errno */
	uint32_t exit_reason; /* run->exit_reason as left (EINTR: KVM_EXIT_INTR) */
	int64_t step;
};

#define RESULT_MAX_RUN_EVENTS 64

struct vcpu_status {
	bool done;
	int64_t step;	   /* guest's current step, -1 before the first */
	char waiting[128]; /* what the vCPU thread is blocked on, for timeouts */
};

struct case_result {
	enum verdict verdict;
	char skip_reason[256];
	char xfail_reason[1400]; /* XFAIL/XPASS: the expectation's reason and place, whole */
	int nr_failures;	 /* may exceed RESULT_MAX_FAILURES; the rest are counted only */
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
	/*
	 * Atomic: the case proved the kernel wedged (a lock left held), so its
	 * verdict is final and nothing after it can run; the runner stops
	 * waiting for it and kills the process.
	 */
	int wedged;

	uint64_t usec_setup, usec_run, usec_check;
};

/* A failure of the harness or the environment that points at nothing in the case. */
#define FAIL_SPEC_HARNESS (&(const struct fail_spec){.kind = FAIL_HARNESS})

/*
 * Records a failure: @v (the worst verdict wins), the fields of @s, and the
 * headline from @fmt.  Safe from any thread of the case's process.
 */
void result_fail_at(struct case_result *r, enum verdict v, const struct fail_spec *s,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * The failure as people read it, in KTAP and on a terminal:
 *
 *   FILE:LINE:COL: HEADLINE
 *     expected: EXPECTED
 *     observed: OBSERVED
 *   DETAIL
 *
 * each part only when there is one.  Returns what snprintf() would.
 */
int failure_text(const struct failure *f, char *buf, size_t len);

/* Room for failure_text() of any failure. */
#define FAIL_TEXT_MAX (FAIL_FILE_LEN + 3 * FAIL_TEXT_LEN + FAIL_DETAIL_LEN + 64)

/* "cmd-differs" for FAIL_CMD_DIFFERS, and so on: the JSON's names. */
const char *fail_kind_name(enum fail_kind k);
/* The kind a name stands for; -1 for none. */
int fail_kind_parse(const char *name);

/* The case cannot run here, for @fmt's reason; a failure already recorded stands. */
void result_skip(struct case_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A note that changes no verdict; the first RESULT_MAX_NOTES are kept. */
void result_note(struct case_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

uint64_t result_next_seq(struct case_result *r);

const char *verdict_name(enum verdict v);

#endif /* IORFD_RESULT_H */
