#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The run step of ci/lava/iorfd-conform.yaml: runs iorfd-conform on the
# booted kernel and reports each case x revision to LAVA while it runs
# (ktap-to-lava.sh, beside this script).  Settings come from the
# environment, where the test definition's run steps export its params:
#
#   SUITE             the suite binary (default iorfd-conform, from PATH)
#   CASES             case files or directories, blank-separated (default /cases)
#   EXPECT            known failures: a file or directory for --expect ('' none)
#   TARGET            kernel (the booted kernel's KVM_SET_IOREGION), reference or auto
#   FILTER            --filter globs, blank-separated ('' all)
#   ALLOW_CRASH       true: also the cases that may crash or wedge the kernel
#   EXTRA_ARGS        more suite options, blank-separated
#   XFAIL_RESULT      the LAVA result of an XFAIL (default pass)
#   XPASS_RESULT      the LAVA result of an XPASS (default pass)
#   CONSOLE_LOGLEVEL  the kernel's console log level while the suite runs
#                     (default 1: panics only; '' leaves it, and the
#                     console, as they are)
#   PRINTK, NO_AUTO_VERBOSE  where that level and printk's
#                     console_no_auto_verbose are set (default in /proc and
#                     /sys; tests/test-lava.sh points them elsewhere)
#
# LAVA reads results from the console, where a kernel message can land in
# the middle of a line a process writes, a result signal included; the
# cases provoke kernel reports on purpose.  So while the suite runs, only
# panics go to the console (an oops would otherwise raise the level to
# show everything: console_no_auto_verbose), and the kernel log of the run
# is shown after the results.  The suite reads every message from /dev/kmsg whatever the
# console shows.  (Result signals through the kernel log, LAVA's
# lava-signal: kmsg, would reach that reader: a reason quoting "BUG:" made
# the next case FAIL, and the suite echoed the signal back to the console.)
#
# Exit: 0 every result was reported (failing cases included: they are
# LAVA results, not a broken run); 1 the suite could not be run or its
# KTAP was cut short: then lava-test-raise, where there is one, ends the
# job as incomplete with the reason.
#
# POSIX sh, busybox ash included.

here=$(cd "$(dirname "$0")" && pwd)

SUITE=${SUITE:-iorfd-conform}
CASES=${CASES:-/cases}
EXPECT=${EXPECT:-}
TARGET=${TARGET:-kernel}
FILTER=${FILTER:-}
ALLOW_CRASH=${ALLOW_CRASH:-false}
EXTRA_ARGS=${EXTRA_ARGS:-}
XFAIL_RESULT=${XFAIL_RESULT:-pass}
XPASS_RESULT=${XPASS_RESULT:-pass}
CONSOLE_LOGLEVEL=${CONSOLE_LOGLEVEL-1}
PRINTK=${PRINTK:-/proc/sys/kernel/printk}
NO_AUTO_VERBOSE=${NO_AUTO_VERBOSE:-/sys/module/printk/parameters/console_no_auto_verbose}

work=
saved_level=
saved_verbose=

# Puts back what this script changed; runs on every exit.
restore_console()
{
	if [ -n "$saved_level" ]; then
		echo "$saved_level" >"$PRINTK" 2>/dev/null
		saved_level=
	fi
	if [ -n "$saved_verbose" ]; then
		echo "$saved_verbose" >"$NO_AUTO_VERBOSE" 2>/dev/null
		saved_verbose=
	fi
}

restore()
{
	restore_console
	[ -z "$work" ] || rm -rf "$work"
}
trap restore EXIT

# Why the run is not a set of results: to the log, and to LAVA as the
# reason the job is incomplete.
broken()
{
	restore
	echo "iorfd-conform: $*"
	if command -v lava-test-raise >/dev/null 2>&1; then
		lava-test-raise "iorfd-conform: $*"
	fi
	exit 1
}

command -v "$SUITE" >/dev/null 2>&1 || broken "no suite binary '$SUITE' on this system (PATH=$PATH)"

# Globs in FILTER go to the suite as they are, not to the shell.
set -f
set -- --target "$TARGET"
[ -z "$EXPECT" ] || set -- "$@" --expect "$EXPECT"
for f in $FILTER; do
	set -- "$@" --filter "$f"
done
case $ALLOW_CRASH in
true | yes | 1) set -- "$@" --allow-crash ;;
esac
# shellcheck disable=SC2086 # blank-separated lists, by design
set -- "$@" $EXTRA_ARGS $CASES
set +f

work=$(mktemp -d "${TMPDIR:-/tmp}/iorfd-lava.XXXXXX") || broken "mktemp failed"
mkfifo "$work/ktap" || broken "mkfifo $work/ktap failed"

# The kernel log's last line now: what comes after it is the run's.
log_last=$(dmesg 2>/dev/null | tail -n 1)
if [ -n "$CONSOLE_LOGLEVEL" ] && [ -w "$PRINTK" ]; then
	read -r saved_level _ <"$PRINTK"
	echo "$CONSOLE_LOGLEVEL" >"$PRINTK" || saved_level=
	if [ -n "$saved_level" ] && [ -w "$NO_AUTO_VERBOSE" ]; then
		read -r saved_verbose <"$NO_AUTO_VERBOSE"
		echo Y >"$NO_AUTO_VERBOSE" || saved_verbose=
	fi
	[ -z "$saved_level" ] ||
		echo "# console log level $CONSOLE_LOGLEVEL while the suite runs (was $saved_level); its kernel log follows the results"
fi

echo "# running: $SUITE $*"
"$here/ktap-to-lava.sh" --xfail-result "$XFAIL_RESULT" --xpass-result "$XPASS_RESULT" \
	<"$work/ktap" &
conv=$!
# stderr apart: on a console it is a terminal, where the suite draws a
# progress line that would land among the KTAP lines and LAVA's signals.
"$SUITE" "$@" >"$work/ktap" 2>"$work/stderr"
rc=$?
wait "$conv"
crc=$?
while IFS= read -r l; do
	echo "# stderr: $l"
done <"$work/stderr"
echo "# iorfd-conform exited $rc"

if [ -n "$saved_level" ]; then
	restore_console
	echo "# kernel log during the run (dmesg):"
	# After the line that was last before the run, or all of it where the
	# ring buffer has wrapped since; nothing here may pose as a LAVA signal.
	dmesg >"$work/dmesg" 2>&1
	LOG_LAST=$log_last awk 'NR == FNR { if ($0 == ENVIRON["LOG_LAST"]) n = FNR; next } FNR > n' \
		"$work/dmesg" "$work/dmesg" | sed 's/<LAVA_/<LAVA-/g'
	echo "# end of the kernel log during the run"
fi

case $crc in
0) exit 0 ;;
3) broken "the suite exited $rc without a complete KTAP report" ;;
*) broken "ktap-to-lava.sh failed ($crc)" ;;
esac
