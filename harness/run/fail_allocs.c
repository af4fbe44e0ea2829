// SPDX-License-Identifier: GPL-2.0
/*
 * Host step fail_allocations (BUG-B9): KVM_SET_IOREGION of a region with
 * its 1st, 2nd, ... slab allocation made to fail, one per call, until a
 * call runs through with no failure left to inject.  Each failed call must
 * say ENOMEM and leave nothing behind:
 *
 *  - no lock: a removal of a range nobody registered, which takes the same
 *    slots_lock, must answer (ENOENT) within LOCK_WAIT_MS;
 *  - no file reference: once the VMM closes the fds it passed, the pipes
 *    behind them must have no reader and no writer left anywhere.
 *
 * The failures come from the kernel's fault injection: fail-nth
 * (/proc/thread-self/fail-nth, CONFIG_FAULT_INJECTION) counts the calls
 * that could fail in this thread, and failslab (CONFIG_FAILSLAB) makes slab
 * allocations such calls; its ignore-gfp-wait must be off, since every
 * allocation here may sleep.  Each attempt uses fresh pipes, so a leaked
 * reference shows on files nothing else holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/fdio.h"
#include "run/time_scale.h"
#include "run/exec.h"
#include "run/ioregion_args.h"

#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define IGNORE_GFP_WAIT "/sys/kernel/debug/failslab/ignore-gfp-wait"
/* 0: no stack trace per injected failure, which the kernel log check would flag */
#define VERBOSE	     "/sys/kernel/debug/failslab/verbose"
#define MAX_ALLOCS   32
#define LOCK_WAIT_MS 2000

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		err = -errno;
	close(fd);
	return err;
}

/* The file's first line as a number, or -1. */
static long read_number(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/* failslab's settings as they were before the step, put back after it. */
static struct {
	char ignore_gfp_wait[8], verbose[8];
} saved;

static void read_setting(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static int set_failslab(void)
{
	read_setting(IGNORE_GFP_WAIT, saved.ignore_gfp_wait, sizeof(saved.ignore_gfp_wait));
	read_setting(VERBOSE, saved.verbose, sizeof(saved.verbose));
	if (write_file(IGNORE_GFP_WAIT, "N"))
		return -1;
	write_file(VERBOSE, "0"); /* older kernels lack it: only the log is noisier */
	return 0;
}

static void restore_failslab(void)
{
	write_file(FAIL_NTH, "0");
	if (saved.ignore_gfp_wait[0])
		write_file(IGNORE_GFP_WAIT, saved.ignore_gfp_wait);
	if (saved.verbose[0])
		write_file(VERBOSE, saved.verbose);
}

bool exec_fault_injection_usable(const struct target_ops *ops, char *why, size_t len)
{
	if (!(ops->props & TARGET_KERNEL_ALLOCS)) {
		snprintf(why, len,
			 "needs fault injection in the implementation: target %s allocates nothing "
			 "in the kernel",
			 ops->name);
		return false;
	}
	if (access(FAIL_NTH, W_OK) || access(IGNORE_GFP_WAIT, W_OK)) {
		snprintf(why, len,
			 "needs fault injection: %s missing (CONFIG_FAULT_INJECTION, "
			 "CONFIG_FAILSLAB and debugfs; 'iorfd-conform vm --build "
			 "--fault-injection' makes such a kernel)",
			 access(FAIL_NTH, W_OK) ? FAIL_NTH : IGNORE_GFP_WAIT);
		return false;
	}
	return true;
}

struct lock_probe {
	struct exec *x;
	struct kvm_ioregion r;
	int err;
	bool done;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static void *probe_main(void *arg)
{
	struct lock_probe *p = arg;
	int err = p->x->t.ops->set_ioregion(&p->x->t, &p->r);

	pthread_mutex_lock(&p->lock);
	p->err = err;
	p->done = true;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/*
 * A removal of @cr's range, which nobody registered now, in a thread of its
 * own: 0 when it answered in time, -1 when it is stuck (left running: it
 * holds nothing of ours, and the case's process ends with it).
 */
static int lock_answers(struct exec *x, const struct case_region *cr)
{
	static struct lock_probe p; /* outlives us if the thread never returns */
	struct timespec until;
	pthread_t t;
	int stuck = 0;

	memset(&p, 0, sizeof(p));
	p.x = x;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	exec_deassign_request(x, cr, &p.r);
	if (pthread_create(&t, NULL, probe_main, &p))
		return 0; /* cannot tell: the step's other checks still stand */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += scaled_ms(LOCK_WAIT_MS) / 1000;
	until.tv_nsec += (long)(scaled_ms(LOCK_WAIT_MS) % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&p.lock);
	while (!p.done && !stuck)
		stuck = pthread_cond_timedwait(&p.cond, &p.lock, &until) == ETIMEDOUT;
	pthread_mutex_unlock(&p.lock);
	if (stuck) {
		pthread_detach(t);
		return -1;
	}
	pthread_join(t, NULL);
	return 0;
}

/* What still holds the pipe whose other end @fd is: "" when nothing does. */
static const char *left_holding(int reply_end, int cmd_end)
{
	char byte;
	int fl = fcntl(cmd_end, F_GETFL);

	if (write_nosignal(reply_end, "", 1) != -1 || errno != EPIPE)
		return "the region's read fd";
	fcntl(cmd_end, F_SETFL, fl | O_NONBLOCK);
	if (read(cmd_end, &byte, 1) != 0)
		return "the region's write fd";
	return "";
}

struct attempt {
	int reply[2], cmd[2]; /* pipes: [0] read end, [1] write end */
};

static int open_attempt(struct attempt *a)
{
	if (pipe2(a->reply, O_CLOEXEC))
		return -errno;
	if (pipe2(a->cmd, O_CLOEXEC)) {
		close(a->reply[0]);
		close(a->reply[1]);
		return -errno;
	}
	return 0;
}

static void fail(struct exec *x, const struct case_step *s, const char *what, const char *exp,
		 const char *obs)
{
	result_fail_at(x->res, VERDICT_FAIL,
		       &(struct fail_spec){.kind = FAIL_ERRNO,
					   .at = &s->loc,
					   .req = "BUG-B9",
					   .expected = exp,
					   .observed = obs},
		       "%s", what);
}

/*
 * Every later step of the case would block on the same lock, in threads no
 * signal gets out of: the verdict is final.  Tell the runner, which kills
 * this process now instead of at the case's deadline, and wait for that.
 */
static __attribute__((noreturn)) void wedged(struct exec *x)
{
	restore_failslab();
	__atomic_store_n(&x->res->wedged, 1, __ATOMIC_SEQ_CST);
	for (;;)
		pause();
}

/*
 * One attempt with allocation @nth made to fail.  Returns 1 when the
 * failure fired, 0 when the call got through without it (the last one),
 * -1 when the case cannot go on.
 */
static int attempt(struct exec *x, const struct case_step *s, const struct case_region *cr,
		   unsigned int nth)
{
	struct kvm_ioregion r;
	struct attempt a;
	char num[16], what[400], obs[64];
	const char *held;
	int err, fired;

	if (open_attempt(&a)) {
		result_fail_at(x->res, VERDICT_ERROR,
			       &(struct fail_spec){.kind = FAIL_HARNESS, .at = &s->loc},
			       "fail_allocations: pipes: %s", strerror(errno));
		return -1;
	}
	exec_region_request(x, cr, &r);
	r.read_fd = a.reply[0];
	r.write_fd = a.cmd[1];
	snprintf(num, sizeof(num), "%u", nth);
	if (write_file(FAIL_NTH, num)) {
		result_fail_at(x->res, VERDICT_ERROR,
			       &(struct fail_spec){.kind = FAIL_HARNESS, .at = &s->loc},
			       "fail_allocations: writing %s: %s", FAIL_NTH, strerror(errno));
		return -1;
	}
	err = x->t.ops->set_ioregion(&x->t, &r);
	fired = read_number(FAIL_NTH) == 0;
	write_file(FAIL_NTH, "0");
	exec_describe_request(what, sizeof(what), "KVM_SET_IOREGION", cr->name, &r);
	snprintf(what + strlen(what), sizeof(what) - strlen(what),
		 fired ? " with its slab allocation #%u failing"
		       : " with nothing left to fail (allocation #%u never came)",
		 nth);
	if (!fired && err) {
		snprintf(obs, sizeof(obs), "%s", strerrorname_np(-err));
		fail(x, s, what, "0 (success)", obs);
		fired = -1;
	}
	if (fired && err != -ENOMEM) {
		snprintf(obs, sizeof(obs), "%s", err ? strerrorname_np(-err) : "0 (success)");
		fail(x, s, what, "ENOMEM", obs);
	}
	if (!err) {
		/* Registered (the last attempt, or an allocation it could do without). */
		exec_deassign_request(x, cr, &r);
		x->t.ops->set_ioregion(&x->t, &r);
	} else if (lock_answers(x, cr)) {
		char exp[64];

		snprintf(exp, sizeof(exp), "a later removal answering within %d ms",
			 scaled_ms(LOCK_WAIT_MS));
		fail(x, s, what, exp, "it blocks: a lock left held");
		wedged(x);
	}
	close(a.reply[0]);
	close(a.cmd[1]);
	held = left_holding(a.reply[1], a.cmd[0]);
	if (*held) {
		snprintf(obs, sizeof(obs), "the kernel still holds %s", held);
		fail(x, s, what, "no reference left to the fds it was given", obs);
	}
	close(a.reply[1]);
	close(a.cmd[0]);
	return fired < 0 ? -1 : fired;
}

void exec_fail_allocations(struct exec *x, const struct case_step *s, const struct case_region *cr)
{
	unsigned int nth;
	int fired = 1;

	if (set_failslab()) {
		result_fail_at(x->res, VERDICT_ERROR,
			       &(struct fail_spec){.kind = FAIL_HARNESS, .at = &s->loc},
			       "fail_allocations: writing %s: %s", IGNORE_GFP_WAIT,
			       strerror(errno));
		return;
	}
	for (nth = 1; nth <= MAX_ALLOCS && fired == 1; nth++)
		fired = attempt(x, s, cr, nth);
	restore_failslab();
	if (fired == 1)
		result_fail_at(x->res, VERDICT_ERROR,
			       &(struct fail_spec){.kind = FAIL_HARNESS, .at = &s->loc},
			       "fail_allocations: KVM_SET_IOREGION of region %s still met an "
			       "injected failure at allocation #%d",
			       cr->name, MAX_ALLOCS);
	else if (!fired)
		result_note(
			x->res,
			"%s:%d:%d: fail_allocations: region %s: %u allocation(s) failed one by one",
			s->loc.file, s->loc.line, s->loc.col, cr->name, nth - 2);
}
