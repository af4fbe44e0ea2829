/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A results file (format iorfd-conform-results-1, written by reports/live/json.c)
 * read back into C structures, for the reports made from it: JUnit, HTML,
 * verdict diffs.
 *
 * Reading is lenient about what a record lacks (an older writer, a skipped
 * case has no transcript) and strict about the shape it relies on: the
 * format name, a "results" array of objects each with a case name, a
 * revision and a verdict.  Strings are never NULL (missing ones are ""),
 * except a failure's requirement, which may be absent.
 */
#ifndef IORFD_JSON_READ_RESULTS_H
#define IORFD_JSON_READ_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/offline/json_read.h"

#define RESULTS_FORMAT "iorfd-conform-results-1"

enum rverdict {
	RV_PASS,
	RV_FAIL,
	RV_ERROR,
	RV_SKIP,
	RV_TIMEOUT,
	RV_XFAIL,
	RV_XPASS,
	RV_UNKNOWN, /* a verdict this reader does not know: shown, counted as an error */
};

struct rviolation {
	const char *req;
	const char *msg;
};

/* One command a responder saw. */
struct rtx {
	long long seq;
	const char *channel;
	/*
	 * Where it came from, as the writer could tell (reports/live/tx_source.h):
	 * the region its user_data names (NULL: not known), the vCPU and the
	 * step of that vCPU's program (-1: not known).  A file from before
	 * these were written knows the vCPU only of a case with one vCPU.
	 */
	const char *region;
	int vcpu;
	long long step;
	int bytes;
	const char *raw, *decoded;
	int cmd; /* 0 read, 1 write */
	unsigned int size;
	int resp;
	const char *user_data, *offset, *data; /* hex strings as written */
	bool replied;
	const char *reply;
	const struct rviolation *viol;
	int nr_viol;
};

/* One ordinary exit the VMM handled. */
struct rexit {
	long long seq;
	int vcpu;
	const char *space, *op, *addr, *data;
	unsigned int size;
	long long step; /* of the vCPU's program, or -1 */
};

/*
 * What a failure is about, as far as these reports act on it (the JSON's
 * "kind"); every other kind, and a file that predates kinds, is RF_OTHER.
 */
enum rfail_kind {
	RF_OTHER,
	RF_CMD_DIFFERS,	    /* "cmd-differs": seq names the command */
	RF_CMD_MISSING,	    /* "cmd-missing": expected names it; nothing was seen */
	RF_CMD_UNEXPECTED,  /* "cmd-unexpected": seq names the extra command */
	RF_CMD_VIOLATION,   /* "cmd-violation": seq names the command */
	RF_EXIT_DIFFERS,    /* "exit-differs": seq names the exit */
	RF_EXIT_MISSING,    /* "exit-missing" */
	RF_EXIT_UNEXPECTED, /* "exit-unexpected": seq names the extra exit */
	RF_GUEST_VALUE,	    /* "guest-value": vcpu and step name the load */
};

/* A failure as the harness recorded it: fields, not words to be parsed. */
struct rfailure {
	enum rfail_kind kind;
	const char *kind_name; /* as written; "other" when absent */
	const char *req;       /* or NULL */
	const char *file;      /* the case line that asked for it, or NULL */
	int line, col;
	const char *channel; /* or NULL */
	int index;	     /* 1-based command # or exit #, 0 for none */
	long long seq;	     /* the command or exit it is about, -1 for none */
	int vcpu;	     /* the vCPU whose step it is about, -1 for none */
	long long step;	     /* with vcpu: that step, -1 for none */
	const char *headline;
	const char *expected, *observed, *detail; /* or NULL */
	const char *msg;			  /* the whole text, as KTAP showed it */
};

struct rvcpu {
	bool done;
	long long step;
};

/* One case at one revision. */
struct rrecord {
	const char *name, *rev, *file, *group, *summary, *reason;
	const char *seed; /* the case's own seed (hex), "" when none was drawn */
	int line;
	enum rverdict verdict;
	const char *verdict_str; /* as written, for a verdict this reader does not know */
	double duration;	 /* seconds */
	const char **reqs;
	int nr_reqs;
	const struct rfailure *failures;
	int nr_failures;
	int failures_total; /* failures the run saw; more than nr_failures if cut */
	const struct rtx *tx;
	int nr_tx;
	const struct rexit *exits;
	int nr_exits;
	const struct rvcpu *vcpus;
	int nr_vcpus;
};

struct rrun {
	const char *path; /* the file it was read from */
	const char *suite_version, *kernel, *target, *probe_rev, *probe_how, *cases_hash;
	const char *device;	 /* a device program under test, or "" */
	const char *started;	 /* UTC, YYYY-MM-DDTHH:MM:SS; "" in files from before it */
	const char *hostname;	 /* "" in files from before it */
	const char *interrupted; /* the signal that ended the run early, or "" */
	const char **argv;
	int argc;
	struct rrecord *recs;
	int nr;
	const struct rrecord **by_key; /* recs sorted by case, revision, then file order */
	struct jr_doc doc;	       /* owns every string above */
	void *mem;		       /* the arrays above */
};

/*
 * Reads @path into @run.  Returns 0, or -1 with a message naming the file
 * (and the record, for a bad one) in @err.  results_free() is safe either way.
 */
int results_load(const char *path, struct rrun *run, char *err, size_t errlen);
void results_free(struct rrun *run);

/* The first record of case @name at revision @rev in the file, or NULL. */
const struct rrecord *results_find(const struct rrun *run, const char *name, const char *rev);

const char *rverdict_name(enum rverdict v);

/* Failed in a way that says something about the target: fail, error, timeout. */
bool rverdict_bad(enum rverdict v);

/* "target kernel 6.1.192, v3": one line saying what a run tested. */
void results_label(const struct rrun *run, char *buf, size_t len);

/*
 * Indexes into r->tx of the commands in the order they crossed the wire
 * (their seq), only those of @channel unless it is NULL; their number in
 * @n.  malloc()ed; NULL when out of memory.
 */
int *rrecord_tx_order(const struct rrecord *r, const char *channel, int *n);

#endif /* IORFD_JSON_READ_RESULTS_H */
