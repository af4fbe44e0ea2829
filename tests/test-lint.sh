#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iorfd-conform lint on a catalogue: a case alone in its group is refused
# with FILE:LINE:COL, the same files as single arguments are not (a group
# is a property of the catalogue), and the catalogue itself is clean.
#
#   tests/test-lint.sh            (from anywhere; needs ./iorfd-conform built)
set -eu
cd "$(dirname "$0")/.."
BIN=./iorfd-conform
T=$(mktemp -d "${TMPDIR:-/tmp}/iorfd-test-lint.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0

fail()
{
	echo "not ok - test-lint: $*" >&2
	exit 1
}

ok()
{
	n=$((n + 1))
	echo "ok $n - test-lint: $*"
}

$BIN lint cases/ 2>"$T/clean.err" || fail "lint cases/ failed: $(cat "$T/clean.err")"
ok "the catalogue is clean"

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

$BIN lint --schema >"$T/schema.md" || fail "lint --schema failed"
grep -q '^| fill_bus | `op`, `action`, `region`, `count`, `at_least`?, `errno`?, `uncapped_errno`? |' \
	"$T/schema.md" || fail "lint --schema lacks the fill_bus row"
ok "lint --schema prints the schema"
echo "$n passed"
