// SPDX-License-Identifier: GPL-2.0
/*
 * Recording failures into a case result.  vCPU and responder threads of the
 * case's child process report concurrently, hence the lock; the worst
 * verdict wins (an error or timeout is never downgraded to a failure).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

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

void result_fail(struct case_result *r, enum verdict v, const char *req, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&result_lock);
	if (verdict_rank(v) > verdict_rank(r->verdict))
		r->verdict = v;
	if (r->nr_failures < RESULT_MAX_FAILURES) {
		struct failure *f = &r->failures[r->nr_failures];

		f->req = req;
		va_start(ap, fmt);
		vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
		va_end(ap);
	}
	r->nr_failures++;
	pthread_mutex_unlock(&result_lock);
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
