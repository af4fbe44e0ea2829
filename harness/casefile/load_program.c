// SPDX-License-Identifier: GPL-2.0
/* The case loader's programs: one per vCPU, a step each, by op (the schema's "step"). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casefile/case_schema.h"
#include "casefile/loader.h"
#include "lib/errno_names.h"

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

	if (ld_get_region(l, rn, &s->region, NULL))
		return -1;
	r = &l->c->regions[s->region];
	s->space = r->space;
	n = ld_need_key(l, map, "offset");
	if (!n || ld_get_u64(l, n, &off, addr_at))
		return -1;
	if (r->gpa + off < r->gpa)
		return ld_fail(l, *addr_at, "region '%s' at 0x%llx + offset 0x%llx overflows",
			       r->name, (unsigned long long)r->gpa, (unsigned long long)off);
	s->addr = r->gpa + off;
	return 0;
}

static int step_addr(struct loader *l, const struct ynode *map, struct case_step *s,
		     const struct ynode **addr_at)
{
	const struct ynode *val, *offset;
	int which;

	if (ld_pick_one(l, map, addr_keys, op_name(s), "'region', 'mmio' or 'pio'", &which, &val))
		return -1;
	if (which == 0)
		return step_region_addr(l, map, val, s, addr_at);
	if (ymap_find(map, "offset", &offset))
		return ld_fail(l, offset, "'offset' needs 'region'");
	s->region = -1;
	s->space = which == 1 ? SPACE_MMIO : SPACE_PIO;
	return ld_get_u64(l, val, &s->addr, addr_at);
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
	if (n && ld_get_errno(l, n, &s->uncapped_errno))
		return -1;
	if (!n)
		s->uncapped_errno = s->expect_errno;

	n = ld_need_key(l, map, "count");
	if (!n || ld_get_int(l, n, "fill_bus count", 1, CASE_MAX_FILL, &v))
		return -1;
	s->count = (unsigned int)v;
	n = ymap_find(map, "at_least", NULL);
	if (n && ld_get_int(l, n, "at_least", 0, (int)s->count, &v))
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
		return ld_fail(l, map,
			       "%u copies of region '%s' do not fit in the %s address space",
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

	n = ld_need_key(l, map, "action");
	if (!n || ld_get_kind(l, n, "host step", "action", &v))
		return -1;
	s->action = v;
	if (ld_check_schema(l, map, "host step", n->str))
		return -1;
	n = ymap_find(map, "flags", NULL);
	if (n && ld_get_flags(l, n, &s->extra_flags))
		return -1;
	n = ymap_find(map, "pointer", NULL);
	if (n && ld_get_enum(l, n, pointers, "pointer", "readable, unmapped or page-end", &v))
		return -1;
	s->pointer = n ? v : ARG_READABLE;
	n = ymap_find(map, "errno", NULL);
	if (n && ld_get_errno(l, n, &s->expect_errno))
		return -1;
	if (s->action == HOST_FILL_BUS && load_fill_step(l, map, s))
		return -1;
	if (s->action == HOST_CLOSE_FDS || s->action == HOST_DEVICE_WRITE ||
	    s->action == HOST_NONBLOCK_READ_FD || s->action == HOST_NONBLOCK_WRITE_FD ||
	    s->action == HOST_FILL_WRITE_FD) {
		n = ld_need_key(l, map, "channel");
		return n ? ld_get_channel(l, n, &s->channel) : -1;
	}
	if (s->action != HOST_IOEVENTFD) {
		n = ld_need_key(l, map, "region");
		if (!n || ld_get_region(l, n, &s->region, NULL))
			return -1;
		if (s->action != HOST_DEASSIGN && !l->c->regions[s->region].later)
			return ld_fail(l, n,
				       "region '%s' is registered at start; add 'register: later'",
				       l->c->regions[s->region].name);
		return s->action == HOST_FILL_BUS ? check_fill_span(l, map, s) : 0;
	}
	n = ymap_find(map, "mmio", NULL);
	s->space = n ? SPACE_MMIO : SPACE_PIO;
	if (!n)
		n = ld_need_key(l, map, "pio");
	if (!n || ld_get_u64(l, n, &s->addr, NULL))
		return -1;
	n = ld_need_key(l, map, "size");
	if (!n || ld_get_u64(l, n, &size, &at))
		return -1;
	if (size && wire_size_code((unsigned int)size) < 0)
		return ld_fail(l, at, "ioeventfd size must be 0, 1, 2, 4 or 8");
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
		return ld_fail(l, map, "%s is port I/O: give 'pio' or a pio region", op_name(s));
	if (s->op == STEP_OUTS && !list)
		return ld_need_key(l, map, "values") ? 0 : -1;
	if (list && !(list = ld_sequence(l, list)))
		return -1;
	if (s->op == STEP_INS) {
		n = ld_need_key(l, map, "count");
		if (!n || ld_get_u64(l, n, &count, NULL))
			return -1;
		if (!count || count > CASE_MAX_STRING)
			return ld_fail(l, n, "count must be 1 to %d", CASE_MAX_STRING);
		s->count = (unsigned int)count;
		if (list && list->nr_kids != (int)count)
			return ld_fail(l, list, "expect has %d values for a count of %u",
				       list->nr_kids, s->count);
		s->check = list != NULL;
	} else {
		if (!list->nr_kids || list->nr_kids > CASE_MAX_STRING)
			return ld_fail(l, list, "values must have 1 to %d elements",
				       CASE_MAX_STRING);
		s->count = (unsigned int)list->nr_kids;
	}
	for (i = 0; list && i < list->nr_kids; i++)
		if (ld_get_value(l, list->kids[i], s->size, &s->values[i]))
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
		return ld_fail(l, map, "%s is an MMIO instruction", op_name(s));
	s->size = 16;
	if (ld_check_access(l, addr_at, s->space, s->addr, s->size))
		return -1;
	list = ymap_find(map, key, NULL);
	if (!list)
		return s->op == STEP_STORE16 && !ld_need_key(l, map, key) ? -1 : 0;
	if (!(list = ld_sequence(l, list)))
		return -1;
	if (list->nr_kids != 2)
		return ld_fail(l, list, "'%s' needs two 8-byte values, low then high", key);
	s->check = s->op == STEP_LOAD16;
	for (i = 0; i < 2; i++)
		if (ld_get_value(l, list->kids[i], 8, &s->values[i]))
			return -1;
	return 0;
}

/* add/xchg/cmpxchg: {value}, xchg/cmpxchg may check the old value with expect. */
static int load_rmw_step(struct loader *l, const struct ynode *map, struct case_step *s)
{
	const struct ynode *n;

	if (s->space != SPACE_MMIO)
		return ld_fail(l, map, "%s is an MMIO instruction", op_name(s));
	n = ld_need_key(l, map, "value");
	if (!n || ld_get_value(l, n, s->size, &s->value))
		return -1;
	if (s->op == STEP_CMPXCHG) {
		n = ld_need_key(l, map, "compare");
		if (!n || ld_get_value(l, n, s->size, &s->compare))
			return -1;
	}
	n = ymap_find(map, "expect", NULL);
	s->check = n != NULL;
	return n ? ld_get_value(l, n, s->size, &s->expect) : 0;
}

static int load_step(struct loader *l, const struct ynode *map, struct case_step *s)
{
	const struct ynode *n, *addr_at;
	int op;

	s->region = -1;
	s->loc = ld_loc_of(l, map);
	if (ld_want_map(l, map) || ld_check_schema(l, map, "step", NULL))
		return -1;
	n = ld_need_key(l, map, "op");
	if (!n || ld_get_kind(l, n, "step", "op", &op))
		return -1;
	s->op = op;
	if (ld_check_schema(l, map, "step", op_name(s)))
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
		n = ld_need_key(l, map, "size");
		if (!n || ld_get_size(l, n, s->space, &s->size) ||
		    ld_check_access(l, addr_at, s->space, s->addr, s->size))
			return -1;
		return s->op <= STEP_INS ? load_string_step(l, map, s) : load_rmw_step(l, map, s);
	}
	if (step_addr(l, map, s, &addr_at))
		return -1;
	n = ld_need_key(l, map, "size");
	if (!n || ld_get_size(l, n, s->space, &s->size))
		return -1;
	if (ld_check_access(l, addr_at, s->space, s->addr, s->size))
		return -1;

	if (s->op == STEP_WRITE) {
		n = ld_need_key(l, map, "value");
		return n ? ld_get_value(l, n, s->size, &s->value) : -1;
	}
	n = ymap_find(map, "keep_upper", NULL);
	if (n && (ld_get_bool(l, n, &s->keep_upper) ||
		  (s->keep_upper && (s->space != SPACE_PIO || s->size > 2))))
		return s->keep_upper ? ld_fail(l, n, "keep_upper is for pio reads of 1 or 2 bytes")
				     : -1;
	n = ymap_find(map, "expect", NULL);
	s->check = n != NULL;
	return n ? ld_get_value(l, n, s->size, &s->expect) : 0;
}

static int load_vcpu(struct loader *l, const struct ynode *map, struct case_vcpu *v)
{
	const struct ynode *prog;
	int i;

	v->loc = ld_loc_of(l, map);
	if (ld_want_map(l, map) || ld_check_schema(l, map, "vcpu", ""))
		return -1;
	prog = ld_need_key(l, map, "program");
	if (!prog)
		return -1;
	prog = ld_sequence(l, prog);
	if (!prog)
		return -1;
	if (!prog->nr_kids)
		return ld_fail(l, prog, "a program needs at least one step");
	for (i = 0; i < prog->nr_kids; i++) {
		if (i >= CASE_MAX_STEPS)
			return ld_fail(l, prog->kids[i], "too many steps (max %d)", CASE_MAX_STEPS);
		if (load_step(l, prog->kids[i], &v->steps[i]))
			return -1;
		v->nr_steps++;
	}
	return 0;
}

int ld_load_vcpus(struct loader *l, const struct ynode *root)
{
	const struct ynode *n;
	int i;

	n = ld_need_key(l, root, "vcpus");
	if (!n)
		return -1;
	n = ld_sequence(l, n);
	if (!n)
		return -1;
	if (!n->nr_kids)
		return ld_fail(l, n, "a case needs at least one vcpu");
	for (i = 0; i < n->nr_kids; i++) {
		if (i >= CASE_MAX_VCPUS)
			return ld_fail(l, n->kids[i], "too many vcpus (max %d)", CASE_MAX_VCPUS);
		if (load_vcpu(l, n->kids[i], &l->c->vcpus[i]))
			return -1;
		l->c->nr_vcpus++;
	}
	return 0;
}
