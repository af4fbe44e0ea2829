/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The suite in a VM, for hosts where it cannot run on the host's own KVM
 * (--vm auto|always): the same command boots a kernel in QEMU
 * (harness/vm/vm-run.sh), runs there with the same arguments, and its KTAP,
 * JSON and JUnit come back as if it had run here.
 */
#ifndef IORFD_VM_DELEGATE_H
#define IORFD_VM_DELEGATE_H

#include <stdbool.h>
#include <stddef.h>

enum vm_mode {
	VM_NEVER,  /* run here or skip: kselftest's convention, the default */
	VM_AUTO,   /* in a VM when this host has no usable KVM */
	VM_ALWAYS, /* in a VM whatever this host has (tests the VM path) */
};

/* What to run in the VM, and where the host wants the results. */
struct vm_request {
	const char *kvm_why; /* why this host's KVM cannot run it (kvm_usable()), NULL for --vm
				always */
	const char *kernel;  /* bzImage to boot; NULL: the runner kernel */
	const char *out_dir; /* vm-run.sh's directory; NULL: a new one under /tmp */
	int timeout_s;	     /* the whole VM run, boot included */
	char **files;	     /* inputs, carried to the same absolute paths in the guest */
	int nr_files;
	char **args; /* the guest suite's arguments, without the program name */
	int nr_args;
	const char *json;  /* host path for the guest's /out/results.json, or NULL */
	const char *junit; /* host path for the guest's /out/results.xml, or NULL */
	bool bisect;
};

/* Parses "auto", "always", "never"; -1 for anything else. */
int vm_mode_parse(const char *s);

/*
 * Runs @rq in a VM.  Returns the suite's exit code as it ran in the guest,
 * 1 for a kernel crash or a time limit, or @rq->bisect ? 125 : 4 when
 * nothing could run (no runner kernel, QEMU failed, no boot); the reason is
 * on stderr, and stdout has KTAP in every case.
 */
int vm_delegate(const struct vm_request *rq);

/* The runner kernel this binary was built to use (IORFD_RUNNER_KERNEL overrides it). */
const char *vm_runner_kernel(void);

#endif /* IORFD_VM_DELEGATE_H */
