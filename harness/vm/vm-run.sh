#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run iorfd-conform inside a QEMU guest booted from a given kernel, and
# report as if the suite had run here.
#
#   vm-run.sh --kernel BZIMAGE [options] [-- SUITE_ARGS...]
#
#   --kernel FILE        kernel image to test (required)
#   --out DIR            results directory (default: a new /tmp/iorfd-vm.*)
#   --timeout SEC        limit for the whole run, boot included (default 300)
#   --boot-timeout SEC   limit for reaching the suite (default 60)
#   --guest-timeout SEC  the guest's own limit for the suite (default: the
#                        whole-run limit less a quarter of it, at most 30 s,
#                        left for boot and sending the results)
#   --crash-grace SEC    after a kernel crash report on the console, end the
#                        guest once it has been silent this long (nothing new
#                        on the console or the data port); a guest that still
#                        makes progress may finish (default 30)
#   --accel kvm|tcg|auto accelerator (default auto: kvm when this CPU has
#                        vmx or svm and /dev/kvm is usable, else tcg;
#                        env IORFD_VM_ACCEL)
#   --cpu MODEL          QEMU CPU model (default: host with kvm, max with tcg)
#   --binary FILE        static suite binary (default: ./iorfd-conform-static
#                        of the repository)
#   --cases DIR|none     cases directory, /cases in the guest (default: cases/)
#   --extra DIR          another directory for the guest, at /<basename>
#                        (repeatable)
#   --file PATH          a file or directory for the guest, at its own absolute
#                        path there (repeatable)
#   --cwd DIR            the directory the guest's suite starts in (default /)
#   --as-is              SUITE_ARGS are the guest suite's whole command line
#                        (iorfd-conform --vm runs the reference target and
#                        its subcommands this way)
#   --why TEXT           why the suite runs in a VM, for the run note
#   --append STR         more kernel command line (e.g. oops=panic)
#   --console MODE       live guest console to stderr (default), stdout or
#                        none; env IORFD_VM_CONSOLE.  It is always in
#                        DIR/console.log.
#   SUITE_ARGS           passed to the suite after "--target kernel
#                        --allow-crash --json /out/results.json" (a VM is
#                        where cases marked crash_risk may run); the guest
#                        runs it from /, so case paths under cases/ work as in
#                        the repository.  The suite's environment has
#                        IORFD_RUN_NOTE, a line naming the accelerator and the
#                        kernel, for its KTAP header and JSON
#
# Environment: QEMU (binary, default qemu-system-x86_64), IORFD_VM_ACCEL,
# IORFD_VM_CONSOLE, IORFD_VM_BIOS (firmware for -bios; default qboot.rom
# when QEMU ships it, empty for QEMU's own default, SeaBIOS).
#
# stdout carries the guest suite's KTAP and then one summary line:
#   # vm: kernel=... accel=... boot=1.2s suite=3.4s exit=N result=WORD out=DIR
# Everything else (reasons, console tails, the live console) goes to stderr.
#
# Exit codes:
#   N    the suite ran to its end in the guest and exited with N (0 all pass,
#        1 a failure, 4 nothing could run; with --bisect 0/1/125), unless
#        one of the rows below applies.  A crash report does not change N
#        when the suite finished (results back intact, status done), said in
#        its KTAP that it checked the kernel log around every case (so it has
#        already tied each report to a case or failed the run, and its
#        expectations may have made that case XFAIL), and the console shows
#        no crash report after the guest's suite-end marker
#   1    the suite started and the kernel log (console, or the guest's
#        dmesg) has a crash report (Kernel panic, BUG:, Oops:, general
#        protection fault) that the suite did not account for as above; or
#        the suite hit its time limit (the guest's, or no result from the
#        guest within --timeout); or the guest reset during the suite
#        without reporting (QEMU exited by itself, status 0: a crash that
#        printed nothing, e.g. a triple fault; only the kernel under test
#        does that to the suite)
#   125  cannot test: bad usage, missing kernel/binary/cases, the initramfs
#        could not be built, QEMU could not start, or failed on its own
#        (non-zero status), the guest did not reach the suite within
#        --boot-timeout or died before it, no /dev/kvm in the guest, the
#        guest's init could not run the suite, the suite died of a signal
#        with no kernel crash report (its own bug), or the results did not come
#        back intact (missing, cut off, bad checksum, more than one frame)
#   130  interrupted
#
# Files in DIR: console.log (guest console), ktap.txt, results.json,
# stderr.txt, dmesg.txt, guest.txt, gcov/ioregion.gcda (when the kernel has
# it), summary.txt, and the inputs: initramfs.cpio.gz, qemu.cmd, qemu.log.
# Whatever else the suite wrote to the guest's /out is there too.  Coverage
# counters an instrumented suite wrote (gcov-user/) are merged into the same
# files on this host (gcov-tool merge), or copied where there are none yet.
#
# When nothing could be tested (exit 125) and the guest sent no KTAP, stdout
# still has KTAP: "1..0 # SKIP cannot test: REASON".
#
# How the results travel: see harness/vm/init.  The guest writes markers and
# a base64, sha256-checked tar.gz of its /out to its second serial port,
# which QEMU writes to DIR/ttyS1.raw.

set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
QEMU=${QEMU:-qemu-system-x86_64}
POLL=0.1

kernel=
out=
timeout=300
boot_timeout=60
guest_timeout=
crash_grace=30
accel=${IORFD_VM_ACCEL:-auto}
cpu=
binary=$REPO/iorfd-conform-static
cases=$REPO/cases
extras=()
files=()
cwd=
as_is=
why=
append=
console=${IORFD_VM_CONSOLE:-stderr}
suite_args=()

skip_reason=
# Reported in the summary line; "-" until known.
boot_s=-
suite_s=-
result=setup-error
qpid=

msg()
{
	echo "vm-run: $*" >&2
}

usage()
{
	sed -n '/^#   vm-run.sh/,/^# Files in DIR/{/^# Files in DIR/d;s/^# \{0,1\}//p}' "$0" >&2
}

now_ms()
{
	local t=${EPOCHREALTIME//[!0-9]/}

	now=$((t / 1000))
}

secs()
{
	printf '%d.%ds' $(($1 / 1000)) $(($1 % 1000 / 100))
}

# Stage times for the summary, from the marker times of the wait loop.
stage_times()
{
	local end

	[ -z "${t_boot:-}" ] || boot_s=$(secs "$t_boot")
	if [ -n "${t_suite:-}" ]; then
		# No end marker: the suite ran until the last look.
		end=${t_suite_end:-${el:-0}}
		suite_s=$(secs $((end - t_suite)))
	fi
}

# finish CODE RESULT: the one way out after option parsing.
finish()
{
	local code=$1

	result=$2
	stage_times
	if [ -s "${out:-/nonexistent}/ktap.txt" ]; then
		cat "$out/ktap.txt"
	elif [ "$code" = 125 ]; then
		[ "$result" != usage ] || skip_reason="cannot test: bad usage of vm-run.sh (see stderr)"
		printf 'KTAP version 1\n1..0 # SKIP %s\n' "${skip_reason:-cannot test: $result}"
	fi
	summary="# vm: kernel=${kernel:--} accel=${accel:--} boot=$boot_s suite=$suite_s exit=$code result=$result out=${out:--}"
	echo "$summary"
	if [ -n "$out" ] && [ -d "$out" ]; then
		echo "$summary" >"$out/summary.txt"
	fi
	exit "$code"
}

cannot_test()
{
	local what=$1

	shift
	msg "cannot test: $*"
	skip_reason="cannot test: $*"
	finish 125 "$what"
}

need_num()
{
	case $2 in
	'' | *[!0-9]*)
		msg "$1 wants whole seconds, not '$2'"
		usage
		finish 125 usage
		;;
	esac
}

while [ $# -gt 0 ]; do
	case $1 in
	--kernel | --out | --timeout | --boot-timeout | --guest-timeout | \
		--crash-grace | --accel | --cpu | --binary | --cases | --extra | \
		--append | --console | --file | --cwd | --why)
		if [ $# -lt 2 ]; then
			msg "$1 needs a value"
			finish 125 usage
		fi
		case $1 in
		--kernel) kernel=$2 ;;
		--out) out=$2 ;;
		--timeout) need_num "$1" "$2" && timeout=$2 ;;
		--boot-timeout) need_num "$1" "$2" && boot_timeout=$2 ;;
		--guest-timeout) need_num "$1" "$2" && guest_timeout=$2 ;;
		--crash-grace) need_num "$1" "$2" && crash_grace=$2 ;;
		--accel) accel=$2 ;;
		--cpu) cpu=$2 ;;
		--binary) binary=$2 ;;
		--cases) cases=$2 ;;
		--extra) extras+=("$2") ;;
		--file) files+=("$2") ;;
		--cwd) cwd=$2 ;;
		--why) why=$2 ;;
		--append) append=$2 ;;
		--console) console=$2 ;;
		esac
		shift 2
		;;
	--as-is)
		as_is=1
		shift
		;;
	-h | --help)
		usage
		exit 0
		;;
	--)
		shift
		suite_args=("$@")
		break
		;;
	*)
		msg "unknown option '$1' (suite arguments go after --)"
		usage
		finish 125 usage
		;;
	esac
done

case $console in
stderr | stdout | none) ;;
*)
	msg "--console wants stderr, stdout or none, not '$console'"
	finish 125 usage
	;;
esac
case $accel in
kvm | tcg | auto) ;;
*)
	msg "--accel wants kvm, tcg or auto, not '$accel'"
	finish 125 usage
	;;
esac
if [ -z "$kernel" ]; then
	msg "--kernel is required"
	usage
	finish 125 usage
fi
for a in ${suite_args[@]+"${suite_args[@]}"}; do
	case $a in
	--target* | --json*)
		[ -z "$as_is" ] || continue
		msg "suite argument '$a': the guest sets --target kernel and --json itself"
		finish 125 usage
		;;
	*$'\n'*)
		msg "suite arguments cannot contain newlines"
		finish 125 usage
		;;
	esac
done
if [ "$timeout" -lt 5 ] || [ "$boot_timeout" -lt 1 ]; then
	msg "--timeout must be at least 5 s and --boot-timeout at least 1 s"
	finish 125 usage
fi
if [ -z "$guest_timeout" ]; then
	grace=$((timeout / 4))
	[ "$grace" -le 30 ] || grace=30
	guest_timeout=$((timeout - grace))
fi

# ---- inputs ----------------------------------------------------------------
if [ ! -f "$kernel" ] || [ ! -r "$kernel" ]; then
	cannot_test no-kernel "kernel image not found or unreadable: $kernel"
fi
[ -f "$binary" ] || cannot_test no-binary "suite binary not found: $binary (make iorfd-conform-static builds it)"
[ "$cases" = none ] || [ -d "$cases" ] || cannot_test no-cases "cases directory not found: $cases"
command -v "$QEMU" >/dev/null || cannot_test qemu-failed "$QEMU not found (apt-get install qemu-system-x86)"

# -accel kvm needs this CPU to offer VMX or SVM to us (bare metal, or nested
# enabled) and a usable /dev/kvm.  A /dev/kvm without those flags is a
# software hypervisor that cannot run these guests.
kvm_usable()
{
	grep -qwE 'vmx|svm' /proc/cpuinfo 2>/dev/null &&
		[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]
}
if [ "$accel" = auto ]; then
	if kvm_usable; then accel=kvm; else accel=tcg; fi
elif [ "$accel" = kvm ] && ! kvm_usable; then
	cannot_test setup-error "--accel kvm: this CPU shows no vmx/svm flag or /dev/kvm is not usable"
fi
if [ -z "$cpu" ]; then
	if [ "$accel" = kvm ]; then cpu=host; else cpu=max; fi
fi

if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/iorfd-vm.XXXXXX")
fi
mkdir -p "$out" || cannot_test setup-error "cannot create $out"
out=$(cd "$out" && pwd)
# Stale results must not pass for this run's.
rm -rf "$out/gcov" "$out/gcov-user"
rm -f "$out"/{console.log,console.raw,ttyS1.raw,qemu.log,qemu.cmd,args.txt} \
	"$out"/{initramfs.cpio.gz,results.tgz,ktap.txt,results.json,results.xml} \
	"$out"/{stderr.txt,dmesg.txt,guest.txt,summary.txt}

# "6.1.192" from the bzImage's setup header: the version string's offset
# (less 0x200) is the 16-bit word at 0x20e.
kernel_release()
{
	local at

	at=$(od -An -tu2 -j526 -N2 "$1" 2>/dev/null | tr -d ' ')
	[ -n "$at" ] && [ "$at" != 0 ] || return 0
	dd if="$1" bs=1 skip=$((at + 512)) count=64 2>/dev/null | tr '\0' '\n' | head -n 1 | cut -d' ' -f1
}
release=$(kernel_release "$kernel")
kernel_sum=$(sha256sum "$kernel" | cut -d' ' -f1)
# build-kernel.sh leaves what it built from next to its tree of objects.
built_from=
info=$(dirname "$kernel")/../../../iorfd-kernel.txt
[ ! -f "$info" ] || built_from=$(sed -n 's/^source=//p' "$info")
note="ran in a VM${why:+ because $why}: QEMU ${accel^^} -cpu $cpu, kernel ${release:-of unknown version}"
note="$note${built_from:+ built from $built_from}, $kernel sha256 ${kernel_sum:0:16}"

args=()
# A VM is where cases marked crash_risk may run.
[ -n "$as_is" ] || args+=(--target kernel --allow-crash --json /out/results.json)
args+=(${suite_args[@]+"${suite_args[@]}"})
: >"$out/args.txt"
# No arguments must give an empty file, not one empty argument.
[ ${#args[@]} = 0 ] || printf '%s\n' "${args[@]}" >"$out/args.txt"
initramfs_opts=(--args "$out/args.txt" --suite-timeout "$guest_timeout" --run-note "$note")
[ -z "$cwd" ] || initramfs_opts+=(--cwd "$cwd")
for f in ${files[@]+"${files[@]}"}; do
	initramfs_opts+=(--file "$f")
done
msg "${why:+$why: }booting $kernel (${release:-version unknown}) in QEMU ${accel^^}; files in $out"
if ! "$HERE/mkinitramfs.sh" "${initramfs_opts[@]}" \
	"$out/initramfs.cpio.gz" "$binary" "$cases" ${extras[@]+"${extras[@]}"}; then
	cannot_test setup-error "building the initramfs failed (see above)"
fi

# ---- boot ------------------------------------------------------------------
# No panic_on_warn: a WARN must leave the guest running so the suite can tie
# it to a case.  No oops=panic by default: the suite's other cases and the
# kernel log still come back after an oops, and the console scan below turns
# the oops into a failure anyway (--append oops=panic to stop at the first).
# panic=-1 makes a panic reset the guest, which -no-reboot turns into the end
# of QEMU.  printk.time=1 prefixes kernel lines with "[ time]", which tells
# them apart from suite output on the shared console.
cmdline="console=ttyS0 panic=-1 printk.time=1${append:+ $append}"

# ttyS0 goes to DIR/console.raw and, through a stdio chardev's logfile, live
# to our stderr or stdout; ttyS1 goes to DIR/ttyS1.raw.
case $console in
none) con_chardev="file,id=con,path=$out/console.raw" ;;
*) con_chardev="stdio,id=con,signal=off,logfile=$out/console.raw" ;;
esac
# qboot instead of SeaBIOS where QEMU ships it: SeaBIOS, with no VGA, puts
# its banner and terminal-reset escapes on ttyS0, which would clear the
# terminal of whoever watches the live console.  qboot prints nothing and
# hands QEMU's ACPI tables (both CPUs) to the kernel as SeaBIOS does.
bios_file=${IORFD_VM_BIOS-/usr/share/qemu/qboot.rom}
if [ -n "${IORFD_VM_BIOS:-}" ] && [ ! -f "$IORFD_VM_BIOS" ]; then
	cannot_test setup-error "IORFD_VM_BIOS=$IORFD_VM_BIOS: no such file"
fi
bios=()
if [ -n "$bios_file" ] && [ -f "$bios_file" ]; then
	bios=(-bios "$bios_file")
fi
qemu_cmd=("$QEMU" -accel "$accel" -cpu "$cpu" -m 1G -smp 2
	-nographic -nodefaults -no-reboot ${bios[@]+"${bios[@]}"}
	-kernel "$kernel" -initrd "$out/initramfs.cpio.gz" -append "$cmdline"
	-chardev "$con_chardev" -serial chardev:con
	-serial "file:$out/ttyS1.raw")
printf '%q ' "${qemu_cmd[@]}" >"$out/qemu.cmd"
echo >>"$out/qemu.cmd"

# A child that has exited is not running even before it is reaped.
alive()
{
	local st=Z

	[ -n "$1" ] || return 1
	read -r _ _ st _ 2>/dev/null <"/proc/$1/stat" || return 1
	[ "$st" != Z ]
}

qemu_status=
# stop_qemu: TERM, then KILL; sets qemu_status.
stop_qemu()
{
	local i=0

	[ -n "$qpid" ] || return 0
	if alive "$qpid"; then
		kill -TERM "$qpid" 2>/dev/null || true
		while alive "$qpid" && [ $i -lt 50 ]; do
			sleep "$POLL"
			i=$((i + 1))
		done
		if alive "$qpid"; then
			msg "QEMU ignored SIGTERM for 5 s; killing it"
			kill -KILL "$qpid" 2>/dev/null || true
		fi
	fi
	qemu_status=0
	wait "$qpid" 2>/dev/null || qemu_status=$?
	qpid=
}

# shellcheck disable=SC2317  # reached through the INT/TERM trap
on_signal()
{
	trap - INT TERM
	msg "interrupted; stopping QEMU"
	stop_qemu
	finish 130 interrupted
}
trap on_signal INT TERM
trap 'stop_qemu' EXIT

case $console in
stdout) "${qemu_cmd[@]}" 2>"$out/qemu.log" </dev/null & ;;
stderr) "${qemu_cmd[@]}" >&2 2>"$out/qemu.log" </dev/null & ;;
none) "${qemu_cmd[@]}" 2>"$out/qemu.log" </dev/null >/dev/null & ;;
esac
qpid=$!
now_ms
t_start=$now

# ---- wait, stage by stage --------------------------------------------------
# Stages follow the ttyS1 markers: boot until "suite-start" (or a frame: the
# guest may report without running the suite), suite until the frame
# begins, upload until it ends, then the guest resets itself.
data=$out/ttyS1.raw
seen()
{
	[ -f "$2" ] && grep -qa "^$1" "$2"
}

# Kernel crash reports.  On the console only lines with the printk time
# prefix count, so suite output that quotes such words does not.  "general
# protection fault" must be followed by ":" or ",", as in the kernel's own
# report: "traps: prog[pid] general protection fault ip:..." is a user
# process's crash, logged at info level.
CRASH_RE='(Kernel panic|BUG:|Oops:|general protection fault[:,])'
crash_on_console()
{
	[ -f "$1" ] && grep -qaE "^\[ *[0-9]+\.[0-9]+\] .*$CRASH_RE" "$1"
}

# Sizes of what the guest has written, to tell a guest that still works
# after a crash report from one that is wedged.
output_size()
{
	local f n total=0

	for f in "$out/console.raw" "$data"; do
		n=0
		[ ! -f "$f" ] || n=$(stat -c %s "$f")
		total=$((total + n))
	done
	echo "$total"
}

stage=boot
timed_out=
t_boot=
t_suite=
t_suite_end=
t_end=
t_crash=
t_alive=
last_size=
while :; do
	now_ms
	el=$((now - t_start))
	# Checked before reading the markers, so that what a guest wrote just
	# before it ended is still seen.
	running=1
	alive "$qpid" || running=
	if [ -z "$t_boot" ] && seen "IORFD-VM: boot" "$data"; then
		t_boot=$el
		msg "booted in $(secs "$el")"
	fi
	# Several markers can arrive between two polls: take them in order.
	if [ -z "$t_suite" ] && seen "IORFD-VM: suite-start" "$data"; then
		t_suite=$el
		stage=suite
		msg "suite running (limit ${guest_timeout}s; console: $out/console.raw)"
	fi
	if [ -z "$t_suite_end" ] && seen "IORFD-VM-DATA BEGIN" "$data"; then
		t_suite_end=$el
		stage=upload
		[ -z "$t_suite" ] || msg "suite ended after $(secs $((el - t_suite)))"
	fi
	if [ "$stage" = upload ] && seen "IORFD-VM-DATA END" "$data"; then
		stage=reset
		t_end=$el
	fi
	[ -n "$running" ] || break
	if [ "$stage" = boot ] && [ "$el" -ge $((boot_timeout * 1000)) ]; then
		timed_out=boot
		break
	fi
	if [ -z "$t_crash" ] && [ "$stage" != boot ] && crash_on_console "$out/console.raw"; then
		t_crash=$el
		msg "kernel crash report on the console; the guest may finish unless silent for ${crash_grace}s"
	fi
	if [ -n "$t_crash" ]; then
		size=$(output_size)
		if [ "$size" != "$last_size" ]; then
			last_size=$size
			t_alive=$el
		fi
	fi
	if [ -n "$t_crash" ] && [ "$stage" != reset ] &&
		[ $((el - t_alive)) -ge $((crash_grace * 1000)) ]; then
		msg "the guest has been silent for ${crash_grace}s since its last output after the crash report; stopping it"
		timed_out=crash-grace
		break
	fi
	# The guest resets itself right after the END line; a guest that
	# does not is not worth failing a run whose results are all here.
	if [ "$stage" = reset ] && [ $((el - t_end)) -ge 10000 ]; then
		msg "guest did not reset within 10 s of sending its results; stopping QEMU"
		break
	fi
	if [ "$el" -ge $((timeout * 1000)) ]; then
		timed_out=$stage
		break
	fi
	sleep "$POLL"
done
if alive "$qpid"; then
	killed_qemu=1
else
	killed_qemu=
fi
stop_qemu
trap - EXIT

if [ -f "$out/console.raw" ]; then
	tr -d '\r' <"$out/console.raw" >"$out/console.log"
	rm -f "$out/console.raw"
else
	: >"$out/console.log"
fi

console_tail()
{
	local n

	n=$(grep -naE "^\[ *[0-9]+\.[0-9]+\] .*$CRASH_RE" "$out/console.log" | head -n 1 | cut -d: -f1)
	if [ -n "$n" ]; then
		msg "console from 5 lines before the first crash report ($out/console.log):"
		sed -n "$((n > 5 ? n - 5 : 1)),$((n + 40))p" "$out/console.log" >&2
	else
		msg "last 30 lines of the console ($out/console.log):"
		tail -n 30 "$out/console.log" >&2
	fi
	if [ -s "$out/qemu.log" ]; then
		msg "QEMU said ($out/qemu.log):"
		tail -n 10 "$out/qemu.log" >&2
	fi
}

# ---- results ---------------------------------------------------------------
field()
{
	local w

	for w in $1; do
		case $w in
		"$2"=*)
			echo "${w#*=}"
			return
			;;
		esac
	done
}

# decode: ttyS1 frame -> files in DIR.  Sets frame_status, frame_exit,
# frame_reason, decode_error.
frame_status=
frame_exit=
frame_reason=
decode_error=
decode()
{
	local begin end size sum got n

	begin=$(grep -a -m1 '^IORFD-VM-DATA BEGIN' "$data" | tr -d '\r') || true
	end=$(grep -a -m1 '^IORFD-VM-DATA END' "$data" | tr -d '\r') || true
	if [ -z "$begin" ]; then
		decode_error="no results frame on ttyS1"
		return 1
	fi
	# Only init writes there, once: a second frame means something else
	# did, and which one to believe is anyone's guess.
	n=$(grep -ac '^IORFD-VM-DATA BEGIN' "$data") || true
	if [ "$n" != 1 ]; then
		decode_error="$n results frames on ttyS1; only the guest's init may write there"
		return 1
	fi
	frame_status=$(field "$begin" status)
	frame_exit=$(field "$begin" exit)
	frame_reason=$(field "$begin" reason)
	if [ -z "$end" ]; then
		decode_error="results frame has no END line (cut off)"
		return 1
	fi
	size=$(field "$end" size)
	sum=$(field "$end" sha256)
	tr -d '\r' <"$data" |
		awk '/^IORFD-VM-DATA END/ { exit } f; /^IORFD-VM-DATA BEGIN/ { f = 1 }' |
		base64 -d >"$out/results.tgz" 2>/dev/null || {
		decode_error="results frame is not valid base64"
		return 1
	}
	got=$(wc -c <"$out/results.tgz")
	if [ "$got" != "$size" ]; then
		decode_error="results archive is $got bytes, the guest sent $size"
		return 1
	fi
	got=$(sha256sum "$out/results.tgz" | cut -d' ' -f1)
	if [ "$got" != "$sum" ]; then
		decode_error="results archive sha256 $got, the guest sent $sum"
		return 1
	fi
	if ! tar -xzf "$out/results.tgz" -C "$out" --no-same-owner --no-same-permissions 2>/dev/null; then
		decode_error="results archive does not unpack"
		return 1
	fi
	rm -f "$out/results.tgz"
	case $frame_exit in
	'' | *[!0-9]*)
		decode_error="results frame has a bad exit code '$frame_exit'"
		return 1
		;;
	esac
}
decoded=1
decode || decoded=

# Counters an instrumented suite wrote in the guest, back into this host's
# .gcda files: merged where the host has one (gcov-tool merge adds counts),
# copied where it has none yet.  Only into directories that exist here: the
# object directories of the build the suite came from.
merge_gcov()
{
	local f rel dest tmp

	[ -d "$out/gcov-user" ] || return 0
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/iorfd-gcov.XXXXXX")
	(cd "$out/gcov-user" && find . -name '*.gcda' -type f) | while read -r f; do
		rel=${f#.}
		dest=$rel
		if [ ! -d "$(dirname "$dest")" ]; then
			msg "coverage data for $dest: no such directory here; left in $out/gcov-user"
			continue
		fi
		if [ ! -f "$dest" ]; then
			cp "$out/gcov-user$rel" "$dest"
			continue
		fi
		rm -rf "$tmp"/{a,b,m} && mkdir -p "$tmp"/{a,b}
		cp "$dest" "$tmp/a/" && cp "$out/gcov-user$rel" "$tmp/b/"
		if gcov-tool merge -o "$tmp/m" "$tmp/a" "$tmp/b" >/dev/null 2>&1 &&
			[ -f "$tmp/m/$(basename "$dest")" ]; then
			cp "$tmp/m/$(basename "$dest")" "$dest"
		else
			msg "coverage data for $dest: gcov-tool merge failed; the guest's counts are in $out/gcov-user"
		fi
	done
	rm -rf "$tmp"
}
[ -z "$decoded" ] || merge_gcov

crashed=
if crash_on_console "$out/console.log" ||
	{ [ -f "$out/dmesg.txt" ] && grep -qaE "$CRASH_RE" "$out/dmesg.txt"; }; then
	crashed=1
fi

# Before the suite: nothing about the kernel under test can be concluded.
if [ "$stage" = boot ]; then
	if [ "$timed_out" = boot ]; then
		msg "boot stage timed out: the guest did not reach the suite within ${boot_timeout}s"
		console_tail
		cannot_test boot-timeout "boot did not finish"
	fi
	if [ -z "$t_boot" ] && [ "$qemu_status" != 0 ] && [ ! -s "$out/console.log" ]; then
		msg "QEMU could not start (exit status $qemu_status):"
		sed 's/^/  /' "$out/qemu.log" >&2
		cannot_test qemu-failed "QEMU did not start"
	fi
	if [ "$crashed" ]; then
		msg "the kernel crashed before the suite started"
	else
		msg "the guest ended (QEMU exit status $qemu_status) before the suite started"
	fi
	console_tail
	cannot_test boot-failed "no suite start marker from the guest"
fi

# The suite ran to its end and read the kernel log around every case: it has
# tied each report to the case that caused it (failed or, by its
# expectations, XFAIL) or failed the run for one outside any case.
suite_saw_kernel_log()
{
	[ "$decoded" ] && [ "$frame_status" = "done" ] &&
		grep -q '^# kernel log checked around every case' "$out/ktap.txt" 2>/dev/null
}

# A crash report on the console after the guest's suite-end marker came
# when the suite no longer looked.  No marker: no telling, so yes.
crash_after_suite()
{
	local n

	n=$(grep -naE '^IORFD-VM: suite-end ' "$out/console.log" | head -n 1 | cut -d: -f1)
	[ -z "$n" ] && return 0
	tail -n "+$n" "$out/console.log" | grep -qaE "^\[ *[0-9]+\.[0-9]+\] .*$CRASH_RE"
}

# Otherwise a crash report after boot is a bug in the kernel under test,
# whatever the suite made of it.
if [ "$crashed" ]; then
	if suite_saw_kernel_log && ! crash_after_suite; then
		msg "the kernel printed a crash report; the suite checked the kernel log around every case and accounted for it (exit $frame_exit)"
	else
		msg "FAIL: the kernel printed a crash report during the run"
		console_tail
		finish 1 kernel-crash
	fi
fi

if [ "$decoded" ]; then
	case $frame_status in
	done)
		if [ "$frame_exit" != 0 ]; then
			msg "suite exited with $frame_exit in the guest"
		fi
		finish "$frame_exit" suite-exit
		;;
	timeout)
		msg "FAIL: suite stage timed out: the guest killed the suite at its ${guest_timeout}s limit ($frame_reason)"
		finish 1 suite-timeout
		;;
	signal)
		# A crash of the suite caused by the kernel shows as a crash
		# report, handled above; without one it is the suite's own bug.
		msg "the suite died of signal $((frame_exit - 128)) in the guest, with no kernel crash report (see $out/stderr.txt)"
		cannot_test suite-crash "the suite crashed"
		;;
	nokvm)
		cannot_test no-kvm "/dev/kvm is missing in the guest (kernel without KVM, or the CPU model '$cpu' offers no VMX/SVM)"
		;;
	*)
		msg "guest init could not run the suite: status=$frame_status reason=$frame_reason"
		console_tail
		cannot_test guest-error "guest init failed"
		;;
	esac
fi

# No usable frame.
if [ "$stage" = suite ]; then
	if [ "$timed_out" = suite ]; then
		msg "FAIL: suite stage timed out: no result from the guest within ${timeout}s; QEMU stopped"
		console_tail
		finish 1 suite-timeout
	fi
	if [ -z "$killed_qemu" ] && [ "$qemu_status" != 0 ]; then
		msg "QEMU failed during the suite (exit status $qemu_status)"
		console_tail
		cannot_test qemu-failed "QEMU failed"
	fi
	msg "FAIL: the guest reset during the suite without reporting (kernel crash that printed nothing, e.g. a triple fault)"
	console_tail
	finish 1 guest-reset
fi
if [ "$timed_out" = upload ]; then
	msg "upload stage timed out: the results did not arrive within ${timeout}s ($decode_error)"
	console_tail
	cannot_test upload-timeout "results incomplete"
fi
msg "the results did not come back intact: $decode_error"
console_tail
cannot_test transport-error "results lost"
