// SPDX-License-Identifier: GPL-2.0
/*
 * One case, start to end: VM and guest programs, channels and responders,
 * region registration (host_steps.c), the vCPU threads (vcpu.c) beside the
 * host's timeline (timeline.c), then teardown, a check for what the case
 * left behind, and evaluation.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "kvm_util.h"
#include "processor.h"

#include "run/time_scale.h"
#include "run/channel.h"
#include "run/exec.h"
#include "run/image_pages.h"
#include "run/execute.h"
#include "run/ioregion_args.h"
#include "run/sse_probe.h"
#include "guests/guest_prog.h"
#include "responders/responder.h"

#define RESPONDER_STOP_MS 2000

_Static_assert(CASE_MAX_STRING == GSTEP_MAX_COUNT, "case and guest agree on string length");

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint8_t step_gop(const struct case_step *s)
{
	switch (s->op) {
	case STEP_SYNC:
	case STEP_HOST:
		return GOP_SYNC;
	case STEP_OUTS:
		return GOP_PIO_OUTS;
	case STEP_INS:
		return GOP_PIO_INS;
	case STEP_ADD:
		return GOP_MMIO_ADD;
	case STEP_XCHG:
		return GOP_MMIO_XCHG;
	case STEP_CMPXCHG:
		return GOP_MMIO_CMPXCHG;
	case STEP_STORE16:
		return GOP_MMIO_STORE16;
	case STEP_LOAD16:
		return GOP_MMIO_LOAD16;
	case STEP_READ:
	case STEP_WRITE:
		break;
	}
	if (s->space == SPACE_PIO)
		return s->op == STEP_READ ? GOP_PIO_IN : GOP_PIO_OUT;
	return s->op == STEP_READ ? GOP_MMIO_READ : GOP_MMIO_WRITE;
}

static void load_program(struct exec *x, int vi)
{
	const struct case_vcpu *cv = &x->c->vcpus[vi];
	size_t sz = sizeof(struct gprog) + cv->nr_steps * sizeof(struct gstep);
	vm_vaddr_t gva = vm_vaddr_alloc(x->vm, sz, KVM_UTIL_MIN_VADDR);
	struct gprog *p = addr_gva2hva(x->vm, gva);
	int i;

	memset(p, 0, sz);
	p->nr_steps = cv->nr_steps;
	for (i = 0; i < cv->nr_steps; i++) {
		const struct case_step *s = &cv->steps[i];
		struct gstep *g = &p->steps[i];

		g->op = step_gop(s);
		g->size = (uint8_t)s->size;
		g->addr = s->addr;
		g->value = s->value;
		g->expect = s->expect;
		g->flags = (s->check ? GSTEP_CHECK : 0) | (s->keep_upper ? GSTEP_KEEP_UPPER : 0);
		g->compare = s->compare;
		g->count = s->count;
		memcpy(g->data, s->values, sizeof(g->data));
	}
	x->progs[vi] = p;
	x->res->vcpu[vi].step = -1;
	vcpu_args_set(x->vcpus[vi], 1, gva);
}

/* Identity-maps every page an MMIO step touches; -1 on an unusable address. */
static int map_mmio(struct exec *x)
{
	uint64_t pages[CASE_MAX_VCPUS * CASE_MAX_STEPS * 2];
	int nr = 0, vi, i, j;

	for (vi = 0; vi < x->c->nr_vcpus; vi++) {
		for (i = 0; i < x->c->vcpus[vi].nr_steps; i++) {
			const struct case_step *s = &x->c->vcpus[vi].steps[i];
			uint64_t pg;

			if (s->op == STEP_SYNC || s->op == STEP_HOST || s->space != SPACE_MMIO)
				continue;
			if (s->addr < MMIO_MIN || s->addr + s->size > MMIO_MAX) {
				result_fail_at(
					x->res, VERDICT_ERROR,
					&(struct fail_spec){.kind = FAIL_HARNESS, .at = &s->loc},
					"MMIO address %#llx: the harness maps guest MMIO only in [%#llx, %#llx)",
					(unsigned long long)s->addr, MMIO_MIN, MMIO_MAX);
				return -1;
			}
			for (pg = s->addr & ~0xfffull; pg < s->addr + s->size; pg += 0x1000) {
				for (j = 0; j < nr && pages[j] != pg; j++)
					;
				if (j == nr)
					pages[nr++] = pg;
			}
		}
	}
	for (j = 0; j < nr; j++)
		virt_map(x->vm, pages[j], pages[j], 1);
	return 0;
}

/* Regions whose read fd is another channel's (read_fd_of) get their replies there. */
static int route_replies(struct exec *x)
{
	int i, err;

	for (i = 0; i < x->c->nr_regions; i++) {
		const struct case_region *cr = &x->c->regions[i];

		if (cr->reply_channel == cr->channel)
			continue;
		err = responder_reply_via(&x->resp[cr->channel], cr->user_data,
					  &x->resp[cr->reply_channel], x->domain_busy);
		if (err) {
			result_fail_at(x->res, VERDICT_ERROR,
				       &(struct fail_spec){.kind = FAIL_HARNESS, .at = &cr->loc},
				       "region %s: routing replies to channel %s: %s", cr->name,
				       x->c->channels[cr->reply_channel].name, strerror(-err));
			return -1;
		}
	}
	return 0;
}

static int open_channels(struct exec *x)
{
	char why[200];
	int i, err;

	for (i = 0; i < x->c->nr_channels; i++)
		x->ch[i].kvm_rfd = x->ch[i].kvm_wfd = x->ch[i].dev_rfd = x->ch[i].dev_wfd = -1;
	for (i = 0; i < x->c->nr_channels; i++) {
		const struct case_channel *cc = &x->c->channels[i];

		err = channel_open(cc->kind, &x->ch[i]);
		if (!err && cc->nonblock)
			err = channel_set_nonblock(&x->ch[i]);
		if (!err)
			err = responder_init(&x->resp[i], x->c, i, x->ch[i].dev_rfd,
					     x->ch[i].dev_wfd, x->res);
		if (!err && x->device && device_end_serves(x->c, i, why, sizeof(why))) {
			if (device_end_attach(&x->resp[i], x->device))
				return -1;
			if (x->c->nr_vcpus == 1) {
				x->resp[i].step_now = &x->progs[0]->cur_step;
				x->resp[i].steps = x->c->vcpus[0].steps;
				x->resp[i].nr_steps = x->c->vcpus[0].nr_steps;
			}
		}
		/* From here on the responder alone holds the device end. */
		if (!err) {
			close(x->ch[i].dev_rfd);
			if (x->ch[i].dev_wfd != x->ch[i].dev_rfd)
				close(x->ch[i].dev_wfd);
			x->ch[i].dev_rfd = x->ch[i].dev_wfd = -1;
		}
		if (err) {
			result_fail_at(x->res, VERDICT_ERROR,
				       &(struct fail_spec){.kind = FAIL_HARNESS,
							   .at = &cc->loc,
							   .channel = cc->name},
				       "channel %s: %s", cc->name, strerror(-err));
			return -1;
		}
	}
	return route_replies(x);
}

/*
 * A device program's end is judged in the responder's last moments: it
 * may take the reply timeout, then the exit timeout, on top.
 */
static int stop_ms(const struct exec *x, int i)
{
	int ms = scaled_ms(RESPONDER_STOP_MS);

	if (x->resp[i].dev)
		ms += x->device->reply_timeout_ms + x->device->exit_timeout_ms;
	return ms;
}

static void teardown(struct exec *x)
{
	int i;

	/* Closing KVM's ends first lets each responder see EOF after the last command. */
	x->t.ops->detach(&x->t);
	for (i = 0; i < x->nr_ioeventfds; i++)
		close(x->ioeventfds[i]);
	for (i = 0; i < x->c->nr_channels; i++) {
		exec_close_region_files(x, i);
		if (x->resp[i].stop_fd > 0 && responder_stop(&x->resp[i], stop_ms(x, i)))
			result_fail_at(x->res, VERDICT_ERROR,
				       &(struct fail_spec){.kind = FAIL_HARNESS,
							   .channel = x->c->channels[i].name},
				       "channel %s: responder did not stop within %d ms",
				       x->c->channels[i].name, stop_ms(x, i));
		channel_close(&x->ch[i]);
	}
}

/*
 * KVM's own workers (the NX huge page recovery task, since 6.13 a vhost
 * task in the VMM's thread group, started by the first KVM_RUN) belong to
 * the VM and go with it: they are not the harness's threads.
 */
static bool kvm_worker(const char *tid)
{
	char path[300], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%s/comm", tid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strncmp(comm, "kvm-", 4);
}

/* Entries of a /proc directory, '.' and '..' aside: this process's fds or threads. */
static int count_entries(const char *dir)
{
	bool tasks = !strcmp(dir, "/proc/self/task");
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' && !(tasks && kvm_worker(e->d_name));
	closedir(d);
	return n;
}

/*
 * After teardown the case must have left nothing behind: every responder
 * and vCPU thread joined, every channel fd closed.  The count of fds in use
 * includes the one opendir() itself holds, on both sides.
 */
static void check_leaks(struct case_result *res, int fds_before, int threads_before)
{
	int fds = count_entries("/proc/self/fd"), threads, tries;

	/*
	 * A joined thread can stay listed for a moment while the kernel reaps
	 * it; a thread that is really left behind stays for good.
	 */
	for (tries = 0; tries < 100; tries++) {
		threads = count_entries("/proc/self/task");
		if (threads <= threads_before)
			break;
		usleep(1000);
	}

	if (fds_before >= 0 && fds > fds_before)
		result_fail_at(res, VERDICT_ERROR, FAIL_SPEC_HARNESS,
			       "the case left %d fd(s) open after teardown", fds - fds_before);
	if (threads_before >= 0 && threads > threads_before)
		result_fail_at(res, VERDICT_ERROR, FAIL_SPEC_HARNESS,
			       "the case left %d thread(s) running after teardown",
			       threads - threads_before);
}

static bool uses_sse(const struct iorfd_case *c)
{
	int vi, i;

	for (vi = 0; vi < c->nr_vcpus; vi++)
		for (i = 0; i < c->vcpus[vi].nr_steps; i++)
			if (c->vcpus[vi].steps[i].op == STEP_STORE16 ||
			    c->vcpus[vi].steps[i].op == STEP_LOAD16)
				return true;
	return false;
}

static bool fails_allocations(const struct iorfd_case *c)
{
	int vi, i;

	for (vi = 0; vi < c->nr_vcpus; vi++)
		for (i = 0; i < c->vcpus[vi].nr_steps; i++)
			if (c->vcpus[vi].steps[i].op == STEP_HOST &&
			    c->vcpus[vi].steps[i].action == HOST_FAIL_ALLOCATIONS)
				return true;
	return false;
}

/*
 * device --guest: which channels the device program takes, said in a note;
 * a case where it can take none is skipped, with the reason.
 */
static bool device_has_part(const struct iorfd_case *c, struct case_result *res)
{
	char why[200], first[200] = "", kept[400] = "";
	size_t used = 0;
	int i, served = 0;

	for (i = 0; i < c->nr_channels; i++) {
		if (device_end_serves(c, i, why, sizeof(why))) {
			served++;
			continue;
		}
		if (!first[0])
			snprintf(first, sizeof(first), "%s", why);
		if (used < sizeof(kept))
			used += snprintf(kept + used, sizeof(kept) - used, "%s%s", used ? "; " : "",
					 why);
	}
	if (!served) {
		result_skip(res, "no channel for the device program: %s", first);
		return false;
	}
	if (kept[0])
		result_note(res,
			    "our responder kept the channels the device program cannot serve: %s",
			    kept);
	return true;
}

void case_execute(const struct iorfd_case *c, const struct target_ops *ops,
		  const void *target_config, const struct dev_run_opts *device,
		  struct case_result *res)
{
	int fds_before, threads_before;
	struct exec x = {.c = c, .res = res, .device = device};
	uint64_t t0 = now_usec(), t1;
	char why[256];
	int i;

	memset(x.region_files, -1, sizeof(x.region_files));
	exec_block_sigusr1();
	exec_set_sigpipe(c->sigpipe);
	if (device && !device_has_part(c, res))
		return;
	if ((uses_sse(c) && !host_runs_sse(why, sizeof(why))) ||
	    (fails_allocations(c) && !exec_fault_injection_usable(ops, why, sizeof(why)))) {
		result_skip(res, "%s", why);
		return;
	}
	x.vm = __vm_create_with_vcpus(VM_MODE_DEFAULT, c->nr_vcpus, image_pages(), guest_interp,
				      x.vcpus);
	/* After the VM: its own fds (VM, vCPUs, stats) are the selftests library's business. */
	fds_before = count_entries("/proc/self/fd");
	threads_before = count_entries("/proc/self/task");
	for (i = 0; i < c->nr_vcpus; i++)
		load_program(&x, i);
	x.t.ops = ops;
	x.t.config = target_config;
	x.t.vm = x.vm;
	x.t.rev = c->rev;
	if (map_mmio(&x) || open_channels(&x))
		goto out;
	if (ops->attach(&x.t, x.vm, c->rev)) {
		result_fail_at(res, VERDICT_ERROR, FAIL_SPEC_HARNESS, "target %s: attach failed",
			       ops->name);
		goto out;
	}
	exec_register_regions(&x);
	for (i = 0; i < c->nr_channels; i++)
		if (responder_start(&x.resp[i]))
			result_fail_at(res, VERDICT_ERROR, FAIL_SPEC_HARNESS,
				       "channel %s: cannot start responder", c->channels[i].name);
	t1 = now_usec();
	res->usec_setup = t1 - t0;
	/*
	 * A registration with the wrong result is a failure, but the guest
	 * still runs: where the accesses then go is part of the evidence.
	 */
	if (res->verdict != VERDICT_ERROR)
		exec_run_vcpus(&x);
	res->usec_run = now_usec() - t1;
	teardown(&x);
	check_leaks(res, fds_before, threads_before);
	t1 = now_usec();
	case_evaluate(c, res);
	res->usec_check = now_usec() - t1;
out:
	kvm_vm_free(x.vm);
}
