# SPDX-License-Identifier: GPL-2.0
#
# Shared by the shell tests (tests/test-*.sh, tests/report/lib.sh): a
# scratch directory $T, removed at exit unless a test failed or
# TEST_KEEP=1, and TAP's words for a result: 'ok N - NAME: what held',
# 'not ok - NAME: what did not' (and exit 1).  $n counts the oks.  Sourced,
# not run.

set -eu

NAME=$(basename "$0" .sh)
T=$(mktemp -d "${TMPDIR:-/tmp}/iorfd-$NAME.XXXXXX")
n=0
keep=${TEST_KEEP:-0}

cleanup()
{
	if [ "$keep" = 1 ]; then
		echo "# $NAME: scratch files kept in $T" >&2
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

fail()
{
	echo "not ok - $NAME: $*" >&2
	keep=1
	exit 1
}

ok()
{
	n=$((n + 1))
	echo "ok $n - $NAME: $*"
}

# limited NAME SECONDS CMD...: CMD with its output in $T/NAME.out and $T/NAME.err and
# its exit code in $rc; still running after SECONDS is a hang, and fails the test.
limited()
{
	local name=$1 limit=$2

	shift 2
	rc=0
	timeout --kill-after=10 "$limit" "$@" >"$T/$name.out" 2>"$T/$name.err" || rc=$?
	[ "$rc" != 124 ] && [ "$rc" != 137 ] || fail "$name: still running after ${limit}s: a hang"
}
