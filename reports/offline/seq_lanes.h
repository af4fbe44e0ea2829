/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lanes of a sequence diagram (svg_seq.h) and where they stand, left
 * to right: one per vCPU of the record, then "vCPU ?" for what no vCPU is
 * known for, the dispatcher, and one per channel in the order the
 * transcript first names it.  The spacing is fixed and every lane gets
 * its own place, so the drawing grows with the lanes, however many: none
 * is cut off or shares another's.
 */
#ifndef IORFD_SEQ_LANES_H
#define IORFD_SEQ_LANES_H

#include "reports/offline/json_read_results.h"

/* Width of a lane's head; lanes stand further apart than this. */
#define SEQ_HEAD_W 170

struct seq_lanes {
	int *vcpus; /* the vCPU of each guest lane; -1: the lane of the unknown */
	int nr_vcpus;
	const char **chans;
	int nr_chans;
};

/* 0, or -1 when out of memory. */
int seq_lanes_init(struct seq_lanes *l, const struct rrecord *r);
void seq_lanes_free(struct seq_lanes *l);

/* The x of the lane of vCPU @vcpu (-1: not known). */
int seq_lane_vcpu(const struct seq_lanes *l, int vcpu);
int seq_lane_disp(const struct seq_lanes *l);
int seq_lane_chan(const struct seq_lanes *l, const char *chan);

/* The right edge of the last lane's head. */
int seq_lanes_right(const struct seq_lanes *l);

#endif /* IORFD_SEQ_LANES_H */
