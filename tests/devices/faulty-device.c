// SPDX-License-Identifier: GPL-2.0
/*
 * faulty-device FAULT: a device program under docs/device-contract.md that
 * breaks one rule of it on purpose, for tests/test-device.sh, which checks
 * that 'iorfd-conform device' fails each one with a message naming the
 * rule.  FAULT "none" breaks nothing: it passes every case, so each other
 * FAULT is what fails.  The faults are what device programs get wrong:
 *
 *   answer-posted     replies to commands whose resp bit is clear (DEV-2)
 *   short-reply       replies with 16 bytes (DEV-3)
 *   split-reply       writes each reply in two halves, 100 ms apart (DEV-3)
 *   high-bytes        puts read data at the top of the 8 data bytes (DEV-4)
 *   reorder           answers two outstanding commands last first (DEV-5)
 *   stale-posted      hands posted writes to a worker thread that applies
 *                     them later, and answers reads at once (DEV-6)
 *   ignore-user-data  one register file for every region (DEV-7)
 *   one-read          takes each read() as one command, whole (DEV-8)
 *   big-read          reads 4 KiB, handles the first command in it (DEV-8)
 *   eager-partial     answers 0 as soon as part of a command is in (DEV-9)
 *   crash-on-eof      abort()s at end of file (DEV-10)
 *   hang-on-eof       sleeps for good at end of file (DEV-10)
 *   exit3-on-eof      exits 3 at end of file (DEV-10)
 *   crash-mid         dies of SIGSEGV on its third command (DEV-11)
 *   wrong-layout      decodes the other revision's layout (DEV-12)
 *   fold-code         takes only bit 0 of the command code (DEV-13)
 *   unknown-silent    does not answer an unknown code, resp or not (DEV-14)
 *   strict-reserved   drops a command with a reserved bit set (DEV-15)
 *   exit-at-once      exits 1 before reading anything (DEV-11)
 *   garbage           writes 40 bytes of 0xa5 before serving (DEV-2)
 *   flood             writes replies nonstop, asked or not (DEV-2)
 *   silent            reads commands and never answers (DEV-1)
 *   per-region        the fault is the one whose place in per_region[] is
 *                     the first region's user_data less 0xf000: several
 *                     faults in one run of guest cases, one per case
 *                     (tests/data/device-guest/guest-faults.yaml)
 *
 * Self-contained like docs/examples/example-device.c, and deliberately
 * not built from it: that file stays a clean example.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define COMMAND_FD 3
#define REPLY_FD   4
#define MSG	   32
#define MAX_REGS   4096

static const char *fault = "none";
static bool v3_layout;
static uint64_t reset_value; /* IORFD_RESET */

/* per-region: user_data 0xf000 + i picks per_region[i]. */
static const char *const per_region[] = {
	"none",	       "stale-posted", "answer-posted", "ignore-user-data", "silent",
	"short-reply", "crash-mid",    "hang-on-eof",	"high-bytes",	    "wrong-layout",
};

static const char *fault_of_regions(const char *regions)
{
	unsigned long long ud = regions ? strtoull(regions, NULL, 0) : 0;

	if (ud < 0xf000 || ud - 0xf000 >= sizeof(per_region) / sizeof(per_region[0]))
		return NULL;
	return per_region[ud - 0xf000];
}

static bool is(const char *f)
{
	return !strcmp(fault, f);
}

struct command {
	unsigned int code;
	bool resp, reserved;
	uint64_t user_data, offset, data;
	unsigned int size;
};

static struct {
	uint64_t user_data, offset, value;
} regs[MAX_REGS];
static int nr_regs;
static pthread_mutex_t regs_lock = PTHREAD_MUTEX_INITIALIZER;

static void msleep(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void decode(const uint8_t *b, struct command *c)
{
	bool v3 = is("wrong-layout") ? !v3_layout : v3_layout;

	if (v3) {
		c->code = b[0];
		c->size = 1u << (b[1] & 0x3);
		c->resp = b[1] & 0x10;
		c->reserved = (b[1] & 0xe0) || get_le(b + 2, 6);
	} else {
		uint32_t info = (uint32_t)get_le(b, 4);

		c->code = info & 0xf;
		c->size = 1u << ((info >> 4) & 0x3);
		c->resp = info & 0x40;
		c->reserved = (info >> 7) || get_le(b + 4, 4);
	}
	if (is("fold-code"))
		c->code &= 1;
	c->user_data = is("ignore-user-data") ? 0 : get_le(b + 8, 8);
	c->offset = get_le(b + 16, 8);
	c->data = get_le(b + 24, 8);
}

static uint64_t reg_access(bool write, uint64_t user_data, uint64_t offset, uint64_t value)
{
	uint64_t old = reset_value;
	int i;

	pthread_mutex_lock(&regs_lock);
	for (i = 0; i < nr_regs; i++)
		if (regs[i].user_data == user_data && regs[i].offset == offset)
			break;
	if (i < nr_regs)
		old = regs[i].value;
	if (write && (i < nr_regs || nr_regs < MAX_REGS)) {
		if (i == nr_regs) {
			nr_regs++;
			regs[i].user_data = user_data;
			regs[i].offset = offset;
		}
		regs[i].value = value;
	}
	pthread_mutex_unlock(&regs_lock);
	return old;
}

static void put(const void *b, size_t n)
{
	if (write(REPLY_FD, b, n) != (ssize_t)n)
		exit(errno == EPIPE ? 0 : 1);
}

static void reply(uint64_t data, unsigned int size)
{
	uint8_t b[MSG] = {0};
	int i;

	if (is("high-bytes") && size < 8)
		data <<= 64 - 8 * size;
	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(data >> (8 * i));
	if (is("short-reply")) {
		put(b, 16);
	} else if (is("split-reply")) {
		put(b, 16);
		msleep(100);
		put(b + 16, 16);
	} else {
		put(b, MSG);
	}
}

/* ---- stale-posted: posted writes go through a slow worker ---------------- */

#define QUEUE 1024
static struct command queue[QUEUE];
static int q_head, q_tail;
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		struct command c;

		pthread_mutex_lock(&q_lock);
		while (q_head == q_tail)
			pthread_cond_wait(&q_cond, &q_lock);
		c = queue[q_head++ % QUEUE];
		pthread_mutex_unlock(&q_lock);
		/* "Real work" per write: the window a read slips through. */
		usleep(1000);
		reg_access(true, c.user_data, c.offset, c.data);
	}
	return NULL;
}

static void enqueue(const struct command *c)
{
	pthread_mutex_lock(&q_lock);
	queue[q_tail++ % QUEUE] = *c;
	pthread_cond_signal(&q_cond);
	pthread_mutex_unlock(&q_lock);
}

/* ---- serving -------------------------------------------------------------- */

static int served;

/* Acts on @c; whether to reply, and with what (@value). */
static bool act(const struct command *c, uint64_t *value)
{
	bool unknown = c->code > 1;

	*value = 0;
	if (is("crash-mid") && ++served == 3)
		raise(SIGSEGV);
	if (is("strict-reserved") && c->reserved)
		return false;
	if (c->code == 1) {
		if (is("stale-posted") && !c->resp)
			enqueue(c);
		else
			reg_access(true, c->user_data, c->offset, c->data);
	} else if (c->code == 0) {
		*value = reg_access(false, c->user_data, c->offset, 0);
	}
	if (unknown && is("unknown-silent"))
		return false;
	return c->resp || is("answer-posted");
}

static void serve(const uint8_t *b)
{
	struct command c;
	uint64_t v;

	decode(b, &c);
	if (act(&c, &v))
		reply(v, c.size);
}

/* reorder: with two commands owing replies at hand, the second is answered first. */
static void serve_pair(const uint8_t *a, const uint8_t *b)
{
	struct command ca, cb;
	uint64_t va, vb;
	bool ra, rb;

	decode(a, &ca);
	decode(b, &cb);
	ra = act(&ca, &va);
	rb = act(&cb, &vb);
	if (rb)
		reply(vb, cb.size);
	if (ra)
		reply(va, ca.size);
}

static void at_eof(void)
{
	if (is("crash-on-eof"))
		abort();
	if (is("hang-on-eof"))
		for (;;)
			pause();
	exit(is("exit3-on-eof") ? 3 : 0);
}

static bool more_within(int ms)
{
	struct pollfd p = {.fd = COMMAND_FD, .events = POLLIN};

	return poll(&p, 1, ms) == 1;
}

/* Whole commands, put together from as many reads as they take. */
static void read_whole(uint8_t *b)
{
	size_t have = 0;

	while (have < MSG) {
		ssize_t n = read(COMMAND_FD, b + have, MSG - have);

		if (n == 0)
			at_eof();
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			exit(1);
		have += (size_t)n;
		if (have < MSG && is("eager-partial"))
			reply(0, 8);
	}
}

static void loop(void)
{
	uint8_t b[4096], b2[MSG];
	ssize_t n;

	for (;;) {
		if (is("one-read") || is("big-read")) {
			/* Whatever one read brings is taken for one command. */
			memset(b, 0, MSG);
			n = read(COMMAND_FD, b, is("one-read") ? MSG : sizeof(b));
			if (n == 0)
				at_eof();
			if (n < 0)
				exit(1);
			serve(b);
			continue;
		}
		read_whole(b);
		if (is("reorder") && more_within(50)) {
			read_whole(b2);
			serve_pair(b, b2);
			continue;
		}
		if (!is("silent"))
			serve(b);
	}
}

static void flood(void)
{
	uint8_t b[MSG] = {0};

	for (;;)
		put(b, MSG);
}

int main(int argc, char **argv)
{
	const char *rev = getenv("IORFD_REVISION");
	pthread_t t;

	if (argc != 2) {
		fprintf(stderr, "usage: faulty-device FAULT (see the comment at its top)\n");
		return 2;
	}
	fault = argv[1];
	if (is("per-region") && !(fault = fault_of_regions(getenv("IORFD_REGIONS")))) {
		fprintf(stderr, "faulty-device: per-region: IORFD_REGIONS=%s names no fault\n",
			getenv("IORFD_REGIONS"));
		return 2;
	}
	if (!rev) {
		fprintf(stderr, "faulty-device: no IORFD_REVISION\n");
		return 2;
	}
	v3_layout = !strcmp(rev, "v3");
	if (getenv("IORFD_RESET"))
		reset_value = strtoull(getenv("IORFD_RESET"), NULL, 0);
	signal(SIGPIPE, SIG_IGN);
	if (is("exit-at-once")) {
		fprintf(stderr, "faulty-device: exiting at once, as asked\n");
		return 1;
	}
	if (is("garbage")) {
		uint8_t junk[40];

		memset(junk, 0xa5, sizeof(junk));
		put(junk, sizeof(junk));
	}
	if (is("flood"))
		flood();
	if (is("stale-posted") && pthread_create(&t, NULL, worker, NULL))
		return 1;
	loop();
	return 0;
}
