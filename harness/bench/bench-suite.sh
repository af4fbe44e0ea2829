#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How fast the suite itself is: the wall time of the whole catalogue on the
# reference target, and the per-case phases (setup, run, check) that the
# JSON report records, summed, so that the rest (a child process per case,
# loading, VM teardown, reporting) shows as the difference.
#
#   bench-suite.sh BINARY OUT_DIR [SUITE_ARGS...]   (default SUITE_ARGS: cases/)
#
# Writes OUT_DIR/suite.json, suite.ktap, suite.stderr, suite.txt; prints
# suite.txt.  Exit: the suite's own exit code.

set -u

bin=$1 out=$2
shift 2
[ $# -gt 0 ] || set -- cases/
mkdir -p "$out"
# A stale report must not pass for this run's.
rm -f "$out"/suite.{json,ktap,stderr,txt}

t0=${EPOCHREALTIME/./}
"$bin" --target reference --json "$out/suite.json" "$@" >"$out/suite.ktap" 2>"$out/suite.stderr"
rc=$?
t1=${EPOCHREALTIME/./}
# 1 is a failing case, still a full run; anything else above 2 means it did not run through.
if [ $rc -gt 2 ] && [ $rc -ne 4 ] || [ ! -s "$out/suite.json" ]; then
	echo "# suite speed: $bin exited $rc without a full JSON report; see $out/suite.stderr" |
		tee "$out/suite.txt"
	exit $rc
fi

# The JSON writer puts each case's opening {"case": ...} and its "usec"
# object on lines of their own; that is all this relies on.
awk -v wall_us=$((t1 - t0)) -v rc=$rc -v args="$*" '
	/^\{"case": "/ {
		name = $0
		sub(/^\{"case": "/, "", name)
		sub(/".*/, "", name)
		rev = $0
		sub(/.*"revision": "/, "", rev)
		sub(/".*/, "", rev)
	}
	/"usec": \{/ {
		u = $0
		sub(/.*"usec": \{/, "", u)
		split(u, f, /[^0-9]+/)
		s += f[2]; r += f[3]; c += f[4]; n++
		tot = f[2] + f[3] + f[4]
		if (tot > top1) { top3 = top2; n3 = n2; top2 = top1; n2 = n1; top1 = tot; n1 = name "." rev }
		else if (tot > top2) { top3 = top2; n3 = n2; top2 = tot; n2 = name "." rev }
		else if (tot > top3) { top3 = tot; n3 = name "." rev }
	}
	END {
		w = wall_us / 1e6
		ph = (s + r + c) / 1e6
		printf "# suite speed: iorfd-conform --target reference %s: %d cases ran, exit %d\n", args, n, rc
		printf "#   wall %.2f s; phases summed over cases: setup %.2f s + run %.2f s + check %.3f s = %.2f s\n", \
			w, s / 1e6, r / 1e6, c / 1e6, ph
		# Under -j the phases of several cases overlap: their sum is CPU-ish time, not wall.
		par = args ~ /(^| )(-j|--jobs)/
		if (par)
			printf "#   cases overlap (-j): %.1f cases in flight on average\n", (w > 0 ? ph / w : 0)
		else
			printf "#   outside the phases (child per case, case load, VM teardown, KTAP/JSON): %.2f s\n", w - ph
		if (n && !par)
			printf "#   per case: wall %.1f ms, setup %.1f ms, run %.1f ms, check %.2f ms\n", \
				wall_us / n / 1e3, s / n / 1e3, r / n / 1e3, c / n / 1e3
		printf "#   slowest: %s %.0f ms, %s %.0f ms, %s %.0f ms (setup+run+check)\n", \
			n1, top1 / 1e3, n2, top2 / 1e3, n3, top3 / 1e3
	}' "$out/suite.json" | tee "$out/suite.txt"
exit $rc
