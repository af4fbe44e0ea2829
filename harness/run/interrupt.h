/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ctrl-C (SIGINT), SIGTERM (a CI job's cancel, the VM's time limit) and
 * SIGHUP end a run early, but cleanly: the case in flight is stopped and
 * marked interrupted, the cases not started are reported as not run, and
 * the KTAP, JSON and JUnit output is complete and valid.  The process then
 * exits 128 + the signal's number, as a shell would report it.
 */
#ifndef IORFD_INTERRUPT_H
#define IORFD_INTERRUPT_H

/* Catches the three signals (no SA_RESTART: waits return EINTR and look). */
void interrupt_catch(void);

/* Back to the default actions: for a case's own process after fork(). */
void interrupt_default(void);

/* The signal that interrupted the run, or 0. */
int interrupt_signal(void);

/* Its name ("SIGTERM"), or NULL when the run was not interrupted. */
const char *interrupt_name(void);

#endif /* IORFD_INTERRUPT_H */
