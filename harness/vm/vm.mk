# SPDX-License-Identifier: GPL-2.0
#
# Run the suite in a QEMU guest on a given kernel.  Included by the top
# Makefile, which defines BUILD and the iorfd-conform-static target.
#
#   make vm-check KERNEL=path/to/bzImage [VM_ARGS='suite args'] \
#                 [VM_RUN_ARGS='vm-run.sh options']
#
# The suite runs with --bisect, so vm-run.sh exits 0 (good), 1 (bad) or 125
# (cannot test); results land in $(BUILD)/vm.  make itself exits 2 whenever
# a recipe fails, whatever its code, so the code is also printed and written
# to $(BUILD)/vm/exit-code.  For git bisect run, call vm-run.sh directly:
#
#   git bisect run sh -c 'make -s iorfd-conform-static || exit 125;
#       harness/vm/vm-run.sh --kernel ... -- --bisect'

KERNEL	    ?=
VM_ARGS	    ?=
VM_RUN_ARGS ?=
VM_BINARY   ?= iorfd-conform-static
VM_OUT	    ?= $(BUILD)/vm
# Expectation files and the like go to the guest next to /cases.
VM_EXTRA    ?= $(wildcard expectations)

.PHONY: vm-check vm-check-kernel

# Listed first so a missing KERNEL is reported before anything is built.
vm-check-kernel:
	@if [ -z "$(KERNEL)" ]; then \
		echo "vm-check: set KERNEL=path/to/bzImage" >&2; exit 2; fi
	@if [ ! -f "$(KERNEL)" ]; then \
		echo "vm-check: KERNEL=$(KERNEL): no such file" >&2; exit 2; fi

vm-check: vm-check-kernel iorfd-conform-static
	@mkdir -p $(VM_OUT)
	@rc=0; harness/vm/vm-run.sh --kernel $(KERNEL) --out $(VM_OUT) \
		--binary $(VM_BINARY) --cases cases \
		$(addprefix --extra ,$(VM_EXTRA)) $(VM_RUN_ARGS) \
		-- --bisect $(if $(VM_EXTRA),--expect /expectations) $(VM_ARGS) || rc=$$?; \
	echo $$rc >$(VM_OUT)/exit-code; \
	if [ $$rc -ne 0 ]; then \
		echo "vm-check: vm-run.sh exited $$rc (1 bad, 125 cannot test; details in $(VM_OUT))" >&2; \
	fi; \
	exit $$rc
