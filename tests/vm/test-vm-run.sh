#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Test harness/vm/vm-run.sh (and mkinitramfs.sh and init) with a stand-in
# for the suite, tests/vm/standin.c, so that it needs a kernel but not the
# suite.  Every run boots the kernel under QEMU; about a minute in all.
#
#   tests/vm/test-vm-run.sh
#
# IORFD_VM_KERNEL picks the kernel (default: the runner kernel, make
# runner-kernel).  Other vm-run.sh settings come from its environment
# (IORFD_VM_ACCEL, QEMU, ...).
# The last line is "N passed, N failed"; exit 0 when nothing failed, 1 when
# something did, 77 when it cannot run (no kernel, no static C library).

set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUN=$REPO/harness/vm/vm-run.sh
MKINITRAMFS=$REPO/harness/vm/mkinitramfs.sh
KERNEL=${IORFD_VM_KERNEL:-$REPO/build/runner-kernel/arch/x86/boot/bzImage}

passed=0
failed=0

skip()
{
	echo "skip: $*"
	echo "0 passed, 0 failed"
	exit 77
}

ok()
{
	echo "ok - $*"
	passed=$((passed + 1))
}

not_ok()
{
	echo "FAIL - $*"
	failed=$((failed + 1))
}

# check DESCRIPTION COMMAND...: one assertion.
check()
{
	local what=$1

	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

[ -f "$KERNEL" ] || skip "kernel not found: $KERNEL (set IORFD_VM_KERNEL)"

work=$(mktemp -d "${TMPDIR:-/tmp}/iorfd-vm-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

if ! gcc -static -O2 -o "$work/standin" "$HERE/standin.c" 2>"$work/gcc.log"; then
	cat "$work/gcc.log"
	skip "cannot build the static stand-in (libc6-dev has the static libc)"
fi
mkdir -p "$work/cases" "$work/expectations"
echo "name: dummy" >"$work/cases/dummy.yaml"
echo "dummy: 1" >"$work/expectations/dummy.yaml"

# vm NAME [vm-run options] [-- stand-in args]: one run of vm-run.sh.  Leaves
# rc, wall (ms), and NAME.out, NAME.err and the results dir NAME/ in $work.
vm()
{
	local name=$1 t0 t1

	shift
	t0=${EPOCHREALTIME//[!0-9]/}
	rc=0
	"$RUN" --out "$work/$name" --binary "$work/standin" --cases "$work/cases" \
		--console none "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
	t1=${EPOCHREALTIME//[!0-9]/}
	wall=$(((t1 - t0) / 1000))
	echo "# $name: exit $rc after ${wall} ms: $(tail -n 1 "$work/$name.out")"
}

# Assertion helpers over the last run.
exit_is() { [ "$rc" = "$1" ]; }
result_is() { tail -n 1 "$work/$1.out" | grep -q " result=$2 "; }
stdout_has() { grep -qF -- "$2" "$work/$1.out"; }
stderr_has() { grep -qF -- "$2" "$work/$1.err"; }
wall_below() { [ "$wall" -lt $(($1 * 1000)) ]; }
# stdout is KTAP then the summary line, no console lines mixed in.
stdout_clean()
{
	head -n 1 "$work/$1.out" | grep -qx 'KTAP version 1' &&
		tail -n 1 "$work/$1.out" | grep -q '^# vm: kernel=' &&
		! grep -q 'IORFD-VM\|^\[ *[0-9]*\.[0-9]*\]' "$work/$1.out"
}
# The stand-in's results file is a function of its arguments: the same
# binary run here gives the bytes the guest must have sent.
json_same()
{
	"$work/standin" --json "$work/$1.ref.json" "${@:2}" >/dev/null || true
	cmp -s "$work/$1.ref.json" "$work/$1/results.json"
}

echo "# kernel: $KERNEL"

# ---- initramfs -------------------------------------------------------------
printf '%s\n' --bisect 'two words' >"$work/args"
"$MKINITRAMFS" --args "$work/args" --suite-timeout 9 "$work/a.cpio.gz" \
	"$work/standin" "$work/cases" "$work/expectations"
touch "$work/cases/dummy.yaml"
umask 077
"$MKINITRAMFS" --args "$work/args" --suite-timeout 9 "$work/b.cpio.gz" \
	"$work/standin" "$work/cases" "$work/expectations"
umask 022
check "initramfs: same bytes from the same inputs (mtime, umask differ)" \
	cmp -s "$work/a.cpio.gz" "$work/b.cpio.gz"
zcat "$work/a.cpio.gz" | (cd "$work" && mkdir -p unpacked && cd unpacked &&
	cpio -id --quiet 2>/dev/null) || true
check "initramfs: init, suite, cases, extra dir, args in place" \
	test -x "$work/unpacked/init" -a -x "$work/unpacked/bin/iorfd-conform" \
	-a -f "$work/unpacked/cases/dummy.yaml" \
	-a -f "$work/unpacked/expectations/dummy.yaml" \
	-a "$(sed -n 2p "$work/unpacked/etc/iorfd/args")" = "two words"

# ---- the suite's verdict comes through -------------------------------------
vm pass --kernel "$KERNEL" --extra "$work/expectations" -- --standin-token pass-1
check "pass: exit 0" exit_is 0
check "pass: KTAP on stdout, then the summary" stdout_clean pass
check "pass: KTAP has the stand-in's results" stdout_has pass "ok 2 standin.exit code=0"
check "pass: suite text that quotes BUG:/Oops: is not a crash" result_is pass suite-exit
check "pass: results.json byte-identical" json_same pass --standin-token pass-1
check "pass: dmesg.txt came back" test -s "$work/pass/dmesg.txt"
check "pass: console.log has the guest's markers" \
	grep -q '^IORFD-VM: init started' "$work/pass/console.log"
case $KERNEL in
*/rfc-v*/bzImage)
	check "pass: kernel gcov data came back" test -s "$work/pass/gcov/ioregion.gcda"
	;;
esac
check "pass: summary has boot and suite times" \
	grep -qE 'boot=[0-9]+\.[0-9]s suite=[0-9]+\.[0-9]s exit=0' "$work/pass/summary.txt"

vm fail --kernel "$KERNEL" -- --standin-exit 1 --standin-token fail-1
check "fail: exit 1" exit_is 1
check "fail: KTAP shows the failure" stdout_has fail "not ok 2 standin.exit code=1"
check "fail: results.json byte-identical" json_same fail --standin-exit 1 --standin-token fail-1

vm four --kernel "$KERNEL" -- --standin-exit 4
check "suite exit 4 (nothing ran) passes through" exit_is 4

# ---- hangs -----------------------------------------------------------------
vm hang --kernel "$KERNEL" --timeout 16 -- --standin-hang
check "hang: exit 1" exit_is 1
check "hang: the guest's own limit fired" result_is hang suite-timeout
check "hang: stage named" stderr_has hang "suite stage timed out: the guest killed the suite"
check "hang: partial KTAP still came back" stdout_has hang "ok 1 standin.args"
check "hang: within the 16 s limit" wall_below 16

vm hang-host --kernel "$KERNEL" --timeout 8 --guest-timeout 100 -- --standin-hang
check "hang past the guest limit: exit 1" exit_is 1
check "hang past the guest limit: host stopped QEMU" \
	stderr_has hang-host "suite stage timed out: no result from the guest within 8s"
check "hang past the guest limit: within 8 s + 6 s to stop QEMU" wall_below 14

# ---- crashes ---------------------------------------------------------------
# Documented in vm-run.sh: a reset in the middle of the suite is the kernel's
# doing (a triple fault prints nothing), so it fails the run.
vm reboot --kernel "$KERNEL" -- --standin-reboot
check "abrupt reboot during the suite: exit 1" exit_is 1
check "abrupt reboot during the suite: named" result_is reboot guest-reset

vm oops --kernel "$KERNEL" -- --standin-oops
check "Oops in the kernel log with a passing suite: exit 1" exit_is 1
check "Oops: named, console shown" stderr_has oops "Oops: 0000 [#1] standin fake oops"
check "Oops: result kernel-crash" result_is oops kernel-crash

# A suite that read the kernel log around every case has tied the report to
# a case itself (an expectation may have made it XFAIL): its exit code holds.
vm oops-checked --kernel "$KERNEL" -- --standin-oops --standin-kmsg-checked
check "Oops the finished suite checked for: the suite's exit 0" exit_is 0
check "Oops the finished suite checked for: result suite-exit" result_is oops-checked suite-exit
check "Oops the finished suite checked for: said so" \
	stderr_has oops-checked "the suite checked the kernel log around every case"

# ...but only when it finished: a suite stopped at its limit did not.  With
# nothing more from the guest, the crash grace ends the run early.
vm oops-hang --kernel "$KERNEL" --timeout 60 --crash-grace 3 -- \
	--standin-oops --standin-kmsg-checked --standin-hang
check "Oops, then a hung suite that checked the log: exit 1" exit_is 1
check "Oops, then a hung suite: result kernel-crash" result_is oops-hang kernel-crash
check "Oops, then a silent guest: stopped after the 3 s grace, well before 60 s" wall_below 20

# ...and a report after the suite's end is one it never saw.
vm oops-late --kernel "$KERNEL" -- --standin-kmsg-checked --standin-oops-late
check "Oops after the suite ended: exit 1" exit_is 1
check "Oops after the suite ended: result kernel-crash" result_is oops-late kernel-crash

# ---- cannot test -----------------------------------------------------------
vm nokernel --kernel /nonexistent
check "--kernel /nonexistent: exit 125" exit_is 125
check "--kernel /nonexistent: named" stderr_has nokernel "kernel image not found"
check "--kernel /nonexistent: KTAP on stdout says why" \
	stdout_has nokernel "1..0 # SKIP cannot test: kernel image not found"

vm badkernel --kernel "$work/args"
check "a kernel QEMU cannot load: exit 125" exit_is 125
check "a kernel QEMU cannot load: named" result_is badkernel qemu-failed

# Busybox sleep as the guest's init: it never reaches the suite.
vm boothang --kernel "$KERNEL" --boot-timeout 3 --append 'rdinit=/bin/sleep -- 60'
check "boot never reaching the suite: exit 125" exit_is 125
check "boot never reaching the suite: stage named" stderr_has boothang "boot stage timed out"
check "boot never reaching the suite: within 3 s + 6 s" wall_below 9

# qemu64 without SVM: kvm_amd finds no hardware, so no /dev/kvm.
vm nokvm --kernel "$KERNEL" --cpu qemu64,-svm
check "no /dev/kvm in the guest: exit 125" exit_is 125
check "no /dev/kvm in the guest: named" stderr_has nokvm "/dev/kvm is missing in the guest"

vm forge --kernel "$KERNEL" -- --standin-forge --standin-reboot
check "results frame with a bad checksum: exit 125" exit_is 125
check "results frame with a bad checksum: named" stderr_has forge "sha256"

vm forge2 --kernel "$KERNEL" -- --standin-forge
check "two results frames: exit 125" exit_is 125
check "two results frames: named" stderr_has forge2 "2 results frames on ttyS1"

vm segv --kernel "$KERNEL" -- --standin-segv
check "suite dies of SIGSEGV, no kernel report: exit 125" exit_is 125
check "suite dies of SIGSEGV: named" stderr_has segv "the suite died of signal 11"

# ---- what iorfd-conform --vm relies on --------------------------------------
# --as-is: the arguments are the whole command line; --file: at its own path;
# --cwd: where the suite starts; --why: in the run note.
mkdir -p "$work/tree/sub"
echo "name: x" >"$work/tree/sub/x.yaml"
vm asis --kernel "$KERNEL" --cases none --as-is --cwd "$work/tree" --file "$work/tree/sub/x.yaml" \
	--why "testing the runner" -- sub/x.yaml /etc/iorfd/args
check "--as-is: exit 0" exit_is 0
check "--as-is: no --target/--json added" stdout_has asis "ok 1 standin.args argc=3"
check "--cwd: the suite starts there" stdout_has asis "# standin: cwd=$work/tree"
check "--file: at its own path" stdout_has asis "# standin: file sub/x.yaml readable"
check "--why: in the run note, with the accelerator and kernel" \
	stdout_has asis "# standin: note=ran in a VM because testing the runner: QEMU"
check "--cases none: no /cases" sh -c "! zcat '$work/asis/initramfs.cpio.gz' | cpio -t 2>/dev/null | grep -q '^cases'"

vm clash --kernel "$KERNEL" --file /etc/passwd
check "--file over the guest's own files: exit 125" exit_is 125
check "--file over the guest's own files: named" stderr_has clash "would clash with the guest's own files"
check "cannot test: KTAP still on stdout" stdout_has clash "1..0 # SKIP cannot test: building the initramfs failed"

# A dynamic suite (sanitizer and coverage builds) comes with its libraries;
# an instrumented one's counters come back and add to this host's.
mkdir -p "$work/cov"
if gcc --coverage -O0 -c -o "$work/cov/standin.o" "$HERE/standin.c" 2>/dev/null &&
	gcc --coverage -o "$work/cov/standin" "$work/cov/standin.o" 2>/dev/null; then
	"$work/cov/standin" >/dev/null
	vm dyn --kernel "$KERNEL" --binary "$work/cov/standin"
	check "a dynamically linked suite binary: exit 0" exit_is 0
	check "a dynamically linked suite binary: ran" stdout_has dyn "ok 2 standin.exit code=0"
	(cd "$work/cov" && gcov -b -o . "$HERE/standin.c" >/dev/null 2>&1)
	check "coverage counters from the guest merged into the host's (main called twice)" \
		grep -q '^function main called 2 ' "$work/cov/standin.c.gcov"
fi

vm usage --kernel "$KERNEL" -- --json /tmp/x
check "suite args that clash with the guest's: exit 125" exit_is 125
vm usage2 --kernel "$KERNEL" --no-such-option
check "unknown option: exit 125" exit_is 125
check "unknown option: KTAP SKIP line on stdout" stdout_has usage2 "1..0 # SKIP"

if [ "$failed" -ne 0 ]; then
	echo "# outputs kept in $work"
	trap - EXIT
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
