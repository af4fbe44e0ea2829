# SPDX-License-Identifier: GPL-2.0
#
# Reports made from results files, and code coverage.  Included by the top
# Makefile, which defines BUILD, KTREE, KSTAMP, the object lists and VM_OUT
# (harness/vm/vm.mk).
#
#   make check-report     unit tests of the JSON reader; JUnit against the
#                         Jenkins schema; HTML; page names and unwritable
#                         outputs; verdict diff; the HTML report of a
#                         failing run in headless chromium
#   make coverage         the harness built with --coverage in $(COV_DIR):
#                         unit tests, the suite on the reference target, the
#                         report commands; lcov and gcovr HTML in
#                         $(COV_DIR)/html; one summary line
#   make coverage-kernel KERNEL_DIR=../shared/kernels/rfc-v3 [VM_OUT=DIR]
#                         line and branch coverage of virt/kvm/ioregion.c from
#                         the gcov data a VM run brought back (make vm-check
#                         KERNEL=$(KERNEL_DIR)/bzImage VM_OUT=DIR)
#   make coverage-kernel  the same for each fixture kernel after
#                         check-kernels, and the gate: every line and branch
#                         left uncovered is explained in docs/kernel-coverage.md

COV_DIR	   ?= $(BUILD)/cov
KERNEL_DIR ?=
# Only host code sees CFLAGS.  Guest code and the selftests library are built
# with GUEST_CFLAGS and stay uninstrumented: they run inside the guest, where
# there is no gcov runtime and no file system to write counters to.
COV_MAKE   := $(MAKE) --no-print-directory BUILD=$(COV_DIR) KSRC=$(KTREE) \
	      CFLAGS="-O0 -g --coverage"
COV_BIN	   := $(COV_DIR)/iorfd-conform-cov
COV_TESTS  := $(addprefix $(COV_DIR)/tests/,$(TEST_NAMES))
COV_DIRS   := harness responders reports

.PHONY: check-report coverage coverage-kernel coverage-kernel-one

check-report: iorfd-conform $(BUILD)/tests/test_json_read
	$(BUILD)/tests/test_json_read
	tests/report/test-junit.sh
	tests/report/test-ktap.sh
	tests/report/test-html.sh
	tests/report/test-html-why.sh
	tests/report/test-output-files.sh
	tests/report/test-diff.sh
	tests/report/test-browser.sh

# The instrumented harness under its own name: ./iorfd-conform stays as it is.
# CFLAGS (with --coverage) on the link line brings in the gcov runtime.
$(BUILD)/iorfd-conform-cov: $(HARNESS_OBJS) $(GUEST_OBJS) $(KSFT_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Cobertura XML, the coverage format GitLab's coverage view and Jenkins'
# plugins read: checked against the format's DTD as restated in tests/data
# (offline: the file names the DTD by URL, which is not fetched).
define cobertura_check
xmllint --noout --nonet --dtdvalid tests/data/cobertura.dtd $(1) 2>$(1).lint || \
	{ grep -v 'failed to load external entity\|DOCTYPE\|^ *\^' $(1).lint >&2; \
	  echo "coverage: $(1) is no valid Cobertura XML" >&2; exit 1; }
endef

# lcov's summary of one tracefile as "lines 81.2% (900/1108) branches 55.0% (...)".
define cov_summary
lcov --summary $(1) --rc lcov_branch_coverage=1 2>&1 | awk '\
	/lines\.*:/ { l = $$2 " (" substr($$3, 2) "/" $$5 ")" } \
	/branches\.*:/ { b = $$2 " (" substr($$3, 2) "/" $$5 ")" } \
	END { printf "lines %s branches %s", l ? l : "n/a", b ? b : "n/a" }'
endef

coverage: $(KSTAMP) runner-kernel $(BUILD)/example-device $(BUILD)/faulty-device
	@find $(COV_DIR) -name '*.gcda' -delete 2>/dev/null || true
	@rm -f $(COV_DIR)/failed
	@$(COV_MAKE) $(COV_BIN) $(COV_TESTS)
	@# Instrumented guest code would crash in the guest: refuse it.
	@if find $(COV_DIR)/guest $(COV_DIR)/ksft -name '*.gcno' | grep -q .; then \
		echo "coverage: guest or selftests objects in $(COV_DIR) are instrumented" >&2; \
		exit 1; fi
	@# A failing test still leaves counters worth reporting; it fails the target at the end.
	@for t in $(COV_TESTS); do \
		$$t >$$t.log 2>&1 || echo "unit test $$t failed (see $$t.log)" >>$(COV_DIR)/failed; done
	@$(COV_BIN) --vm auto --vm-out $(COV_DIR)/vm-run \
		--target reference --revision all --json $(COV_DIR)/results.json \
		--junit $(COV_DIR)/results.xml cases/ >$(COV_DIR)/ktap.txt 2>$(COV_DIR)/suite.err || \
		echo "the suite on the reference target exited $$? (see $(COV_DIR)/ktap.txt)" >>$(COV_DIR)/failed
	@tail -1 $(COV_DIR)/ktap.txt
	@# The device side: the example device, and one that fails, for the failure paths.
	@$(COV_BIN) device -- $(BUILD)/example-device >$(COV_DIR)/device-ktap.txt 2>&1 || \
		echo "the device side on the example device exited $$? (see $(COV_DIR)/device-ktap.txt)" \
		>>$(COV_DIR)/failed
	@$(COV_BIN) device --reply-timeout 200 --exit-timeout 200 --revision v3 \
		-- $(BUILD)/faulty-device answer-posted >/dev/null 2>&1; true
	@$(COV_BIN) report -o $(COV_DIR)/report $(COV_DIR)/results.json 2>/dev/null || \
		echo "report -o failed" >>$(COV_DIR)/failed
	@$(COV_BIN) report --diff $(COV_DIR)/results.json $(COV_DIR)/results.json >/dev/null || \
		echo "report --diff of a file against itself failed" >>$(COV_DIR)/failed
	@rm -rf $(COV_DIR)/html && mkdir -p $(COV_DIR)/html/lcov $(COV_DIR)/html/gcovr
	@lcov --quiet --capture --directory $(COV_DIR)/obj --rc lcov_branch_coverage=1 \
		-o $(COV_DIR)/all.info 2>$(COV_DIR)/lcov.log
	@lcov --quiet --extract $(COV_DIR)/all.info $(foreach d,$(COV_DIRS),'$(CURDIR)/$(d)/*') \
		--rc lcov_branch_coverage=1 -o $(COV_DIR)/ours.info 2>>$(COV_DIR)/lcov.log
	@for d in $(COV_DIRS); do \
		lcov --quiet --extract $(COV_DIR)/all.info "$(CURDIR)/$$d/*" \
			--rc lcov_branch_coverage=1 -o $(COV_DIR)/$$d.info 2>>$(COV_DIR)/lcov.log; done
	@genhtml --quiet --branch-coverage --legend -o $(COV_DIR)/html/lcov $(COV_DIR)/ours.info \
		>>$(COV_DIR)/lcov.log 2>&1
	@gcovr --root . $(foreach d,$(COV_DIRS),--filter '$(d)/') --html-details \
		$(COV_DIR)/html/gcovr/index.html --xml $(COV_DIR)/coverage.xml \
		$(COV_DIR)/obj >$(COV_DIR)/gcovr.log 2>&1
	@$(call cobertura_check,$(COV_DIR)/coverage.xml)
	@echo "# coverage HTML: $(COV_DIR)/html/lcov/index.html $(COV_DIR)/html/gcovr/index.html"
	@echo "# coverage Cobertura XML: $(COV_DIR)/coverage.xml"
	@printf 'coverage:'; for d in $(COV_DIRS); do \
		printf ' %s/ ' $$d; $(call cov_summary,$(COV_DIR)/$$d.info); printf ';'; done; \
	printf ' all: '; $(call cov_summary,$(COV_DIR)/ours.info); echo
	@if [ -s $(COV_DIR)/failed ]; then sed 's/^/coverage: /' $(COV_DIR)/failed >&2; exit 1; fi

# The notes file names its source relative to the kernel tree root
# (arch/x86/kvm/../../../virt/kvm/ioregion.c), so gcov runs in a copy of that
# layout: /work/shared/kernels/README.md, section Coverage.
KCOV_DIR = $(COV_DIR)/kernel-$(notdir $(patsubst %/,%,$(KERNEL_DIR)))

KCOV_FIXTURES := rfc-v3 rfc-v1

# Without KERNEL_DIR: each fixture kernel, then the gate.
coverage-kernel:
	@if [ -n "$(KERNEL_DIR)" ]; then \
		exec $(MAKE) --no-print-directory coverage-kernel-one; fi; \
	for k in $(KCOV_FIXTURES); do \
		d=$(FIXTURE_KERNELS)/$$k; \
		if [ ! -f $$d/gcov/ioregion.gcno ]; then \
			echo "# SKIP coverage-kernel $$k: $$d/gcov/ioregion.gcno not found"; continue; fi; \
		[ -f $(BUILD)/vm-$$k/gcov/ioregion.gcda ] || \
			$(MAKE) --no-print-directory check-kernels || exit 1; \
		$(MAKE) --no-print-directory coverage-kernel-one KERNEL_DIR=$$d \
			VM_OUT=$(BUILD)/vm-$$k || exit 1; \
		reports/coverage-gate.sh $$k $(COV_DIR)/kernel-$$k/ioregion.c.gcov \
			docs/kernel-coverage.md || exit 1; \
	done

coverage-kernel-one:
	@if [ -z "$(KERNEL_DIR)" ]; then \
		echo "coverage-kernel: set KERNEL_DIR=path/to/kernels/rfc-v3 (its gcov/ has ioregion.gcno and ioregion.c)" >&2; exit 2; fi
	@for f in $(KERNEL_DIR)/gcov/ioregion.gcno $(KERNEL_DIR)/gcov/ioregion.c; do \
		[ -f $$f ] || { echo "coverage-kernel: $$f: no such file" >&2; exit 2; }; done
	@if [ ! -f $(VM_OUT)/gcov/ioregion.gcda ]; then \
		echo "coverage-kernel: $(VM_OUT)/gcov/ioregion.gcda: no such file; run" \
		     "make vm-check KERNEL=$(KERNEL_DIR)/bzImage VM_OUT=$(VM_OUT) first" >&2; exit 2; fi
	@rm -rf $(KCOV_DIR) && mkdir -p $(KCOV_DIR)/arch/x86/kvm $(KCOV_DIR)/virt/kvm $(KCOV_DIR)/html
	@cp $(KERNEL_DIR)/gcov/ioregion.c $(KCOV_DIR)/virt/kvm/
	@cp $(KERNEL_DIR)/gcov/ioregion.gcno $(VM_OUT)/gcov/ioregion.gcda $(KCOV_DIR)/
	@cd $(KCOV_DIR) && gcov -b -c -o . virt/kvm/ioregion.c >gcov.txt 2>&1 || \
		{ echo "coverage-kernel: gcov failed in $(KCOV_DIR) (see gcov.txt)" >&2; exit 1; }
	@# Counters of another build would be read against these notes and give nonsense.
	@if grep -E 'stamp mismatch|profile mismatch|cannot open data file' $(KCOV_DIR)/gcov.txt >&2; then \
		echo "coverage-kernel: $(VM_OUT)/gcov/ioregion.gcda is not from the kernel in $(KERNEL_DIR)" >&2; \
		exit 1; fi
	@# From the .gcov files just made: gcovr's own gcov run would want the kernel headers.
	@cd $(KCOV_DIR) && gcovr --root . --use-gcov-files --keep --filter 'virt/kvm/' \
		--html-details html/index.html --xml coverage.xml . >gcovr.log 2>&1 || \
		{ echo "coverage-kernel: gcovr failed (see $(KCOV_DIR)/gcovr.log)" >&2; exit 1; }
	@$(call cobertura_check,$(KCOV_DIR)/coverage.xml)
	@echo "# kernel coverage HTML: $(KCOV_DIR)/html/index.html, Cobertura XML: $(KCOV_DIR)/coverage.xml, annotated source: $(KCOV_DIR)/ioregion.c.gcov"
	@awk -v out="$(VM_OUT)" -v k="$(KERNEL_DIR)" '\
		/^File / { f = $$0 ~ /virt\/kvm\/ioregion\.c.$$/ } \
		f && /^Lines executed:/ { split($$0, a, ":"); lines = a[2] } \
		f && /^Branches executed:/ { split($$0, a, ":"); br = a[2] } \
		f && /^Taken at least once:/ { split($$0, a, ":"); taken = a[2] } \
		END { if (!lines) { print "coverage-kernel: no counts for virt/kvm/ioregion.c in the gcov output" > "/dev/stderr"; exit 1 } \
		      printf "kernel coverage: virt/kvm/ioregion.c (%s, %s): lines %s, branches executed %s, taken %s\n", \
			     k, out, lines, br ? br : "n/a", taken ? taken : "n/a" }' $(KCOV_DIR)/gcov.txt
