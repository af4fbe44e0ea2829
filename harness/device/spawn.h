/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device program started under docs/device-contract.md: its command fd
 * (3) and reply fd (4) are the far ends of a channel the suite holds the
 * near ends of, its environment says the revision and the regions, and
 * its stdout and stderr go to a log the failures quote.  The suite then
 * plays KVM on the near ends (exchange.c).
 *
 * The device runs in a process group of its own, so that stopping it stops
 * whatever it started too.  Every wait here has a bound.
 */
#ifndef IORFD_DEV_SPAWN_H
#define IORFD_DEV_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The contract's fd numbers. */
#define DEV_COMMAND_FD 3
#define DEV_REPLY_FD   4

enum dev_chan {
	DEV_CHAN_PIPES,	 /* a pipe each way: fd 3 reads commands, fd 4 writes replies */
	DEV_CHAN_STREAM, /* one AF_UNIX stream socket, as both fd 3 and fd 4 */
};

struct dev_spawn_opts {
	char *const *argv; /* the device program and its arguments */
	enum dev_chan chan;
	const char *revision; /* IORFD_REVISION: "v1", "v2", "v3" */
	const char *regions;  /* IORFD_REGIONS: "0x1000:0x100,0x2000:0x10" */
	uint64_t reset;	      /* IORFD_RESET: a register never written reads this */
};

struct dev_proc {
	pid_t pid;    /* -1 once reaped */
	int pidfd;    /* -1 where pidfd_open() is missing: waits poll waitpid() */
	int cmd_fd;   /* the suite writes commands here; -1 once closed */
	int reply_fd; /* the suite reads replies here; -1 once closed */
	bool stream;  /* cmd_fd and reply_fd are one socket */
	int log_fd;   /* the device's stdout and stderr (a memfd) */
	bool exited;  /* status is valid */
	int status;   /* as waitpid() gives it */
	long exit_ms; /* when it was seen to exit, on the suite's monotonic clock */
};

/*
 * Starts the device.  0, or -1 with the reason in @err: the channel or the
 * process could not be made, or exec failed (its errno comes back through
 * a close-on-exec pipe, so "No such file or directory" is told apart from
 * a device that starts and then exits).  The near ends are non-blocking.
 */
int dev_spawn(struct dev_proc *p, const struct dev_spawn_opts *o, char *err, size_t len);

/* Whether it has exited (reaping it if so), without waiting. */
bool dev_poll_exit(struct dev_proc *p);

/* Waits up to @timeout_ms for it to exit: true if it did. */
bool dev_wait_exit(struct dev_proc *p, int timeout_ms);

/* The KVM side closes its command end: end of file on the device's fd 3. */
void dev_close_commands(struct dev_proc *p);
/* ... and its reply end: the device's writes to fd 4 then fail (EPIPE). */
void dev_close_replies(struct dev_proc *p);

/*
 * Stops it (SIGKILL to its process group) if it still runs, reaps it, and
 * closes the channel's near ends (the output log stays readable until
 * dev_release()).  Returns false if it could not be reaped within 2 s.
 */
bool dev_stop(struct dev_proc *p);

/* Closes its output log, after dev_stop() and whatever quoted the log. */
void dev_release(struct dev_proc *p);

/* "exit status 0", "killed by signal 11 (SIGSEGV)", or "still running". */
const char *dev_status_text(const struct dev_proc *p, char *buf, size_t len);

/* The last @len - 1 bytes of its output, made printable; "" when there is none. */
void dev_log_tail(const struct dev_proc *p, char *buf, size_t len);

/* Milliseconds on a monotonic clock, for deadlines. */
long dev_now_ms(void);

#endif /* IORFD_DEV_SPAWN_H */
