// SPDX-License-Identifier: GPL-2.0
/*
 * Requirement registry: docs/requirements.yaml -> struct registry, and the
 * lint checks that compare what cases cite against it.
 *
 * The file is a mapping with one key, 'requirements', holding a sequence of
 * entries.  yaml_tree.c has already refused duplicate keys, anchors and the
 * like; this file knows the entry schema.  Every complaint goes through
 * fail(), so it names the node a human has to change, exactly like the
 * case loader's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/case.h"
#include "lib/file_read.h"
#include "casefile/registry.h"
#include "casefile/yaml_tree.h"
#include "lib/printable.h"

/* The registry is text written by hand; anything this large is a mistake. */
#define REGISTRY_FILE_MAX (1 << 20)

_Static_assert(REQ_ID_MAX == sizeof(((struct iorfd_case *)0)->req_buf[0]),
	       "a registry ID must fit where a case keeps the IDs it cites");

static const char *const level_names[] = {
	[REQ_MUST] = "MUST",
	[REQ_SHOULD] = "SHOULD",
	[REQ_UNSPECIFIED] = "UNSPECIFIED",
};

#define NR_LEVELS ((int)(sizeof(level_names) / sizeof(level_names[0])))

struct rloader {
	const char *file;
	struct registry *reg;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4))) static int fail(struct rloader *l, const struct ynode *n,
						      const char *fmt, ...)
{
	va_list ap;
	int len;

	len = snprintf(l->err, l->errlen, "%s:%d:%d: ", l->file, n->line, n->col);
	if (len >= 0 && (size_t)len < l->errlen) {
		va_start(ap, fmt);
		vsnprintf(l->err + len, l->errlen - len, fmt, ap);
		va_end(ap);
	}
	printable_inplace(l->err, l->errlen);
	return -1;
}

const char *req_level_name(enum req_level level)
{
	return (int)level >= 0 && (int)level < NR_LEVELS ? level_names[level] : "?";
}

/* Syntax and length as a case accepts them, so that every entry can be cited. */
bool registry_id_ok(const char *id)
{
	return req_id_ok(id) && strlen(id) < REQ_ID_MAX;
}

enum req_end registry_end(const char *id)
{
	return strncmp(id, "DEV-", 4) ? REQ_END_KERNEL : REQ_END_DEVICE;
}

const struct requirement *registry_find(const struct registry *reg, const char *id)
{
	int i;

	for (i = 0; i < reg->nr; i++) {
		if (!strcmp(reg->reqs[i].id, id))
			return &reg->reqs[i];
	}
	return NULL;
}

/* ---- one entry ----------------------------------------------------------- */

static int check_keys(struct rloader *l, const struct ynode *map, const char *const *allowed)
{
	const struct ynode *key = ymap_unknown_key(map, allowed);

	return key ? fail(l, key, "unknown key '%.64s'", key->str) : 0;
}

/* The non-empty string under @key; NULL after an error (or, if !@required, when absent). */
static const struct ynode *get_str(struct rloader *l, const struct ynode *map, const char *key,
				   bool required)
{
	const struct ynode *n = ymap_find(map, key, NULL);

	if (!n) {
		if (required)
			fail(l, map, "missing key '%s'", key);
		return NULL;
	}
	if (n->type != YNODE_SCALAR || ynode_is_null(n)) {
		fail(l, n, "'%s' must be a string, found %s", key, ynode_kind(n));
		return NULL;
	}
	if (!n->str[0]) {
		fail(l, n, "'%s' is empty", key);
		return NULL;
	}
	return n;
}

/* A copy of @n's string in *@dst; -1 (reported at @n) when out of memory. */
static int dup_str(struct rloader *l, const struct ynode *n, char **dst)
{
	*dst = strdup(n->str);
	return *dst ? 0 : fail(l, n, "out of memory");
}

static int load_id(struct rloader *l, const struct ynode *map, struct requirement *r)
{
	const struct ynode *n = get_str(l, map, "id", true);
	const struct requirement *old;

	if (!n)
		return -1;
	if (!req_id_ok(n->str))
		return fail(l, n, "bad requirement ID '%.64s' (like WIRE-1)", n->str);
	if (strlen(n->str) >= REQ_ID_MAX)
		return fail(l, n, "requirement ID '%.64s' is longer than %d characters", n->str,
			    REQ_ID_MAX - 1);
	old = registry_find(l->reg, n->str);
	if (old)
		return fail(l, n, "duplicate requirement '%s' (first at line %d)", n->str,
			    old->line);
	strcpy(r->id, n->str);
	r->line = n->line;
	r->col = n->col;
	return 0;
}

static int load_level(struct rloader *l, const struct ynode *map, struct requirement *r)
{
	const struct ynode *n = get_str(l, map, "level", true);
	int i;

	if (!n)
		return -1;
	for (i = 0; i < NR_LEVELS; i++) {
		if (!strcmp(n->str, level_names[i])) {
			r->level = i;
			return 0;
		}
	}
	return fail(l, n, "unknown level '%.64s' (expected MUST, SHOULD or UNSPECIFIED)", n->str);
}

static int load_revisions(struct rloader *l, const struct ynode *map, struct requirement *r)
{
	const struct ynode *n = ymap_find(map, "revisions", NULL);
	enum iorfd_rev rev;
	int i;

	if (!n)
		return fail(l, map, "missing key 'revisions'");
	if (n->type != YNODE_SEQ)
		return fail(l, n, "'revisions' must be a sequence, found %s", ynode_kind(n));
	if (!n->nr_kids)
		return fail(l, n, "revisions must name at least one revision");
	for (i = 0; i < n->nr_kids; i++) {
		const struct ynode *item = n->kids[i];

		if (item->type != YNODE_SCALAR)
			return fail(l, item, "expected a revision (v1, v2 or v3), found %s",
				    ynode_kind(item));
		if (rev_parse(item->str, &rev))
			return fail(l, item, "unknown revision '%.64s' (expected v1, v2 or v3)",
				    item->str);
		if (r->revisions & (1u << rev))
			return fail(l, item, "revision %s listed twice", item->str);
		r->revisions |= 1u << rev;
	}
	return 0;
}

/*
 * 'bug: B7'.  A BUG-B7 entry exists to restate bug B7, so there the key is
 * required and must agree with the ID; a copied entry that was not renamed
 * is caught here rather than in a review.
 */
static int load_bug(struct rloader *l, const struct ynode *map, struct requirement *r)
{
	bool is_bug_id = !strncmp(r->id, "BUG-", 4);
	const struct ynode *n = get_str(l, map, "bug", is_bug_id);
	const char *p;

	if (!n)
		return ymap_find(map, "bug", NULL) || is_bug_id ? -1 : 0;
	for (p = n->str + 1; *p >= '0' && *p <= '9'; p++)
		;
	if (n->str[0] != 'B' || p == n->str + 1 || n->str[1] == '0' || *p)
		return fail(l, n, "bad bug reference '%.64s' (like B7)", n->str);
	if (is_bug_id && strcmp(n->str, r->id + 4))
		return fail(l, n, "bug '%s' does not match requirement %s", n->str, r->id);
	return dup_str(l, n, &r->bug);
}

/* An optional key: absent is fine, present must be a non-empty string. */
static int load_opt_str(struct rloader *l, const struct ynode *map, const char *key, char **dst)
{
	const struct ynode *n = get_str(l, map, key, false);

	if (!n)
		return ymap_find(map, key, NULL) ? -1 : 0;
	return dup_str(l, n, dst);
}

static int load_entry(struct rloader *l, const struct ynode *map, struct requirement *r)
{
	static const char *const keys[] = {"id",  "level", "revisions",	 "text", "source",
					   "bug", "notes", "untestable", NULL};
	const struct ynode *n;

	if (map->type != YNODE_MAP)
		return fail(l, map, "expected a mapping, found %s", ynode_kind(map));
	if (check_keys(l, map, keys) || load_id(l, map, r) || load_level(l, map, r) ||
	    load_revisions(l, map, r))
		return -1;
	n = get_str(l, map, "text", true);
	if (!n || dup_str(l, n, &r->text))
		return -1;
	n = get_str(l, map, "source", true);
	if (!n || dup_str(l, n, &r->source))
		return -1;
	if (load_bug(l, map, r))
		return -1;
	return load_opt_str(l, map, "notes", &r->notes) ||
	       load_opt_str(l, map, "untestable", &r->untestable);
}

static int load_root(struct rloader *l, const struct ynode *root)
{
	static const char *const keys[] = {"requirements", NULL};
	const struct ynode *seq;
	int i;

	if (root->type != YNODE_MAP)
		return fail(l, root, "expected a mapping, found %s", ynode_kind(root));
	if (check_keys(l, root, keys))
		return -1;
	seq = ymap_find(root, "requirements", NULL);
	if (!seq)
		return fail(l, root, "missing key 'requirements'");
	if (seq->type != YNODE_SEQ)
		return fail(l, seq, "'requirements' must be a sequence, found %s", ynode_kind(seq));
	l->reg->reqs = calloc(seq->nr_kids ? seq->nr_kids : 1, sizeof(*l->reg->reqs));
	if (!l->reg->reqs)
		return fail(l, seq, "out of memory");
	for (i = 0; i < seq->nr_kids; i++) {
		/* Counted before loading, so a half-filled entry is freed too. */
		l->reg->nr++;
		if (load_entry(l, seq->kids[i], &l->reg->reqs[i]))
			return -1;
	}
	return 0;
}

/* ---- file ------------------------------------------------------------------ */

static int parse_text(struct rloader *l, const char *buf, size_t len)
{
	struct yerror yerr;
	struct ydoc doc;
	int ret;

	if (ytree_parse(buf, len, &doc, &yerr)) {
		snprintf(l->err, l->errlen, "%s:%d:%d: %s", l->file, yerr.line, yerr.col, yerr.msg);
		return -1;
	}
	if (!doc.root) {
		snprintf(l->err, l->errlen, "%s:1:1: no requirements in the file", l->file);
		ret = -1;
	} else {
		ret = load_root(l, doc.root);
	}
	ytree_free(&doc);
	return ret;
}

int registry_load(const char *path, struct registry *reg, char *err, size_t errlen)
{
	struct rloader l = {.file = path, .reg = reg, .err = err, .errlen = errlen};
	size_t len;
	char *buf;
	int ret;

	memset(reg, 0, sizeof(*reg));
	if (errlen)
		err[0] = '\0';
	buf = read_text_file(path, REGISTRY_FILE_MAX, &len, err, errlen);
	if (!buf)
		return -1;
	ret = parse_text(&l, buf, len);
	free(buf);
	if (!ret) {
		reg->file = strdup(path);
		if (!reg->file) {
			snprintf(err, errlen, "%s: out of memory", path);
			ret = -1;
		}
	}
	if (ret)
		registry_free(reg);
	return ret;
}

void registry_free(struct registry *reg)
{
	int i;

	for (i = 0; i < reg->nr; i++) {
		free(reg->reqs[i].text);
		free(reg->reqs[i].source);
		free(reg->reqs[i].bug);
		free(reg->reqs[i].notes);
		free(reg->reqs[i].untestable);
	}
	free(reg->reqs);
	free(reg->file);
	memset(reg, 0, sizeof(*reg));
}

/* ---- lint ----------------------------------------------------------------- */

static struct req_cite *cite_slot(struct req_cites *rc, const char *id, const struct src_loc *at)
{
	struct req_cite *e;
	int i;

	for (i = 0; i < rc->nr; i++) {
		e = &rc->at[i];
		if (e->line == at->line && e->col == at->col && !strcmp(e->id, id))
			return e;
	}
	/* Cannot fill up: a file gives at most CASE_MAX_REQS per revision. */
	if (rc->nr == (int)(sizeof(rc->at) / sizeof(rc->at[0])))
		return NULL;
	e = &rc->at[rc->nr++];
	memset(e, 0, sizeof(*e));
	snprintf(e->id, sizeof(e->id), "%s", id);
	e->line = at->line;
	e->col = at->col;
	return e;
}

void registry_cite(const struct registry *reg, const struct iorfd_case *c, struct req_cites *rc,
		   bool *cited)
{
	unsigned int bit = 1u << c->rev;
	const struct requirement *r;
	struct req_cite *e;
	int i;

	for (i = 0; i < c->nr_reqs; i++) {
		e = cite_slot(rc, c->reqs[i], &c->req_loc[i]);
		r = registry_find(reg, c->reqs[i]);
		if (!e)
			continue;
		if (!r) {
			e->unknown = true;
			continue;
		}
		if (registry_end(r->id) != (c->device ? REQ_END_DEVICE : REQ_END_KERNEL))
			e->wrong_end = true;
		/* What a case says for a revision it never runs is never checked. */
		if (!(c->revisions & bit))
			continue;
		cited[r - reg->reqs] = true;
		e->rule_revs = r->revisions;
		if (!(r->revisions & bit))
			e->bad_revs |= bit;
	}
}

/* "v1, v3" for a revision mask. */
static void format_revs(unsigned int mask, char *buf, size_t len)
{
	enum iorfd_rev r;
	size_t used = 0;

	buf[0] = '\0';
	for_each_rev(r) {
		if (!(mask & (1u << r)) || used >= len)
			continue;
		used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "", rev_name(r));
	}
}

int registry_cite_report(const struct req_cites *rc, const char *file, FILE *out)
{
	char bad[32], rule[32];
	int i, unknown = 0;

	for (i = 0; i < rc->nr; i++) {
		const struct req_cite *e = &rc->at[i];

		if (e->unknown) {
			fprintf(out, "%s:%d:%d: unknown requirement '%s'\n", file, e->line, e->col,
				e->id);
			unknown++;
		} else if (e->wrong_end) {
			fprintf(out,
				"%s:%d:%d: requirement '%s' is %s; this case cannot check it (DEV-* "
				"rules are for device cases, the others for guest cases)\n",
				file, e->line, e->col, e->id,
				registry_end(e->id) == REQ_END_DEVICE ? "a rule of the device end"
								      : "a rule of the kernel end");
			unknown++;
		} else if (e->bad_revs) {
			format_revs(e->bad_revs, bad, sizeof(bad));
			format_revs(e->rule_revs, rule, sizeof(rule));
			fprintf(out,
				"%s:%d:%d: warning: requirement '%s' applies to %s only, but the "
				"case also runs %s\n",
				file, e->line, e->col, e->id, rule, bad);
		}
	}
	return unknown;
}

/* Length of the group part of @id: "REG-V3-5" -> 3 ("REG"). */
static int group_len(const char *id)
{
	return (int)strcspn(id, "-");
}

static bool same_group(const char *a, const char *b)
{
	int n = group_len(a);

	return n == group_len(b) && !strncmp(a, b, n);
}

/* Prints "WIRE 5/9 FIELD 5/5 ..." in the order groups first appear. */
static void report_groups(const struct registry *reg, const bool *cited, FILE *out)
{
	int i, j, total, hit;

	for (i = 0; i < reg->nr; i++) {
		for (j = 0; j < i && !same_group(reg->reqs[j].id, reg->reqs[i].id); j++)
			;
		if (j < i)
			continue; /* group already printed */
		total = hit = 0;
		for (j = i; j < reg->nr; j++) {
			if (!same_group(reg->reqs[j].id, reg->reqs[i].id))
				continue;
			total++;
			hit += cited[j];
		}
		fprintf(out, " %.*s %d/%d", group_len(reg->reqs[i].id), reg->reqs[i].id, hit,
			total);
	}
}

void registry_report(const struct registry *reg, const bool *cited, unsigned int ends, FILE *out)
{
	int i, nr_cited = 0, nr_bare = 0, nr_other = 0;

	for (i = 0; i < reg->nr; i++)
		nr_cited += cited[i];
	fprintf(out, "lint: %d requirements, %d cited by a case; MUST without a case:", reg->nr,
		nr_cited);
	for (i = 0; i < reg->nr; i++) {
		if (reg->reqs[i].level != REQ_MUST || cited[i] || reg->reqs[i].untestable)
			continue;
		if (!(registry_end(reg->reqs[i].id) & ends)) {
			nr_other++;
			continue;
		}
		fprintf(out, " %s", reg->reqs[i].id);
		nr_bare++;
	}
	fprintf(out, "%s\n", nr_bare ? "" : " none");
	/* The other end's cases live elsewhere: say so rather than call its rules bare. */
	if (nr_other)
		fprintf(out,
			"lint: %d MUST rule%s of the %s end left to %s (not among these files)\n",
			nr_other, nr_other == 1 ? "" : "s",
			ends & REQ_END_KERNEL ? "device" : "kernel",
			ends & REQ_END_KERNEL ? "the device cases, cases/device/"
					      : "the guest cases, cases/");
	/* Said every time: a rule nobody can test is a gap, not a pass. */
	for (i = 0; i < reg->nr; i++)
		if (reg->reqs[i].untestable && !cited[i] && (registry_end(reg->reqs[i].id) & ends))
			fprintf(out, "lint: %s not testable here: %s\n", reg->reqs[i].id,
				reg->reqs[i].untestable);
	fprintf(out, "lint: cited/total by group:");
	report_groups(reg, cited, out);
	fprintf(out, "\n");
}
