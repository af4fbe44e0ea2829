// SPDX-License-Identifier: GPL-2.0
/*
 * iorfd-conform probe [--quiet]
 *
 * What this host offers the suite, one fact a line: a usable KVM, the
 * kernel's own KVM_SET_IOREGION, for the VM path the runner kernel, QEMU
 * and the VM scripts, and the cases a run takes by default (these two found
 * as harness/lib/data_path.h says: a source tree's, or an install's).  Exit
 * 0 when the suite can run on this host's KVM, 1 when only in a VM (the
 * Makefile builds the runner kernel then), 2 for bad usage.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/data_path.h"
#include "run/kvm_usable.h"
#include "targets/target.h"
#include "vm/delegate.h"

static void say(bool quiet, const char *what, const char *fact)
{
	if (!quiet)
		printf("%-14s %s\n", what, fact);
}

/* The first directory of $PATH that has @prog, into @buf; false if none. */
static bool on_path(const char *prog, char *buf, size_t len)
{
	const char *path = getenv("PATH");
	char dirs[4096], *dir, *save;

	snprintf(dirs, sizeof(dirs), "%s", path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(buf, len, "%s/%s", dir, prog);
		if (!access(buf, X_OK))
			return true;
	}
	return false;
}

int cmd_probe(int argc, char **argv)
{
	bool quiet = argc == 1 && !strcmp(argv[0], "--quiet");
	const char *kernel = vm_runner_kernel();
	struct target_probe kp;
	char why[256], buf[PATH_MAX + 64];
	bool usable;

	if (argc == 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		printf("usage: iorfd-conform probe [--quiet]\n\n"
		       "What this host offers the suite: a usable /dev/kvm, the kernel's own\n"
		       "KVM_SET_IOREGION (probed, not asked of KVM_CHECK_EXTENSION), the runner\n"
		       "kernel and QEMU for --vm.  --quiet prints nothing.\n\n"
		       "Exit: 0 the suite can run here, 4 it cannot (see what is missing).\n");
		return 0;
	}
	if (argc > 1 || (argc == 1 && !quiet)) {
		fprintf(stderr, "usage: iorfd-conform probe [--quiet]\n");
		return 2;
	}
	usable = kvm_usable(why, sizeof(why));
	if (usable) {
		say(quiet, "kvm:", "usable (/dev/kvm ran a guest)");
		target_kernel.probe(&kp);
		snprintf(buf, sizeof(buf), "%s: %s", kp.present ? "present" : "absent", kp.how);
		say(quiet, "kernel target:", buf);
	} else {
		snprintf(buf, sizeof(buf), "no usable /dev/kvm (%s)", why);
		say(quiet, "kvm:", buf);
	}
	snprintf(buf, sizeof(buf), "%s (%s)", kernel,
		 access(kernel, R_OK) ? "not built: make runner-kernel" : "built");
	say(quiet, "runner kernel:", buf);
	if (!on_path("qemu-system-x86_64", buf, sizeof(buf)))
		snprintf(buf, sizeof(buf),
			 "qemu-system-x86_64 not found (apt-get install qemu-system-x86)");
	say(quiet, "qemu:", buf);
	if (data_path("harness/vm/vm-run.sh", buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "not found beside this binary nor in its source tree");
	say(quiet, "vm scripts:", buf);
	snprintf(buf, sizeof(buf), "%s%s", cli_default_cases(),
		 access(cli_default_cases(), R_OK) ? " (neither here nor beside this binary)" : "");
	say(quiet, "cases:", buf);
	say(quiet, "suite runs:",
	    usable ? "on this host's KVM (--vm always: in a VM too)"
		   : "only in a VM here (--vm auto or always)");
	return usable ? 0 : 1;
}
