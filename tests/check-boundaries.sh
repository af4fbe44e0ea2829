#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# docs/boundaries.md lists, for every REG, DISPATCH, ORD and LIFE rule of the
# registry, the boundary conditions a patch author could get wrong and the
# case that covers each.  This keeps that table honest:
#
#  - every such rule of docs/requirements.yaml has its '### ID: ...' heading,
#    and every heading names such a rule;
#  - every table row under a heading ends in a 'covered by' cell that either
#    names cases in backquotes, each a case of cases/ (or one combination of a
#    matrix case) that cites the heading's rule in some revision, or says
#    'none: WHY' with a reason of a few words;
#  - every heading has at least one row.
#
# It reads the citations from 'iorfd-conform --list', so a case that stops
# citing a rule, or is renamed, fails here rather than leaving a stale row.
#
#   tests/check-boundaries.sh [DOC]
set -euo pipefail
cd "$(dirname "$0")/.."
doc=${1:-docs/boundaries.md}
registry=docs/requirements.yaml

[ -r "$doc" ] || {
	echo "check-boundaries: cannot read $doc" >&2
	exit 1
}
# rule ids of the four groups, in registry order
rules=$(sed -n 's/^  - id: \(\(REG\|DISPATCH\|ORD\|LIFE\)-[A-Z0-9-]*\)$/\1/p' "$registry")
# "combination<TAB>file base<TAB>rule,rule,..." for every combination
listing=$(./iorfd-conform --list cases/ 2>/dev/null | awk -F'\t' '{
	n = $1; sub(/\.v[123]$/, "", n)
	f = $2; sub(/^.*\//, "", f); sub(/\.yaml$/, "", f)
	print n "\t" f "\t" $3 }')

awk -v rules="$rules" -v doc="$doc" -v listing="$listing" '
function complain(msg) { printf "%s:%d: %s\n", doc, NR, msg > "/dev/stderr"; bad++ }
# name is a case (its file base name) or a combination; rule must be cited
function cites(name, rule,    i, f, n) {
	known = 0
	for (i = 1; i <= nl; i++) {
		split(line[i], f, "\t")
		if (f[1] != name && f[2] != name)
			continue
		known = 1
		n = "," f[3] ","
		if (index(n, "," rule ","))
			return 1
	}
	return 0
}
BEGIN {
	nr = split(rules, r, "\n")
	for (i = 1; i <= nr; i++)
		want[r[i]] = 1
	nl = split(listing, line, "\n")
	rule = ""
}
/^### / {
	if (rule != "" && !rows[rule])
		complain("rule " rule " has no rows")
	rule = $2; sub(/:$/, "", rule)
	if (!(rule in want))
		complain("heading names " rule ", not a REG, DISPATCH, ORD or LIFE rule of the registry")
	if (rule in seen)
		complain("rule " rule " has two headings")
	seen[rule] = 1
	next
}
/^## / { if (rule != "" && !rows[rule]) complain("rule " rule " has no rows"); rule = ""; next }
rule != "" && /^\|/ {
	if ($0 ~ /^\|( *:?-+:? *\|)+ *$/ || $0 ~ /^\| *boundary *\|/)
		next
	n = split($0, cell, "|")
	cover = cell[n - 1]
	gsub(/^ +| +$/, "", cover)
	rows[rule]++
	if (cover ~ /^none: /) {
		if (split(cover, w, " ") < 5)
			complain("row of " rule " says none without a reason of a few words")
		next
	}
	if (cover !~ /`/) {
		complain("row of " rule " names no case (write `case` or none: WHY): " cover)
		next
	}
	while (match(cover, /`[^`]+`/)) {
		name = substr(cover, RSTART + 1, RLENGTH - 2)
		cover = substr(cover, RSTART + RLENGTH)
		ok = cites(name, rule)
		if (!known)
			complain("row of " rule " names " name ", which is no case or combination in cases/")
		else if (!ok)
			complain("row of " rule " names " name ", which does not cite " rule)
	}
}
END {
	if (rule != "" && !rows[rule])
		complain("rule " rule " has no rows")
	for (i = 1; i <= nr; i++)
		if (!(r[i] in seen)) {
			printf "%s: no heading for %s\n", doc, r[i] > "/dev/stderr"
			bad++
		}
	if (bad) {
		printf "check-boundaries: %d problem(s) in %s\n", bad, doc > "/dev/stderr"
		exit 1
	}
	total = 0
	for (k in rows) total += rows[k]
	printf "check-boundaries: %d rules, %d boundary rows, every case named cites its rule\n", nr, total
}' "$doc"
