/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the run of one case (execute.c): what its parts share.  The case
 * process acts as the VMM: vcpu.c runs each vCPU and answers the exits no
 * region took, host_steps.c does what the program asks of the VMM
 * (registrations, removals, fills, closes), timeline.c runs the host's
 * timeline next to the vCPUs.  Not for other rooms: they call case_execute().
 */
#ifndef IORFD_EXEC_H
#define IORFD_EXEC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "kvm_util.h"

#include "model/case.h"
#include "model/result.h"
#include "proto/ioregion_uapi.h"
#include "responders/device_end.h"
#include "responders/responder.h"
#include "run/channel.h"
#include "targets/target.h"
#include "guests/guest_prog.h"

struct exec {
	const struct iorfd_case *c;
	const struct dev_run_opts *device; /* device --guest, or NULL */
	struct case_result *res;
	struct target t;
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpus[CASE_MAX_VCPUS];
	struct gprog *progs[CASE_MAX_VCPUS];
	struct channel_fds ch[CASE_MAX_CHANNELS];
	struct responder resp[CASE_MAX_CHANNELS];
	int ioeventfds[CASE_MAX_STEPS]; /* the VMM's eventfds, closed at teardown */
	int nr_ioeventfds;
	/*
	 * Files a region's read_fd/write_fd opened for it alone (reopened,
	 * nonblock, wrong-way, eventfd), [region][0 read, 1 write], or -1.
	 */
	int region_files[CASE_MAX_REGIONS][2];
	/* The responders' shared claims on read fds, for replies routed by read_fd_of. */
	int domain_busy[CASE_MAX_CHANNELS];
};

struct vcpu_thread {
	struct exec *x;
	int index;
	pthread_t thread;
	int resume_fd; /* eventfd: the timeline lets a parked vCPU go on; -1 never parks */
};

/* vcpu.c: the vCPU threads */
bool exec_timeline_resumes(const struct iorfd_case *c, int vcpu);
void exec_set_sigpipe(enum vmm_sigpipe how);
void exec_block_sigusr1(void);
int exec_unblock_in_kvm_run(struct kvm_vcpu *vcpu);
void *exec_vcpu_main(void *arg);

/* host_steps.c: what the VMM does for the program */
void exec_close_region_files(struct exec *x, int channel);
void exec_deassign_request(struct exec *x, const struct case_region *cr, struct kvm_ioregion *r);
void exec_check_errno(struct exec *x, const struct src_loc *loc, const char *what, int want,
		      int got);
void exec_describe_request(char *buf, size_t len, const char *ioctl, const char *name,
			   const struct kvm_ioregion *r);
void exec_register_regions(struct exec *x);
void exec_region_request(struct exec *x, const struct case_region *cr, struct kvm_ioregion *r);
void exec_host_step(struct exec *x, const struct case_step *s);

/* fail_allocs.c: registrations whose allocations fail (BUG-B9) */
bool exec_fault_injection_usable(const struct target_ops *ops, char *why, size_t len);
void exec_fail_allocations(struct exec *x, const struct case_step *s, const struct case_region *cr);

/* timeline.c */
void exec_run_vcpus(struct exec *x);

#endif /* IORFD_EXEC_H */
