// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "execute.h"
#include "runner.h"

#define STDERR_TAIL 600

int runner_init(struct runner *r, const struct target_ops *ops, int timeout_ms)
{
	r->ops = ops;
	r->timeout_ms = timeout_ms;
	r->res = mmap(NULL, sizeof(*r->res), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		      -1, 0);
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
		result_fail(res, VERDICT_ERROR, NULL, "child stderr:\n%s", buf);
	}
}

static void describe_timeout(const struct iorfd_case *c, struct case_result *res, int ms)
{
	int i;

	result_fail(res, VERDICT_TIMEOUT, NULL, "%s:%d:%d: no verdict within %d ms", c->loc.file,
		    c->loc.line, c->loc.col, ms);
	for (i = 0; i < c->nr_vcpus; i++) {
		const struct vcpu_status *st = &res->vcpu[i];
		const struct case_step *s = st->step >= 0 && st->step < c->vcpus[i].nr_steps ?
						    &c->vcpus[i].steps[st->step] : NULL;

		char at[300] = "";

		if (st->done)
			continue;
		if (s)
			snprintf(at, sizeof(at), " (%s:%d:%d)", s->loc.file, s->loc.line, s->loc.col);
		result_fail(res, VERDICT_TIMEOUT, NULL, "vCPU%d was %s, last seen at step %lld%s",
			    i, st->waiting[0] ? st->waiting : "not started", (long long)st->step,
			    at);
	}
}

static void child(const struct runner *r, const struct iorfd_case *c, int errfd)
{
	dup2(errfd, STDERR_FILENO);
	case_execute(c, r->ops, r->res);
	/* exit(), not _exit(): coverage builds write their counters here. */
	exit(0);
}

static int wait_child(pid_t pid, int timeout_ms, int *status)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int n;

	if (pidfd < 0)
		return -errno;
	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	close(pidfd);
	if (n == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, status, 0);
		return -ETIMEDOUT;
	}
	return waitpid(pid, status, 0) == pid ? 0 : -errno;
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

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
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
		result_fail(res, VERDICT_ERROR, NULL, "no file for the child's stderr: %s",
			    strerror(errno));
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		result_fail(res, VERDICT_ERROR, NULL, "fork: %s", strerror(errno));
		close(errfd);
		return;
	}
	if (pid == 0)
		child(r, c, errfd);
	r->pid = pid;
	r->errfd = errfd;
}

void runner_finish(struct runner *r, const struct iorfd_case *c)
{
	struct case_result *res = r->res;
	uint64_t spent = now_ms() - r->started_ms;
	int left = spent >= (uint64_t)r->timeout_ms ? 0 : r->timeout_ms - (int)spent;
	int errfd = r->errfd, status = 0, err;

	if (r->pid < 0)
		return; /* runner_start recorded why */
	/* The deadline counts from the start: other cases may have run meanwhile. */
	err = wait_child(r->pid, left, &status);
	r->pid = -1;
	if (err == -ETIMEDOUT) {
		describe_timeout(c, res, r->timeout_ms);
	} else if (err) {
		result_fail(res, VERDICT_ERROR, NULL, "waiting for the case's process: %s",
			    strerror(-err));
	} else if (WIFSIGNALED(status)) {
		result_fail(res, VERDICT_ERROR, NULL, "the case's process died of signal %d (%s)",
			    WTERMSIG(status), strsignal(WTERMSIG(status)));
		attach_stderr_tail(res, errfd);
	} else if (WEXITSTATUS(status)) {
		result_fail(res, VERDICT_ERROR, NULL, "the case's process exited with %d",
			    WEXITSTATUS(status));
		attach_stderr_tail(res, errfd);
	}
	close(errfd);
}

void runner_run(struct runner *r, const struct iorfd_case *c)
{
	runner_start(r, c);
	runner_finish(r, c);
}
