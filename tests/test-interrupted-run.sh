#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An interrupted run leaves complete results (issue 15, class 12).  The
# catalogue runs in a VM whose own time limit ends it half way with SIGTERM,
# as a CI job's cancel or a Ctrl-C would: the KTAP stream must still account
# for every planned case (the one in flight an error saying it was
# interrupted, the rest SKIPs saying they were not run), the JSON must parse
# and name the signal, the JUnit must be well-formed, and the suite must
# exit 128 + 15.
#
#   tests/test-interrupted-run.sh   (from anywhere; needs ./iorfd-conform built
#                                    and the runner kernel: make runner-kernel)
set -eu
cd "$(dirname "$0")/.."
BIN=./iorfd-conform
. tests/lib.sh

command -v xmllint >/dev/null || fail "xmllint not found (apt-get install libxml2-utils)"
# --repeat makes the mmio cases far longer than the guest's limit even under
# KVM; --vm-timeout 24 leaves the guest's suite 18 s and the results time to come back.
rc=0
timeout 120 $BIN --vm always --vm-out "$T/vm" --vm-timeout 24 --target reference \
	--revision all --filter "mmio-*" --repeat 200 --json "$T/r.json" --junit "$T/r.xml" cases/ \
	>"$T/ktap" 2>"$T/err" || rc=$?
[ "$rc" != 124 ] || fail "the run did not end within 120 s"
grep -q "suite-end status=timeout" "$T/vm/console.log" ||
	fail "the guest's limit did not fire (the run was not interrupted): $(tail -3 "$T/err")"
grep -q "iorfd-conform: interrupted (SIGTERM)" "$T/vm/stderr.txt" ||
	fail "the suite did not say it was interrupted: $(tail -3 "$T/vm/stderr.txt")"
ok "SIGTERM half way ends the suite with a message"

plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$T/vm/ktap.txt")
lines=$(grep -cE '^(not )?ok [0-9]+ ' "$T/vm/ktap.txt")
[ -n "$plan" ] && [ "$plan" = "$lines" ] || fail "KTAP plan 1..$plan but $lines results"
grep -q "no verdict" "$T/vm/ktap.txt" || fail "no case marked interrupted in the KTAP"
grep -q "# SKIP not run: the run was interrupted (SIGTERM)" "$T/vm/ktap.txt" ||
	fail "the cases not run are not reported as such"
ok "KTAP accounts for all $plan planned cases"

[ -s "$T/r.json" ] || fail "no JSON came back"
grep -q '"interrupted": "SIGTERM"' "$T/r.json" || fail "the JSON does not name the signal"
grep -q '"kind": "interrupted"' "$T/r.json" || fail "no failure of kind interrupted in the JSON"
$BIN report -o "$T/html" "$T/r.json" >/dev/null 2>"$T/report.err" ||
	fail "the JSON does not read back: $(cat "$T/report.err")"
xmllint --noout "$T/r.xml" 2>"$T/xml.err" || fail "the JUnit is not well-formed: $(cat "$T/xml.err")"
ok "JSON and JUnit are complete and read back"

echo "1..$n"
