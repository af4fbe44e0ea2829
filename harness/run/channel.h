/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A channel is the pair of file descriptors between KVM (or the reference
 * dispatcher) and a device process: KVM writes commands to kvm_wfd and reads
 * responses from kvm_rfd; the device reads commands from dev_rfd and answers
 * on dev_wfd.  With a socketpair each side uses one fd both ways.
 */
#ifndef IORFD_CHANNEL_H
#define IORFD_CHANNEL_H

#include <sys/types.h>

#include "model/case.h"

struct channel_fds {
	int kvm_rfd, kvm_wfd;
	int dev_rfd, dev_wfd;
};

/* 0, or -errno with every fd closed. */
int channel_open(enum chan_kind kind, struct channel_fds *ch);
void channel_close(struct channel_fds *ch);
/* Closes only KVM's ends, as a VMM may right after registering. */
void channel_close_kvm(struct channel_fds *ch);
/* O_NONBLOCK on KVM's ends only; the device end stays blocking. */
int channel_set_nonblock(struct channel_fds *ch);

#endif /* IORFD_CHANNEL_H */
