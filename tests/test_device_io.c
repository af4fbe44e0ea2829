// SPDX-License-Identifier: GPL-2.0
/*
 * The device room's plumbing: starting a program under the contract (its
 * fds, environment, exit status, output, process group), the bounded reads
 * and writes on the channel, and the transcript's text.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "device/chan_io.h"
#include "device/spawn.h"
#include "device/transcript.h"

static int start(struct dev_proc *p, enum dev_chan chan, const char *script)
{
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	struct dev_spawn_opts o = {
		.argv = argv,
		.chan = chan,
		.revision = "v2",
		.regions = "0x1:0x2",
	};
	char err[256];

	if (dev_spawn(p, &o, err, sizeof(err)))
		fail_msg("%s", err);
	return 0;
}

/* What the device wrote on fd 4 until it closed it, as text. */
static void read_all(struct dev_proc *p, char *buf, size_t len)
{
	struct chan_read rd;

	chan_recv(p->reply_fd, (uint8_t *)buf, len - 1, 2000, &rd);
	buf[rd.got] = '\0';
}

/* One line the device wrote on fd 4. */
static void read_all_line(struct dev_proc *p, char *buf, size_t len)
{
	struct chan_read rd;
	size_t n = 0;

	while (n + 1 < len) {
		chan_recv(p->reply_fd, (uint8_t *)buf + n, 1, 2000, &rd);
		if (!rd.got || buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
}

/* The fds and environment a device gets: 0-4 and nothing else, the contract's variables. */
static void test_contract(void **state)
{
	char *argv[] = {"sleep", "10", NULL};
	struct dev_spawn_opts o = {
		.argv = argv,
		.chan = DEV_CHAN_PIPES,
		.revision = "v2",
		.regions = "0x1:0x2",
	};
	char path[64], env[8192], err[256];
	struct dirent *d;
	struct dev_proc p;
	int fds = 0, tries;
	size_t n;
	DIR *dir;
	FILE *f;

	/* sleep, not a shell: a shell keeps fds of its own open. */
	if (dev_spawn(&p, &o, err, sizeof(err)))
		fail_msg("%s", err);
	/*
	 * Until its exec has run to the end, the child still has the harness's
	 * close-on-exec fds (the kernel closes them after the new name is
	 * set): list them until only the contract's are left, at most 2 s.
	 */
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)p.pid);
	for (tries = 0; tries < 200; tries++) {
		int above = 0;

		fds = 0;
		dir = opendir(path);
		assert_non_null(dir);
		while ((d = readdir(dir)))
			if (d->d_name[0] != '.') {
				above += atoi(d->d_name) > 4;
				fds++;
			}
		closedir(dir);
		if (!above)
			break;
		usleep(10000);
	}
	assert_true(tries < 200);
	assert_int_equal(fds, 5);
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)p.pid);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(env, 1, sizeof(env) - 1, f);
	fclose(f);
	env[n] = '\0';
	for (size_t i = 0; i < n; i++)
		env[i] = env[i] ? env[i] : '\n';
	assert_non_null(strstr(env, "IORFD_REVISION=v2\n"));
	assert_non_null(strstr(env, "IORFD_REGIONS=0x1:0x2\n"));
	assert_non_null(strstr(env, "IORFD_COMMAND_FD=3\n"));
	assert_non_null(strstr(env, "IORFD_REPLY_FD=4\n"));
	assert_true(dev_stop(&p));
	dev_release(&p);
}

/* fd 3 carries what the suite sends, fd 4 what the device answers, on both channel kinds. */
static void test_channel(void **state)
{
	enum dev_chan chans[] = {DEV_CHAN_PIPES, DEV_CHAN_STREAM};
	struct dev_proc p;
	char out[64];
	size_t i;

	for (i = 0; i < 2; i++) {
		start(&p, chans[i], "read -r line <&3; echo \"got $line\" >&4");
		assert_int_equal(chan_send(p.cmd_fd, "ping\n", 5, 1000), 0);
		read_all(&p, out, sizeof(out));
		assert_string_equal(out, "got ping\n");
		assert_true(dev_wait_exit(&p, 2000));
		assert_true(dev_stop(&p));
		dev_release(&p);
	}
}

static void test_exec_failure(void **state)
{
	char *argv[] = {"/nonexistent/device", NULL};
	struct dev_spawn_opts o = {.argv = argv, .revision = "v1", .regions = ""};
	struct dev_proc p;
	char err[256];

	assert_int_equal(dev_spawn(&p, &o, err, sizeof(err)), -1);
	assert_string_equal(
		err, "cannot start the device: /nonexistent/device: No such file or directory");
}

static void test_status_and_output(void **state)
{
	struct dev_proc p;
	char text[128];

	start(&p, DEV_CHAN_PIPES, "echo last words >&2; exit 3");
	assert_true(dev_wait_exit(&p, 2000));
	assert_string_equal(dev_status_text(&p, text, sizeof(text)), "exit status 3");
	dev_log_tail(&p, text, sizeof(text));
	assert_string_equal(text, "last words\n");
	dev_log_tail(&p, text, 6);
	assert_string_equal(text, "ords\n");
	dev_stop(&p);
	dev_release(&p);

	start(&p, DEV_CHAN_PIPES, "kill -SEGV $$");
	assert_true(dev_wait_exit(&p, 2000));
	assert_string_equal(dev_status_text(&p, text, sizeof(text)),
			    "killed by signal 11 (SIGSEGV)");
	dev_stop(&p);
	dev_release(&p);
}

/* A device that ignores end of file is stopped, and what it started with it. */
static void test_stop_group(void **state)
{
	char text[64], stat[64], st = 0;
	struct dev_proc p;
	int child = 0;
	FILE *f;

	start(&p, DEV_CHAN_PIPES, "trap '' TERM; sleep 30 & echo $! >&4; wait");
	read_all_line(&p, text, sizeof(text));
	child = atoi(text);
	assert_true(child > 0);
	dev_close_commands(&p);
	assert_false(dev_wait_exit(&p, 100));
	assert_string_equal(dev_status_text(&p, text, sizeof(text)), "still running");
	assert_true(dev_stop(&p));
	assert_string_equal(dev_status_text(&p, text, sizeof(text)),
			    "killed by signal 9 (SIGKILL)");
	/* The sleep went with it: gone, or dead and not yet reaped by its new parent. */
	usleep(50 * 1000);
	snprintf(stat, sizeof(stat), "/proc/%d/stat", child);
	f = fopen(stat, "r");
	if (f) {
		assert_int_equal(fscanf(f, "%*d %*s %c", &st), 1);
		fclose(f);
		assert_int_equal(st, 'Z');
	}
	dev_release(&p);
}

static int late_fd;

static void *write_rest_later(void *arg)
{
	usleep(30 * 1000);
	if (write(late_fd, (char *)arg + 10, 22) != 22)
		return NULL;
	return arg;
}

/* A read that waits for the rest, knows it came in pieces, and never waits past its bound. */
static void test_recv(void **state)
{
	uint8_t buf[32];
	char msg[32];
	struct chan_read rd;
	pthread_t t;
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	memset(msg, 'x', sizeof(msg));
	assert_int_equal(write(fds[1], msg, 10), 10);
	late_fd = fds[1];
	assert_int_equal(pthread_create(&t, NULL, write_rest_later, msg), 0);
	chan_recv(fds[0], buf, sizeof(buf), 2000, &rd);
	pthread_join(t, NULL);
	assert_int_equal(rd.got, 32);
	assert_int_equal(rd.first, 10);
	assert_false(rd.eof);

	assert_int_equal(write(fds[1], msg, 5), 5);
	chan_recv(fds[0], buf, sizeof(buf), 50, &rd);
	assert_int_equal(rd.got, 5);
	assert_false(rd.eof);

	close(fds[1]);
	chan_recv(fds[0], buf, sizeof(buf), 2000, &rd);
	assert_int_equal(rd.got, 0);
	assert_true(rd.eof);
	close(fds[0]);
}

/* No reader: EPIPE, and no SIGPIPE; a reader that takes nothing: a timeout. */
static void test_send(void **state)
{
	static char big[1 << 17];
	int fds[2];
	long t0;

	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	assert_int_equal(chan_send(fds[1], "x", 1, 1000), -EPIPE);
	close(fds[1]);

	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	t0 = dev_now_ms();
	assert_int_equal(chan_send(fds[1], big, sizeof(big), 100), -ETIMEDOUT);
	assert_true(dev_now_ms() - t0 < 1000);
	close(fds[0]);
	close(fds[1]);
}

static void test_transcript(void **state)
{
	static struct transcript t;
	char text[TRANSCRIPT_KEEP * (TRANSCRIPT_LINE + 4)];
	int i;

	transcript_init(&t);
	transcript_add(&t, "-> #%d", 1);
	transcript_add(&t, "<- #%d", 1);
	transcript_text(&t, 10, text, sizeof(text));
	assert_string_equal(text, "  -> #1\n  <- #1");
	for (i = 2; i <= 100; i++)
		transcript_add(&t, "line %d", i);
	transcript_text(&t, 3, text, sizeof(text));
	assert_string_equal(text, "  ... 98 earlier lines\n  line 98\n  line 99\n  line 100");
	/* Only the last TRANSCRIPT_KEEP are kept. */
	transcript_text(&t, 1000, text, sizeof(text));
	assert_true(!strncmp(text, "  ... 37 earlier lines\n  line 37\n", 33));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contract),     cmocka_unit_test(test_channel),
		cmocka_unit_test(test_exec_failure), cmocka_unit_test(test_status_and_output),
		cmocka_unit_test(test_stop_group),   cmocka_unit_test(test_recv),
		cmocka_unit_test(test_send),	     cmocka_unit_test(test_transcript),
	};

	signal(SIGPIPE, SIG_DFL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
