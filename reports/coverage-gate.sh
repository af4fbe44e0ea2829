#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel coverage gate: every line and branch of virt/kvm/ioregion.c
# that the suite leaves uncovered on fixture kernel NAME must be listed,
# with the reason no case reaches it, in docs/kernel-coverage.md.
#
#   reports/coverage-gate.sh NAME ioregion.c.gcov [docs/kernel-coverage.md]
#
# An uncovered line or branch the list does not explain fails the gate: a
# case stopped reaching it, or the kernel changed.  A listed one that is
# covered now fails it too, unless its reason starts with "race:" (a path
# only some runs take), so the list stays exact.  Exit 0 pass, 1 fail,
# 2 usage.
set -euo pipefail

name=${1:-}
gcov=${2:-}
list=${3:-docs/kernel-coverage.md}
if [[ -z $name || ! -f $gcov || ! -f $list ]]; then
	echo "usage: $0 NAME FILE.gcov [LIST.md]" >&2
	exit 2
fi

# "line N" and "branch N#K" for what gcov saw never run, one per line.
uncovered() {
	awk '
	/^ *[-#0-9*]+: *[0-9]+:/ {
		split($0, f, ":"); cnt = f[1]; gsub(/ /, "", cnt); line = f[2] + 0
		if (cnt ~ /^#####/) print "line " line
		next
	}
	# gcov -c: counts, since a percentage rounds 1 in 200 down to "0%".
	/^branch +[0-9]+ (never executed|taken 0( |$))/ { print "branch " line "#" $2 }
	' "$gcov" | sort -u
}

# The rows of the list for this kernel: "| NAME | line N | reason |".
listed() {
	awk -F'|' -v k="$name" '
	{ for (i = 2; i <= 4; i++) { gsub(/^ +| +$/, "", $i) } }
	$2 == k && $3 ~ /^(line [0-9]+|branch [0-9]+#[0-9]+)$/ { print $3 "\t" $4 }
	' "$list"
}

declare -A reason
while IFS=$'\t' read -r item why; do
	reason[$item]=$why
done < <(listed)

bad=0
nr=0
while read -r item; do
	[[ -n $item ]] || continue
	nr=$((nr + 1))
	if [[ -z ${reason[$item]+x} ]]; then
		echo "coverage-gate: $name: $item of ioregion.c is not covered and $list does not say why" >&2
		bad=1
	fi
	unset "reason[$item]"
done < <(uncovered)

for item in "${!reason[@]}"; do
	case ${reason[$item]} in
	race:*) ;;
	*)
		echo "coverage-gate: $name: $item of ioregion.c is covered now: remove it from $list" >&2
		bad=1
		;;
	esac
done

if ((bad)); then
	exit 1
fi
echo "coverage-gate: $name: $nr uncovered lines and branches of ioregion.c, each explained in $list"
