// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kvm_util.h"
#include "ucall_common.h"

#include "lib/errno_names.h"
#include "guests/guest_prog.h"
#include "run/image_pages.h"
#include "run/kvm_usable.h"

/* Creating a VM and running one instruction takes milliseconds, even nested under TCG. */
#define PROBE_TIMEOUT_MS 20000

/* In the child: 0 when the guest reported GUEST_DONE, else a reason on stderr. */
static int run_probe_guest(void)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = __vm_create_with_one_vcpu(&vcpu, image_pages(), guest_kvm_probe);
	struct ucall uc;

	if (_vcpu_run(vcpu)) {
		fprintf(stderr, "KVM_RUN failed: %s\n", errno_name(errno));
		return 1;
	}
	if (vcpu->run->exit_reason != KVM_EXIT_IO || get_ucall(vcpu, &uc) != UCALL_DONE) {
		fprintf(stderr, "a guest that only reports 'done' exited with reason %u\n",
			vcpu->run->exit_reason);
		return 1;
	}
	kvm_vm_free(vm);
	return 0;
}

/* The first line the child wrote, for the reason. */
static void first_line(int fd, char *why, size_t len)
{
	char buf[512];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	char *nl;

	if (n <= 0) {
		snprintf(why, len, "a guest that only reports 'done' did not run");
		return;
	}
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	snprintf(why, len, "a guest that only reports 'done' did not run: %s", buf);
}

static bool probe_in_child(char *why, size_t len)
{
	int pipefd[2], pidfd, status;
	struct pollfd p;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC)) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		return false;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return false;
	}
	if (pid == 0) {
		/* The selftests library reports its assertions on stderr. */
		dup2(pipefd[1], STDERR_FILENO);
		_exit(run_probe_guest());
	}
	close(pipefd[1]);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	p = (struct pollfd){.fd = pidfd, .events = POLLIN};
	if (pidfd < 0 || poll(&p, 1, PROBE_TIMEOUT_MS) != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		snprintf(why, len, "a guest that only reports 'done' did not finish within %d s",
			 PROBE_TIMEOUT_MS / 1000);
		goto out;
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		why[0] = '\0';
	} else {
		first_line(pipefd[0], why, len);
	}
out:
	if (pidfd >= 0)
		close(pidfd);
	close(pipefd[0]);
	return !why[0];
}

bool kvm_usable(char *why, size_t len)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int api;

	if (fd < 0) {
		snprintf(why, len, "%s", errno_name(errno));
		return false;
	}
	api = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	if (api != KVM_API_VERSION) {
		snprintf(why, len, "KVM_GET_API_VERSION is %d, not %d", api, KVM_API_VERSION);
		return false;
	}
	return probe_in_child(why, len);
}
