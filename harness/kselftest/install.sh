#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lay the suite out as a kselftest collection ('make install INSTALL_PATH=DIR').
#
#   install.sh DIR BINARY
#
# DIR is a kselftest install (tools/testing/selftests' 'make install
# INSTALL_PATH=DIR'), or a new directory.  What goes where:
#
#   DIR/kselftest-list.txt     gains "iorfd-conform:iorfd-conform.sh" (its
#                              other lines, other collections', are kept)
#   DIR/iorfd-conform/         the collection, with the repository's layout
#                              for what it carries, so that the binary finds
#                              its files beside itself (harness/lib/data_path.h):
#     iorfd-conform.sh         the program run_kselftest.sh runs
#     settings                 kselftest's per-collection settings (timeout=)
#     config                   the kernel options it needs: harness/vm/config,
#                              the fragment the runner kernel is built from
#     iorfd-conform            BINARY: the static build, which runs on a bare
#                              root file system and is what --vm puts in guests
#     cases/ expectations/     the catalogue and the known deviations (XFAIL)
#     docs/requirements.yaml   the registry expectations are checked against
#     harness/vm/              --vm and 'iorfd-conform vm': vm-run.sh,
#                              mkinitramfs.sh, the guest's init, the fragments
#                              and build-kernel.sh
#
# A second install over the first replaces what it installed.  run_kselftest.sh
# and kselftest/ are the kernel's, not ours: DIR gets them from the kernel's
# own kselftest install (or a copy of tools/testing/selftests' two).

set -eu

COLLECTION=iorfd-conform
PROGRAM=iorfd-conform.sh

if [ $# -ne 2 ]; then
	sed -n '/^#   install.sh/s/^# *//p' "$0" >&2
	exit 2
fi
dir=$1
binary=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

[ -f "$binary" ] || {
	echo "install: $binary not found" >&2
	exit 1
}
if readelf -l "$binary" 2>/dev/null | grep -q 'program interpreter'; then
	echo "install: $binary is dynamically linked; the collection takes the static build" >&2
	exit 1
fi

coll=$dir/$COLLECTION
mkdir -p "$coll"
rm -rf "$coll/cases" "$coll/expectations" "$coll/docs" "$coll/harness"
mkdir -p "$coll/cases" "$coll/expectations" "$coll/docs" "$coll/harness/vm"

install -m 0755 "$here/$PROGRAM" "$coll/$PROGRAM"
install -m 0644 "$here/settings" "$coll/settings"
install -m 0644 "$top/harness/vm/config" "$coll/config"
install -m 0755 "$binary" "$coll/iorfd-conform"
install -m 0644 "$top"/cases/*.yaml "$coll/cases/"
install -m 0644 "$top"/expectations/*.yaml "$coll/expectations/"
install -m 0644 "$top/docs/requirements.yaml" "$coll/docs/"
install -m 0755 "$top"/harness/vm/{vm-run.sh,mkinitramfs.sh,init,build-kernel.sh} "$coll/harness/vm/"
install -m 0644 "$top"/harness/vm/{config,config-fault-injection} "$coll/harness/vm/"

# The list run_kselftest.sh reads, whole or not at all.
list=$dir/kselftest-list.txt
tmp=$list.tmp.$$
{
	[ ! -f "$list" ] || grep -v "^$COLLECTION:" "$list" || true
	echo "$COLLECTION:$PROGRAM"
} >"$tmp"
mv -f "$tmp" "$list"

set -- "$coll"/cases/*.yaml
echo "install: $coll ($# cases), $list"
if [ ! -f "$dir/run_kselftest.sh" ]; then
	echo "install: $dir has no run_kselftest.sh: install the kernel's kselftests there" \
		"(make -C tools/testing/selftests install INSTALL_PATH=$dir), or copy" \
		"run_kselftest.sh and kselftest/ from tools/testing/selftests, or run" \
		"$coll/$PROGRAM directly"
fi
