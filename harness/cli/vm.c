// SPDX-License-Identifier: GPL-2.0
/*
 * iorfd-conform vm --kernel BZIMAGE [vm-run options] [-- suite options]
 * iorfd-conform vm --build [--fault-injection] [KSRC] [vm-run options] [-- suite options]
 *
 * Boots a kernel under test in QEMU and runs the suite inside against its
 * own KVM_SET_IOREGION (harness/vm/vm-run.sh, whose options and exit codes
 * these are: 0 good, 1 bad, 125 cannot test).  --build first builds KSRC
 * (default: the working directory, as in 'git bisect run') out of tree with
 * the repository's config fragment (harness/vm/build-kernel.sh), into
 * $IORFD_KBUILD or build/vm-build/NAME of the repository (of the working
 * directory, for an installed binary far from its source); a build that
 * fails is 125, so that a bisect skips the commit.  --fault-injection adds
 * failslab and fail-nth (harness/vm/config-fault-injection), which the
 * allocation-failure case needs, into a build directory of its own.
 *
 * The suite binary in the guest is this one (with its shared libraries)
 * unless --binary names another.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/data_path.h"

#define CANNOT_TEST 125

static bool has_option(int argc, char **argv, const char *opt)
{
	int i;

	for (i = 0; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], opt))
			return true;
	return false;
}

/* build/vm-build/linux-1a2b3c4d[-fi]: one build directory per source tree and fragment set. */
static void build_dir(const char *src, bool fi, char *buf, size_t len)
{
	const char *env = getenv("IORFD_KBUILD"), *base = strrchr(src, '/');
	unsigned int h = 2166136261u;
	char top[PATH_MAX - 64];
	const char *p;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return;
	}
	for (p = src; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	if (data_path("Makefile", top, sizeof(top)))
		snprintf(top, sizeof(top), "./Makefile");
	*strrchr(top, '/') = '\0';
	snprintf(buf, len, "%s/build/vm-build/%.32s-%08x%s", top,
		 base && base[1] ? base + 1 : "linux", h, fi ? "-fi" : "");
}

/* build-kernel.sh SRC OUT, its stdout on our stderr: stdout is for KTAP. */
static int build_kernel(const char *src, const char *out, bool fi)
{
	char script[PATH_MAX];
	int status;
	pid_t pid;

	if (data_path("harness/vm/build-kernel.sh", script, sizeof(script))) {
		fprintf(stderr, "vm --build: harness/vm/build-kernel.sh not found\n");
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		if (fi)
			execl(script, script, "--fault-injection", src, out, (char *)NULL);
		else
			execl(script, script, src, out, (char *)NULL);
		fprintf(stderr, "%s: %s\n", script, strerror(errno));
		_exit(2);
	}
	/* build-kernel.sh ends when make does; make has no time limit of its own to give. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int cmd_vm(int argc, char **argv)
{
	char script[PATH_MAX], self[PATH_MAX], src[PATH_MAX], out[PATH_MAX], image[PATH_MAX + 32];
	char **args;
	int n = 0, i;

	if (data_path("harness/vm/vm-run.sh", script, sizeof(script))) {
		fprintf(stderr, "vm: harness/vm/vm-run.sh is neither beside this binary nor in its "
				"source tree\n");
		return CANNOT_TEST;
	}
	args = calloc(argc + 8, sizeof(*args));
	if (!args)
		return CANNOT_TEST;
	args[n++] = script;
	if (argc && !strcmp(argv[0], "--build")) {
		bool fi = argc > 1 && !strcmp(argv[1], "--fault-injection");
		bool named = argc > 1 + fi && argv[1 + fi][0] != '-';
		const char *tree = named ? argv[1 + fi] : ".";
		int rc;

		argc -= 1 + fi + named;
		argv += 1 + fi + named;
		if (!realpath(tree, src)) {
			printf("KTAP version 1\n1..0 # SKIP cannot test: vm --build %s: %s\n", tree,
			       strerror(errno));
			return CANNOT_TEST;
		}
		build_dir(src, fi, out, sizeof(out));
		rc = build_kernel(src, out, fi);
		if (rc) {
			printf("KTAP version 1\n1..0 # SKIP cannot test: building %s failed "
			       "(build-kernel.sh exit %d: see its messages; make's output is in "
			       "%s/build.log)\n",
			       src, rc, out);
			return CANNOT_TEST;
		}
		snprintf(image, sizeof(image), "%s/arch/x86/boot/bzImage", out);
		args[n++] = "--kernel";
		args[n++] = image;
	}
	if (!has_option(argc, argv, "--binary") && realpath("/proc/self/exe", self)) {
		args[n++] = "--binary";
		args[n++] = self;
	}
	for (i = 0; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	fflush(NULL);
	execv(script, args);
	fprintf(stderr, "vm: %s: %s\n", script, strerror(errno));
	return CANNOT_TEST;
}
