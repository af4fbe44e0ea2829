// SPDX-License-Identifier: GPL-2.0
/*
 * The case loader's device cases: a file with exchanges: instead of vcpus:
 * (docs/case-format.md, Device cases).  The suite plays KVM against a
 * device program, so such a file has regions the device serves (user_data,
 * size, posted) and the commands to send, each with what must come back;
 * no channels, guests or host timeline.  Values go through load_values.c
 * like a guest case's, per-revision values included.
 */
#include <stdio.h>
#include <string.h>

#include "casefile/case_schema.h"
#include "casefile/loader.h"

/*
 * The bits of a command's first 8 bytes (as a little-endian u64) that a
 * layout reserves: v1/v2 info bits 31..7 and the padding word; v3 byte 1
 * bits 7..5 and bytes 2..7.  A case may set only these (reserved:), so
 * that it asks about reserved bits and never about a field by mistake.
 */
#define V12_RESERVED 0xffffffffffffff80ull
#define V3_RESERVED  0xffffffffffffe000ull

/* The keys of a guest case that a device case has no use for, and why. */
int ld_refuse_guest_keys(struct loader *l, const struct ynode *root)
{
	static const char *const guest_only[] = {"vcpus",      "channels",    "host", "expect",
						 "crash_risk", "vmm_sigpipe", NULL};
	const struct ynode *key;
	int i;

	for (i = 0; guest_only[i]; i++)
		if (ymap_find(root, guest_only[i], &key))
			return ld_fail(
				l, key,
				"'%s' is for guest cases: a device case (exchanges:) has the "
				"contract's one channel and no guest",
				guest_only[i]);
	return 0;
}

static int load_region(struct loader *l, const struct ynode *key, const struct ynode *map)
{
	struct iorfd_case *c = l->c;
	const struct ynode *n, *at;
	struct case_region *r = ld_new_region(l, key, map, "device region");
	int i;

	if (!r)
		return -1;
	n = ld_need_key(l, map, "user_data");
	if (!n || ld_get_u64(l, n, &r->user_data, &at))
		return -1;
	/* The device finds a command's region by user_data alone. */
	for (i = 0; i < c->nr_regions - 1; i++)
		if (c->regions[i].user_data == r->user_data)
			return ld_fail(l, at, "user_data 0x%llx is region '%s''s already",
				       (unsigned long long)r->user_data, c->regions[i].name);
	n = ld_need_key(l, map, "size");
	if (!n || ld_get_u64(l, n, &r->size, &at))
		return -1;
	if (!r->size)
		return ld_fail(l, at, "a region the device serves has a size (1 or more)");
	n = ymap_find(map, "posted", NULL);
	return n ? ld_get_bool(l, n, &r->posted) : 0;
}

static int load_regions(struct loader *l, const struct ynode *root)
{
	const struct ynode *map = ld_need_key(l, root, "regions");
	int i;

	if (!map || ld_want_map(l, map))
		return -1;
	if (!ymap_len(map))
		return ld_fail(l, map, "a device case needs at least one region");
	for (i = 0; i < ymap_len(map); i++)
		if (load_region(l, ymap_key(map, i), ymap_val(map, i)))
			return -1;
	return 0;
}

/* req: one of the case's own requirements, the rule a failure of this step breaks. */
static int load_req(struct loader *l, const struct ynode *map, struct dev_step *s)
{
	const struct ynode *n = ymap_find(map, "req", NULL);
	int i;

	if (!n)
		return 0;
	n = ld_scalar(l, n, "a requirement ID");
	if (!n)
		return -1;
	for (i = 0; i < l->c->nr_reqs; i++)
		if (!strcmp(l->c->reqs[i], n->str)) {
			strcpy(s->req_buf, n->str);
			s->req = s->req_buf;
			return 0;
		}
	return ld_fail(l, n, "req '%.64s' is not among the case's requirements", n->str);
}

/* An optional bool or bounded int under @key; absent leaves *@out alone. */
static int opt_bool(struct loader *l, const struct ynode *map, const char *key, bool *out)
{
	const struct ynode *n = ymap_find(map, key, NULL);

	return n ? ld_get_bool(l, n, out) : 0;
}

static int opt_int(struct loader *l, const struct ynode *map, const char *key, int min, int max,
		   int *out)
{
	const struct ynode *n = ymap_find(map, key, NULL);

	return n ? ld_get_int(l, n, key, min, max, out) : 0;
}

/* region, offset, size: an access KVM could send, inside the region. */
static int load_access(struct loader *l, const struct ynode *map, struct dev_step *s)
{
	const struct case_region *r;
	const struct ynode *n, *at;

	n = ld_need_key(l, map, "region");
	if (!n || ld_get_region(l, n, &s->region, NULL))
		return -1;
	r = &l->c->regions[s->region];
	n = ld_need_key(l, map, "offset");
	if (!n || ld_get_u64(l, n, &s->offset, &at))
		return -1;
	n = ld_need_key(l, map, "size");
	if (!n || ld_get_size(l, n, SPACE_MMIO, &s->size))
		return -1;
	if (s->offset >= r->size || s->size > r->size - s->offset)
		return ld_fail(l, at,
			       "%u bytes at offset 0x%llx are not inside region '%s' (size 0x%llx)",
			       s->size, (unsigned long long)s->offset, r->name,
			       (unsigned long long)r->size);
	return 0;
}

/* reserved: bits of the first 8 bytes the case's revision leaves zero. */
static int load_reserved(struct loader *l, const struct ynode *map, struct dev_step *s)
{
	uint64_t allowed = rev_has_v3_layout(l->rev) ? V3_RESERVED : V12_RESERVED;
	const struct ynode *n = ymap_find(map, "reserved", NULL), *at;

	if (!n)
		return 0;
	if (ld_get_u64(l, n, &s->reserved, &at))
		return -1;
	if (!s->reserved || s->reserved & ~allowed)
		return ld_fail(l, at,
			       "reserved 0x%llx must set only bits the %s layout reserves (within "
			       "0x%llx of the first 8 bytes, little-endian)",
			       (unsigned long long)s->reserved, rev_name(l->rev),
			       (unsigned long long)allowed);
	return 0;
}

/* split_at, cut_at, pause_ms, repeat, one_write: how the commands go out. */
static int load_framing(struct loader *l, const struct ynode *map, struct dev_step *s)
{
	const struct ynode *n;

	if (opt_int(l, map, "repeat", 1, CASE_MAX_DEV_REPEAT, &s->repeat) ||
	    opt_bool(l, map, "one_write", &s->one_write) ||
	    opt_int(l, map, "split_at", 1, WIRE_MSG_SIZE - 1, &s->split_at) ||
	    opt_int(l, map, "cut_at", 1, WIRE_MSG_SIZE - 1, &s->cut_at) ||
	    opt_int(l, map, "pause_ms", 0, 5000, &s->pause_ms))
		return -1;
	if (s->repeat > 1 && (s->split_at || s->cut_at))
		return ld_fail(l, map, "split_at and cut_at are for one command, not a repeat");
	if (s->one_write && s->repeat < 2)
		return ld_fail(l, map, "one_write needs a repeat of 2 or more");
	n = ymap_find(map, "pause_ms", NULL);
	if (n && !s->split_at)
		return ld_fail(l, n, "'pause_ms' is the pause of a split_at");
	if (s->split_at && !n)
		s->pause_ms = 100;
	if (s->repeat > 1 &&
	    (uint64_t)s->repeat * s->size > l->c->regions[s->region].size - s->offset)
		return ld_fail(l, map, "%d writes of %u bytes from offset 0x%llx leave region '%s'",
			       s->repeat, s->size, (unsigned long long)s->offset,
			       l->c->regions[s->region].name);
	return 0;
}

static int load_command(struct loader *l, const struct ynode *map, struct dev_step *s)
{
	int max_code = rev_has_v3_layout(l->rev) ? 255 : 15, code;
	const struct ynode *n;

	if (load_access(l, map, s) || load_reserved(l, map, s) ||
	    opt_bool(l, map, "pipelined", &s->pipelined))
		return -1;
	n = ld_need_key(l, map, "code");
	if (!n || ld_get_int(l, n, "code", 0, max_code, &code))
		return -1;
	s->code = (uint8_t)code;
	n = ld_need_key(l, map, "resp");
	if (!n || ld_get_bool(l, n, &s->resp))
		return -1;
	n = ymap_find(map, "data", NULL);
	return n ? ld_get_u64(l, n, &s->value, NULL) : 0;
}

static int load_read_write(struct loader *l, const struct ynode *map, struct dev_step *s)
{
	const struct ynode *n;

	if (load_access(l, map, s) || load_reserved(l, map, s) ||
	    opt_bool(l, map, "pipelined", &s->pipelined) || load_framing(l, map, s))
		return -1;
	if (s->op == DEV_WRITE) {
		s->code = WIRE_CMD_WRITE;
		s->resp = !l->c->regions[s->region].posted;
		n = ld_need_key(l, map, "value");
		if (!n || ld_get_value(l, n, s->size, &s->value))
			return -1;
		/* A repeat writes value, value + 1, ...: each must still fit. */
		if ((uint64_t)(s->repeat - 1) > ld_size_mask(s->size) - s->value)
			return ld_fail(l, n, "value 0x%llx + %d more does not fit in %u byte%s",
				       (unsigned long long)s->value, s->repeat - 1, s->size,
				       s->size == 1 ? "" : "s");
		return 0;
	}
	s->code = WIRE_CMD_READ;
	s->resp = true;
	n = ymap_find(map, "expect", NULL);
	s->check = n != NULL;
	return n ? ld_get_value(l, n, s->size, &s->expect) : 0;
}

static int load_eof(struct loader *l, const struct ynode *map, struct dev_step *s)
{
	static const char *const ends[] = {"commands", "both", NULL};
	const struct ynode *n = ymap_find(map, "close", NULL);
	int v;

	if (n && ld_get_enum(l, n, ends, "close", "commands or both", &v))
		return -1;
	s->close_both = n && v == 1;
	return opt_int(l, map, "within_ms", 1, 10000, &s->within_ms);
}

/* The ops in the order of enum dev_op, as the schema names them. */
static const char *const op_names[] = {
	[DEV_READ] = "read",   [DEV_WRITE] = "write", [DEV_COMMAND] = "command",
	[DEV_QUIET] = "quiet", [DEV_EOF] = "eof",
};

static int load_exchange(struct loader *l, const struct ynode *map, struct dev_step *s)
{
	const struct ynode *n;
	int op;

	s->region = -1;
	s->repeat = 1;
	s->loc = ld_loc_of(l, map);
	if (ld_want_map(l, map) || ld_check_schema(l, map, "exchange", NULL))
		return -1;
	n = ld_need_key(l, map, "op");
	if (!n || ld_get_kind(l, n, "exchange", "op", &op))
		return -1;
	s->op = op;
	if (ld_check_schema(l, map, "exchange", op_names[op]) || load_req(l, map, s))
		return -1;
	switch (s->op) {
	case DEV_READ:
	case DEV_WRITE:
		return load_read_write(l, map, s);
	case DEV_COMMAND:
		return load_command(l, map, s);
	case DEV_QUIET:
		n = ld_need_key(l, map, "ms");
		return n ? ld_get_int(l, n, "ms", 1, 5000, &s->pause_ms) : -1;
	case DEV_EOF:
		return load_eof(l, map, s);
	}
	return 0;
}

static int load_exchanges(struct loader *l, const struct ynode *root)
{
	struct iorfd_case *c = l->c;
	const struct ynode *n = ld_need_key(l, root, "exchanges");
	int i;

	if (!n || !(n = ld_sequence(l, n)))
		return -1;
	if (!n->nr_kids)
		return ld_fail(l, n, "a device case needs at least one exchange");
	for (i = 0; i < n->nr_kids; i++) {
		if (i >= CASE_MAX_DEV_STEPS)
			return ld_fail(l, n->kids[i], "too many exchanges (max %d)",
				       CASE_MAX_DEV_STEPS);
		if (load_exchange(l, n->kids[i], &c->dev_steps[i]))
			return -1;
		c->nr_dev_steps++;
		/* Past EOF the device is gone: nothing can follow. */
		if (c->dev_steps[i].op == DEV_EOF && i + 1 < n->nr_kids)
			return ld_fail(l, n->kids[i + 1], "nothing can follow an eof exchange");
	}
	return 0;
}

int ld_load_device(struct loader *l, const struct ynode *root)
{
	struct iorfd_case *c = l->c;

	c->device = true;
	/* The contract's one channel, named for the reports. */
	c->nr_channels = 1;
	strcpy(c->channels[0].name, "dev");
	c->channels[0].kind = CHAN_PIPES;
	c->channels[0].loc = c->loc;
	if (load_regions(l, root))
		return -1;
	return load_exchanges(l, root);
}
