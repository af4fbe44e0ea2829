/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The requirement registry: docs/requirements.yaml, the list of rules that
 * cases cite by ID in their 'requirements:' lists.
 *
 * Loading checks the file as strictly as the case loader checks a case, with
 * the same FILE:LINE:COL messages.  Lint then uses the registry to refuse a
 * case that cites an ID that does not exist, to warn about a case that cites
 * a rule for a revision the rule does not cover, and to report which rules
 * no case covers yet.
 */
#ifndef IORFD_REGISTRY_H
#define IORFD_REGISTRY_H

/* Where lint and report look for the registry unless --requirements names another. */
#define REGISTRY_DEFAULT_PATH "docs/requirements.yaml"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model/case.h"
#include "proto/wire.h"

/* IDs must fit where a case stores them, iorfd_case.req_buf. */
#define REQ_ID_MAX 16

enum req_level {
	REQ_MUST,
	REQ_SHOULD,
	REQ_UNSPECIFIED, /* the protocol leaves it open */
};

struct requirement {
	char id[REQ_ID_MAX];
	enum req_level level;
	unsigned int revisions; /* bit per enum iorfd_rev the rule applies to */
	char *text;
	char *source;
	char *bug;   /* "B7" for a rule a code-reading bug breaks, else NULL */
	char *notes; /* or NULL */
	/* Why no case here can show it (needs another architecture, say), or NULL. */
	char *untestable;
	int line; /* of the entry's id, 1-based */
	int col;
};

struct registry {
	char *file; /* path as given to registry_load() */
	struct requirement *reqs;
	int nr;
};

/*
 * Loads @path into @reg.  Returns 0, or -1 with "FILE:LINE:COL: message" (or
 * "FILE: message" when the file cannot be read) in @err and @reg empty.
 * Either way registry_free(@reg) is safe afterwards.
 */
int registry_load(const char *path, struct registry *reg, char *err, size_t errlen);
void registry_free(struct registry *reg);

const struct requirement *registry_find(const struct registry *reg, const char *id);

/* "MUST", "SHOULD", "UNSPECIFIED". */
const char *req_level_name(enum req_level level);

/* [A-Z]+(-[A-Z0-9]+)+ and short enough to cite: the syntax cases accept. */
bool registry_id_ok(const char *id);

/*
 * The two ends a rule can be about: the kernel side, which guest cases
 * check, and the device side (DEV-*, docs/device-contract.md), which only
 * device cases check.  A case cites rules of its own end only.
 */
enum req_end {
	REQ_END_KERNEL = 1 << 0,
	REQ_END_DEVICE = 1 << 1,
};

enum req_end registry_end(const char *id);

/* ---- lint: what cases cite ------------------------------------------------ */

/* One entry of a case's requirements list, as seen over all revisions. */
struct req_cite {
	char id[REQ_ID_MAX];
	int line;
	int col;
	bool unknown;		/* not in the registry */
	bool wrong_end;		/* a rule of the other end: a device rule in a guest case, ... */
	unsigned int rule_revs; /* the rule's revisions */
	unsigned int bad_revs;	/* revisions the case runs that the rule does not cover */
};

/*
 * The citations of one case file.  A file is loaded once per revision and
 * its list may differ per revision, so entries are keyed by position: each
 * problem is reported once however many revisions show it.
 */
struct req_cites {
	struct req_cite at[IORFD_NR_REVS * CASE_MAX_REQS];
	int nr;
};

/*
 * Adds what @c (one file loaded at one revision) cites to @rc, and sets
 * @cited[i] for each registry entry i that the case cites at a revision it
 * runs.  Start each file with a zeroed @rc.
 */
void registry_cite(const struct registry *reg, const struct iorfd_case *c, struct req_cites *rc,
		   bool *cited);

/*
 * Prints "FILE:LINE:COL: unknown requirement 'X'" for each unknown ID, an
 * error for each rule of the other end, and a warning for each citation
 * outside the rule's revisions, to @out.  Returns the number of errors.
 */
int registry_cite_report(const struct req_cites *rc, const char *file, FILE *out);

/*
 * The coverage summary: how many rules there are, how many a case cites,
 * which MUST rules none does, and cited/total per ID group (the part of the
 * ID before its first '-').  @ends (enum req_end bits) are the ends whose
 * cases were linted: MUST rules of another end are counted apart, not
 * listed as lacking a case.
 */
void registry_report(const struct registry *reg, const bool *cited, unsigned int ends, FILE *out);

#endif /* IORFD_REGISTRY_H */
