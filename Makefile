# SPDX-License-Identifier: GPL-2.0
#
# iorfd-conform: conformance suite for KVM ioregionfd.
#
#   make            build ./iorfd-conform
#   make run        install what is missing, build, run the suite (KTAP on stdout)
#   make check      install what is missing, build, run unit tests and the suite,
#                   and the device side's self-check (tests/test-device.sh,
#                   tests/test-device-guest.sh)
#   make deps       install missing Debian packages (needs root)
#   make runner-kernel  build the kernel the suite boots in QEMU where this host
#                   has no usable KVM (once; make run and make check do it)
#   make install INSTALL_PATH=DIR  the suite as a kselftest collection in DIR
#   make lava-ramdisk   the ramdisk ci/lava/job-qemu.yaml boots (ci/lava/README.md)
#
# The KVM selftests library is compiled from a kernel tree: KSRC=/path/to/linux,
# or by default the tools/ part of Debian's linux-source-6.1 tarball, extracted
# into $(BUILD) on first use.  Nothing of it is committed.

KSRC	 ?=
KSRC_TAR ?= /usr/src/linux-source-6.1.tar.xz
BUILD	 ?= build
CC	 ?= gcc
RUN_ARGS ?=
# Cases in flight for make run/check.  Most of a case's time is waiting (a
# device's delay, a signal, VM teardown), so twice the CPUs keeps them busy.
JOBS	 ?= $(shell echo $$(( $$(nproc) * 2 )))

# The kernel 'iorfd-conform --vm' boots where the host has no usable KVM:
# built from the same tree (make runner-kernel), out of tree, outside BUILD
# so that the sanitizer and coverage builds (other BUILDs) share it.
RUNNER_KBUILD ?= $(CURDIR)/build/runner-kernel
RUNNER_KERNEL := $(RUNNER_KBUILD)/arch/x86/boot/bzImage

ifeq ($(KSRC),)
KTREE	:= $(BUILD)/linux-source-6.1
KSTAMP	:= $(KTREE)/.iorfd-extracted
KFULL	:= $(KTREE)/.iorfd-extracted-all
else
KTREE	:= $(KSRC)
KSTAMP	:=
KFULL	:=
endif
# Where the suite's own runs go through --vm (a host without KVM, or --vm always).
VM_FLAGS = --vm auto --vm-out $(BUILD)/vm-run
KSFT	:= $(KTREE)/tools/testing/selftests/kvm

# Uapi headers: a kernel tree's own after 'make headers_install', else the
# system's (Debian 12 ships the 6.1 uapi in linux-libc-dev).
KHDR	:= $(patsubst %/linux/kvm.h,%,$(wildcard $(KTREE)/usr/include/linux/kvm.h))

KSFT_INC := -I$(KTREE)/tools/include -I$(KTREE)/tools/arch/x86/include \
	    $(if $(KHDR),-I$(KHDR)) -I$(KSFT)/include -I$(KSFT)/include/x86_64 \
	    -I$(KTREE)/tools/testing/selftests

# Code that runs inside the guest, and the selftests library (which holds the
# guest half of ucall), must not touch SSE: KVM's instruction emulator, which
# runs all guest code on software hypervisors, rejects it.
GUEST_CFLAGS := -O2 -g -std=gnu99 -fno-stack-protector -fno-PIE -U_FORTIFY_SOURCE \
		-mgeneral-regs-only -fno-tree-vectorize $(KSFT_INC)

WARN	  := -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers
CFLAGS	  ?= -O2 -g
HOST_CFLAGS := $(CFLAGS) -std=gnu11 -fno-PIE $(WARN) -D_GNU_SOURCE \
	       -Iharness -I. $(KSFT_INC)
LDFLAGS	  += -no-pie -pthread
LDLIBS	  += -lyaml

KSFT_SRCS := lib/assert.c lib/elf.c lib/guest_modes.c lib/io.c lib/kvm_util.c \
	     lib/rbtree.c lib/sparsebit.c lib/test_util.c lib/x86_64/apic.c \
	     lib/x86_64/processor.c lib/x86_64/svm.c lib/x86_64/ucall.c lib/x86_64/vmx.c
KSFT_OBJS := $(patsubst lib/%.c,$(BUILD)/ksft/%.o,$(KSFT_SRCS)) \
	     $(BUILD)/ksft/x86_64/handlers.o $(BUILD)/ksft/string_override.o

# The rooms: a folder each, one job each (README, Layout).  Includes name
# them ("run/runner.h" for harness/run, "responders/responder.h" for the
# others), and tests/check-layers.sh holds which room may include which.
ROOMS := harness/lib harness/proto harness/model harness/casefile harness/targets \
	 harness/targets/reference harness/run harness/vm harness/bench harness/device harness/cli \
	 responders reports/live reports/offline
HARNESS_SRCS := $(foreach r,$(ROOMS),$(wildcard $(r)/*.c))
HARNESS_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(HARNESS_SRCS))
GUEST_SRCS   := $(wildcard guests/*.c)
GUEST_OBJS   := $(patsubst %.c,$(BUILD)/guest/%.o,$(GUEST_SRCS))

TEST_NAMES := $(patsubst tests/%.c,%,$(wildcard tests/test_*.c))
TEST_BINS  := $(addprefix $(BUILD)/tests/,$(TEST_NAMES))

.PHONY: check-format format schema-doc need-runner-kernel all deps run check unit lint clean distclean check-vm-runner check-kernels runner-kernel \
	check-vm-path install
all: iorfd-conform $(BUILD)/example-device $(BUILD)/faulty-device

iorfd-conform: $(HARNESS_OBJS) $(GUEST_OBJS) $(KSFT_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# For the initramfs of a kernel under test: no shared libraries there.
iorfd-conform-static: $(HARNESS_OBJS) $(GUEST_OBJS) $(KSFT_OBJS)
	$(CC) $(LDFLAGS) -static -o $@ $^ $(LDLIBS)

# ---- device programs --------------------------------------------------------
# The example device for authors (docs/device-contract.md) builds alone, as
# its readers will build it: no header of ours.  The faulty one breaks one
# contract rule per FAULT, for tests/test-device.sh.
DEVICE_CFLAGS := $(CFLAGS) -std=gnu11 -Wall -Wextra
$(BUILD)/example-device: docs/examples/example-device.c
	@mkdir -p $(dir $@)
	$(CC) $(DEVICE_CFLAGS) -o $@ $<

$(BUILD)/faulty-device: tests/devices/faulty-device.c
	@mkdir -p $(dir $@)
	$(CC) $(DEVICE_CFLAGS) -pthread -o $@ $<

# ---- KVM selftests library ------------------------------------------------
$(KTREE)/.iorfd-extracted: | $(KSRC_TAR)
	@mkdir -p $(BUILD)
	@echo "  EXTRACT $(KSRC_TAR) (tools/ only)"
	tar -xJf $(KSRC_TAR) -C $(BUILD) \
		linux-source-6.1/tools/include linux-source-6.1/tools/arch/x86/include \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/tools/testing/selftests/kvm/include \
		linux-source-6.1/tools/testing/selftests/kvm/lib \
		linux-source-6.1/tools/lib/rbtree.c
	touch $@

# The whole tree, for the runner kernel; the tools/ part above stays as it was.
$(KTREE)/.iorfd-extracted-all: | $(KSRC_TAR)
	@mkdir -p $(BUILD)
	@echo "  EXTRACT $(KSRC_TAR) (whole tree, for the runner kernel)"
	tar -xJf $(KSRC_TAR) -C $(BUILD)
	touch $@

$(KSRC_TAR):
	@echo "$(KSRC_TAR) is missing: run 'make deps' (linux-source-6.1) or pass KSRC=/path/to/linux" >&2
	@false

$(BUILD)/ksft/%.o: $(KSTAMP)
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $(KSFT)/lib/$*.c -o $@

$(BUILD)/ksft/x86_64/handlers.o: $(KSTAMP)
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $(KSFT)/lib/x86_64/handlers.S -o $@

# Its memcpy/memset must not be compiled into calls to themselves.
$(BUILD)/ksft/string_override.o: $(KSTAMP)
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -ffreestanding -c $(KSFT)/lib/string_override.c -o $@

# ---- our code ---------------------------------------------------------------
$(BUILD)/obj/%.o: %.c $(KSTAMP)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest/%.o: %.c $(KSTAMP)
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -I. -MMD -MP -c $< -o $@

# Where the binary finds its files (harness/lib/data_path.h) when they are not
# beside it, and the runner kernel --vm boots.
$(BUILD)/obj/harness/lib/data_path.o $(BUILD)/tests/test_data_path: \
	HOST_CFLAGS += -DIORFD_SRCDIR='"$(CURDIR)"'
$(BUILD)/obj/harness/vm/delegate.o: HOST_CFLAGS += -DIORFD_RUNNER_KERNEL='"$(RUNNER_KERNEL)"'

-include $(HARNESS_OBJS:.o=.d) $(GUEST_OBJS:.o=.d)

# ---- unit tests (cmocka) ----------------------------------------------------
# Each room is also an archive; tests/test_X.deps names the rooms test_X
# links, and the linker takes from them what it uses.
room_lib = $(BUILD)/rooms/$(subst /,-,$(1)).a
define room_rule
$(call room_lib,$(1)): $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard $(1)/*.c))
	@mkdir -p $$(dir $$@)
	@rm -f $$@ && $(AR) rcs $$@ $$^
endef
$(foreach r,$(ROOMS),$(eval $(call room_rule,$(r))))
test_deps = $(foreach r,$(shell cat tests/$(1).deps),$(call room_lib,$(r)))
.SECONDEXPANSION:
$(BUILD)/tests/%: tests/%.c tests/%.deps $$(call test_deps,$$*)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Itests -MMD -MP -MF $@.d $(LDFLAGS) -o $@ $< \
		-Wl,--start-group $(call test_deps,$*) -Wl,--end-group -lcmocka $(LDLIBS)

# What each test includes (the fuzz targets' sources, for one) rebuilds it.
-include $(TEST_BINS:=.d)

# test_device_end runs the device programs.
unit: $(TEST_BINS) $(BUILD)/example-device $(BUILD)/faulty-device
	@set -e; for t in $(TEST_BINS); do echo "# $$t"; $$t; done

# ---- the suite --------------------------------------------------------------
deps:
	@./harness/install-deps.sh

# The kernel --vm boots: built once from $(KTREE) with harness/vm/config.
runner-kernel: $(KFULL)
	@harness/vm/build-kernel.sh --reuse $(KTREE) $(RUNNER_KBUILD)

# Without a usable KVM here the suite runs in QEMU: build its kernel first.
need-runner-kernel: all
	@./iorfd-conform probe --quiet || { \
		echo "# no usable KVM on this host (./iorfd-conform probe): the suite runs in QEMU"; \
		$(MAKE) --no-print-directory runner-kernel; }

run: deps
	@$(MAKE) --no-print-directory all need-runner-kernel
	./iorfd-conform $(VM_FLAGS) -j $(JOBS) $(RUN_ARGS) cases/

lint: all
	./iorfd-conform lint --expect expectations cases/
	./iorfd-conform lint cases/device/

# The suite as a kselftest collection, DIR/iorfd-conform, listed in
# DIR/kselftest-list.txt (harness/kselftest/install.sh says what goes where).
INSTALL_PATH ?=
install: iorfd-conform-static
	@if [ -z "$(INSTALL_PATH)" ]; then \
		echo "install: set INSTALL_PATH=DIR (a kselftest install, or a new directory)" >&2; \
		exit 2; fi
	@harness/kselftest/install.sh $(INSTALL_PATH) iorfd-conform-static

# The fixture kernels with ioregionfd, next to a clone of this repository (CI has them).
FIXTURE_KERNELS ?= ../shared/kernels

check: deps
	@$(MAKE) --no-print-directory all unit runner-kernel
	tests/check-layers.sh
	@$(MAKE) --no-print-directory check-format
	tests/check-schema-doc.sh
	tests/check-boundaries.sh
	tests/test-lint.sh
	tests/test-hostile-input.sh
	tests/test-coverage-gate.sh
	IORFD_VM_KERNEL=$(RUNNER_KERNEL) FIXTURE_KERNELS=$(FIXTURE_KERNELS) tests/test-kselftest-install.sh
	tests/test-device.sh
	FIXTURE_KERNELS=$(FIXTURE_KERNELS) tests/test-device-guest.sh
	./iorfd-conform $(VM_FLAGS) --target reference --revision all -j $(JOBS) cases/
	./iorfd-conform selftest --vm auto --quick -j 2 cases/
	@$(MAKE) --no-print-directory check-vm-path
	@$(MAKE) --no-print-directory check-vm-runner
	tests/test-expectations.sh
	tests/test-interrupted-run.sh
	@$(MAKE) --no-print-directory check-report
	@$(MAKE) --no-print-directory check-asan
	@$(MAKE) --no-print-directory check-valgrind
	@$(MAKE) --no-print-directory check-kernels
	@$(MAKE) --no-print-directory check-lava
	@$(MAKE) --no-print-directory coverage-kernel

# The VM path, also on hosts whose own KVM ran the suite above: a few
# cases of each kind, booted in QEMU whatever this host has, with the
# results files brought back.
check-vm-path: all runner-kernel
	./iorfd-conform --vm always --vm-out $(BUILD)/vm-path --filter 'mmio-*' --filter 'reg-overlap*' \
		--json $(BUILD)/vm-path.json --junit $(BUILD)/vm-path.xml cases/
	@grep -q '"environment": "ran in a VM' $(BUILD)/vm-path.json || \
		{ echo "check-vm-path: $(BUILD)/vm-path.json does not say it ran in a VM" >&2; exit 1; }
	@xmllint --noout $(BUILD)/vm-path.xml

# The same cases against each fixture kernel, booted in QEMU, with its expectations.
check-kernels: iorfd-conform-static
	@set -e; found=0; for k in rfc-v3 rfc-v1; do \
		img=$(FIXTURE_KERNELS)/$$k/bzImage; \
		if [ ! -f $$img ]; then echo "# SKIP check-kernels $$k: $$img not found"; continue; fi; \
		found=1; echo "# vm-check $$k"; \
		$(MAKE) --no-print-directory vm-check KERNEL=$$img VM_OUT=$(BUILD)/vm-$$k; \
	done; \
	[ $$found = 1 ] || echo "# SKIP check-kernels: no fixture kernels in $(FIXTURE_KERNELS)"

include harness/vm/vm.mk
include reports/reports.mk
include harness/bench/bench.mk
include tests/fuzz/fuzz.mk
include tests/sanitize.mk
include ci/lava/lava.mk

# clang-format holds the tree: every C file as .clang-format (kernel style,
# strings never broken) formats it.  'make format' applies it.
C_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || \
		find harness responders reports guests tests -name '*.[ch]')
check-format:
	@bad=; for f in $(C_FILES); do \
		clang-format --dry-run --Werror $$f >/dev/null 2>&1 || bad="$$bad $$f"; done; \
	if [ -n "$$bad" ]; then \
		echo "check-format: not formatted as .clang-format says (make format):$$bad" >&2; \
		exit 1; fi; \
	echo "check-format: $(words $(C_FILES)) files as .clang-format says"

format:
	clang-format -i $(C_FILES)

# docs/case-format.md's schema block, rewritten from the schema itself.
schema-doc: all
	tests/check-schema-doc.sh --update

# The VM runner's own tests, with a stand-in suite, on the runner kernel
# (IORFD_VM_KERNEL=path picks another).
check-vm-runner: runner-kernel
	tests/vm/test-vm-run.sh

clean:
	rm -rf $(BUILD)/obj $(BUILD)/guest $(BUILD)/tests iorfd-conform iorfd-conform-static

distclean:
	rm -rf $(BUILD) iorfd-conform iorfd-conform-static
