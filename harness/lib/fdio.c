// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/fdio.h"

ssize_t write_nosignal(int fd, const void *buf, size_t len)
{
	static const struct timespec zero;
	ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
	sigset_t pipe_set, old;
	int err;

	if (n >= 0 || errno != ENOTSOCK)
		return n;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	n = write(fd, buf, len);
	err = errno;
	if (n < 0 && err == EPIPE)
		sigtimedwait(&pipe_set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return n;
}
