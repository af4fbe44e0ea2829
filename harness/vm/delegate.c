// SPDX-License-Identifier: GPL-2.0
/*
 * --vm: the command runs again in a QEMU guest.  harness/vm/vm-run.sh does
 * the VM part (initramfs, boot, time limits, results over the second serial
 * port); this file decides what goes in and brings the results out.
 *
 * The guest sees the case files and expectations at the same absolute paths
 * as this host, and starts in the same working directory, so that every path
 * in a message ("cases/x.yaml:12:5: ...") reads as it would here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/atomic_file.h"
#include "lib/data_path.h"
#include "vm/delegate.h"

#define VM_RUN		 "harness/vm/vm-run.sh"
#define EXIT_SKIP	 4
#define EXIT_CANNOT_TEST 125

int vm_mode_parse(const char *s)
{
	if (!strcmp(s, "never"))
		return VM_NEVER;
	if (!strcmp(s, "auto"))
		return VM_AUTO;
	if (!strcmp(s, "always"))
		return VM_ALWAYS;
	return -1;
}

static bool exists(const char *path)
{
	return !access(path, F_OK);
}

const char *vm_runner_kernel(void)
{
	const char *env = getenv("IORFD_RUNNER_KERNEL");

	if (env && *env)
		return env;
#ifdef IORFD_RUNNER_KERNEL
	return IORFD_RUNNER_KERNEL;
#else
	return "build/runner-kernel/arch/x86/boot/bzImage";
#endif
}

static int nothing_ran(const struct vm_request *rq)
{
	return rq->bisect ? EXIT_CANNOT_TEST : EXIT_SKIP;
}

static void why_in_vm(const struct vm_request *rq, char *buf, size_t len)
{
	if (rq->kvm_why)
		snprintf(buf, len, "no usable /dev/kvm on this host (%s)", rq->kvm_why);
	else
		snprintf(buf, len, "--vm always");
}

/* A run that could not start still leaves valid KTAP on stdout. */
static int cannot_start(const struct vm_request *rq, const char *reason)
{
	char why[300];

	why_in_vm(rq, why, sizeof(why));
	printf("KTAP version 1\n1..0 # SKIP %s; %s\n", why, reason);
	fflush(stdout);
	return nothing_ran(rq);
}

/*
 * The guest's /out/@name to @to on this host, whole or not at all
 * (lib/atomic_file.h); false, said on stderr, when it did not come back.
 */
static bool bring_back(const char *out_dir, const char *name, const char *to, const char *opt)
{
	char from[PATH_MAX], buf[65536], err[PATH_MAX + 256];
	struct atomic_file *af;
	ssize_t n = 0;
	int in;

	if (!to)
		return true;
	snprintf(from, sizeof(from), "%s/%s", out_dir, name);
	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		fprintf(stderr, "%s %s: the VM run's %s did not come back: %s (see %s)\n", opt, to,
			name, strerror(errno), out_dir);
		return false;
	}
	if (atomic_file_open(to, &af, err, sizeof(err))) {
		fprintf(stderr, "%s %s\n", opt, err);
		close(in);
		return false;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, n, af->f) != (size_t)n)
			break;
	close(in);
	if (n < 0) {
		fprintf(stderr, "%s %s: reading the VM run's %s: %s\n", opt, to, from,
			strerror(errno));
		atomic_file_abort(af);
		return false;
	}
	if (atomic_file_commit(af, err, sizeof(err))) {
		fprintf(stderr, "%s %s\n", opt, err);
		return false;
	}
	return true;
}

/* Adds one argument to @v; the array is sized by the caller. */
#define PUSH(v, n, s) ((v)[(n)++] = (char *)(s))

static int run_vm_run(char **argv)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_term;
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return -1;
	}
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(EXIT_CANNOT_TEST);
	}
	/*
	 * ^C reaches vm-run.sh too (same process group): it stops QEMU and
	 * exits 130, which is passed on, rather than leaving QEMU behind.
	 * vm-run.sh bounds its own run (--timeout), so this wait ends.
	 */
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGTERM, &ign, &old_term);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return EXIT_CANNOT_TEST;
}

/* The directory for vm-run.sh's files: the one asked for, or a new one under TMPDIR. */
static int make_out_dir(const struct vm_request *rq, char *dir, size_t len, char *reason,
			size_t rlen)
{
	if (!rq->out_dir) {
		snprintf(dir, len, "%s/iorfd-vm.XXXXXX",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (mkdtemp(dir))
			return 0;
		snprintf(reason, rlen, "cannot create a directory for the VM's files: %s",
			 strerror(errno));
		return -1;
	}
	snprintf(dir, len, "%s", rq->out_dir);
	if (!mkdir(dir, 0755) || errno == EEXIST)
		return 0;
	snprintf(reason, rlen, "cannot create %s: %s", dir, strerror(errno));
	return -1;
}

/*
 * vm-run.sh's command line: this binary and @rq's files into the guest,
 * @rq's arguments as the guest suite's whole command line (--as-is), run in
 * this working directory; the strings it points at are the caller's.
 */
static char **vm_run_argv(const struct vm_request *rq, const char *const opts[][2], int nr_opts)
{
	char **argv = calloc(2 * nr_opts + 2 * rq->nr_files + rq->nr_args + 4, sizeof(*argv));
	int n = 0, i;

	if (!argv)
		return NULL;
	PUSH(argv, n, opts[0][1]); /* the script */
	for (i = 1; i < nr_opts; i++) {
		PUSH(argv, n, opts[i][0]);
		if (opts[i][1])
			PUSH(argv, n, opts[i][1]);
	}
	for (i = 0; i < rq->nr_files; i++) {
		PUSH(argv, n, "--file");
		PUSH(argv, n, rq->files[i]);
	}
	PUSH(argv, n, "--");
	for (i = 0; i < rq->nr_args; i++)
		PUSH(argv, n, rq->args[i]);
	argv[n] = NULL;
	return argv;
}

int vm_delegate(const struct vm_request *rq)
{
	const char *kernel = rq->kernel ? rq->kernel : vm_runner_kernel();
	char script[PATH_MAX], self[PATH_MAX], cwd[PATH_MAX], out_dir[PATH_MAX], limit[16];
	char reason[PATH_MAX + 128], why[300];
	char **argv;
	int rc;

	if (!exists(kernel)) {
		snprintf(
			reason, sizeof(reason),
			"no kernel to boot in a VM: %s does not exist ('make runner-kernel' builds it)",
			kernel);
		return cannot_start(rq, reason);
	}
	if (data_path(VM_RUN, script, sizeof(script)))
		return cannot_start(rq, "the VM runner " VM_RUN " is neither beside this binary "
					"nor in its source tree");
	if (!realpath("/proc/self/exe", self) || !getcwd(cwd, sizeof(cwd)))
		return cannot_start(rq, "cannot tell this binary's path or the working directory");
	if (make_out_dir(rq, out_dir, sizeof(out_dir), reason, sizeof(reason)))
		return cannot_start(rq, reason);
	snprintf(limit, sizeof(limit), "%d", rq->timeout_s);
	why_in_vm(rq, why, sizeof(why));
	{
		const char *const opts[][2] = {
			{NULL, script},	    {"--kernel", kernel}, {"--binary", self},
			{"--out", out_dir}, {"--timeout", limit}, {"--cases", "none"},
			{"--cwd", cwd},	    {"--why", why},	  {"--console", "none"},
			{"--as-is", NULL},
		};

		argv = vm_run_argv(rq, opts, sizeof(opts) / sizeof(opts[0]));
	}
	if (!argv)
		return cannot_start(rq, "out of memory");
	rc = run_vm_run(argv);
	free(argv);
	if (rc < 0)
		return cannot_start(rq, "cannot start " VM_RUN);
	if (rc == EXIT_CANNOT_TEST)
		return nothing_ran(rq);
	/* The suite ran in the guest (or failed there): its files, if it wrote them. */
	if (!bring_back(out_dir, "results.json", rq->json, "--json") ||
	    !bring_back(out_dir, "results.xml", rq->junit, "--junit"))
		rc = rc ? rc : 1;
	return rc;
}
