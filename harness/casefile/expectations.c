// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "casefile/expectations.h"
#include "casefile/yaml_tree.h"
#include "lib/file_read.h"
#include "lib/glob_check.h"
#include "lib/printable.h"

#define EXPECT_FILE_MAX (256 * 1024)

struct eload {
	const char *path;
	const struct expect_check *chk; /* never NULL: parts of it may be */
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 3, 4)))
fail(struct eload *l, const struct ynode *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n)
		snprintf(l->err, l->errlen, "%s:%d:%d: %s", l->path, n->line, n->col, msg);
	else
		snprintf(l->err, l->errlen, "%s: %s", l->path, msg);
	printable_inplace(l->err, l->errlen);
	return -1;
}

static int want(struct eload *l, const struct ynode *n, enum ynode_type t, const char *what)
{
	if (n->type == t)
		return 0;
	return fail(l, n, "expected %s, found %s", what, ynode_kind(n));
}

/* Checks every key of @map is in @keys (NULL-terminated). */
static int known_keys(struct eload *l, const struct ynode *map, const char *const *keys)
{
	const struct ynode *key = ymap_unknown_key(map, keys);

	return key ? fail(l, key, "unknown key '%.64s'", key->str) : 0;
}

static int parse_revs(struct eload *l, const struct ynode *n, unsigned int *revs)
{
	int i;

	if (want(l, n, YNODE_SEQ, "a list of revisions"))
		return -1;
	*revs = 0;
	for (i = 0; i < n->nr_kids; i++) {
		enum iorfd_rev r;

		if (want(l, n->kids[i], YNODE_SCALAR, "a revision") ||
		    rev_parse(n->kids[i]->str, &r))
			return fail(l, n->kids[i], "'%s' is not v1, v2 or v3",
				    n->kids[i]->type == YNODE_SCALAR ? n->kids[i]->str : "?");
		*revs |= 1u << r;
	}
	return 0;
}

/* A glob fnmatch() reads as written: it has no errors of its own, only no match. */
static int check_glob(struct eload *l, const struct ynode *n, const char *what)
{
	size_t at;
	const char *why = glob_problem(n->str, &at);

	return why ? fail(l, n, "%s '%.64s' is not a well-formed glob: %s", what, n->str, why) : 0;
}

static int check_target(struct eload *l, const struct ynode *t)
{
	const char *const *names = l->chk->targets;
	char list[128] = "";
	int i;

	if (!names)
		return 0;
	for (i = 0; names[i]; i++) {
		if (!strcmp(names[i], t->str))
			return 0;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 names[i]);
	}
	return fail(l, t, "unknown target '%.32s' (targets: %s)", t->str, list);
}

/*
 * Does the file's 'when' match this run?  1 yes, 0 no (always, for no
 * @target: a check only), -1 error.
 */
static int matches(struct eload *l, const struct ynode *when, const char *target,
		   const struct target_probe *probe)
{
	static const char *const keys[] = {"target", "revision", "kernel", NULL};
	const struct ynode *t, *r, *k;
	struct utsname u;
	enum iorfd_rev rev;

	if (want(l, when, YNODE_MAP, "a mapping") || known_keys(l, when, keys))
		return -1;
	t = ymap_find(when, "target", NULL);
	r = ymap_find(when, "revision", NULL);
	k = ymap_find(when, "kernel", NULL);
	if (!t)
		return fail(l, when, "missing key 'target'");
	if (want(l, t, YNODE_SCALAR, "a target name") ||
	    (r && want(l, r, YNODE_SCALAR, "a revision")) ||
	    (k && want(l, k, YNODE_SCALAR, "a glob on uname -r")))
		return -1;
	if (r && rev_parse(r->str, &rev))
		return fail(l, r, "'%s' is not v1, v2 or v3", r->str);
	if (check_target(l, t) || (k && check_glob(l, k, "kernel")))
		return -1;
	if (!target || strcmp(t->str, target))
		return 0;
	if (r && (!probe->rev_known || probe->rev != rev))
		return 0;
	if (k && (uname(&u) || fnmatch(k->str, u.release, 0)))
		return 0;
	return 1;
}

/* A case file line: a positive number. */
static int parse_line(struct eload *l, const struct ynode *n, int *line)
{
	char *end;
	long v;

	if (want(l, n, YNODE_SCALAR, "a line number"))
		return -1;
	v = strtol(n->str, &end, 10);
	if (!*n->str || *end || v < 1 || v > 1000000)
		return fail(l, n, "'%.32s' is not a line number", n->str);
	*line = (int)v;
	return 0;
}

/* {kind: K, line: N | [N, ...], requirement: R}: one kind of failure of a known failure. */
static int parse_fail(struct eload *l, const struct ynode *m, struct expected_fail *f)
{
	static const char *const keys[] = {"kind", "line", "requirement", NULL};
	const struct ynode *k, *ln, *rq;
	int i;

	if (want(l, m, YNODE_MAP, "a mapping") || known_keys(l, m, keys))
		return -1;
	k = ymap_find(m, "kind", NULL);
	if (!k)
		return fail(l, m, "missing key 'kind'");
	if (want(l, k, YNODE_SCALAR, "a failure kind"))
		return -1;
	f->kind = fail_kind_parse(k->str);
	if ((int)f->kind < 0) {
		char kinds[400] = "";

		for (i = 0; i < FAIL_NR_KINDS; i++)
			snprintf(kinds + strlen(kinds), sizeof(kinds) - strlen(kinds), "%s%s",
				 i ? ", " : "", fail_kind_name(i));
		return fail(l, k, "unknown failure kind '%.32s' (expected %s)", k->str, kinds);
	}
	ln = ymap_find(m, "line", NULL);
	if (ln && ln->type == YNODE_SEQ) {
		if (!ln->nr_kids || ln->nr_kids > EXPECT_MAX_LINES)
			return fail(l, ln, "1 to %d lines", EXPECT_MAX_LINES);
		for (i = 0; i < ln->nr_kids; i++)
			if (parse_line(l, ln->kids[i], &f->lines[i]))
				return -1;
		f->nr_lines = ln->nr_kids;
	} else if (ln) {
		if (parse_line(l, ln, &f->lines[0]))
			return -1;
		f->nr_lines = 1;
	}
	rq = ymap_find(m, "requirement", NULL);
	if (!rq)
		return 0;
	if (want(l, rq, YNODE_SCALAR, "a requirement ID"))
		return -1;
	if (!req_id_ok(rq->str) || strlen(rq->str) >= sizeof(f->req))
		return fail(l, rq, "'%.32s' is not a requirement ID", rq->str);
	if (l->chk->reg && !registry_find(l->chk->reg, rq->str))
		return fail(l, rq, "unknown requirement '%s' (not in %s)", rq->str,
			    l->chk->reg->file);
	snprintf(f->req, sizeof(f->req), "%s", rq->str);
	return 0;
}

static int parse_fails(struct eload *l, const struct ynode *n, struct expectation *it)
{
	int i;

	if (want(l, n, YNODE_SEQ, "a list of failures"))
		return -1;
	if (!n->nr_kids || n->nr_kids > EXPECT_MAX_FAILS)
		return fail(l, n, "a known failure lists 1 to %d failures", EXPECT_MAX_FAILS);
	for (i = 0; i < n->nr_kids; i++)
		if (parse_fail(l, n->kids[i], &it->fails[i]))
			return -1;
	it->nr_fails = n->nr_kids;
	return 0;
}

/* One entry of known_failures; kept in @x only when @keep (the file applies to this run). */
static int add_entry(struct eload *l, const struct ynode *e, struct expectations *x, bool keep)
{
	static const char *const keys[] = {"case", "revisions", "reason", "fails", NULL};
	const struct ynode *c, *r, *why, *fl;
	struct expectation it = {0}, *grown;

	if (want(l, e, YNODE_MAP, "a mapping") || known_keys(l, e, keys))
		return -1;
	c = ymap_find(e, "case", NULL);
	r = ymap_find(e, "revisions", NULL);
	why = ymap_find(e, "reason", NULL);
	fl = ymap_find(e, "fails", NULL);
	if (!c || !why || !fl)
		return fail(
			l, e, "missing key '%s'%s",
			!c     ? "case"
			: !why ? "reason"
			       : "fails",
			c && why ? ": the failures the case shows (kind, line), so that a new one "
				   "beside them is not taken for the known bug"
				 : "");
	if (want(l, c, YNODE_SCALAR, "a case name or glob") ||
	    want(l, why, YNODE_SCALAR, "a reason"))
		return -1;
	if (strlen(c->str) >= CASE_NAME_MAX)
		return fail(l, c, "case name too long");
	if (check_glob(l, c, "case"))
		return -1;
	if (l->chk->cases && !case_names_match(l->chk->cases, c->str))
		return fail(l, c, "no case matches '%s' (cases: %s)", c->str, l->chk->cases->from);
	it.revisions = IORFD_ALL_REVS;
	if ((r && parse_revs(l, r, &it.revisions)) || parse_fails(l, fl, &it))
		return -1;
	if (!keep)
		return 0;
	grown = realloc(x->items, (x->nr + 1) * sizeof(*grown));
	if (!grown)
		return fail(l, e, "out of memory");
	x->items = grown;
	snprintf(it.case_name, sizeof(it.case_name), "%s", c->str);
	if (strlen(why->str) >= sizeof(it.reason))
		return fail(l, why, "the reason is longer than %zu characters (say it shorter)",
			    sizeof(it.reason) - 1);
	snprintf(it.reason, sizeof(it.reason), "%s", why->str);
	snprintf(it.where, sizeof(it.where), "%s:%d", l->path, e->line);
	x->items[x->nr++] = it;
	return 0;
}

static int add_log(struct eload *l, const struct ynode *e, struct expectations *x, bool keep)
{
	static const char *const keys[] = {"pattern", "reason", "shown_by", NULL};
	const struct ynode *vals[3];
	struct known_log *k, *grown;
	int i;

	if (want(l, e, YNODE_MAP, "a mapping") || known_keys(l, e, keys))
		return -1;
	for (i = 0; i < 3; i++) {
		const struct ynode *v = ymap_find(e, keys[i], NULL);

		if (!v)
			return fail(l, e, "missing key '%s'", keys[i]);
		if (want(l, v, YNODE_SCALAR, "a string"))
			return -1;
		vals[i] = v;
	}
	if (!*vals[0]->str)
		return fail(l, e, "empty pattern");
	/* The one case the report fails: compared by name, not as a glob. */
	if (l->chk->cases && !case_names_has(l->chk->cases, vals[2]->str))
		return fail(l, vals[2], "no case is named '%s' (cases: %s)", vals[2]->str,
			    l->chk->cases->from);
	if (!keep)
		return 0;
	grown = realloc(x->logs, (x->nr_logs + 1) * sizeof(*grown));
	if (!grown)
		return fail(l, e, "out of memory");
	x->logs = grown;
	k = &x->logs[x->nr_logs++];
	snprintf(k->pattern, sizeof(k->pattern), "%s", vals[0]->str);
	snprintf(k->reason, sizeof(k->reason), "%s", vals[1]->str);
	snprintf(k->shown_by, sizeof(k->shown_by), "%s", vals[2]->str);
	return 0;
}

static int load_doc(struct eload *l, const struct ynode *root, const char *target,
		    const struct target_probe *probe, struct expectations *x)
{
	static const char *const keys[] = {"description", "when", "known_failures",
					   "known_kernel_log", NULL};
	const struct ynode *when, *list, *logs;
	int i, m;

	if (!root)
		return fail(l, NULL, "empty file");
	if (want(l, root, YNODE_MAP, "a mapping") || known_keys(l, root, keys))
		return -1;
	when = ymap_find(root, "when", NULL);
	list = ymap_find(root, "known_failures", NULL);
	if (!when || !list)
		return fail(l, root, "missing key '%s'", when ? "known_failures" : "when");
	/* Checked whole whether or not it applies: a mistake must not wait for its kernel. */
	m = matches(l, when, target, probe);
	if (m < 0)
		return m;
	if (want(l, list, YNODE_SEQ, "a list"))
		return -1;
	for (i = 0; i < list->nr_kids; i++)
		if (add_entry(l, list->kids[i], x, m))
			return -1;
	logs = ymap_find(root, "known_kernel_log", NULL);
	if (logs && want(l, logs, YNODE_SEQ, "a list"))
		return -1;
	for (i = 0; logs && i < logs->nr_kids; i++)
		if (add_log(l, logs->kids[i], x, m))
			return -1;
	if (!m)
		return 0;
	snprintf(x->files + strlen(x->files), sizeof(x->files) - strlen(x->files), "%s%s",
		 x->files[0] ? " " : "", l->path);
	return 0;
}

static int load_file(const char *path, const struct expect_check *chk, const char *target,
		     const struct target_probe *probe, struct expectations *x, char *err,
		     size_t errlen)
{
	struct eload l = {.path = path, .chk = chk, .err = err, .errlen = errlen};
	struct yerror ye;
	struct ydoc doc;
	size_t n;
	char *buf = read_text_file(path, EXPECT_FILE_MAX, &n, err, errlen);
	int ret;

	if (!buf)
		return -1;
	if (ytree_parse(buf, n, &doc, &ye)) {
		snprintf(err, errlen, "%s:%d:%d: %s", path, ye.line, ye.col, ye.msg);
		free(buf);
		return -1;
	}
	ret = load_doc(&l, doc.root, target, probe, x);
	ytree_free(&doc);
	free(buf);
	return ret;
}

static int yaml_only(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".yaml");
}

int expectations_load(const char *path, const struct expect_check *chk, const char *target,
		      const struct target_probe *probe, struct expectations *x, char *err,
		      size_t errlen)
{
	static const struct expect_check syntax_only;
	struct dirent **ents;
	struct stat st;
	int n, i, ret = 0;

	if (!chk)
		chk = &syntax_only;
	if (stat(path, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return load_file(path, chk, target, probe, x, err, errlen);
	n = scandir(path, &ents, yaml_only, alphasort);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		char file[4096];

		snprintf(file, sizeof(file), "%s/%s", path, ents[i]->d_name);
		if (!ret)
			ret = load_file(file, chk, target, probe, x, err, errlen);
		free(ents[i]);
	}
	free(ents);
	return ret;
}

int expectations_check(const char *path, const struct expect_check *chk, char *err, size_t errlen)
{
	struct expectations x = {0};
	int ret = expectations_load(path, chk, NULL, NULL, &x, err, errlen);

	expectations_free(&x);
	return ret;
}

/*
 * An entry's case is a name or a glob, so that one entry can stand for every
 * combination of a matrix case that shows the same bug (reg-each-fd-*).
 */
const struct expectation *expectations_find(const struct expectations *x, const char *name,
					    enum iorfd_rev rev)
{
	int i;

	for (i = 0; i < x->nr; i++)
		if (!fnmatch(x->items[i].case_name, name, 0) &&
		    (x->items[i].revisions & (1u << rev)))
			return &x->items[i];
	return NULL;
}

const struct known_log *expectations_known_log(const struct expectations *x, const char *line,
					       const char *case_name)
{
	int i;

	for (i = 0; i < x->nr_logs; i++)
		if (strstr(line, x->logs[i].pattern))
			return strcmp(x->logs[i].shown_by, case_name) ? &x->logs[i] : NULL;
	return NULL;
}

static bool describes(const struct expected_fail *ef, const struct failure *f)
{
	int i;

	if (ef->kind != f->kind || (ef->req[0] && (!f->req || strcmp(ef->req, f->req))))
		return false;
	for (i = 0; i < ef->nr_lines; i++)
		if (f->file[0] && f->line == ef->lines[i])
			return true;
	return !ef->nr_lines;
}

const struct failure *expectation_unexplained(const struct expectation *e,
					      const struct case_result *r)
{
	int i, j;

	if (r->nr_failures > RESULT_MAX_FAILURES)
		return &r->failures[0];
	for (i = 0; i < r->nr_failures; i++) {
		for (j = 0; j < e->nr_fails && !describes(&e->fails[j], &r->failures[i]); j++)
			;
		if (j == e->nr_fails)
			return &r->failures[i];
	}
	return NULL;
}

void expectations_free(struct expectations *x)
{
	free(x->items);
	free(x->logs);
	memset(x, 0, sizeof(*x));
}
