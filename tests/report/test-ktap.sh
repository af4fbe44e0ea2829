#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The KTAP stream as kernel CI reads it: a run with a known failure (XFAIL),
# a timeout and a harness error, read back by the kernel's own parser,
# tools/testing/kunit/kunit.py from the linux-source tarball.
#
# KTAP (Documentation/dev-tools/ktap.rst) defines the XFAIL, TIMEOUT and
# ERROR directives; the suite uses each where it applies, with the reason as
# the directive's diagnostic data.  kunit.py of 6.1 implements only SKIP: it
# reads "ok # XFAIL" as a pass and "not ok # TIMEOUT/ERROR" as failures.
# This test shows both: what the stream says, and what kunit.py makes of it.
. "$(dirname "$0")/lib.sh"

KSRC_TAR=${KSRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
command -v python3 >/dev/null || fail "python3 not found (apt-get install python3)"
[ -r "$KSRC_TAR" ] || fail "$KSRC_TAR not found (apt-get install linux-source-6.1)"
tar -xJf "$KSRC_TAR" -C "$T" linux-source-6.1/tools/testing/kunit ||
	fail "cannot extract kunit.py from $KSRC_TAR"
KUNIT=$T/linux-source-6.1/tools/testing/kunit/kunit.py

# One case that fails, listed as a known failure of the reference; one that
# times out (a reply withheld past its limit); one that passes.
mkdir -p "$T/run"
failing_case "$T/run"
cp "$REPO/cases/pio-sizes.yaml" "$T/run/"
cat >"$T/expect.yaml" <<'EOF'
when: {target: reference}
known_failures:
  - case: mmio-write-sizes
    reason: >-
      B99, a made-up bug for this test, with a reason longer than two hundred characters so that
      a report that cuts reasons short shows here: the reference writes 0xbeef where the edited
      case expects 0xbeee, on every revision, in command number two of channel dev
    fails:
      - {kind: cmd-differs}
EOF
cat >"$T/run/pio-timeout.yaml" <<'EOF'
case: pio-timeout
summary: A reply withheld past the case's own limit.
requirements: [WIRE-2]
timeout_ms: 1500
channels:
  dev: {kind: stream, script: [{at: 1, hold: true, reply: 0x1}]}
regions:
  ports: {channel: dev, space: pio, gpa: 0x7c00, size: 4, user_data: 0x1}
vcpus:
  - program:
      - {op: read, region: ports, offset: 0, size: 4, expect: 0x1}
expect:
  transcript:
    dev:
      - {cmd: read, region: ports, size: 4, offset: 0, data: 0, reply: 0x1}
EOF
run_suite "$T/run" 1 --expect "$T/expect.yaml"
K=$T/run.ktap
expect_grep "$K" "ok 1 mmio-write-sizes.v1 # XFAIL B99, a made-up bug" "the XFAIL directive"
expect_grep "$K" "in command number two of channel dev ($T/expect.yaml:3)" "the whole reason"
grep -q "^not ok [0-9]* pio-timeout.v1 # TIMEOUT .*no verdict within 1500 ms" "$K" ||
	fail "no TIMEOUT directive with its cause: $(grep pio-timeout.v1 "$K")"
grep -q "^ok [0-9]* pio-sizes.v1$" "$K" || fail "the passing case is not a plain ok"
ok "KTAP: # XFAIL with the whole reason, # TIMEOUT with its cause, plain ok for a pass"

# kunit.py parse: it must read the stream without complaint and count the
# timeouts as failures; what it does with XFAIL is its own (a pass in 6.1).
python3 "$KUNIT" parse "$K" >"$T/kunit.out" 2>&1 || true
grep -q "Could not find any KTAP output\|invalid KTAP input\|Test plan\b.*not" "$T/kunit.out" &&
	fail "kunit.py could not parse the stream: $(tail -5 "$T/kunit.out")"
grep -q "\[FAILED\] pio-timeout.v1" "$T/kunit.out" ||
	fail "kunit.py does not show the timeout as failed: $(tail -20 "$T/kunit.out")"
grep -q "\[PASSED\] mmio-write-sizes.v1" "$T/kunit.out" ||
	fail "kunit.py changed its reading of XFAIL (update the README): $(tail -20 "$T/kunit.out")"
grep -Eq "failed: 3|3 failed|failed: *3" "$T/kunit.out" ||
	fail "kunit.py's totals: $(grep -i 'ran\|passed' "$T/kunit.out" | tail -2)"
ok "kunit.py parses it: the 3 timeouts are failures; it reads XFAIL as a pass (it knows only SKIP)"

# An XPASS (a listed case that passes) passes the run by default, marked as
# such; --strict makes it fail, so a stale expectations file cannot go unseen.
mkdir -p "$T/xp"
cp "$REPO/cases/pio-sizes.yaml" "$T/xp/"
cat >"$T/stale.yaml" <<'EOF2'
when: {target: reference}
known_failures:
  - case: pio-sizes
    revisions: [v1]
    reason: B98, fixed long ago
    fails:
      - {kind: guest-value}
EOF2
run_suite "$T/xp" 0 --expect "$T/stale.yaml"
expect_grep "$T/xp.ktap" "ok 1 pio-sizes.v1 # XPASS listed as a known failure: B98, fixed long ago" \
	"the XPASS line"
# --strict, and --timeout-scale in the same run (each VM boot costs seconds):
# the stale entry fails, and the case's own 1500 ms limit doubles.
cp "$T/run/pio-timeout.yaml" "$T/xp/"
run_suite "$T/xp" 1 --expect "$T/stale.yaml" --strict --timeout-scale 2 \
	--filter pio-sizes.v1 --filter pio-timeout.v1
grep -q "^not ok [0-9]* pio-sizes.v1$" "$T/xp.ktap" || fail "--strict: $(grep pio-sizes.v1 "$T/xp.ktap")"
expect_grep "$T/xp.ktap" "lists it as a known failure: the bug is fixed or the entry is stale" \
	"--strict's reason"
grep -q "^not ok [0-9]* pio-timeout.v1 # TIMEOUT .*no verdict within 3000 ms" "$T/xp.ktap" ||
	fail "--timeout-scale 2: $(grep pio-timeout.v1 "$T/xp.ktap")"
ok "an XPASS passes by default and fails the run with --strict; --timeout-scale 2 doubles a case's own limit"

echo "1..$n"
