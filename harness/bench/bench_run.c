// SPDX-License-Identifier: GPL-2.0
/*
 * One benchmark row: a VM of its own with one vCPU running bench_guest, the
 * row's way of handling the access (ordinary exit, ioeventfd or an ioregion
 * of a target with a device thread), and the vCPU loop acting as the VMM.
 *
 * Per-access time is taken where the host sees each access: the VMM loop
 * for ordinary exits, the device thread for ioregion commands.  Back to back,
 * the interval from one access to the next is one whole round trip: exit,
 * handling, re-entry, the guest's loop.  Accesses the host cannot see one by
 * one (ioeventfd, the suite's responder) are timed by the guest's TSC in
 * batches, since a guest rdtsc may trap and cost as much as an exit.
 * Every wait is bounded: the device threads give up after DEV_IDLE_MS
 * without a command, and a watchdog ends the program if a row makes no end.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kvm_util.h"
#include "processor.h"

#include "bench/bench.h"
#include "run/execute.h"
#include "responders/responder.h"

#define BENCH_MMIO_GPA	0x50000000ull /* inside [MMIO_MIN, MMIO_MAX) */
#define BENCH_PORT	0x2000	      /* clear of UCALL_PORT and the PC ports KVM emulates */
#define BENCH_USER_DATA 0xbe4c0000cafe0001ull
#define BENCH_READ_VAL	0x5a5a5a5aull
#define DEV_IDLE_MS	10000
#define DEV_STOP_MS	2000
#define DEV_SPIN_NS	200000 /* DEV_SPIN: busy-poll this long after a command */

struct dev_thread {
	enum bench_dev kind;
	enum iorfd_rev rev;
	int cpu;     /* or -1 */
	int fd;	     /* device end of the socketpair */
	int stop_fd; /* eventfd for DEV_POLL and the ioeventfd reader */
	pthread_t thread;
	bool started;
	uint64_t cmds;	  /* written by the thread, read after it ended */
	uint64_t *stamps; /* SRC_DEVICE: host clock at each command, cap entries */
	uint64_t cap;
	/* DEV_SUITE: what responder_init wants to see */
	struct iorfd_case *c;
	struct case_result *res;
	struct responder r;
};

struct row_run {
	struct bench_cfg *cfg;
	struct bench_row *row;
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	struct bench_prog *prog;
	struct target t;
	bool attached;
	int sv[2];
	struct dev_thread dev;
	int efd;	  /* the ioeventfd */
	uint64_t *stamps; /* SRC_VMM, SRC_DEVICE: host clock at each access */
	uint64_t cap;	  /* warm-up and timed accesses */
	uint64_t seen;	  /* SRC_VMM: accesses stamped */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void bench_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

bool bench_is_read(enum bench_op op)
{
	return op == BOP_MMIO_READ || op == BOP_PIO_IN;
}

bool bench_is_pio(enum bench_op op)
{
	return op == BOP_PIO_OUT || op == BOP_PIO_IN;
}

/* ---- watchdog ------------------------------------------------------------ */

struct watchdog {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int secs;
	const char *what;
	pthread_t thread;
};

/*
 * A row that makes no end is a hang in KVM_RUN (a reply that never comes,
 * say): nothing this program could do would unblock it more cleanly than
 * ending, so the watchdog says where it was and exits.
 */
static void *watchdog_main(void *arg)
{
	struct watchdog *w = arg;
	struct timespec ts;
	int err = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += w->secs;
	pthread_mutex_lock(&w->lock);
	while (!w->done && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&w->cond, &w->lock, &ts);
	if (!w->done) {
		fprintf(stderr, "bench: row '%s' did not finish within %d s; giving up\n", w->what,
			w->secs);
		_exit(1);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static int watchdog_start(struct watchdog *w, const char *what, int secs)
{
	pthread_condattr_t ca;

	w->done = false;
	w->secs = secs;
	w->what = what;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	return pthread_create(&w->thread, NULL, watchdog_main, w) ? -1 : 0;
}

static void watchdog_stop(struct watchdog *w)
{
	pthread_mutex_lock(&w->lock);
	w->done = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
}

/* ---- device threads -------------------------------------------------------- */

/*
 * DEV_SPIN's read: non-blocking reads in a loop for DEV_SPIN_NS after the last
 * command, then one blocking poll() before spinning again.  While commands
 * keep coming the thread never sleeps, so the vCPU's write() has nobody to
 * wake on another CPU: that wake-up is most of a posted write's cost here.
 */
static ssize_t dev_spin_read(struct dev_thread *d, void *buf, size_t len)
{
	uint64_t until = now_ns() + DEV_SPIN_NS;

	for (;;) {
		ssize_t n = recv(d->fd, buf, len, MSG_DONTWAIT);

		if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return n;
		if (now_ns() > until) {
			struct pollfd p[2] = {
				{.fd = d->fd, .events = POLLIN},
				{.fd = d->stop_fd, .events = POLLIN},
			};

			if (poll(p, 2, DEV_IDLE_MS) <= 0 || !(p[0].revents & (POLLIN | POLLHUP)))
				return -1;
			until = now_ns() + DEV_SPIN_NS;
		}
		__builtin_ia32_pause();
	}
}

/*
 * The cheapest device end that still obeys the protocol: one blocking read
 * per command, a reply only when the command's resp bit asks for one.  The
 * socket's receive timeout bounds the wait; a stop is EOF or shutdown().
 */
static void *dev_fast_main(void *arg)
{
	struct dev_thread *d = arg;
	uint8_t buf[WIRE_MSG_SIZE], resp[WIRE_MSG_SIZE];
	struct wire_cmd cmd;

	bench_pin(d->cpu);
	wire_encode_resp(BENCH_READ_VAL, resp);
	for (;;) {
		if (d->kind == DEV_POLL) {
			struct pollfd p[2] = {
				{.fd = d->fd, .events = POLLIN},
				{.fd = d->stop_fd, .events = POLLIN},
			};

			if (poll(p, 2, DEV_IDLE_MS) <= 0)
				break;
			if (!(p[0].revents & (POLLIN | POLLHUP)))
				break; /* stop requested, nothing left */
		}
		if (d->kind == DEV_SPIN) {
			if (dev_spin_read(d, buf, sizeof(buf)) != WIRE_MSG_SIZE)
				break;
		} else if (read(d->fd, buf, sizeof(buf)) != WIRE_MSG_SIZE) {
			break;
		}
		if (d->cmds < d->cap)
			d->stamps[d->cmds] = now_ns();
		d->cmds++;
		wire_decode_cmd(d->rev, buf, &cmd);
		if (cmd.resp && write(d->fd, resp, sizeof(resp)) != WIRE_MSG_SIZE)
			break;
	}
	return NULL;
}

/* The suite's responder wants a case that describes the one channel and region. */
static int dev_suite_init(struct dev_thread *d, const struct bench_row *row)
{
	struct case_region *cr;

	d->c = calloc(1, sizeof(*d->c));
	d->res = calloc(1, sizeof(*d->res));
	if (!d->c || !d->res)
		return -ENOMEM;
	d->c->rev = d->rev;
	d->c->nr_channels = 1;
	snprintf(d->c->channels[0].name, sizeof(d->c->channels[0].name), "bench");
	d->c->channels[0].kind = CHAN_STREAM;
	d->c->channels[0].reset = BENCH_READ_VAL;
	d->c->nr_regions = 1;
	cr = &d->c->regions[0];
	snprintf(cr->name, sizeof(cr->name), "bench");
	cr->channel = 0;
	cr->space = bench_is_pio(row->op) ? SPACE_PIO : SPACE_MMIO;
	cr->gpa = bench_is_pio(row->op) ? BENCH_PORT : BENCH_MMIO_GPA;
	cr->size = bench_is_pio(row->op) ? 4 : 8;
	cr->user_data = BENCH_USER_DATA;
	cr->posted = row->posted;
	return responder_init(&d->r, d->c, 0, d->fd, d->fd, d->res);
}

static int dev_start(struct dev_thread *d, const struct bench_row *row, int fd, int cpu,
		     uint64_t *x_stamps, uint64_t cap)
{
	struct timeval tv = {.tv_sec = DEV_IDLE_MS / 1000};
	int err;

	d->kind = row->dev;
	d->rev = row->rev;
	d->cpu = cpu;
	d->fd = fd;
	d->stamps = x_stamps;
	d->cap = row->src == SRC_DEVICE ? cap : 0;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return -errno;
	if (d->kind == DEV_SUITE) {
		err = dev_suite_init(d, row);
		if (!err)
			err = responder_start(&d->r);
		d->started = !err;
		if (!err && cpu >= 0) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			pthread_setaffinity_np(d->r.thread, sizeof(set), &set);
		}
		return err;
	}
	d->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (d->stop_fd < 0)
		return -errno;
	err = pthread_create(&d->thread, NULL, dev_fast_main, d);
	d->started = !err;
	return -err;
}

static int timed_join(pthread_t t, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return pthread_timedjoin_np(t, NULL, &ts);
}

static int dev_stop(struct dev_thread *d)
{
	uint64_t one = 1;
	int err = 0;

	if (d->kind == DEV_SUITE) {
		if (d->started)
			err = responder_stop(&d->r, DEV_STOP_MS);
		d->cmds = d->res ? (uint64_t)d->res->nr_tx : 0;
		free(d->c);
		free(d->res);
		return err;
	}
	if (d->started) {
		if (write(d->stop_fd, &one, sizeof(one)) < 0)
			err = -errno;
		shutdown(d->fd, SHUT_RDWR); /* wakes a blocking read */
		err = timed_join(d->thread, DEV_STOP_MS) ? -ETIMEDOUT : err;
	}
	if (d->stop_fd >= 0)
		close(d->stop_fd);
	return err;
}

/* Counts what KVM signals on the ioeventfd; reads coalesce, so this is no latency. */
static void *efd_reader_main(void *arg)
{
	struct row_run *x = arg;
	uint64_t v;

	bench_pin(x->cfg->dev_cpu);
	for (;;) {
		struct pollfd p[2] = {
			{.fd = x->efd, .events = POLLIN},
			{.fd = x->dev.stop_fd, .events = POLLIN},
		};

		if (poll(p, 2, DEV_IDLE_MS) <= 0)
			break;
		if (!(p[0].revents & POLLIN))
			break;
		if (read(x->efd, &v, sizeof(v)) != sizeof(v))
			break;
		x->row->efd_wakeups++;
		x->row->efd_total += v;
	}
	return NULL;
}

/* ---- VM ------------------------------------------------------------------- */

static int setup_vm(struct row_run *x)
{
	uint64_t batch = x->row->src == SRC_GUEST ? x->row->batch : 0;
	uint64_t bytes = sizeof(struct bench_prog) +
			 (batch ? x->cfg->iterations / batch : 0) * sizeof(uint64_t);
	uint64_t pages = bytes / 4096 + 2;
	vm_vaddr_t gva;

	x->cap = x->cfg->warmup + x->cfg->iterations;
	if (x->row->src != SRC_GUEST) {
		x->stamps = calloc(x->cap, sizeof(*x->stamps));
		if (!x->stamps)
			return -ENOMEM;
	}

	x->vm = __vm_create_with_vcpus(VM_MODE_DEFAULT, 1, pages, bench_guest, &x->vcpu);
	gva = vm_vaddr_alloc(x->vm, bytes, KVM_UTIL_MIN_VADDR);
	x->prog = addr_gva2hva(x->vm, gva);
	memset(x->prog, 0, bytes);
	x->prog->op = x->row->op;
	x->prog->addr = bench_is_pio(x->row->op) ? BENCH_PORT : BENCH_MMIO_GPA;
	x->prog->warmup = x->cfg->warmup;
	x->prog->iterations = x->cfg->iterations;
	x->prog->batch = batch;
	if (x->row->op == BOP_MMIO_READ || x->row->op == BOP_MMIO_WRITE)
		virt_map(x->vm, BENCH_MMIO_GPA, BENCH_MMIO_GPA, 1);
	vcpu_args_set(x->vcpu, 1, gva);
	return 0;
}

static int setup_ioeventfd(struct row_run *x, pthread_t *reader)
{
	struct kvm_ioeventfd e = {
		.addr = x->prog->addr,
		.len = 4,
		.flags = bench_is_pio(x->row->op) ? KVM_IOEVENTFD_FLAG_PIO : 0,
	};

	x->efd = eventfd(0, EFD_CLOEXEC);
	x->dev.stop_fd = eventfd(0, EFD_CLOEXEC);
	if (x->efd < 0 || x->dev.stop_fd < 0)
		return -errno;
	e.fd = x->efd;
	if (ioctl(x->vm->fd, KVM_IOEVENTFD, &e))
		return -errno;
	if (x->row->no_reader)
		return 0;
	return -pthread_create(reader, NULL, efd_reader_main, x);
}

static int setup_ioregion(struct row_run *x)
{
	bool pio = bench_is_pio(x->row->op);
	struct kvm_ioregion r = {
		.guest_paddr = x->prog->addr,
		.memory_size = pio ? 4 : 8,
		.user_data = BENCH_USER_DATA,
		.flags = (pio ? KVM_IOREGION_PIO : 0) |
			 (x->row->posted ? KVM_IOREGION_POSTED_WRITES : 0),
	};
	const char *what = "socketpair";
	int err = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, x->sv))
		err = -errno;
	x->t.ops = x->row->target;
	x->t.vm = x->vm;
	x->t.rev = x->row->rev;
	if (!err) {
		what = "attach";
		err = x->t.ops->attach(&x->t, x->vm, x->row->rev);
		x->attached = !err;
	}
	r.read_fd = r.write_fd = x->sv[0];
	if (!err) {
		what = "KVM_SET_IOREGION";
		err = x->t.ops->set_ioregion(&x->t, &r);
	}
	if (!err) {
		what = "device thread";
		err = dev_start(&x->dev, x->row, x->sv[1], x->cfg->dev_cpu, x->stamps, x->cap);
	}
	if (err)
		snprintf(x->row->error, sizeof(x->row->error), "%s: %s: %s", x->t.ops->name, what,
			 strerror(-err));
	return err;
}

/* ---- the VMM loop ------------------------------------------------------------ */

static int run_once(struct row_run *x)
{
	if (x->row->how == BENCH_IOREGION)
		return x->t.ops->run(&x->t, x->vcpu);
	return ioctl(x->vcpu->fd, KVM_RUN, NULL) ? -errno : 0;
}

/* The floor's whole work: complete the bench access.  false: not ours. */
static bool complete_access(struct row_run *x, struct kvm_run *run)
{
	uint32_t v = BENCH_READ_VAL;

	if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.phys_addr == BENCH_MMIO_GPA) {
		if (!run->mmio.is_write)
			memcpy(run->mmio.data, &v, sizeof(v));
		return true;
	}
	if (run->exit_reason == KVM_EXIT_IO && run->io.port == BENCH_PORT && run->io.count == 1) {
		if (run->io.direction == KVM_EXIT_IO_IN)
			memcpy((uint8_t *)run + run->io.data_offset, &v, run->io.size);
		return true;
	}
	return false;
}

static int vmm_loop(struct row_run *x, uint64_t *t0, uint64_t *t1)
{
	struct kvm_run *run = x->vcpu->run;
	struct ucall uc;
	int err;

	*t0 = 0;
	for (;;) {
		err = run_once(x);
		if (err) {
			snprintf(x->row->error, sizeof(x->row->error), "KVM_RUN: %s",
				 strerror(-err));
			return -1;
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == UCALL_PORT) {
			switch (get_ucall(x->vcpu, &uc)) {
			case UCALL_SYNC:
				/* The timed loop starts with the next entry. */
				*t0 = now_ns();
				continue;
			case UCALL_DONE:
				*t1 = now_ns();
				return *t0 ? 0 : -1;
			default:
				snprintf(x->row->error, sizeof(x->row->error),
					 "guest sent ucall %llu", (unsigned long long)uc.cmd);
				return -1;
			}
		}
		if (complete_access(x, run)) {
			if (x->row->src == SRC_VMM && x->seen < x->cap)
				x->stamps[x->seen] = now_ns();
			x->seen++;
			if (x->row->how != BENCH_PLAIN)
				x->row->fallbacks++;
			continue;
		}
		snprintf(x->row->error, sizeof(x->row->error), "unexpected exit reason %u",
			 run->exit_reason);
		return -1;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double tsc_ns(const struct bench_cfg *cfg, uint64_t ticks)
{
	return (double)ticks * 1e6 / cfg->tsc_khz;
}

/*
 * Host-timed rows: the intervals between consecutive timed accesses (the
 * first timed one follows the start ucall, so it opens the first interval
 * rather than closing one).  Guest-timed rows: each batch over its size.
 */
static int samples(struct row_run *x, struct bench_row *row)
{
	uint64_t i, w = x->cfg->warmup, n = x->cfg->iterations;

	if (row->src != SRC_GUEST) {
		row->seen = row->src == SRC_VMM ? x->seen : x->dev.cmds;
		if (row->seen != x->cap || n < 2) {
			snprintf(row->error, sizeof(row->error),
				 "the host saw %llu accesses, expected %llu",
				 (unsigned long long)row->seen, (unsigned long long)x->cap);
			return -1;
		}
		row->ns = malloc((n - 1) * sizeof(*row->ns));
		for (i = 0; row->ns && i < n - 1; i++)
			row->ns[i] = (double)(x->stamps[w + i + 1] - x->stamps[w + i]);
		row->n = n - 1;
	} else {
		row->n = n / row->batch;
		row->ns = malloc(row->n * sizeof(*row->ns));
		for (i = 0; row->ns && i < row->n; i++)
			row->ns[i] = tsc_ns(x->cfg, x->prog->tsc[i]) / row->batch;
	}
	if (!row->ns || !row->n) {
		snprintf(row->error, sizeof(row->error), "no samples");
		return -1;
	}
	return 0;
}

static void collect(struct row_run *x, uint64_t t0, uint64_t t1)
{
	struct bench_row *row = x->row;
	double sum = 0;
	uint64_t i, n;

	if (samples(x, row))
		return;
	n = row->n;
	for (i = 0; i < n; i++)
		sum += row->ns[i];
	qsort(row->ns, n, sizeof(*row->ns), cmp_double);
	row->st.min = row->ns[0];
	row->st.median = n % 2 ? row->ns[n / 2] : (row->ns[n / 2 - 1] + row->ns[n / 2]) / 2;
	/* nearest rank: the smallest sample with at least 99% at or below it */
	row->st.p99 = row->ns[(n * 99 + 99) / 100 - 1];
	row->st.max = row->ns[n - 1];
	row->st.mean = sum / n;
	row->wall_ns = (double)(t1 - t0);
	row->loop_ns = tsc_ns(x->cfg, x->prog->loop_tsc);
	row->ran = true;
}

static void teardown(struct row_run *x, pthread_t *reader)
{
	/*
	 * The VM stays until the results are read from its memory; the device
	 * thread is told to stop rather than left to see EOF, as a kernel
	 * target keeps its references to the fds until the VM goes.
	 */
	if (x->attached)
		x->t.ops->detach(&x->t);
	if (x->sv[0] >= 0)
		close(x->sv[0]);
	if (x->row->how == BENCH_IOREGION && x->sv[1] >= 0) {
		if (dev_stop(&x->dev) && !x->row->error[0])
			snprintf(x->row->error, sizeof(x->row->error),
				 "device thread did not stop within %d ms", DEV_STOP_MS);
		x->row->cmds = x->dev.cmds;
	}
	if (x->sv[1] >= 0)
		close(x->sv[1]);
	if (x->row->how == BENCH_IOEVENTFD && x->dev.stop_fd >= 0) {
		uint64_t one = 1;

		if (write(x->dev.stop_fd, &one, sizeof(one)) < 0 ||
		    (*reader && timed_join(*reader, DEV_STOP_MS)))
			snprintf(x->row->error, sizeof(x->row->error),
				 "ioeventfd reader did not stop");
		close(x->dev.stop_fd);
	}
	if (x->efd >= 0)
		close(x->efd);
}

static unsigned int tsc_khz(struct row_run *x)
{
	int khz = __vcpu_ioctl(x->vcpu, KVM_GET_TSC_KHZ, NULL);

	return khz > 0 ? (unsigned int)khz : 0;
}

static int setup(struct row_run *x, pthread_t *reader)
{
	struct bench_row *row = x->row;
	int err = 0;

	if (setup_vm(x)) {
		snprintf(row->error, sizeof(row->error), "out of memory");
		return -1;
	}
	if (!x->cfg->tsc_khz)
		x->cfg->tsc_khz = tsc_khz(x);
	if (!x->cfg->tsc_khz) {
		snprintf(row->error, sizeof(row->error), "KVM_GET_TSC_KHZ failed");
		return -1;
	}
	if (row->how == BENCH_IOEVENTFD) {
		err = setup_ioeventfd(x, reader);
		if (err)
			snprintf(row->error, sizeof(row->error), "KVM_IOEVENTFD: %s",
				 strerror(-err));
	} else if (row->how == BENCH_IOREGION) {
		err = setup_ioregion(x);
	}
	return err;
}

int bench_run_row(struct bench_cfg *cfg, struct bench_row *row)
{
	struct row_run x = {
		.cfg = cfg,
		.row = row,
		.sv = {-1, -1},
		.efd = -1,
		.dev = {.stop_fd = -1},
	};
	pthread_t reader = 0;
	struct watchdog w;
	uint64_t t0 = 0, t1 = 0;
	int err, secs = 30 + (int)((cfg->warmup + cfg->iterations) * 2 / 1000);

	if (watchdog_start(&w, row->name, secs)) {
		snprintf(row->error, sizeof(row->error), "cannot start the watchdog");
		return -1;
	}
	err = setup(&x, &reader);
	if (!err)
		err = vmm_loop(&x, &t0, &t1);
	/* The device thread's counts and stamps are final once it has stopped. */
	teardown(&x, &reader);
	if (!err)
		collect(&x, t0, t1);
	if (x.vm)
		kvm_vm_free(x.vm);
	free(x.stamps);
	watchdog_stop(&w);
	return row->ran && !row->error[0] ? 0 : -1;
}
