#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the initramfs of the iorfd-conform test VM.
#
#   mkinitramfs.sh [--args FILE] [--suite-timeout SEC] [--cwd DIR] [--run-note TEXT] \
#                  [--file PATH]... [--init FILE] OUT.cpio.gz BINARY CASES_DIR|none [EXTRA_DIR...]
#
# Contents: /bin/busybox and the applet links /init uses, BINARY as
# /bin/iorfd-conform (a dynamic one with the shared libraries ldd names, at
# their own paths), CASES_DIR as /cases, each EXTRA_DIR at /<its basename>,
# each --file (a file or a directory) at its own absolute path (a dynamic
# executable with its shared libraries: a device program of device --guest),
# harness/vm/init (or --init FILE: ci/lava/init for a LAVA ramdisk) as
# /init, and under /etc/iorfd the suite arguments (--args:
# one argument a line), the suite's time limit in seconds, the directory
# it starts in (--cwd; default /) and the run note (IORFD_RUN_NOTE).
#
# The archive depends only on its inputs: fixed mtimes (SOURCE_DATE_EPOCH or
# 0), owner 0:0, modes normalised, entries sorted, cpio --reproducible, gzip
# without name or time.  /dev/console is not in it: the kernel unpacks its
# built-in default initramfs, which has that node, before this one.
#
# Exit: 0 built, 1 failed (message on stderr), 2 usage.

set -eu -o pipefail

BUSYBOX=${BUSYBOX:-/bin/busybox}
HERE=$(cd "$(dirname "$0")" && pwd)

# Everything /init runs, plus a few for poking around in a debug boot.
APPLETS="sh ash mount umount mkdir mkfifo cat echo uname timeout tee tar gzip
base64 sha256sum wc dmesg poweroff reboot sleep cp find grep ls stty rm kill
cut head tail sed tr ps"

usage()
{
	sed -n '6,7s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

die()
{
	echo "mkinitramfs: $*" >&2
	exit 1
}

args_file=
init=$HERE/init
suite_timeout=
cwd=
run_note=
files=()
while [ $# -gt 0 ]; do
	case $1 in
	--cwd)
		[ $# -ge 2 ] || usage
		cwd=$2
		shift 2
		;;
	--file)
		[ $# -ge 2 ] || usage
		files+=("$2")
		shift 2
		;;
	--init)
		[ $# -ge 2 ] || usage
		init=$2
		shift 2
		;;
	--run-note)
		[ $# -ge 2 ] || usage
		run_note=$2
		shift 2
		;;
	--args)
		[ $# -ge 2 ] || usage
		args_file=$2
		shift 2
		;;
	--suite-timeout)
		[ $# -ge 2 ] || usage
		suite_timeout=$2
		shift 2
		;;
	-h | --help) usage ;;
	--)
		shift
		break
		;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -ge 3 ] || usage
out=$1 binary=$2 cases=$3
shift 3

[ -x "$BUSYBOX" ] || die "busybox not found at $BUSYBOX (apt-get install busybox-static, or set BUSYBOX)"
[ -f "$binary" ] || die "suite binary not found: $binary"
[ "$cases" = none ] || [ -d "$cases" ] || die "cases directory not found: $cases"
case $cwd in
'' | /*) ;;
*) die "--cwd wants an absolute path, not '$cwd'" ;;
esac
[ -f "$init" ] || die "guest init script not found: $init"
[ -z "$args_file" ] || [ -f "$args_file" ] || die "args file not found: $args_file"
case $suite_timeout in
'' | *[!0-9]*) [ -z "$suite_timeout" ] || die "--suite-timeout wants whole seconds, not '$suite_timeout'" ;;
esac
for tool in cpio gzip; do
	command -v "$tool" >/dev/null || die "$tool not found (apt-get install $tool)"
done

dynamic()
{
	readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'
}
command -v readelf >/dev/null || die "readelf not found (apt-get install binutils)"
# busybox runs /init before anything else could supply a C library.
dynamic "$BUSYBOX" && die "$BUSYBOX is dynamically linked; the guest needs busybox-static"

stage=$(mktemp -d "${TMPDIR:-/tmp}/iorfd-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,dev,etc/iorfd,out,proc,sys,tmp}
cp "$BUSYBOX" "$stage/bin/busybox"
for a in $APPLETS; do
	ln -s busybox "$stage/bin/$a"
done
# A dynamic executable brings its C library and the rest of what ldd lists,
# at the same paths, the loader included.
copy_libs()
{
	local lib libs

	dynamic "$1" || return 0
	libs=$(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+') ||
		die "ldd cannot list the libraries of $1"
	for lib in $libs; do
		[ -f "$lib" ] || die "$1 needs $lib, which does not exist"
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}

cp "$binary" "$stage/bin/iorfd-conform"
# A sanitizer or coverage build of the suite is dynamic.
copy_libs "$binary"
cp "$init" "$stage/init"
chmod 0755 "$stage/bin/busybox" "$stage/bin/iorfd-conform" "$stage/init"

# -L: a symlink into the tree would dangle in the guest.
[ "$cases" = none ] || cp -RL "$cases" "$stage/cases"
for f in ${files[@]+"${files[@]}"}; do
	[ -e "$f" ] || die "--file $f: no such file or directory"
	abs=$(cd "$(dirname "$f")" && pwd)/$(basename "$f")
	case $abs in
	/bin/* | /dev/* | /etc/* | /out/* | /proc/* | /sys/* | /init | /lib/* | /lib64/*)
		die "--file $f: $abs would clash with the guest's own files"
		;;
	esac
	mkdir -p "$stage$(dirname "$abs")"
	cp -RL "$f" "$stage$abs"
	[ ! -f "$f" ] || [ ! -x "$f" ] || copy_libs "$f"
done
for d in "$@"; do
	[ -d "$d" ] || die "extra directory not found: $d"
	name=$(basename "$(cd "$d" && pwd)")
	case $name in
	bin | dev | etc | out | proc | sys | tmp | cases | init | root)
		die "extra directory $d would replace /$name in the guest; rename it"
		;;
	esac
	[ ! -e "$stage/$name" ] || die "two extra directories are named $name"
	cp -RL "$d" "$stage/$name"
done

if [ -n "$args_file" ]; then
	cp "$args_file" "$stage/etc/iorfd/args"
fi
if [ -n "$suite_timeout" ]; then
	echo "$suite_timeout" >"$stage/etc/iorfd/suite-timeout"
fi
if [ -n "$run_note" ]; then
	printf '%s\n' "$run_note" | head -n 1 >"$stage/etc/iorfd/run-note"
fi
if [ -n "$cwd" ]; then
	mkdir -p "$stage$cwd"
	echo "$cwd" >"$stage/etc/iorfd/cwd"
fi

# Same bytes whatever the umask or the source tree's timestamps: keep only
# the owner's execute bit from the sources.
chmod -R u=rwX,go=rX "$stage"
find "$stage" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +

tmp_out="$out.tmp.$$"
(
	cd "$stage"
	find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null --create --format=newc --owner=0:0 --reproducible --quiet
) | gzip -n -6 >"$tmp_out" || {
	rm -f "$tmp_out"
	die "cpio or gzip failed writing $out"
}
mv -f "$tmp_out" "$out"
