// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary bytes into the case loader, once per revision.
 *
 * Case files come from people and from other trees, and the loader is the
 * first code of the suite to see them, so it must turn any input into
 * either a case the rest of the harness can trust or a "FILE:LINE:COL:"
 * error.  ASan and UBSan catch the memory errors; the checks below catch a
 * loader that says yes to something the runner would index out of bounds
 * with, or says no without saying where.  A failed check is a trap, which
 * libFuzzer reports as a crash and saves.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model/case.h"

#define FUZZ_NAME "fuzz.yaml"

#include "fuzz_check.h"

/* Large (hundreds of KiB): one static copy rather than a stack frame per run. */
static struct iorfd_case the_case;

static void check_loc(const struct iorfd_case *c, const struct src_loc *loc)
{
	check(loc->file == c->file);
	check(loc->line >= 1 && loc->col >= 1);
}

static void check_str(const char *s, size_t size)
{
	check(memchr(s, '\0', size));
}

static bool is_size(unsigned int size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

static void check_step(const struct iorfd_case *c, const struct case_step *s)
{
	check_loc(c, &s->loc);
	check(s->region >= -1 && s->region < c->nr_regions);
	check(s->count <= (s->op == STEP_HOST ? CASE_MAX_FILL : CASE_MAX_STRING));
	if (s->op == STEP_SYNC)
		return;
	if (s->op == STEP_HOST) {
		if (s->action == HOST_REGISTER || s->action == HOST_DEASSIGN)
			check(s->region >= 0);
		if (s->action == HOST_CLOSE_FDS)
			check(s->channel >= 0 && s->channel < c->nr_channels);
		if (s->action == HOST_IOEVENTFD)
			check(!s->size || is_size(s->size));
		return;
	}
	/* movdqu moves 16 bytes; every other access 1 to 8. */
	if (s->op == STEP_STORE16 || s->op == STEP_LOAD16)
		check(s->size == 16 && s->space == SPACE_MMIO);
	else
		check(is_size(s->size));
	if (s->space == SPACE_PIO)
		check(s->size <= 4 && s->addr + s->size <= 0x10000);
	/* The guest interpreter's access must not wrap. */
	check(s->addr + (s->size - 1) >= s->addr);
	if (s->region >= 0)
		check(c->regions[s->region].space == s->space);
}

/* Host timeline steps name a vCPU, a channel or a region by index. */
static void check_timeline(const struct iorfd_case *c, const struct tl_step *t)
{
	check_loc(c, &t->loc);
	check(t->vcpu >= 0 && t->vcpu < c->nr_vcpus);
	if (t->op == TL_WAIT_COMMANDS || t->op == TL_RELEASE)
		check(t->channel >= 0 && t->channel < c->nr_channels);
	if (t->op == TL_DEASSIGN)
		check(t->region >= 0 && t->region < c->nr_regions);
}

/* Happens-before rules and KVM_RUN errors index the commands and the vCPUs. */
static void check_order(const struct iorfd_case *c)
{
	const struct case_expect *e = &c->expect;
	int i, j;

	check(e->nr_order >= 0 && e->nr_order <= CASE_MAX_TIMELINE);
	for (i = 0; i < e->nr_order; i++) {
		const struct hb_rule *r = &e->order[i];

		check(r->nr_first >= 1 && r->nr_first <= CASE_MAX_HB_FIRST);
		for (j = 0; j < r->nr_first; j++)
			check(r->first[j] >= 0 && r->first[j] < e->nr_cmds);
		check(r->then >= 0 && r->then < e->nr_cmds);
		check_loc(c, &r->loc);
	}
	check(e->nr_run_errors >= 0 && e->nr_run_errors <= CASE_MAX_TIMELINE);
	for (i = 0; i < e->nr_run_errors; i++) {
		check(e->run_errors[i].vcpu >= 0 && e->run_errors[i].vcpu < c->nr_vcpus);
		check(e->run_errors[i].err > 0);
	}
}

/*
 * A device case: what harness/device/exchange.c indexes and sends with,
 * without checking again.  Its commands stay inside their regions, and a
 * step's req is one of the case's own requirements.
 */
static void check_device(const struct iorfd_case *c)
{
	int i, j;

	check(c->nr_vcpus == 0 && c->nr_timeline == 0 && c->expect.nr_cmds == 0);
	check(c->nr_channels == 1 && c->nr_regions >= 1);
	check(c->nr_dev_steps >= 1 && c->nr_dev_steps <= CASE_MAX_DEV_STEPS);
	for (i = 0; i < c->nr_dev_steps; i++) {
		const struct dev_step *s = &c->dev_steps[i];
		bool found = !s->req;

		check_loc(c, &s->loc);
		check(s->repeat >= 1 && s->repeat <= CASE_MAX_DEV_REPEAT);
		check(s->split_at >= 0 && s->split_at < WIRE_MSG_SIZE);
		check(s->cut_at >= 0 && s->cut_at < WIRE_MSG_SIZE && !(s->split_at && s->cut_at));
		for (j = 0; j < c->nr_reqs; j++)
			found |= s->req == c->dev_steps[i].req_buf && !strcmp(s->req, c->reqs[j]);
		check(found);
		/* Nothing follows end of file. */
		check(s->op != DEV_EOF || i == c->nr_dev_steps - 1);
		if (s->op == DEV_QUIET || s->op == DEV_EOF) {
			check(s->region == -1);
			continue;
		}
		check(s->region >= 0 && s->region < c->nr_regions);
		check(is_size(s->size));
		check(s->offset + (uint64_t)s->size * s->repeat <= c->regions[s->region].size);
		check(s->offset + (uint64_t)s->size * s->repeat >= s->offset);
	}
}

/* What the runner and the evaluator index with, without checking again. */
static void check_case(const struct iorfd_case *c)
{
	int i, j;

	check_str(c->file, sizeof(c->file));
	check(!strcmp(c->file, FUZZ_NAME));
	check_str(c->name, sizeof(c->name));
	check(c->name[0]);
	check_str(c->summary, sizeof(c->summary));
	check_str(c->crash_risk, sizeof(c->crash_risk));
	check_loc(c, &c->loc);
	check(c->revisions && !(c->revisions & ~IORFD_ALL_REVS));

	check(c->nr_reqs >= 0 && c->nr_reqs <= CASE_MAX_REQS);
	for (i = 0; i < c->nr_reqs; i++) {
		check(c->reqs[i] == c->req_buf[i]);
		check_str(c->req_buf[i], sizeof(c->req_buf[i]));
	}

	check(c->nr_channels >= 0 && c->nr_channels <= CASE_MAX_CHANNELS);
	for (i = 0; i < c->nr_channels; i++) {
		check_str(c->channels[i].name, sizeof(c->channels[i].name));
		check(c->channels[i].name[0]);
		check_loc(c, &c->channels[i].loc);
	}

	check(c->nr_regions >= 0 && c->nr_regions <= CASE_MAX_REGIONS);
	for (i = 0; i < c->nr_regions; i++) {
		const struct case_region *r = &c->regions[i];

		check_str(r->name, sizeof(r->name));
		check(r->name[0]);
		check(r->channel >= 0 && r->channel < c->nr_channels);
		check(r->expect_errno >= 0);
		check_loc(c, &r->loc);
	}

	if (c->device) {
		check_device(c);
		return;
	}
	check(c->nr_vcpus >= 1 && c->nr_vcpus <= CASE_MAX_VCPUS);
	for (i = 0; i < c->nr_vcpus; i++) {
		const struct case_vcpu *v = &c->vcpus[i];

		check(v->nr_steps >= 1 && v->nr_steps <= CASE_MAX_STEPS);
		check_loc(c, &v->loc);
		for (j = 0; j < v->nr_steps; j++)
			check_step(c, &v->steps[j]);
	}

	check(c->nr_timeline >= 0 && c->nr_timeline <= CASE_MAX_TIMELINE);
	for (i = 0; i < c->nr_timeline; i++)
		check_timeline(c, &c->timeline[i]);

	check(c->expect.nr_cmds >= 0 && c->expect.nr_cmds <= CASE_MAX_EXPECT);
	for (i = 0; i < c->expect.nr_cmds; i++) {
		const struct expect_cmd *e = &c->expect.cmds[i];

		check(e->channel >= 0 && e->channel < c->nr_channels);
		check(e->region >= 0 && e->region < c->nr_regions);
		check(c->regions[e->region].channel == e->channel);
		check(e->cmd == WIRE_CMD_READ || e->cmd == WIRE_CMD_WRITE);
		check(is_size(e->size));
		check_loc(c, &e->loc);
	}

	check(c->expect.nr_exits >= 0 && c->expect.nr_exits <= CASE_MAX_EXPECT);
	for (i = 0; i < c->expect.nr_exits; i++) {
		const struct expect_exit *x = &c->expect.exits[i];

		/* An MMIO exit may be a fragment of a split access: any 1 to 8 bytes. */
		check(x->size >= 1 && x->size <= 8);
		if (x->space == SPACE_PIO)
			check(is_size(x->size) && x->size <= 4);
		check_loc(c, &x->loc);
	}
	check_order(c);
}

/* Every refusal names the file and a place in it, as the README promises. */
static void check_error(const struct case_error *err)
{
	check_str(err->msg, sizeof(err->msg));
	check(!strncmp(err->msg, FUZZ_NAME ":", strlen(FUZZ_NAME ":")));
	check(strlen(err->msg) > strlen(FUZZ_NAME ":"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct case_error err;
	enum iorfd_rev rev;
	int v, nr_variants;

	/*
	 * Per-revision values make each revision walk its own paths through
	 * the same text, so every input is loaded for all of them, and a
	 * matrix's first and last combinations too.
	 */
	for_each_rev(rev) {
		for (v = 0, nr_variants = 1;
		     v<nr_variants; v += nr_variants> 2 ? nr_variants - 1 : 1) {
			memset(&err, 0x5a, sizeof(err));
			if (case_load_buf(FUZZ_NAME, (const char *)data, size, rev, v, &the_case,
					  &err)) {
				check_error(&err);
				break;
			}
			check(err.msg[0] == '\0');
			check(the_case.rev == rev && the_case.variant == v);
			check(the_case.nr_variants >= 1 &&
			      the_case.nr_variants <= CASE_MAX_VARIANTS);
			nr_variants = the_case.nr_variants;
			check_case(&the_case);
		}
	}
	return 0;
}
