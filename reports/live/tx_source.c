// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdlib.h>

#include "reports/live/tx_source.h"

static bool is_access(enum step_op op)
{
	return op != STEP_SYNC && op != STEP_HOST;
}

/* Bytes an access touches: a 16-byte SSE access is one instruction. */
static uint64_t access_len(const struct case_step *s)
{
	if (s->op == STEP_STORE16 || s->op == STEP_LOAD16)
		return 16;
	return s->size ? s->size : 1;
}

/* A sizeless region (size 0) answers the 8 bytes at its address. */
static uint64_t footprint(const struct case_region *r)
{
	return r->size ? r->size : 8;
}

/* Without overflow, whatever the addresses. */
static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a >= b ? a - b < blen : b - a < alen;
}

static unsigned int all_vcpus(const struct iorfd_case *c)
{
	return (1u << c->nr_vcpus) - 1;
}

/* The vCPUs whose programs touch region @j, as a bit mask. */
static unsigned int reach(const struct iorfd_case *c, int j)
{
	const struct case_region *cr = &c->regions[j];
	unsigned int mask = 0;
	int v, i;

	for (v = 0; v < c->nr_vcpus; v++) {
		for (i = 0; i < c->vcpus[v].nr_steps; i++) {
			const struct case_step *s = &c->vcpus[v].steps[i];

			/* Its copies sit at other addresses and carry its user_data. */
			if (s->op == STEP_HOST && s->action == HOST_FILL_BUS && s->region == j)
				return all_vcpus(c);
			if (is_access(s->op) && s->space == cr->space &&
			    overlaps(s->addr, access_len(s), cr->gpa, footprint(cr)))
				mask |= 1u << v;
		}
	}
	return mask;
}

/*
 * The region of a command: the one region of its channel with its
 * user_data, or -1; in @mask the vCPUs that may have sent it.
 */
static int region_of(const struct iorfd_case *c, const struct tx_entry *t, unsigned int *mask)
{
	struct wire_cmd cmd;
	int j, found = -1, n = 0;

	*mask = 0;
	if (t->len == WIRE_MSG_SIZE) {
		wire_decode_cmd(c->rev, t->raw, &cmd);
		for (j = 0; j < c->nr_regions; j++) {
			if (c->regions[j].channel != t->channel ||
			    c->regions[j].user_data != cmd.user_data)
				continue;
			*mask |= reach(c, j);
			found = j;
			n++;
		}
	}
	/* No region, or one that no program touches: any vCPU may have sent it. */
	if (!*mask)
		*mask = all_vcpus(c);
	return n == 1 ? found : -1;
}

/* Whether command @t of region @j is the plain read or write of step @s. */
static bool tx_is(const struct iorfd_case *c, const struct tx_entry *t, int j,
		  const struct case_step *s)
{
	const struct case_region *cr;
	struct wire_cmd cmd;

	if (j < 0 || t->len != WIRE_MSG_SIZE)
		return false;
	cr = &c->regions[j];
	wire_decode_cmd(c->rev, t->raw, &cmd);
	return cr->space == s->space && cr->gpa + cmd.offset == s->addr &&
	       wire_size_bytes(cmd.size_code) == s->size &&
	       cmd.cmd == (s->op == STEP_WRITE ? WIRE_CMD_WRITE : WIRE_CMD_READ);
}

static bool exit_is(const struct exit_entry *e, const struct case_step *s)
{
	return e->space == s->space && e->write == (s->op == STEP_WRITE) && e->addr == s->addr &&
	       e->size == s->size;
}

struct ev {
	long long seq;
	int idx; /* >= 0: a command; < 0: exit -idx - 1 */
};

static int by_seq(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * Pairs the @n events of vCPU @v with the accesses of its program into
 * @step; false when any of them does not pair.
 */
static bool pair(const struct iorfd_case *c, const struct case_result *r, int v,
		 const struct tx_source *tx, const struct ev *ev, int n, long long *step)
{
	const struct vcpu_status *st = &r->vcpu[v];
	int i, k = 0;

	for (i = 0; i < c->vcpus[v].nr_steps; i++) {
		const struct case_step *s = &c->vcpus[v].steps[i];
		const struct ev *e = &ev[k];

		if (!is_access(s->op))
			continue;
		if (k == n) {
			/* No event for this access: right only if the vCPU never made it. */
			if (st->done || i < st->step)
				return false;
			break;
		}
		if ((s->op != STEP_READ && s->op != STEP_WRITE) || (!st->done && i > st->step))
			return false;
		if (e->idx >= 0 ? !tx_is(c, &r->tx[e->idx], tx[e->idx].region, s)
				: !exit_is(&r->exits[-e->idx - 1], s))
			return false;
		step[k++] = i;
	}
	return k == n;
}

/* Steps for the events of vCPU @v, where they pair (see the header). */
static void steps_of(const struct iorfd_case *c, const struct case_result *r, int v,
		     struct tx_source *tx, int nr_tx, long long *exit_step, int nr_exits)
{
	struct ev *ev = calloc(nr_tx + nr_exits + 1, sizeof(*ev));
	long long *step = calloc(nr_tx + nr_exits + 1, sizeof(*step));
	int i, n = 0;

	if (!ev || !step)
		goto out;
	for (i = 0; i < nr_tx; i++)
		if (tx[i].vcpu == v)
			ev[n++] = (struct ev){(long long)r->tx[i].seq, i};
	for (i = 0; i < nr_exits; i++)
		if (r->exits[i].vcpu == v)
			ev[n++] = (struct ev){(long long)r->exits[i].seq, -i - 1};
	qsort(ev, n, sizeof(*ev), by_seq);
	if (!pair(c, r, v, tx, ev, n, step))
		goto out;
	for (i = 0; i < n; i++) {
		if (ev[i].idx >= 0)
			tx[ev[i].idx].step = step[i];
		else
			exit_step[-ev[i].idx - 1] = step[i];
	}
out:
	free(ev);
	free(step);
}

void tx_sources(const struct iorfd_case *c, const struct case_result *r, struct tx_source *tx,
		long long *exit_step)
{
	int nr_tx = r->nr_tx < RESULT_MAX_TX ? r->nr_tx : RESULT_MAX_TX;
	int nr_exits = r->nr_exits < RESULT_MAX_EXITS ? r->nr_exits : RESULT_MAX_EXITS;
	/* vCPUs whose commands may be among the unknown or the dropped ones */
	unsigned int hidden = nr_tx < r->nr_tx || nr_exits < r->nr_exits ? all_vcpus(c) : 0;
	int i, v;

	for (i = 0; i < nr_tx; i++) {
		unsigned int mask;

		tx[i].region = region_of(c, &r->tx[i], &mask);
		tx[i].step = -1;
		if (c->nr_vcpus == 1)
			tx[i].vcpu = 0;
		else if (mask && !(mask & (mask - 1)))
			tx[i].vcpu = __builtin_ctz(mask);
		else
			tx[i].vcpu = -1;
		if (tx[i].vcpu < 0)
			hidden |= mask;
	}
	for (i = 0; i < nr_exits; i++)
		exit_step[i] = -1;
	for (v = 0; v < c->nr_vcpus; v++)
		if (!(hidden & (1u << v)))
			steps_of(c, r, v, tx, nr_tx, exit_step, nr_exits);
}
