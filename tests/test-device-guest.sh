#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The device side under real guest accesses: 'iorfd-conform device --guest'.
# The example device stands in for our responder on the guest cases of the
# catalogue and passes every one it can serve, on every revision; the
# others are SKIPs that say why.  The faulty device meets one guest case
# per fault (tests/data/device-guest/guest-faults.yaml, 'per-region') and
# each fails citing the rule it breaks, at the guest step whose access led
# to it, with a decoded expected/observed pair; the same case passes with
# no fault.  On a fixture kernel (FIXTURE_KERNELS) the kernel's own
# KVM_SET_IOREGION drives the device: the example passes there too (the
# kernel's known bugs XFAIL as they do with our responder), a write-behind
# device fails.  Where this host has no usable KVM every run is in a QEMU
# guest (--vm auto), so all of it runs anywhere; every run has a limit.
#
#   tests/test-device-guest.sh   (needs make all, the runner kernel)
set -eu
cd "$(dirname "$0")/.."
BIN=./iorfd-conform
BUILD=${BUILD:-build}
EXAMPLE=$BUILD/example-device
FAULTY=$BUILD/faulty-device
FIXTURES=${FIXTURE_KERNELS:-../shared/kernels}
. tests/lib.sh

for f in "$BIN" "$EXAMPLE" "$FAULTY"; do
	[ -x "$f" ] || fail "$f is not built (make all)"
done

# run NAME SECONDS ARGS...: a device --guest run, its KTAP in $T/NAME.out, exit code in $rc.
run()
{
	limited "$1" "$2" "$BIN" device --guest --vm auto --vm-out "$T/vm-$1" "${@:3}"
}

totals()
{
	grep -o '^# Totals: .*' "$T/$1.out" || echo "no totals"
}

# ---- the example device on the catalogue ----------------------------------
start=$(date +%s)
run example 300 -j 2 --json "$T/example.json" --junit "$T/example.xml" -- "$EXAMPLE"
[ "$rc" = 0 ] || fail "example device: exit $rc, $(totals example): $(grep -m3 '^not ok' "$T/example.out")"
pass=$(grep -c '^ok [0-9]* [^#]*$' "$T/example.out" || true)
skip=$(grep -c '^ok .* # SKIP ' "$T/example.out" || true)
[ "$pass" -ge 100 ] || fail "example device: only $pass cases passed"
# Every SKIP says why: the program serves no channel, or the case needs what this target lacks.
bad=$(grep '^ok .* # SKIP ' "$T/example.out" |
	grep -v -e '# SKIP no channel for the device program: ' -e '# SKIP needs fault injection' || true)
[ -z "$bad" ] || fail "a SKIP without a device reason: $(echo "$bad" | head -1)"
grep -q '^# device program: build/example-device, in our responder' "$T/example.out" ||
	fail "the KTAP header does not name the device program"
ok "the example device passes $pass case runs under guest accesses, $skip SKIPs each say why ($(($(date +%s) - start))s)"

python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["device"] == sys.argv[2], r["device"]
assert r["target"] in ("reference", "kernel"), r["target"]
' "$T/example.json" "$EXAMPLE" || fail "--json does not name the device and the target"
xmllint --noout "$T/example.xml" || fail "--junit wrote no valid XML"
"$BIN" report -o "$T/html" "$T/example.json" >/dev/null 2>"$T/report.err" ||
	fail "report: $(cat "$T/report.err")"
grep -q "device build/example-device via reference" "$T/html/index.html" ||
	fail "the verdict matrix has no column for the device"
ok "--json names the device, JUnit is valid, the HTML verdict matrix has a device column"

# ---- one broken device per fault --------------------------------------------
FAULTS=tests/data/device-guest/guest-faults.yaml
# step PATTERN [last]: ":LINE:", the line of the guest step matching PATTERN (the first, or last).
step()
{
	local lines

	lines=$(grep -n -- "$1" "$FAULTS" | cut -d: -f1)
	[ -n "$lines" ] || fail "$FAULTS has no step '$1'"
	echo ":$(echo "$lines" | if [ "${2:-}" = last ]; then tail -1; else head -1; fi):"
}
first_write=$(step "op: write, region: bar")
first_read=$(step "op: read, region: bar")
last_read=$(step "op: read, region: bar" last)
flush_read=$(step "op: read, region: ring, offset: 0x0")
# fault: the rule its case must fail, and the guest step (case file line) it points at.
declare -A rule=(
	[stale-posted]="DEV-6 $flush_read" [answer-posted]="DEV-2 :" [ignore-user-data]="DEV-4 $last_read"
	[silent]="DEV-1 $first_write" [short-reply]="DEV-3 $first_write" [crash-mid]="DEV-11 :"
	[hang-on-eof]="DEV-10 :" [high-bytes]="DEV-4 $first_read" [wrong-layout]="DEV-1 $first_write"
)
start=$(date +%s)
run faults 240 tests/data/device-guest/ -- "$FAULTY" per-region
[ "$rc" = 1 ] || fail "faulty devices: exit $rc (1 expected): $(totals faults)"
for rev in v1 v2 v3; do
	grep -q "^ok [0-9]* guest-faults-none.$rev\$" "$T/faults.out" ||
		fail "the baseline (no fault) did not pass on $rev"
done
for f in "${!rule[@]}"; do
	read -r req line <<<"${rule[$f]}"
	for rev in v1 v2 v3; do
		block=$(awk -v name="guest-faults-$f.$rev" '
			/^# .*: (fail|error|timeout) \(/ { buf = "" }
			{ buf = buf $0 "\n" }
			$0 ~ "^not ok [0-9]+ " name "$" { print buf; exit }' "$T/faults.out")
		[ -n "$block" ] || fail "$f on $rev: no 'not ok' ($(totals faults))"
		echo "$block" | grep -q "^# \[$req\] tests/data/device-guest/guest-faults.yaml$line" ||
			fail "$f on $rev: not a $req failure at guest-faults.yaml$line: $block"
		echo "$block" | grep -q '^#   expected: ' && echo "$block" | grep -q '^#   observed: ' ||
			fail "$f on $rev: no expected/observed pair: $block"
	done
done
ok "${#rule[@]} broken devices each fail their rule on v1, v2, v3; no fault passes ($(($(date +%s) - start))s)"

# ---- the kernel's own KVM_SET_IOREGION drives the device ---------------------
img=$FIXTURES/rfc-v3/bzImage
if [ -f "$img" ]; then
	start=$(date +%s)
	sel=(--filter 'mmio-*' --filter 'pio-*' --filter 'posted-*' --filter 'field-*')
	run kernel 300 --target kernel --vm always --vm-kernel "$img" --expect expectations \
		--channel stream "${sel[@]}" -- "$EXAMPLE"
	[ "$rc" = 0 ] || fail "rfc-v3, example device: exit $rc: $(totals kernel)"
	grep -q '^# iorfd-conform .*target=kernel' "$T/kernel.out" || fail "rfc-v3: not the kernel target"
	grep -Eq '^# Totals: pass:[1-9]' "$T/kernel.out" || fail "rfc-v3: nothing passed: $(totals kernel)"
	run kernel-stale 300 --target kernel --vm always --vm-kernel "$img" --expect expectations \
		--filter posted-then-read -- "$FAULTY" stale-posted
	[ "$rc" = 1 ] && grep -q '^# \[DEV-6\] cases/posted-then-read.yaml' "$T/kernel-stale.out" ||
		fail "rfc-v3, write-behind device: exit $rc, $(grep -m2 '^# \[' "$T/kernel-stale.out")"
	ok "on rfc-v3 the kernel drives the device: example $(totals kernel | cut -c11-), write-behind fails DEV-6 ($(($(date +%s) - start))s)"
else
	echo "ok $((n += 1)) - test-device-guest: # SKIP no fixture kernel at $img"
fi

# ---- usage -----------------------------------------------------------------------
rc=0
"$BIN" device --guest cases/pio-sizes.yaml >/dev/null 2>"$T/nodev.err" || rc=$?
[ "$rc" = 2 ] && grep -q "no device program" "$T/nodev.err" || fail "no device: exit $rc"
rc=0
"$BIN" device --guest --vm always cases/pio-sizes.yaml -- example-device >/dev/null \
	2>"$T/bare.err" || rc=$?
[ "$rc" = 2 ] && grep -q "give the device program as a path" "$T/bare.err" ||
	fail "a bare program name with --vm: exit $rc: $(cat "$T/bare.err")"
rc=0
"$BIN" device --guest --channel sideways -- "$EXAMPLE" >/dev/null 2>"$T/chan.err" || rc=$?
[ "$rc" = 2 ] && grep -q "not pipes or stream" "$T/chan.err" || fail "--channel sideways: exit $rc"
"$BIN" device --help | grep -q -- "--guest" || fail "device --help does not show --guest"
ok "usage errors: no device, a bare name for a VM, a bad --channel; --help shows --guest"
echo "$n passed"
