// SPDX-License-Identifier: GPL-2.0
/*
 * The case loader's reading of values: node types, the schema's key check,
 * per-revision values ({v1: .., v3: .., default: ..}, resolved where a
 * scalar or a sequence is wanted and a mapping is found, so that nothing
 * past that point sees them), numbers, names, sizes and addresses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casefile/case_schema.h"
#include "casefile/loader.h"
#include "lib/errno_names.h"
#include "lib/printable.h"

__attribute__((format(printf, 3, 4))) int ld_fail(struct loader *l, const struct ynode *n,
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
	printable_inplace(l->err->msg, size);
	return -1;
}

struct src_loc ld_loc_of(const struct loader *l, const struct ynode *n)
{
	return (struct src_loc){.file = l->c->file, .line = n->line, .col = n->col};
}

/* ---- node types and keys ------------------------------------------------ */

int ld_want_map(struct loader *l, const struct ynode *n)
{
	if (n->type != YNODE_MAP)
		return ld_fail(l, n, "expected a mapping, found %s", ynode_kind(n));
	return 0;
}

/*
 * The keys of @map against the schema (case_schema.h): @name NULL checks
 * only that each is a key of @context at all.
 */
int ld_check_schema(struct loader *l, const struct ynode *map, const char *context,
		    const char *name)
{
	const struct ynode *at;
	char msg[300];

	return schema_check(context, name, map, &at, msg, sizeof(msg)) ? ld_fail(l, at, "%s", msg)
								       : 0;
}

const struct ynode *ld_need_key(struct loader *l, const struct ynode *map, const char *key)
{
	const struct ynode *v = ymap_find(map, key, NULL);

	if (!v)
		ld_fail(l, map, "missing key '%s'", key);
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
			ld_fail(l, key,
				"'%.64s' is not a revision selector (v1, v2, v3, default, v1+v2, ...)",
				key->str);
			return NULL;
		}
		if (dup >= 0) {
			ld_fail(l, key, "revision %s given twice in '%.64s'", rev_name(dup),
				key->str);
			return NULL;
		}
		if (!mask)
			dflt = ymap_val(map, i);
		for_each_rev(r) {
			if (!(mask & (1 << r)))
				continue;
			if (first_line[r]) {
				ld_fail(l, key, "revision %s given twice (first at line %d)",
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
		ld_fail(l, map, "no value for revision %s (add %s or default)", rev_name(l->rev),
			rev_name(l->rev));
	return hit;
}

/* ---- per-combination values (matrix) ------------------------------------ */

/*
 * The values of one matrix key that a selector names, as a bit mask
 * ("pipes+fifos"), with that key's index in @key; -1 if @sel is not one.
 */
/* The index of the matrix value @len bytes at @s among its key's (@key), or -1. */
static int mx_value(const struct matrix *m, const char *s, size_t len, int *key)
{
	int k, v;

	for (k = 0; k < m->nr; k++) {
		for (v = 0; v < m->nr_values[k]; v++) {
			if (strlen(m->values[k][v]) == len && !memcmp(m->values[k][v], s, len)) {
				*key = k;
				return v;
			}
		}
	}
	return -1;
}

static int mx_mask(const struct matrix *m, const char *sel, int *key, int *dup)
{
	const char *p = sel;
	int mask = 0, k = -1;

	*key = *dup = -1;
	for (;;) {
		size_t len = strcspn(p, "+");
		int hit = mx_value(m, p, len, &k);

		if (hit < 0 || (*key >= 0 && *key != k))
			return -1;
		*key = k;
		if ((mask & (1 << hit)) && *dup < 0)
			*dup = hit;
		mask |= 1 << hit;
		if (!p[len])
			return mask;
		p += len + 1;
	}
}

static bool has_matrix_key(const struct loader *l, const struct ynode *map)
{
	int i, key, dup;

	for (i = 0; i < ymap_len(map); i++)
		if (mx_mask(&l->matrix, ymap_key(map, i)->str, &key, &dup) >= 0)
			return true;
	return false;
}

/*
 * The value a mapping keyed by matrix values gives for this combination:
 * its keys name values of one matrix key ("pipes", "pipes+fifos") or are
 * "default".  NULL after an error.
 */
static const struct ynode *pick_variant(struct loader *l, const struct ynode *map)
{
	const struct matrix *m = &l->matrix;
	const struct ynode *hit = NULL, *dflt = NULL;
	int i, mask, seen = 0, key, first_key = -1, dup;

	for (i = 0; i < ymap_len(map); i++) {
		const struct ynode *k = ymap_key(map, i);

		if (!strcmp(k->str, "default")) {
			dflt = ymap_val(map, i);
			continue;
		}
		mask = mx_mask(m, k->str, &key, &dup);
		if (mask < 0 || (first_key >= 0 && key != first_key)) {
			ld_fail(l, k,
				"'%.64s' is not a selector of %s's values (VALUE, VALUE+VALUE or default)",
				k->str, first_key >= 0 ? m->names[first_key] : "one matrix key");
			return NULL;
		}
		first_key = key;
		if (dup >= 0 || (seen & mask)) {
			ld_fail(l, k, "matrix value '%s' given twice",
				m->values[key][dup >= 0 ? dup : __builtin_ctz(seen & mask)]);
			return NULL;
		}
		seen |= mask;
		if (mask & (1 << m->pick[key]))
			hit = ymap_val(map, i);
	}
	if (!hit)
		hit = dflt;
	if (!hit)
		ld_fail(l, map, "no value for %s: %s (add %s or default)", m->names[first_key],
			m->values[first_key][m->pick[first_key]],
			m->values[first_key][m->pick[first_key]]);
	return hit;
}

/*
 * @n where the schema wants @what (a scalar or a sequence): a mapping there
 * is a per-revision value if any of its keys is a revision selector, a
 * per-combination value if any is a matrix value, and a type error
 * otherwise.  A per-combination value may hold another (by another key) or
 * a per-revision one; a per-revision value holds no more selectors.
 */
const struct ynode *ld_resolve(struct loader *l, const struct ynode *n, const char *what)
{
	if (n->type != YNODE_MAP)
		return n;
	/* Each level picks by another key, or by revision: the tree is finite. */
	if (has_matrix_key(l, n)) {
		n = pick_variant(l, n);
		return n ? ld_resolve(l, n, what) : NULL;
	}
	if (has_selector_key(n))
		return pick_rev(l, n);
	ld_fail(l, n, "expected %s, found a mapping", what);
	return NULL;
}

/* ---- scalars -------------------------------------------------------------- */

/* @n resolved, and a scalar with a value; @what is for the message. */
const struct ynode *ld_scalar(struct loader *l, const struct ynode *n, const char *what)
{
	n = ld_resolve(l, n, what);
	if (n && (n->type != YNODE_SCALAR || ynode_is_null(n))) {
		ld_fail(l, n, "expected %s, found %s", what, ynode_kind(n));
		return NULL;
	}
	return n;
}

const struct ynode *ld_sequence(struct loader *l, const struct ynode *n)
{
	n = ld_resolve(l, n, "a sequence");
	if (n && n->type != YNODE_SEQ) {
		ld_fail(l, n, "expected a sequence, found %s", ynode_kind(n));
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
int ld_get_u64(struct loader *l, const struct ynode *n, uint64_t *v, const struct ynode **at)
{
	int r;

	n = ld_scalar(l, n, "a number");
	if (!n)
		return -1;
	r = parse_u64(n->str, v);
	if (r == -2)
		return ld_fail(l, n, "number '%.64s' does not fit in 64 bits", n->str);
	if (r)
		return ld_fail(l, n, "bad number '%.64s'", n->str);
	if (at)
		*at = n;
	return 0;
}

int ld_get_bool(struct loader *l, const struct ynode *n, bool *v)
{
	n = ld_scalar(l, n, "true or false");
	if (!n)
		return -1;
	if (!strcmp(n->str, "true"))
		*v = true;
	else if (!strcmp(n->str, "false"))
		*v = false;
	else
		return ld_fail(l, n, "expected true or false, found '%.64s'", n->str);
	return 0;
}

/*
 * One of @names (NULL-terminated) -> its index.  @what names the field and
 * @list spells the choices, for "unknown kind 'tcp' (stream, ...)".
 */
int ld_get_enum(struct loader *l, const struct ynode *n, const char *const *names, const char *what,
		const char *list, int *idx)
{
	int i;

	n = ld_scalar(l, n, list);
	if (!n)
		return -1;
	for (i = 0; names[i]; i++) {
		if (!strcmp(n->str, names[i])) {
			*idx = i;
			return 0;
		}
	}
	return ld_fail(l, n, "unknown %s '%.64s' (expected %s)", what, n->str, list);
}

/*
 * The entry of @context named by scalar @n (a step's op, a host step's
 * action): its index among the context's entries, which is its enum.
 */
int ld_get_kind(struct loader *l, const struct ynode *n, const char *context, const char *what,
		int *idx)
{
	char names[256];

	schema_names(context, names, sizeof(names));
	n = ld_scalar(l, n, names);
	if (!n)
		return -1;
	if (schema_find(context, n->str, idx))
		return 0;
	return ld_fail(l, n, "unknown %s '%.64s' (expected %s)", what, n->str, names);
}

/* A name node (a mapping key or a value) checked against [A-Za-z0-9_-]+. */
int ld_check_name(struct loader *l, const struct ynode *n)
{
	const char *p;

	for (p = n->str; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			break;
	}
	if (*p || p == n->str)
		return ld_fail(l, n, "bad name '%.64s' (use %s)", n->str, SCHEMA_NAME_CHARS);
	if (p - n->str >= CASE_NAME_MAX)
		return ld_fail(l, n, "name '%.64s' is longer than %d characters", n->str,
			       CASE_NAME_MAX - 1);
	return 0;
}

/* @at (if given) gets the node holding the name, for later checks. */
int ld_get_region(struct loader *l, const struct ynode *n, int *idx, const struct ynode **at)
{
	n = ld_scalar(l, n, "a region name");
	if (!n)
		return -1;
	*idx = case_find_region(l->c, n->str);
	if (*idx < 0)
		return ld_fail(l, n, "unknown region '%.64s'", n->str);
	if (at)
		*at = n;
	return 0;
}

int ld_get_channel(struct loader *l, const struct ynode *n, int *idx)
{
	n = ld_scalar(l, n, "a channel name");
	if (!n)
		return -1;
	*idx = case_find_channel(l->c, n->str);
	if (*idx < 0)
		return ld_fail(l, n, "unknown channel '%.64s'", n->str);
	return 0;
}

int ld_get_errno(struct loader *l, const struct ynode *n, int *err)
{
	n = ld_scalar(l, n, "an errno name");
	if (!n)
		return -1;
	*err = errno_from_name(n->str);
	if (*err < 0)
		return ld_fail(l, n, "unknown errno '%.64s' (0 or a name such as EINVAL)", n->str);
	return 0;
}

/* ---- sizes, values and addresses --------------------------------------- */

uint64_t ld_size_mask(unsigned int size)
{
	return size >= 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
}

/* An access size for @space; guests have no 8-byte in/out. */
int ld_get_size(struct loader *l, const struct ynode *n, enum addr_space space, unsigned int *size)
{
	const struct ynode *at;
	uint64_t v;

	if (ld_get_u64(l, n, &v, &at))
		return -1;
	if (space == SPACE_PIO && v != 1 && v != 2 && v != 4)
		return ld_fail(l, at, "pio size must be 1, 2 or 4");
	if (v != 1 && v != 2 && v != 4 && v != 8)
		return ld_fail(l, at, "size must be 1, 2, 4 or 8");
	*size = v;
	return 0;
}

/* A value that must fit in an access of @size bytes. */
int ld_get_value(struct loader *l, const struct ynode *n, unsigned int size, uint64_t *v)
{
	const struct ynode *at;

	if (ld_get_u64(l, n, v, &at))
		return -1;
	if (*v & ~ld_size_mask(size))
		return ld_fail(l, at, "value 0x%llx does not fit in %u byte%s",
			       (unsigned long long)*v, size, size == 1 ? "" : "s");
	return 0;
}

/* An access the guest can make: no wrap, and ports within 16 bits. */
int ld_check_access(struct loader *l, const struct ynode *at, enum addr_space space, uint64_t addr,
		    unsigned int size)
{
	if (space == SPACE_PIO && (addr >= PIO_SPACE_END || size > PIO_SPACE_END - addr))
		return ld_fail(l, at, "port 0x%llx + %u bytes is beyond the 16-bit I/O space",
			       (unsigned long long)addr, size);
	if (addr + (size - 1) < addr)
		return ld_fail(
			l, at,
			"access of %u bytes at 0x%llx wraps past the end of the address space",
			size, (unsigned long long)addr);
	return 0;
}

/*
 * Which one of @keys (NULL-terminated) @map has: index into @keys, and its
 * value.  None is reported at the mapping, a second one at its key.
 */
int ld_pick_one(struct loader *l, const struct ynode *map, const char *const *keys, const char *op,
		const char *list, int *which, const struct ynode **val)
{
	int i, k, found = -1;

	for (i = 0; i < ymap_len(map); i++) {
		for (k = 0; keys[k] && strcmp(keys[k], ymap_key(map, i)->str); k++)
			;
		if (!keys[k])
			continue;
		if (found >= 0)
			return ld_fail(l, ymap_key(map, i), "give only one of %s", list);
		found = k;
		*val = ymap_val(map, i);
	}
	if (found < 0)
		return ld_fail(l, map, "%s needs one of %s", op, list);
	*which = found;
	return 0;
}

/* Identity and applicability must be the same whichever revision loads. */
int ld_fixed(struct loader *l, const struct ynode *n, const char *key)
{
	int i;

	if (n->type != YNODE_MAP)
		return 0;
	/* Each combination is a case of its own: by combination is fine. */
	if (has_matrix_key(l, n)) {
		for (i = 0; i < ymap_len(n); i++)
			if (ld_fixed(l, ymap_val(n, i), key))
				return -1;
		return 0;
	}
	if (has_selector_key(n))
		return ld_fail(l, n, "'%s' cannot vary by revision", key);
	return 0;
}

/*
 * A small non-negative count (command numbers, milliseconds, bytes); @what
 * names it in the message, since "11 is not in 0..10" alone leaves the
 * reader to guess which number of a flow mapping is meant.
 */
int ld_get_int(struct loader *l, const struct ynode *n, const char *what, int min, int max,
	       int *out)
{
	const struct ynode *at;
	uint64_t v;

	if (ld_get_u64(l, n, &v, &at))
		return -1;
	if (v < (uint64_t)min || v > (uint64_t)max)
		return ld_fail(l, at, "%s %llu is not in %d..%d", what, (unsigned long long)v, min,
			       max);
	*out = (int)v;
	return 0;
}

/* A vCPU index: one of the case's vcpus, which are loaded before anything names one. */
int ld_get_vcpu(struct loader *l, const struct ynode *n, int *out)
{
	int nr = l->c->nr_vcpus;
	const struct ynode *at;
	uint64_t v;

	if (ld_get_u64(l, n, &v, &at))
		return -1;
	if (v >= (uint64_t)nr) {
		char have[32];

		if (nr == 1)
			snprintf(have, sizeof(have), "1 vCPU: 0");
		else
			snprintf(have, sizeof(have), "%d vCPUs: 0..%d", nr, nr - 1);
		return ld_fail(l, at, "vCPU %llu does not exist (the case has %s)",
			       (unsigned long long)v, have);
	}
	*out = (int)v;
	return 0;
}

/* Extra flag bits (unknown ones, or DEASSIGN on an assign) to test how they are refused. */
int ld_get_flags(struct loader *l, const struct ynode *n, uint32_t *flags)
{
	const struct ynode *at;
	uint64_t v;

	if (ld_get_u64(l, n, &v, &at))
		return -1;
	if (v > UINT32_MAX)
		return ld_fail(l, at, "flags 0x%llx do not fit in 32 bits", (unsigned long long)v);
	*flags = (uint32_t)v;
	return 0;
}
