#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How long the suite takes where the host has no usable KVM: the runner
# kernel's first build, and 'make run''s suite in QEMU with that kernel
# already built (boot included).  A benchmark, not a test: it reports, it
# does not judge.
#
#   bench-vm-path.sh BINARY OUT_DIR [--runs N] [--kernel-build KSRC_TAR] [-- SUITE_ARGS...]
#
#   --runs N                 suite runs in the VM (default 3), each a fresh boot
#   --kernel-build TARBALL   also time a first build: extract TARBALL (a
#                            linux-source .tar.xz) and build-kernel.sh into
#                            OUT_DIR/kernel, from nothing
#   SUITE_ARGS               default: -j (2 x CPUs) cases/, as make run
#
# The suite runs with --vm always, so the VM path is measured on any host.
# Writes OUT_DIR/vm-path.txt (and prints it): one line per run with wall,
# boot and suite seconds from vm-run.sh's summary, the kernel build's
# extract and build times, and the machine (CPUs, model).  Exit 0 unless a
# run could not start.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
bin=$1 out=$2
shift 2
runs=3
tarball=
while [ $# -gt 0 ]; do
	case $1 in
	--runs)
		runs=$2
		shift 2
		;;
	--kernel-build)
		tarball=$2
		shift 2
		;;
	--)
		shift
		break
		;;
	*)
		echo "bench-vm-path: unknown option '$1'" >&2
		exit 2
		;;
	esac
done
[ $# -gt 0 ] || set -- -j $(($(nproc) * 2)) cases/
mkdir -p "$out"
out=$(cd "$out" && pwd)
report=$out/vm-path.txt
: >"$report"

say()
{
	echo "$*" | tee -a "$report"
}

now_ms()
{
	local t=${EPOCHREALTIME//[!0-9]/}

	echo $((t / 1000))
}

secs()
{
	printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100))
}

say "# the suite's VM path: $(nproc) CPUs, $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n 1)," \
	"/dev/kvm $([ -c /dev/kvm ] && echo present || echo absent)"

if [ -n "$tarball" ]; then
	rm -rf "$out/src" "$out/kernel"
	mkdir -p "$out/src"
	t0=$(now_ms)
	tar -xJf "$tarball" -C "$out/src" || exit 1
	t1=$(now_ms)
	tree=$(find "$out/src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	"$HERE/../vm/build-kernel.sh" "$tree" "$out/kernel" >"$out/kernel.txt" 2>"$out/kernel.err" || {
		say "# kernel build failed: see $out/kernel.err"
		exit 1
	}
	t2=$(now_ms)
	say "kernel build: extract $(secs $((t1 - t0))) s, configure and build $(secs $((t2 - t1))) s," \
		"total $(secs $((t2 - t0))) s ($(cat "$out/kernel/.iorfd-objects" 2>/dev/null || echo ?) objects)"
	export IORFD_RUNNER_KERNEL=$out/kernel/arch/x86/boot/bzImage
fi

rc=0
for i in $(seq 1 "$runs"); do
	t0=$(now_ms)
	"$bin" --vm always --vm-out "$out/vm" "$@" >"$out/run$i.ktap" 2>"$out/run$i.err"
	st=$?
	t1=$(now_ms)
	sum=$(grep '^# vm: ' "$out/run$i.ktap" | tail -n 1)
	totals=$(grep '^# Totals:' "$out/run$i.ktap" | tail -n 1)
	if [ -z "$sum" ]; then
		say "run $i: exit $st, no VM summary (see $out/run$i.err)"
		rc=1
		continue
	fi
	boot=$(echo "$sum" | sed -n 's/.* boot=\([^ ]*\)s .*/\1/p')
	suite=$(echo "$sum" | sed -n 's/.* suite=\([^ ]*\)s .*/\1/p')
	say "run $i: wall $(secs $((t1 - t0))) s, boot $boot s, suite $suite s, exit $st; ${totals#\# }"
done
exit $rc
