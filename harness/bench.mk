# SPDX-License-Identifier: GPL-2.0
#
# The dispatch benchmark, and the speed of the suite itself.  Included by
# the top Makefile, which defines BUILD and the iorfd-conform targets.
#
#   make bench [BENCH_ARGS='--iterations 50000'] [BENCH_OUT=DIR]
#   make bench-vm KERNEL=path/to/bzImage [BENCH_VM_ARGS='--iterations 2000']
#
# Benchmark numbers come from here (iorfd-conform bench) only, never from
# the unit tests.  Results: $(BENCH_OUT)/bench.{txt,tsv,svg}, suite.{txt,json}.

BENCH_OUT     ?= $(BUILD)/bench
BENCH_ARGS    ?=
BENCH_VM_OUT  ?= $(BUILD)/bench-vm
# Nested KVM under TCG is slow: fewer accesses per row, more time.  And a
# wake-up of a thread on the other (idle) vCPU of the TCG guest waits for a
# timer tick there, milliseconds: device threads share the vCPU's CPU.
BENCH_VM_ARGS ?= --iterations 2000 --warmup 200 --pin same
BENCH_VM_RUN_ARGS ?= --timeout 900

# bench_svg.c: log10, pow
LDLIBS += -lm

.PHONY: bench bench-suite bench-vm

bench: all
	./iorfd-conform bench --out $(BENCH_OUT) $(BENCH_ARGS)
	@$(MAKE) --no-print-directory bench-suite

# The whole catalogue on the reference target, timed: one case at a time
# (the per-case phases add up), then -j $(JOBS) as make run does it.  A
# failing case is reported but does not fail the measurement.
bench-suite: all
	@harness/bench-suite.sh ./iorfd-conform $(BENCH_OUT) cases/ || \
		echo "# (the suite exited $$?: see $(BENCH_OUT)/suite.ktap)"
	@harness/bench-suite.sh ./iorfd-conform $(BENCH_OUT)/j$(JOBS) -j $(JOBS) cases/ || \
		echo "# (the suite exited $$?: see $(BENCH_OUT)/j$(JOBS)/suite.ktap)"

# The benchmark inside a QEMU guest booted from KERNEL, where the kernel
# target exists.  The guest's init starts "iorfd-conform --target kernel
# --json FILE ARGS", so the binary it gets is a wrapper that drops those four
# arguments and runs the real static binary's bench with ARGS instead.
bench-vm: vm-check-kernel iorfd-conform-static
	@rm -rf $(BENCH_VM_OUT)/benchbin && mkdir -p $(BENCH_VM_OUT)/benchbin
	@cp iorfd-conform-static $(BENCH_VM_OUT)/benchbin/
	@printf '#!/bin/sh\n# made by harness/bench.mk: see bench-vm there\nshift 4\nexec /benchbin/iorfd-conform-static bench --out /out/bench "$$@"\n' \
		>$(BENCH_VM_OUT)/bench-wrapper
	@chmod +x $(BENCH_VM_OUT)/bench-wrapper
	harness/vm/vm-run.sh --kernel $(KERNEL) --out $(BENCH_VM_OUT) \
		--binary $(BENCH_VM_OUT)/bench-wrapper --cases cases \
		--extra $(BENCH_VM_OUT)/benchbin $(BENCH_VM_RUN_ARGS) -- $(BENCH_VM_ARGS)
