// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run/execute.h"
#include "run/time_scale.h"
#include "run/interrupt.h"
#include "run/runner.h"

#define STDERR_TAIL 600
/*
 * A killed process is normally gone within milliseconds.  One that is not
 * after this long is stuck in the kernel (say, in its exit path on a lock
 * that a kernel oops left held) and may never go.
 */
#define KILL_GRACE_MS 2000
/* How often a wait for the case's process looks at its wedged flag. */
#define WEDGED_POLL_MS 50
/* Threads of a stuck process named in its failure message. */
#define STUCK_MAX_THREADS 4

int runner_init(struct runner *r, const struct target_ops *ops, int timeout_ms)
{
	r->ops = ops;
	r->target_config = NULL;
	r->device = NULL;
	r->timeout_ms = timeout_ms;
	r->res = mmap(NULL, sizeof(*r->res), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		      0);
	return r->res == MAP_FAILED ? -errno : 0;
}

void runner_fini(struct runner *r)
{
	munmap(r->res, sizeof(*r->res));
}

/* The child's stderr (the selftests library reports its assertions there). */
static void attach_stderr_tail(struct case_result *res, int fd)
{
	char buf[STDERR_TAIL + 1];
	off_t end = lseek(fd, 0, SEEK_END);
	off_t from = end > STDERR_TAIL ? end - STDERR_TAIL : 0;
	ssize_t n = pread(fd, buf, STDERR_TAIL, from);

	if (n > 0) {
		buf[n] = '\0';
		result_fail_at(res, VERDICT_ERROR,
			       &(struct fail_spec){.kind = FAIL_HARNESS, .detail = buf},
			       "child stderr:");
	}
}

static void describe_timeout(const struct iorfd_case *c, struct case_result *res, int ms)
{
	int i;

	result_fail_at(res, VERDICT_TIMEOUT,
		       &(struct fail_spec){.kind = FAIL_TIMEOUT, .at = &c->loc},
		       "no verdict within %d ms", ms);
	for (i = 0; i < c->nr_vcpus; i++) {
		const struct vcpu_status *st = &res->vcpu[i];
		const struct case_step *s = st->step >= 0 && st->step < c->vcpus[i].nr_steps
						    ? &c->vcpus[i].steps[st->step]
						    : NULL;

		if (st->done)
			continue;
		result_fail_at(res, VERDICT_TIMEOUT,
			       &(struct fail_spec){.kind = FAIL_TIMEOUT, .at = s ? &s->loc : NULL},
			       "vCPU%d was %s, last seen at step %lld", i,
			       st->waiting[0] ? st->waiting : "not started", (long long)st->step);
	}
}

static void child(const struct runner *r, const struct iorfd_case *c, int errfd)
{
	/*
	 * stdout too: the suite's stdout is the KTAP stream, and a child that
	 * never exits (stuck in the kernel) would hold it open, so a reader
	 * waiting for its end would wait for ever.
	 */
	dup2(errfd, STDOUT_FILENO);
	dup2(errfd, STDERR_FILENO);
	interrupt_default();
	case_execute(c, r->ops, r->target_config, r->device, r->res);
	/* exit(), not _exit(): coverage builds write their counters here. */
	exit(0);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * 1 once the process behind @pidfd has exited (all its threads), 0 after
 * @ms, or as soon as *@wedged (when given) says its verdict is already
 * final or the run is interrupted (run/interrupt.h).
 */
static int wait_exit(int pidfd, int ms, const int *wedged)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	uint64_t until = now_ms() + (uint64_t)ms, now;
	int n, slice;

	for (;;) {
		if (wedged && (__atomic_load_n(wedged, __ATOMIC_SEQ_CST) || interrupt_signal()))
			return 0;
		now = now_ms();
		if (now >= until)
			return 0;
		slice = until - now;
		if (wedged && slice > WEDGED_POLL_MS)
			slice = WEDGED_POLL_MS;
		n = poll(&p, 1, slice);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return 0;
	}
}

/*
 * Waits for the case's process until @timeout_ms, then kills it.  Returns
 * 0 (exited, @status filled), -ETIMEDOUT (killed at the deadline and
 * reaped), -ENOTRECOVERABLE (killed early because the case found the kernel
 * wedged, see struct case_result's wedged), -EDEADLK (killed, but still
 * there KILL_GRACE_MS later: left unreaped, since waitpid() could block for
 * ever), or another -errno.
 */
static int wait_child(pid_t pid, int timeout_ms, const int *wedged, int *status)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	bool exited;

	if (pidfd < 0)
		return -errno;
	if (wait_exit(pidfd, timeout_ms, wedged)) {
		close(pidfd);
		return waitpid(pid, status, 0) == pid ? 0 : -errno;
	}
	kill(pid, SIGKILL);
	exited = wait_exit(pidfd, KILL_GRACE_MS, NULL);
	close(pidfd);
	if (!exited)
		return -EDEADLK;
	waitpid(pid, status, 0);
	return __atomic_load_n(wedged, __ATOMIC_SEQ_CST) ? -ENOTRECOVERABLE : -ETIMEDOUT;
}

/* /proc/PID/FILE, or /proc/PID/task/TID/FILE for one thread (@tid > 0). */
static int proc_open(pid_t pid, pid_t tid, const char *file)
{
	char path[96];

	if (tid > 0)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", (int)pid, (int)tid, file);
	else
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* The first line of a /proc file, or "unreadable". */
static void proc_line(pid_t pid, pid_t tid, const char *file, char *out, size_t len)
{
	int fd = proc_open(pid, tid, file);
	ssize_t n = -1;

	if (fd >= 0) {
		n = read(fd, out, len - 1);
		close(fd);
	}
	if (n <= 0) {
		snprintf(out, len, "unreadable");
		return;
	}
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

/* The state letter of stat (R, S, D, Z...), or '?'. */
static char proc_state(pid_t pid, pid_t tid)
{
	char buf[512], *close_paren;

	proc_line(pid, tid, "stat", buf, sizeof(buf));
	/* "pid (comm) S ...": comm may itself hold spaces and parentheses. */
	close_paren = strrchr(buf, ')');
	return close_paren && close_paren[1] == ' ' && close_paren[2] ? close_paren[2] : '?';
}

/*
 * The threads other than the leader: when a kernel oops killed the thread
 * group leader, the leader shows Z and the thread that is stuck is another.
 * wchan is where a task sleeps: a symbol, or "0" without kallsyms.
 */
static void describe_threads(pid_t pid, char *out, size_t len)
{
	char dir[64], wchan[128];
	struct dirent *d;
	size_t used = 0;
	int shown = 0;
	DIR *tasks;

	out[0] = '\0';
	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	tasks = opendir(dir);
	if (!tasks)
		return;
	while ((d = readdir(tasks)) && shown < STUCK_MAX_THREADS && used < len) {
		pid_t tid = atoi(d->d_name);

		if (tid <= 0 || tid == pid)
			continue;
		proc_line(pid, tid, "wchan", wchan, sizeof(wchan));
		used += snprintf(out + used, len - used, "; thread %d: state %c, wchan %s",
				 (int)tid, proc_state(pid, tid), wchan);
		shown++;
	}
	closedir(tasks);
}

/*
 * Nothing waits for the process again.  Its SIGKILL is pending, so it runs
 * no more user code and will not write to r->res, which the next case may
 * then reuse.
 */
static void describe_stuck(struct case_result *res, pid_t pid)
{
	char wchan[128], threads[320];

	proc_line(pid, 0, "wchan", wchan, sizeof(wchan));
	describe_threads(pid, threads, sizeof(threads));
	result_fail_at(
		res, VERDICT_TIMEOUT, &(struct fail_spec){.kind = FAIL_TIMEOUT},
		"the case's process (pid %d) did not exit within %d ms of SIGKILL: stuck in "
		"the kernel (state %c, wchan %s%s); left unreaped, the run goes on without it",
		(int)pid, KILL_GRACE_MS, proc_state(pid, 0), wchan, threads);
}

/*
 * An anonymous file for the child's stderr.  memfd needs shmem, which small
 * kernels under test (tinyconfig) may not have: fall back to an unlinked
 * file in TMPDIR or /tmp.
 */
static int anon_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd = memfd_create("iorfd-child-stderr", MFD_CLOEXEC);

	if (fd >= 0 || errno != ENOSYS)
		return fd;
	snprintf(path, sizeof(path), "%s/iorfd-stderr-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* The run seed mixed with the case and revision: replaying one case needs only --seed. */
static uint64_t case_seed(uint64_t seed, const struct iorfd_case *c)
{
	uint64_t h = seed ^ 0xcbf29ce484222325ull;
	const char *p;

	for (p = c->name; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	return (h ^ c->rev) * 0x100000001b3ull;
}

void runner_start(struct runner *r, const struct iorfd_case *c)
{
	struct case_result *res = r->res;
	int errfd;
	pid_t pid;

	r->pid = -1;
	r->errfd = -1;
	r->started_ms = now_ms();
	memset(res, 0, sizeof(*res));
	res->seed = case_seed(r->seed, c);
	errfd = anon_file();
	if (errfd < 0) {
		result_fail_at(res, VERDICT_ERROR, FAIL_SPEC_HARNESS,
			       "no file for the child's stderr: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		result_fail_at(res, VERDICT_ERROR, FAIL_SPEC_HARNESS, "fork: %s", strerror(errno));
		close(errfd);
		return;
	}
	if (pid == 0)
		child(r, c, errfd);
	r->pid = pid;
	r->errfd = errfd;
}

/*
 * The case's own limit, or the run's (--timeout) for a case that sets none,
 * times --timeout-scale.
 */
static int case_limit(const struct runner *r, const struct iorfd_case *c)
{
	return scaled_ms(c->timeout_ms ? c->timeout_ms : r->timeout_ms);
}

int runner_time_left(const struct runner *r, const struct iorfd_case *c)
{
	uint64_t spent = now_ms() - r->started_ms;
	int limit = case_limit(r, c);

	return spent >= (uint64_t)limit ? 0 : limit - (int)spent;
}

void runner_finish(struct runner *r, const struct iorfd_case *c)
{
	struct case_result *res = r->res;
	int limit = case_limit(r, c), left = runner_time_left(r, c);
	int errfd = r->errfd, status = 0, err;

	if (r->pid < 0)
		return; /* runner_start recorded why */
	/* The deadline counts from the start: other cases may have run meanwhile. */
	err = wait_child(r->pid, left, &res->wedged, &status);
	if (interrupt_signal() && (err || WIFSIGNALED(status))) {
		/* Killed by us, or by the same Ctrl-C: whatever it recorded is partial. */
		result_fail_at(res, VERDICT_ERROR,
			       &(struct fail_spec){.kind = FAIL_INTERRUPTED, .at = &c->loc},
			       "the run was interrupted (%s) while this case ran: no verdict",
			       interrupt_name());
	} else if (err == -ENOTRECOVERABLE || (err == -EDEADLK && res->wedged)) {
		/* Its verdict stands; what is left of the process is only a note. */
		result_note(res, "the case found the kernel wedged and its process was killed%s",
			    err == -EDEADLK ? "; it is still stuck in the kernel, left unreaped"
					    : "");
	} else if (err == -ETIMEDOUT || err == -EDEADLK) {
		describe_timeout(c, res, limit);
		if (err == -EDEADLK)
			describe_stuck(res, r->pid);
	} else if (err) {
		result_fail_at(res, VERDICT_ERROR, FAIL_SPEC_HARNESS,
			       "waiting for the case's process: %s", strerror(-err));
	} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE) {
		/* Only a case that left SIGPIPE's default action in place can die of it. */
		result_fail_at(
			res, VERDICT_FAIL,
			&(struct fail_spec){.kind = FAIL_VCPU, .req = "BUG-B13", .at = &c->loc},
			"the VMM's process was killed by SIGPIPE: a write to a device "
			"that closed its end raised it, where the access should have fallen "
			"back to an ordinary exit");
	} else if (WIFSIGNALED(status)) {
		result_fail_at(res, VERDICT_ERROR, FAIL_SPEC_HARNESS,
			       "the case's process died of signal %d (%s)", WTERMSIG(status),
			       strsignal(WTERMSIG(status)));
		attach_stderr_tail(res, errfd);
	} else if (WEXITSTATUS(status)) {
		result_fail_at(res, VERDICT_ERROR, FAIL_SPEC_HARNESS,
			       "the case's process exited with %d", WEXITSTATUS(status));
		attach_stderr_tail(res, errfd);
	}
	r->pid = -1;
	close(errfd);
}

void runner_run(struct runner *r, const struct iorfd_case *c)
{
	runner_start(r, c);
	runner_finish(r, c);
}
