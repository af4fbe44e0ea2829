#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the initramfs of the iorfd-conform test VM.
#
#   mkinitramfs.sh [--args FILE] [--suite-timeout SEC] \
#                  OUT.cpio.gz BINARY CASES_DIR [EXTRA_DIR...]
#
# Contents: /bin/busybox and the applet links /init uses, BINARY (static) as
# /bin/iorfd-conform, CASES_DIR as /cases, each EXTRA_DIR at /<its basename>,
# harness/vm/init as /init, and under /etc/iorfd the suite arguments (--args:
# one argument a line) and the suite's time limit in seconds.
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
suite_timeout=
while [ $# -gt 0 ]; do
	case $1 in
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
[ -d "$cases" ] || die "cases directory not found: $cases"
[ -f "$HERE/init" ] || die "guest init script not found: $HERE/init"
[ -z "$args_file" ] || [ -f "$args_file" ] || die "args file not found: $args_file"
case $suite_timeout in
'' | *[!0-9]*) [ -z "$suite_timeout" ] || die "--suite-timeout wants whole seconds, not '$suite_timeout'" ;;
esac
for tool in cpio gzip; do
	command -v "$tool" >/dev/null || die "$tool not found (apt-get install $tool)"
done

# The guest has no C library: a dynamic binary would fail there with a bare
# "not found", far from the cause.  Check here while the message can say so.
if command -v readelf >/dev/null; then
	for f in "$binary" "$BUSYBOX"; do
		if readelf -l "$f" 2>/dev/null | grep -q 'program interpreter'; then
			die "$f is dynamically linked; the guest needs a static binary"
		fi
	done
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/iorfd-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,dev,etc/iorfd,out,proc,sys,tmp}
cp "$BUSYBOX" "$stage/bin/busybox"
for a in $APPLETS; do
	ln -s busybox "$stage/bin/$a"
done
cp "$binary" "$stage/bin/iorfd-conform"
cp "$HERE/init" "$stage/init"
chmod 0755 "$stage/bin/busybox" "$stage/bin/iorfd-conform" "$stage/init"

# -L: a symlink into the tree would dangle in the guest.
cp -RL "$cases" "$stage/cases"
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
