/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device end of one channel, in its own thread: reads each command,
 * checks it against the wire rules and the regions this channel serves,
 * answers as the case asks, and appends it to the run's transcript.
 */
#ifndef IORFD_RESPONDER_H
#define IORFD_RESPONDER_H

#include <pthread.h>
#include <stdbool.h>

#include "model/case.h"
#include "responders/regmodel.h"
#include "model/result.h"
#include "proto/wire.h"

struct responder {
	int index; /* channel index in the case */
	int rfd, wfd;
	int stop_fd;	     /* eventfd: the harness asks the thread to finish */
	int release_fd;	     /* eventfd: the host timeline lets a held reply go */
	int count;	     /* commands read so far */
	unsigned int jitter; /* rand_r state; 0: no jitter (single vCPU) */
	enum iorfd_rev rev;
	const struct case_channel *cfg;
	struct wire_region regions[CASE_MAX_REGIONS];
	int nr_regions;
	/*
	 * Where each region's replies go, for one whose read fd is another
	 * channel's (read_fd_of): that channel's device end, dup'd, and its
	 * index, the read fd's serialization domain.  -1 / own index otherwise.
	 */
	int reply_fd[CASE_MAX_REGIONS];
	int domain[CASE_MAX_REGIONS];
	bool single_domain; /* every reply goes to this channel's own read fd */
	/*
	 * Shared by the responders of a case with routed replies: busy[d] is
	 * set while a command answered on domain d's read fd has no reply yet.
	 */
	int *busy;
	/*
	 * A stall (script stall: true): the thread reads nothing until the
	 * timeline's release.  Meanwhile the VMM may fill KVM's write fd
	 * (fill_write_fd); those bytes, @filler of them, are dropped before
	 * the next command.  All three atomic.
	 */
	int stalled, filling;
	long filler;
	struct regmodel model;
	/* A device program answering in the model's place (device_end.h), or NULL. */
	struct device_end *dev;
	/*
	 * With one vCPU, the step it is at (the guest writes it before each)
	 * and the program's steps: a device program's failure then points at
	 * the guest access that led to it.  NULL otherwise.
	 */
	const volatile uint64_t *step_now;
	const struct case_step *steps;
	int nr_steps;
	struct case_result *res;
	pthread_t thread;
	bool started;
};

/*
 * Sets up @r for channel @index of @c.  The responder takes its own copies of
 * the device-side fds @rfd/@wfd, so that once the caller closes its copies the
 * responder holds the device end alone: its close is the device's close.
 * 0 or -errno.
 */
int responder_init(struct responder *r, const struct iorfd_case *c, int index, int rfd, int wfd,
		   struct case_result *res);
/*
 * Replies to the region with @user_data go to @via's read fd, which @busy
 * (one int per channel, shared by every responder of the case) guards: a
 * command for a read fd that still owes a reply is two in flight (ORD-2),
 * whichever device reads it.  0 or -errno.
 */
int responder_reply_via(struct responder *r, uint64_t user_data, struct responder *via, int *busy);
int responder_start(struct responder *r);
/* Stops the thread; waits at most @timeout_ms for it.  0, or -ETIMEDOUT. */
int responder_stop(struct responder *r, int timeout_ms);
/*
 * The VMM's fill of KVM's write fd while the responder is stalled: begin
 * waits up to @timeout_ms for the stall, and fails (-EAGAIN) without one;
 * end hands over the @bytes put in, which the responder drops after the
 * release, before it reads the next command.
 */
int responder_fill_begin(struct responder *r, int timeout_ms);
void responder_fill_end(struct responder *r, long bytes);
/* Lets the held reply of this channel go (host timeline 'release'). */
int responder_release(struct responder *r);
/*
 * One byte on the device's reply end, from outside the responder's thread,
 * while no command is in flight: 0, or -errno (EPIPE: nobody reads).
 */
int responder_write_byte(struct responder *r);

#endif /* IORFD_RESPONDER_H */
