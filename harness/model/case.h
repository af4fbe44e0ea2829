/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One conformance case, as loaded from a YAML file for one protocol
 * revision.  docs/case-format.md is the user-facing description of the
 * format; this is its in-memory shape.
 *
 * A case file may give any scalar or list a per-revision value
 * ({v1: ..., v3: ..., default: ...}); the loader resolves those for the
 * revision it was asked for, so nothing below ever varies by revision.
 *
 * Every element remembers where in the file it came from, so that a failure
 * can point at the line that asked for the behaviour.
 */
#ifndef IORFD_CASE_H
#define IORFD_CASE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "proto/wire.h"

#define CASE_NAME_MAX	  48
#define CASE_MAX_CHANNELS 8
#define CASE_MAX_REGIONS  16
#define CASE_MAX_VCPUS	  4
#define CASE_MAX_STEPS	  256
#define CASE_MAX_EXPECT	  512
#define CASE_MAX_REQS	  16
/* timeout_ms bounds: long enough for a slow TCG guest, short of the run's default. */
#define CASE_MIN_TIMEOUT_MS 500
#define CASE_MAX_TIMEOUT_MS 600000
/* The largest case file: far above any real case, low enough that a stray binary is refused
 * quickly. */
#define CASE_FILE_MAX (1 << 20)

struct src_loc {
	const char *file; /* points at iorfd_case.file */
	int line;	  /* 1-based, as an editor shows it */
	int col;	  /* 1-based */
};

enum chan_kind {
	CHAN_STREAM,	/* AF_UNIX SOCK_STREAM socketpair, one fd both ways */
	CHAN_SEQPACKET, /* AF_UNIX SOCK_SEQPACKET socketpair */
	CHAN_PIPES,	/* two pipes: commands one way, responses the other */
	CHAN_FIFOS,	/* two named FIFOs, opened by path and unlinked once open */
};

enum responder_model {
	RESPONDER_REGISTERS, /* reads return the last value written there */
};

/* What a responder does wrong on purpose, for one command. */
enum resp_fault {
	RF_NONE,
	RF_CLOSE,	  /* close the device end after reading the command */
	RF_SHORT,	  /* reply with fewer than 32 bytes */
	RF_LONG,	  /* reply with more than 32 bytes in one write */
	RF_EXTRA,	  /* reply, then reply once more */
	RF_GARBAGE,	  /* reply with 32 bytes of 0xa5 */
	RF_NEVER,	  /* never answer this command */
	RF_ANSWER_POSTED, /* answer a command that asked for no reply */
};

#define CASE_MAX_RULES 16

/* Responder behaviour for the at-th command (1-based) on its channel. */
struct resp_rule {
	int at;
	bool has_reply; /* scripted reply instead of the register model's */
	uint64_t reply;
	int delay_ms; /* before answering */
	bool hold;    /* answer only when the host timeline releases it */
	bool stall;   /* after this command, read nothing more until the timeline releases */
	enum resp_fault fault;
	int bytes; /* short/long: how many bytes the reply has */
	struct src_loc loc;
};

struct case_channel {
	char name[CASE_NAME_MAX];
	struct resp_rule rules[CASE_MAX_RULES];
	int nr_rules;
	enum chan_kind kind;
	bool nonblock; /* O_NONBLOCK on KVM's ends */
	enum responder_model model;
	uint64_t reset; /* register model: value of a never-written offset */
	struct src_loc loc;
};

enum addr_space {
	SPACE_MMIO,
	SPACE_PIO,
};

/* Which fd number a registration passes, to test how bad ones are refused. */
enum fd_choice {
	FD_CHANNEL,  /* the channel's own end (default) */
	FD_NUMBER,   /* this number, e.g. -1 or -2 */
	FD_CLOSED,   /* a number that is not an open fd */
	FD_REOPENED, /* the channel's end opened anew: another open file of the same pipe */
	FD_SWAPPED,  /* the channel's other end: the write fd as read fd, or the reverse */
	/*
	 * A file of its own, not the channel's: right for its direction but
	 * O_NONBLOCK, open only the other way, or of a type that cannot carry
	 * 32-byte messages.  Any channel kind, so the other fd stays valid.
	 */
	FD_NONBLOCK,  /* an end of a fresh pipe, O_NONBLOCK */
	FD_WRONG_WAY, /* the other end of a fresh pipe: write-only as read fd, ... */
	FD_EVENTFD,   /* an eventfd */
	FD_DUP,	      /* a dup of the channel's end: the same open file, another number */
};

struct fd_override {
	enum fd_choice how;
	int number;
};

struct case_region {
	char name[CASE_NAME_MAX];
	int channel; /* index into iorfd_case.channels */
	enum addr_space space;
	uint64_t gpa; /* guest physical address, or first port */
	uint64_t size;
	uint64_t user_data;
	bool posted;
	uint32_t extra_flags; /* OR-ed into flags: unknown bits, DEASSIGN, ... */
	struct fd_override rfd, wfd;
	/*
	 * The channel whose KVM read end is the region's read fd (read_fd_of;
	 * default: its own): the device of @channel reads the region's commands
	 * and writes its replies there, a read fd shared with another channel.
	 */
	int reply_channel;
	bool later;	  /* registered by a host step, not before the run */
	int expect_errno; /* KVM_SET_IOREGION result: 0 or a positive errno */
	struct src_loc loc;
};

enum step_op {
	STEP_READ,    /* MMIO load or PIO in */
	STEP_WRITE,   /* MMIO store or PIO out */
	STEP_SYNC,    /* a ucall to the harness; nothing on any channel */
	STEP_HOST,    /* the VMM acts while the vCPU waits at this step */
	STEP_OUTS,    /* rep outs: count elements through one port */
	STEP_INS,     /* rep ins */
	STEP_ADD,     /* add to MMIO: a read, then a write */
	STEP_XCHG,    /* xchg with MMIO: a read, then a write */
	STEP_CMPXCHG, /* lock cmpxchg on MMIO: a read, then a write if equal */
	STEP_STORE16, /* movdqu to MMIO: a 16-byte SSE store, values[0..1] */
	STEP_LOAD16,  /* movdqu from MMIO: a 16-byte SSE load, checked against values[0..1] */
};

#define CASE_MAX_STRING 16
/* How many copies fill_bus may try: past the kernel's 1000 devices per bus. */
#define CASE_MAX_FILL 2000

enum host_action {
	HOST_REGISTER,	   /* KVM_SET_IOREGION of a region marked 'register: later' */
	HOST_DEASSIGN,	   /* remove a region, the way the revision removes */
	HOST_IOEVENTFD,	   /* KVM_IOEVENTFD at mmio/pio + size (size 0: any length) */
	HOST_CLOSE_FDS,	   /* the VMM closes its own copies of a channel's fds */
	HOST_FILL_BUS,	   /* register copies of a region side by side until one fails */
	HOST_DEVICE_WRITE, /* the device writes a byte where it sends replies */
	/* O_NONBLOCK on the VMM's read or write fd of a channel, after registration */
	HOST_NONBLOCK_READ_FD,
	HOST_NONBLOCK_WRITE_FD,
	/* KVM_SET_IOREGION with its 1st, 2nd, ... allocation failing (fault injection) */
	HOST_FAIL_ALLOCATIONS,
	/* The VMM fills KVM's write fd of a channel until it takes no more */
	HOST_FILL_WRITE_FD,
};

/* Where KVM_SET_IOREGION's argument is, to test that it is copied with care (REG-1). */
enum arg_pointer {
	ARG_READABLE, /* an ordinary struct */
	ARG_UNMAPPED, /* the whole struct in a page that cannot be read */
	ARG_PAGE_END, /* its first half readable, the rest in such a page */
};

struct case_step {
	enum step_op op;
	enum addr_space space;
	int region;	   /* region the address was given against, or -1 */
	uint64_t addr;	   /* absolute guest physical address or port */
	unsigned int size; /* 1, 2, 4 or 8 (PIO: 1, 2, 4) */
	uint64_t value;	   /* write: the value stored */
	bool check;	   /* read: compare with expect */
	bool keep_upper;   /* pio read of 1/2 bytes: RAX bits above must survive */
	uint64_t expect;
	uint64_t compare;   /* cmpxchg */
	unsigned int count; /* outs/ins: elements; fill_bus: most registrations tried */
	uint64_t values[CASE_MAX_STRING]; /* outs: values; ins: expected values */
	enum host_action action;	  /* host */
	int channel;			  /* host close_fds, device_write, nonblock_* */
	uint32_t extra_flags;		  /* host deassign: OR-ed into its flags */
	int expect_errno;		  /* host: the ioctl's expected result */
	enum arg_pointer pointer;	  /* host register */
	unsigned int at_least;		  /* host fill_bus: registrations that must succeed first */
	int uncapped_errno; /* host fill_bus: the result where a bus has no cap (memcg) */
	struct src_loc loc;
};

/*
 * The host timeline: actions a host thread takes while the vCPUs run, each
 * after the previous one completed, for what must happen while a vCPU is
 * blocked (a signal while a reply is withheld, say).
 */
enum tl_op {
	TL_WAIT_COMMANDS, /* until a channel has seen count commands */
	TL_WAIT_INTR,	  /* until a vCPU's KVM_RUN has returned EINTR count times */
	TL_WAIT_EXITS,	  /* until the VMM has handled count ordinary exits */
	TL_SIGNAL,	  /* SIGUSR1 to a vCPU thread */
	TL_RELEASE,	  /* let a channel's held reply go */
	TL_DEASSIGN,	  /* remove a region */
	TL_SLEEP,	  /* wait ms (only to let a blocked call settle; never for ordering) */
	TL_RESUME,	  /* let a vCPU parked after an EINTR call KVM_RUN again */
	TL_SET_EXIT,	  /* write kvm_run.exit_reason of a (parked) vCPU, as userspace may */
};

#define CASE_MAX_TIMELINE 32

struct tl_step {
	enum tl_op op;
	int channel, vcpu, region;
	int count;
	int ms;
	uint32_t exit_reason; /* set_exit_reason */
	int expect_errno;
	struct src_loc loc;
};

struct case_vcpu {
	struct case_step steps[CASE_MAX_STEPS];
	int nr_steps;
	struct src_loc loc;
};

/* One command the device end must see, in order, on one channel. */
struct expect_cmd {
	char id[16]; /* optional label for happens-before rules */
	int channel;
	int region;  /* region whose user_data the command must carry */
	uint8_t cmd; /* WIRE_CMD_READ or WIRE_CMD_WRITE */
	unsigned int size;
	uint64_t offset;
	uint64_t data;
	bool has_reply; /* what the responder must have answered */
	uint64_t reply;
	struct src_loc loc;
};

/* One ordinary KVM_EXIT_MMIO / KVM_EXIT_IO the VMM must see. */
struct expect_exit {
	enum addr_space space;
	bool write;
	uint64_t addr;
	unsigned int size;
	uint64_t data; /* write: value; read: what the VMM answers */
	struct src_loc loc;
};

enum case_outcome {
	OUTCOME_DONE, /* every vCPU ran its program to the end */
};

/*
 * A happens-before rule between expected commands: every 'first' command
 * reached the device before 'then' did.  Ordering that does not depend on
 * timing, for channels whose transcript is matched in any order.
 */
#define CASE_MAX_HB_FIRST 8

struct hb_rule {
	int first[CASE_MAX_HB_FIRST]; /* indexes into case_expect.cmds */
	int nr_first;
	int then;
	struct src_loc loc;
};

/* A KVM_RUN that must fail, in the order a vCPU sees them. */
struct expect_run_error {
	int vcpu;
	int err; /* positive errno: EINTR, EIO, ... */
	struct src_loc loc;
};

struct case_expect {
	enum case_outcome outcome;
	struct src_loc outcome_loc;
	/* Per channel, in order; a channel with no list must stay silent. */
	struct expect_cmd cmds[CASE_MAX_EXPECT];
	int nr_cmds;
	struct expect_exit exits[CASE_MAX_EXPECT];
	int nr_exits;
	struct expect_run_error run_errors[CASE_MAX_TIMELINE];
	int nr_run_errors;
	bool any_order[CASE_MAX_CHANNELS]; /* match this channel's commands as a multiset */
	struct hb_rule order[CASE_MAX_TIMELINE];
	int nr_order;
};

/*
 * A device case (exchanges: instead of vcpus:): the suite plays KVM against
 * a device program started under docs/device-contract.md, sending commands
 * on its command fd and checking what comes back on its reply fd.  Its
 * regions are only user_data, size and posted (channel 0, gpa 0); it has
 * one implicit channel, "dev", and no vCPUs.
 */
enum dev_op {
	DEV_READ,    /* a READ command, as KVM sends it: resp set, data 0 */
	DEV_WRITE,   /* a WRITE command, resp clear in a posted region */
	DEV_COMMAND, /* a header KVM never sends: any code, resp as given */
	DEV_QUIET,   /* nothing may arrive on the reply fd for pause_ms */
	DEV_EOF,     /* the KVM side closes its end(s); the device must exit */
};

#define CASE_MAX_DEV_STEPS 128
/* Commands one write step may make (repeat). */
#define CASE_MAX_DEV_REPEAT 256

struct dev_step {
	enum dev_op op;
	int region; /* -1 for quiet and eof */
	uint8_t code;
	unsigned int size;
	uint64_t offset;
	uint64_t value; /* write and command: the data field */
	bool resp;	/* command: the resp bit; read: true; write: !posted */
	bool check;	/* read: compare the reply with expect */
	uint64_t expect;
	/* OR-ed into the first 8 bytes (little-endian): only bits the layout reserves */
	uint64_t reserved;
	int repeat;	 /* write: commands, offset += size, value += 1 each */
	bool pipelined;	 /* the next step goes out before this one's replies come */
	bool one_write;	 /* write: the repeat's commands in a single write() */
	int split_at;	 /* 1..31: the command in two writes, split_at bytes first */
	int cut_at;	 /* 1..31: only the first cut_at bytes are ever sent */
	int pause_ms;	 /* split: between the two writes; quiet: the window */
	bool close_both; /* eof: the reply end too, not only the command end */
	int within_ms;	 /* eof: 0, or a bound of the case's own */
	const char *req; /* the rule this step's expectation checks, or NULL */
	char req_buf[16];
	struct src_loc loc;
};

/* The VMM's SIGPIPE disposition while the case runs (BUG-B13). */
enum vmm_sigpipe {
	VMM_SIGPIPE_IGNORE,  /* SIG_IGN, as most VMMs (the default) */
	VMM_SIGPIPE_DEFAULT, /* SIG_DFL: a SIGPIPE kills the VMM */
	VMM_SIGPIPE_HANDLER, /* a handler that does nothing, without SA_RESTART */
};

/* Combinations one case file's matrix: may make. */
#define CASE_MAX_VARIANTS 64

struct iorfd_case {
	char file[256]; /* path as given on the command line */
	char name[CASE_NAME_MAX];
	/*
	 * A file with a matrix: is a family of cases, one per combination of
	 * the matrix's values: variant 0 .. nr_variants - 1, each named
	 * CASE-VALUE-VALUE...  A file without one is one case, variant 0 of 1.
	 */
	int variant, nr_variants;
	char summary[512];
	/*
	 * Non-empty: on a buggy kernel this case may crash or wedge the
	 * kernel under test (the reason says how).  Such cases run last and
	 * alone, and on a real kernel only when asked to.
	 */
	char crash_risk[200];
	/*
	 * The case's own limit (timeout_ms), when shorter than the run's: a
	 * case that takes milliseconds on a conforming implementation need not
	 * wait the run's full limit on one that hangs.  0: the run's.
	 */
	int timeout_ms;
	enum vmm_sigpipe sigpipe;
	struct src_loc loc;
	enum iorfd_rev rev;	/* the revision this was loaded for */
	unsigned int revisions; /* bit per enum iorfd_rev the case applies to */
	const char *reqs[CASE_MAX_REQS];
	char req_buf[CASE_MAX_REQS][16];
	struct src_loc req_loc[CASE_MAX_REQS]; /* where each ID is, for lint */
	int nr_reqs;

	struct case_channel channels[CASE_MAX_CHANNELS];
	int nr_channels;
	struct case_region regions[CASE_MAX_REGIONS];
	int nr_regions;
	struct case_vcpu vcpus[CASE_MAX_VCPUS];
	int nr_vcpus;
	struct tl_step timeline[CASE_MAX_TIMELINE];
	int nr_timeline;
	struct case_expect expect;

	bool device; /* a device case: exchanges, not vCPUs */
	struct dev_step dev_steps[CASE_MAX_DEV_STEPS];
	int nr_dev_steps;
};

/* An error with its place: "cases/x.yaml:12:5: unknown key 'sise'". */
struct case_error {
	char msg[512];
};

/*
 * Loads @path for revision @rev into @c (which the caller allocates; it is
 * large).  Returns 0, or -1 with @err filled.  A case that does not apply to
 * @rev still loads; check c->revisions.
 */
int case_load(const char *path, enum iorfd_rev rev, struct iorfd_case *c, struct case_error *err);
/* The same for combination @variant of the file's matrix (case_load() is variant 0). */
int case_load_variant(const char *path, enum iorfd_rev rev, int variant, struct iorfd_case *c,
		      struct case_error *err);
/*
 * case_load_variant() on @len bytes already in memory (no NUL needed),
 * named @name in messages: the fuzzer's way in, which must not touch the
 * filesystem.
 */
int case_load_buf(const char *name, const char *buf, size_t len, enum iorfd_rev rev, int variant,
		  struct iorfd_case *c, struct case_error *err);

/* Requirement ID syntax, [A-Z]+(-[A-Z0-9]+)+: shared by cases and the registry. */
bool req_id_ok(const char *id);

int case_find_region(const struct iorfd_case *c, const char *name);
int case_find_channel(const struct iorfd_case *c, const char *name);

const char *space_name(enum addr_space space);
const char *chan_kind_name(enum chan_kind kind);

/*
 * The group of a case: its name up to the first '-' ("reg" for
 * reg-overlap).  Reports group by it, and lint wants every group of the
 * catalogue to hold more than one case.
 */
static inline int case_group_len(const char *name)
{
	return (int)strcspn(name, "-");
}

#endif /* IORFD_CASE_H */
