#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Known failures end to end, on the reference target (in the runner kernel's
# VM where this host has no usable KVM): a case whose only failure is the
# one its expectation lists is XFAIL and the run passes; the same case with
# one more failure beside it is FAIL, saying which failure is new.
#
#   tests/test-expectations.sh      (needs ./iorfd-conform built)
set -eu
cd "$(dirname "$0")/.."
BIN=$PWD/iorfd-conform
T=$(mktemp -d "${TMPDIR:-/tmp}/iorfd-test-expect.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0

fail()
{
	echo "not ok - test-expectations: $*" >&2
	echo "# kept in $T" >&2
	trap - EXIT
	exit 1
}

ok()
{
	n=$((n + 1))
	echo "ok $n - test-expectations: $*"
}

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
