// SPDX-License-Identifier: GPL-2.0
/*
 * The hand-over between the responder and a device program.  KVM's side of
 * the channel is the responder's: it reads a command, and only then does
 * the program see it, so the program meets KVM's pacing exactly (one
 * exchange in flight per read fd, posted writes streaming ahead of the
 * read that flushes them) while the responder keeps the transcript.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "device/chan_io.h"
#include "device/link.h"
#include "device/stray.h"

__attribute__((format(printf, 5, 6))) static int fault(struct dev_link *l, struct link_fault *f,
						       const char *req, const char *expected,
						       const char *fmt, ...)
{
	char out[300], state[64];
	va_list ap;

	f->req = req;
	snprintf(f->expected, sizeof(f->expected), "%s", expected);
	va_start(ap, fmt);
	vsnprintf(f->observed, sizeof(f->observed), fmt, ap);
	va_end(ap);
	dev_poll_exit(&l->p);
	dev_log_tail(&l->p, out, sizeof(out));
	snprintf(f->detail, sizeof(f->detail), "device program: %s%s%s",
		 dev_status_text(&l->p, state, sizeof(state)), out[0] ? "; its output ends: " : "",
		 out);
	return -1;
}

int link_start(struct dev_link *l, const struct dev_run_opts *o, enum iorfd_rev rev,
	       const char *regions, uint64_t reset, char *err, size_t len)
{
	struct dev_spawn_opts so = {
		.argv = o->argv,
		.chan = o->chan,
		.revision = rev_name(rev),
		.regions = regions,
		.reset = reset,
	};

	memset(l, 0, sizeof(*l));
	l->o = o;
	l->rev = rev;
	return dev_spawn(&l->p, &so, err, len);
}

/* "command #3 (cmd=READ size=4 off=0x10 data=0 resp=1 user_data=0x1)" */
static void last_cmd(const struct dev_link *l, char *buf, size_t len)
{
	struct wire_cmd cmd;
	int n;

	wire_decode_cmd(l->rev, l->last, &cmd);
	n = snprintf(buf, len, "command #%d (", l->nr_cmds);
	if (n > 0 && (size_t)n < len)
		n += wire_format_cmd(buf + n, len - n, &cmd);
	if (n > 0 && (size_t)n + 1 < len)
		snprintf(buf + n, len - n, ")");
}

/* Before each command: anything already on the reply fd was never asked for. */
static int nothing_unasked(struct dev_link *l, struct link_fault *f)
{
	struct stray s = {0};
	char obs[160];

	if (!stray_take_now(&l->p, &s))
		return 0;
	stray_text(&s, obs, sizeof(obs));
	snprintf(f->headline, sizeof(f->headline),
		 "the device program wrote to its reply fd with no reply owed");
	return fault(l, f, "DEV-2", "no reply to a posted write, nothing unasked",
		     "before command #%d, %s%s", l->nr_cmds + 1, obs,
		     l->nr_posted ? " (after a posted write)" : "");
}

static int take_reply(struct dev_link *l, uint64_t *data, struct link_fault *f)
{
	uint8_t buf[WIRE_MSG_SIZE];
	struct chan_read rd;
	char state[64], bytes[100], what[120], exp[160];
	int i;

	chan_recv(l->p.reply_fd, buf, sizeof(buf), l->o->reply_timeout_ms, &rd);
	if (rd.got == WIRE_MSG_SIZE && rd.first == WIRE_MSG_SIZE) {
		*data = 0;
		for (i = 7; i >= 0; i--)
			*data = *data << 8 | buf[i];
		return 0;
	}
	stray_hex(buf, rd.got, bytes, sizeof(bytes));
	last_cmd(l, what, sizeof(what));
	snprintf(exp, sizeof(exp), "a 32-byte reply to %s", what);
	if (rd.got == WIRE_MSG_SIZE) {
		snprintf(f->headline, sizeof(f->headline),
			 "the device program's reply to command #%d came in pieces", l->nr_cmds);
		return fault(l, f, "DEV-3", exp, "in pieces: the first read took %zu of its bytes",
			     rd.first);
	}
	if (rd.eof || rd.err || dev_poll_exit(&l->p)) {
		/* Its reply end closed as it died: give the exit a moment to be seen. */
		dev_wait_exit(&l->p, 100);
		snprintf(f->headline, sizeof(f->headline),
			 "the device program stopped serving before end of file");
		return fault(l, f, "DEV-11", exp, "%zu byte(s)%s%s, then %s; the program: %s",
			     rd.got, rd.got ? ": " : "", bytes,
			     rd.err ? strerror(rd.err) : "end of file on its reply fd",
			     dev_status_text(&l->p, state, sizeof(state)));
	}
	if (rd.got) {
		snprintf(f->headline, sizeof(f->headline),
			 "the device program's reply to command #%d is short", l->nr_cmds);
		return fault(l, f, "DEV-3", exp, "%zu bytes: %s, then nothing for %d ms", rd.got,
			     bytes, l->o->reply_timeout_ms);
	}
	snprintf(f->headline, sizeof(f->headline), "the device program did not answer command #%d",
		 l->nr_cmds);
	/* Silence at the very first command is also what a device decoding another layout shows. */
	return fault(l, f, "DEV-1", exp, "nothing in %d ms%s%s%s", l->o->reply_timeout_ms,
		     l->nr_cmds == 1 ? " (does it decode the layout IORFD_REVISION=" : "",
		     l->nr_cmds == 1 ? rev_name(l->rev) : "", l->nr_cmds == 1 ? " names?)" : "");
}

int link_surplus(struct dev_link *l, int wait_ms, struct link_fault *f)
{
	struct pollfd p = {.fd = l->p.reply_fd, .events = POLLIN};
	struct stray s = {0};
	char obs[160], what[120];

	if (!wait_ms ? !stray_take_now(&l->p, &s)
		     : poll(&p, 1, wait_ms) <= 0 || !stray_take_now(&l->p, &s))
		return 0;
	stray_text(&s, obs, sizeof(obs));
	last_cmd(l, what, sizeof(what));
	snprintf(f->headline, sizeof(f->headline),
		 "the device program wrote more than the reply owed");
	return fault(l, f, "DEV-2", "one reply per command that asks for one, nothing more",
		     "after its reply to %s, %s more%s", what, obs,
		     l->posted_before ? " (posted writes came before it: a reply to one?)" : "");
}

int link_forward(struct dev_link *l, const uint8_t raw[WIRE_MSG_SIZE], bool reply_wanted,
		 uint64_t *data, struct link_fault *f)
{
	char state[64];
	int err;

	if (nothing_unasked(l, f))
		return -1;
	l->nr_cmds++;
	memcpy(l->last, raw, WIRE_MSG_SIZE);
	err = chan_send(l->p.cmd_fd, raw, WIRE_MSG_SIZE, l->o->reply_timeout_ms);
	if (err) {
		snprintf(f->headline, sizeof(f->headline),
			 "the device program did not take command #%d", l->nr_cmds);
		return fault(l, f, "DEV-11", "the program reads its command fd until end of file",
			     "the write %s%s; the program: %s",
			     err == -ETIMEDOUT ? "found the channel full for the reply timeout"
					       : "failed: ",
			     err == -ETIMEDOUT ? "" : strerror(-err),
			     dev_status_text(&l->p, state, sizeof(state)));
	}
	if (!reply_wanted) {
		l->nr_posted++;
		return 0;
	}
	l->posted_before = l->nr_posted;
	l->nr_posted = 0;
	return take_reply(l, data, f);
}

int link_finish(struct dev_link *l, bool judge, struct link_fault *f)
{
	struct stray s = {0};
	char obs[200], exp[160], state[64];
	long closed;
	int ret = 0;

	if (judge && dev_poll_exit(&l->p)) {
		snprintf(f->headline, sizeof(f->headline),
			 "the device program exited before end of file");
		ret = fault(l, f, "DEV-11",
			    "the program serves until end of file on its command fd",
			    "it had already ended: %s, after command #%d",
			    dev_status_text(&l->p, state, sizeof(state)), l->nr_cmds);
		judge = false;
	}
	dev_close_commands(&l->p);
	closed = dev_now_ms();
	stray_watch_exit(&l->p, l->o->exit_timeout_ms, &s);
	snprintf(exp, sizeof(exp), "exit status 0 within %d ms of end of file, nothing written",
		 l->o->exit_timeout_ms);
	if (!judge) {
		/* the case has its failure already */
	} else if (!l->p.exited) {
		snprintf(f->headline, sizeof(f->headline),
			 "the device program did not exit at end of file");
		ret = fault(l, f, "DEV-10", exp, "still running after %d ms (then killed)",
			    l->o->exit_timeout_ms);
	} else if (!WIFEXITED(l->p.status) || WEXITSTATUS(l->p.status)) {
		snprintf(f->headline, sizeof(f->headline),
			 "the device program did not exit cleanly at end of file");
		ret = fault(l, f, "DEV-10", exp, "%s, %ld ms after end of file",
			    dev_status_text(&l->p, state, sizeof(state)), l->p.exit_ms - closed);
	} else if (s.n) {
		stray_text(&s, obs, sizeof(obs));
		snprintf(f->headline, sizeof(f->headline),
			 "the device program wrote to its reply fd with no reply owed");
		ret = fault(l, f, "DEV-2", "nothing on the reply fd after the last reply owed",
			    "after command #%d (the last): %s", l->nr_cmds, obs);
	}
	dev_stop(&l->p);
	dev_release(&l->p);
	return ret;
}
