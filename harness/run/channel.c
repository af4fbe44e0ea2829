// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run/channel.h"

static int open_socketpair(int type, struct channel_fds *ch)
{
	int sv[2];

	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv))
		return -errno;
	ch->kvm_rfd = ch->kvm_wfd = sv[0];
	ch->dev_rfd = ch->dev_wfd = sv[1];
	return 0;
}

static int open_pipes(struct channel_fds *ch)
{
	int cmd[2], resp[2];

	if (pipe2(cmd, O_CLOEXEC))
		return -errno;
	if (pipe2(resp, O_CLOEXEC)) {
		int err = -errno;

		close(cmd[0]);
		close(cmd[1]);
		return err;
	}
	ch->kvm_wfd = cmd[1];
	ch->dev_rfd = cmd[0];
	ch->dev_wfd = resp[1];
	ch->kvm_rfd = resp[0];
	return 0;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) ? -errno : 0;
}

int channel_set_nonblock(struct channel_fds *ch)
{
	int err = set_nonblock(ch->kvm_rfd);

	return err ? err : set_nonblock(ch->kvm_wfd);
}

static int clear_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) ? -errno : 0;
}

/*
 * One FIFO: the reader opens first (non-blocking, so that the open does not
 * wait for a writer), then the writer; the reader then blocks like a pipe.
 */
static int open_fifo(const char *path, int *rfd, int *wfd)
{
	*rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*rfd < 0)
		return -errno;
	*wfd = open(path, O_WRONLY | O_CLOEXEC);
	if (*wfd < 0)
		return -errno;
	return clear_nonblock(*rfd);
}

/* Two FIFOs in a private directory, removed again once open: only the fds remain. */
static int open_fifos(struct channel_fds *ch)
{
	const char *tmp = getenv("TMPDIR");
	char dir[256], cmd[300], resp[300];
	int err;

	snprintf(dir, sizeof(dir), "%s/iorfd-fifo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return -errno;
	snprintf(cmd, sizeof(cmd), "%s/cmd", dir);
	snprintf(resp, sizeof(resp), "%s/resp", dir);
	err = mkfifo(cmd, 0600) || mkfifo(resp, 0600) ? -errno : 0;
	if (!err)
		err = open_fifo(cmd, &ch->dev_rfd, &ch->kvm_wfd);
	if (!err)
		err = open_fifo(resp, &ch->kvm_rfd, &ch->dev_wfd);
	unlink(cmd);
	unlink(resp);
	rmdir(dir);
	if (err)
		channel_close(ch);
	return err;
}

int channel_open(enum chan_kind kind, struct channel_fds *ch)
{
	ch->kvm_rfd = ch->kvm_wfd = ch->dev_rfd = ch->dev_wfd = -1;
	switch (kind) {
	case CHAN_STREAM:
		return open_socketpair(SOCK_STREAM, ch);
	case CHAN_SEQPACKET:
		return open_socketpair(SOCK_SEQPACKET, ch);
	case CHAN_PIPES:
		return open_pipes(ch);
	case CHAN_FIFOS:
		return open_fifos(ch);
	}
	return -EINVAL;
}

static void close_pair(int *a, int *b)
{
	if (*a >= 0)
		close(*a);
	if (*b >= 0 && *b != *a)
		close(*b);
	*a = *b = -1;
}

void channel_close_kvm(struct channel_fds *ch)
{
	close_pair(&ch->kvm_rfd, &ch->kvm_wfd);
}

void channel_close(struct channel_fds *ch)
{
	close_pair(&ch->kvm_rfd, &ch->kvm_wfd);
	close_pair(&ch->dev_rfd, &ch->dev_wfd);
}
