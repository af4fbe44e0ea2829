#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iorfd-conform lint on a catalogue: a case alone in its group is refused
# with FILE:LINE:COL, the same files as single arguments are not (a group
# is a property of the catalogue), and the catalogue itself is clean.  Its
# summary comes last and counts every error it printed; without the
# registry it says how to name one.  Expectations files (--expect) are
# checked whole, whatever kernel they are for: targets, globs, the cases
# they name and the requirements their failures cite.
#
#   tests/test-lint.sh            (from anywhere; needs ./iorfd-conform built)
set -eu
cd "$(dirname "$0")/.."
BIN=./iorfd-conform
. tests/lib.sh

nr_cases=$(ls cases/*.yaml | wc -l)
nr_expect=$(ls expectations/*.yaml | wc -l)
$BIN lint --expect expectations cases/ 2>"$T/clean.err" ||
	fail "lint --expect expectations cases/ failed: $(cat "$T/clean.err")"
[ "$(tail -n 1 "$T/clean.err")" = "lint: $nr_cases case files, $nr_expect expectations files, 0 errors" ] ||
	fail "the clean catalogue's summary: $(tail -n 1 "$T/clean.err")"
ok "the catalogue and its expectations are clean"

# The device cases are a catalogue of their own: clean, and every device-end
# MUST rule has one (the guest catalogue leaves those rules to it).
nr_device=$(ls cases/device/*.yaml | wc -l)
$BIN lint cases/device/ 2>"$T/device.err" || fail "lint cases/device/ failed: $(cat "$T/device.err")"
[ "$(tail -n 1 "$T/device.err")" = "lint: $nr_device case files, 0 errors" ] ||
	fail "the device catalogue's summary: $(tail -n 1 "$T/device.err")"
grep -q '^lint: [0-9]* requirements, [0-9]* cited by a case; MUST without a case: none$' \
	"$T/device.err" || fail "a device-end MUST rule has no case: $(cat "$T/device.err")"
grep -q '^lint: [0-9]* MUST rules of the device end left to the device cases' "$T/clean.err" ||
	fail "lint cases/ does not say where the device-end rules are checked: $(cat "$T/clean.err")"
ok "the device catalogue is clean and covers every device-end MUST rule"

# A rule of the other end is an error in either catalogue.
sed 's/^requirements: \[/requirements: [DEV-1, /' cases/pio-sizes.yaml >"$T/guest-dev.yaml"
sed 's/^requirements: \[/requirements: [WIRE-3, /' cases/device/device-eof.yaml >"$T/dev-wire.yaml"
for f in guest-dev dev-wire; do
	rc=0
	$BIN lint "$T/$f.yaml" 2>"$T/$f.err" || rc=$?
	[ "$rc" = 2 ] && grep -q "is a rule of the .* end; this case cannot check it" "$T/$f.err" ||
		fail "$f: a rule of the other end: exit $rc: $(cat "$T/$f.err")"
done
ok "a guest case citing a DEV rule, or a device case citing a kernel rule, is an error"

# Mistakes in expectations for a kernel nobody tests here: each is an error at its place.
mkdir "$T/exp"
cat >"$T/exp/a-target.yaml" <<'YAML'
when: {target: kernle, revision: v3}
known_failures: []
YAML
cat >"$T/exp/b-glob.yaml" <<'YAML'
when: {target: kernel, kernel: "6.1.[0-9"}
known_failures: []
YAML
cat >"$T/exp/c-case.yaml" <<'YAML'
when: {target: kernel, revision: v1}
known_failures:
  - case: reg-overlap-lats-byte
    reason: B1
    fails:
      - {kind: errno}
YAML
cat >"$T/exp/d-requirement.yaml" <<'YAML'
when: {target: kernel, revision: v1}
known_failures:
  - case: reg-overlap-last-byte
    reason: B1
    fails:
      - {kind: errno, requirement: REG-99}
YAML
rc=0
$BIN lint --expect "$T/exp" cases/ 2>"$T/exp.err" || rc=$?
[ "$rc" = 2 ] || fail "bad expectations: exit $rc, expected 2"
for want in \
	"$T/exp/a-target.yaml:1:16: unknown target 'kernle' (targets: reference, kernel)" \
	"$T/exp/b-glob.yaml:1:32: kernel '6.1.\[0-9' is not a well-formed glob: '\[' is never closed by ']'" \
	"$T/exp/c-case.yaml:3:11: no case matches 'reg-overlap-lats-byte' (cases: cases/)" \
	"$T/exp/d-requirement.yaml:6:36: unknown requirement 'REG-99' (not in docs/requirements.yaml)"; do
	grep -qx "$want" "$T/exp.err" || fail "bad expectations: no '$want' in: $(cat "$T/exp.err")"
done
[ "$(tail -n 1 "$T/exp.err")" = "lint: $nr_cases case files, 4 expectations files, 4 errors" ] ||
	fail "bad expectations: the summary does not count them: $(tail -n 1 "$T/exp.err")"
ok "expectations for another kernel are checked whole: target, glob, case, requirement"

mkdir "$T/cat"
cp cases/pio-sizes.yaml cases/pio-string.yaml "$T/cat/"
sed 's/^case: reg-overlap$/case: lonely-overlap/' cases/reg-overlap.yaml >"$T/cat/lonely-overlap.yaml"
grep -q '^case: lonely-overlap$' "$T/cat/lonely-overlap.yaml" || fail "the rename did not apply"
rc=0
$BIN lint --requirements docs/requirements.yaml "$T/cat" 2>"$T/lonely.err" || rc=$?
[ "$rc" = 2 ] || fail "a singleton group: exit $rc, expected 2"
grep -q "^$T/cat/lonely-overlap.yaml:[0-9]*:[0-9]*: case 'lonely-overlap' is alone in its group 'lonely'" \
	"$T/lonely.err" || fail "a singleton group: no FILE:LINE:COL message ($(cat "$T/lonely.err"))"
! grep -q "pio-sizes.yaml" "$T/lonely.err" || fail "a shared group was reported"
ok "a case alone in its group is refused, at its case: line"

$BIN lint "$T/cat/lonely-overlap.yaml" 2>"$T/one.err" || fail "one file alone is not a catalogue: $(cat "$T/one.err")"
ok "one file given alone is not held to the catalogue's groups"

# Its last line counts every error it printed, so that it and the exit code agree.
sed 's/^requirements: \[/requirements: [NOPE-1, /' cases/pio-sizes.yaml >"$T/cites.yaml"
grep -q 'NOPE-1' "$T/cites.yaml" || fail "the citation edit did not apply"
rc=0
$BIN lint "$T/cites.yaml" 2>"$T/cites.err" || rc=$?
[ "$rc" = 2 ] || fail "an unknown requirement: exit $rc, expected 2"
grep -q "^$T/cites.yaml:7:16: unknown requirement 'NOPE-1'$" "$T/cites.err" ||
	fail "an unknown requirement: no FILE:LINE:COL message ($(cat "$T/cites.err"))"
[ "$(tail -n 1 "$T/cites.err")" = "lint: 1 case file, 1 error" ] ||
	fail "the summary is not last or does not count the unknown requirement: $(cat "$T/cites.err")"
ok "the summary comes last and counts an unknown requirement"

# Outside the repository the binary finds the registry beside itself (a
# kselftest install has it there too); a copy with none beside it, run
# where there is none either, says how to name it.
(cd "$T" && "$OLDPWD/$BIN" lint "$OLDPWD/cases/pio-sizes.yaml") 2>"$T/beside.err" ||
	fail "run outside the repository, lint did not find the registry beside the binary: $(cat "$T/beside.err")"
ok "run outside the repository, lint finds the registry beside the binary"
mkdir "$T/bin"
cp "$BIN" "$T/bin/"
rc=0
(cd "$T" && bin/iorfd-conform lint "$OLDPWD/cases/pio-sizes.yaml") 2>"$T/noreg.err" || rc=$?
[ "$rc" = 2 ] || fail "no registry: exit $rc, expected 2"
grep -q '^docs/requirements.yaml: .*--requirements FILE' "$T/noreg.err" ||
	fail "no registry: no hint at --requirements ($(cat "$T/noreg.err"))"
[ "$(tail -n 1 "$T/noreg.err")" = "lint: 1 case file, 1 error" ] ||
	fail "no registry: the summary does not count it: $(cat "$T/noreg.err")"
ok "a binary with no registry beside it, run elsewhere, says to name it with --requirements"

$BIN lint --schema >"$T/schema.md" || fail "lint --schema failed"
grep -q '^| fill_bus | `op`, `action`, `region`, `count`, `at_least`?, `errno`?, `uncapped_errno`? |' \
	"$T/schema.md" || fail "lint --schema lacks the fill_bus row"
ok "lint --schema prints the schema"
echo "$n passed"
