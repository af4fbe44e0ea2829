# SPDX-License-Identifier: GPL-2.0
#
# The harness and its unit tests under dynamic checkers.  Included by the top
# Makefile, which defines BUILD, KTREE, KSTAMP, the object lists and TEST_NAMES.
#
#   make check-asan       ASan + UBSan build in $(BUILD)/asan: unit tests, then
#                         the suite on the reference target
#   make check-valgrind   the cmocka unit tests under valgrind memcheck
#
# The sanitizer build is the ordinary build with other CFLAGS in another
# BUILD directory.  Only our host code sees CFLAGS: guest code and the KVM
# selftests library are compiled with GUEST_CFLAGS, which must stay free of
# sanitizer flags, because they run inside the guest (or hold code that
# does), where there is no shadow memory and no sanitizer runtime.
# check-asan verifies that no such object references the runtime.

SAN_BUILD := $(BUILD)/asan
# The selftests library copies the whole executable into the guest's first
# memslot, which it sizes for a 2 MiB image (vm_nr_pages_required() in
# kvm_util.c), and the extra pages __vm_create() takes do not go there.
# ASan's redzoned globals and their descriptors, one per string literal,
# put 1.3 MB more in .data and every case fails with "No guest physical
# page available".  So globals are not instrumented; heap, stack,
# use-after-free, leaks and UB still are.
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer --param=asan-globals=0
SAN_CFLAGS := -O1 -g $(SAN_FLAGS)
# KSRC=$(KTREE): reuse the tree the normal build extracted, not a second copy.
SAN_MAKE  := $(MAKE) --no-print-directory BUILD=$(SAN_BUILD) KSRC=$(KTREE) CFLAGS="$(SAN_CFLAGS)"
# No LeakSanitizer suppressions: each case's child process frees its VM
# (kvm_vm_free in execute.c) before exit(), so the selftests library's
# allocations are not leaks, and a leak reported from a child is real.  It
# reaches the report as the child's stderr and exit code: the case errors.
SAN_ENV	  := ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
SAN_TESTS := $(addprefix $(SAN_BUILD)/tests/,$(TEST_NAMES))
SAN_GUEST := $(patsubst $(BUILD)/%,$(SAN_BUILD)/%,$(GUEST_OBJS) $(KSFT_OBJS))

VALGRIND  ?= valgrind --quiet --leak-check=full --error-exitcode=1

.PHONY: check-asan check-valgrind

# The harness in a build directory, so a sanitizer build does not replace
# ./iorfd-conform.  CFLAGS on the link line brings in the sanitizer runtime.
$(BUILD)/iorfd-conform: $(HARNESS_OBJS) $(GUEST_OBJS) $(KSFT_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# make does not notice changed flags: objects built with other ones go.
check-asan: $(KSTAMP) runner-kernel $(BUILD)/example-device
	@mkdir -p $(SAN_BUILD); echo '$(SAN_CFLAGS)' | cmp -s - $(SAN_BUILD)/cflags || \
		{ rm -rf $(SAN_BUILD)/obj $(SAN_BUILD)/tests; echo '$(SAN_CFLAGS)' >$(SAN_BUILD)/cflags; }
	@$(SAN_MAKE) $(SAN_BUILD)/iorfd-conform $(SAN_TESTS)
	@if nm -A $(SAN_GUEST) | grep -E ' U __(asan|ubsan)_'; then \
		echo "check-asan: guest or selftests objects are instrumented (see above)" >&2; \
		exit 1; fi
	@set -e; for t in $(SAN_TESTS); do echo "# asan $$t"; $(SAN_ENV) $$t; done
	@echo "# asan $(SAN_BUILD)/iorfd-conform --target reference cases/"
	@$(SAN_ENV) $(SAN_BUILD)/iorfd-conform --vm auto --vm-out $(SAN_BUILD)/vm-run \
		--target reference cases/
	@echo "# asan $(SAN_BUILD)/iorfd-conform device -- $(BUILD)/example-device"
	@$(SAN_ENV) $(SAN_BUILD)/iorfd-conform device -- $(BUILD)/example-device

check-valgrind: $(TEST_BINS) iorfd-conform
	@set -e; for t in $(TEST_BINS); do echo "# valgrind $$t"; $(VALGRIND) $$t; done
	@echo "# valgrind: the error paths of tests/test-hostile-input.sh"
	VALGRIND="$(VALGRIND)" tests/test-hostile-input.sh
