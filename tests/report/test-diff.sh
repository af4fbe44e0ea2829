#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# report --diff: what changed between two results files, and its exit code
# (0 no case newly fails, 1 one does, 2 bad usage or input).
. "$(dirname "$0")/lib.sh"

# diff_exit WANT BASE NEW OUT: runs the diff, checks the exit code.
diff_exit()
{
	local rc=0

	"$BIN" report --diff "$2" "$3" >"$4" 2>"$4.err" || rc=$?
	[ "$rc" = "$1" ] || fail "report --diff $2 $3 exited $rc, expected $1 (see $4, $4.err)"
}

mkdir -p "$T/good" "$T/bad" "$T/other"
passing_cases "$T/good"
run_suite "$T/good" 0 --json "$T/good.json"
failing_case "$T/bad"
cp "$REPO/cases/pio-sizes.yaml" "$T/bad/"
run_suite "$T/bad" 1 --json "$T/bad.json"

diff_exit 1 "$T/good.json" "$T/bad.json" "$T/d1"
expect_grep "$T/d1" "newly failing (3):" "the section of newly failing cases"
expect_grep "$T/d1" "  mmio-write-sizes.v2  pass -> fail" "a newly failing case"
expect_grep "$T/d1" "channel dev, command #2 differs" "why it fails"
expect_grep "$T/d1" "newly passing (0)" "an empty section"
expect_grep "$T/d1" "note: the case files differ" "the note on different case files"
expect_no_grep "$T/d1" "pio-sizes" "an unchanged case"
ok "a newly failing case: exit 1, listed with its first failure"

diff_exit 0 "$T/bad.json" "$T/good.json" "$T/d2"
expect_grep "$T/d2" "newly passing (3):" "the section of newly passing cases"
expect_grep "$T/d2" "  mmio-write-sizes.v1  fail -> pass" "a newly passing case"
ok "newly passing only: exit 0"

diff_exit 0 "$T/good.json" "$T/good.json" "$T/d3"
expect_grep "$T/d3" "summary: 0 newly failing, 0 newly passing, 0 newly skipped, 0 other verdict changes, 0 changed transcripts" \
	"the summary of no change"
ok "a file against itself: nothing changed"

# The same verdicts over a different wire: the guest writes another value
# and the case expects it, so only the transcript differs.
sed 's/value: 0xbeef}/value: 0x1234}/; s/offset: 0x12, data: 0xbeef}/offset: 0x12, data: 0x1234}/' \
	"$REPO/cases/mmio-write-sizes.yaml" >"$T/other/mmio-write-sizes.yaml"
run_suite "$T/other" 0 --json "$T/other.json" --revision v3
diff_exit 0 "$T/good.json" "$T/other.json" "$T/d4"
expect_grep "$T/d4" "changed transcripts (1):" "the changed transcript section"
expect_grep "$T/d4" "  mmio-write-sizes.v3  first difference at command #2 (base: 4 commands, new: 4)" \
	"where the transcripts part"
expect_grep "$T/d4" "base: dev: cmd=WRITE size=2 off=0x12 data=0xbeef" "the base command"
expect_grep "$T/d4" "new:  dev: cmd=WRITE size=2 off=0x12 data=0x1234" "the new command"
expect_grep "$T/d4" "only in base (5):" "cases the new run left out"
ok "a changed transcript with the same verdict: shown, exit 0"

# Skips and the other verdicts, from the hand-written file: make every
# pass a skip and the xfail a plain failure.
sed 's/"verdict": "pass"/"verdict": "skip"/; s/"verdict": "xfail"/"verdict": "fail"/' \
	"$FIXTURE" >"$T/changed.json"
diff_exit 1 "$FIXTURE" "$T/changed.json" "$T/d5"
expect_grep "$T/d5" "newly skipped (2):" "the newly skipped section"
expect_grep "$T/d5" "  evil-case.v1  pass -> skip" "a newly skipped case"
expect_grep "$T/d5" "  life-fixture.v3  xfail -> fail" "a known failure that is no longer expected"
ok "newly skipped; xfail -> fail counts as newly failing"

if "$BIN" report --diff "$T/good.json" >/dev/null 2>"$T/u.err"; then
	fail "report --diff with one file succeeded"
fi
expect_grep "$T/u.err" "needs BASE.json and NEW.json" "the usage message"
rc=0
"$BIN" report --diff "$T/good.json" "$T/missing.json" >/dev/null 2>"$T/m.err" || rc=$?
[ "$rc" = 2 ] || fail "a missing file: exit $rc, expected 2"
expect_grep "$T/m.err" "$T/missing.json: No such file or directory" "the missing file's name"
ok "bad usage and unreadable files: exit 2 with the reason"
