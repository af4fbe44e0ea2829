// SPDX-License-Identifier: GPL-2.0
/*
 * The suite as KVM in front of a device program: the exchanges of a device
 * case, sent in the revision's layout, with the replies they owe read back
 * in order and checked (DEV-1..DEV-15, docs/requirements.yaml).
 *
 * Commands that owe a reply are remembered in order; a step that is not
 * pipelined takes every owed reply before the next step starts, as KVM's
 * strict alternation does, and a pipelined one leaves them outstanding so
 * that several wait at once (DEV-5).  Every wait is bounded: a reply by
 * the reply timeout, a write by the same, an exit by the exit timeout, the
 * whole case by its own limit.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "device/chan_io.h"
#include "device/exchange.h"
#include "device/stray.h"
#include "proto/wire.h"

/* The most replies outstanding at once: a write step's commands in one write, and more. */
#define DEV_MAX_OWED (2 * CASE_MAX_DEV_REPEAT)

struct owed {
	int nr;	      /* the command's number in the case, from 1 */
	int step;     /* index into dev_steps */
	int tx;	      /* index into the result's transcript, or -1 past its end */
	uint64_t seq; /* the transcript's sequence number */
	uint8_t raw[WIRE_MSG_SIZE];
};

struct run {
	const struct iorfd_case *c;
	const struct dev_run_opts *o;
	struct case_result *r;
	struct transcript *t;
	struct dev_proc p;
	int nr_cmds;	/* commands sent so far */
	int nr_replies; /* replies taken so far */
	struct owed owed[DEV_MAX_OWED];
	int nr_owed;
	bool failed;   /* a failure ended the exchanges */
	bool eof_done; /* an eof step closed the channel already */
	long start_ms, deadline_ms;
};

/* ---- failures ------------------------------------------------------------ */

/*
 * A failure keeps its rule as a string that outlives the case (struct
 * failure's req): a step's req, which lives in the case, is swapped for
 * the same ID from here.
 */
static const char *rule(const char *id)
{
	static const char *const ids[] = {
		"DEV-1", "DEV-2",  "DEV-3",  "DEV-4",  "DEV-5",	 "DEV-6",  "DEV-7",  "DEV-8",
		"DEV-9", "DEV-10", "DEV-11", "DEV-12", "DEV-13", "DEV-14", "DEV-15",
	};
	size_t i;

	for (i = 0; id && i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!strcmp(ids[i], id))
			return ids[i];
	return id;
}

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
}

/* "cmd=READ size=4 off=0x10 data=0 resp=1 user_data=0x1000, region bar0" */
static void describe(const struct run *x, const uint8_t raw[WIRE_MSG_SIZE], char *buf, size_t len)
{
	struct wire_cmd cmd;
	int i, n;

	wire_decode_cmd(x->c->rev, raw, &cmd);
	n = wire_format_cmd(buf, len, &cmd);
	for (i = 0; i < x->c->nr_regions && n >= 0 && (size_t)n < len; i++)
		if (x->c->regions[i].user_data == cmd.user_data) {
			snprintf(buf + n, len - n, ", region %s", x->c->regions[i].name);
			break;
		}
}

/*
 * Records a failure of the device (or, for @v ERROR/TIMEOUT, of the run)
 * at step @s (NULL: the case as a whole), with the device's state and the
 * end of its output as the detail.  Ends the exchanges.
 */
__attribute__((format(printf, 8, 9))) static void
fail(struct run *x, enum verdict v, enum fail_kind kind, const char *req, const struct dev_step *s,
     const struct owed *o, const char *expected_observed[2], const char *fmt, ...)
{
	char headline[FAIL_TEXT_LEN], detail[FAIL_DETAIL_LEN], out[400], state[64];
	const struct src_loc *at = s ? &s->loc : &x->c->loc;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(headline, sizeof(headline), fmt, ap);
	va_end(ap);
	dev_poll_exit(&x->p);
	dev_log_tail(&x->p, out, sizeof(out));
	snprintf(detail, sizeof(detail), "device: %s%s%s",
		 dev_status_text(&x->p, state, sizeof(state)), out[0] ? "; its output ends: " : "",
		 out);
	result_fail_at(x->r, v,
		       &(struct fail_spec){
			       .kind = kind,
			       .req = rule(req),
			       .at = at,
			       .channel = "dev",
			       .index = o ? o->nr : 0,
			       .seq = o ? o->seq + 1 : 0,
			       .expected = expected_observed ? expected_observed[0] : NULL,
			       .observed = expected_observed ? expected_observed[1] : NULL,
			       .detail = detail,
		       },
		       "%s", headline);
	transcript_add(x->t, "!! %s", headline);
	x->failed = true;
}

/* The device's end closed: say how it is, after giving it a moment to be reaped. */
static const char *gone(struct run *x, char *buf, size_t len)
{
	dev_wait_exit(&x->p, 100);
	return dev_status_text(&x->p, buf, len);
}

/*
 * The case's own bound, checked before every command and every reply, so
 * that a slow device costs at most the case's limit and one reply timeout.
 */
static bool past_deadline(struct run *x, const struct dev_step *s)
{
	char exp[100], obs[100];

	if (dev_now_ms() <= x->deadline_ms)
		return false;
	snprintf(exp, sizeof(exp), "the case done within %ld ms", x->deadline_ms - x->start_ms);
	snprintf(obs, sizeof(obs), "%ld ms spent, exchanges left", dev_now_ms() - x->start_ms);
	fail(x, VERDICT_TIMEOUT, FAIL_TIMEOUT, NULL, s, NULL, (const char *[]){exp, obs},
	     "the case ran out of time");
	return true;
}

/* ---- sending --------------------------------------------------------------- */

static void encode(const struct run *x, const struct dev_step *s, uint64_t offset, uint64_t data,
		   uint8_t raw[WIRE_MSG_SIZE])
{
	const struct case_region *rg = &x->c->regions[s->region];
	struct wire_cmd cmd;
	int i;

	wire_make_cmd(&cmd, s->op != DEV_READ, s->size, s->resp, rg->user_data, offset, data);
	cmd.cmd = s->code;
	cmd.data = s->op == DEV_READ ? 0 : data;
	wire_encode_cmd(x->c->rev, &cmd, raw);
	for (i = 0; i < 8; i++)
		raw[i] |= (uint8_t)(s->reserved >> (8 * i));
}

/* Into the result's transcript (the JSON's): index, or -1 once it is full. */
static int record(struct run *x, const uint8_t raw[WIRE_MSG_SIZE], int len, uint64_t *seq)
{
	int i = x->r->nr_tx++;
	struct tx_entry *e;

	*seq = result_next_seq(x->r);
	if (i >= RESULT_MAX_TX)
		return -1;
	e = &x->r->tx[i];
	memset(e, 0, sizeof(*e));
	e->seq = *seq;
	e->channel = 0;
	e->len = len;
	memcpy(e->raw, raw, WIRE_MSG_SIZE);
	return i;
}

static bool send_bytes(struct run *x, const struct dev_step *s, const struct owed *o,
		       const void *buf, size_t len)
{
	int err = chan_send(x->p.cmd_fd, buf, len, x->o->reply_timeout_ms);
	char state[64], exp[160], obs[200];

	if (!err)
		return true;
	snprintf(exp, sizeof(exp), "the device reads its command fd until end of file");
	if (err == -ETIMEDOUT)
		snprintf(obs, sizeof(obs),
			 "it took no byte for %d ms: the channel is full (%zu bytes left to write)",
			 x->o->reply_timeout_ms, len);
	else
		snprintf(obs, sizeof(obs), "write: %s; the device: %s", strerror(-err),
			 gone(x, state, sizeof(state)));
	fail(x, VERDICT_FAIL, FAIL_CMD_MISSING, "DEV-11", s, o, (const char *[]){exp, obs},
	     "command #%d could not be sent", o->nr);
	return false;
}

/*
 * The window after the first part of a split command: nothing may come
 * back while a command is incomplete (DEV-9).
 */
static bool quiet_while_split(struct run *x, const struct dev_step *s, const struct owed *o)
{
	uint8_t buf[STRAY_SHOW];
	char exp[160], obs[200], bytes[100], state[64];
	struct chan_read rd;

	chan_recv(x->p.reply_fd, buf, sizeof(buf), s->pause_ms, &rd);
	if (!rd.got && !rd.eof)
		return true;
	snprintf(exp, sizeof(exp), "nothing while %d of command #%d's 32 bytes are sent (%d ms)",
		 s->split_at, o->nr, s->pause_ms);
	if (rd.got) {
		stray_hex(buf, rd.got, bytes, sizeof(bytes));
		snprintf(obs, sizeof(obs), "%zu byte%s: %s", rd.got, rd.got == 1 ? "" : "s", bytes);
		fail(x, VERDICT_FAIL, FAIL_CMD_UNEXPECTED, "DEV-9", s, o,
		     (const char *[]){exp, obs},
		     "the device answered command #%d before all of it arrived", o->nr);
	} else {
		snprintf(obs, sizeof(obs), "end of file on the reply fd; the device: %s",
			 gone(x, state, sizeof(state)));
		fail(x, VERDICT_FAIL, FAIL_CMD_MISSING, "DEV-11", s, o, (const char *[]){exp, obs},
		     "the device closed its reply fd while command #%d was incomplete", o->nr);
	}
	return false;
}

/* One command's bytes: whole, in two parts with a pause (split_at), or cut short (cut_at). */
static bool send_one(struct run *x, const struct dev_step *s, const struct owed *o)
{
	if (s->cut_at)
		return send_bytes(x, s, o, o->raw, s->cut_at);
	if (!s->split_at)
		return send_bytes(x, s, o, o->raw, WIRE_MSG_SIZE);
	return send_bytes(x, s, o, o->raw, s->split_at) && quiet_while_split(x, s, o) &&
	       send_bytes(x, s, o, o->raw + s->split_at, WIRE_MSG_SIZE - s->split_at);
}

/* ---- replies ------------------------------------------------------------- */

/*
 * Bytes on the reply fd now beyond @owed replies: a reply nobody asked for,
 * garbage, a flood (DEV-2).  Counted without taking them (FIONREAD works on
 * pipes and sockets alike).
 */
static int surplus(const struct run *x, int owed)
{
	int n = 0;

	if (x->p.reply_fd < 0 || ioctl(x->p.reply_fd, FIONREAD, &n))
		return 0;
	return n > owed * WIRE_MSG_SIZE ? n - owed * WIRE_MSG_SIZE : 0;
}

/* The read among the outstanding ones after @from that expects @low, or NULL. */
static const struct owed *owed_expecting(const struct run *x, int from, uint64_t low)
{
	int i;

	for (i = from + 1; i < x->nr_owed; i++) {
		const struct dev_step *s = &x->c->dev_steps[x->owed[i].step];

		if (s->op == DEV_READ && s->check && s->expect == low)
			return &x->owed[i];
	}
	return NULL;
}

static void check_value(struct run *x, int i, uint64_t data, const uint8_t buf[WIRE_MSG_SIZE])
{
	const struct owed *o = &x->owed[i], *other;
	const struct dev_step *s = &x->c->dev_steps[o->step];
	uint64_t low = data & size_mask(s->size);
	char what[200], exp[160], obs[300], bytes[100], hint[120] = "";

	if (s->op != DEV_READ || !s->check || low == s->expect)
		return;
	other = owed_expecting(x, i, low);
	/* A reply nobody asked for explains a wrong value best: give one time to show. */
	usleep(50 * 1000);
	if (surplus(x, x->nr_owed - i - 1))
		snprintf(hint, sizeof(hint),
			 "; more bytes wait than replies are owed: a reply nobody asked for came "
			 "first?");
	else if (other)
		snprintf(hint, sizeof(hint),
			 "; that is what command #%d asks for: replies out of order?", other->nr);
	else if (!low)
		snprintf(hint, sizeof(hint), "; 0 is a register nothing was written to");
	describe(x, o->raw, what, sizeof(what));
	stray_hex(buf, 8, bytes, sizeof(bytes));
	snprintf(exp, sizeof(exp),
		 "reply data=%#llx in the low %u byte%s (the bytes above are free)",
		 (unsigned long long)s->expect, s->size, s->size == 1 ? "" : "s");
	snprintf(obs, sizeof(obs), "reply data=%#llx, low %u byte%s %#llx (data bytes %s)%s",
		 (unsigned long long)data, s->size, s->size == 1 ? "" : "s",
		 (unsigned long long)low, bytes, hint);
	fail(x, VERDICT_FAIL, FAIL_CMD_DIFFERS, s->req ? s->req : "DEV-4", s, o,
	     (const char *[]){exp, obs}, "reply to command #%d (%s) has the wrong data", o->nr,
	     what);
}

/*
 * Why a reply may be missing, from what the device left unread: a device
 * that is not reading at all, or one that read the command and sent
 * nothing, which on a case's first command is what a device decoding the
 * other layout does: it finds no resp bit where it looks.
 */
static const char *unread_hint(const struct run *x, const struct owed *o, char *buf, size_t len)
{
	int unread = 0;

	if (ioctl(x->p.cmd_fd, x->p.stream ? SIOCOUTQ : FIONREAD, &unread))
		return "";
	/* A socket's count is of buffer space, not bytes: only whether it is zero. */
	if (unread && x->p.stream)
		snprintf(buf, len, "; commands are still unread: is it reading fd 3?");
	else if (unread)
		snprintf(buf, len, "; %d command bytes are still unread: is it reading fd 3?",
			 unread);
	else if (o->nr == 1)
		snprintf(
			buf, len,
			"; it took the command: does it decode the %s layout, as IORFD_REVISION=%s "
			"asks (DEV-12)?",
			rev_has_v3_layout(x->c->rev) ? "v3" : "v1/v2", rev_name(x->c->rev));
	else
		snprintf(buf, len, "; it took the command");
	return buf;
}

/* A reply that did not come whole: missing, short, or the device gone. */
static void reply_missing(struct run *x, const struct owed *o, const struct chan_read *rd,
			  const uint8_t *buf)
{
	const struct dev_step *s = &x->c->dev_steps[o->step];
	char what[200], exp[160], obs[300], bytes[100], state[120];
	/* A step that asks whether an odd header is answered reports its own rule. */
	const char *req = s->req && (s->op == DEV_COMMAND || s->reserved) ? s->req : "DEV-1";

	describe(x, o->raw, what, sizeof(what));
	snprintf(exp, sizeof(exp), "one 32-byte reply within %d ms (resp=1)",
		 x->o->reply_timeout_ms);
	if (rd->got) {
		stray_hex(buf, rd->got, bytes, sizeof(bytes));
		snprintf(obs, sizeof(obs), "%zu byte%s (%s), then %s", rd->got,
			 rd->got == 1 ? "" : "s", bytes, rd->eof ? "end of file" : "nothing more");
		fail(x, VERDICT_FAIL, FAIL_CMD_VIOLATION, "DEV-3", s, o, (const char *[]){exp, obs},
		     "short reply to command #%d (%s)", o->nr, what);
	} else if (rd->eof || rd->err) {
		snprintf(obs, sizeof(obs), "%s on the reply fd; the device: %s",
			 rd->eof ? "end of file" : strerror(rd->err),
			 gone(x, state, sizeof(state)));
		fail(x, VERDICT_FAIL, FAIL_CMD_MISSING, "DEV-11", s, o, (const char *[]){exp, obs},
		     "the device stopped before replying to command #%d (%s)", o->nr, what);
	} else {
		snprintf(obs, sizeof(obs), "nothing on the reply fd for %d ms%s",
			 x->o->reply_timeout_ms, unread_hint(x, o, state, sizeof(state)));
		fail(x, VERDICT_FAIL, FAIL_CMD_MISSING, req, s, o, (const char *[]){exp, obs},
		     "no reply to command #%d (%s)", o->nr, what);
	}
}

/* Takes the reply owed[@i] is owed and checks it. */
static bool take_reply(struct run *x, int i)
{
	const struct owed *o = &x->owed[i];
	const struct dev_step *s = &x->c->dev_steps[o->step];
	uint8_t buf[WIRE_MSG_SIZE];
	char exp[160], obs[200];
	struct chan_read rd;
	uint64_t data;

	chan_recv(x->p.reply_fd, buf, sizeof(buf), x->o->reply_timeout_ms, &rd);
	if (rd.got < WIRE_MSG_SIZE) {
		reply_missing(x, o, &rd, buf);
		return false;
	}
	data = wire_decode_resp(buf);
	x->nr_replies++;
	if (o->tx >= 0) {
		x->r->tx[o->tx].replied = true;
		x->r->tx[o->tx].reply = data;
	}
	transcript_add(x->t, "<- #%d data=%#llx%s", o->nr, (unsigned long long)data,
		       rd.first < WIRE_MSG_SIZE ? " (in pieces)" : "");
	if (rd.first < WIRE_MSG_SIZE) {
		snprintf(exp, sizeof(exp), "the 32-byte reply written whole, taken by one read");
		snprintf(obs, sizeof(obs),
			 "the first read took %zu of its bytes, the rest came later", rd.first);
		fail(x, VERDICT_FAIL, FAIL_CMD_VIOLATION, "DEV-3", s, o, (const char *[]){exp, obs},
		     "the reply to command #%d came in pieces", o->nr);
		return false;
	}
	check_value(x, i, data, buf);
	return !x->failed;
}

/* Once every owed reply is in, nothing else may be waiting. */
static void check_surplus(struct run *x, const struct owed *last)
{
	const struct dev_step *s = &x->c->dev_steps[last->step];
	int extra = surplus(x, 0);
	char exp[160], obs[300], bytes[100];
	uint8_t buf[STRAY_SHOW];
	ssize_t n;

	if (!extra)
		return;
	n = read(x->p.reply_fd, buf, sizeof(buf));
	stray_hex(buf, n > 0 ? (size_t)n : 0, bytes, sizeof(bytes));
	snprintf(exp, sizeof(exp), "nothing more once command #%d's reply is in: no reply is owed",
		 last->nr);
	snprintf(obs, sizeof(obs), "%d more byte%s waiting (%s%s)", extra, extra == 1 ? "" : "s",
		 bytes, extra > STRAY_SHOW ? " ..." : "");
	fail(x, VERDICT_FAIL, FAIL_CMD_UNEXPECTED, "DEV-2", s, last, (const char *[]){exp, obs},
	     "the device wrote more than the replies owed");
}

/* Every reply owed, in the order the commands went. */
static bool collect(struct run *x)
{
	int i;

	for (i = 0; i < x->nr_owed && !x->failed && !past_deadline(x, NULL); i++)
		take_reply(x, i);
	if (!x->failed && x->nr_owed)
		check_surplus(x, &x->owed[x->nr_owed - 1]);
	x->nr_owed = 0;
	return !x->failed;
}

/* ---- steps --------------------------------------------------------------- */

static bool run_access(struct run *x, int si)
{
	const struct dev_step *s = &x->c->dev_steps[si];
	static uint8_t batch[CASE_MAX_DEV_REPEAT * WIRE_MSG_SIZE];
	char what[200], how[64];
	int i;

	for (i = 0; i < s->repeat && !past_deadline(x, s); i++) {
		struct owed o = {.nr = ++x->nr_cmds, .step = si};
		bool owes = s->resp && !s->cut_at;

		encode(x, s, s->offset + (uint64_t)i * s->size, s->value + i, o.raw);
		o.tx = record(x, o.raw, s->cut_at ? s->cut_at : WIRE_MSG_SIZE, &o.seq);
		describe(x, o.raw, what, sizeof(what));
		how[0] = '\0';
		if (s->cut_at)
			snprintf(how, sizeof(how), " [only its first %d bytes]", s->cut_at);
		else if (s->split_at)
			snprintf(how, sizeof(how), " [%d + %d bytes, %d ms apart]", s->split_at,
				 WIRE_MSG_SIZE - s->split_at, s->pause_ms);
		else if (s->one_write && !i)
			snprintf(how, sizeof(how), " [%d commands in one write]", s->repeat);
		transcript_add(x->t, "-> #%d %s%s%s", o.nr, what, owes ? "" : " (no reply owed)",
			       how);
		if (s->one_write)
			memcpy(batch + i * WIRE_MSG_SIZE, o.raw, WIRE_MSG_SIZE);
		else if (!send_one(x, s, &o))
			return false;
		if (!owes)
			continue;
		if (x->nr_owed == DEV_MAX_OWED) {
			fail(x, VERDICT_ERROR, FAIL_HARNESS, NULL, s, NULL, NULL,
			     "more than %d replies outstanding: pipeline fewer commands",
			     DEV_MAX_OWED);
			return false;
		}
		x->owed[x->nr_owed++] = o;
		/* KVM's strict alternation: the reply before the next command. */
		if (!s->pipelined && !s->one_write && !collect(x))
			return false;
	}
	if (x->failed)
		return false;
	if (s->one_write) {
		struct owed first = {.nr = x->nr_cmds - s->repeat + 1, .step = si};

		if (!send_bytes(x, s, &first, batch, (size_t)s->repeat * WIRE_MSG_SIZE))
			return false;
	}
	return s->pipelined || collect(x);
}

static bool run_quiet(struct run *x, const struct dev_step *s)
{
	uint8_t buf[STRAY_SHOW];
	char exp[160], obs[300], bytes[100], state[64];
	struct chan_read rd;

	if (!collect(x))
		return false;
	chan_recv(x->p.reply_fd, buf, sizeof(buf), s->pause_ms, &rd);
	if (!rd.got && !rd.eof) {
		transcript_add(x->t, "   quiet %d ms: nothing came", s->pause_ms);
		return true;
	}
	snprintf(exp, sizeof(exp), "nothing on the reply fd for %d ms: no reply is owed",
		 s->pause_ms);
	if (rd.got) {
		stray_hex(buf, rd.got, bytes, sizeof(bytes));
		snprintf(obs, sizeof(obs), "%zu byte%s%s: %s%s", rd.got, rd.got == 1 ? "" : "s",
			 rd.got == sizeof(buf) ? " or more" : "", bytes,
			 rd.got >= 8 ? " (as a reply: data=" : "");
		if (rd.got >= 8)
			snprintf(obs + strlen(obs), sizeof(obs) - strlen(obs), "%#llx)",
				 (unsigned long long)wire_decode_resp(buf));
		fail(x, VERDICT_FAIL, FAIL_CMD_UNEXPECTED, s->req ? s->req : "DEV-2", s, NULL,
		     (const char *[]){exp, obs},
		     "the device wrote to its reply fd after command #%d, which owes no reply",
		     x->nr_cmds);
	} else {
		snprintf(obs, sizeof(obs), "end of file on the reply fd; the device: %s",
			 gone(x, state, sizeof(state)));
		fail(x, VERDICT_FAIL, FAIL_CMD_MISSING, "DEV-11", s, NULL,
		     (const char *[]){exp, obs}, "the device stopped before end of file");
	}
	return false;
}

/* A device that exited before the KVM side let it go has stopped serving (DEV-11). */
static bool still_serving(struct run *x, const struct dev_step *s)
{
	char exp[160], obs[200], state[64];

	if (!dev_poll_exit(&x->p))
		return true;
	snprintf(exp, sizeof(exp), "the device serves until end of file on its command fd");
	snprintf(obs, sizeof(obs), "it had already ended: %s, after command #%d",
		 dev_status_text(&x->p, state, sizeof(state)), x->nr_cmds);
	fail(x, VERDICT_FAIL, FAIL_OTHER, "DEV-11", s, NULL, (const char *[]){exp, obs},
	     "the device exited before end of file");
	return false;
}

static void run_eof(struct run *x, const struct dev_step *s)
{
	int bound = s->within_ms ? s->within_ms : x->o->exit_timeout_ms;
	char exp[160], obs[300], state[64];
	struct stray stray = {0};
	long closed;

	if (!collect(x) || !still_serving(x, s))
		return;
	x->eof_done = true;
	dev_close_commands(&x->p);
	if (s->close_both)
		dev_close_replies(&x->p);
	closed = dev_now_ms();
	stray_watch_exit(&x->p, bound, &stray);
	dev_status_text(&x->p, state, sizeof(state));
	transcript_add(x->t, "   eof: the KVM side closed its command end%s; the device: %s%s",
		       s->close_both ? " and its reply end" : "", state,
		       x->p.exited ? "" : " (stopped)");
	snprintf(exp, sizeof(exp), "exit status 0 within %d ms of end of file, nothing written",
		 bound);
	if (!x->p.exited) {
		snprintf(obs, sizeof(obs), "still running after %d ms (then killed)", bound);
		fail(x, VERDICT_FAIL, FAIL_OTHER, "DEV-10", s, NULL, (const char *[]){exp, obs},
		     "the device did not exit at end of file");
	} else if (!WIFEXITED(x->p.status) || WEXITSTATUS(x->p.status)) {
		snprintf(obs, sizeof(obs), "%s, %ld ms after end of file", state,
			 x->p.exit_ms - closed);
		fail(x, VERDICT_FAIL, FAIL_OTHER, "DEV-10", s, NULL, (const char *[]){exp, obs},
		     "the device did not exit cleanly at end of file");
	} else if (stray.n) {
		stray_text(&stray, obs, sizeof(obs));
		fail(x, VERDICT_FAIL, FAIL_CMD_UNEXPECTED, "DEV-10", s, NULL,
		     (const char *[]){exp, obs},
		     "the device wrote to its reply fd after end of file");
	}
}

/*
 * The end of every case: replies still owed, then end of file unless an
 * eof step gave it already, anything written after the last reply owed
 * (DEV-2), and the device stopped.  How it exits here is shown, not
 * judged: the eof cases judge that (DEV-10), once, rather than every case.
 */
static void finish(struct run *x)
{
	char obs[300], state[64], exp[160];
	struct stray stray = {0};

	if (!x->failed && x->nr_owed)
		collect(x);
	if (!x->eof_done) {
		if (!x->failed)
			still_serving(x, NULL);
		dev_close_commands(&x->p);
		stray_watch_exit(&x->p, x->o->exit_timeout_ms, &stray);
		transcript_add(x->t, "   end of case: command end closed; the device: %s%s",
			       dev_status_text(&x->p, state, sizeof(state)),
			       x->p.exited ? "" : " (stopped)");
		if (stray.n && !x->failed) {
			snprintf(exp, sizeof(exp),
				 "nothing after the last reply owed (command #%d)", x->nr_cmds);
			stray_text(&stray, obs, sizeof(obs));
			fail(x, VERDICT_FAIL, FAIL_CMD_UNEXPECTED, "DEV-2", NULL, NULL,
			     (const char *[]){exp, obs},
			     "the device wrote to its reply fd with no reply owed");
		} else if (stray.n) {
			stray_text(&stray, obs, sizeof(obs));
			transcript_add(x->t, "   and it wrote %s", obs);
		}
	}
	if (!dev_stop(&x->p))
		result_note(x->r, "the device (process group %d) could not be reaped within 2 s",
			    (int)x->p.pid);
}

/* IORFD_REGIONS: "USER_DATA:SIZE,..." in hex. */
static void regions_env(const struct iorfd_case *c, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < c->nr_regions && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%#llx:%#llx", i ? "," : "",
				 (unsigned long long)c->regions[i].user_data,
				 (unsigned long long)c->regions[i].size);
}

void dev_run_case(const struct iorfd_case *c, const struct dev_run_opts *o, struct case_result *r,
		  struct transcript *t)
{
	char regions[CASE_MAX_REGIONS * 40], err[512];
	struct dev_spawn_opts so = {
		.argv = o->argv,
		.chan = o->chan,
		.revision = rev_name(c->rev),
		.regions = regions,
	};
	static struct run x;
	int i, limit;

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.o = o;
	x.r = r;
	x.t = t;
	limit = c->timeout_ms && c->timeout_ms < o->case_timeout_ms ? c->timeout_ms
								    : o->case_timeout_ms;
	x.start_ms = dev_now_ms();
	x.deadline_ms = x.start_ms + limit;
	regions_env(c, regions, sizeof(regions));
	transcript_add(t, "   start: IORFD_REVISION=%s IORFD_REGIONS=%s, %s", rev_name(c->rev),
		       regions,
		       o->chan == DEV_CHAN_STREAM ? "fds 3 and 4 one stream socket"
						  : "fd 3 and fd 4 pipes");
	if (dev_spawn(&x.p, &so, err, sizeof(err))) {
		transcript_add(t, "!! %s", err);
		result_fail_at(r, VERDICT_ERROR, &(struct fail_spec){.kind = FAIL_HARNESS}, "%s",
			       err);
		return;
	}
	for (i = 0; i < c->nr_dev_steps && !x.failed; i++) {
		const struct dev_step *s = &c->dev_steps[i];

		if (past_deadline(&x, s))
			break;
		switch (s->op) {
		case DEV_READ:
		case DEV_WRITE:
		case DEV_COMMAND:
			run_access(&x, i);
			break;
		case DEV_QUIET:
			run_quiet(&x, s);
			break;
		case DEV_EOF:
			run_eof(&x, s);
			break;
		}
	}
	finish(&x);
	dev_release(&x.p);
	r->usec_run = (uint64_t)(dev_now_ms() - x.start_ms) * 1000;
}
