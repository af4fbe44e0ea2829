// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "run/interrupt.h"
#include "run/runner.h"
#include "run/scheduler.h"

/*
 * Slots per running case: how far past a long case the short ones after
 * it may get.  Each slot holds a whole case and its shared result.
 */
#define SCHED_WINDOW_PER_JOB 4

enum slot_state {
	SLOT_FREE,
	SLOT_RUNNING,
	SLOT_DONE,
	SLOT_SKIPPED,
};

struct slot {
	enum slot_state state;
	int pidfd; /* while running; -1 if the case never started */
	struct iorfd_case c;
	struct runner rn;
	char why[400]; /* SLOT_SKIPPED */
};

struct sched {
	const struct sched_cfg *cfg;
	const struct sched_ops *so;
	void *ctx;
	struct slot *slots;
	int window, nr, running;
	int next_start, next_report;
};

static struct slot *slot_of(struct sched *sc, int item)
{
	return &sc->slots[item % sc->window];
}

/* Starts plan items while a job is free and the window has room.  -1: stop. */
static int start_more(struct sched *sc)
{
	while (sc->running < sc->cfg->jobs && sc->next_start < sc->nr &&
	       sc->next_start < sc->next_report + sc->window) {
		struct slot *sl = slot_of(sc, sc->next_start);
		int n = sc->so->load(sc->ctx, sc->next_start, &sl->c, sl->why, sizeof(sl->why));

		if (n < 0)
			return -1;
		sc->next_start++;
		if (n > 0) {
			sl->state = SLOT_SKIPPED;
			continue;
		}
		runner_start(&sl->rn, &sl->c);
		sl->pidfd = sl->rn.pid >= 0 ? (int)syscall(SYS_pidfd_open, sl->rn.pid, 0) : -1;
		sl->state = SLOT_RUNNING;
		sc->running++;
	}
	return 0;
}

static void finish(struct sched *sc, struct slot *sl)
{
	runner_finish(&sl->rn, &sl->c);
	if (sl->pidfd >= 0)
		close(sl->pidfd);
	sl->pidfd = -1;
	sl->state = SLOT_DONE;
	sc->running--;
}

/*
 * Waits until a running case ends or reaches its deadline, and finishes
 * every such one.  A case whose pidfd could not be had is finished at once
 * (runner_finish waits for it itself).
 */
static void wait_some(struct sched *sc)
{
	struct pollfd p[sc->window];
	int idx[sc->window], n = 0, i, timeout = -1;

	for (i = 0; i < sc->window; i++) {
		struct slot *sl = &sc->slots[i];
		int left;

		if (sl->state != SLOT_RUNNING)
			continue;
		if (sl->pidfd < 0) {
			finish(sc, sl);
			return;
		}
		left = runner_time_left(&sl->rn, &sl->c);
		if (timeout < 0 || left < timeout)
			timeout = left;
		p[n] = (struct pollfd){.fd = sl->pidfd, .events = POLLIN};
		idx[n++] = i;
	}
	if (!n)
		return;
	while (poll(p, n, timeout) < 0 && errno == EINTR && !interrupt_signal())
		;
	for (i = 0; i < n; i++) {
		struct slot *sl = &sc->slots[idx[i]];

		/* runner_finish() stops and marks a case in flight when interrupted */
		if (p[i].revents || !runner_time_left(&sl->rn, &sl->c) || interrupt_signal())
			finish(sc, sl);
	}
}

/* Reports, in plan order, every item at the head that is done. */
static void report_ready(struct sched *sc)
{
	while (sc->next_report < sc->next_start) {
		struct slot *sl = slot_of(sc, sc->next_report);

		if (sl->state == SLOT_RUNNING)
			return;
		sc->so->report(sc->ctx, &sl->c, sl->state == SLOT_DONE ? sl->rn.res : NULL,
			       sl->why);
		sl->state = SLOT_FREE;
		sc->next_report++;
	}
}

int sched_run(const struct sched_cfg *cfg, int nr, const struct sched_ops *so, void *ctx)
{
	struct sched sc = {.cfg = cfg, .so = so, .ctx = ctx, .nr = nr};
	int i, ready = 0, ret = 0;

	sc.window = cfg->jobs * SCHED_WINDOW_PER_JOB;
	sc.slots = calloc(sc.window, sizeof(*sc.slots));
	for (i = 0; sc.slots && i < sc.window; i++, ready++) {
		sc.slots[i].pidfd = -1;
		if (runner_init(&sc.slots[i].rn, cfg->ops, cfg->timeout_ms))
			break;
		sc.slots[i].rn.seed = cfg->seed;
		sc.slots[i].rn.device = cfg->device;
	}
	if (!sc.slots || ready < sc.window)
		ret = -1;
	while (!ret && sc.next_report < nr) {
		ret = start_more(&sc);
		report_ready(&sc);
		if (!ret && sc.next_report < nr && sc.running)
			wait_some(&sc);
	}
	/* After a stop: what still runs is finished, not reported. */
	for (i = 0; sc.slots && i < sc.window; i++)
		if (sc.slots[i].state == SLOT_RUNNING)
			finish(&sc, &sc.slots[i]);
	for (i = 0; i < ready; i++)
		runner_fini(&sc.slots[i].rn);
	free(sc.slots);
	return ret;
}
