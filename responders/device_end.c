// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/link.h"
#include "responders/device_end.h"
#include "responders/responder.h"

static bool writes_device_end(const struct iorfd_case *c, int ch)
{
	int vi, i;

	for (vi = 0; vi < c->nr_vcpus; vi++)
		for (i = 0; i < c->vcpus[vi].nr_steps; i++) {
			const struct case_step *s = &c->vcpus[vi].steps[i];

			if (s->op == STEP_HOST && s->action == HOST_DEVICE_WRITE &&
			    s->channel == ch)
				return true;
		}
	return false;
}

static int expected_cmds(const struct iorfd_case *c, int ch)
{
	int i, n = 0;

	for (i = 0; i < c->expect.nr_cmds; i++)
		n += c->expect.cmds[i].channel == ch;
	return n;
}

bool device_end_serves(const struct iorfd_case *c, int ch, char *why, size_t len)
{
	const struct case_channel *cc = &c->channels[ch];

	if (cc->nr_rules) {
		snprintf(why, len,
			 "channel %s scripts its replies (line %d), which a device program "
			 "cannot follow",
			 cc->name, cc->rules[0].loc.line);
		return false;
	}
	if (writes_device_end(c, ch)) {
		snprintf(why, len, "the case writes on channel %s's device end itself", cc->name);
		return false;
	}
	if (!expected_cmds(c, ch)) {
		snprintf(why, len, "no command is expected on channel %s", cc->name);
		return false;
	}
	return true;
}

/* Values posted writes replaced since the last reply owed: what a stale read shows. */
#define STALE_MAX 128

struct device_end {
	struct dev_link link;
	bool done;   /* the program gets no more commands: it failed, or KVM erred */
	bool failed; /* it failed */
	struct {
		uint64_t user_data, offset, value;
	} stale[STALE_MAX];
	int nr_stale;
};

int device_end_attach(struct responder *r, const struct dev_run_opts *o)
{
	char regions[CASE_MAX_REGIONS * 40], err[512];
	size_t used = 0;
	int i;

	regions[0] = '\0';
	for (i = 0; i < r->nr_regions && used < sizeof(regions); i++)
		used += snprintf(regions + used, sizeof(regions) - used, "%s%#llx:%#llx",
				 i ? "," : "", (unsigned long long)r->regions[i].user_data,
				 (unsigned long long)r->regions[i].size);
	r->dev = calloc(1, sizeof(*r->dev));
	if (r->dev &&
	    !link_start(&r->dev->link, o, r->rev, regions, r->cfg->reset, err, sizeof(err)))
		return 0;
	result_fail_at(r->res, VERDICT_ERROR,
		       &(struct fail_spec){
			       .kind = FAIL_HARNESS, .at = &r->cfg->loc, .channel = r->cfg->name},
		       "channel %s: device program: %s", r->cfg->name,
		       r->dev ? err : "out of memory");
	free(r->dev);
	r->dev = NULL;
	return -1;
}

static void failed(struct responder *r, const struct link_fault *f, const struct tx_entry *e)
{
	uint64_t step = r->step_now ? *r->step_now : UINT64_MAX;
	bool at_step = step < (uint64_t)r->nr_steps;
	char detail[FAIL_DETAIL_LEN];

	snprintf(detail, sizeof(detail),
		 "%s\n(from here on the suite answered in the program's place, so that the guest "
		 "could finish)",
		 f->detail);
	result_fail_at(r->res, VERDICT_FAIL,
		       &(struct fail_spec){.kind = FAIL_OTHER,
					   .req = f->req,
					   .at = at_step ? &r->steps[step].loc : &r->cfg->loc,
					   .channel = r->cfg->name,
					   .index = r->count,
					   .seq = e ? e->seq + 1 : 0,
					   .vcpu = at_step,
					   .step = at_step ? step + 1 : 0,
					   .expected = f->expected,
					   .observed = f->observed,
					   .detail = detail},
		       "channel %s: %s", r->cfg->name, f->headline);
	r->dev->done = r->dev->failed = true;
}

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
}

/* Whether @v is a value the register held before the posted writes in flight. */
static bool stale(const struct device_end *d, const struct wire_cmd *cmd, uint64_t v, uint64_t mask)
{
	int i;

	for (i = 0; i < d->nr_stale; i++)
		if (d->stale[i].user_data == cmd->user_data && d->stale[i].offset == cmd->offset &&
		    !((d->stale[i].value ^ v) & mask))
			return true;
	return false;
}

/*
 * A read's wrong reply, by what it holds: a value posted writes since
 * replaced (DEV-6, the write-behind device), the value in the wrong bytes
 * (DEV-4), or something else (DEV-4).
 */
static void value_failed(struct responder *r, const struct tx_entry *e, const struct wire_cmd *cmd,
			 uint64_t got, uint64_t want)
{
	unsigned int size = wire_size_bytes(cmd->size_code);
	uint64_t mask = size_mask(size);
	bool high = size < 8 && got >> (64 - 8 * size) == (want & mask);
	bool old = !high && stale(r->dev, cmd, got, mask);
	struct link_fault f = {.req = old ? "DEV-6" : "DEV-4"};
	char what[100];

	wire_format_cmd(what, sizeof(what), cmd);
	snprintf(f.headline, sizeof(f.headline), "the device program answered a read %s",
		 old ? "with a value posted writes had replaced" : "wrongly");
	snprintf(f.expected, sizeof(f.expected), "%s reply=%#llx (its low %u bytes)", what,
		 (unsigned long long)(want & mask), size);
	snprintf(f.observed, sizeof(f.observed), "reply=%#llx%s", (unsigned long long)(got & mask),
		 old	? ": a stale value; a read must see every write before it, posted ones too"
		 : high ? ": the value is in the high bytes of the 8"
			: "");
	snprintf(f.detail, sizeof(f.detail), "reply bytes 0..7 as the program sent them: %#llx",
		 (unsigned long long)got);
	failed(r, &f, e);
}

/* A posted write: the value it replaces is one a stale read would still show. */
static void note_posted(struct responder *r, const struct wire_cmd *cmd)
{
	struct device_end *d = r->dev;

	if (cmd->cmd != WIRE_CMD_WRITE || d->nr_stale == STALE_MAX)
		return;
	d->stale[d->nr_stale].user_data = cmd->user_data;
	d->stale[d->nr_stale].offset = cmd->offset;
	d->stale[d->nr_stale].value = regmodel_read(&r->model, cmd->user_data, cmd->offset);
	d->nr_stale++;
}

void device_end_answer(struct responder *r, struct tx_entry *e, const uint8_t *raw,
		       const struct wire_cmd *cmd, uint64_t *reply)
{
	uint64_t want = cmd->cmd == WIRE_CMD_READ
				? regmodel_read(&r->model, cmd->user_data, cmd->offset)
				: 0;
	struct device_end *d = r->dev;
	struct link_fault f;
	uint64_t got = 0;
	bool right;

	*reply = want;
	if (d->done)
		return;
	if (link_forward(&d->link, raw, cmd->resp, &got, &f) ||
	    (cmd->resp && link_surplus(&d->link, 0, &f))) {
		failed(r, &f, e);
		return;
	}
	if (!cmd->resp) {
		note_posted(r, cmd);
		return;
	}
	right = cmd->cmd != WIRE_CMD_READ ||
		!((got ^ want) & size_mask(wire_size_bytes(cmd->size_code)));
	/*
	 * A wrong value right behind posted writes may be a reply to one of
	 * them that came late: more bytes behind it say so.
	 */
	if (!right && d->link.posted_before && link_surplus(&d->link, 50, &f))
		failed(r, &f, e);
	else if (!right)
		value_failed(r, e, cmd, got, want);
	else
		*reply = got;
	d->nr_stale = 0;
}

void device_end_bypass(struct responder *r, const char *why)
{
	if (r->dev->done)
		return;
	result_note(r->res,
		    "channel %s: %s: the device program is not sent this command or any after it",
		    r->cfg->name, why);
	r->dev->done = true;
}

void device_end_finish(struct responder *r)
{
	struct link_fault f;

	if (!r->dev)
		return;
	if (link_finish(&r->dev->link, !r->dev->failed, &f))
		failed(r, &f, NULL);
	free(r->dev);
	r->dev = NULL;
}
