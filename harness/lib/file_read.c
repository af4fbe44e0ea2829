// SPDX-License-Identifier: GPL-2.0
/*
 * The one place that reads input files: case files, expectations, the
 * registry, results files, and the /proc files the targets look at.
 *
 * Input may be a regular file, a pipe (<(cat x.yaml), /dev/stdin), a FIFO
 * or a character device, and none of these may hang us:
 *
 *  - the open never blocks (O_NONBLOCK: a FIFO with no writer would wait
 *    for one for ever);
 *  - a pipe or FIFO is read through poll(), and a writer that sends nothing
 *    for INPUT_SILENCE_MS is an error, not a wait;
 *  - a pipe can be read only once, but a case file is loaded once per
 *    revision: what came out of one is kept, by path, so every later read
 *    of that path gets the same bytes.  Regular files are read afresh each
 *    time (a /proc file changes).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/file_read.h"
#include "lib/printable.h"

#define INPUT_SILENCE_MS 10000
#define FIRST_CHUNK	 (1 << 16)

/* What pipes and FIFOs gave, by path, for the life of the process. */
struct kept {
	struct kept *next;
	char *path, *buf;
	size_t len;
};
static struct kept *kept;

static void forget_kept(void)
{
	struct kept *k, *next;

	for (k = kept; k; k = next) {
		next = k->next;
		free(k->path);
		free(k->buf);
		free(k);
	}
	kept = NULL;
}

static const struct kept *find_kept(const char *path)
{
	const struct kept *k;

	for (k = kept; k; k = k->next)
		if (!strcmp(k->path, path))
			return k;
	return NULL;
}

static void keep(const char *path, const char *buf, size_t len)
{
	struct kept *k = calloc(1, sizeof(*k));

	if (!k)
		return; /* then a second read says "nothing to read": not silent */
	k->path = strdup(path);
	k->buf = malloc(len + 1);
	if (!k->path || !k->buf) {
		free(k->path);
		free(k->buf);
		free(k);
		return;
	}
	memcpy(k->buf, buf, len + 1);
	k->len = len;
	if (!kept)
		atexit(forget_kept);
	k->next = kept;
	kept = k;
}

static char *copy_of(const struct kept *k, size_t *len, char *err, size_t errlen)
{
	char *buf = malloc(k->len + 1);

	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", k->path);
		return NULL;
	}
	memcpy(buf, k->buf, k->len + 1);
	*len = k->len;
	return buf;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Waits for @fd to be readable: 0, or -1 with errno (ETIMEDOUT once the
 * writer has been silent for INPUT_SILENCE_MS since @since).
 */
static int wait_readable(int fd, long long since)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	long long left;
	int n;

	for (;;) {
		left = since + INPUT_SILENCE_MS - now_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = poll(&p, 1, (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

char *read_text_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	size_t cap = max < FIRST_CHUNK ? max + 1 : FIRST_CHUNK, n = 0;
	const struct kept *k;
	long long since;
	struct stat st;
	bool stream;
	char *buf = NULL, *nb;
	ssize_t r;
	int fd;

	k = find_kept(path);
	if (k)
		return copy_of(k, len, err, errlen);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		printable_inplace(err, errlen);
		return NULL;
	}
	if (fstat(fd, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory (a file is needed here)", path);
		goto fail;
	}
	stream = !S_ISREG(st.st_mode);
	if (!stream)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	buf = malloc(cap);
	if (!buf)
		goto oom;
	since = now_ms();
	/* Read one byte past the limit, to tell "exactly full" from "too big". */
	while (n <= max) {
		if (n == cap) {
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(buf, cap);
			if (!nb)
				goto oom;
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN && stream) {
			if (wait_readable(fd, since)) {
				if (errno == ETIMEDOUT)
					snprintf(err, errlen,
						 "%s: nothing came for %d s (a pipe or FIFO whose "
						 "writer neither writes nor closes)",
						 path, INPUT_SILENCE_MS / 1000);
				else
					snprintf(err, errlen, "%s: %s", path, strerror(errno));
				goto fail;
			}
			continue;
		}
		if (r < 0) {
			snprintf(err, errlen, "%s: %s", path,
				 errno == EISDIR ? "is a directory (a file is needed here)"
						 : strerror(errno));
			goto fail;
		}
		if (!r)
			break;
		n += (size_t)r;
		since = now_ms();
	}
	close(fd);
	fd = -1;
	if (n > max) {
		snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
		goto fail;
	}
	if (stream && !n) {
		snprintf(err, errlen,
			 "%s: nothing to read (a pipe or FIFO that has no writer, or whose "
			 "writer closed it without writing)",
			 path);
		goto fail;
	}
	if (n == cap) {
		nb = realloc(buf, n + 1);
		if (!nb)
			goto oom;
		buf = nb;
	}
	buf[n] = '\0';
	*len = n;
	if (stream)
		keep(path, buf, n);
	return buf;
oom:
	snprintf(err, errlen, "%s: out of memory", path);
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	printable_inplace(err, errlen);
	return NULL;
}
