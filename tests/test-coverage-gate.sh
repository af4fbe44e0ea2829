#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# reports/coverage-gate.sh on a small annotated source: it passes when the
# list explains exactly what is uncovered, and fails naming the line or
# branch when one is left unexplained or one it excuses is covered (except
# a race).  Counts come from 'gcov -b -c': "taken 1" of 200 is covered.
#
#   tests/test-coverage-gate.sh            (from anywhere)
set -eu
cd "$(dirname "$0")/.."
GATE=reports/coverage-gate.sh
. tests/lib.sh

cat >"$T/x.gcov" <<'GCOV'
        -:    0:Source:virt/kvm/ioregion.c
      200:   10:	if (!pack_cmd(cmd)) {
branch  0 taken 1 (fallthrough)
branch  1 taken 199
        1:   11:		goto out;
    #####:   12:	kfree(ctx);
        5:   13:	if (signal_pending(current))
branch  0 taken 0 (fallthrough)
branch  1 taken 5
    #####:   14:	return -EINTR;
branch  0 never executed
branch  1 never executed
GCOV

row() { printf '| k | %s | %s |\n' "$1" "$2"; }
{
	echo '| kernel | what | why |'
	echo '|---|---|---|'
	row 'line 12' 'B3'
	row 'branch 13#0' 'full write fd'
	row 'line 14' 'full write fd'
	row 'branch 14#0' 'as line 14'
	row 'branch 14#1' 'as line 14'
} >"$T/all.md"

$GATE k "$T/x.gcov" "$T/all.md" >"$T/out" 2>&1 || fail "exact list refused: $(cat "$T/out")"
grep -q "5 uncovered lines and branches" "$T/out" || fail "wrong count: $(cat "$T/out")"
ok "a list that explains exactly what is uncovered passes"

grep -v 'line 12 ' "$T/all.md" >"$T/missing.md"
if $GATE k "$T/x.gcov" "$T/missing.md" 2>"$T/err"; then fail "an unexplained line passed"; fi
grep -q "k: line 12 of ioregion.c is not covered" "$T/err" || fail "message: $(cat "$T/err")"
ok "an unexplained uncovered line fails, named"

{ cat "$T/all.md"; row 'branch 10#0' 'allocation failure'; } >"$T/stale.md"
if $GATE k "$T/x.gcov" "$T/stale.md" 2>"$T/err"; then fail "a covered branch passed as excused"; fi
grep -q "k: branch 10#0 of ioregion.c is covered now" "$T/err" || fail "message: $(cat "$T/err")"
ok "an excused branch that is covered (1 of 200) fails, named"

{ cat "$T/all.md"; row 'branch 10#0' 'race: sometimes'; } >"$T/race.md"
$GATE k "$T/x.gcov" "$T/race.md" >/dev/null 2>&1 || fail "a covered race row failed"
ok "a race row may be covered"

sed 's/^| k |/| other |/' "$T/all.md" >"$T/other.md"
if $GATE k "$T/x.gcov" "$T/other.md" 2>/dev/null; then fail "another kernel's rows counted"; fi
ok "rows of another kernel do not count"

# The Cobertura DTD that make coverage and coverage-kernel check their XML
# against must refuse what GitLab could not read.
DTD=tests/data/cobertura.dtd
cat >"$T/good.xml" <<'XML'
<?xml version="1.0"?>
<coverage line-rate="0.5" branch-rate="0.25" lines-covered="1" lines-valid="2" branches-covered="1"
 branches-valid="4" complexity="0" version="t" timestamp="1"><sources><source>.</source></sources>
<packages><package name="virt.kvm" line-rate="0.5" branch-rate="0.25" complexity="0"><classes>
<class name="ioregion_c" filename="virt/kvm/ioregion.c" line-rate="0.5" branch-rate="0.25"
 complexity="0"><methods/><lines><line number="12" hits="0"/><line number="13" hits="4"
 branch="true" condition-coverage="25% (1/4)"/></lines></class></classes></package></packages>
</coverage>
XML
xmllint --noout --nonet --dtdvalid $DTD "$T/good.xml" 2>"$T/err" || fail "a valid report refused: $(cat "$T/err")"
sed 's/ hits="0"//' "$T/good.xml" >"$T/nohits.xml"
sed 's|<packages>.*||; s|</coverage>||' "$T/good.xml" | tr -d '\n' >"$T/trunc.xml"
echo '</coverage>' >>"$T/trunc.xml"
for b in nohits trunc; do
	if xmllint --noout --nonet --dtdvalid $DTD "$T/$b.xml" 2>/dev/null; then
		fail "the Cobertura DTD accepts $b.xml"
	fi
done
ok "the Cobertura DTD accepts a report and refuses a line without hits or no packages"
