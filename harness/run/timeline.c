// SPDX-License-Identifier: GPL-2.0
/*
 * The host's timeline of a case: the vCPU threads start, and this thread
 * waits for what each step waits for (commands, EINTRs, exits), signals,
 * releases held replies, removes regions, resumes parked vCPUs.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kvm_util.h"
#include "processor.h"
#include "ucall_common.h"

#include "run/exec.h"
#include "run/time_scale.h"
#include "run/execute.h"
#include "run/ioregion_args.h"

/* How long a timeline step waits for what it waits for. */
#define TIMELINE_WAIT_MS 5000

static bool wait_count(const int *counter, int count)
{
	int waited;

	for (waited = 0; waited < scaled_ms(TIMELINE_WAIT_MS); waited++) {
		if (__atomic_load_n(counter, __ATOMIC_SEQ_CST) >= count)
			return true;
		usleep(1000);
	}
	return false;
}

static void timeline_step(struct exec *x, struct vcpu_thread *vt, const struct tl_step *t)
{
	const struct src_loc *l = &t->loc;
	struct kvm_ioregion r;
	char what[320];

	switch (t->op) {
	case TL_WAIT_COMMANDS:
		if (!wait_count(&x->res->chan_cmds[t->channel], t->count))
			result_fail_at(
				x->res, VERDICT_FAIL,
				&(struct fail_spec){.kind = FAIL_WAIT,
						    .at = l,
						    .channel = x->c->channels[t->channel].name,
						    .index = t->count},
				"host waited %d ms for command #%d on channel %s; it never came (%d seen)",
				scaled_ms(TIMELINE_WAIT_MS), t->count,
				x->c->channels[t->channel].name, x->res->chan_cmds[t->channel]);
		break;
	case TL_WAIT_INTR:
		if (!wait_count(&x->res->vcpu_intr[t->vcpu], t->count))
			result_fail_at(
				x->res, VERDICT_FAIL,
				&(struct fail_spec){.kind = FAIL_WAIT, .req = "ERR-9", .at = l},
				"host waited %d ms for vCPU%d's KVM_RUN to return EINTR (#%d); it did not (%d so far)",
				scaled_ms(TIMELINE_WAIT_MS), t->vcpu, t->count,
				x->res->vcpu_intr[t->vcpu]);
		break;
	case TL_WAIT_EXITS:
		if (!wait_count(&x->res->nr_exits, t->count))
			result_fail_at(
				x->res, VERDICT_FAIL,
				&(struct fail_spec){.kind = FAIL_WAIT, .at = l, .index = t->count},
				"host waited %d ms for ordinary exit #%d; it never came (%d so far)",
				scaled_ms(TIMELINE_WAIT_MS), t->count, x->res->nr_exits);
		break;
	case TL_SIGNAL:
		pthread_kill(vt[t->vcpu].thread, SIGUSR1);
		break;
	case TL_RELEASE:
		responder_release(&x->resp[t->channel]);
		break;
	case TL_DEASSIGN:
		exec_deassign_request(x, &x->c->regions[t->region], &r);
		exec_describe_request(what, sizeof(what), "KVM_SET_IOREGION removal",
				      x->c->regions[t->region].name, &r);
		exec_check_errno(x, l, what, t->expect_errno, -x->t.ops->set_ioregion(&x->t, &r));
		break;
	case TL_SLEEP:
		usleep((useconds_t)t->ms * 1000);
		break;
	case TL_SET_EXIT:
		/* Userspace owns kvm_run: the kernel must not decide anything from it (B14). */
		x->vcpus[t->vcpu]->run->exit_reason = t->exit_reason;
		break;
	case TL_RESUME: {
		uint64_t one = 1;

		if (write(vt[t->vcpu].resume_fd, &one, sizeof(one)) != sizeof(one))
			result_fail_at(x->res, VERDICT_ERROR,
				       &(struct fail_spec){.kind = FAIL_HARNESS, .at = l},
				       "resume: %s", strerror(errno));
		break;
	}
	}
}

static void run_timeline(struct exec *x, struct vcpu_thread *vt)
{
	int i;

	for (i = 0; i < x->c->nr_timeline && x->res->verdict != VERDICT_ERROR; i++)
		timeline_step(x, vt, &x->c->timeline[i]);
}

void exec_run_vcpus(struct exec *x)
{
	struct vcpu_thread vt[CASE_MAX_VCPUS];
	int i, nr = 0;

	for (i = 0; i < x->c->nr_vcpus; i++) {
		if (exec_unblock_in_kvm_run(x->vcpus[i])) {
			result_fail_at(x->res, VERDICT_ERROR, FAIL_SPEC_HARNESS,
				       "KVM_SET_SIGNAL_MASK: %s", strerror(errno));
			return;
		}
	}
	for (i = 0; i < x->c->nr_vcpus; i++) {
		vt[i].x = x;
		vt[i].index = i;
		vt[i].resume_fd = exec_timeline_resumes(x->c, i) ? eventfd(0, EFD_CLOEXEC) : -1;
	}
	for (i = 0; i < x->c->nr_vcpus; i++) {
		if (pthread_create(&vt[i].thread, NULL, exec_vcpu_main, &vt[i])) {
			result_fail_at(x->res, VERDICT_ERROR, FAIL_SPEC_HARNESS,
				       "cannot start vCPU%d thread", i);
			break;
		}
		nr++;
	}
	if (nr == x->c->nr_vcpus)
		run_timeline(x, vt);
	/* Bounded by the runner, which kills this process at the case deadline. */
	for (i = 0; i < nr; i++)
		pthread_join(vt[i].thread, NULL);
	for (i = 0; i < x->c->nr_vcpus; i++)
		if (vt[i].resume_fd >= 0)
			close(vt[i].resume_fd);
}
