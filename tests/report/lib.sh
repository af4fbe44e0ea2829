# SPDX-License-Identifier: GPL-2.0
#
# Shared by the report tests: the binary, a scratch directory, and runs of
# the suite with one case made to fail.  Sourced, not run.
#
# Environment: IORFD (the binary, default ./iorfd-conform of the repository),
# TEST_KEEP=1 keeps the scratch directory (tests/lib.sh).

REPO=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib.sh
. "$REPO/tests/lib.sh"
BIN=${IORFD:-$REPO/iorfd-conform}
FIXTURE=$REPO/tests/report/data/verdicts.json

[ -x "$BIN" ] || fail "$BIN: not built (make iorfd-conform)"

# expect_grep FILE PATTERN WHAT: FILE must contain the fixed string PATTERN.
expect_grep()
{
	grep -qF -- "$2" "$1" || fail "$3: '$2' not found in $1"
}

# expect_no_grep FILE PATTERN WHAT
expect_no_grep()
{
	if grep -qF -- "$2" "$1"; then
		fail "$3: '$2' found in $1"
	fi
}

# failing_case DIR: mmio-write-sizes with the expected data of command #2
# changed, so every revision fails with "channel dev, command #2 differs".
failing_case()
{
	sed 's/offset: 0x12, data: 0xbeef}/offset: 0x12, data: 0xbeee}/' \
		"$REPO/cases/mmio-write-sizes.yaml" >"$1/mmio-write-sizes.yaml"
	if cmp -s "$REPO/cases/mmio-write-sizes.yaml" "$1/mmio-write-sizes.yaml"; then
		fail "cases/mmio-write-sizes.yaml changed: the edit that makes it fail did not apply"
	fi
}

# passing_cases DIR: the unchanged case and another group's, for contrast.
passing_cases()
{
	cp "$REPO/cases/mmio-write-sizes.yaml" "$REPO/cases/pio-sizes.yaml" "$1/"
}

# run_suite DIR EXPECTED_EXIT ARGS...: the suite on the reference target (in
# the runner kernel's VM where this host has no usable KVM).
run_suite()
{
	local dir=$1 want=$2 rc=0

	shift 2
	"$BIN" --vm auto --vm-out "$dir.vm" --target reference --revision all "$@" "$dir" \
		>"$dir.ktap" 2>"$dir.err" || rc=$?
	[ "$rc" = "$want" ] || fail "suite on $dir exited $rc, expected $want (see $dir.ktap, $dir.err)"
}
