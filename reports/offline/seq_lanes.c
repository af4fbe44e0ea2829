// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "reports/offline/seq_lanes.h"

#define X_FIRST 95  /* the first guest lane: its head starts near the left edge */
#define G_LANE	180 /* between guest lanes */
#define TO_DISP 315 /* from the last guest lane to the dispatcher: an access's label */
#define LANE1	300 /* from the dispatcher to the first responder: a command's label */
#define LANE	180 /* between responders: labels to them run over the nearer lanes */

static int by_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void add_chan(struct seq_lanes *l, const char *chan)
{
	int i;

	for (i = 0; i < l->nr_chans; i++)
		if (!strcmp(l->chans[i], chan))
			return;
	l->chans[l->nr_chans++] = chan;
}

/*
 * The guest lanes: every vCPU of the record and any other an event names,
 * in order, then the unknown one where something has no known vCPU.
 */
static void add_vcpus(struct seq_lanes *l, const struct rrecord *r)
{
	bool unknown = false;
	int i, n = 0;

	for (i = 0; i < r->nr_vcpus; i++)
		l->vcpus[n++] = i;
	for (i = 0; i < r->nr_tx; i++) {
		if (r->tx[i].vcpu >= r->nr_vcpus)
			l->vcpus[n++] = r->tx[i].vcpu;
		unknown |= r->tx[i].vcpu < 0;
	}
	for (i = 0; i < r->nr_exits; i++) {
		if (r->exits[i].vcpu >= r->nr_vcpus)
			l->vcpus[n++] = r->exits[i].vcpu;
		unknown |= r->exits[i].vcpu < 0;
	}
	qsort(l->vcpus, n, sizeof(*l->vcpus), by_int);
	for (i = 0; i < n; i++)
		if (!l->nr_vcpus || l->vcpus[l->nr_vcpus - 1] != l->vcpus[i])
			l->vcpus[l->nr_vcpus++] = l->vcpus[i];
	/* An expected exit names no vCPU: with one vCPU it is that one's. */
	for (i = 0; i < r->nr_failures && l->nr_vcpus > 1; i++)
		unknown |= r->failures[i].kind == RF_EXIT_MISSING;
	if (unknown || !l->nr_vcpus)
		l->vcpus[l->nr_vcpus++] = -1;
}

int seq_lanes_init(struct seq_lanes *l, const struct rrecord *r)
{
	int i;

	memset(l, 0, sizeof(*l));
	l->vcpus = calloc(r->nr_vcpus + r->nr_tx + r->nr_exits + 1, sizeof(*l->vcpus));
	l->chans = calloc(r->nr_tx + r->nr_failures + 1, sizeof(*l->chans));
	if (!l->vcpus || !l->chans) {
		seq_lanes_free(l);
		return -1;
	}
	add_vcpus(l, r);
	for (i = 0; i < r->nr_tx; i++)
		add_chan(l, r->tx[i].channel);
	/* A channel only a missing command names gets its lane too. */
	for (i = 0; i < r->nr_failures; i++)
		if (r->failures[i].kind == RF_CMD_MISSING)
			add_chan(l, r->failures[i].channel ? r->failures[i].channel : "");
	return 0;
}

void seq_lanes_free(struct seq_lanes *l)
{
	free(l->vcpus);
	free(l->chans);
	memset(l, 0, sizeof(*l));
}

int seq_lane_vcpu(const struct seq_lanes *l, int vcpu)
{
	int i, unknown = 0;

	for (i = 0; i < l->nr_vcpus; i++) {
		if (l->vcpus[i] == vcpu)
			return X_FIRST + G_LANE * i;
		if (l->vcpus[i] < 0)
			unknown = i;
	}
	/* Only where there is one guest lane, which then stands for any. */
	return X_FIRST + G_LANE * unknown;
}

int seq_lane_disp(const struct seq_lanes *l)
{
	return X_FIRST + G_LANE * (l->nr_vcpus - 1) + TO_DISP;
}

int seq_lane_chan(const struct seq_lanes *l, const char *chan)
{
	int i;

	for (i = 0; i < l->nr_chans; i++)
		if (!strcmp(l->chans[i], chan))
			break;
	return seq_lane_disp(l) + LANE1 + LANE * i;
}

int seq_lanes_right(const struct seq_lanes *l)
{
	int x = l->nr_chans ? seq_lane_chan(l, l->chans[l->nr_chans - 1]) : seq_lane_disp(l);

	return x + SEQ_HEAD_W / 2;
}
