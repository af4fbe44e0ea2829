// SPDX-License-Identifier: GPL-2.0
#include <signal.h>
#include <string.h>

#include "run/interrupt.h"

static volatile sig_atomic_t caught;
static const int signals[] = {SIGINT, SIGTERM, SIGHUP};

static void on_signal(int sig)
{
	/* The first one counts: a second Ctrl-C does not change what is reported. */
	if (!caught)
		caught = sig;
}

static void set_all(void (*handler)(int))
{
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigaction(signals[i], &sa, NULL);
}

void interrupt_catch(void)
{
	set_all(on_signal);
}

void interrupt_default(void)
{
	set_all(SIG_DFL);
}

int interrupt_signal(void)
{
	return caught;
}

const char *interrupt_name(void)
{
	switch (caught) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	}
	return NULL;
}
