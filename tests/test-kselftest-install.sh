#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make install INSTALL_PATH=DIR' as a kselftest collection, run by the
# kernel's own run_kselftest.sh (from the linux-source tarball, or a KSRC
# tree that has it).
#
# The layout: the static binary, cases, expectations, registry, VM scripts,
# settings with timeout=, config the same bytes as harness/vm/config, one
# line in kselftest-list.txt however often it is installed, other
# collections' lines kept.  The runner's TAP: the collection's test line,
# SKIP with the reason on a host without a usable /dev/kvm (kselftest runs
# on the kernel under test: without KVM there is nothing to test).  Then
# the installed tree end to end, through QEMU: the same runner with the
# program's arguments (--vm always) brings a VM run's verdicts and results
# file back, and 'iorfd-conform vm' of the installed binary boots a kernel
# with the installed scripts and cases.
#
#   tests/test-kselftest-install.sh   (from anywhere; builds what it installs)
#
# Environment: KSRC, KSRC_TAR (where run_kselftest.sh comes from),
# IORFD_VM_KERNEL (the kernel the VM checks boot; default the runner
# kernel), FIXTURE_KERNELS (rfc-v3 there, when present, is what the
# 'vm' check tests: verdicts rather than a SKIP).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
KSRC_TAR=${KSRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
VM_KERNEL=${IORFD_VM_KERNEL:-build/runner-kernel/arch/x86/boot/bzImage}
FIXTURE_KERNELS=${FIXTURE_KERNELS:-../shared/kernels}
. tests/lib.sh

# The kernel's runner: run_kselftest.sh and kselftest/, nothing else of the tree.
runner=
if [ -n "${KSRC:-}" ] && [ -f "$KSRC/tools/testing/selftests/run_kselftest.sh" ]; then
	runner=$KSRC/tools/testing/selftests
else
	runner=$BUILD/kselftest-runner
	if [ ! -f "$runner/.extracted" ]; then
		[ -f "$KSRC_TAR" ] || fail "$KSRC_TAR missing (make deps) and no KSRC with run_kselftest.sh"
		echo "# extracting run_kselftest.sh and kselftest/ from $KSRC_TAR"
		rm -rf "$runner"
		mkdir -p "$runner"
		tar -xJf "$KSRC_TAR" -C "$runner" --strip-components=4 \
			linux-source-6.1/tools/testing/selftests/run_kselftest.sh \
			linux-source-6.1/tools/testing/selftests/kselftest ||
			fail "cannot extract the kselftest runner from $KSRC_TAR"
		touch "$runner/.extracted"
	fi
fi

# ---- the layout ------------------------------------------------------------
D=$T/ksft
C=$D/iorfd-conform
mkdir -p "$D"
printf 'other:prog.sh\niorfd-conform:stale.sh\n' >"$D/kselftest-list.txt"
for _ in 1 2; do
	make -s install INSTALL_PATH="$D" >"$T/install.out" 2>&1 ||
		fail "make install failed: $(cat "$T/install.out")"
done
for f in iorfd-conform.sh iorfd-conform settings config docs/requirements.yaml \
	harness/vm/vm-run.sh harness/vm/mkinitramfs.sh harness/vm/init harness/vm/config; do
	[ -f "$C/$f" ] || fail "$C/$f was not installed"
done
[ -x "$C/iorfd-conform.sh" ] || fail "the program is not executable"
[ -x "$C/iorfd-conform" ] || fail "the binary is not executable"
readelf -l "$C/iorfd-conform" | grep -q 'program interpreter' && fail "the installed binary is not the static one"
cmp -s "$C/iorfd-conform" iorfd-conform-static || fail "the installed binary is not iorfd-conform-static"
[ "$(ls "$C/cases")" = "$(cd cases && ls -- *.yaml)" ] || fail "the installed cases differ from cases/"
[ "$(ls "$C/expectations")" = "$(cd expectations && ls -- *.yaml)" ] ||
	fail "the installed expectations differ from expectations/"
cmp -s "$C/config" harness/vm/config || fail "config is not harness/vm/config"
grep -qE '^timeout=[0-9]+$' "$C/settings" || fail "settings has no timeout="
[ "$(cat "$D/kselftest-list.txt")" = "$(printf 'other:prog.sh\niorfd-conform:iorfd-conform.sh')" ] ||
	fail "kselftest-list.txt after two installs: $(cat "$D/kselftest-list.txt")"
ok "make install lays out the collection; kselftest-list.txt has its line once"

# The binary finds its files beside itself, from any directory.
(cd / && "$C/iorfd-conform" probe) >"$T/probe.out" || true
grep -qx "vm scripts: *$C/harness/vm/vm-run.sh" "$T/probe.out" ||
	fail "the installed binary does not use its own VM scripts: $(cat "$T/probe.out")"
grep -qx "cases: *$C/cases/" "$T/probe.out" ||
	fail "the installed binary does not default to its own cases: $(cat "$T/probe.out")"
(cd / && "$C/iorfd-conform" --list) >"$T/list.out" 2>&1 || fail "--list from / failed"
[ "$(grep -c "	$C/cases/" "$T/list.out")" -gt 100 ] || fail "--list from /: $(head -n 3 "$T/list.out")"
(cd / && "$C/iorfd-conform" lint --expect "$C/expectations") 2>"$T/lint.err" ||
	fail "lint from /: $(cat "$T/lint.err")"
ok "the installed binary finds its cases, registry and VM scripts from /"

# ---- the kernel's runner ---------------------------------------------------
cp "$runner/run_kselftest.sh" "$D/"
cp -R "$runner/kselftest" "$D/"
"$D/run_kselftest.sh" -l >"$T/l.out"
grep -qx 'iorfd-conform:iorfd-conform.sh' "$T/l.out" || fail "run_kselftest.sh -l: $(cat "$T/l.out")"

# Appended to, not truncated: the runner writes the program's output through
# a second open of /dev/stdout, which would write over its own lines.
"$D/run_kselftest.sh" -c iorfd-conform >>"$T/skip.tap" 2>&1 || fail "run_kselftest.sh failed: $(cat "$T/skip.tap")"
grep -qx '# selftests: iorfd-conform: iorfd-conform.sh' "$T/skip.tap" ||
	fail "no test header: $(cat "$T/skip.tap")"
grep -qx '# KTAP version 1' "$T/skip.tap" || fail "the suite's KTAP is not nested: $(cat "$T/skip.tap")"
if "$C/iorfd-conform" probe --quiet; then
	# A host with KVM: its kernel decides (no KVM_SET_IOREGION: SKIP).
	grep -qE '^(not )?ok 1 selftests: iorfd-conform: iorfd-conform.sh' "$T/skip.tap" ||
		fail "no test line: $(cat "$T/skip.tap")"
	ok "run_kselftest.sh runs the collection: $(grep 'selftests: iorfd-conform:' "$T/skip.tap" | tail -n 1)"
else
	grep -qx 'ok 1 selftests: iorfd-conform: iorfd-conform.sh # SKIP' "$T/skip.tap" ||
		fail "no SKIP test line without KVM: $(cat "$T/skip.tap")"
	grep -q '^# 1\.\.0 # SKIP no usable /dev/kvm' "$T/skip.tap" ||
		fail "the SKIP has no reason: $(cat "$T/skip.tap")"
	ok "no usable /dev/kvm: run_kselftest.sh reports SKIP, the nested KTAP says why"
fi

# ---- end to end, through QEMU ------------------------------------------------
if [ ! -f "$VM_KERNEL" ]; then
	echo "# SKIP the VM checks: $VM_KERNEL not found (make runner-kernel, or IORFD_VM_KERNEL=bzImage)"
	echo "$n passed"
	exit 0
fi
VM_KERNEL=$(cd "$(dirname "$VM_KERNEL")" && pwd)/$(basename "$VM_KERNEL")

# The runner passes KSELFTEST_<PROGRAM>_ARGS to the program, word-split.
KSELFTEST_IORFD_CONFORM_SH_ARGS="--vm always --vm-kernel $VM_KERNEL --vm-out $T/vm1 --target reference
	--filter mmio-read-sizes --json $T/r.json" \
	"$D/run_kselftest.sh" -t iorfd-conform:iorfd-conform.sh >>"$T/vm.tap" 2>&1 ||
	fail "run_kselftest.sh with --vm failed: $(cat "$T/vm.tap")"
grep -qx 'ok 1 selftests: iorfd-conform: iorfd-conform.sh' "$T/vm.tap" ||
	fail "--vm always: no passing test line: $(tail -n 20 "$T/vm.tap")"
grep -q '^# # ran in a VM' "$T/vm.tap" || fail "--vm always: the KTAP does not say it ran in a VM"
[ "$(grep -cE '^# ok [0-9]+ mmio-read-sizes\.v[123]$' "$T/vm.tap")" = 3 ] ||
	fail "--vm always: not the 3 runs asked for: $(grep '^# ok' "$T/vm.tap")"
grep -q '"environment": "ran in a VM' "$T/r.json" 2>/dev/null ||
	fail "--vm always: the results file did not come back from the guest"
ok "run_kselftest.sh with --vm always: 3 runs in QEMU, their results file back"

# 'iorfd-conform vm' of the installed tree: its vm-run.sh, init and cases.
vm_kernel=$VM_KERNEL
if [ -f "$FIXTURE_KERNELS/rfc-v3/bzImage" ]; then
	vm_kernel=$(cd "$FIXTURE_KERNELS/rfc-v3" && pwd)/bzImage
fi
rc=0
(cd / && "$C/iorfd-conform" vm --kernel "$vm_kernel" --out "$T/vm2" --console none \
	--extra "$C/expectations" -- --expect /expectations --filter reg-overlap-last-byte) \
	>"$T/vm2.ktap" 2>"$T/vm2.err" || rc=$?
grep -q "^# vm: kernel=$vm_kernel .* exit=$rc result=" "$T/vm2.ktap" ||
	fail "vm: no summary line (exit $rc): $(tail -n 5 "$T/vm2.ktap") $(tail -n 5 "$T/vm2.err")"
if [ "$vm_kernel" = "$VM_KERNEL" ]; then
	# No KVM_SET_IOREGION in it: the guest's SKIP line comes back.
	if [ "$rc" != 4 ] || ! grep -q '^1\.\.0 # SKIP target kernel' "$T/vm2.ktap"; then
		fail "vm on $vm_kernel: exit $rc, $(head -n 3 "$T/vm2.ktap")"
	fi
	ok "iorfd-conform vm of the install boots $vm_kernel; the guest's SKIP comes back"
else
	if [ "$rc" != 0 ] || ! grep -qE '^ok [0-9]+ reg-overlap-last-byte\.v3 # XFAIL' "$T/vm2.ktap"; then
		fail "vm on rfc-v3: exit $rc, $(grep -E 'ok|Totals' "$T/vm2.ktap")"
	fi
	ok "iorfd-conform vm of the install on rfc-v3: its known deviation XFAILs"
fi
echo "$n passed"
