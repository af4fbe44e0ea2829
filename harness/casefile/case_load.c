// SPDX-License-Identifier: GPL-2.0
/*
 * Case file loader: YAML text -> struct iorfd_case for one revision.
 *
 * yaml_tree.c turns the text into a tree and catches what any YAML file can
 * get wrong; this file knows the schema of docs/case-format.md.  Each
 * section has its own small function, and all of them report through
 * fail(), which puts FILE:LINE:COL in front, so a message always names the
 * node a human has to change.
 *
 * Per-revision values ({v1: .., v3: .., default: ..}) are resolved by
 * resolve() at the point where the schema wants a scalar or a sequence and
 * finds a mapping; nothing past that point sees them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/case.h"
#include "lib/errno_names.h"
#include "lib/file_read.h"
#include "casefile/case_schema.h"
#include "casefile/yaml_tree.h"

/* Far above any real case, low enough that a stray binary is refused quickly. */
#define CASE_FILE_MAX (1 << 20)

#define PIO_SPACE_END 0x10000ull /* in/out take a 16-bit port */

struct loader {
	const char *file; /* as given, for messages */
	enum iorfd_rev rev;
	struct iorfd_case *c;
	struct case_error *err;
};

__attribute__((format(printf, 3, 4))) static int fail(struct loader *l, const struct ynode *n,
						      const char *fmt, ...)
{
	size_t size = sizeof(l->err->msg);
	va_list ap;
	int len;

	len = snprintf(l->err->msg, size, "%s:%d:%d: ", l->file, n->line, n->col);
	if (len >= 0 && (size_t)len < size) {
		va_start(ap, fmt);
		vsnprintf(l->err->msg + len, size - len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static struct src_loc loc_of(const struct loader *l, const struct ynode *n)
{
	return (struct src_loc){.file = l->c->file, .line = n->line, .col = n->col};
}

/* ---- node types and keys ------------------------------------------------ */

static int want_map(struct loader *l, const struct ynode *n)
{
	if (n->type != YNODE_MAP)
		return fail(l, n, "expected a mapping, found %s", ynode_kind(n));
	return 0;
}

/*
 * The keys of @map against the schema (case_schema.h): @name NULL checks
 * only that each is a key of @context at all.
 */
static int check_schema(struct loader *l, const struct ynode *map, const char *context,
			const char *name)
{
	const struct ynode *at;
	char msg[300];

	return schema_check(context, name, map, &at, msg, sizeof(msg)) ? fail(l, at, "%s", msg) : 0;
}

static const struct ynode *need_key(struct loader *l, const struct ynode *map, const char *key)
{
	const struct ynode *v = ymap_find(map, key, NULL);

	if (!v)
		fail(l, map, "missing key '%s'", key);
	return v;
}

/* ---- per-revision values ------------------------------------------------ */

/* Revision named by @len bytes at @s ("v2"), or -1. */
static int sel_part(const char *s, size_t len)
{
	enum iorfd_rev r;

	for_each_rev(r) {
		const char *name = rev_name(r);

		if (strlen(name) == len && !memcmp(name, s, len))
			return r;
	}
	return -1;
}

/*
 * Revisions a selector key names, as a bit mask: "v1+v3" -> 0b101.
 * "default" is 0; anything that is not a selector is -1.  A revision named
 * twice in one key is reported through @dup.
 */
static int sel_mask(const char *key, int *dup)
{
	const char *p = key;
	int mask = 0;

	*dup = -1;
	if (!strcmp(key, "default"))
		return 0;
	for (;;) {
		size_t len = strcspn(p, "+");
		int r = sel_part(p, len);

		if (r < 0)
			return -1;
		if ((mask & (1 << r)) && *dup < 0)
			*dup = r;
		mask |= 1 << r;
		if (!p[len])
			return mask;
		p += len + 1;
	}
}

static bool has_selector_key(const struct ynode *map)
{
	int i, dup;

	for (i = 0; i < ymap_len(map); i++) {
		if (sel_mask(ymap_key(map, i)->str, &dup) >= 0)
			return true;
	}
	return false;
}

/* The value a selector mapping gives for l->rev; NULL after an error. */
static const struct ynode *pick_rev(struct loader *l, const struct ynode *map)
{
	const struct ynode *hit = NULL, *dflt = NULL;
	int first_line[IORFD_NR_REVS] = {0};
	enum iorfd_rev r;
	int i, mask, dup;

	for (i = 0; i < ymap_len(map); i++) {
		const struct ynode *key = ymap_key(map, i);

		mask = sel_mask(key->str, &dup);
		if (mask < 0) {
			fail(l, key,
			     "'%.64s' is not a revision selector (v1, v2, v3, default, v1+v2, ...)",
			     key->str);
			return NULL;
		}
		if (dup >= 0) {
			fail(l, key, "revision %s given twice in '%.64s'", rev_name(dup), key->str);
			return NULL;
		}
		if (!mask)
			dflt = ymap_val(map, i);
		for_each_rev(r) {
			if (!(mask & (1 << r)))
				continue;
			if (first_line[r]) {
				fail(l, key, "revision %s given twice (first at line %d)",
				     rev_name(r), first_line[r]);
				return NULL;
			}
			first_line[r] = key->line;
			if (r == l->rev)
				hit = ymap_val(map, i);
		}
	}
	if (!hit)
		hit = dflt;
	/* A revision the case does not run needs no value: any will do to load it. */
	if (!hit && !(l->c->revisions & (1u << l->rev)) && ymap_len(map))
		hit = ymap_val(map, 0);
	if (!hit)
		fail(l, map, "no value for revision %s (add %s or default)", rev_name(l->rev),
		     rev_name(l->rev));
	return hit;
}

/*
 * @n where the schema wants @what (a scalar or a sequence): a mapping there
 * is a per-revision value if any of its keys is a selector, and a type
 * error otherwise.  A per-revision value does not nest.
 */
static const struct ynode *resolve(struct loader *l, const struct ynode *n, const char *what)
{
	if (n->type != YNODE_MAP)
		return n;
	if (!has_selector_key(n)) {
		fail(l, n, "expected %s, found a mapping", what);
		return NULL;
	}
	return pick_rev(l, n);
}

/* ---- scalars -------------------------------------------------------------- */

/* @n resolved, and a scalar with a value; @what is for the message. */
static const struct ynode *scalar(struct loader *l, const struct ynode *n, const char *what)
{
	n = resolve(l, n, what);
	if (n && (n->type != YNODE_SCALAR || ynode_is_null(n))) {
		fail(l, n, "expected %s, found %s", what, ynode_kind(n));
		return NULL;
	}
	return n;
}

static const struct ynode *sequence(struct loader *l, const struct ynode *n)
{
	n = resolve(l, n, "a sequence");
	if (n && n->type != YNODE_SEQ) {
		fail(l, n, "expected a sequence, found %s", ynode_kind(n));
		return NULL;
	}
	return n;
}

static int digit_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return 99;
}

/*
 * Decimal, 0x, 0b or 0o; no sign, no spaces, no separators.  strtoull is
 * not used: it takes signs, spaces and a bare leading 0 as octal.  A
 * decimal with a leading zero is refused so "010" is not silently 10 to
 * us and 8 to a reader who knows YAML 1.1.  Returns 0, -1 for a malformed
 * number, -2 for one above 2^64-1.
 */
static int parse_u64(const char *s, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	int d;

	if (s[0] == '0' && s[1]) {
		switch (s[1]) {
		case 'x':
		case 'X':
			base = 16;
			break;
		case 'b':
		case 'B':
			base = 2;
			break;
		case 'o':
		case 'O':
			base = 8;
			break;
		default:
			return -1;
		}
		s += 2;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		d = digit_value(*s);
		if (d >= (int)base)
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -2;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* @n as a number; @at (if given) gets the node holding it, for later checks. */
static int get_u64(struct loader *l, const struct ynode *n, uint64_t *v, const struct ynode **at)
{
	int r;

	n = scalar(l, n, "a number");
	if (!n)
		return -1;
	r = parse_u64(n->str, v);
	if (r == -2)
		return fail(l, n, "number '%.64s' does not fit in 64 bits", n->str);
	if (r)
		return fail(l, n, "bad number '%.64s'", n->str);
	if (at)
		*at = n;
	return 0;
}

static int get_bool(struct loader *l, const struct ynode *n, bool *v)
{
	n = scalar(l, n, "true or false");
	if (!n)
		return -1;
	if (!strcmp(n->str, "true"))
		*v = true;
	else if (!strcmp(n->str, "false"))
		*v = false;
	else
		return fail(l, n, "expected true or false, found '%.64s'", n->str);
	return 0;
}

/*
 * One of @names (NULL-terminated) -> its index.  @what names the field and
 * @list spells the choices, for "unknown kind 'tcp' (stream, ...)".
 */
static int get_enum(struct loader *l, const struct ynode *n, const char *const *names,
		    const char *what, const char *list, int *idx)
{
	int i;

	n = scalar(l, n, list);
	if (!n)
		return -1;
	for (i = 0; names[i]; i++) {
		if (!strcmp(n->str, names[i])) {
			*idx = i;
			return 0;
		}
	}
	return fail(l, n, "unknown %s '%.64s' (expected %s)", what, n->str, list);
}

/*
 * The entry of @context named by scalar @n (a step's op, a host step's
 * action): its index among the context's entries, which is its enum.
 */
static int get_kind(struct loader *l, const struct ynode *n, const char *context, const char *what,
		    int *idx)
{
	char names[256];

	schema_names(context, names, sizeof(names));
	n = scalar(l, n, names);
	if (!n)
		return -1;
	if (schema_find(context, n->str, idx))
		return 0;
	return fail(l, n, "unknown %s '%.64s' (expected %s)", what, n->str, names);
}

/* A name node (a mapping key or a value) checked against [A-Za-z0-9_-]+. */
static int check_name(struct loader *l, const struct ynode *n)
{
	const char *p;

	for (p = n->str; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			break;
	}
	if (*p || p == n->str)
		return fail(l, n, "bad name '%.64s' (use %s)", n->str, SCHEMA_NAME_CHARS);
	if (p - n->str >= CASE_NAME_MAX)
		return fail(l, n, "name '%.64s' is longer than %d characters", n->str,
			    CASE_NAME_MAX - 1);
	return 0;
}

/* @at (if given) gets the node holding the name, for later checks. */
static int get_region(struct loader *l, const struct ynode *n, int *idx, const struct ynode **at)
{
	n = scalar(l, n, "a region name");
	if (!n)
		return -1;
	*idx = case_find_region(l->c, n->str);
	if (*idx < 0)
		return fail(l, n, "unknown region '%.64s'", n->str);
	if (at)
		*at = n;
	return 0;
}

static int get_channel(struct loader *l, const struct ynode *n, int *idx)
{
	n = scalar(l, n, "a channel name");
	if (!n)
		return -1;
	*idx = case_find_channel(l->c, n->str);
	if (*idx < 0)
		return fail(l, n, "unknown channel '%.64s'", n->str);
	return 0;
}

static int get_errno(struct loader *l, const struct ynode *n, int *err)
{
	n = scalar(l, n, "an errno name");
	if (!n)
		return -1;
	*err = errno_from_name(n->str);
	if (*err < 0)
		return fail(l, n, "unknown errno '%.64s' (0 or a name such as EINVAL)", n->str);
	return 0;
}

/* ---- sizes, values and addresses --------------------------------------- */

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
}

/* An access size for @space; guests have no 8-byte in/out. */
static int get_size(struct loader *l, const struct ynode *n, enum addr_space space,
		    unsigned int *size)
{
	const struct ynode *at;
	uint64_t v;

	if (get_u64(l, n, &v, &at))
		return -1;
	if (space == SPACE_PIO && v != 1 && v != 2 && v != 4)
		return fail(l, at, "pio size must be 1, 2 or 4");
	if (v != 1 && v != 2 && v != 4 && v != 8)
		return fail(l, at, "size must be 1, 2, 4 or 8");
	*size = v;
	return 0;
}

/* A value that must fit in an access of @size bytes. */
static int get_value(struct loader *l, const struct ynode *n, unsigned int size, uint64_t *v)
{
	const struct ynode *at;

	if (get_u64(l, n, v, &at))
		return -1;
	if (*v & ~size_mask(size))
		return fail(l, at, "value 0x%llx does not fit in %u byte%s", (unsigned long long)*v,
			    size, size == 1 ? "" : "s");
	return 0;
}

/* An access the guest can make: no wrap, and ports within 16 bits. */
static int check_access(struct loader *l, const struct ynode *at, enum addr_space space,
			uint64_t addr, unsigned int size)
{
	if (space == SPACE_PIO && (addr >= PIO_SPACE_END || size > PIO_SPACE_END - addr))
		return fail(l, at, "port 0x%llx + %u bytes is beyond the 16-bit I/O space",
			    (unsigned long long)addr, size);
	if (addr + (size - 1) < addr)
		return fail(l, at,
			    "access of %u bytes at 0x%llx wraps past the end of the address space",
			    size, (unsigned long long)addr);
	return 0;
}

/*
 * Which one of @keys (NULL-terminated) @map has: index into @keys, and its
 * value.  None is reported at the mapping, a second one at its key.
 */
static int pick_one(struct loader *l, const struct ynode *map, const char *const *keys,
		    const char *op, const char *list, int *which, const struct ynode **val)
{
	int i, k, found = -1;

	for (i = 0; i < ymap_len(map); i++) {
		for (k = 0; keys[k] && strcmp(keys[k], ymap_key(map, i)->str); k++)
			;
		if (!keys[k])
			continue;
		if (found >= 0)
			return fail(l, ymap_key(map, i), "give only one of %s", list);
		found = k;
		*val = ymap_val(map, i);
	}
	if (found < 0)
		return fail(l, map, "%s needs one of %s", op, list);
	*which = found;
	return 0;
}

/* ---- header: case, summary, requirements, revisions -------------------- */

/* Identity and applicability must be the same whichever revision loads. */
static int fixed(struct loader *l, const struct ynode *n, const char *key)
{
	if (n->type == YNODE_MAP && has_selector_key(n))
		return fail(l, n, "'%s' cannot vary by revision", key);
	return 0;
}

/* [A-Z]+(-[A-Z0-9]+)+, as docs/requirements.yaml numbers its rules. */
bool req_id_ok(const char *s)
{
	const char *p = s, *q;
	int groups = 0;

	while (*p >= 'A' && *p <= 'Z')
		p++;
	if (p == s)
		return false;
	while (*p == '-') {
		q = ++p;
		while ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
			p++;
		if (p == q)
			return false;
		groups++;
	}
	return !*p && groups;
}

static int load_req(struct loader *l, const struct ynode *n)
{
	struct iorfd_case *c = l->c;
	int i;

	n = scalar(l, n, "a requirement ID");
	if (!n)
		return -1;
	if (!req_id_ok(n->str))
		return fail(l, n, "bad requirement ID '%.64s' (like WIRE-1)", n->str);
	if (strlen(n->str) >= sizeof(c->req_buf[0]))
		return fail(l, n, "requirement ID '%.64s' is longer than %zu characters", n->str,
			    sizeof(c->req_buf[0]) - 1);
	for (i = 0; i < c->nr_reqs; i++) {
		if (!strcmp(c->reqs[i], n->str))
			return fail(l, n, "requirement '%s' listed twice", n->str);
	}
	if (c->nr_reqs >= CASE_MAX_REQS)
		return fail(l, n, "too many requirements (max %d)", CASE_MAX_REQS);
	strcpy(c->req_buf[c->nr_reqs], n->str);
	c->reqs[c->nr_reqs] = c->req_buf[c->nr_reqs];
	c->req_loc[c->nr_reqs] = loc_of(l, n);
	c->nr_reqs++;
	return 0;
}

static int load_reqs(struct loader *l, const struct ynode *n)
{
	int i;

	n = sequence(l, n);
	if (!n)
		return -1;
	for (i = 0; i < n->nr_kids; i++) {
		if (load_req(l, n->kids[i]))
			return -1;
	}
	return 0;
}

static int load_revisions(struct loader *l, const struct ynode *n)
{
	enum iorfd_rev r;
	int i;

	if (fixed(l, n, "revisions"))
		return -1;
	n = sequence(l, n);
	if (!n)
		return -1;
	if (!n->nr_kids)
		return fail(l, n, "revisions must name at least one revision");
	l->c->revisions = 0;
	for (i = 0; i < n->nr_kids; i++) {
		const struct ynode *item = n->kids[i];

		if (fixed(l, item, "revisions"))
			return -1;
		item = scalar(l, item, "a revision (v1, v2 or v3)");
		if (!item)
			return -1;
		if (rev_parse(item->str, &r))
			return fail(l, item, "unknown revision '%.64s' (expected v1, v2 or v3)",
				    item->str);
		if (l->c->revisions & (1u << r))
			return fail(l, item, "revision %s listed twice", item->str);
		l->c->revisions |= 1u << r;
	}
	return 0;
}

/*
 * crash_risk: "why".  A property of the case, not of a revision: the plan
 * orders cases by it before any revision is loaded.  The reason is shown in
 * a skip line, so true/false (a likely slip) is refused.
 */
static int load_crash_risk(struct loader *l, const struct ynode *n)
{
	if (fixed(l, n, "crash_risk"))
		return -1;
	n = scalar(l, n, "a string (the reason)");
	if (!n)
		return -1;
	if (n->plain && (!strcmp(n->str, "true") || !strcmp(n->str, "false")))
		return fail(l, n, "crash_risk wants the reason as a string, not %s", n->str);
	if (!n->str[0])
		return fail(l, n, "crash_risk needs a reason");
	/* It ends up on one KTAP line. */
	if (strchr(n->str, '\n'))
		return fail(l, n, "crash_risk must be one line");
	if (strlen(n->str) >= sizeof(l->c->crash_risk))
		return fail(l, n, "crash_risk is longer than %zu characters",
			    sizeof(l->c->crash_risk) - 1);
	strcpy(l->c->crash_risk, n->str);
	return 0;
}

static int load_header(struct loader *l, const struct ynode *root)
{
	struct iorfd_case *c = l->c;
	const struct ynode *n, *key;

	n = ymap_find(root, "case", &key);
	if (!n)
		return fail(l, root, "missing key 'case'");
	if (fixed(l, n, "case"))
		return -1;
	n = scalar(l, n, "a name");
	if (!n || check_name(l, n))
		return -1;
	strcpy(c->name, n->str);
	c->loc = loc_of(l, key);

	n = ymap_find(root, "summary", NULL);
	if (n) {
		n = scalar(l, n, "a string");
		if (!n)
			return -1;
		if (strlen(n->str) >= sizeof(c->summary))
			return fail(l, n, "summary is longer than %zu characters",
				    sizeof(c->summary) - 1);
		strcpy(c->summary, n->str);
	}
	n = ymap_find(root, "crash_risk", NULL);
	if (n && load_crash_risk(l, n))
		return -1;

	/* Revisions first: per-revision values need not cover revisions the case skips. */
	c->revisions = IORFD_ALL_REVS;
	n = ymap_find(root, "revisions", NULL);
	if (n && load_revisions(l, n))
		return -1;
	n = ymap_find(root, "requirements", NULL);
	return n && load_reqs(l, n) ? -1 : 0;
}

/* ---- channels and regions ---------------------------------------------- */

static const char *const chan_kinds[] = {"stream", "seqpacket", "pipes", "fifos", NULL};
static const char *const spaces[] = {"mmio", "pio", NULL};

/* A small non-negative count (command numbers, milliseconds, bytes). */
static int get_int(struct loader *l, const struct ynode *n, int min, int max, int *out)
{
	const struct ynode *at;
	uint64_t v;

	if (get_u64(l, n, &v, &at))
		return -1;
	if (v < (uint64_t)min || v > (uint64_t)max)
		return fail(l, at, "%llu is not in %d..%d", (unsigned long long)v, min, max);
	*out = (int)v;
	return 0;
}

/* script: [{at: N, reply: V, delay_ms: M, hold: true, fault: F, bytes: B}] */
static int load_rule(struct loader *l, const struct ynode *map, struct resp_rule *r)
{
	static const char *const faults[] = {"none",	"close", "short",	  "long", "extra",
					     "garbage", "never", "answer_posted", NULL};
	const struct ynode *n;
	int v;

	r->loc = loc_of(l, map);
	if (want_map(l, map) || check_schema(l, map, "script entry", ""))
		return -1;
	n = need_key(l, map, "at");
	if (!n || get_int(l, n, 1, 1 << 20, &r->at))
		return -1;
	n = ymap_find(map, "reply", NULL);
	r->has_reply = n != NULL;
	if (n && get_u64(l, n, &r->reply, NULL))
		return -1;
	n = ymap_find(map, "delay_ms", NULL);
	if (n && get_int(l, n, 0, 10000, &r->delay_ms))
		return -1;
	n = ymap_find(map, "hold", NULL);
	if (n && get_bool(l, n, &r->hold))
		return -1;
	n = ymap_find(map, "fault", NULL);
	if (n && get_enum(l, n, faults, "fault",
			  "close, short, long, extra, garbage, never or answer_posted", &v))
		return -1;
	r->fault = n ? v : RF_NONE;
	r->bytes = r->fault == RF_SHORT ? 16 : r->fault == RF_LONG ? 40 : 0;
	n = ymap_find(map, "bytes", NULL);
	if (n && r->fault != RF_SHORT && r->fault != RF_LONG)
		return fail(l, n, "'bytes' is only for fault short or long");
	if (n &&
	    get_int(l, n, r->fault == RF_SHORT ? 0 : 33, r->fault == RF_SHORT ? 31 : 64, &r->bytes))
		return -1;
	return 0;
}

static int load_script(struct loader *l, const struct ynode *n, struct case_channel *ch)
{
	int i;

	n = sequence(l, n);
	if (!n)
		return -1;
	for (i = 0; i < n->nr_kids; i++) {
		if (i >= CASE_MAX_RULES)
			return fail(l, n->kids[i], "too many script entries (max %d)",
				    CASE_MAX_RULES);
		if (load_rule(l, n->kids[i], &ch->rules[i]))
			return -1;
		ch->nr_rules++;
	}
	return 0;
}

static int load_channel(struct loader *l, const struct ynode *key, const struct ynode *map)
{
	static const char *const models[] = {"registers", NULL};
	struct iorfd_case *c = l->c;
	struct case_channel *ch;
	const struct ynode *n;
	int v;

	if (check_name(l, key))
		return -1;
	if (c->nr_channels >= CASE_MAX_CHANNELS)
		return fail(l, key, "too many channels (max %d)", CASE_MAX_CHANNELS);
	ch = &c->channels[c->nr_channels++];
	strcpy(ch->name, key->str);
	ch->loc = loc_of(l, key);
	if (want_map(l, map) || check_schema(l, map, "channel", ""))
		return -1;

	n = need_key(l, map, "kind");
	if (!n || get_enum(l, n, chan_kinds, "kind", "stream, seqpacket, pipes or fifos", &v))
		return -1;
	ch->kind = v;
	n = ymap_find(map, "responder", NULL);
	if (n && get_enum(l, n, models, "responder", "registers", &v))
		return -1;
	ch->model = n ? v : RESPONDER_REGISTERS;
	n = ymap_find(map, "reset", NULL);
	if (n && get_u64(l, n, &ch->reset, NULL))
		return -1;
	n = ymap_find(map, "nonblock", NULL);
	if (n && get_bool(l, n, &ch->nonblock))
		return -1;
	n = ymap_find(map, "script", NULL);
	return n ? load_script(l, n, ch) : 0;
}

/*
 * read_fd / write_fd: "channel", "closed", "reopened", "swapped" or a
 * (possibly negative) decimal number.  Only a pipe can be opened anew
 * through /proc/self/fd or has two ends to swap, so "reopened" and
 * "swapped" need a pipes or fifos channel.
 */
static int get_fd(struct loader *l, const struct ynode *n, const struct case_region *r,
		  struct fd_override *fd)
{
	const struct ynode *v =
		scalar(l, n, "an fd: channel, closed, reopened, swapped or a number");
	enum chan_kind kind = l->c->channels[r->channel].kind;
	const char *s;
	char *end;
	long num;

	if (!v)
		return -1;
	s = v->str;
	if (!strcmp(s, "channel") || !strcmp(s, "closed")) {
		fd->how = s[1] == 'h' ? FD_CHANNEL : FD_CLOSED;
		return 0;
	}
	if (!strcmp(s, "reopened") || !strcmp(s, "swapped")) {
		/* A socketpair channel has one fd both ways: nothing to reopen or swap. */
		if (kind != CHAN_PIPES && kind != CHAN_FIFOS)
			return fail(l, v, "a %s channel cannot be %s: use pipes or fifos",
				    chan_kind_name(kind), s);
		fd->how = s[0] == 'r' ? FD_REOPENED : FD_SWAPPED;
		return 0;
	}
	errno = 0;
	num = strtol(s, &end, 10);
	if (!*s || *end || errno || num < INT32_MIN || num > INT32_MAX)
		return fail(
			l, v,
			"bad fd '%s': expected channel, closed, reopened, swapped or a 32-bit number",
			s);
	fd->how = FD_NUMBER;
	fd->number = (int)num;
	return 0;
}

/* Extra flag bits (unknown ones, or DEASSIGN on an assign) to test how they are refused. */
static int get_flags(struct loader *l, const struct ynode *n, uint32_t *flags)
{
	const struct ynode *at;
	uint64_t v;

	if (get_u64(l, n, &v, &at))
		return -1;
	if (v > UINT32_MAX)
		return fail(l, at, "flags 0x%llx do not fit in 32 bits", (unsigned long long)v);
	*flags = (uint32_t)v;
	return 0;
}

/* Region keys that only tests of registration need. */
static int load_region_extras(struct loader *l, const struct ynode *map, struct case_region *r)
{
	static const char *const when[] = {"start", "later", NULL};
	const struct ynode *n;
	int v;

	n = ymap_find(map, "flags", NULL);
	if (n && get_flags(l, n, &r->extra_flags))
		return -1;
	n = ymap_find(map, "read_fd", NULL);
	if (n && get_fd(l, n, r, &r->rfd))
		return -1;
	n = ymap_find(map, "write_fd", NULL);
	if (n && get_fd(l, n, r, &r->wfd))
		return -1;
	n = ymap_find(map, "register", NULL);
	if (n && get_enum(l, n, when, "register", "start or later", &v))
		return -1;
	r->later = n && v == 1;
	return 0;
}

/*
 * A region KVM must accept may not wrap; one it must refuse may be
 * anything, since being malformed is usually why it is refused.
 */
static int check_region_span(struct loader *l, const struct case_region *r,
			     const struct ynode *size_at)
{
	if (r->expect_errno || !r->size || r->gpa + (r->size - 1) >= r->gpa)
		return 0;
	return fail(l, size_at, "region 0x%llx + 0x%llx wraps past the end of the address space",
		    (unsigned long long)r->gpa, (unsigned long long)r->size);
}

static int load_region(struct loader *l, const struct ynode *key, const struct ynode *map)
{
	struct iorfd_case *c = l->c;
	const struct ynode *n, *size_at;
	struct case_region *r;
	int v;

	if (check_name(l, key))
		return -1;
	if (c->nr_regions >= CASE_MAX_REGIONS)
		return fail(l, key, "too many regions (max %d)", CASE_MAX_REGIONS);
	r = &c->regions[c->nr_regions++];
	strcpy(r->name, key->str);
	r->loc = loc_of(l, key);
	if (want_map(l, map) || check_schema(l, map, "region", ""))
		return -1;

	n = need_key(l, map, "channel");
	if (!n || get_channel(l, n, &r->channel))
		return -1;
	n = ymap_find(map, "space", NULL);
	if (n && get_enum(l, n, spaces, "space", "mmio or pio", &v))
		return -1;
	r->space = n ? v : SPACE_MMIO;
	n = need_key(l, map, "gpa");
	if (!n || get_u64(l, n, &r->gpa, NULL))
		return -1;
	n = need_key(l, map, "size");
	if (!n || get_u64(l, n, &r->size, &size_at))
		return -1;
	n = ymap_find(map, "user_data", NULL);
	if (n && get_u64(l, n, &r->user_data, NULL))
		return -1;
	n = ymap_find(map, "posted", NULL);
	if (n && get_bool(l, n, &r->posted))
		return -1;
	n = ymap_find(map, "errno", NULL);
	if (n && get_errno(l, n, &r->expect_errno))
		return -1;
	if (load_region_extras(l, map, r))
		return -1;
	return check_region_span(l, r, size_at);
}

/*
 * "channels" and "regions" are mappings from name to definition, so unlike
 * scalars and sequences they cannot be per-revision.
 */
static int load_named(struct loader *l, const struct ynode *root, const char *section,
		      int (*load_one)(struct loader *, const struct ynode *, const struct ynode *))
{
	const struct ynode *map = ymap_find(root, section, NULL);
	int i;

	if (!map)
		return 0;
	if (want_map(l, map))
		return -1;
	for (i = 0; i < ymap_len(map); i++) {
		if (load_one(l, ymap_key(map, i), ymap_val(map, i)))
			return -1;
	}
	return 0;
}

/* ---- programs ------------------------------------------------------------ */

static const char *const addr_keys[] = {"region", "mmio", "pio", NULL};

/* The op of step @s, as the schema names it. */
static const char *op_name(const struct case_step *s)
{
	static const char *const names[] = {
		[STEP_READ] = "read",	    [STEP_WRITE] = "write",   [STEP_SYNC] = "sync",
		[STEP_HOST] = "host",	    [STEP_OUTS] = "outs",     [STEP_INS] = "ins",
		[STEP_ADD] = "add",	    [STEP_XCHG] = "xchg",     [STEP_CMPXCHG] = "cmpxchg",
		[STEP_STORE16] = "store16", [STEP_LOAD16] = "load16",
	};

	return names[s->op];
}

/* region + offset: the address is the region's gpa plus the offset. */
static int step_region_addr(struct loader *l, const struct ynode *map, const struct ynode *rn,
			    struct case_step *s, const struct ynode **addr_at)
{
	const struct case_region *r;
	const struct ynode *n;
	uint64_t off;

	if (get_region(l, rn, &s->region, NULL))
		return -1;
	r = &l->c->regions[s->region];
	s->space = r->space;
	n = need_key(l, map, "offset");
	if (!n || get_u64(l, n, &off, addr_at))
		return -1;
	if (r->gpa + off < r->gpa)
		return fail(l, *addr_at, "region '%s' at 0x%llx + offset 0x%llx overflows", r->name,
			    (unsigned long long)r->gpa, (unsigned long long)off);
	s->addr = r->gpa + off;
	return 0;
}

static int step_addr(struct loader *l, const struct ynode *map, struct case_step *s,
		     const struct ynode **addr_at)
{
	const struct ynode *val, *offset;
	int which;

	if (pick_one(l, map, addr_keys, op_name(s), "'region', 'mmio' or 'pio'", &which, &val))
		return -1;
	if (which == 0)
		return step_region_addr(l, map, val, s, addr_at);
	if (ymap_find(map, "offset", &offset))
		return fail(l, offset, "'offset' needs 'region'");
	s->region = -1;
	s->space = which == 1 ? SPACE_MMIO : SPACE_PIO;
	return get_u64(l, val, &s->addr, addr_at);
}

/*
 * fill_bus: {count: N, at_least: M, uncapped_errno: E} and the region.
 * uncapped_errno is what the case expects where a bus has no cap (the
 * kernel accounts kernel memory); unset, the same as errno.
 */
static int load_fill_step(struct loader *l, const struct ynode *map, struct case_step *s)
{
	const struct ynode *n;
	int v;

	n = ymap_find(map, "uncapped_errno", NULL);
	if (n && get_errno(l, n, &s->uncapped_errno))
		return -1;
	if (!n)
		s->uncapped_errno = s->expect_errno;

	n = need_key(l, map, "count");
	if (!n || get_int(l, n, 1, CASE_MAX_FILL, &v))
		return -1;
	s->count = (unsigned int)v;
	n = ymap_find(map, "at_least", NULL);
	if (n && get_int(l, n, 0, (int)s->count, &v))
		return -1;
	s->at_least = n ? (unsigned int)v : 0;
	return 0;
}

/* fill_bus's copies lie side by side from the region on: all in their address space. */
static int check_fill_span(struct loader *l, const struct ynode *map, const struct case_step *s)
{
	const struct case_region *r = &l->c->regions[s->region];
	uint64_t stride = r->size ? r->size : 8, limit = r->space == SPACE_PIO ? 0x10000 : 0;
	uint64_t span = stride * s->count;

	if ((stride && span / stride != s->count) || r->gpa + span < r->gpa ||
	    (limit && r->gpa + span > limit))
		return fail(l, map, "%u copies of region '%s' do not fit in the %s address space",
			    s->count, r->name, space_name(r->space));
	return 0;
}

/*
 * {op: host, action: register|deassign, region: R, errno: E}
 * {op: host, action: register, region: R, pointer: unmapped|page-end, errno: EFAULT}
 * {op: host, action: fill_bus, region: R, count: N, at_least: M, errno: E}
 * {op: host, action: ioeventfd, mmio|pio: ADDR, size: 0|1|2|4|8, errno: E}
 */
static int load_host_step(struct loader *l, const struct ynode *map, struct case_step *s)
{
	static const char *const pointers[] = {"readable", "unmapped", "page-end", NULL};
	const struct ynode *n, *at;
	uint64_t size;
	int v;

	n = need_key(l, map, "action");
	if (!n || get_kind(l, n, "host step", "action", &v))
		return -1;
	s->action = v;
	if (check_schema(l, map, "host step", n->str))
		return -1;
	n = ymap_find(map, "flags", NULL);
	if (n && get_flags(l, n, &s->extra_flags))
		return -1;
	n = ymap_find(map, "pointer", NULL);
	if (n && get_enum(l, n, pointers, "pointer", "readable, unmapped or page-end", &v))
		return -1;
	s->pointer = n ? v : ARG_READABLE;
	n = ymap_find(map, "errno", NULL);
	if (n && get_errno(l, n, &s->expect_errno))
		return -1;
	if (s->action == HOST_FILL_BUS && load_fill_step(l, map, s))
		return -1;
	if (s->action == HOST_CLOSE_FDS || s->action == HOST_DEVICE_WRITE) {
		n = need_key(l, map, "channel");
		return n ? get_channel(l, n, &s->channel) : -1;
	}
	if (s->action != HOST_IOEVENTFD) {
		n = need_key(l, map, "region");
		if (!n || get_region(l, n, &s->region, NULL))
			return -1;
		if (s->action != HOST_DEASSIGN && !l->c->regions[s->region].later)
			return fail(l, n,
				    "region '%s' is registered at start; add 'register: later'",
				    l->c->regions[s->region].name);
		return s->action == HOST_FILL_BUS ? check_fill_span(l, map, s) : 0;
	}
	n = ymap_find(map, "mmio", NULL);
	s->space = n ? SPACE_MMIO : SPACE_PIO;
	if (!n)
		n = need_key(l, map, "pio");
	if (!n || get_u64(l, n, &s->addr, NULL))
		return -1;
	n = need_key(l, map, "size");
	if (!n || get_u64(l, n, &size, &at))
		return -1;
	if (size && wire_size_code((unsigned int)size) < 0)
		return fail(l, at, "ioeventfd size must be 0, 1, 2, 4 or 8");
	s->size = (unsigned int)size;
	return 0;
}

/* outs: {values: [..]}; ins: {count: N, expect: [..]}; one port, like rep outs/ins. */
static int load_string_step(struct loader *l, const struct ynode *map, struct case_step *s)
{
	const struct ynode *list = ymap_find(map, s->op == STEP_OUTS ? "values" : "expect", NULL);
	const struct ynode *n;
	uint64_t count;
	int i;

	if (s->space != SPACE_PIO)
		return fail(l, map, "%s is port I/O: give 'pio' or a pio region", op_name(s));
	if (s->op == STEP_OUTS && !list)
		return need_key(l, map, "values") ? 0 : -1;
	if (list && !(list = sequence(l, list)))
		return -1;
	if (s->op == STEP_INS) {
		n = need_key(l, map, "count");
		if (!n || get_u64(l, n, &count, NULL))
			return -1;
		if (!count || count > CASE_MAX_STRING)
			return fail(l, n, "count must be 1 to %d", CASE_MAX_STRING);
		s->count = (unsigned int)count;
		if (list && list->nr_kids != (int)count)
			return fail(l, list, "expect has %d values for a count of %u",
				    list->nr_kids, s->count);
		s->check = list != NULL;
	} else {
		if (!list->nr_kids || list->nr_kids > CASE_MAX_STRING)
			return fail(l, list, "values must have 1 to %d elements", CASE_MAX_STRING);
		s->count = (unsigned int)list->nr_kids;
	}
	for (i = 0; list && i < list->nr_kids; i++)
		if (get_value(l, list->kids[i], s->size, &s->values[i]))
			return -1;
	return 0;
}

/*
 * store16: {values: [low, high]}; load16: optional {expect: [low, high]}.
 * Always 16 bytes (one SSE register), so no size.
 */
static int load_wide_step(struct loader *l, const struct ynode *map, struct case_step *s)
{
	const char *key = s->op == STEP_STORE16 ? "values" : "expect";
	const struct ynode *list, *addr_at;
	int i;

	if (step_addr(l, map, s, &addr_at))
		return -1;
	if (s->space != SPACE_MMIO)
		return fail(l, map, "%s is an MMIO instruction", op_name(s));
	s->size = 16;
	if (check_access(l, addr_at, s->space, s->addr, s->size))
		return -1;
	list = ymap_find(map, key, NULL);
	if (!list)
		return s->op == STEP_STORE16 && !need_key(l, map, key) ? -1 : 0;
	if (!(list = sequence(l, list)))
		return -1;
	if (list->nr_kids != 2)
		return fail(l, list, "'%s' needs two 8-byte values, low then high", key);
	s->check = s->op == STEP_LOAD16;
	for (i = 0; i < 2; i++)
		if (get_value(l, list->kids[i], 8, &s->values[i]))
			return -1;
	return 0;
}

/* add/xchg/cmpxchg: {value}, xchg/cmpxchg may check the old value with expect. */
static int load_rmw_step(struct loader *l, const struct ynode *map, struct case_step *s)
{
	const struct ynode *n;

	if (s->space != SPACE_MMIO)
		return fail(l, map, "%s is an MMIO instruction", op_name(s));
	n = need_key(l, map, "value");
	if (!n || get_value(l, n, s->size, &s->value))
		return -1;
	if (s->op == STEP_CMPXCHG) {
		n = need_key(l, map, "compare");
		if (!n || get_value(l, n, s->size, &s->compare))
			return -1;
	}
	n = ymap_find(map, "expect", NULL);
	s->check = n != NULL;
	return n ? get_value(l, n, s->size, &s->expect) : 0;
}

static int load_step(struct loader *l, const struct ynode *map, struct case_step *s)
{
	const struct ynode *n, *addr_at;
	int op;

	s->region = -1;
	s->loc = loc_of(l, map);
	if (want_map(l, map) || check_schema(l, map, "step", NULL))
		return -1;
	n = need_key(l, map, "op");
	if (!n || get_kind(l, n, "step", "op", &op))
		return -1;
	s->op = op;
	if (check_schema(l, map, "step", op_name(s)))
		return -1;
	if (s->op == STEP_SYNC)
		return 0;
	if (s->op == STEP_HOST)
		return load_host_step(l, map, s);
	if (s->op == STEP_STORE16 || s->op == STEP_LOAD16)
		return load_wide_step(l, map, s);
	if (s->op >= STEP_OUTS) {
		if (step_addr(l, map, s, &addr_at))
			return -1;
		n = need_key(l, map, "size");
		if (!n || get_size(l, n, s->space, &s->size) ||
		    check_access(l, addr_at, s->space, s->addr, s->size))
			return -1;
		return s->op <= STEP_INS ? load_string_step(l, map, s) : load_rmw_step(l, map, s);
	}
	if (step_addr(l, map, s, &addr_at))
		return -1;
	n = need_key(l, map, "size");
	if (!n || get_size(l, n, s->space, &s->size))
		return -1;
	if (check_access(l, addr_at, s->space, s->addr, s->size))
		return -1;

	if (s->op == STEP_WRITE) {
		n = need_key(l, map, "value");
		return n ? get_value(l, n, s->size, &s->value) : -1;
	}
	n = ymap_find(map, "keep_upper", NULL);
	if (n && (get_bool(l, n, &s->keep_upper) ||
		  (s->keep_upper && (s->space != SPACE_PIO || s->size > 2))))
		return s->keep_upper ? fail(l, n, "keep_upper is for pio reads of 1 or 2 bytes")
				     : -1;
	n = ymap_find(map, "expect", NULL);
	s->check = n != NULL;
	return n ? get_value(l, n, s->size, &s->expect) : 0;
}

static int load_vcpu(struct loader *l, const struct ynode *map, struct case_vcpu *v)
{
	const struct ynode *prog;
	int i;

	v->loc = loc_of(l, map);
	if (want_map(l, map) || check_schema(l, map, "vcpu", ""))
		return -1;
	prog = need_key(l, map, "program");
	if (!prog)
		return -1;
	prog = sequence(l, prog);
	if (!prog)
		return -1;
	if (!prog->nr_kids)
		return fail(l, prog, "a program needs at least one step");
	for (i = 0; i < prog->nr_kids; i++) {
		if (i >= CASE_MAX_STEPS)
			return fail(l, prog->kids[i], "too many steps (max %d)", CASE_MAX_STEPS);
		if (load_step(l, prog->kids[i], &v->steps[i]))
			return -1;
		v->nr_steps++;
	}
	return 0;
}

static int load_vcpus(struct loader *l, const struct ynode *root)
{
	const struct ynode *n;
	int i;

	n = need_key(l, root, "vcpus");
	if (!n)
		return -1;
	n = sequence(l, n);
	if (!n)
		return -1;
	if (!n->nr_kids)
		return fail(l, n, "a case needs at least one vcpu");
	for (i = 0; i < n->nr_kids; i++) {
		if (i >= CASE_MAX_VCPUS)
			return fail(l, n->kids[i], "too many vcpus (max %d)", CASE_MAX_VCPUS);
		if (load_vcpu(l, n->kids[i], &l->c->vcpus[i]))
			return -1;
		l->c->nr_vcpus++;
	}
	return 0;
}

/* ---- expectations --------------------------------------------------------- */

static const char *const rw_ops[] = {"read", "write", NULL};

/* Reads carry data 0 and may leave it out; a write's data is the point. */
static int get_data(struct loader *l, const struct ynode *map, bool write, unsigned int size,
		    uint64_t dflt, uint64_t *data)
{
	const struct ynode *n = write ? need_key(l, map, "data") : ymap_find(map, "data", NULL);

	if (write && !n)
		return -1;
	*data = dflt;
	return n ? get_value(l, n, size, data) : 0;
}

static int load_cmd(struct loader *l, const struct ynode *map, int chan)
{
	struct iorfd_case *c = l->c;
	const struct ynode *n, *rn;
	const struct case_region *r;
	struct expect_cmd *e;
	int cmd;

	if (c->expect.nr_cmds >= CASE_MAX_EXPECT)
		return fail(l, map, "too many expected commands (max %d)", CASE_MAX_EXPECT);
	e = &c->expect.cmds[c->expect.nr_cmds++];
	e->channel = chan;
	e->loc = loc_of(l, map);
	if (want_map(l, map) || check_schema(l, map, "command", ""))
		return -1;
	n = need_key(l, map, "cmd");
	if (!n || get_enum(l, n, rw_ops, "cmd", "read or write", &cmd))
		return -1;
	e->cmd = cmd ? WIRE_CMD_WRITE : WIRE_CMD_READ;

	rn = need_key(l, map, "region");
	if (!rn || get_region(l, rn, &e->region, &rn))
		return -1;
	r = &c->regions[e->region];
	if (r->channel != chan)
		return fail(l, rn, "region '%s' is on channel '%s', not '%s'", r->name,
			    c->channels[r->channel].name, c->channels[chan].name);

	n = need_key(l, map, "size");
	if (!n || get_size(l, n, r->space, &e->size))
		return -1;
	n = need_key(l, map, "offset");
	if (!n || get_u64(l, n, &e->offset, NULL))
		return -1;
	if (get_data(l, map, e->cmd == WIRE_CMD_WRITE, e->size, 0, &e->data))
		return -1;
	/*
	 * A response carries a full u64 whatever the access size, and the
	 * guest keeps only the low bytes; cases check exactly that, so a
	 * reply is not limited to the access size.
	 */
	n = ymap_find(map, "id", NULL);
	if (n) {
		n = scalar(l, n, "a label");
		if (!n || check_name(l, n))
			return -1;
		if (strlen(n->str) >= sizeof(e->id))
			return fail(l, n, "label longer than %zu characters", sizeof(e->id) - 1);
		for (int k = 0; k < c->expect.nr_cmds - 1; k++)
			if (!strcmp(c->expect.cmds[k].id, n->str))
				return fail(l, n, "label '%s' is already used", n->str);
		strcpy(e->id, n->str);
	}
	n = ymap_find(map, "reply", NULL);
	e->has_reply = n != NULL;
	return n ? get_u64(l, n, &e->reply, NULL) : 0;
}

static int find_label(struct loader *l, const struct ynode *n, int *idx)
{
	int i;

	n = scalar(l, n, "a command label");
	if (!n)
		return -1;
	for (i = 0; i < l->c->expect.nr_cmds; i++) {
		if (!strcmp(l->c->expect.cmds[i].id, n->str)) {
			*idx = i;
			return 0;
		}
	}
	return fail(l, n, "no expected command has the label '%.64s'", n->str);
}

/* order: [{first: LABEL | [LABEL...], then: LABEL}] */
static int load_order(struct loader *l, const struct ynode *n)
{
	struct case_expect *e = &l->c->expect;
	int i, j;

	n = sequence(l, n);
	if (!n)
		return -1;
	for (i = 0; i < n->nr_kids; i++) {
		const struct ynode *m = n->kids[i], *f, *t;
		struct hb_rule *r = &e->order[e->nr_order];

		if (e->nr_order == CASE_MAX_TIMELINE)
			return fail(l, m, "too many order rules (max %d)", CASE_MAX_TIMELINE);
		r->loc = loc_of(l, m);
		if (want_map(l, m) || check_schema(l, m, "order rule", ""))
			return -1;
		f = need_key(l, m, "first");
		t = need_key(l, m, "then");
		if (!f || !t || find_label(l, t, &r->then))
			return -1;
		if (f->type != YNODE_SEQ) {
			if (find_label(l, f, &r->first[0]))
				return -1;
			r->nr_first = 1;
		} else {
			if (f->nr_kids > CASE_MAX_HB_FIRST)
				return fail(l, f, "at most %d labels", CASE_MAX_HB_FIRST);
			for (j = 0; j < f->nr_kids; j++)
				if (find_label(l, f->kids[j], &r->first[j]))
					return -1;
			r->nr_first = f->nr_kids;
		}
		e->nr_order++;
	}
	return 0;
}

static int load_transcript(struct loader *l, const struct ynode *map)
{
	const struct ynode *key, *list;
	int i, j, chan;

	if (want_map(l, map))
		return -1;
	for (i = 0; i < ymap_len(map); i++) {
		key = ymap_key(map, i);
		chan = case_find_channel(l->c, key->str);
		if (chan < 0)
			return fail(l, key, "unknown channel '%.64s'", key->str);
		list = ymap_val(map, i);
		/* {any_order: [...]}: the commands may arrive in any order (several vCPUs). */
		if (list->type == YNODE_MAP && ymap_find(list, "any_order", NULL)) {
			if (check_schema(l, list, "transcript channel", "any_order"))
				return -1;
			l->c->expect.any_order[chan] = true;
			list = ymap_find(list, "any_order", NULL);
		}
		list = sequence(l, list);
		if (!list)
			return -1;
		for (j = 0; j < list->nr_kids; j++) {
			if (load_cmd(l, list->kids[j], chan))
				return -1;
		}
	}
	return 0;
}

static int get_exit_size(struct loader *l, const struct ynode *n, unsigned int *size)
{
	const struct ynode *at;
	uint64_t v;

	if (get_u64(l, n, &v, &at))
		return -1;
	if (!v || v > 8)
		return fail(l, at, "an MMIO exit has 1 to 8 bytes");
	*size = (unsigned int)v;
	return 0;
}

static int load_exit(struct loader *l, const struct ynode *map)
{
	static const char *const exit_addr_keys[] = {"mmio", "pio", NULL};
	struct iorfd_case *c = l->c;
	const struct ynode *n, *addr_at;
	struct expect_exit *x;
	int op, which;

	if (c->expect.nr_exits >= CASE_MAX_EXPECT)
		return fail(l, map, "too many expected exits (max %d)", CASE_MAX_EXPECT);
	x = &c->expect.exits[c->expect.nr_exits++];
	x->loc = loc_of(l, map);
	if (want_map(l, map) || check_schema(l, map, "exit", ""))
		return -1;
	n = need_key(l, map, "op");
	if (!n || get_enum(l, n, rw_ops, "op", "read or write", &op))
		return -1;
	x->write = op;
	if (pick_one(l, map, exit_addr_keys, rw_ops[op], "'mmio' or 'pio'", &which, &n))
		return -1;
	x->space = which ? SPACE_PIO : SPACE_MMIO;
	if (get_u64(l, n, &x->addr, &addr_at))
		return -1;
	/*
	 * An ordinary exit may carry any length up to 8: a page-crossing
	 * access leaves fragments of 3, 5, 6 or 7 bytes (DISPATCH-4, -6).
	 */
	n = need_key(l, map, "size");
	if (!n || (x->space == SPACE_PIO ? get_size(l, n, x->space, &x->size)
					 : get_exit_size(l, n, &x->size)))
		return -1;
	if (check_access(l, addr_at, x->space, x->addr, x->size))
		return -1;
	/* An unclaimed bus reads as all ones. */
	return get_data(l, map, x->write, x->size, size_mask(x->size), &x->data);
}

static int load_exits(struct loader *l, const struct ynode *n)
{
	int i;

	n = sequence(l, n);
	if (!n)
		return -1;
	for (i = 0; i < n->nr_kids; i++) {
		if (load_exit(l, n->kids[i]))
			return -1;
	}
	return 0;
}

/* run_errors: [{vcpu: 0, errno: EINTR}] in the order each vCPU sees them */
static int load_run_errors(struct loader *l, const struct ynode *n)
{
	struct case_expect *e = &l->c->expect;
	int i;

	n = sequence(l, n);
	if (!n)
		return -1;
	for (i = 0; i < n->nr_kids; i++) {
		struct expect_run_error *r = &e->run_errors[e->nr_run_errors];
		const struct ynode *m = n->kids[i], *v;

		if (e->nr_run_errors == CASE_MAX_TIMELINE)
			return fail(l, m, "too many run errors (max %d)", CASE_MAX_TIMELINE);
		r->loc = loc_of(l, m);
		if (want_map(l, m) || check_schema(l, m, "run error", ""))
			return -1;
		v = ymap_find(m, "vcpu", NULL);
		if (v && get_int(l, v, 0, l->c->nr_vcpus - 1, &r->vcpu))
			return -1;
		v = need_key(l, m, "errno");
		if (!v || get_errno(l, v, &r->err))
			return -1;
		if (!r->err)
			return fail(l, v, "a run error cannot be 0");
		e->nr_run_errors++;
	}
	return 0;
}

/*
 * host: [{wait_commands: {channel: C, count: N}} | {wait_intr: {vcpu: V, count: N}} |
 *        {wait_exits: {count: N}} | {signal: V} | {release: C} | {deassign: R, errno: E} |
 *        {sleep_ms: M}]
 */
static int load_tl_step(struct loader *l, const struct ynode *m, struct tl_step *t)
{
	/* The timeline's actions, in the schema's order: exactly one is the step's. */
	static const char *const actions[] = {
		"wait_commands", "wait_intr",  "signal", "release",	    "deassign",
		"sleep_ms",	 "wait_exits", "resume", "set_exit_reason", NULL};
	const struct ynode *v, *sub;
	char names[256];
	int which;

	t->loc = loc_of(l, m);
	if (want_map(l, m) || check_schema(l, m, "timeline", NULL))
		return -1;
	schema_names("timeline", names, sizeof(names));
	if (pick_one(l, m, actions, "host step", names, &which, &v) ||
	    check_schema(l, m, "timeline", actions[which]))
		return -1;
	/* Actions whose value is a map of their own: its keys are in the schema too. */
	if ((which == 0 || which == 1 || which == 6 || which == 8) &&
	    (want_map(l, v) || check_schema(l, v, actions[which], "")))
		return -1;
	t->count = 1;
	switch (which) {
	case 0:
	case 1:
		t->op = which == 0 ? TL_WAIT_COMMANDS : TL_WAIT_INTR;
		sub = ymap_find(v, "count", NULL);
		if (sub && get_int(l, sub, 0, 1 << 20, &t->count))
			return -1;
		if (which == 0) {
			sub = need_key(l, v, "channel");
			return sub ? get_channel(l, sub, &t->channel) : -1;
		}
		sub = ymap_find(v, "vcpu", NULL);
		return sub ? get_int(l, sub, 0, l->c->nr_vcpus - 1, &t->vcpu) : 0;
	case 2:
		t->op = TL_SIGNAL;
		return get_int(l, v, 0, l->c->nr_vcpus - 1, &t->vcpu);
	case 3:
		t->op = TL_RELEASE;
		return get_channel(l, v, &t->channel);
	case 7:
		t->op = TL_RESUME;
		return get_int(l, v, 0, l->c->nr_vcpus - 1, &t->vcpu);
	case 8:
		/* {set_exit_reason: {vcpu: V, value: N}} */
		t->op = TL_SET_EXIT;
		sub = ymap_find(v, "vcpu", NULL);
		if (sub && get_int(l, sub, 0, l->c->nr_vcpus - 1, &t->vcpu))
			return -1;
		sub = need_key(l, v, "value");
		if (!sub || get_int(l, sub, 0, 1 << 16, &t->count))
			return -1;
		t->exit_reason = (uint32_t)t->count;
		return 0;
	case 6:
		t->op = TL_WAIT_EXITS;
		sub = need_key(l, v, "count");
		return sub ? get_int(l, sub, 0, 1 << 20, &t->count) : -1;
	case 4:
		t->op = TL_DEASSIGN;
		if (get_region(l, v, &t->region, NULL))
			return -1;
		v = ymap_find(m, "errno", NULL);
		return v ? get_errno(l, v, &t->expect_errno) : 0;
	default:
		t->op = TL_SLEEP;
		return get_int(l, v, 1, 5000, &t->ms);
	}
}

static int load_timeline(struct loader *l, const struct ynode *root)
{
	const struct ynode *n = ymap_find(root, "host", NULL);
	int i;

	if (!n)
		return 0;
	n = sequence(l, n);
	if (!n)
		return -1;
	for (i = 0; i < n->nr_kids; i++) {
		if (i >= CASE_MAX_TIMELINE)
			return fail(l, n->kids[i], "too many host steps (max %d)",
				    CASE_MAX_TIMELINE);
		if (load_tl_step(l, n->kids[i], &l->c->timeline[i]))
			return -1;
		l->c->nr_timeline++;
	}
	return 0;
}

static int load_expect(struct loader *l, const struct ynode *root)
{
	static const char *const outcomes[] = {"done", NULL};
	struct case_expect *e = &l->c->expect;
	const struct ynode *map, *n;
	int v;

	e->outcome = OUTCOME_DONE;
	e->outcome_loc = l->c->loc;
	map = ymap_find(root, "expect", NULL);
	if (!map)
		return 0;
	e->outcome_loc = loc_of(l, map);
	if (want_map(l, map) || check_schema(l, map, "expect", ""))
		return -1;
	n = ymap_find(map, "outcome", NULL);
	if (n) {
		n = scalar(l, n, "an outcome");
		if (!n || get_enum(l, n, outcomes, "outcome", "done", &v))
			return -1;
		e->outcome = v;
		e->outcome_loc = loc_of(l, n);
	}
	n = ymap_find(map, "transcript", NULL);
	if (n && load_transcript(l, n))
		return -1;
	n = ymap_find(map, "exits", NULL);
	if (n && load_exits(l, n))
		return -1;
	n = ymap_find(map, "run_errors", NULL);
	if (n && load_run_errors(l, n))
		return -1;
	n = ymap_find(map, "order", NULL);
	return n ? load_order(l, n) : 0;
}

/* ---- entry points ------------------------------------------------------- */

static int load_root(struct loader *l, const struct ynode *root)
{
	static const char *const sigpipe[] = {"ignore", "default", "handler", NULL};
	const struct ynode *n;
	int v;

	if (want_map(l, root) || check_schema(l, root, "case", ""))
		return -1;
	n = ymap_find(root, "vmm_sigpipe", NULL);
	if (n && (fixed(l, n, "vmm_sigpipe") ||
		  get_enum(l, n, sigpipe, "vmm_sigpipe", "ignore, default or handler", &v)))
		return -1;
	l->c->sigpipe = n ? v : VMM_SIGPIPE_IGNORE;
	n = ymap_find(root, "timeout_ms", NULL);
	if (n && (fixed(l, n, "timeout_ms") ||
		  get_int(l, n, CASE_MIN_TIMEOUT_MS, CASE_MAX_TIMEOUT_MS, &l->c->timeout_ms)))
		return -1;
	if (load_header(l, root) || load_named(l, root, "channels", load_channel) ||
	    load_named(l, root, "regions", load_region) || load_vcpus(l, root) ||
	    load_timeline(l, root))
		return -1;
	return load_expect(l, root);
}

static int load_buf(const char *name, const char *buf, size_t len, enum iorfd_rev rev,
		    struct iorfd_case *c, struct case_error *err)
{
	struct loader l = {.file = name, .rev = rev, .c = c, .err = err};
	struct yerror yerr;
	struct ydoc doc;
	int ret;

	if (ytree_parse(buf, len, &doc, &yerr)) {
		snprintf(err->msg, sizeof(err->msg), "%s:%d:%d: %s", name, yerr.line, yerr.col,
			 yerr.msg);
		return -1;
	}
	if (!doc.root) {
		snprintf(err->msg, sizeof(err->msg), "%s:1:1: no case in the file", name);
		ret = -1;
	} else {
		ret = load_root(&l, doc.root);
	}
	ytree_free(&doc);
	return ret;
}

/* Sets up @c the way case_load() does, so the fuzzer sees the same loader. */
int case_load_buf(const char *name, const char *buf, size_t len, enum iorfd_rev rev,
		  struct iorfd_case *c, struct case_error *err)
{
	memset(c, 0, sizeof(*c));
	err->msg[0] = '\0';
	if (strlen(name) >= sizeof(c->file) || (unsigned int)rev >= IORFD_NR_REVS ||
	    len > CASE_FILE_MAX) {
		snprintf(err->msg, sizeof(err->msg), "%.200s: bad name, revision or length", name);
		return -1;
	}
	strcpy(c->file, name);
	c->rev = rev;
	return load_buf(c->file, buf, len, rev, c, err);
}

int case_load(const char *path, enum iorfd_rev rev, struct iorfd_case *c, struct case_error *err)
{
	size_t len;
	char *buf;
	int ret;

	memset(c, 0, sizeof(*c));
	err->msg[0] = '\0';
	if (strlen(path) >= sizeof(c->file)) {
		snprintf(err->msg, sizeof(err->msg), "%.200s...: path longer than %zu characters",
			 path, sizeof(c->file) - 1);
		return -1;
	}
	if ((unsigned int)rev >= IORFD_NR_REVS) {
		snprintf(err->msg, sizeof(err->msg), "%s: no such revision %d", path, rev);
		return -1;
	}
	strcpy(c->file, path);
	c->rev = rev;
	buf = read_text_file(path, CASE_FILE_MAX, &len, err->msg, sizeof(err->msg));
	if (!buf)
		return -1;
	ret = load_buf(c->file, buf, len, rev, c, err);
	free(buf);
	return ret;
}

int case_find_region(const struct iorfd_case *c, const char *name)
{
	int i;

	for (i = 0; i < c->nr_regions; i++) {
		if (!strcmp(c->regions[i].name, name))
			return i;
	}
	return -1;
}

int case_find_channel(const struct iorfd_case *c, const char *name)
{
	int i;

	for (i = 0; i < c->nr_channels; i++) {
		if (!strcmp(c->channels[i].name, name))
			return i;
	}
	return -1;
}

const char *space_name(enum addr_space space)
{
	switch (space) {
	case SPACE_MMIO:
		return "mmio";
	case SPACE_PIO:
		return "pio";
	}
	return "?";
}

const char *chan_kind_name(enum chan_kind kind)
{
	switch (kind) {
	case CHAN_STREAM:
		return "stream";
	case CHAN_SEQPACKET:
		return "seqpacket";
	case CHAN_PIPES:
		return "pipes";
	case CHAN_FIFOS:
		return "fifos";
	}
	return "?";
}
