// SPDX-License-Identifier: GPL-2.0
#include "targets/reference/mutant.h"

enum ref_mutant ref_mutant = REF_MUTANT_NONE;

static const char *const names[REF_NR_MUTANTS] = {
	[REF_MUTANT_NONE] = "none",
	[REF_MUTANT_POSTED_RESP] = "posted-write-resp-set",
	[REF_MUTANT_READ_NO_RESP] = "read-resp-clear",
	[REF_MUTANT_ABS_OFFSET] = "absolute-address-offset",
	[REF_MUTANT_USER_DATA_ZERO] = "user-data-dropped",
	[REF_MUTANT_USER_DATA_32] = "user-data-truncated-32",
	[REF_MUTANT_WRITE_GARBAGE] = "write-data-not-zero-extended",
	[REF_MUTANT_REPLY_UNTRUNC] = "read-reply-not-truncated",
	[REF_MUTANT_SIZE_OFF_BY_ONE] = "size-off-by-one",
	[REF_MUTANT_POSTED_REORDER] = "posted-write-after-read",
	[REF_MUTANT_NO_SERIALIZE] = "two-commands-in-flight",
	[REF_MUTANT_STRADDLE] = "straddling-access-dispatched",
	[REF_MUTANT_OVERLAP_B1] = "overlap-off-by-one-b1",
	[REF_MUTANT_NO_EOF_FALLBACK] = "no-fallback-on-eof",
	[REF_MUTANT_RESEND_ON_INTR] = "resend-after-eintr",
	[REF_MUTANT_POSTED_CONSUME] = "reply-read-for-posted-write",
	[REF_MUTANT_WAIT_IGNORES_SIGNAL] = "signal-ignored-in-ctx-wait-b5",
	[REF_MUTANT_SIGPIPE] = "sigpipe-in-vcpu-thread-b13",
	[REF_MUTANT_CTX_PER_BUS] = "contexts-per-bus-b10",
};

const char *ref_mutant_name(enum ref_mutant m)
{
	return m < REF_NR_MUTANTS ? names[m] : "?";
}
