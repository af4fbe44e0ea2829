/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --timeout-scale N: every time limit of a run, times N, for kernels that
 * are slow on purpose (TCG, KASAN, lockdep, nested virtualization): each
 * case's limit, and the waits inside a case (the timeline's, a parked
 * vCPU's, a responder's stop, a lock probe's).  Set once before any case
 * starts; the cases' processes inherit it.  Sleeps that make room for a
 * wrong command are not limits and do not scale.
 */
#ifndef IORFD_TIME_SCALE_H
#define IORFD_TIME_SCALE_H

#define TIME_SCALE_MAX 100

void time_scale_set(int n);
int time_scale(void);

/* @ms times the scale. */
int scaled_ms(int ms);

#endif /* IORFD_TIME_SCALE_H */
