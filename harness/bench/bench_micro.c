// SPDX-License-Identifier: GPL-2.0
/*
 * Host-only costs of what the reference dispatcher does per access, without
 * a VM: its locks, its region lookup, the wire codec, and the hand-off of a
 * command to a device thread and back.  They show which of its parts could
 * matter next to the exit itself, and which cannot.  Then what the suite's
 * runner pays per case around a case's phases: a child process, a VM made
 * and freed.  Operation counts scale with --iterations, so a slow host
 * (nested, emulated) can ask for fewer.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kvm_util.h"

#include "bench/bench.h"
#include "targets/reference/ref.h"

#define MICRO_RUNS	 3
#define MICRO_CHEAP_MULT 50 /* cheap operations per --iterations */
#define MICRO_IPC_IDLE_S 5

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* One timed pass: ns per operation. */
typedef double (*micro_fn)(void *arg, long ops);

static double best_of(micro_fn fn, void *arg, long ops)
{
	double best = 0;
	int i;

	for (i = 0; i < MICRO_RUNS; i++) {
		double ns = fn(arg, ops);

		if (ns < 0)
			return -1;
		if (!i || ns < best)
			best = ns;
	}
	return best;
}

static double m_rwlock(void *arg, long ops)
{
	pthread_rwlock_t *l = arg;
	double t0 = now_ns();
	long i;

	for (i = 0; i < ops; i++) {
		pthread_rwlock_rdlock(l);
		pthread_rwlock_unlock(l);
	}
	return (now_ns() - t0) / ops;
}

/* @arg: a reference whose first context is the one taken. */
static double m_ctx(void *arg, long ops)
{
	struct ref *ref = arg;
	struct ref_ctx *ctx = ref->ctxs[0];
	double t0 = now_ns();
	long i;

	for (i = 0; i < ops; i++) {
		ref_ctx_acquire(ref, ctx, -1); /* never contended: no wait */
		ref_ctx_release(ctx);
	}
	return (now_ns() - t0) / ops;
}

static double m_lookup(void *arg, long ops)
{
	struct ref *ref = arg;
	double t0 = now_ns();
	long i, found = 0;

	for (i = 0; i < ops; i++)
		found += ref_lookup(ref, false, 0x50000000ull + (i & 4), 4) != NULL;
	return found == ops ? (now_ns() - t0) / ops : -1;
}

static double m_wire(void *arg, long ops)
{
	uint8_t buf[WIRE_MSG_SIZE], resp[WIRE_MSG_SIZE];
	volatile uint64_t sink = 0;
	struct wire_cmd cmd;
	double t0 = now_ns();
	long i;

	wire_encode_resp(0x5a5a5a5a, resp);
	for (i = 0; i < ops; i++) {
		wire_make_cmd(&cmd, i & 1, 4, true, 0x1122334455667788ull, i & 7, i);
		wire_encode_cmd(IORFD_V3, &cmd, buf);
		sink += buf[1] + wire_decode_resp(resp);
	}
	return (now_ns() - t0) / ops;
}

/* What the reference's wait before each transfer costs when the fd is ready. */
static double m_fcntl_ppoll(void *arg, long ops)
{
	int sv[2];
	uint8_t b = 0;
	sigset_t mask;
	double t0, ns = -1;
	long i;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	pthread_sigmask(SIG_SETMASK, NULL, &mask);
	if (write(sv[1], &b, 1) != 1) /* sv[0] stays readable */
		goto out;
	t0 = now_ns();
	for (i = 0; i < ops; i++) {
		struct pollfd p = {.fd = sv[0], .events = POLLIN};

		if (fcntl(sv[0], F_GETFL) < 0 || ppoll(&p, 1, NULL, &mask) != 1)
			goto out;
	}
	ns = (now_ns() - t0) / ops;
out:
	close(sv[0]);
	close(sv[1]);
	return ns;
}

struct ipc {
	int sv[2];
	bool poll;
	int cpu[2]; /* -1: wherever the scheduler puts it; else both threads' CPUs */
};

static void *echo_main(void *arg)
{
	struct ipc *p = arg;
	uint8_t buf[WIRE_MSG_SIZE];

	bench_pin(p->cpu[1]);
	for (;;) {
		if (p->poll) {
			struct pollfd pf = {.fd = p->sv[1], .events = POLLIN};

			if (poll(&pf, 1, MICRO_IPC_IDLE_S * 1000) <= 0)
				break;
		}
		if (read(p->sv[1], buf, sizeof(buf)) != WIRE_MSG_SIZE)
			break;
		if (write(p->sv[1], buf, sizeof(buf)) != WIRE_MSG_SIZE)
			break;
	}
	return NULL;
}

/* 32 bytes to a device thread and 32 back, over a stream socketpair. */
static double m_ipc(void *arg, long ops)
{
	struct timeval tv = {.tv_sec = MICRO_IPC_IDLE_S};
	struct ipc *p = arg;
	uint8_t buf[WIRE_MSG_SIZE] = {0};
	cpu_set_t saved;
	pthread_t th;
	double t0, ns = -1;
	long i;

	pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved);
	bench_pin(p->cpu[0]);

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p->sv))
		return -1;
	setsockopt(p->sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(p->sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (pthread_create(&th, NULL, echo_main, p))
		goto out;
	t0 = now_ns();
	for (i = 0; i < ops; i++) {
		if (write(p->sv[0], buf, sizeof(buf)) != WIRE_MSG_SIZE ||
		    read(p->sv[0], buf, sizeof(buf)) != WIRE_MSG_SIZE)
			break;
	}
	if (i == ops)
		ns = (now_ns() - t0) / ops;
	shutdown(p->sv[0], SHUT_RDWR); /* the echo thread sees EOF */
	pthread_join(th, NULL);
out:
	close(p->sv[0]);
	close(p->sv[1]);
	pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	return ns;
}

/* A VM as a case makes it (one vCPU, the selftests library), then freed. */
static double m_vm(void *arg, long ops)
{
	double *free_ns = arg, made = 0, freed = 0, t0;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	long i;

	for (i = 0; i < ops; i++) {
		t0 = now_ns();
		vm = vm_create_with_vcpus(1, bench_guest, &vcpu);
		made += now_ns() - t0;
		t0 = now_ns();
		kvm_vm_free(vm);
		freed += now_ns() - t0;
	}
	if (!*free_ns || freed / ops < *free_ns)
		*free_ns = freed / ops;
	return made / ops;
}

enum child_work {
	CHILD_NOTHING,
	CHILD_VM_FREE, /* make a VM, kvm_vm_free it, exit: what a case's child does */
	CHILD_VM_EXIT, /* make a VM and exit: the kernel tears it down with the process */
};

/* The runner's child per case: fork, @arg's work, exit, reap. */
static double m_fork(void *arg, long ops)
{
	enum child_work *work = arg;
	double t0 = now_ns();
	int status;
	long i;

	for (i = 0; i < ops; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return -1;
		if (!pid) {
			struct kvm_vcpu *vcpu;
			struct kvm_vm *vm;

			if (*work != CHILD_NOTHING) {
				vm = vm_create_with_vcpus(1, bench_guest, &vcpu);
				if (*work == CHILD_VM_FREE)
					kvm_vm_free(vm);
			}
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
			return -1;
	}
	return (now_ns() - t0) / ops;
}

int bench_micro_case(struct bench_micro *m, int max, long iterations)
{
	long ops = iterations / 1000 > 10 ? iterations / 1000 : 10;
	enum child_work w[3] = {CHILD_NOTHING, CHILD_VM_FREE, CHILD_VM_EXIT};
	double free_ns = 0;
	int n = 0;

	if (max < 5)
		return 0;
	fflush(NULL); /* the children must not flush our buffers again */
	m[n].name = "fork + _exit + waitpid (a child per case)";
	m[n++].ns = best_of(m_fork, &w[0], ops);
	m[n].name = "child: VM made, kvm_vm_free, exit, reaped";
	m[n++].ns = best_of(m_fork, &w[1], ops);
	m[n].name = "child: VM made, exit (the kernel frees it), reaped";
	m[n++].ns = best_of(m_fork, &w[2], ops);
	m[n].name = "vm_create_with_vcpus(1 vCPU)";
	m[n++].ns = best_of(m_vm, &free_ns, ops);
	m[n].name = "kvm_vm_free";
	m[n++].ns = free_ns;
	return n;
}

int bench_micro_run(struct bench_micro *m, int max, long iterations)
{
	long cheap = iterations * MICRO_CHEAP_MULT, ipc_ops = iterations;
	pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
	struct ref_ctx ctx = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
	};
	struct ipc ipc = {.cpu = {-1, -1}};
	struct ref *ref = calloc(1, sizeof(*ref));
	struct ref_region *last;
	int n = 0;

	ctx.tail = &ctx.head;
	if (!ref || max < 9) {
		free(ref);
		return 0;
	}
	/* A linear scan of 64 slots: the one region in the last of them. */
	ref->nr_slots = 64;
	last = &ref->regions[ref->nr_slots - 1];
	last->used = true;
	last->gpa = 0x50000000ull;
	last->size = 8;

	m[n].name = "rwlock rdlock+unlock (dispatch, per exit)";
	m[n++].ns = best_of(m_rwlock, &rw, cheap);
	m[n].name = "ref_ctx acquire+release (V2/V3 order, per access)";
	ref->ctxs[0] = &ctx;
	m[n++].ns = best_of(m_ctx, ref, cheap);
	ref->ctxs[0] = NULL;
	m[n].name = "ref_lookup, region in the last of 64 slots";
	m[n++].ns = best_of(m_lookup, ref, cheap);
	m[n].name = "wire: make+encode command, decode reply";
	m[n++].ns = best_of(m_wire, NULL, cheap);
	m[n].name = "fcntl(F_GETFL) + ppoll() on a ready fd (a wait_fd)";
	m[n++].ns = best_of(m_fcntl_ppoll, NULL, cheap / 10);
	m[n].name = "thread round trip, 32+32 B socketpair, blocking read";
	m[n++].ns = best_of(m_ipc, &ipc, ipc_ops);
	ipc.poll = true;
	m[n].name = "the same, device side poll() before read";
	m[n++].ns = best_of(m_ipc, &ipc, ipc_ops);
	/* Cross-CPU wake-ups need an IPI, which a nested host pays dearly for. */
	ipc.poll = false;
	ipc.cpu[0] = ipc.cpu[1] = 0;
	m[n].name = "round trip, blocking read, both threads on CPU 0";
	m[n++].ns = best_of(m_ipc, &ipc, ipc_ops);
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1) {
		ipc.cpu[1] = 1;
		m[n].name = "round trip, blocking read, threads on CPUs 0 and 1";
		m[n++].ns = best_of(m_ipc, &ipc, ipc_ops);
	}
	free(ref);
	return n;
}
