// SPDX-License-Identifier: GPL-2.0
/*
 * Recording failures into a case result.  vCPU and responder threads of the
 * case's child process report concurrently, hence the lock; the worst
 * verdict wins (an error or timeout is never downgraded to a failure).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model/result.h"

static pthread_mutex_t result_lock = PTHREAD_MUTEX_INITIALIZER;

static int verdict_rank(enum verdict v)
{
	switch (v) {
	case VERDICT_PASS:
		return 0;
	case VERDICT_SKIP:
		return 1;
	case VERDICT_FAIL:
		return 2;
	case VERDICT_TIMEOUT:
		return 3;
	case VERDICT_ERROR:
		return 4;
	case VERDICT_XFAIL:
	case VERDICT_XPASS:
		return 0; /* set by the parent after the run, never raced */
	}
	return 4;
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

void result_fail_at(struct case_result *r, enum verdict v, const struct fail_spec *s,
		    const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&result_lock);
	if (verdict_rank(v) > verdict_rank(r->verdict))
		r->verdict = v;
	if (r->nr_failures < RESULT_MAX_FAILURES) {
		struct failure *f = &r->failures[r->nr_failures];

		memset(f, 0, sizeof(*f));
		f->kind = s->kind;
		f->req = s->req;
		if (s->at && s->at->file) {
			copy(f->file, sizeof(f->file), s->at->file);
			f->line = s->at->line;
			f->col = s->at->col;
		}
		copy(f->channel, sizeof(f->channel), s->channel);
		f->index = s->index;
		f->seq = s->seq;
		f->vcpu = s->vcpu;
		f->step = s->step;
		copy(f->expected, sizeof(f->expected), s->expected);
		copy(f->observed, sizeof(f->observed), s->observed);
		copy(f->detail, sizeof(f->detail), s->detail);
		va_start(ap, fmt);
		vsnprintf(f->headline, sizeof(f->headline), fmt, ap);
		va_end(ap);
	}
	r->nr_failures++;
	pthread_mutex_unlock(&result_lock);
}

/* vsnprintf() at *@n into @buf, counting on as snprintf() does when cut. */
static void put(char *buf, size_t len, int *n, const char *fmt, ...)
{
	size_t at = (size_t)*n < len ? (size_t)*n : len;
	va_list ap;

	va_start(ap, fmt);
	*n += vsnprintf(buf + at, len - at, fmt, ap);
	va_end(ap);
}

int failure_text(const struct failure *f, char *buf, size_t len)
{
	int n = 0;

	if (len)
		buf[0] = '\0';
	if (f->file[0])
		put(buf, len, &n, "%s:%d:%d: ", f->file, f->line, f->col);
	put(buf, len, &n, "%s", f->headline);
	if (f->expected[0])
		put(buf, len, &n, "\n  expected: %s", f->expected);
	if (f->observed[0])
		put(buf, len, &n, "\n  observed: %s", f->observed);
	if (f->detail[0])
		put(buf, len, &n, "\n%s", f->detail);
	return n;
}

int fail_kind_parse(const char *name)
{
	int k;

	for (k = 0; k < FAIL_NR_KINDS; k++)
		if (!strcmp(name, fail_kind_name(k)))
			return k;
	return -1;
}

const char *fail_kind_name(enum fail_kind k)
{
	static const char *const names[FAIL_NR_KINDS] = {
		[FAIL_OTHER] = "other",
		[FAIL_CMD_DIFFERS] = "cmd-differs",
		[FAIL_CMD_MISSING] = "cmd-missing",
		[FAIL_CMD_UNEXPECTED] = "cmd-unexpected",
		[FAIL_CMD_VIOLATION] = "cmd-violation",
		[FAIL_EXIT_DIFFERS] = "exit-differs",
		[FAIL_EXIT_MISSING] = "exit-missing",
		[FAIL_EXIT_UNEXPECTED] = "exit-unexpected",
		[FAIL_ORDER] = "order",
		[FAIL_OVERLAP] = "overlap",
		[FAIL_GUEST_VALUE] = "guest-value",
		[FAIL_ERRNO] = "errno",
		[FAIL_WAIT] = "wait",
		[FAIL_VCPU] = "vcpu",
		[FAIL_KERNEL_LOG] = "kernel-log",
		[FAIL_FLAKY] = "flaky",
		[FAIL_TIMEOUT] = "timeout",
		[FAIL_HARNESS] = "harness",
		[FAIL_INTERRUPTED] = "interrupted",
	};

	return (unsigned int)k < FAIL_NR_KINDS && names[k] ? names[k] : "other";
}

void result_skip(struct case_result *r, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&result_lock);
	if (verdict_rank(VERDICT_SKIP) > verdict_rank(r->verdict)) {
		r->verdict = VERDICT_SKIP;
		va_start(ap, fmt);
		vsnprintf(r->skip_reason, sizeof(r->skip_reason), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&result_lock);
}

void result_note(struct case_result *r, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&result_lock);
	if (r->nr_notes < RESULT_MAX_NOTES) {
		va_start(ap, fmt);
		vsnprintf(r->notes[r->nr_notes++], RESULT_NOTE_LEN, fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&result_lock);
}

uint64_t result_next_seq(struct case_result *r)
{
	return __atomic_fetch_add(&r->seq, 1, __ATOMIC_SEQ_CST);
}

const char *verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_PASS:
		return "pass";
	case VERDICT_FAIL:
		return "fail";
	case VERDICT_ERROR:
		return "error";
	case VERDICT_SKIP:
		return "skip";
	case VERDICT_TIMEOUT:
		return "timeout";
	case VERDICT_XFAIL:
		return "xfail";
	case VERDICT_XPASS:
		return "xpass";
	}
	return "?";
}
