# SPDX-License-Identifier: GPL-2.0
#
# libFuzzer targets for the code that reads untrusted input: case files,
# expectation files, results files, and the 32-byte commands a kernel under
# test sends.
# Included by the top Makefile, which defines BUILD and WARN.
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS='fuzz_wire ...']
#
# Each target runs for FUZZ_SECONDS, one after another.  The working corpus
# stays in $(BUILD)/fuzz/corpus/TARGET between runs and is seeded each time
# from files the tree has anyway (cases, expectations, the report tests'
# results file; not copied), from tests/fuzz/json-seeds/ (JSON forms that
# file lacks) and from tests/fuzz/regress/.  A crash, leak or broken property is saved as
# $(BUILD)/fuzz/crashes/TARGET-crash-<sha1> and makes 'make fuzz' fail; the
# full libFuzzer output is in $(BUILD)/fuzz/logs/TARGET.log.  To replay one:
#
#   $(BUILD)/fuzz/TARGET $(BUILD)/fuzz/crashes/TARGET-crash-...
#
# Clang, not $(CC): libFuzzer is part of clang (libclang-rt-14-dev).

FUZZ_CC	     ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_TARGETS ?= fuzz_case_load fuzz_wire fuzz_expectations fuzz_json_read fuzz_run_opts

# Recovering from UB would print and go on; the fuzzer must see it as a crash.
FUZZ_CFLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
	       -fno-sanitize-recover=all -std=gnu11 -D_GNU_SOURCE $(WARN) -Iharness -I.

# The rooms each target links, besides its own file.
FUZZ_ROOMS_fuzz_case_load    := harness/casefile harness/lib harness/proto harness/model
FUZZ_ROOMS_fuzz_wire	     := harness/proto
FUZZ_ROOMS_fuzz_expectations := harness/casefile harness/lib harness/proto harness/model
# The reports it feeds link the registry's lookup, and so its room.
FUZZ_ROOMS_fuzz_json_read    := reports/offline harness/casefile harness/lib harness/proto \
				harness/model
# The run's option parser is one file of cli/, whose other files start runs.
FUZZ_ROOMS_fuzz_run_opts     := harness/vm harness/lib harness/proto
$(foreach t,$(FUZZ_TARGETS),$(eval FUZZ_SRCS_$(t) := $(foreach r,$(FUZZ_ROOMS_$(t)),$(wildcard $(r)/*.c))))
FUZZ_SRCS_fuzz_run_opts	     += harness/cli/run_opts.c

# Seeds, and options: commands are 34 bytes plus up to 16 regions of 17.
FUZZ_SEEDS_fuzz_case_load    := $(wildcard cases/*.yaml cases/device/*.yaml tests/data/*.yaml)
FUZZ_SEEDS_fuzz_expectations := $(wildcard expectations/*.yaml)
FUZZ_SEEDS_fuzz_json_read    := $(wildcard tests/fuzz/json-seeds/*.json tests/report/data/*.json)
FUZZ_SEEDS_fuzz_run_opts     := $(wildcard tests/fuzz/opts-seeds/*)
# The example in expectations.h's comment has the keys those files lack;
# without its kernel glob, which would make it match only on 6.1 hosts.
FUZZ_SEED_CMD_fuzz_expectations = sed -n -e 's/, kernel: "[^"]*"//' \
				  -e '/^ \*   description:/,/^ \*       shown_by:/s/^ \*   //p' \
				  harness/casefile/expectations.h >$$corpus/seed-expectations-h.yaml;
FUZZ_OPTS_fuzz_case_load     := -dict=$(FUZZ_DIR)/yaml.dict
FUZZ_OPTS_fuzz_expectations  := -dict=$(FUZZ_DIR)/yaml.dict
FUZZ_OPTS_fuzz_wire	     := -max_len=306
# The report fixture is 10 KB: inputs that long keep whole records to mutate.
FUZZ_OPTS_fuzz_json_read     := -dict=$(FUZZ_DIR)/json.dict -max_len=16384
# Arguments cut at NUL; the parser's messages on stderr are not the fuzzer's.
FUZZ_OPTS_fuzz_run_opts	     := -max_len=512 -close_fd_mask=2

.PHONY: fuzz fuzz-build

define fuzz_rule
$(FUZZ_DIR)/$(1): tests/fuzz/$(1).c $(FUZZ_SRCS_$(1)) $(foreach r,$(FUZZ_ROOMS_$(1)),$(wildcard $(r)/*.h))
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $$@ $$< $(FUZZ_SRCS_$(1)) -lyaml
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

# tests/fuzz/yaml.dict, plus every identifier-like string literal of the
# two loaders: the case schema grows often, and a key the fuzzer cannot
# guess is a part of the loader it never reaches.
$(FUZZ_DIR)/yaml.dict: tests/fuzz/yaml.dict harness/casefile/case_load.c harness/casefile/expectations.c \
		       harness/casefile/case_schema.c
	@mkdir -p $(dir $@)
	@{ cat tests/fuzz/yaml.dict; echo '# from the loaders and the schema'; \
	   { grep -ohE '"[A-Za-z_][A-Za-z0-9_+-]*"' harness/casefile/case_load.c harness/casefile/expectations.c; \
	     grep -ohE '"[a-z_ |?]+"' harness/casefile/case_schema.c | tr -d '"?' | tr ' |' '\n\n' | \
		grep -E '^[a-z_]+$$' | sed 's/.*/"&"/'; } | sort -u; } >$@

# tests/fuzz/json.dict, plus the keys and values the results reader looks for.
$(FUZZ_DIR)/json.dict: tests/fuzz/json.dict reports/offline/json_read_results.c
	@mkdir -p $(dir $@)
	@{ cat tests/fuzz/json.dict; echo '# from the results reader'; \
	   grep -ohE '"[A-Za-z_][A-Za-z0-9_-]*"' reports/offline/json_read_results.c | sort -u; } >$@

fuzz-build: $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS)) $(FUZZ_DIR)/yaml.dict $(FUZZ_DIR)/json.dict

# One target: seed, run, summarise from libFuzzer's last status line and
# final stats.  A failed run is remembered in rc and reported at the end, so
# one crash does not stop the other targets from running.
define fuzz_run
	corpus=$(FUZZ_DIR)/corpus/$(1); log=$(FUZZ_DIR)/logs/$(1).log; \
	mkdir -p $$corpus $(FUZZ_DIR)/crashes $(FUZZ_DIR)/logs; \
	for f in $(FUZZ_SEEDS_$(1)) $(wildcard tests/fuzz/regress/$(1)-*); do \
		cp $$f $$corpus/seed-$$(basename $$f); done; \
	$(FUZZ_SEED_CMD_$(1)) \
	echo "# fuzz $(1): $(FUZZ_SECONDS) s"; \
	UBSAN_OPTIONS=print_stacktrace=1 $(FUZZ_DIR)/$(1) $$corpus $(FUZZ_OPTS_$(1)) \
		-max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/crashes/$(1)- >$$log 2>&1 || \
		{ rc=1; echo "# $(1): FAILED, see $$log and $(FUZZ_DIR)/crashes/"; }; \
	execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log); \
	rate=$$(sed -n 's/^stat::average_exec_per_sec: *//p' $$log); \
	status=$$(grep -E '^#[0-9]+' $$log | tail -n 1 | \
		  sed -E 's/.*(cov: [0-9]+ ft: [0-9]+ corp: [^ ]+).*/\1/'); \
	echo "# $(1): $${execs:-?} executions ($${rate:-?}/s), $$status";
endef

fuzz: fuzz-build
	@rc=0; $(foreach t,$(FUZZ_TARGETS),$(call fuzz_run,$(t))) exit $$rc
