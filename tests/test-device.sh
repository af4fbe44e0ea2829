#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The device side's self-check: 'iorfd-conform device' against our own
# device programs.  The example device (docs/examples/example-device.c)
# passes every device case on both channel kinds; the faulty device passes
# them too with no fault, and with each FAULT fails the case that shows it,
# on every revision, citing the rule it breaks, with the case file's line
# and a decoded expected/observed pair.  Devices that cannot start, exit at
# once, write garbage, flood, never answer or never read each get a verdict
# with the reason in bounded time: every run here is under a time limit, so
# a hang fails the test instead of stalling make check.
#
#   tests/test-device.sh         (needs make all: ./iorfd-conform, build/*-device)
set -eu
cd "$(dirname "$0")/.."
BIN=./iorfd-conform
BUILD=${BUILD:-build}
EXAMPLE=$BUILD/example-device
FAULTY=$BUILD/faulty-device
. tests/lib.sh
# Short waits for devices that are wrong on purpose; the example keeps the defaults.
FAST=(--reply-timeout 200 --exit-timeout 300)

for f in "$BIN" "$EXAMPLE" "$FAULTY"; do
	[ -x "$f" ] || fail "$f is not built (make all)"
done

# run NAME SECONDS ARGS...: the device run, its KTAP in $T/NAME.out, its exit code in $rc.
run()
{
	limited "$1" "$2" "$BIN" device "${@:3}"
}

nr_cases=$(ls cases/device/*.yaml | wc -l)
nr_runs=$((nr_cases * 3))

# ---- the example device passes everything ----------------------------------
start=$(date +%s%N)
run example 60 -- "$EXAMPLE"
ms=$((($(date +%s%N) - start) / 1000000))
[ "$rc" = 0 ] || fail "the example device failed (exit $rc): $(grep -v '^ok' "$T/example.out" | head -20)"
grep -qx "# Totals: pass:$nr_runs fail:0 xfail:0 xpass:0 skip:0 error:0" "$T/example.out" ||
	fail "the example device: $(tail -n 1 "$T/example.out"), expected $nr_runs passes"
ok "the example device passes all $nr_runs case x revision runs (pipes, ${ms} ms)"

run example-stream 60 --channel stream -- "$EXAMPLE"
[ "$rc" = 0 ] || fail "the example device on a stream socket: $(grep -v '^ok' "$T/example-stream.out" | head -20)"
ok "the example device passes them on a stream socket too"

run none 60 -- "$FAULTY" none
[ "$rc" = 0 ] || fail "faulty-device none failed: $(grep -v '^ok' "$T/none.out" | head -20)"
ok "the faulty device without a fault passes them: each failure below is its fault's"

# ---- each fault fails the case that shows it, citing its rule ----------------
# fault  case  requirement
while read -r fault case req; do
	run "$fault" 60 --filter "$case" "${FAST[@]}" -- "$FAULTY" "$fault"
	out=$T/$fault.out
	[ "$rc" = 1 ] || fail "fault $fault: exit $rc, expected 1: $(cat "$out")"
	for rev in v1 v2 v3; do
		grep -q "^not ok [0-9]* $case\.$rev\$" "$out" ||
			fail "fault $fault: $case.$rev did not fail: $(cat "$out")"
	done
	grep -Eq "^# \[$req\] cases/device/$case\.yaml:[0-9]+:[0-9]+: " "$out" ||
		fail "fault $fault: no failure citing $req at a line of $case.yaml: $(cat "$out")"
	grep -q '^#   expected: ' "$out" && grep -q '^#   observed: ' "$out" ||
		fail "fault $fault: no expected/observed pair: $(cat "$out")"
	grep -q "^# $case\.v1 transcript" "$out" ||
		fail "fault $fault: no transcript under the failure: $(cat "$out")"
	ok "fault $fault: $case fails on v1, v2 and v3 with [$req]"
done <<'EOF'
silent device-sizes DEV-1
answer-posted device-posted-no-reply DEV-2
short-reply device-sizes DEV-3
split-reply device-sizes DEV-3
high-bytes device-registers DEV-4
reorder device-order-pipelined DEV-5
stale-posted device-flush-posted DEV-6
ignore-user-data device-regions DEV-7
big-read device-stream-batch DEV-8
one-read device-stream-split DEV-9
eager-partial device-stream-split DEV-9
crash-on-eof device-eof DEV-10
hang-on-eof device-eof DEV-10
exit3-on-eof device-eof DEV-10
crash-mid device-sizes DEV-11
wrong-layout device-sizes DEV-1
fold-code device-unknown-code DEV-13
unknown-silent device-unknown-code-reply DEV-14
strict-reserved device-reserved-bits DEV-15
EOF

# A few decoded messages, word for word, so that their form cannot drift.
grep -qF '#   observed: killed by signal 6 (SIGABRT)' "$T/crash-on-eof.out" ||
	fail "crash-on-eof: the signal is not named: $(cat "$T/crash-on-eof.out")"
grep -qF '#   observed: still running after 300 ms (then killed)' "$T/hang-on-eof.out" ||
	fail "hang-on-eof: $(cat "$T/hang-on-eof.out")"
grep -qE '^#   expected: reply data=0x40f in the low 4 bytes' "$T/stale-posted.out" ||
	grep -qE '^#   expected: reply data=0x[0-9a-f]+3f in the low 8 bytes' "$T/stale-posted.out" ||
	fail "stale-posted: no decoded expected value: $(cat "$T/stale-posted.out")"
grep -qF 'it took the command: does it decode the v1/v2 layout, as IORFD_REVISION=v1 asks (DEV-12)?' \
	"$T/wrong-layout.out" || fail "wrong-layout: no hint at the layout: $(cat "$T/wrong-layout.out")"
grep -q 'replies out of order?' "$T/reorder.out" ||
	fail "reorder: the failure does not say the replies crossed: $(cat "$T/reorder.out")"
ok "failures name the signal, the bound, the value and the likely cause"

# ---- bad devices: a verdict with the reason, in bounded time -----------------
start=$(date +%s)
run no-exec 30 "${FAST[@]}" -- "$BUILD/no-such-device"
[ "$rc" = 1 ] || fail "a device that cannot start: exit $rc, expected 1"
grep -q "^# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:0 error:$nr_runs\$" "$T/no-exec.out" ||
	fail "a device that cannot start: not an error each: $(tail -n 3 "$T/no-exec.out")"
grep -q "^not ok 1 device-[a-z-]*\.v1 # ERROR cannot start the device: $BUILD/no-such-device: No such file or directory\$" \
	"$T/no-exec.out" || fail "a device that cannot start: no reason: $(head -n 8 "$T/no-exec.out")"
ok "a device that cannot be executed: ERROR with exec's reason, every case"

run exit-at-once 30 --filter device-sizes "${FAST[@]}" -- "$FAULTY" exit-at-once
[ "$rc" = 1 ] || fail "a device that exits at once: exit $rc"
grep -q '^# \[DEV-11\] .*' "$T/exit-at-once.out" &&
	grep -q 'exit status 1' "$T/exit-at-once.out" &&
	grep -q 'its output ends: faulty-device: exiting at once, as asked' "$T/exit-at-once.out" ||
	fail "a device that exits at once: $(cat "$T/exit-at-once.out")"
ok "a device that exits at once: DEV-11 with its exit status and its last words"

run garbage 30 --filter device-sizes "${FAST[@]}" -- "$FAULTY" garbage
[ "$rc" = 1 ] && grep -q '^# \[DEV-2\] .*wrote more than the replies owed' "$T/garbage.out" &&
	grep -q 'a5a5a5a5' "$T/garbage.out" || fail "a device that writes garbage: $(cat "$T/garbage.out")"
ok "a device that writes garbage: DEV-2, the bytes shown"

# Whether the flood is seen right after the first reply or only at the next
# read depends on when the flooder runs; either way the failure says so.
run flood 30 --filter device-sizes "${FAST[@]}" -- "$FAULTY" flood
[ "$rc" = 1 ] && grep -Eq 'wrote more than the replies owed|more bytes wait than replies are owed' \
	"$T/flood.out" && grep -q '^#      and it wrote [0-9]* bytes' "$T/flood.out" ||
	fail "a device that floods: $(cat "$T/flood.out")"
ok "a device that floods its reply fd: fails, the surplus named, cut off at the end"

run silent-all 60 --revision v1 "${FAST[@]}" -- "$FAULTY" silent
[ "$rc" = 1 ] && grep -q '^#   observed: nothing on the reply fd for 200 ms; it took the command' \
	"$T/silent-all.out" || fail "a device that never answers: $(head -n 20 "$T/silent-all.out")"
# Only the case where no reply is owed at all passes.
[ "$(grep '^ok' "$T/silent-all.out")" = "ok 2 device-eof-after-posted.v1" ] ||
	fail "a device that never answers passed: $(grep '^ok' "$T/silent-all.out")"
ok "a device that never answers: every case that owes a reply fails (DEV-1), one timeout each"

# A program that never reads and never exits: the channel fills or the reply
# never comes, and at the end it is killed, with whatever it started.
token="7.$$"
run sleeper 30 --filter device-flush-posted --revision v1 "${FAST[@]}" -- sh -c "sleep $token; :"
[ "$rc" = 1 ] && grep -q '^not ok 1 device-flush-posted.v1$' "$T/sleeper.out" ||
	fail "a device that never reads: $(cat "$T/sleeper.out")"
! pgrep -f "sleep $token" >/dev/null || fail "a device that never reads was left running"
ok "a device that never reads: fails, and nothing of it is left running"
elapsed=$(($(date +%s) - start))
[ "$elapsed" -lt 60 ] || fail "the bad devices took ${elapsed}s"
ok "the bad devices took ${elapsed}s together"

# ---- reports and usage -------------------------------------------------------
run json 30 --filter device-posted-no-reply --revision v2 "${FAST[@]}" \
	--json "$T/r.json" --junit "$T/r.xml" -- "$FAULTY" answer-posted
[ "$rc" = 1 ] || fail "--json run: exit $rc"
python3 -m json.tool "$T/r.json" >/dev/null || fail "--json wrote no valid JSON"
grep -q '"target": "device"' "$T/r.json" && grep -q '"requirement": "DEV-2"' "$T/r.json" ||
	fail "--json: no device target or no DEV-2 failure"
xmllint --noout "$T/r.xml" || fail "--junit wrote no valid XML"
"$BIN" report -o "$T/html" "$T/r.json" >/dev/null 2>"$T/report.err" || fail "report: $(cat "$T/report.err")"
grep -q "device $FAULTY answer-posted" "$T/html/index.html" ||
	fail "report: the verdict matrix does not name the device"
grep -q "Wire transcript" "$T/html/c-device-posted-no-reply.v2.html" ||
	fail "report: the case page has no transcript"
ok "--json, --junit and the HTML report: the failure's rule, the device's column, the transcript"

rc=0
"$BIN" device cases/pio-sizes.yaml -- "$EXAMPLE" >"$T/guest.out" 2>"$T/guest.err" || rc=$?
[ "$rc" = 2 ] && grep -q "is a guest case (vcpus:)" "$T/guest.err" ||
	fail "a guest case given to device: exit $rc: $(cat "$T/guest.err")"
rc=0
"$BIN" --list cases/device/device-eof.yaml >"$T/dev.out" 2>"$T/dev.err" || rc=$?
[ "$rc" = 2 ] && grep -q "is a device case (exchanges:)" "$T/dev.err" ||
	fail "a device case given to the guest run: exit $rc: $(cat "$T/dev.err")"
rc=0
"$BIN" device >/dev/null 2>"$T/nodev.err" || rc=$?
[ "$rc" = 2 ] && grep -q "no device program" "$T/nodev.err" || fail "no device: exit $rc"
[ "$("$BIN" device --list 2>/dev/null | wc -l)" = "$nr_runs" ] || fail "device --list"
ok "guest and device cases are refused by the other command; no device is a usage error"
echo "$n passed"
