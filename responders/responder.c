// SPDX-License-Identifier: GPL-2.0
/*
 * Device end of a channel.  The responder answers exactly as the resp bit of
 * each command says (WIRE-3), even when the bit itself is wrong: a kernel
 * that clears it on a read then waits for a reply that never comes, and the
 * case times out naming that wait, which is the honest symptom.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/fdio.h"
#include "responders/device_end.h"
#include "responders/responder.h"

/* How long the rest of a torn command may take to arrive on a stream. */
#define TORN_WAIT_MS 200

int responder_init(struct responder *r, const struct iorfd_case *c, int index, int rfd, int wfd,
		   struct case_result *res)
{
	int i;

	memset(r, 0, sizeof(*r));
	r->index = index;
	r->stop_fd = r->release_fd = -1;
	r->rfd = fcntl(rfd, F_DUPFD_CLOEXEC, 0);
	r->wfd = wfd == rfd ? r->rfd : fcntl(wfd, F_DUPFD_CLOEXEC, 0);
	if (r->rfd < 0 || r->wfd < 0)
		return -errno;
	r->rev = c->rev;
	r->cfg = &c->channels[index];
	r->res = res;
	regmodel_init(&r->model, r->cfg->reset);
	r->jitter = c->nr_vcpus > 1 ? (unsigned int)(res->seed * 2654435761u + index) | 1 : 0;
	for (i = 0; i < c->nr_regions; i++) {
		const struct case_region *cr = &c->regions[i];

		if (cr->channel != index || cr->expect_errno)
			continue;
		r->regions[r->nr_regions].user_data = cr->user_data;
		r->regions[r->nr_regions].size = cr->size;
		r->regions[r->nr_regions].posted = cr->posted;
		r->reply_fd[r->nr_regions] = -1;
		r->domain[r->nr_regions] = index;
		r->nr_regions++;
	}
	r->single_domain = true;
	r->stop_fd = eventfd(0, EFD_CLOEXEC);
	r->release_fd = eventfd(0, EFD_CLOEXEC);
	return r->stop_fd < 0 || r->release_fd < 0 ? -errno : 0;
}

int responder_reply_via(struct responder *r, uint64_t user_data, struct responder *via, int *busy)
{
	int i;

	for (i = 0; i < r->nr_regions; i++) {
		if (r->regions[i].user_data != user_data)
			continue;
		r->reply_fd[i] = fcntl(via->wfd, F_DUPFD_CLOEXEC, 0);
		if (r->reply_fd[i] < 0)
			return -errno;
		r->domain[i] = via->index;
		r->single_domain = false;
		r->busy = via->busy = busy;
	}
	return 0;
}

/* The index in r->regions of the region a command names, or -1. */
static int region_of(const struct responder *r, uint64_t user_data)
{
	int i;

	for (i = 0; i < r->nr_regions; i++)
		if (r->regions[i].user_data == user_data)
			return i;
	return -1;
}

static const struct resp_rule *rule_for(const struct responder *r, int n)
{
	int i;

	for (i = 0; i < r->cfg->nr_rules; i++)
		if (r->cfg->rules[i].at == n)
			return &r->cfg->rules[i];
	return NULL;
}

static void close_device(struct responder *r)
{
	int i;

	for (i = 0; i < r->nr_regions; i++) {
		if (r->reply_fd[i] >= 0)
			close(r->reply_fd[i]);
		r->reply_fd[i] = -1;
	}
	if (r->wfd >= 0 && r->wfd != r->rfd)
		close(r->wfd);
	if (r->rfd >= 0)
		close(r->rfd);
	r->rfd = r->wfd = -1;
}

/* A held reply waits for the timeline; bounded, since a case has a deadline anyway. */
#define HOLD_MAX_MS 30000

/*
 * While a reply is outstanding, another command arriving on this channel
 * means two commands in flight on one read fd (ORD-2): note it, without
 * reading it, and keep waiting.  Only where all of the channel's replies go
 * to its own read fd: otherwise the next command may be another domain's,
 * and the shared busy flags judge it when it is read.  @until_release: wait for the timeline's
 * release; else wait @ms.  Returns false when a release never came.
 */
static bool outstanding_wait(struct responder *r, bool until_release, int ms)
{
	struct pollfd p[2] = {
		{.fd = r->release_fd, .events = POLLIN},
		{.fd = r->rfd, .events = POLLIN},
	};
	struct timespec t0, t1;
	bool noted = false;
	int left = until_release ? HOLD_MAX_MS : ms;
	uint64_t v;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (left > 0) {
		int n = poll(p, noted || !r->single_domain ? 1 : 2, left);

		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (p[0].revents & POLLIN) && until_release)
			return read(r->release_fd, &v, sizeof(v)) == sizeof(v);
		if (n > 0 && !noted && (p[1].revents & POLLIN)) {
			__atomic_add_fetch(&r->res->chan_overlap[r->index], 1, __ATOMIC_SEQ_CST);
			noted = true;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = (until_release ? HOLD_MAX_MS : ms) -
		       (int)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	}
	return !until_release;
}

static void note_waiting_command(struct responder *r)
{
	struct pollfd p = {.fd = r->rfd, .events = POLLIN};

	if (poll(&p, 1, 0) == 1 && (p.revents & POLLIN))
		__atomic_add_fetch(&r->res->chan_overlap[r->index], 1, __ATOMIC_SEQ_CST);
}

/*
 * A stalled device: nothing more is read until the timeline's release, so
 * that what KVM writes piles up in the channel.  Bounded, as a hold is.
 */
static void stall(struct responder *r, const struct resp_rule *rule)
{
	struct pollfd p[2] = {
		{.fd = r->release_fd, .events = POLLIN},
		{.fd = r->stop_fd, .events = POLLIN}, /* the case ended without a release */
	};
	uint64_t v;
	int n;

	__atomic_store_n(&r->stalled, 1, __ATOMIC_SEQ_CST);
	do
		n = poll(p, 2, HOLD_MAX_MS);
	while (n < 0 && errno == EINTR);
	if (n > 0 && !(p[0].revents & POLLIN)) {
		__atomic_store_n(&r->stalled, 0, __ATOMIC_SEQ_CST);
		return;
	}
	if (n <= 0 || read(r->release_fd, &v, sizeof(v)) != sizeof(v))
		result_fail_at(r->res, VERDICT_ERROR,
			       &(struct fail_spec){.kind = FAIL_HARNESS,
						   .at = &rule->loc,
						   .channel = r->cfg->name},
			       "channel %s: stalled for %d ms and never released", r->cfg->name,
			       HOLD_MAX_MS);
	/* A fill under way finishes first: its bytes are all in before the next read. */
	for (n = 0; n < HOLD_MAX_MS && __atomic_load_n(&r->filling, __ATOMIC_SEQ_CST); n++)
		usleep(1000);
	__atomic_store_n(&r->stalled, 0, __ATOMIC_SEQ_CST);
}

int responder_fill_begin(struct responder *r, int timeout_ms)
{
	int waited;

	/* A posted write's vCPU runs on at once: its command may not be read yet. */
	for (waited = 0; !__atomic_load_n(&r->stalled, __ATOMIC_SEQ_CST); waited++) {
		if (waited >= timeout_ms)
			return -EAGAIN;
		usleep(1000);
	}
	__atomic_store_n(&r->filling, 1, __ATOMIC_SEQ_CST);
	return 0;
}

void responder_fill_end(struct responder *r, long bytes)
{
	__atomic_add_fetch(&r->filler, bytes, __ATOMIC_SEQ_CST);
	__atomic_store_n(&r->filling, 0, __ATOMIC_SEQ_CST);
}

/* The VMM's filler, dropped; false when the channel ended first. */
static bool drop_filler(struct responder *r)
{
	uint8_t buf[4096];
	long left = __atomic_load_n(&r->filler, __ATOMIC_SEQ_CST);
	ssize_t n;

	while (left > 0) {
		n = read(r->rfd, buf, left < (long)sizeof(buf) ? (size_t)left : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		left -= n;
		__atomic_sub_fetch(&r->filler, n, __ATOMIC_SEQ_CST);
	}
	return true;
}

static void wait_release(struct responder *r, const struct resp_rule *rule)
{
	if (!outstanding_wait(r, true, 0))
		result_fail_at(r->res, VERDICT_ERROR,
			       &(struct fail_spec){.kind = FAIL_HARNESS,
						   .at = &rule->loc,
						   .channel = r->cfg->name},
			       "channel %s: reply held for %d ms and never released", r->cfg->name,
			       HOLD_MAX_MS);
}

static void send_reply(struct responder *r, int fd, uint64_t reply, const struct resp_rule *rule)
{
	uint8_t buf[2 * WIRE_MSG_SIZE];
	size_t len = WIRE_MSG_SIZE;
	ssize_t n;

	memset(buf, 0, sizeof(buf));
	wire_encode_resp(reply, buf);
	if (rule && rule->fault == RF_GARBAGE)
		memset(buf, 0xa5, sizeof(buf));
	if (rule && (rule->fault == RF_SHORT || rule->fault == RF_LONG)) {
		len = (size_t)rule->bytes;
		memset(buf + WIRE_MSG_SIZE, 0x5a, sizeof(buf) - WIRE_MSG_SIZE);
	}
	n = write_nosignal(fd, buf, len); /* the device's SIGPIPE is not the VMM's */
	if (n != (ssize_t)len && !(rule && rule->fault))
		result_fail_at(r->res, VERDICT_ERROR,
			       &(struct fail_spec){.kind = FAIL_HARNESS, .channel = r->cfg->name},
			       "channel %s: reply write: %s", r->cfg->name,
			       n < 0 ? strerror(errno) : "short write");
}

/*
 * Reads one command.  A seqpacket socket delivers it as one message, whose
 * length is what KVM wrote; a stream or pipe may in theory split it, so the
 * rest is awaited briefly.  Returns the byte count, 0 at EOF, -errno.
 */
static int read_cmd(struct responder *r, uint8_t *buf)
{
	uint8_t big[2 * WIRE_MSG_SIZE];
	ssize_t n;
	int got = 0;

	if (r->cfg->kind == CHAN_SEQPACKET) {
		n = recv(r->rfd, big, sizeof(big), MSG_TRUNC);
		if (n < 0)
			return -errno;
		memcpy(buf, big, n < WIRE_MSG_SIZE ? (size_t)n : WIRE_MSG_SIZE);
		return (int)n;
	}
	while (got < WIRE_MSG_SIZE) {
		if (got) {
			struct pollfd p = {.fd = r->rfd, .events = POLLIN};

			if (poll(&p, 1, TORN_WAIT_MS) <= 0)
				break;
		}
		n = read(r->rfd, buf + got, WIRE_MSG_SIZE - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return got ? got : -errno;
		}
		if (n == 0)
			break;
		got += (int)n;
	}
	return got;
}

/*
 * Answers one command as the case's script says for it, or as the register
 * model does.  Returns false when the device end is gone (fault close).
 */
static bool answer(struct responder *r, struct tx_entry *e, const uint8_t *raw,
		   const struct wire_cmd *cmd, const struct resp_rule *rule)
{
	enum resp_fault fault = rule ? rule->fault : RF_NONE;
	bool reply_wanted = cmd->resp || fault == RF_ANSWER_POSTED;
	int j = region_of(r, cmd->user_data);
	int fd = j >= 0 && r->reply_fd[j] >= 0 ? r->reply_fd[j] : r->wfd;
	uint64_t reply = 0, linked = 0;

	if (e)
		e->fault = fault;
	/* Before the model takes a write: a stale read is told by the values it replaced. */
	if (r->dev)
		device_end_answer(r, e, raw, cmd, &linked);
	if (cmd->cmd == WIRE_CMD_WRITE &&
	    regmodel_write(&r->model, cmd->user_data, cmd->offset, cmd->data))
		result_fail_at(r->res, VERDICT_ERROR,
			       &(struct fail_spec){.kind = FAIL_HARNESS, .channel = r->cfg->name},
			       "channel %s: register model full (%d registers)", r->cfg->name,
			       REGMODEL_MAX);
	/* hold + close: the device goes away only when the timeline says so. */
	if (fault == RF_CLOSE) {
		if (rule->hold)
			wait_release(r, rule);
		close_device(r);
		return false;
	}
	if (!reply_wanted || fault == RF_NEVER)
		return true;
	if (rule && rule->hold)
		wait_release(r, rule);
	if (rule && rule->delay_ms)
		outstanding_wait(r, false, rule->delay_ms);
	/* Seeded jitter lets other vCPUs' commands try to overtake this one. */
	if (r->jitter && !r->dev)
		outstanding_wait(r, false, rand_r(&r->jitter) % 3);
	if (cmd->cmd == WIRE_CMD_READ)
		reply = regmodel_read(&r->model, cmd->user_data, cmd->offset);
	if (r->dev)
		reply = linked;
	if (rule && rule->has_reply)
		reply = rule->reply;
	if (fault == RF_GARBAGE)
		reply = 0xa5a5a5a5a5a5a5a5ull;
	if (e) {
		e->replied = true;
		e->reply = reply;
	}
	/* Free before the reply is out: KVM may send the next one at once. */
	if (r->busy && cmd->resp)
		__atomic_store_n(&r->busy[j >= 0 ? r->domain[j] : r->index], 0, __ATOMIC_SEQ_CST);
	/*
	 * A device program took its time over this reply, and the responder
	 * was not watching KVM's end meanwhile: a command already there is
	 * two in flight all the same.
	 */
	if (r->dev && r->single_domain && cmd->resp)
		note_waiting_command(r);
	send_reply(r, fd, reply, rule);
	if (fault == RF_EXTRA)
		send_reply(r, fd, reply, NULL);
	return true;
}

/*
 * A command that wants a reply claims its read fd until the reply is out;
 * finding it claimed means KVM sent it while an earlier exchange on that
 * read fd was unfinished, whichever channel carried the earlier command.
 * Posted writes claim nothing: they may legitimately be read late.
 */
static void note_busy(struct responder *r, const struct wire_cmd *cmd)
{
	int j = region_of(r, cmd->user_data);
	int d = j >= 0 ? r->domain[j] : r->index;

	if (__atomic_exchange_n(&r->busy[d], 1, __ATOMIC_SEQ_CST))
		__atomic_add_fetch(&r->res->chan_overlap[d], 1, __ATOMIC_SEQ_CST);
}

static bool handle(struct responder *r, const uint8_t *raw, int len)
{
	const struct resp_rule *rule = rule_for(r, ++r->count);
	int slot = __atomic_fetch_add(&r->res->nr_tx, 1, __ATOMIC_SEQ_CST);
	struct tx_entry *e = slot < RESULT_MAX_TX ? &r->res->tx[slot] : NULL;
	struct wire_violation v[TX_MAX_VIOLATIONS];
	struct wire_cmd cmd;
	int nv = 0;

	if (len == WIRE_MSG_SIZE)
		nv = wire_check_cmd(r->rev, raw, r->regions, r->nr_regions, v, TX_MAX_VIOLATIONS);
	if (e) {
		e->seq = result_next_seq(r->res);
		e->channel = r->index;
		e->len = len;
		memcpy(e->raw, raw, WIRE_MSG_SIZE);
		e->nr_viol = nv;
		memcpy(e->viol, v,
		       sizeof(v[0]) * (nv < TX_MAX_VIOLATIONS ? nv : TX_MAX_VIOLATIONS));
	}
	__atomic_store_n(&r->res->chan_cmds[r->index], r->count, __ATOMIC_SEQ_CST);
	if (r->dev && (len != WIRE_MSG_SIZE || nv))
		device_end_bypass(r, len != WIRE_MSG_SIZE ? "KVM's command came torn or over-long"
							  : "KVM's command breaks a wire rule");
	if (len != WIRE_MSG_SIZE)
		return true; /* torn or over-long: nothing sensible to answer */
	wire_decode_cmd(r->rev, raw, &cmd);
	if (r->busy && cmd.resp)
		note_busy(r, &cmd);
	if (!answer(r, e, raw, &cmd, rule))
		return false;
	if (rule && rule->stall)
		stall(r, rule);
	return true;
}

static bool stop_requested(struct responder *r, struct pollfd *p)
{
	return p[1].revents & POLLIN;
}

static void *responder_main(void *arg)
{
	struct responder *r = arg;
	uint8_t buf[WIRE_MSG_SIZE];

	for (;;) {
		struct pollfd p[2] = {
			{.fd = r->rfd, .events = POLLIN},
			{.fd = r->stop_fd, .events = POLLIN},
		};
		int n;

		/*
		 * No timeout here on purpose: the harness always sets stop_fd,
		 * and the case's child process is killed at its deadline.
		 */
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		/* Drain what KVM already wrote before honouring a stop. */
		if (!(p[0].revents & (POLLIN | POLLHUP))) {
			if (stop_requested(r, p))
				break;
			continue;
		}
		/* The VMM's filler first; then poll again, as there may be nothing after it. */
		if (__atomic_load_n(&r->filler, __ATOMIC_SEQ_CST) > 0) {
			if (!drop_filler(r))
				break;
			continue;
		}
		n = read_cmd(r, buf);
		if (n <= 0 || !handle(r, buf, n))
			break;
	}
	/* KVM's end is closed: so is the device program's command fd. */
	device_end_finish(r);
	return NULL;
}

int responder_start(struct responder *r)
{
	int err = pthread_create(&r->thread, NULL, responder_main, r);

	r->started = !err;
	return -err;
}

int responder_stop(struct responder *r, int timeout_ms)
{
	uint64_t one = 1;
	struct timespec ts;
	int err = 0;

	if (r->started) {
		if (write(r->stop_fd, &one, sizeof(one)) != sizeof(one))
			return -errno;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += timeout_ms / 1000;
		ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		err = -pthread_timedjoin_np(r->thread, NULL, &ts);
		r->started = err != 0;
	}
	if (!err) {
		device_end_finish(r); /* a program whose responder never ran */
		if (r->stop_fd >= 0)
			close(r->stop_fd);
		if (r->release_fd >= 0)
			close(r->release_fd);
		close_device(r);
		r->stop_fd = r->release_fd = -1;
	}
	return err;
}

int responder_write_byte(struct responder *r)
{
	if (r->wfd < 0)
		return -EBADF; /* a scripted close already ended the device */
	return write_nosignal(r->wfd, "", 1) == 1 ? 0 : -errno;
}

int responder_release(struct responder *r)
{
	uint64_t one = 1;

	return write(r->release_fd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}
