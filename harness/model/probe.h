/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IORFD_PROBE_H
#define IORFD_PROBE_H

#include <stdbool.h>

#include "proto/wire.h"

/* What a target's probe found, for the KTAP header, the JSON report and expectations. */
struct target_probe {
	bool present;
	bool rev_known;
	enum iorfd_rev rev; /* revision the implementation speaks, when rev_known */
	char how[256];	    /* how it was detected, in words */
};

#endif /* IORFD_PROBE_H */
