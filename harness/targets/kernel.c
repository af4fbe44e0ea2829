// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel target: KVM's own KVM_SET_IOREGION, and a plain KVM_RUN (the
 * kernel dispatches inside it).
 *
 * Support is detected by calling the ioctl, not by KVM_CHECK_EXTENSION: the
 * RFC's capability numbers are other capabilities upstream, so a stock
 * kernel says "yes" to them for the wrong reason.  The revision is told
 * apart by how each one treats requests that no valid caller would make:
 *
 *  flags=DEASSIGN, fds=-2, size 8   V3: a removal of nothing, ENOENT.
 *                                   V1/V2: an assign with an unknown flag, EINVAL.
 *  flags=0x80, fds=-1, size 8       V1: a removal (flags unchecked), ENOENT.
 *                                   V2: unknown flag, EINVAL.
 *
 * An unpatched kernel fails all of these with ENOTTY.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm_util.h"

#include "lib/file_read.h"
#include "targets/target.h"

#define PROBE_GPA 0xfff00000ull

static int set_ioregion(int vm_fd, uint64_t size, int rfd, int wfd, uint32_t flags)
{
	struct kvm_ioregion r = {
		.guest_paddr = PROBE_GPA,
		.memory_size = size,
		.read_fd = rfd,
		.write_fd = wfd,
		.flags = flags,
	};

	return ioctl(vm_fd, KVM_SET_IOREGION, &r) ? errno : 0;
}

static void kernel_probe(struct target_probe *p)
{
	int kvm_fd, vm_fd, e3, e1;

	memset(p, 0, sizeof(*p));
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		snprintf(p->how, sizeof(p->how), "cannot open /dev/kvm: %s", strerror(errno));
		return;
	}
	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm_fd < 0) {
		snprintf(p->how, sizeof(p->how), "KVM_CREATE_VM: %s", strerror(errno));
		close(kvm_fd);
		return;
	}
	e3 = set_ioregion(vm_fd, 8, -2, -2, KVM_IOREGION_DEASSIGN);
	e1 = set_ioregion(vm_fd, 8, -1, -1, 0x80);
	close(vm_fd);
	close(kvm_fd);

	if (e3 == ENOTTY) {
		snprintf(p->how, sizeof(p->how),
			 "KVM_SET_IOREGION (0x%lx) answered ENOTTY: no ioregionfd in this kernel",
			 (unsigned long)KVM_SET_IOREGION);
		return;
	}
	p->present = true;
	p->rev_known = true;
	if (e3 == ENOENT)
		p->rev = IORFD_V3;
	else if (e1 == ENOENT)
		p->rev = IORFD_V1;
	else
		p->rev = IORFD_V2;
	snprintf(
		p->how, sizeof(p->how),
		"KVM_SET_IOREGION probed: DEASSIGN of nothing -> %s, unknown flag on removal -> %s: %s",
		e3 ? strerror(e3) : "0", e1 ? strerror(e1) : "0",
		p->rev == IORFD_V3   ? "V3 (DEASSIGN flag understood)"
		: p->rev == IORFD_V1 ? "V1 (removal ignores flags)"
				     : "V2 (flags checked before removal)");
}

static int kernel_attach(struct target *t, struct kvm_vm *vm, enum iorfd_rev rev)
{
	return 0;
}

static int kernel_set(struct target *t, const struct kvm_ioregion *r)
{
	return ioctl(t->vm->fd, KVM_SET_IOREGION, r) ? -errno : 0;
}

static int kernel_ioeventfd(struct target *t, const struct kvm_ioeventfd *e)
{
	return ioctl(t->vm->fd, KVM_IOEVENTFD, e) ? -errno : 0;
}

static int kernel_run(struct target *t, struct kvm_vcpu *vcpu)
{
	return ioctl(vcpu->fd, KVM_RUN, NULL) ? -errno : 0;
}

static void kernel_detach(struct target *t)
{
}

/* /proc/cgroups: "subsys_name hierarchy num_cgroups enabled" per line. */
static bool memcg_enabled(void)
{
	char err[128], *buf, *line, *save;
	bool on = false;
	size_t len;

	buf = read_text_file("/proc/cgroups", 1 << 16, &len, err, sizeof(err));
	if (!buf)
		return false;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[32];
		int hier, num, enabled;

		if (sscanf(line, "%31s %d %d %d", name, &hier, &num, &enabled) == 4 &&
		    !strcmp(name, "memory"))
			on = enabled == 1;
	}
	free(buf);
	return on;
}

static bool kernel_bus_capped(void)
{
	char err[128], *cmdline;
	bool nokmem;
	size_t len;

	if (!memcg_enabled())
		return true;
	cmdline = read_text_file("/proc/cmdline", 1 << 16, &len, err, sizeof(err));
	nokmem = cmdline && strstr(cmdline, "cgroup.memory=nokmem");
	free(cmdline);
	return nokmem;
}

const struct target_ops target_kernel = {
	.name = "kernel",
	.props = TARGET_KERNEL_LOG | TARGET_CAN_CRASH | TARGET_KERNEL_ALLOCS,
	.probe = kernel_probe,
	.attach = kernel_attach,
	.set_ioregion = kernel_set,
	.ioeventfd = kernel_ioeventfd,
	.run = kernel_run,
	.detach = kernel_detach,
	.bus_capped = kernel_bus_capped,
};
