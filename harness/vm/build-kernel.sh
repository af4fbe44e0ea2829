#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build an x86-64 kernel for iorfd-conform's VMs, out of tree, with the
# repository's config fragment (harness/vm/config) merged onto tinyconfig.
#
#   build-kernel.sh [--reuse] [--jobs N] [--timeout SEC] [--config FRAGMENT]
#                   [--fault-injection] SRC_TREE OUT_DIR
#
#   --reuse        do nothing when OUT_DIR holds a finished build of the same
#                  tree with the same fragment (the runner kernel, whose
#                  source never changes); without it, make runs and rebuilds
#                  what changed (a tree under test, a bisect step)
#   --jobs N       make -j (default: the number of CPUs)
#   --timeout SEC  limit for configuring and building (default 3600: a first
#                  build takes about 7 min on 2 cores)
#   --config FILE  the fragment (default: harness/vm/config)
#   --fault-injection
#                  also merge harness/vm/config-fault-injection: failslab,
#                  fail-nth and debugfs, for the cases that make a
#                  registration's allocations fail (BUG-B9)
#
# Progress goes to stderr while make runs; make's own output goes to
# OUT_DIR/build.log.  At the end, on stdout:
#
#   build-kernel: OUT_DIR/arch/x86/boot/bzImage 6.1.192 ioregionfd=yes 2m41s sha256=HEX
#
# and the same facts, one KEY=VALUE a line, in OUT_DIR/iorfd-kernel.txt
# (image, release, source, fragment, ioregionfd, seconds, sha256), which
# 'iorfd-conform --vm' reads for its KTAP header.
#
# The image depends only on the tree, the fragment and the compiler: the
# build's timestamp, user and host are fixed.
#
# Exit: 0 built (or reused), 1 the build failed (the last lines of the log
# on stderr), 2 usage or a source tree that cannot be built out of tree.

set -eu -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
fragment=$HERE/config
jobs=$(nproc 2>/dev/null || echo 2)
limit=3600
reuse=
extra=

msg()
{
	echo "build-kernel: $*" >&2
}

usage()
{
	sed -n '/^#   build-kernel.sh/,/^#   --fault-injection/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--reuse)
		reuse=1
		shift
		;;
	--fault-injection)
		extra=$HERE/config-fault-injection
		shift
		;;
	--jobs | --config | --timeout)
		[ $# -ge 2 ] || usage
		case $1 in
		--jobs) jobs=$2 ;;
		--config) fragment=$2 ;;
		--timeout) limit=$2 ;;
		esac
		shift 2
		;;
	-h | --help) usage ;;
	-*)
		msg "unknown option '$1'"
		usage
		;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || usage
for v in "$jobs" "$limit"; do
	case $v in
	'' | *[!0-9]* | 0)
		msg "--jobs and --timeout want a positive number, not '$v'"
		exit 2
		;;
	esac
done

src=$1
out=$2
if [ ! -f "$src/Makefile" ] || [ ! -f "$src/scripts/kconfig/merge_config.sh" ]; then
	msg "$src is not a kernel source tree (no Makefile or scripts/kconfig/merge_config.sh)"
	exit 2
fi
# An out-of-tree build refuses a tree configured in place; say so before make does.
if [ -f "$src/.config" ] || [ -d "$src/include/config" ]; then
	msg "$src has been configured or built in place; out-of-tree builds need a clean tree" \
		"(make -C $src mrproper, which deletes its .config)"
	exit 2
fi
[ -f "$fragment" ] || {
	msg "config fragment not found: $fragment"
	exit 2
}
for tool in make gcc flex bison bc; do
	command -v "$tool" >/dev/null || {
		msg "$tool not found (apt-get install build-essential flex bison bc libelf-dev libssl-dev)"
		exit 2
	}
done

src=$(cd "$src" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
image=$out/arch/x86/boot/bzImage
info=$out/iorfd-kernel.txt
log=$out/build.log
frag_sum=$(cat "$fragment" ${extra:+"$extra"} | sha256sum | cut -d' ' -f1)

# What a finished build records about its inputs, to know when it can be reused.
inputs="source=$src
fragment=$frag_sum"

if [ -n "$reuse" ] && [ -f "$image" ] && [ -f "$info" ] &&
	[ "$(sed -n '/^source=/p;/^fragment=/p' "$info")" = "$inputs" ]; then
	sed -n 's/^line=//p' "$info"
	msg "reused the build in $out (delete it to rebuild)"
	exit 0
fi
rm -f "$info"

export ARCH=x86_64
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 1970'
export KBUILD_BUILD_USER=iorfd KBUILD_BUILD_HOST=iorfd-conform KBUILD_BUILD_VERSION=1
kmake=(make -C "$src" O="$out" ARCH=x86_64)
# Every stage is bounded: what is left of the limit, TERM then KILL.
bounded()
{
	local left=$((limit - (SECONDS - start)))

	[ "$left" -gt 0 ] || left=1
	timeout -k 10 "$left" "$@"
}

: >"$log"

start=$SECONDS
# Configure when the fragment changed or there is no configuration yet.
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.iorfd-fragment" 2>/dev/null)" != "$frag_sum" ]; then
	msg "configuring $out: tinyconfig + $fragment${extra:+ + $extra}"
	if ! { bounded "${kmake[@]}" tinyconfig &&
		(cd "$src" && bounded scripts/kconfig/merge_config.sh -m -O "$out" "$out/.config" \
			"$fragment" ${extra:+"$extra"}) &&
		bounded "${kmake[@]}" olddefconfig; } >>"$log" 2>&1; then
		[ $((SECONDS - start)) -lt "$limit" ] || msg "configuring did not finish within --timeout $limit s"
		msg "configuration failed; the end of $log:"
		tail -n 20 "$log" >&2
		exit 1
	fi
	echo "$frag_sum" >"$out/.iorfd-fragment"
fi
# merge_config.sh only warns about a symbol the tree lacks; these must be there.
missing=
for sym in CONFIG_64BIT CONFIG_SMP CONFIG_KVM CONFIG_KVM_AMD CONFIG_KVM_INTEL \
	CONFIG_SERIAL_8250_CONSOLE CONFIG_BLK_DEV_INITRD CONFIG_DEVTMPFS CONFIG_UNIX; do
	grep -q "^$sym=y" "$out/.config" || missing="$missing $sym"
done
if [ -n "$extra" ]; then
	for sym in CONFIG_FAULT_INJECTION CONFIG_FAILSLAB CONFIG_FAULT_INJECTION_DEBUG_FS; do
		grep -q "^$sym=y" "$out/.config" || missing="$missing $sym"
	done
fi
if [ -n "$missing" ]; then
	msg "the configuration lacks:$missing (see $log)"
	exit 1
fi
ioregionfd=no
grep -q '^CONFIG_KVM_IOREGION=y' "$out/.config" && ioregionfd=yes

# make's output to the log; a line of progress every few seconds to stderr
# (rewritten in place on a terminal).
progress()
{
	local n=0 last=0 now line what=

	while IFS= read -r line; do
		echo "$line" >>"$log"
		case $line in
		"  CC "* | "  AS "* | "  LD "* | "  AR "*)
			n=$((n + 1))
			what=${line#  }
			;;
		esac
		now=$SECONDS
		if [ $((now - last)) -ge 5 ]; then
			last=$now
			if [ -t 2 ]; then
				printf '\rbuild-kernel: %4d objects, %3ds, %-50.50s' "$n" \
					$((now - start)) "$what" >&2
			else
				printf 'build-kernel: %d objects, %ds, %s\n' "$n" $((now - start)) "$what" >&2
			fi
		fi
	done
	[ ! -t 2 ] || printf '\n' >&2
	echo "$n" >"$out/.iorfd-objects"
}

msg "building $image from $src with make -j$jobs (log: $log)"
if ! bounded "${kmake[@]}" -j"$jobs" bzImage 2>&1 | progress; then
	[ $((SECONDS - start)) -lt "$limit" ] || msg "the kernel build did not finish within --timeout $limit s"
	msg "the kernel build failed after $((SECONDS - start)) s; the end of $log:"
	grep -E 'error|Error' "$log" | tail -n 10 >&2 || true
	tail -n 5 "$log" >&2
	exit 1
fi

release=$("${kmake[@]}" -s kernelrelease 2>/dev/null || echo unknown)
sum=$(sha256sum "$image" | cut -d' ' -f1)
secs=$((SECONDS - start))
line="build-kernel: $image $release ioregionfd=$ioregionfd $((secs / 60))m$((secs % 60))s sha256=$sum"
{
	echo "$inputs"
	echo "image=$image"
	echo "release=$release"
	echo "ioregionfd=$ioregionfd"
	echo "seconds=$secs"
	echo "sha256=$sum"
	echo "line=$line"
} >"$info"
echo "$line"
