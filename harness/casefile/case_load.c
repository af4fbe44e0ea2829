// SPDX-License-Identifier: GPL-2.0
/*
 * Case file loader: YAML text -> struct iorfd_case for one revision.
 *
 * yaml_tree.c turns the text into a tree and catches what any YAML file can
 * get wrong; case_schema.c says which keys each map takes; this file loads
 * the case's header, channels and regions and hands the programs
 * (load_program.c) and the expectations and timeline (load_expect.c) on.
 * All of them read values through load_values.c and report through
 * ld_fail(), which puts FILE:LINE:COL in front, so a message always names
 * the node a human has to change.
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
#include "casefile/loader.h"
#include "casefile/yaml_tree.h"

/* ---- header: case, summary, requirements, revisions -------------------- */

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

	n = ld_scalar(l, n, "a requirement ID");
	if (!n)
		return -1;
	if (!req_id_ok(n->str))
		return ld_fail(l, n, "bad requirement ID '%.64s' (like WIRE-1)", n->str);
	if (strlen(n->str) >= sizeof(c->req_buf[0]))
		return ld_fail(l, n, "requirement ID '%.64s' is longer than %zu characters", n->str,
			       sizeof(c->req_buf[0]) - 1);
	for (i = 0; i < c->nr_reqs; i++) {
		if (!strcmp(c->reqs[i], n->str))
			return ld_fail(l, n, "requirement '%s' listed twice", n->str);
	}
	if (c->nr_reqs >= CASE_MAX_REQS)
		return ld_fail(l, n, "too many requirements (max %d)", CASE_MAX_REQS);
	strcpy(c->req_buf[c->nr_reqs], n->str);
	c->reqs[c->nr_reqs] = c->req_buf[c->nr_reqs];
	c->req_loc[c->nr_reqs] = ld_loc_of(l, n);
	c->nr_reqs++;
	return 0;
}

static int load_reqs(struct loader *l, const struct ynode *n)
{
	int i;

	n = ld_sequence(l, n);
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

	if (ld_fixed(l, n, "revisions"))
		return -1;
	n = ld_sequence(l, n);
	if (!n)
		return -1;
	if (!n->nr_kids)
		return ld_fail(l, n, "revisions must name at least one revision");
	l->c->revisions = 0;
	for (i = 0; i < n->nr_kids; i++) {
		const struct ynode *item = n->kids[i];

		if (ld_fixed(l, item, "revisions"))
			return -1;
		item = ld_scalar(l, item, "a revision (v1, v2 or v3)");
		if (!item)
			return -1;
		if (rev_parse(item->str, &r))
			return ld_fail(l, item, "unknown revision '%.64s' (expected v1, v2 or v3)",
				       item->str);
		if (l->c->revisions & (1u << r))
			return ld_fail(l, item, "revision %s listed twice", item->str);
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
	if (ld_fixed(l, n, "crash_risk"))
		return -1;
	n = ld_scalar(l, n, "a string (the reason)");
	if (!n)
		return -1;
	if (n->plain && (!strcmp(n->str, "true") || !strcmp(n->str, "false")))
		return ld_fail(l, n, "crash_risk wants the reason as a string, not %s", n->str);
	if (!n->str[0])
		return ld_fail(l, n, "crash_risk needs a reason");
	/* It ends up on one KTAP line. */
	if (strchr(n->str, '\n'))
		return ld_fail(l, n, "crash_risk must be one line");
	if (strlen(n->str) >= sizeof(l->c->crash_risk))
		return ld_fail(l, n, "crash_risk is longer than %zu characters",
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
		return ld_fail(l, root, "missing key 'case'");
	if (ld_fixed(l, n, "case"))
		return -1;
	n = ld_scalar(l, n, "a name");
	if (!n || ld_check_name(l, n))
		return -1;
	if (strlen(n->str) + strlen(l->matrix.suffix) >= sizeof(c->name))
		return ld_fail(l, n,
			       "name '%s%s' (with its matrix values) is longer than %zu characters",
			       n->str, l->matrix.suffix, sizeof(c->name) - 1);
	strcpy(c->name, n->str);
	strcat(c->name, l->matrix.suffix);
	c->loc = ld_loc_of(l, key);

	n = ymap_find(root, "summary", NULL);
	if (n) {
		n = ld_scalar(l, n, "a string");
		if (!n)
			return -1;
		if (strlen(n->str) >= sizeof(c->summary))
			return ld_fail(l, n, "summary is longer than %zu characters",
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

/* script: [{at: N, reply: V, delay_ms: M, hold: true, stall: true, fault: F, bytes: B}] */
static int load_rule(struct loader *l, const struct ynode *map, struct resp_rule *r)
{
	static const char *const faults[] = {"none",	"close", "short",	  "long", "extra",
					     "garbage", "never", "answer_posted", NULL};
	const struct ynode *n;
	int v;

	r->loc = ld_loc_of(l, map);
	if (ld_want_map(l, map) || ld_check_schema(l, map, "script entry", ""))
		return -1;
	n = ld_need_key(l, map, "at");
	if (!n || ld_get_int(l, n, "command number (at)", 1, 1 << 20, &r->at))
		return -1;
	n = ymap_find(map, "reply", NULL);
	r->has_reply = n != NULL;
	if (n && ld_get_u64(l, n, &r->reply, NULL))
		return -1;
	n = ymap_find(map, "delay_ms", NULL);
	if (n && ld_get_int(l, n, "delay_ms", 0, 10000, &r->delay_ms))
		return -1;
	n = ymap_find(map, "hold", NULL);
	if (n && ld_get_bool(l, n, &r->hold))
		return -1;
	n = ymap_find(map, "stall", NULL);
	if (n && ld_get_bool(l, n, &r->stall))
		return -1;
	n = ymap_find(map, "fault", NULL);
	if (n && ld_get_enum(l, n, faults, "fault",
			     "close, short, long, extra, garbage, never or answer_posted", &v))
		return -1;
	r->fault = n ? v : RF_NONE;
	r->bytes = r->fault == RF_SHORT ? 16 : r->fault == RF_LONG ? 40 : 0;
	n = ymap_find(map, "bytes", NULL);
	if (n && r->fault != RF_SHORT && r->fault != RF_LONG)
		return ld_fail(l, n, "'bytes' is only for fault short or long");
	if (n &&
	    ld_get_int(l, n,
		       r->fault == RF_SHORT ? "bytes of a short reply" : "bytes of a long reply",
		       r->fault == RF_SHORT ? 0 : 33, r->fault == RF_SHORT ? 31 : 64, &r->bytes))
		return -1;
	return 0;
}

static int load_script(struct loader *l, const struct ynode *n, struct case_channel *ch)
{
	int i;

	n = ld_sequence(l, n);
	if (!n)
		return -1;
	for (i = 0; i < n->nr_kids; i++) {
		if (i >= CASE_MAX_RULES)
			return ld_fail(l, n->kids[i], "too many script entries (max %d)",
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

	if (ld_check_name(l, key))
		return -1;
	if (c->nr_channels >= CASE_MAX_CHANNELS)
		return ld_fail(l, key, "too many channels (max %d)", CASE_MAX_CHANNELS);
	ch = &c->channels[c->nr_channels++];
	strcpy(ch->name, key->str);
	ch->loc = ld_loc_of(l, key);
	if (ld_want_map(l, map) || ld_check_schema(l, map, "channel", ""))
		return -1;

	n = ld_need_key(l, map, "kind");
	if (!n || ld_get_enum(l, n, chan_kinds, "kind", "stream, seqpacket, pipes or fifos", &v))
		return -1;
	ch->kind = v;
	n = ymap_find(map, "responder", NULL);
	if (n && ld_get_enum(l, n, models, "responder", "registers", &v))
		return -1;
	ch->model = n ? v : RESPONDER_REGISTERS;
	n = ymap_find(map, "reset", NULL);
	if (n && ld_get_u64(l, n, &ch->reset, NULL))
		return -1;
	n = ymap_find(map, "nonblock", NULL);
	if (n && ld_get_bool(l, n, &ch->nonblock))
		return -1;
	n = ymap_find(map, "script", NULL);
	return n ? load_script(l, n, ch) : 0;
}

/* The fd overrides that name what to pass (FD_NUMBER is any other value). */
static const struct {
	const char *name;
	enum fd_choice how;
	bool needs_two_ends; /* of the channel itself: a pipes or fifos channel */
} fd_names[] = {
	{"channel", FD_CHANNEL},       {"closed", FD_CLOSED},	  {"reopened", FD_REOPENED, true},
	{"swapped", FD_SWAPPED, true}, {"nonblock", FD_NONBLOCK}, {"wrong-way", FD_WRONG_WAY},
	{"eventfd", FD_EVENTFD},       {"dup", FD_DUP},
};

#define FD_NAMES "channel, closed, reopened, swapped, nonblock, wrong-way, eventfd, dup"

/*
 * read_fd / write_fd: one of fd_names or a (possibly negative) decimal
 * number.  Only a pipe can be opened anew through /proc/self/fd or has two
 * ends to swap, so "reopened" and "swapped" need a pipes or fifos channel;
 * the other files are the region's own and go with any channel.
 */
static int get_fd(struct loader *l, const struct ynode *n, int channel, struct fd_override *fd)
{
	const struct ynode *v = ld_scalar(l, n, "an fd: " FD_NAMES " or a number");
	enum chan_kind kind = l->c->channels[channel].kind;
	unsigned int i;
	char *end;
	long num;

	if (!v)
		return -1;
	for (i = 0; i < sizeof(fd_names) / sizeof(fd_names[0]); i++) {
		if (strcmp(v->str, fd_names[i].name))
			continue;
		/* A socketpair channel has one fd both ways: nothing to reopen or swap. */
		if (fd_names[i].needs_two_ends && kind != CHAN_PIPES && kind != CHAN_FIFOS)
			return ld_fail(l, v, "a %s channel cannot be %s: use pipes or fifos",
				       chan_kind_name(kind), v->str);
		fd->how = fd_names[i].how;
		return 0;
	}
	errno = 0;
	num = strtol(v->str, &end, 10);
	if (!*v->str || *end || errno || num < INT32_MIN || num > INT32_MAX)
		return ld_fail(l, v, "bad fd '%s': expected " FD_NAMES " or a 32-bit number",
			       v->str);
	fd->how = FD_NUMBER;
	fd->number = (int)num;
	return 0;
}

/*
 * The device of a channel tells its regions apart by user_data, and must
 * know which read fd a command's reply goes to: a region that replies on
 * another channel's read fd needs a user_data no other region of its
 * channel has, and the other way round.
 */
static int check_reply_route(struct loader *l, const struct ynode *at, const struct case_region *r)
{
	const struct iorfd_case *c = l->c;
	int i;

	for (i = 0; i < c->nr_regions - 1; i++) {
		const struct case_region *o = &c->regions[i];

		if (o->channel == r->channel && o->user_data == r->user_data &&
		    o->reply_channel != r->reply_channel)
			return ld_fail(
				l, at,
				"region '%s' has user_data 0x%llx like '%s' on channel '%s', "
				"but replies on another read fd: its device could not tell them apart",
				r->name, (unsigned long long)r->user_data, o->name,
				c->channels[r->channel].name);
	}
	return 0;
}

/* Region keys that only tests of registration need. */
static int load_region_extras(struct loader *l, const struct ynode *map, struct case_region *r)
{
	static const char *const when[] = {"start", "later", NULL};
	const struct ynode *n;
	int v;

	n = ymap_find(map, "flags", NULL);
	if (n && ld_get_flags(l, n, &r->extra_flags))
		return -1;
	n = ymap_find(map, "read_fd_of", NULL);
	r->reply_channel = r->channel;
	if ((n && ld_get_channel(l, n, &r->reply_channel)) || check_reply_route(l, n ? n : map, r))
		return -1;
	n = ymap_find(map, "read_fd", NULL);
	if (n && get_fd(l, n, r->reply_channel, &r->rfd))
		return -1;
	n = ymap_find(map, "write_fd", NULL);
	if (n && get_fd(l, n, r->channel, &r->wfd))
		return -1;
	n = ymap_find(map, "register", NULL);
	if (n && ld_get_enum(l, n, when, "register", "start or later", &v))
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
	return ld_fail(l, size_at, "region 0x%llx + 0x%llx wraps past the end of the address space",
		       (unsigned long long)r->gpa, (unsigned long long)r->size);
}

struct case_region *ld_new_region(struct loader *l, const struct ynode *key,
				  const struct ynode *map, const char *schema)
{
	struct iorfd_case *c = l->c;
	struct case_region *r;

	if (ld_check_name(l, key))
		return NULL;
	if (c->nr_regions >= CASE_MAX_REGIONS) {
		ld_fail(l, key, "too many regions (max %d)", CASE_MAX_REGIONS);
		return NULL;
	}
	r = &c->regions[c->nr_regions++];
	strcpy(r->name, key->str);
	r->loc = ld_loc_of(l, key);
	if (ld_want_map(l, map) || ld_check_schema(l, map, schema, ""))
		return NULL;
	return r;
}

static int load_region(struct loader *l, const struct ynode *key, const struct ynode *map)
{
	const struct ynode *n, *size_at;
	struct case_region *r = ld_new_region(l, key, map, "region");
	int v;

	if (!r)
		return -1;

	n = ld_need_key(l, map, "channel");
	if (!n || ld_get_channel(l, n, &r->channel))
		return -1;
	n = ymap_find(map, "space", NULL);
	if (n && ld_get_enum(l, n, spaces, "space", "mmio or pio", &v))
		return -1;
	r->space = n ? v : SPACE_MMIO;
	n = ld_need_key(l, map, "gpa");
	if (!n || ld_get_u64(l, n, &r->gpa, NULL))
		return -1;
	n = ld_need_key(l, map, "size");
	if (!n || ld_get_u64(l, n, &r->size, &size_at))
		return -1;
	n = ymap_find(map, "user_data", NULL);
	if (n && ld_get_u64(l, n, &r->user_data, NULL))
		return -1;
	n = ymap_find(map, "posted", NULL);
	if (n && ld_get_bool(l, n, &r->posted))
		return -1;
	n = ymap_find(map, "errno", NULL);
	if (n && ld_get_errno(l, n, &r->expect_errno))
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
	if (ld_want_map(l, map))
		return -1;
	for (i = 0; i < ymap_len(map); i++) {
		if (load_one(l, ymap_key(map, i), ymap_val(map, i)))
			return -1;
	}
	return 0;
}

/* ---- entry points ------------------------------------------------------- */

static int load_timeout(struct loader *l, const struct ynode *root)
{
	const struct ynode *n = ymap_find(root, "timeout_ms", NULL);

	return n && (ld_fixed(l, n, "timeout_ms") ||
		     ld_get_int(l, n, "timeout_ms", CASE_MIN_TIMEOUT_MS, CASE_MAX_TIMEOUT_MS,
				&l->c->timeout_ms))
		       ? -1
		       : 0;
}

/* A file with exchanges: is a device case (load_device.c): the same header, its own body. */
static int load_device_root(struct loader *l, const struct ynode *root)
{
	if (ld_refuse_guest_keys(l, root) || ld_check_schema(l, root, "device case", "") ||
	    load_timeout(l, root) || load_header(l, root))
		return -1;
	return ld_load_device(l, root);
}

static int load_root(struct loader *l, const struct ynode *root)
{
	static const char *const sigpipe[] = {"ignore", "default", "handler", NULL};
	const struct ynode *n;
	int v;

	if (ld_want_map(l, root))
		return -1;
	if (ymap_find(root, "exchanges", NULL))
		return load_device_root(l, root);
	if (ld_check_schema(l, root, "case", ""))
		return -1;
	n = ymap_find(root, "vmm_sigpipe", NULL);
	if (n && (ld_fixed(l, n, "vmm_sigpipe") ||
		  ld_get_enum(l, n, sigpipe, "vmm_sigpipe", "ignore, default or handler", &v)))
		return -1;
	l->c->sigpipe = n ? v : VMM_SIGPIPE_IGNORE;
	if (load_timeout(l, root))
		return -1;
	if (load_header(l, root) || load_named(l, root, "channels", load_channel) ||
	    load_named(l, root, "regions", load_region) || ld_load_vcpus(l, root) ||
	    ld_load_timeline(l, root))
		return -1;
	return ld_load_expect(l, root);
}

/* The scalars under @n, @n included: the matrix's own, which are not substituted. */
static bool under(const struct ynode *n, const struct ynode *x)
{
	int i;

	if (n == x)
		return true;
	for (i = 0; i < n->nr_kids; i++)
		if (under(n->kids[i], x))
			return true;
	return false;
}

/* @s with every {{NAME}} of the matrix replaced; NULL with an error for an unknown NAME. */
static char *expand(struct loader *l, const struct ynode *n, const struct matrix *m)
{
	size_t len = strlen(n->str) + 1, used = 0;
	char *out = malloc(len), *grown;
	const char *p = n->str;

	while (out && *p) {
		const char *end, *val = NULL, *piece = p;
		size_t plen = 1;
		int i;

		if (!strncmp(p, "{{", 2) && (end = strstr(p, "}}"))) {
			for (i = 0; i < m->nr && !val; i++)
				if ((size_t)(end - p - 2) == strlen(m->names[i]) &&
				    !strncmp(p + 2, m->names[i], end - p - 2))
					val = m->values[i][m->pick[i]];
			if (!val) {
				free(out);
				ld_fail(l, n, "'%.*s' is not a key of the matrix",
					(int)(end - p + 2), p);
				return NULL;
			}
			piece = val;
			plen = strlen(val);
			p = end + 2;
		} else {
			p++;
		}
		if (used + plen + 1 > len) {
			len = 2 * (used + plen + 1);
			grown = realloc(out, len);
			if (!grown) {
				free(out);
				return NULL;
			}
			out = grown;
		}
		memcpy(out + used, piece, plen);
		used += plen;
	}
	if (out)
		out[used] = '\0';
	else
		ld_fail(l, n, "out of memory");
	return out;
}

/* Whether @s is among the values before key @k's value @v. */
static bool matrix_has(const struct matrix *m, int k, int v, const char *s)
{
	int i, j;

	for (i = 0; i <= k; i++)
		for (j = 0; j < (i < k ? m->nr_values[i] : v); j++)
			if (!strcmp(m->values[i][j], s))
				return true;
	return false;
}

/* Words a value mapping's keys already mean: a matrix value may not be one. */
static bool selector_word(const char *s)
{
	enum iorfd_rev r;

	for_each_rev(r)
		if (!strcmp(s, rev_name(r)))
			return true;
	return !strcmp(s, "default");
}

/*
 * matrix: {NAME: [VALUE, ...], ...}: the file is a family of cases, one per
 * combination of the values (the first NAME varies slowest).  In
 * combination @variant, {{NAME}} in any scalar, keys included, reads VALUE,
 * and the case's name gets -VALUE for each NAME in order.
 */
static int apply_matrix(struct loader *l, struct ydoc *doc, int variant)
{
	const struct ynode *mn = ymap_find(doc->root, "matrix", NULL);
	struct matrix *m = &l->matrix;
	int i, j, total = 1, v = variant;

	l->c->nr_variants = 1;
	if (!mn)
		return variant ? ld_fail(l, doc->root, "no matrix: variant %d does not exist",
					 variant)
			       : 0;
	if (ld_want_map(l, mn))
		return -1;
	if (!ymap_len(mn) || ymap_len(mn) > CASE_MATRIX_KEYS)
		return ld_fail(l, mn, "a matrix has 1 to %d keys", CASE_MATRIX_KEYS);
	for (i = 0; i < ymap_len(mn); i++) {
		const struct ynode *key = ymap_key(mn, i), *list = ymap_val(mn, i);

		if (ld_check_name(l, key))
			return -1;
		if (list->type != YNODE_SEQ || !list->nr_kids || list->nr_kids > CASE_MATRIX_VALUES)
			return ld_fail(l, list, "a matrix key takes a list of 1 to %d values",
				       CASE_MATRIX_VALUES);
		m->names[i] = key->str;
		m->nr_values[i] = list->nr_kids;
		for (j = 0; j < list->nr_kids; j++) {
			if (list->kids[j]->type != YNODE_SCALAR || ld_check_name(l, list->kids[j]))
				return list->kids[j]->type == YNODE_SCALAR
					       ? -1
					       : ld_fail(l, list->kids[j],
							 "a matrix value is a name");
			if (selector_word(list->kids[j]->str))
				return ld_fail(
					l, list->kids[j],
					"a matrix value cannot be '%s': values select like revisions",
					list->kids[j]->str);
			if (matrix_has(m, i, j, list->kids[j]->str))
				return ld_fail(l, list->kids[j],
					       "matrix value '%s' given twice: a value names one "
					       "combination choice",
					       list->kids[j]->str);
			m->values[i][j] = list->kids[j]->str;
		}
		total *= list->nr_kids;
		if (total > CASE_MAX_VARIANTS)
			return ld_fail(l, mn, "the matrix makes more than %d cases",
				       CASE_MAX_VARIANTS);
	}
	m->nr = ymap_len(mn);
	if (variant < 0 || variant >= total)
		return ld_fail(l, mn, "no variant %d: the matrix makes %d", variant, total);
	for (i = m->nr - 1; i >= 0; i--) {
		m->pick[i] = v % m->nr_values[i];
		v /= m->nr_values[i];
	}
	for (i = 0; i < m->nr; i++)
		snprintf(m->suffix + strlen(m->suffix), sizeof(m->suffix) - strlen(m->suffix),
			 "-%s", m->values[i][m->pick[i]]);
	l->c->nr_variants = total;
	l->c->variant = variant;
	for (i = 0; i < doc->nr_nodes; i++) {
		struct ynode *n = doc->nodes[i];
		char *x;

		if (n->type != YNODE_SCALAR || !strstr(n->str, "{{") || under(mn, n))
			continue;
		x = expand(l, n, m);
		if (!x)
			return -1;
		free(n->str);
		n->str = x;
	}
	return 0;
}

static int load_buf(const char *name, const char *buf, size_t len, enum iorfd_rev rev, int variant,
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
	} else if (doc.root->type == YNODE_MAP && apply_matrix(&l, &doc, variant)) {
		ret = -1;
	} else {
		ret = load_root(&l, doc.root);
	}
	ytree_free(&doc);
	return ret;
}

/* Sets up @c the way case_load() does, so the fuzzer sees the same loader. */
int case_load_buf(const char *name, const char *buf, size_t len, enum iorfd_rev rev, int variant,
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
	return load_buf(c->file, buf, len, rev, variant, c, err);
}

int case_load_variant(const char *path, enum iorfd_rev rev, int variant, struct iorfd_case *c,
		      struct case_error *err)
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
	ret = load_buf(c->file, buf, len, rev, variant, c, err);
	free(buf);
	return ret;
}

int case_load(const char *path, enum iorfd_rev rev, struct iorfd_case *c, struct case_error *err)
{
	return case_load_variant(path, rev, 0, c, err);
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
