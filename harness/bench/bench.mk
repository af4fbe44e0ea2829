# SPDX-License-Identifier: GPL-2.0
#
# The dispatch benchmark, and the speed of the suite itself.  Included by
# the top Makefile, which defines BUILD and the iorfd-conform targets.
#
#   make bench [BENCH_ARGS='--iterations 50000'] [BENCH_OUT=DIR]
#   make bench-vm KERNEL=path/to/bzImage [BENCH_VM_ARGS='--iterations 2000']
#   make bench-vm-path [BENCH_KBUILD=1]
#
# Benchmark numbers come from here (iorfd-conform bench) only, never from
# the unit tests.  Results: $(BENCH_OUT)/bench.{txt,tsv,svg}, suite.{txt,json},
# vm-path.txt.  On a host without a usable KVM the dispatch benchmark runs in
# the runner kernel's VM (bench-vm), whose nested-TCG latencies say nothing
# about a real host's; the suite timings are then those of the VM path, which
# is what 'make run' costs there.

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

.PHONY: bench bench-suite bench-vm bench-vm-path

bench: all need-runner-kernel
	@if ./iorfd-conform probe --quiet; then \
		./iorfd-conform bench --out $(BENCH_OUT) $(BENCH_ARGS); \
	else \
		echo "# no usable KVM here: the dispatch benchmark runs in the runner kernel's VM (nested TCG)"; \
		$(MAKE) --no-print-directory bench-vm KERNEL=$(RUNNER_KERNEL) BENCH_VM_OUT=$(BENCH_OUT)/vm; \
	fi
	@$(MAKE) --no-print-directory bench-suite bench-vm-path

# The whole catalogue on the reference target, timed: one case at a time
# (the per-case phases add up), then -j $(JOBS) as make run does it.  A
# failing case is reported but does not fail the measurement.
bench-suite: all need-runner-kernel
	@harness/bench/bench-suite.sh ./iorfd-conform $(BENCH_OUT) $(VM_FLAGS) cases/ || \
		echo "# (the suite exited $$?: see $(BENCH_OUT)/suite.ktap)"
	@harness/bench/bench-suite.sh ./iorfd-conform $(BENCH_OUT)/j$(JOBS) $(VM_FLAGS) -j $(JOBS) cases/ || \
		echo "# (the suite exited $$?: see $(BENCH_OUT)/j$(JOBS)/suite.ktap)"

# The VM path on any host: 'make run''s suite with --vm always, three boots;
# BENCH_KBUILD=1 also times a first build of the runner kernel from the
# tarball (minutes), into $(BENCH_OUT)/vm-path/kernel.
BENCH_KBUILD ?=
bench-vm-path: all runner-kernel
	@harness/bench/bench-vm-path.sh ./iorfd-conform $(BENCH_OUT)/vm-path \
		$(if $(BENCH_KBUILD),--kernel-build $(KSRC_TAR)) -- -j $(JOBS) cases/

# The benchmark inside a QEMU guest booted from KERNEL, where the kernel
# target exists: "iorfd-conform bench" is the guest's whole command line
# (--as-is); its files come back in $(BENCH_VM_OUT)/bench.
bench-vm: vm-check-kernel all
	harness/vm/vm-run.sh --kernel $(KERNEL) --out $(BENCH_VM_OUT) --binary ./iorfd-conform \
		--cases cases --as-is $(BENCH_VM_RUN_ARGS) -- bench --out /out/bench $(BENCH_VM_ARGS)
