// SPDX-License-Identifier: GPL-2.0
/*
 * The case loader's expectations (transcripts, ordinary exits, KVM_RUN
 * errors, happens-before rules) and the host's timeline.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casefile/case_schema.h"
#include "casefile/loader.h"
#include "lib/errno_names.h"

/* ---- expectations --------------------------------------------------------- */

static const char *const rw_ops[] = {"read", "write", NULL};

/* Reads carry data 0 and may leave it out; a write's data is the point. */
static int get_data(struct loader *l, const struct ynode *map, bool write, unsigned int size,
		    uint64_t dflt, uint64_t *data)
{
	const struct ynode *n = write ? ld_need_key(l, map, "data") : ymap_find(map, "data", NULL);

	if (write && !n)
		return -1;
	*data = dflt;
	return n ? ld_get_value(l, n, size, data) : 0;
}

static int load_cmd(struct loader *l, const struct ynode *map, int chan)
{
	struct iorfd_case *c = l->c;
	const struct ynode *n, *rn;
	const struct case_region *r;
	struct expect_cmd *e;
	int cmd;

	if (c->expect.nr_cmds >= CASE_MAX_EXPECT)
		return ld_fail(l, map, "too many expected commands (max %d)", CASE_MAX_EXPECT);
	e = &c->expect.cmds[c->expect.nr_cmds++];
	e->channel = chan;
	e->loc = ld_loc_of(l, map);
	if (ld_want_map(l, map) || ld_check_schema(l, map, "command", ""))
		return -1;
	n = ld_need_key(l, map, "cmd");
	if (!n || ld_get_enum(l, n, rw_ops, "cmd", "read or write", &cmd))
		return -1;
	e->cmd = cmd ? WIRE_CMD_WRITE : WIRE_CMD_READ;

	rn = ld_need_key(l, map, "region");
	if (!rn || ld_get_region(l, rn, &e->region, &rn))
		return -1;
	r = &c->regions[e->region];
	if (r->channel != chan)
		return ld_fail(l, rn, "region '%s' is on channel '%s', not '%s'", r->name,
			       c->channels[r->channel].name, c->channels[chan].name);

	n = ld_need_key(l, map, "size");
	if (!n || ld_get_size(l, n, r->space, &e->size))
		return -1;
	n = ld_need_key(l, map, "offset");
	if (!n || ld_get_u64(l, n, &e->offset, NULL))
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
		n = ld_scalar(l, n, "a label");
		if (!n || ld_check_name(l, n))
			return -1;
		if (strlen(n->str) >= sizeof(e->id))
			return ld_fail(l, n, "label longer than %zu characters", sizeof(e->id) - 1);
		for (int k = 0; k < c->expect.nr_cmds - 1; k++)
			if (!strcmp(c->expect.cmds[k].id, n->str))
				return ld_fail(l, n, "label '%s' is already used", n->str);
		strcpy(e->id, n->str);
	}
	n = ymap_find(map, "reply", NULL);
	e->has_reply = n != NULL;
	return n ? ld_get_u64(l, n, &e->reply, NULL) : 0;
}

static int find_label(struct loader *l, const struct ynode *n, int *idx)
{
	int i;

	n = ld_scalar(l, n, "a command label");
	if (!n)
		return -1;
	for (i = 0; i < l->c->expect.nr_cmds; i++) {
		if (!strcmp(l->c->expect.cmds[i].id, n->str)) {
			*idx = i;
			return 0;
		}
	}
	return ld_fail(l, n, "no expected command has the label '%.64s'", n->str);
}

/* order: [{first: LABEL | [LABEL...], then: LABEL}] */
static int load_order(struct loader *l, const struct ynode *n)
{
	struct case_expect *e = &l->c->expect;
	int i, j;

	n = ld_sequence(l, n);
	if (!n)
		return -1;
	for (i = 0; i < n->nr_kids; i++) {
		const struct ynode *m = n->kids[i], *f, *t;
		struct hb_rule *r = &e->order[e->nr_order];

		if (e->nr_order == CASE_MAX_TIMELINE)
			return ld_fail(l, m, "too many order rules (max %d)", CASE_MAX_TIMELINE);
		r->loc = ld_loc_of(l, m);
		if (ld_want_map(l, m) || ld_check_schema(l, m, "order rule", ""))
			return -1;
		f = ld_need_key(l, m, "first");
		t = ld_need_key(l, m, "then");
		if (!f || !t || find_label(l, t, &r->then))
			return -1;
		if (f->type != YNODE_SEQ) {
			if (find_label(l, f, &r->first[0]))
				return -1;
			r->nr_first = 1;
		} else {
			if (f->nr_kids > CASE_MAX_HB_FIRST)
				return ld_fail(l, f, "at most %d labels", CASE_MAX_HB_FIRST);
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

	if (ld_want_map(l, map))
		return -1;
	for (i = 0; i < ymap_len(map); i++) {
		key = ymap_key(map, i);
		chan = case_find_channel(l->c, key->str);
		if (chan < 0)
			return ld_fail(l, key, "unknown channel '%.64s'", key->str);
		list = ymap_val(map, i);
		/* {any_order: [...]}: the commands may arrive in any order (several vCPUs). */
		if (list->type == YNODE_MAP && ymap_find(list, "any_order", NULL)) {
			if (ld_check_schema(l, list, "transcript channel", "any_order"))
				return -1;
			l->c->expect.any_order[chan] = true;
			list = ymap_find(list, "any_order", NULL);
		}
		list = ld_sequence(l, list);
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

	if (ld_get_u64(l, n, &v, &at))
		return -1;
	if (!v || v > 8)
		return ld_fail(l, at, "an MMIO exit has 1 to 8 bytes");
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
		return ld_fail(l, map, "too many expected exits (max %d)", CASE_MAX_EXPECT);
	x = &c->expect.exits[c->expect.nr_exits++];
	x->loc = ld_loc_of(l, map);
	if (ld_want_map(l, map) || ld_check_schema(l, map, "exit", ""))
		return -1;
	n = ld_need_key(l, map, "op");
	if (!n || ld_get_enum(l, n, rw_ops, "op", "read or write", &op))
		return -1;
	x->write = op;
	if (ld_pick_one(l, map, exit_addr_keys, rw_ops[op], "'mmio' or 'pio'", &which, &n))
		return -1;
	x->space = which ? SPACE_PIO : SPACE_MMIO;
	if (ld_get_u64(l, n, &x->addr, &addr_at))
		return -1;
	/*
	 * An ordinary exit may carry any length up to 8: a page-crossing
	 * access leaves fragments of 3, 5, 6 or 7 bytes (DISPATCH-4, -6).
	 */
	n = ld_need_key(l, map, "size");
	if (!n || (x->space == SPACE_PIO ? ld_get_size(l, n, x->space, &x->size)
					 : get_exit_size(l, n, &x->size)))
		return -1;
	if (ld_check_access(l, addr_at, x->space, x->addr, x->size))
		return -1;
	/* An unclaimed bus reads as all ones. */
	return get_data(l, map, x->write, x->size, ld_size_mask(x->size), &x->data);
}

static int load_exits(struct loader *l, const struct ynode *n)
{
	int i;

	n = ld_sequence(l, n);
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

	n = ld_sequence(l, n);
	if (!n)
		return -1;
	for (i = 0; i < n->nr_kids; i++) {
		struct expect_run_error *r = &e->run_errors[e->nr_run_errors];
		const struct ynode *m = n->kids[i], *v;

		if (e->nr_run_errors == CASE_MAX_TIMELINE)
			return ld_fail(l, m, "too many run errors (max %d)", CASE_MAX_TIMELINE);
		r->loc = ld_loc_of(l, m);
		if (ld_want_map(l, m) || ld_check_schema(l, m, "run error", ""))
			return -1;
		v = ymap_find(m, "vcpu", NULL);
		if (v && ld_get_vcpu(l, v, &r->vcpu))
			return -1;
		v = ld_need_key(l, m, "errno");
		if (!v || ld_get_errno(l, v, &r->err))
			return -1;
		if (!r->err)
			return ld_fail(l, v, "a run error cannot be 0");
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

	t->loc = ld_loc_of(l, m);
	if (ld_want_map(l, m) || ld_check_schema(l, m, "timeline", NULL))
		return -1;
	schema_names("timeline", names, sizeof(names));
	if (ld_pick_one(l, m, actions, "host step", names, &which, &v) ||
	    ld_check_schema(l, m, "timeline", actions[which]))
		return -1;
	/* Actions whose value is a map of their own: its keys are in the schema too. */
	if ((which == 0 || which == 1 || which == 6 || which == 8) &&
	    (ld_want_map(l, v) || ld_check_schema(l, v, actions[which], "")))
		return -1;
	t->count = 1;
	switch (which) {
	case 0:
	case 1:
		t->op = which == 0 ? TL_WAIT_COMMANDS : TL_WAIT_INTR;
		sub = ymap_find(v, "count", NULL);
		if (sub &&
		    ld_get_int(l, sub, which == 0 ? "wait_commands count" : "wait_intr count", 0,
			       1 << 20, &t->count))
			return -1;
		if (which == 0) {
			sub = ld_need_key(l, v, "channel");
			return sub ? ld_get_channel(l, sub, &t->channel) : -1;
		}
		sub = ymap_find(v, "vcpu", NULL);
		return sub ? ld_get_vcpu(l, sub, &t->vcpu) : 0;
	case 2:
		t->op = TL_SIGNAL;
		return ld_get_vcpu(l, v, &t->vcpu);
	case 3:
		t->op = TL_RELEASE;
		return ld_get_channel(l, v, &t->channel);
	case 7:
		t->op = TL_RESUME;
		return ld_get_vcpu(l, v, &t->vcpu);
	case 8:
		/* {set_exit_reason: {vcpu: V, value: N}} */
		t->op = TL_SET_EXIT;
		sub = ymap_find(v, "vcpu", NULL);
		if (sub && ld_get_vcpu(l, sub, &t->vcpu))
			return -1;
		sub = ld_need_key(l, v, "value");
		if (!sub || ld_get_int(l, sub, "exit reason", 0, 1 << 16, &t->count))
			return -1;
		t->exit_reason = (uint32_t)t->count;
		return 0;
	case 6:
		t->op = TL_WAIT_EXITS;
		sub = ld_need_key(l, v, "count");
		return sub ? ld_get_int(l, sub, "wait_exits count", 0, 1 << 20, &t->count) : -1;
	case 4:
		t->op = TL_DEASSIGN;
		if (ld_get_region(l, v, &t->region, NULL))
			return -1;
		v = ymap_find(m, "errno", NULL);
		return v ? ld_get_errno(l, v, &t->expect_errno) : 0;
	default:
		t->op = TL_SLEEP;
		return ld_get_int(l, v, "sleep_ms", 1, 5000, &t->ms);
	}
}

int ld_load_timeline(struct loader *l, const struct ynode *root)
{
	const struct ynode *n = ymap_find(root, "host", NULL);
	int i;

	if (!n)
		return 0;
	n = ld_sequence(l, n);
	if (!n)
		return -1;
	for (i = 0; i < n->nr_kids; i++) {
		if (i >= CASE_MAX_TIMELINE)
			return ld_fail(l, n->kids[i], "too many host steps (max %d)",
				       CASE_MAX_TIMELINE);
		if (load_tl_step(l, n->kids[i], &l->c->timeline[i]))
			return -1;
		l->c->nr_timeline++;
	}
	return 0;
}

int ld_load_expect(struct loader *l, const struct ynode *root)
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
	e->outcome_loc = ld_loc_of(l, map);
	if (ld_want_map(l, map) || ld_check_schema(l, map, "expect", ""))
		return -1;
	n = ymap_find(map, "outcome", NULL);
	if (n) {
		n = ld_scalar(l, n, "an outcome");
		if (!n || ld_get_enum(l, n, outcomes, "outcome", "done", &v))
			return -1;
		e->outcome = v;
		e->outcome_loc = ld_loc_of(l, n);
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
