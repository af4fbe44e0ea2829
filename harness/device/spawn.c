// SPDX-License-Identifier: GPL-2.0
/*
 * Starting and stopping a device program under the contract.  Between
 * fork() and exec() the child only rearranges fds, resets signals, sets
 * the contract's environment and reports a failed exec through a
 * close-on-exec pipe: nothing there allocates, so a multi-threaded suite
 * could call this too.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "device/spawn.h"
#include "lib/printable.h"

/* How long a SIGKILLed device may take to be reaped before the suite gives up on it. */
#define DEV_REAP_MS 2000

long dev_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Async-signal-safe writes of the child's exec failure: errno, as 4 bytes. */
static void report_errno(int fd, int err)
{
	ssize_t n = write(fd, &err, sizeof(err));

	(void)n;
}

/*
 * In the child: @dev_cmd and @dev_reply become fds 3 and 4, fd 0 reads
 * /dev/null, 1 and 2 write @log; every other fd but @status_fd is closed.
 * The two ends are first moved above 4, since either may sit on 3 or 4.
 */
static int child_fds(int dev_cmd, int dev_reply, int log, int *status_fd)
{
	int high_cmd = fcntl(dev_cmd, F_DUPFD, 10), high_reply = fcntl(dev_reply, F_DUPFD, 10);
	int high_log = fcntl(log, F_DUPFD, 10),
	    high_status = fcntl(*status_fd, F_DUPFD_CLOEXEC, 10);
	int null = open("/dev/null", O_RDONLY);

	if (high_cmd < 0 || high_reply < 0 || high_log < 0 || high_status < 0 || null < 0)
		return -1;
	if (dup2(null, 0) < 0 || dup2(high_log, 1) < 0 || dup2(high_log, 2) < 0 ||
	    dup2(high_cmd, DEV_COMMAND_FD) < 0 || dup2(high_reply, DEV_REPLY_FD) < 0 ||
	    dup2(high_status, 5) < 0 || fcntl(5, F_SETFD, FD_CLOEXEC) < 0)
		return -1;
	*status_fd = 5;
	/* Nothing else of the suite's leaks into the device. */
	if (syscall(SYS_close_range, 6, ~0u, 0)) {
		int fd;

		for (fd = 6; fd < 4096; fd++)
			close(fd);
	}
	return 0;
}

static void child(const struct dev_spawn_opts *o, int dev_cmd, int dev_reply, int log,
		  int status_fd, pid_t suite)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	char reset[24];
	sigset_t none;
	int sig;

	setpgid(0, 0);
	/*
	 * A suite killed at a deadline (a case's process, SIGKILL) cannot stop
	 * its device: the kernel does, and it must not outlive the suite.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != suite)
		_exit(127);
	if (child_fds(dev_cmd, dev_reply, log, &status_fd)) {
		report_errno(status_fd, errno);
		_exit(127);
	}
	/* A device starts as if from a shell: default dispositions, nothing blocked. */
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	snprintf(reset, sizeof(reset), "%#llx", (unsigned long long)o->reset);
	if (setenv("IORFD_REVISION", o->revision, 1) || setenv("IORFD_REGIONS", o->regions, 1) ||
	    setenv("IORFD_RESET", reset, 1) || setenv("IORFD_COMMAND_FD", "3", 1) ||
	    setenv("IORFD_REPLY_FD", "4", 1)) {
		report_errno(status_fd, errno);
		_exit(127);
	}
	execvp(o->argv[0], o->argv);
	report_errno(status_fd, errno);
	_exit(127);
}

/* The channel: [0] the suite's command end, [1] the device's; [2] device's reply end, [3] suite's.
 */
static int make_channel(enum dev_chan chan, int fds[4])
{
	int a[2], b[2];

	if (chan == DEV_CHAN_STREAM) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, a))
			return -1;
		fds[0] = fds[3] = a[0];
		fds[1] = fds[2] = a[1];
		return 0;
	}
	if (pipe2(a, O_CLOEXEC))
		return -1;
	if (pipe2(b, O_CLOEXEC)) {
		close(a[0]);
		close(a[1]);
		return -1;
	}
	fds[0] = a[1];
	fds[1] = a[0];
	fds[2] = b[1];
	fds[3] = b[0];
	return 0;
}

static void close_channel(enum dev_chan chan, int fds[4])
{
	int i;

	for (i = 0; i < (chan == DEV_CHAN_STREAM ? 2 : 4); i++)
		close(fds[i]);
}

/* The child's exec result: 0 exec'd, else its errno. */
static int exec_result(int status_fd)
{
	struct pollfd pfd = {.fd = status_fd, .events = POLLIN};
	int err = 0;
	ssize_t n;

	/* exec closes the pipe at once; a child stuck before it is not worth more than 5 s. */
	if (poll(&pfd, 1, 5000) != 1)
		return ETIMEDOUT;
	n = read(status_fd, &err, sizeof(err));
	return n == sizeof(err) ? err : 0;
}

/*
 * The device's output log: a memfd, or where the kernel has none
 * (CONFIG_MEMFD_CREATE off, as in some kernels under test) an unlinked
 * file in TMPDIR.  -1 with errno set.
 */
static int open_log(void)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[PATH_MAX];
	int fd = memfd_create("iorfd-device-log", MFD_CLOEXEC);

	if (fd >= 0 || errno != ENOSYS)
		return fd;
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	snprintf(path, sizeof(path), "%s/iorfd-device-log.XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

int dev_spawn(struct dev_proc *p, const struct dev_spawn_opts *o, char *err, size_t len)
{
	int fds[4], status[2], e;
	pid_t suite = getpid();

	memset(p, 0, sizeof(*p));
	p->pid = -1;
	p->pidfd = p->cmd_fd = p->reply_fd = p->log_fd = -1;
	p->log_fd = open_log();
	if (p->log_fd < 0) {
		snprintf(err, len, "memfd_create for the device's output: %s", strerror(errno));
		return -1;
	}
	if (make_channel(o->chan, fds)) {
		snprintf(err, len, "the channel: %s", strerror(errno));
		close_fd(&p->log_fd);
		return -1;
	}
	if (pipe2(status, O_CLOEXEC)) {
		snprintf(err, len, "pipe2: %s", strerror(errno));
		close_channel(o->chan, fds);
		close_fd(&p->log_fd);
		return -1;
	}
	p->pid = fork();
	if (p->pid == 0)
		child(o, fds[1], fds[2], p->log_fd, status[1], suite);
	e = errno;
	close(status[1]);
	/* The device's ends are the device's alone: its close must be seen as EOF here. */
	if (o->chan == DEV_CHAN_STREAM) {
		close(fds[1]);
	} else {
		close(fds[1]);
		close(fds[2]);
	}
	p->stream = o->chan == DEV_CHAN_STREAM;
	p->cmd_fd = fds[0];
	p->reply_fd = fds[3];
	if (p->pid < 0) {
		snprintf(err, len, "fork: %s", strerror(e));
		close(status[0]);
		dev_stop(p);
		dev_release(p);
		return -1;
	}
	setpgid(p->pid, p->pid); /* also here: no race with a kill of the group */
	p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	e = exec_result(status[0]);
	close(status[0]);
	if (e) {
		snprintf(err, len, "cannot start the device: %s: %s", o->argv[0], strerror(e));
		dev_stop(p);
		dev_release(p);
		return -1;
	}
	fcntl(p->cmd_fd, F_SETFL, fcntl(p->cmd_fd, F_GETFL) | O_NONBLOCK);
	if (!p->stream)
		fcntl(p->reply_fd, F_SETFL, fcntl(p->reply_fd, F_GETFL) | O_NONBLOCK);
	return 0;
}

bool dev_poll_exit(struct dev_proc *p)
{
	int status;

	if (p->exited)
		return true;
	if (p->pid < 0 || waitpid(p->pid, &status, WNOHANG) != p->pid)
		return false;
	p->exited = true;
	p->status = status;
	p->exit_ms = dev_now_ms();
	p->pid = -1;
	close_fd(&p->pidfd);
	return true;
}

bool dev_wait_exit(struct dev_proc *p, int timeout_ms)
{
	long end = dev_now_ms() + timeout_ms, left;

	while (!dev_poll_exit(p)) {
		left = end - dev_now_ms();
		if (left <= 0 || p->pid < 0)
			return false;
		if (p->pidfd >= 0) {
			struct pollfd pfd = {.fd = p->pidfd, .events = POLLIN};

			poll(&pfd, 1, (int)left);
		} else {
			usleep(left < 2 ? 1000 : 2000);
		}
	}
	return true;
}

void dev_close_commands(struct dev_proc *p)
{
	if (p->stream) {
		if (p->cmd_fd >= 0)
			shutdown(p->cmd_fd, SHUT_WR);
		return;
	}
	close_fd(&p->cmd_fd);
}

void dev_close_replies(struct dev_proc *p)
{
	if (p->stream) {
		close_fd(&p->cmd_fd);
		p->reply_fd = -1;
		return;
	}
	close_fd(&p->reply_fd);
}

bool dev_stop(struct dev_proc *p)
{
	bool reaped = true;

	if (!dev_poll_exit(p) && p->pid > 0) {
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
		reaped = dev_wait_exit(p, DEV_REAP_MS);
	}
	if (p->stream)
		p->reply_fd = -1; /* the same socket as cmd_fd */
	close_fd(&p->cmd_fd);
	close_fd(&p->reply_fd);
	close_fd(&p->pidfd);
	return reaped;
}

void dev_release(struct dev_proc *p)
{
	close_fd(&p->log_fd);
}

const char *dev_status_text(const struct dev_proc *p, char *buf, size_t len)
{
	if (!p->exited)
		snprintf(buf, len, "still running");
	else if (WIFEXITED(p->status))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(p->status));
	else if (WIFSIGNALED(p->status))
		snprintf(buf, len, "killed by signal %d (SIG%s)%s", WTERMSIG(p->status),
			 sigabbrev_np(WTERMSIG(p->status)) ? sigabbrev_np(WTERMSIG(p->status))
							   : "?",
			 WCOREDUMP(p->status) ? ", core dumped" : "");
	else
		snprintf(buf, len, "wait status 0x%x", p->status);
	return buf;
}

void dev_log_tail(const struct dev_proc *p, char *buf, size_t len)
{
	struct stat st;
	off_t from;
	ssize_t n;

	buf[0] = '\0';
	if (p->log_fd < 0 || len < 2 || fstat(p->log_fd, &st) || !st.st_size)
		return;
	from = st.st_size > (off_t)(len - 1) ? st.st_size - (off_t)(len - 1) : 0;
	n = pread(p->log_fd, buf, len - 1, from);
	buf[n > 0 ? n : 0] = '\0';
	/* A NUL in the output would cut the text short: show it as a space. */
	for (ssize_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	printable_inplace(buf, len);
}
