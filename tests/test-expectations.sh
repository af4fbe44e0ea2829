#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Known failures end to end, on the reference target (in the runner kernel's
# VM where this host has no usable KVM): a case whose only failure is the
# one its expectation lists is XFAIL and the run passes; the same case with
# one more failure beside it is FAIL, saying which failure is new.  First,
# without KVM: a file is checked whole before anything runs, even for
# another target, even with --list or on a host that would skip the run.
#
#   tests/test-expectations.sh      (needs ./iorfd-conform built)
set -eu
cd "$(dirname "$0")/.."
BIN=$PWD/iorfd-conform
. tests/lib.sh

# A file for the kernel target naming a case this run does not have.
mkdir -p "$T/bad" "$T/one"
cp cases/mmio-write-sizes.yaml "$T/one/"
cat >"$T/bad/kernel.yaml" <<'YAML'
when: {target: kernel, kernel: "9.9.*"}
known_failures:
  - case: mmio-write-sizse
    reason: "a misspelt name"
    fails:
      - {kind: cmd-differs}
YAML
want="$T/bad/kernel.yaml:3:11: no case matches 'mmio-write-sizse' (cases: $T/one)"
for how in "--list" "--vm never" "--vm auto --vm-out $T/bad.vm"; do
	rc=0
	# shellcheck disable=SC2086 # $how is options
	"$BIN" --target reference $how --expect "$T/bad" "$T/one" >"$T/bad.out" 2>"$T/bad.err" || rc=$?
	[ "$rc" = 2 ] || fail "$how: a case the run lacks: exit $rc, expected 2 ($(cat "$T/bad.err"))"
	grep -qxF "$want" "$T/bad.err" || fail "$how: no '$want' in: $(cat "$T/bad.err")"
	[ ! -s "$T/bad.out" ] || fail "$how: something ran or was listed: $(cat "$T/bad.out")"
done
ok "an expectations file for another target is checked before anything runs"
sed -i 's/mmio-write-sizse/mmio-write-sizes/' "$T/bad/kernel.yaml"
"$BIN" --list --expect "$T/bad" "$T/one" >/dev/null 2>"$T/list.err" ||
	fail "the corrected file: $(cat "$T/list.err")"
ok "the same file, spelt right, is accepted"

# The known bug: command #2 carries another value than the case expects (line 26).
mkdir -p "$T/known" "$T/more" "$T/exp"
sed 's/offset: 0x12, data: 0xbeef}/offset: 0x12, data: 0xbeee}/' cases/mmio-write-sizes.yaml \
	>"$T/known/mmio-write-sizes.yaml"
cmp -s cases/mmio-write-sizes.yaml "$T/known/mmio-write-sizes.yaml" && fail "the edit did not apply"
# ... and beside it a read that loads another value than it expects.
sed '/offset: 0xff8, size: 8, value: 0x0123456789abcdef}/a\      - {op: read, region: bar0, offset: 0x12, size: 2, expect: 0x1234}' \
	"$T/known/mmio-write-sizes.yaml" >"$T/more/mmio-write-sizes.yaml"
grep -q 'expect: 0x1234' "$T/more/mmio-write-sizes.yaml" || fail "the second edit did not apply"
cat >"$T/exp/reference.yaml" <<'YAML'
when: {target: reference}
known_failures:
  - case: mmio-write-sizes
    reason: "the test's own bug: command #2 is expected with 0xbeee"
    fails:
      - {kind: cmd-differs, line: 26}
YAML

run()
{
	local dir=$1

	rc=0
	"$BIN" --vm auto --vm-out "$T/$dir.vm" --target reference --revision v3 \
		--expect "$T/exp" "$T/$dir" >"$T/$dir.ktap" 2>"$T/$dir.err" || rc=$?
}

run known
[ "$rc" = 0 ] || fail "the known failure alone: exit $rc (see $T/known.ktap)"
grep -q '^ok 1 mmio-write-sizes.v3 # XFAIL the test' "$T/known.ktap" ||
	fail "the known failure alone is not XFAIL: $(grep 'mmio-write-sizes' "$T/known.ktap")"
ok "a case failing only as its expectation says is XFAIL, and the run passes"

run more
[ "$rc" = 1 ] || fail "a new failure beside the known one: exit $rc, expected 1"
grep -q '^not ok 1 mmio-write-sizes.v3$' "$T/more.ktap" ||
	fail "a new failure beside the known one is not FAIL"
grep -q "a known failure ($T/exp/reference.yaml:3) expects none but its own; this one is not: .*mmio-write-sizes.yaml:21:9: vCPU0 step 4: read mmio 0xd0000012 size 2: the guest loaded another value" \
	"$T/more.ktap" || fail "the FAIL does not name the new failure ($T/more.ktap)"
ok "a new failure beside a known one makes the case FAIL, and says which"
echo "$n passed"
