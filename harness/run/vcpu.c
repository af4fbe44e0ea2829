// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU threads of a case: each runs its vCPU on the target, acts as the
 * VMM for the ordinary exits no region took, takes the guest's reports
 * (guests/guest_prog.h), parks after an EINTR the timeline will resume, and
 * records every KVM_RUN error.
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

#include "run/time_scale.h"
#include "run/exec.h"
#include "run/execute.h"
#include "run/ioregion_args.h"

/* Bound on KVM_RUN errors per vCPU: a target that fails every call must not spin forever. */
#define MAX_RUN_ERRORS 16

/* Bounded like a held reply: a case that never resumes still ends. */
#define PARK_MAX_MS 30000

/* A vCPU parks after EINTR only if the timeline will resume it. */
bool exec_timeline_resumes(const struct iorfd_case *c, int vcpu)
{
	int i;

	for (i = 0; i < c->nr_timeline; i++)
		if (c->timeline[i].op == TL_RESUME && c->timeline[i].vcpu == vcpu)
			return true;
	return false;
}

static void park(struct vcpu_thread *vt)
{
	struct pollfd p = {.fd = vt->resume_fd, .events = POLLIN};
	uint64_t v;

	snprintf(vt->x->res->vcpu[vt->index].waiting, sizeof(vt->x->res->vcpu[0].waiting),
		 "parked after EINTR, waiting for the timeline's resume");
	if (poll(&p, 1, scaled_ms(PARK_MAX_MS)) <= 0 ||
	    read(vt->resume_fd, &v, sizeof(v)) != sizeof(v))
		result_fail_at(vt->x->res, VERDICT_ERROR, &(struct fail_spec){.kind = FAIL_HARNESS},
			       "vCPU%d parked for %d ms and never resumed", vt->index,
			       scaled_ms(PARK_MAX_MS));
}

/*
 * Signals for the host timeline: SIGUSR1 is blocked in every thread and
 * unblocked only inside KVM_RUN (KVM_SET_SIGNAL_MASK) and inside the
 * reference dispatcher's waits (ppoll), so a signal can interrupt exactly a
 * vCPU that is in the kernel or waiting for the device, and is never lost
 * in between: it stays pending until the next KVM_RUN.
 */
static void on_sigusr1(int sig)
{
}

static void on_sigpipe(int sig)
{
	(void)sig;
}

/*
 * Like most VMMs the harness ignores SIGPIPE, so a device that closed its
 * end makes writes fail with EPIPE; a case may ask for the default action or
 * a handler instead, which an implementation must survive too (BUG-B13).
 */
void exec_set_sigpipe(enum vmm_sigpipe how)
{
	struct sigaction sa = {.sa_handler = on_sigpipe}; /* no SA_RESTART */

	if (how == VMM_SIGPIPE_HANDLER)
		sigaction(SIGPIPE, &sa, NULL);
	else
		signal(SIGPIPE, how == VMM_SIGPIPE_DEFAULT ? SIG_DFL : SIG_IGN);
}

void exec_block_sigusr1(void)
{
	struct sigaction sa = {.sa_handler = on_sigusr1}; /* no SA_RESTART: waits end in EINTR */
	sigset_t set;

	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int exec_unblock_in_kvm_run(struct kvm_vcpu *vcpu)
{
	struct {
		struct kvm_signal_mask head;
		uint8_t set[8]; /* the kernel's sigset_t, not glibc's 128 bytes */
	} m;
	sigset_t cur;

	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	sigdelset(&cur, SIGUSR1);
	m.head.len = sizeof(m.set);
	memcpy(m.set, &cur, sizeof(m.set));
	/* Raw ioctl: the selftests wrapper insists the argument be the 4-byte header only. */
	return ioctl(vcpu->fd, KVM_SET_SIGNAL_MASK, &m) ? -errno : 0;
}

static const struct case_step *step_at(struct exec *x, int vi, uint64_t step)
{
	const struct case_vcpu *cv = &x->c->vcpus[vi];

	return step < (uint64_t)cv->nr_steps ? &cv->steps[step] : NULL;
}

/*
 * A vCPU that stopped in a way no case asks for, at the step it was in
 * (its case line), or after its last.
 */
static void vcpu_broke(struct exec *x, int vi, enum verdict v, const char *what)
{
	unsigned long long step = x->progs[vi]->cur_step;
	const struct case_step *s = step_at(x, vi, step);
	struct fail_spec f = {.kind = v == VERDICT_ERROR ? FAIL_HARNESS : FAIL_VCPU,
			      .at = s ? &s->loc : NULL,
			      .vcpu = vi + 1,
			      .step = s ? step + 1 : 0};

	if (s)
		result_fail_at(x->res, v, &f, "vCPU%d step %llu: %s", vi, step, what);
	else
		result_fail_at(x->res, v, &f, "vCPU%d after its last step: %s", vi, what);
}

static uint64_t all_ones(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/*
 * What the VMM answers to an ordinary read: the expected exit at the same
 * position says, when it describes this very access; else all-ones, as an
 * unclaimed bus reads.
 */
static uint64_t vmm_read_value(struct exec *x, int slot, enum addr_space sp, uint64_t addr,
			       unsigned int size)
{
	const struct case_expect *e = &x->c->expect;

	if (slot < e->nr_exits && !e->exits[slot].write && e->exits[slot].space == sp &&
	    e->exits[slot].addr == addr && e->exits[slot].size == size)
		return e->exits[slot].data;
	return all_ones(size);
}

static uint64_t record_exit(struct exec *x, int vi, enum addr_space sp, bool write, uint64_t addr,
			    unsigned int size, uint64_t data)
{
	int slot = __atomic_fetch_add(&x->res->nr_exits, 1, __ATOMIC_SEQ_CST);

	if (!write)
		data = vmm_read_value(x, slot, sp, addr, size);
	if (slot < RESULT_MAX_EXITS) {
		struct exit_entry *e = &x->res->exits[slot];

		e->seq = result_next_seq(x->res);
		e->vcpu = vi;
		e->space = sp;
		e->write = write;
		e->addr = addr;
		e->size = size;
		e->data = data;
	}
	return data;
}

/* The VMM's part: an MMIO or PIO exit that no region took. */
static void ordinary_exit(struct exec *x, int vi, struct kvm_run *run)
{
	if (run->exit_reason == KVM_EXIT_MMIO) {
		uint64_t v = 0;

		memcpy(&v, run->mmio.data, run->mmio.len > 8 ? 8 : run->mmio.len);
		v = record_exit(x, vi, SPACE_MMIO, run->mmio.is_write, run->mmio.phys_addr,
				run->mmio.len, v);
		if (!run->mmio.is_write)
			memcpy(run->mmio.data, &v, run->mmio.len > 8 ? 8 : run->mmio.len);
	} else {
		uint8_t *d = (uint8_t *)run + run->io.data_offset;
		bool out = run->io.direction == KVM_EXIT_IO_OUT;
		uint32_t i;

		for (i = 0; i < run->io.count; i++) {
			uint64_t v = 0;

			memcpy(&v, d + i * run->io.size, run->io.size);
			v = record_exit(x, vi, SPACE_PIO, out, run->io.port, run->io.size, v);
			if (!out)
				memcpy(d + i * run->io.size, &v, run->io.size);
		}
	}
}

/*
 * What the guest's interpreter reported (enum gsync_arg names the
 * arguments, enum gsync_tag what the report is).
 */
static void guest_report(struct exec *x, int vi, const struct ucall *uc)
{
	unsigned long long step = uc->args[GSYNC_ARG_STEP], elem = uc->args[GSYNC_ARG_ELEMENT];
	const struct case_step *s = step_at(x, vi, step);
	char exp[24], obs[24];
	struct fail_spec f = {
		.kind = FAIL_GUEST_VALUE,
		.at = s ? &s->loc : NULL,
		.vcpu = vi + 1,
		.step = s ? step + 1 : 0,
		.expected = exp,
		.observed = obs,
	};

	snprintf(exp, sizeof(exp), "%#llx", (unsigned long long)uc->args[GSYNC_ARG_EXPECTED]);
	snprintf(obs, sizeof(obs), "%#llx", (unsigned long long)uc->args[GSYNC_ARG_OBSERVED]);
	switch (uc->args[GSYNC_ARG_TAG]) {
	case GSYNC_POINT:
		if (s && s->op == STEP_HOST)
			exec_host_step(x, s);
		return;
	case GSYNC_LOADED:
		if (!s)
			break;
		result_fail_at(
			x->res, VERDICT_FAIL, &f,
			"vCPU%d step %llu: %s %s %#llx size %u: the guest loaded another value", vi,
			step, s->space == SPACE_PIO ? "in" : "read", space_name(s->space),
			(unsigned long long)s->addr, s->size);
		return;
	case GSYNC_LOADED_ELEMENT:
		if (!s)
			break;
		result_fail_at(
			x->res, VERDICT_FAIL, &f,
			"vCPU%d step %llu: rep ins pio %#llx size %u, element %llu: the guest loaded another value",
			vi, step, (unsigned long long)s->addr, s->size, elem);
		return;
	case GSYNC_LOADED_HALF:
		if (!s)
			break;
		result_fail_at(
			x->res, VERDICT_FAIL, &f,
			"vCPU%d step %llu: load16 (movdqu) mmio %#llx, bytes %llu..%llu: the guest loaded another value",
			vi, step, (unsigned long long)s->addr, 8 * elem, 8 * elem + 7);
		return;
	case GSYNC_RAX_UPPER:
		if (!s)
			break;
		f.req = "FIELD-5";
		result_fail_at(
			x->res, VERDICT_FAIL, &f,
			"vCPU%d step %llu: in pio %#llx size %u: RAX after the in changed above the %u-byte access",
			vi, step, (unsigned long long)s->addr, s->size, s->size);
		return;
	}
	/* GSYNC_BAD_STEP, an unknown tag, or a step index the program does not have. */
	result_fail_at(x->res, VERDICT_ERROR, &(struct fail_spec){.kind = FAIL_HARNESS, .at = f.at},
		       "vCPU%d: guest could not execute step %llu (report tag %#llx)", vi, step,
		       (unsigned long long)uc->args[GSYNC_ARG_TAG]);
}

static const char *exit_name(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_SHUTDOWN:
		return "KVM_EXIT_SHUTDOWN (triple fault)";
	case KVM_EXIT_INTERNAL_ERROR:
		return "KVM_EXIT_INTERNAL_ERROR";
	case KVM_EXIT_FAIL_ENTRY:
		return "KVM_EXIT_FAIL_ENTRY";
	case KVM_EXIT_HLT:
		return "KVM_EXIT_HLT";
	case KVM_EXIT_INTR:
		return "KVM_EXIT_INTR";
	}
	return "unknown exit";
}

/* 1 when the vCPU is finished (done or broken), 0 to run it again. */
static int vcpu_exit(struct exec *x, int vi, struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	struct ucall uc;
	char what[96];

	if (run->exit_reason == KVM_EXIT_IO && run->io.port == UCALL_PORT) {
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_SYNC:
			guest_report(x, vi, &uc);
			return 0;
		case UCALL_DONE:
			x->res->vcpu[vi].done = true;
			return 1;
		default:
			snprintf(what, sizeof(what), "unexpected ucall %llu",
				 (unsigned long long)uc.cmd);
			vcpu_broke(x, vi, VERDICT_ERROR, what);
			return 1;
		}
	}
	if (run->exit_reason == KVM_EXIT_MMIO || run->exit_reason == KVM_EXIT_IO) {
		ordinary_exit(x, vi, run);
		return 0;
	}
	snprintf(what, sizeof(what), "KVM_RUN returned exit reason %u, %s", run->exit_reason,
		 exit_name(run->exit_reason));
	vcpu_broke(x, vi, VERDICT_FAIL, what);
	return 1;
}

/*
 * A signal that interrupted KVM_RUN is still pending once the thread's mask
 * (SIGUSR1 blocked) is back: take it, or the next KVM_RUN returns EINTR at
 * once.  QEMU drains its vCPU signal the same way.
 */
static void eat_sigusr1(void)
{
	struct timespec zero = {0};
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	while (sigtimedwait(&set, NULL, &zero) > 0)
		;
}

static void record_run_error(struct exec *x, int vi, int err, uint32_t exit_reason)
{
	int slot = __atomic_fetch_add(&x->res->nr_run_events, 1, __ATOMIC_SEQ_CST);

	if (slot < RESULT_MAX_RUN_EVENTS) {
		struct run_event *e = &x->res->run_events[slot];

		e->seq = result_next_seq(x->res);
		e->vcpu = vi;
		e->err = err;
		e->exit_reason = exit_reason;
		e->step = (int64_t)x->progs[vi]->cur_step;
	}
	if (err == EINTR)
		__atomic_add_fetch(&x->res->vcpu_intr[vi], 1, __ATOMIC_SEQ_CST);
}

void *exec_vcpu_main(void *arg)
{
	struct vcpu_thread *vt = arg;
	struct exec *x = vt->x;
	struct vcpu_status *st = &x->res->vcpu[vt->index];
	struct kvm_vcpu *vcpu = x->vcpus[vt->index];
	unsigned int seed = (unsigned int)(x->res->seed >> 32) ^ (unsigned int)vt->index;
	int nr_errors = 0;

	/* Seeded stagger, so that several vCPUs start in an order the seed decides. */
	if (x->c->nr_vcpus > 1)
		usleep(rand_r(&seed) % 500);
	for (;;) {
		int err;

		snprintf(st->waiting, sizeof(st->waiting), "in KVM_RUN");
		err = x->t.ops->run(&x->t, vcpu);
		/*
		 * A signal the timeline sent may have cut short a wait inside
		 * KVM_RUN without being delivered (V1 then falls back): it must
		 * not also cut the next KVM_RUN.
		 */
		eat_sigusr1();
		st->step = (int64_t)x->progs[vt->index]->cur_step;
		if (err) {
			/*
			 * EINTR (ERR-9) resumes with the next KVM_RUN; other errors
			 * (ERR-14) may repeat, so a few are recorded, then the vCPU
			 * is left alone.  Which ones were expected is judged later.
			 */
			record_run_error(x, vt->index, -err, vcpu->run->exit_reason);
			if (err == -EINTR && vt->resume_fd >= 0)
				park(vt);
			if (++nr_errors >= MAX_RUN_ERRORS || (err != -EINTR && nr_errors > 2))
				break;
			continue;
		}
		if (vcpu_exit(x, vt->index, vcpu))
			break;
	}
	snprintf(st->waiting, sizeof(st->waiting), "finished");
	return NULL;
}
