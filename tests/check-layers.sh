#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The rooms and who may include whom (README, Layout).  Each room lists the
# rooms its files may include; an #include of any other room, or of the KVM
# headers from a room that must not touch KVM, is an error, reported as
# FILE:LINE: and failing 'make check'.  Only direct includes count: what a
# room's own files write is what its author chose.
#
#   tests/check-layers.sh [ROOT]      (default: the repository)
#
# Include names are room-qualified: "run/runner.h" for harness/run,
# "responders/responder.h" for the rooms outside harness/.  "kvm" stands for
# the KVM selftests library and <linux/kvm.h>.

set -u
cd "${1:-$(dirname "$0")/..}" || exit 2

# room: the rooms it may include.  Read top to bottom, it is the layering:
# lib <- proto <- model <- casefile; the targets know no case; responders no
# VMM code; offline reports work from results files (a run makes its JUnit
# from its own JSON through them); only cli knows all.
declare -A may=(
	[harness/lib]="lib"
	[harness/proto]="lib proto kvm-uapi"
	[harness/model]="lib proto model"
	[harness/casefile]="lib proto model casefile"
	[harness/targets]="lib proto model/probe.h targets kvm"
	[harness/targets/reference]="lib proto model/probe.h targets targets/reference kvm"
	[harness/run]="lib proto model casefile targets run device responders guests reports/live reports/offline/junit.h kvm"
	[harness/vm]="lib vm"
	[harness/bench]="lib proto model targets targets/reference run responders guests bench kvm"
	[harness/device]="lib proto model device"
	[harness/cli]="lib proto model casefile targets targets/reference run vm bench device cli responders reports/live reports/offline kvm"
	[responders]="lib proto model device responders"
	[reports/live]="lib proto model reports/live"
	[reports/offline]="lib casefile/registry.h reports/offline"
	[guests]="guests kvm"
)

# The room an include name points into, into $target: the longest room
# that prefixes it, "kvm", or "?" for a name in no room.
room_of()
{
	local name=$1 r short

	target=
	case $name in
	kvm_util.h | processor.h | ucall_common.h | svm_util.h | vmx.h | linux/kvm.h)
		target=kvm
		return
		;;
	esac
	for r in "${!may[@]}"; do
		short=${r#harness/}
		case $name in
		"$short"/*) [ ${#short} -le ${#target} ] || target=$short ;;
		esac
	done
	target=${target:-?}
}

allowed()
{
	local room=$1 name=$2 target=$3 a

	for a in ${may[$room]}; do
		[ "$a" = "$target" ] && return 0
		[ "$a" = "$name" ] && return 0
		[ "$a" = kvm-uapi ] && [ "$name" = linux/kvm.h ] && return 0
	done
	return 1
}

# Our own header names, to tell one left unqualified from a system header.
declare -A ours=()
while read -r h; do
	ours[${h##*/}]=1
done < <(find harness responders reports guests -name '*.h')

bad=0
files=0
re='^#include *[<"]([^">]+)[">]'

for room in "${!may[@]}"; do
	for f in "$room"/*.[ch]; do
		[ -f "$f" ] || continue
		files=$((files + 1))
		while IFS=: read -r line text; do
			[[ $text =~ $re ]] || continue
			name=${BASH_REMATCH[1]}
			room_of "$name"
			if [ "$target" = "?" ]; then
				# A bare name is a system header or one of the selftests
				# library's, unless it is one of ours left unqualified.
				if [ -n "${ours[$name]+x}" ]; then
					echo "$f:$line: #include \"$name\": name the room (e.g. \"run/$name\")"
					bad=$((bad + 1))
				fi
				continue
			fi
			if ! allowed "$room" "$name" "$target"; then
				echo "$f:$line: $room may not include $name (room ${target}); it may include: ${may[$room]}"
				bad=$((bad + 1))
			fi
		done < <(grep -nE '^#include *[<"]' "$f")
	done
done
# A .c or .h outside every room has no layer to be checked against.
while read -r f; do
	echo "$f: in no room; add its folder to tests/check-layers.sh and ROOMS in the Makefile"
	bad=$((bad + 1))
done < <(find harness responders reports guests -name '*.[ch]' | while read -r f; do
	[ -n "${may[$(dirname "$f")]+x}" ] || echo "$f"
done)

echo "check-layers: $files files in ${#may[@]} rooms, $bad violation(s)"
[ "$bad" = 0 ]
