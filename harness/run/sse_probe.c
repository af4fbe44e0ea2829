// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "kvm_util.h"
#include "ucall_common.h"

#include "guests/guest_prog.h"
#include "run/image_pages.h"
#include "run/sse_probe.h"

bool host_runs_sse(char *why, size_t len)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = __vm_create_with_one_vcpu(&vcpu, image_pages(), guest_sse_probe);
	struct kvm_run *run = vcpu->run;
	struct ucall uc;
	bool ok = false;

	if (_vcpu_run(vcpu))
		snprintf(why, len,
			 "KVM_RUN of a guest doing one movdqu between RAM locations failed: %m");
	else if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
		snprintf(
			why, len,
			"this host's KVM cannot run SSE guest code: a movdqu between RAM locations gave KVM_EXIT_INTERNAL_ERROR (suberror %u)",
			run->internal.suberror);
	else if (run->exit_reason != KVM_EXIT_IO || get_ucall(vcpu, &uc) != UCALL_DONE)
		snprintf(
			why, len,
			"a guest doing one movdqu between RAM locations did not finish (exit reason %u)",
			run->exit_reason);
	else
		ok = true;
	kvm_vm_free(vm);
	return ok;
}
