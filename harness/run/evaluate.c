// SPDX-License-Identifier: GPL-2.0
/*
 * Checking a run against its case: every command must be well-formed for
 * its region; each channel's transcript must be exactly the expected one;
 * the VMM must have seen exactly the expected ordinary exits; every vCPU
 * must have finished.  Each failure names the case line that asked for the
 * behaviour and shows expected vs observed, decoded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kvm.h>

#include "run/execute.h"

static void fmt_expect_cmd(char *buf, size_t len, const struct iorfd_case *c,
			   const struct expect_cmd *e)
{
	const struct case_region *r = &c->regions[e->region];
	int n;

	n = snprintf(buf, len, "cmd=%s size=%u off=%#llx data=%#llx user_data=%#llx (region %s)",
		     e->cmd == WIRE_CMD_WRITE ? "WRITE" : "READ", e->size,
		     (unsigned long long)e->offset, (unsigned long long)e->data,
		     (unsigned long long)r->user_data, r->name);
	if (e->has_reply && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " reply=%#llx", (unsigned long long)e->reply);
}

static void fmt_observed(char *buf, size_t len, enum iorfd_rev rev, const struct tx_entry *t)
{
	struct wire_cmd cmd;
	int n;

	if (t->len != WIRE_MSG_SIZE) {
		snprintf(buf, len, "%d bytes instead of %d", t->len, WIRE_MSG_SIZE);
		return;
	}
	wire_decode_cmd(rev, t->raw, &cmd);
	n = wire_format_cmd(buf, len, &cmd);
	if (t->replied && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " reply=%#llx", (unsigned long long)t->reply);
}

/*
 * KVM keeps only the low size bytes of a reply: the rest is not part of
 * what the device answered (a device program may leave it 0, our register
 * model fills it).
 */
static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
}

static bool cmd_matches(const struct iorfd_case *c, const struct expect_cmd *e,
			const struct tx_entry *t)
{
	struct wire_cmd cmd;

	if (t->len != WIRE_MSG_SIZE)
		return false;
	wire_decode_cmd(c->rev, t->raw, &cmd);
	return cmd.cmd == e->cmd && wire_size_bytes(cmd.size_code) == e->size &&
	       cmd.offset == e->offset && cmd.data == e->data &&
	       cmd.user_data == c->regions[e->region].user_data &&
	       (!e->has_reply || (t->replied && !((t->reply ^ e->reply) & size_mask(e->size))));
}

static int by_seq(const void *a, const void *b)
{
	const struct tx_entry *x = *(const struct tx_entry *const *)a;
	const struct tx_entry *y = *(const struct tx_entry *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void check_violations(const struct iorfd_case *c, struct case_result *res)
{
	int i, j, n = res->nr_tx < RESULT_MAX_TX ? res->nr_tx : RESULT_MAX_TX;
	char obs[256], raw[128], detail[160];

	for (i = 0; i < n; i++) {
		const struct tx_entry *t = &res->tx[i];
		const char *name = c->channels[t->channel].name;

		fmt_observed(obs, sizeof(obs), c->rev, t);
		wire_format_raw(raw, sizeof(raw), t->raw);
		snprintf(detail, sizeof(detail), "  raw: %s", raw);
		if (t->len != WIRE_MSG_SIZE)
			result_fail_at(
				res, VERDICT_FAIL,
				&(struct fail_spec){.kind = FAIL_CMD_VIOLATION,
						    .req = "WIRE-1",
						    .channel = name,
						    .seq = t->seq + 1},
				"channel %s: a command of %d bytes, expected exactly %d (raw %s)",
				name, t->len, WIRE_MSG_SIZE, raw);
		for (j = 0; j < t->nr_viol && j < TX_MAX_VIOLATIONS; j++)
			result_fail_at(res, VERDICT_FAIL,
				       &(struct fail_spec){.kind = FAIL_CMD_VIOLATION,
							   .req = t->viol[j].req,
							   .channel = name,
							   .seq = t->seq + 1,
							   .observed = obs,
							   .detail = detail},
				       "channel %s: %s: %s", name, t->viol[j].req, t->viol[j].msg);
	}
}

/*
 * Which observed command each expected one matched: seq + 1, 0 for none.
 * Happens-before rules are checked on these.
 */
static uint64_t matched[CASE_MAX_EXPECT];

/* Any-order channel: each expected command takes the first equal one not yet taken. */
static void check_channel_any_order(const struct iorfd_case *c, struct case_result *res, int ch,
				    const struct expect_cmd **want, int nw,
				    const struct tx_entry **got, int ng)
{
	bool taken[RESULT_MAX_TX] = {false};
	char exp[256], obs[256];
	int i, j, missing = 0;

	for (i = 0; i < nw; i++) {
		for (j = 0; j < ng; j++)
			if (!taken[j] && cmd_matches(c, want[i], got[j]))
				break;
		if (j < ng) {
			taken[j] = true;
			matched[want[i] - c->expect.cmds] = got[j]->seq + 1;
			continue;
		}
		if (missing++)
			continue;
		fmt_expect_cmd(exp, sizeof(exp), c, want[i]);
		result_fail_at(res, VERDICT_FAIL,
			       &(struct fail_spec){.kind = FAIL_CMD_MISSING,
						   .at = &want[i]->loc,
						   .channel = c->channels[ch].name,
						   .expected = exp},
			       "channel %s (any order): expected command not observed:",
			       c->channels[ch].name);
	}
	for (j = 0; j < ng; j++) {
		if (taken[j])
			continue;
		fmt_observed(obs, sizeof(obs), c->rev, got[j]);
		result_fail_at(res, VERDICT_FAIL,
			       &(struct fail_spec){.kind = FAIL_CMD_UNEXPECTED,
						   .at = &c->channels[ch].loc,
						   .channel = c->channels[ch].name,
						   .index = j + 1,
						   .seq = got[j]->seq + 1,
						   .observed = obs},
			       "channel %s (any order): %d expected, %d observed; unexpected:",
			       c->channels[ch].name, nw, ng);
		break;
	}
}

/* Compares one channel's transcript; reports only the first difference. */
static void check_channel(const struct iorfd_case *c, struct case_result *res, int ch,
			  const struct tx_entry **seen, int nr_seen)
{
	const struct expect_cmd *want[CASE_MAX_EXPECT];
	const struct tx_entry *got[RESULT_MAX_TX];
	char exp[256], obs[256];
	int nw = 0, ng = 0, i;

	for (i = 0; i < c->expect.nr_cmds; i++)
		if (c->expect.cmds[i].channel == ch)
			want[nw++] = &c->expect.cmds[i];
	for (i = 0; i < nr_seen; i++)
		if (seen[i]->channel == ch)
			got[ng++] = seen[i];

	if (c->expect.any_order[ch]) {
		check_channel_any_order(c, res, ch, want, nw, got, ng);
		return;
	}
	for (i = 0; i < nw && i < ng; i++) {
		if (cmd_matches(c, want[i], got[i])) {
			matched[want[i] - c->expect.cmds] = got[i]->seq + 1;
			continue;
		}
		fmt_expect_cmd(exp, sizeof(exp), c, want[i]);
		fmt_observed(obs, sizeof(obs), c->rev, got[i]);
		result_fail_at(res, VERDICT_FAIL,
			       &(struct fail_spec){.kind = FAIL_CMD_DIFFERS,
						   .at = &want[i]->loc,
						   .channel = c->channels[ch].name,
						   .index = i + 1,
						   .seq = got[i]->seq + 1,
						   .expected = exp,
						   .observed = obs},
			       "channel %s, command #%d differs", c->channels[ch].name, i + 1);
		return;
	}
	if (nw > ng) {
		fmt_expect_cmd(exp, sizeof(exp), c, want[ng]);
		result_fail_at(res, VERDICT_FAIL,
			       &(struct fail_spec){.kind = FAIL_CMD_MISSING,
						   .at = &want[ng]->loc,
						   .channel = c->channels[ch].name,
						   .index = ng + 1,
						   .expected = exp},
			       "channel %s: expected %d commands, observed %d; first missing:",
			       c->channels[ch].name, nw, ng);
	} else if (ng > nw) {
		const struct src_loc *l = nw ? &want[nw - 1]->loc : &c->channels[ch].loc;

		fmt_observed(obs, sizeof(obs), c->rev, got[nw]);
		result_fail_at(res, VERDICT_FAIL,
			       &(struct fail_spec){.kind = FAIL_CMD_UNEXPECTED,
						   .at = l,
						   .channel = c->channels[ch].name,
						   .index = nw + 1,
						   .seq = got[nw]->seq + 1,
						   .observed = obs},
			       "channel %s: expected %d commands, observed %d; first unexpected:",
			       c->channels[ch].name, nw, ng);
	}
}

static void check_transcripts(const struct iorfd_case *c, struct case_result *res)
{
	const struct tx_entry *seen[RESULT_MAX_TX];
	int n = res->nr_tx < RESULT_MAX_TX ? res->nr_tx : RESULT_MAX_TX, i;

	if (res->nr_tx > RESULT_MAX_TX)
		result_fail_at(res, VERDICT_ERROR, &(struct fail_spec){.kind = FAIL_HARNESS},
			       "%d commands observed; only the first %d were kept", res->nr_tx,
			       RESULT_MAX_TX);
	for (i = 0; i < n; i++)
		seen[i] = &res->tx[i];
	qsort(seen, n, sizeof(seen[0]), by_seq);
	memset(matched, 0, sizeof(matched));
	for (i = 0; i < c->nr_channels; i++)
		check_channel(c, res, i, seen, n);
}

/* Happens-before rules, on the commands that were matched (ORD-1, FLUSH-1). */
static void check_order(const struct iorfd_case *c, struct case_result *res)
{
	int i, j;

	for (i = 0; i < c->expect.nr_order; i++) {
		const struct hb_rule *r = &c->expect.order[i];
		uint64_t then = matched[r->then];

		for (j = 0; then && j < r->nr_first; j++) {
			uint64_t first = matched[r->first[j]];

			if (!first || first < then)
				continue;
			result_fail_at(
				res, VERDICT_FAIL,
				&(struct fail_spec){.kind = FAIL_ORDER,
						    .req = "ORD-1",
						    .at = &r->loc,
						    .seq = first},
				"expected '%s' to reach the device before '%s'; observed it after (order %llu vs %llu)",
				c->expect.cmds[r->first[j]].id, c->expect.cmds[r->then].id,
				(unsigned long long)first - 1, (unsigned long long)then - 1);
		}
	}
}

/* V3 keeps serialization per bus: MMIO and PIO on one read fd do overlap (ORD-3, B10). */
static bool mixed_buses(const struct iorfd_case *c, int ch)
{
	int i, mmio = 0, pio = 0;

	for (i = 0; i < c->nr_regions; i++) {
		if (c->regions[i].reply_channel != ch)
			continue;
		if (c->regions[i].space == SPACE_PIO)
			pio++;
		else
			mmio++;
	}
	return c->rev == IORFD_V3 && mmio && pio;
}

/*
 * ORD-2: at most one command in flight per read fd, seen by the responders;
 * chan_overlap is kept per channel whose read fd it is.
 */
static void check_serialized(const struct iorfd_case *c, struct case_result *res)
{
	int i;

	if (c->rev == IORFD_V1)
		return; /* V1 does not serialize (ORD-4) */
	for (i = 0; i < c->nr_channels; i++)
		if (res->chan_overlap[i] && !mixed_buses(c, i))
			result_fail_at(
				res, VERDICT_FAIL,
				&(struct fail_spec){.kind = FAIL_OVERLAP,
						    .req = "ORD-2",
						    .at = &c->channels[i].loc,
						    .channel = c->channels[i].name},
				"channel %s: %d command(s) arrived while an earlier one was still unanswered",
				c->channels[i].name, res->chan_overlap[i]);
}

/* An ordinary exit, decoded; @vcpu < 0: an expected one, which names none. */
static void fmt_exit(char *buf, size_t len, enum addr_space sp, bool write, uint64_t addr,
		     unsigned int size, uint64_t data, int vcpu)
{
	int n = snprintf(buf, len, "%s %s %#llx size=%u data=%#llx",
			 sp == SPACE_PIO ? "KVM_EXIT_IO" : "KVM_EXIT_MMIO",
			 write ? (sp == SPACE_PIO ? "out" : "write")
			       : (sp == SPACE_PIO ? "in" : "read"),
			 (unsigned long long)addr, size, (unsigned long long)data);

	if (vcpu >= 0 && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " (vCPU%d)", vcpu);
}

static void check_exits(const struct iorfd_case *c, struct case_result *res)
{
	const struct case_expect *e = &c->expect;
	int n = res->nr_exits < RESULT_MAX_EXITS ? res->nr_exits : RESULT_MAX_EXITS, i;
	char exp[160], obs[160];

	for (i = 0; i < e->nr_exits && i < n; i++) {
		const struct expect_exit *w = &e->exits[i];
		const struct exit_entry *g = &res->exits[i];

		if (w->space == g->space && w->write == g->write && w->addr == g->addr &&
		    w->size == g->size && w->data == g->data)
			continue;
		fmt_exit(exp, sizeof(exp), w->space, w->write, w->addr, w->size, w->data, -1);
		fmt_exit(obs, sizeof(obs), g->space, g->write, g->addr, g->size, g->data, g->vcpu);
		result_fail_at(res, VERDICT_FAIL,
			       &(struct fail_spec){.kind = FAIL_EXIT_DIFFERS,
						   .at = &w->loc,
						   .index = i + 1,
						   .seq = g->seq + 1,
						   .expected = exp,
						   .observed = obs},
			       "ordinary exit #%d differs", i + 1);
		return;
	}
	if (e->nr_exits > n) {
		const struct expect_exit *w = &e->exits[n];

		fmt_exit(exp, sizeof(exp), w->space, w->write, w->addr, w->size, w->data, -1);
		result_fail_at(
			res, VERDICT_FAIL,
			&(struct fail_spec){.kind = FAIL_EXIT_MISSING,
					    .at = &w->loc,
					    .index = n + 1,
					    .expected = exp},
			"expected %d ordinary exits, observed %d; first missing:", e->nr_exits, n);
	} else if (n > e->nr_exits) {
		const struct exit_entry *g = &res->exits[e->nr_exits];

		fmt_exit(obs, sizeof(obs), g->space, g->write, g->addr, g->size, g->data, g->vcpu);
		result_fail_at(
			res, VERDICT_FAIL,
			&(struct fail_spec){.kind = FAIL_EXIT_UNEXPECTED,
					    .at = &c->loc,
					    .index = e->nr_exits + 1,
					    .seq = g->seq + 1,
					    .observed = obs},
			"expected %d ordinary exits, observed %d; first unexpected (the access was not dispatched to a region):",
			e->nr_exits, n);
	}
}

static void check_outcome(const struct iorfd_case *c, struct case_result *res)
{
	const struct src_loc *l = c->expect.outcome_loc.file ? &c->expect.outcome_loc : &c->loc;
	int i;

	for (i = 0; i < c->nr_vcpus; i++) {
		const struct vcpu_status *st = &res->vcpu[i];

		if (!st->done && res->verdict != VERDICT_ERROR)
			result_fail_at(
				res, VERDICT_FAIL, &(struct fail_spec){.kind = FAIL_VCPU, .at = l},
				"outcome: expected every vCPU done, vCPU%d stopped at step %lld", i,
				(long long)st->step);
	}
}

/* KVM_RUN errors per vCPU, in order, against the expected ones (ERR-9, ERR-14). */
static void check_run_errors(const struct iorfd_case *c, struct case_result *res)
{
	int n = res->nr_run_events < RESULT_MAX_RUN_EVENTS ? res->nr_run_events
							   : RESULT_MAX_RUN_EVENTS;
	int v, i, j, k;

	for (v = 0; v < c->nr_vcpus; v++) {
		const struct expect_run_error *want[CASE_MAX_TIMELINE];
		const struct run_event *got[RESULT_MAX_RUN_EVENTS];
		int nw = 0, ng = 0;

		for (i = 0; i < c->expect.nr_run_errors; i++)
			if (c->expect.run_errors[i].vcpu == v)
				want[nw++] = &c->expect.run_errors[i];
		for (j = 0; j < n; j++)
			if (res->run_events[j].vcpu == v)
				got[ng++] = &res->run_events[j];
		for (k = 0; k < ng; k++) {
			const struct case_step *s =
				got[k]->step >= 0 && got[k]->step < c->vcpus[v].nr_steps
					? &c->vcpus[v].steps[got[k]->step]
					: NULL;
			const struct src_loc *l = k < nw ? &want[k]->loc : s ? &s->loc : &c->loc;

			if (k < nw && got[k]->err == want[k]->err) {
				if (got[k]->err == EINTR && got[k]->exit_reason != KVM_EXIT_INTR)
					result_fail_at(
						res, VERDICT_FAIL,
						&(struct fail_spec){.kind = FAIL_ERRNO,
								    .req = "ERR-9",
								    .at = l},
						"vCPU%d: KVM_RUN failed with EINTR but exit_reason is %u, expected KVM_EXIT_INTR (10)",
						v, got[k]->exit_reason);
				continue;
			}
			result_fail_at(
				res, VERDICT_FAIL, &(struct fail_spec){.kind = FAIL_ERRNO, .at = l},
				"vCPU%d: KVM_RUN #%d error: expected %s, observed %s at step %lld",
				v, k + 1, k < nw ? strerrorname_np(want[k]->err) : "none",
				strerrorname_np(got[k]->err), (long long)got[k]->step);
			break;
		}
		if (ng < nw)
			result_fail_at(
				res, VERDICT_FAIL,
				&(struct fail_spec){.kind = FAIL_ERRNO, .at = &want[ng]->loc},
				"vCPU%d: expected KVM_RUN to fail with %s, it did not", v,
				strerrorname_np(want[ng]->err));
	}
}

void case_evaluate(const struct iorfd_case *c, struct case_result *res)
{
	check_run_errors(c, res);
	check_outcome(c, res);
	check_violations(c, res);
	check_transcripts(c, res);
	check_order(c, res);
	check_serialized(c, res);
	check_exits(c, res);
}
