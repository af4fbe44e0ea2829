/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deliberate faults in the reference dispatcher, for 'iorfd-conform
 * selftest': a conformance suite is worth what it catches, so every
 * mutant must make at least one case fail.  REF_MUTANT_NONE is the
 * reference itself; the others are never used outside the self-test.
 */
#ifndef IORFD_MUTANT_H
#define IORFD_MUTANT_H

enum ref_mutant {
	REF_MUTANT_NONE,
	REF_MUTANT_POSTED_RESP,	     /* resp=1 on posted writes */
	REF_MUTANT_READ_NO_RESP,     /* resp=0 on reads (and still waits) */
	REF_MUTANT_ABS_OFFSET,	     /* the absolute address instead of the offset */
	REF_MUTANT_USER_DATA_ZERO,   /* user_data dropped */
	REF_MUTANT_USER_DATA_32,     /* user_data truncated to 32 bits */
	REF_MUTANT_WRITE_GARBAGE,    /* write data not zero-extended */
	REF_MUTANT_REPLY_UNTRUNC,    /* the whole 8-byte reply copied into the exit */
	REF_MUTANT_SIZE_OFF_BY_ONE,  /* size code one too large */
	REF_MUTANT_POSTED_REORDER,   /* posted writes held back until after the next read */
	REF_MUTANT_NO_SERIALIZE,     /* V2/V3: several commands in flight on one read fd */
	REF_MUTANT_STRADDLE,	     /* accesses that start in a region but end past it dispatched */
	REF_MUTANT_OVERLAP_B1,	     /* overlap check off by one, as the RFC (B1) */
	REF_MUTANT_NO_EOF_FALLBACK,  /* EOF on the read fd taken as a reply of 0 */
	REF_MUTANT_RESEND_ON_INTR,   /* resumption from GET_REPLY sends the command again */
	REF_MUTANT_POSTED_CONSUME,   /* a reply read for posted writes too */
	REF_MUTANT_WAIT_IGNORES_SIGNAL, /* a signal ends the wait for a context, which is taken anyway (B5) */
	REF_MUTANT_SIGPIPE,	     /* command writes raise SIGPIPE in the vCPU thread (B13) */
	REF_MUTANT_CTX_PER_BUS,	     /* V2/V3: MMIO and PIO regions on one read fd not serialized (B10) */
	REF_NR_MUTANTS,
};

/* Set before cases run; the case processes inherit it. */
extern enum ref_mutant ref_mutant;

const char *ref_mutant_name(enum ref_mutant m);

#endif /* IORFD_MUTANT_H */
