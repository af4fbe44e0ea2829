#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The suite in LAVA (ci/lava/).  Three parts:
#
# 1. Always, without LAVA: ci/lava/ktap-to-lava.sh against known KTAP, with
#    a stand-in lava-test-case in PATH that records its arguments, under
#    every POSIX shell here (dash, busybox ash, bash --posix): each verdict
#    maps as ci/lava/README.md says, odd names and reasons become safe
#    LAVA names and units, a whole-run SKIP is one skip, a KTAP cut short,
#    without a plan or bailing out is exit 3, the input is copied to stdout.
#    ci/lava/run-suite.sh with a stand-in suite: a failing run is reported,
#    not raised; a run with no KTAP is raised; globs reach the suite as
#    written.
# 2. Where lava-dispatcher is installed: LAVA's own lava-test-case on the
#    converter's calls, its signal lines read back with the dispatcher's
#    own parser; the example job (strict), the device and the test
#    definition against lava_common's schemas; lava-run --validate.
# 3. Where it is installed and a fixture kernel exists (default
#    ../shared/kernels/rfc-v3/bzImage, or IORFD_LAVA_KERNEL): lava-run of
#    ci/lava/job-qemu.yaml, offline, with file:// images, the test
#    definition from a git repository made of this working tree, and a
#    few cases: the job passes and LAVA recorded the results expected of
#    that kernel, an XFAIL among them.
#
# Parts 2 and 3 say SKIP with the reason where they cannot run.
# lava-dispatcher is not among harness/install-deps.sh's packages (it
# brings 147 packages, systemd and libguestfs among them: ci/lava/README.md).
#
#   tests/test-lava.sh      (from anywhere; part 3 needs LAVA_RAMDISK=path,
#                            'make check-lava' gives it make lava-ramdisk's)
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
CONV=$ROOT/ci/lava/ktap-to-lava.sh
RUNSUITE=$ROOT/ci/lava/run-suite.sh
DATA=$ROOT/tests/data/lava
. tests/lib.sh
t0=$(date +%s)

skip()
{
	n=$((n + 1))
	echo "ok $n - test-lava: $1 # SKIP $2"
}

# ---- 1. the converter and the run step, without LAVA -------------------------

# A lava-test-case (and lava-test-raise) that only record how they were called.
mkdir -p "$T/stub"
cat >"$T/stub/lava-test-case" <<EOF
#!/bin/sh
{ printf '[%s]' "\$@"; echo; } >>"$T/calls"
EOF
cat >"$T/stub/lava-test-raise" <<EOF
#!/bin/sh
echo "raise: \$*" >>"$T/calls"
EOF
chmod +x "$T/stub/lava-test-case" "$T/stub/lava-test-raise"
STUBPATH=$T/stub:/usr/sbin:/usr/bin:/sbin:/bin

# conv SHELL ARGS...: the converter under SHELL with the stand-ins; its
# stdout in $T/out, the calls in $T/calls, its exit code in $rc.
conv()
{
	local sh=$1
	shift
	rm -f "$T/calls"
	touch "$T/calls"
	rc=0
	# shellcheck disable=SC2086 # $sh may be "bash --posix"
	PATH=$STUBPATH $sh "$CONV" "$@" >"$T/out" 2>"$T/err" || rc=$?
}

# The copy on stdout: as read, but no quoted line may pose as a LAVA signal.
sed 's/<LAVA_/<LAVA-/g' "$DATA/verdicts.ktap" >"$T/copied"
shells=("dash" "bash --posix")
if [ -x /bin/busybox ]; then
	shells+=("/bin/busybox sh")
fi
for sh in "${shells[@]}"; do
	command -v "${sh%% *}" >/dev/null || fail "shell ${sh%% *} not found"
	conv "$sh" "$DATA/verdicts.ktap"
	[ "$rc" = 0 ] || fail "$sh: exit $rc on a complete KTAP: $(cat "$T/err" "$T/out")"
	diff -u "$DATA/verdicts.expected" "$T/calls" >"$T/diff" ||
		fail "$sh: lava-test-case calls differ from tests/data/lava/verdicts.expected:
$(cat "$T/diff")"
	cmp -s "$T/copied" "$T/out" || fail "$sh: the KTAP was not copied to stdout as read (<LAVA_ as <LAVA-)"
	ok "$sh: pass, fail, error, timeout, XFAIL, XPASS, SKIP, odd names map as documented; quoted signals defused"
done

# The same from stdin, with CRs as a serial console adds them and no final newline.
sed 's/$/\r/' "$DATA/verdicts.ktap" | head -c -1 >"$T/crlf.ktap"
conv dash - <"$T/crlf.ktap"
[ "$rc" = 0 ] || fail "CRLF on stdin: exit $rc: $(cat "$T/err")"
diff -u "$DATA/verdicts.expected" "$T/calls" >"$T/diff" || fail "CRLF on stdin: $(cat "$T/diff")"
ok "stdin, CRLF line ends and a last line without newline read the same"

conv dash --xfail-result fail --xpass-result unknown "$DATA/verdicts.ktap"
[ "$rc" = 0 ] || fail "--xfail-result fail: exit $rc"
grep -qxF '[reg-overlap-last-byte.v3][--result][fail][--measurement][1][--units][XFAIL:B1:_overlap()_tests_start1_end2,_so_a_region_starting_on_the_last_byte_of_another_is_accepted]' "$T/calls" ||
	fail "--xfail-result fail: $(cat "$T/calls")"
grep -q '^\[reg-size-4g.v3\]\[--result\]\[unknown\]' "$T/calls" || fail "--xpass-result unknown: $(cat "$T/calls")"
conv dash --xfail-result xfail "$DATA/verdicts.ktap"
{ [ "$rc" = 1 ] && grep -q "no LAVA result" "$T/err"; } || fail "--xfail-result xfail: exit $rc, $(cat "$T/err")"
ok "--xfail-result and --xpass-result pick any LAVA result, and only those"

printf 'KTAP version 1\n1..0 # SKIP no usable /dev/kvm (ENOENT); '"'"'make run'"'"' or '"'"'iorfd-conform --vm auto'"'"' run the suite in a VM\n' >"$T/skip.ktap"
conv dash --name iorfd-conform-kvm "$T/skip.ktap"
want="[iorfd-conform-kvm][--result][skip][--measurement][1][--units][SKIP:no_usable_dev_kvm_(ENOENT)_make_run_or_iorfd-conform_--vm_auto_run_the_suite_in_a_VM]"
{ [ "$rc" = 0 ] && [ "$(cat "$T/calls")" = "$want" ]; } ||
	fail "a whole-run SKIP: exit $rc, calls: $(cat "$T/calls")"
ok "a run that skipped as a whole is one skip under --name"

printf 'KTAP version 1\n1..3\nok 1 a.v1\n# the kernel died here\n' >"$T/short.ktap"
conv dash "$T/short.ktap"
{ [ "$rc" = 3 ] && [ "$(cat "$T/calls")" = "[a.v1][--result][pass]" ] &&
	grep -qxF "# ktap-to-lava: the KTAP ended after 1 of its 3 results" "$T/out"; } ||
	fail "a KTAP cut short: exit $rc, $(cat "$T/calls" "$T/out")"
printf 'ok 1 a.v1\n' >"$T/noplan.ktap"
conv dash "$T/noplan.ktap"
{ [ "$rc" = 3 ] && grep -q "no KTAP plan" "$T/out"; } || fail "no plan: exit $rc, $(cat "$T/out")"
printf 'KTAP version 1\n1..2\nok 1 a.v1\nBail out! out of memory\nok 2 b.v1\n' >"$T/bail.ktap"
conv dash "$T/bail.ktap"
{ [ "$rc" = 3 ] && [ "$(cat "$T/calls")" = "[a.v1][--result][pass]" ] &&
	grep -q "bailed out after 1 results: out of memory" "$T/out"; } ||
	fail "Bail out!: exit $rc, $(cat "$T/calls" "$T/out")"
ok "a KTAP cut short, without a plan or bailing out is exit 3 and says so"

rc=0
PATH=/usr/sbin:/usr/bin:/sbin:/bin dash "$CONV" "$DATA/verdicts.ktap" >"$T/out" || rc=$?
{ [ "$rc" = 0 ] && grep -qxF "lava-test-case reg-size-4g.v3 --result pass --measurement 1 --units XPASS:B2:_memory_size_is_passed_to_kvm_io_bus_register_dev_as_an_int_(_expectations_rfc-v3.yaml:31)" "$T/out"; } ||
	fail "outside LAVA: exit $rc, $(cat "$T/out")"
ok "outside LAVA (no lava-test-case in PATH) the calls are printed"

# run-suite.sh with a stand-in suite that records its arguments and the
# console log level it runs at, logs a kernel line and plays a KTAP; and a
# dmesg that shows that log.
mkdir -p "$T/suite" "$T/cwd"
cat >"$T/suite/fake-suite" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$T/suite-args"
cat "$T/printk" "$T/no-auto-verbose" >"$T/suite-printk"
echo "[    2.000000] BUG: in the run <LAVA_SIGNAL_TESTCASE TEST_CASE_ID=evil RESULT=pass>" >>"$T/klog"
[ -z "\${FAKE_KTAP:-}" ] || cat "\$FAKE_KTAP"
echo "fake-suite: on stderr"  >&2
exit \${FAKE_RC:-0}
EOF
cat >"$T/suite/dmesg" <<EOF
#!/bin/sh
cat "$T/klog"
EOF
chmod +x "$T/suite/fake-suite" "$T/suite/dmesg"
# Files a glob in FILTER would match, were it expanded.
touch "$T/cwd/reg-a" "$T/cwd/reg-b"
runsuite()
{
	rm -f "$T/calls"
	touch "$T/calls"
	echo "7 4 1 7" >"$T/printk"
	echo N >"$T/no-auto-verbose"
	echo "[    1.000000] before the run" >"$T/klog"
	rc=0
	(cd "$T/cwd" && PATH=$T/suite:$STUBPATH SUITE=fake-suite CASES="/c1 /c2" \
		EXPECT=/exp FILTER="reg-* mmio-*" ALLOW_CRASH=true EXTRA_ARGS="--timeout 5" \
		PRINTK=$T/printk NO_AUTO_VERBOSE=$T/no-auto-verbose "$@" dash "$RUNSUITE") >"$T/out" 2>&1 || rc=$?
}
runsuite env FAKE_KTAP="$DATA/verdicts.ktap" FAKE_RC=1
[ "$rc" = 0 ] || fail "run-suite.sh, a run with failing cases: exit $rc: $(cat "$T/out")"
diff -u "$DATA/verdicts.expected" "$T/calls" >"$T/diff" || fail "run-suite.sh: $(cat "$T/diff")"
printf '%s\n' --target kernel --expect /exp --filter 'reg-*' --filter 'mmio-*' --allow-crash \
	--timeout 5 /c1 /c2 >"$T/want-args"
diff -u "$T/want-args" "$T/suite-args" >"$T/diff" || fail "run-suite.sh: the suite's arguments: $(cat "$T/diff")"
{ grep -qxF "# stderr: fake-suite: on stderr" "$T/out" && grep -qxF "# iorfd-conform exited 1" "$T/out"; } ||
	fail "run-suite.sh: stderr and exit code not shown: $(cat "$T/out")"
ok "run-suite.sh: a run with failing cases is reported, not raised; FILTER globs reach the suite"
{ [ "$(cat "$T/suite-printk")" = "1
Y" ] && [ "$(cat "$T/printk" "$T/no-auto-verbose")" = "7
N" ]; } ||
	fail "run-suite.sh: console log level, no_auto_verbose during the run $(cat "$T/suite-printk"), after it $(cat "$T/printk" "$T/no-auto-verbose")"
sed -n '/^# kernel log during the run/,/^# end of the kernel log/p' "$T/out" >"$T/klog-shown"
printf '%s\n' "# kernel log during the run (dmesg):" \
	"[    2.000000] BUG: in the run <LAVA-SIGNAL_TESTCASE TEST_CASE_ID=evil RESULT=pass>" \
	"# end of the kernel log during the run" >"$T/klog-want"
diff -u "$T/klog-want" "$T/klog-shown" >"$T/diff" || fail "run-suite.sh: the run's kernel log: $(cat "$T/diff")"
ok "run-suite.sh: panics only on the console during the run, then the run's kernel log, defused"
runsuite env FAKE_RC=2
{ [ "$rc" = 1 ] && grep -qxF "raise: iorfd-conform: the suite exited 2 without a complete KTAP report" "$T/calls"; } ||
	fail "run-suite.sh, a run without KTAP: exit $rc, $(cat "$T/calls" "$T/out")"
runsuite env SUITE=no-such-suite
{ [ "$rc" = 1 ] && grep -q "^raise: iorfd-conform: no suite binary 'no-such-suite'" "$T/calls"; } ||
	fail "run-suite.sh, no suite: exit $rc, $(cat "$T/calls" "$T/out")"
ok "run-suite.sh: a suite that gave no KTAP, or none at all, raises with the reason"

if command -v shellcheck >/dev/null; then
	shellcheck -s sh ci/lava/ktap-to-lava.sh ci/lava/run-suite.sh ci/lava/init >"$T/sc" 2>&1 ||
		fail "shellcheck -s sh: $(cat "$T/sc")"
	ok "shellcheck -s sh: ci/lava's scripts are clean"
else
	skip "shellcheck of ci/lava's scripts" "shellcheck not installed"
fi

# ---- 2. LAVA's own code: lava-test-case, the signal parser, the schemas -------

PY=/usr/bin/python3
if ! [ -x "$PY" ] || ! "$PY" -c 'import lava_dispatcher, lava_common' 2>/dev/null ||
	! command -v lava-run >/dev/null; then
	why="lava-dispatcher not installed (apt-get install lava-dispatcher; not in install-deps)"
	skip "LAVA's lava-test-case and signal parser on the converter's calls" "$why"
	skip "LAVA's schemas: job, device, test definition" "$why"
	skip "lava-run of ci/lava/job-qemu.yaml" "$why"
	echo "# test-lava: $(($(date +%s) - t0)) s"
	exit 0
fi

# LAVA's helpers as its overlay installs them: a shell line first, in PATH.
shelldir=$("$PY" -c 'import lava_dispatcher, os; print(os.path.join(os.path.dirname(lava_dispatcher.__file__), "lava_test_shell"))')
mkdir -p "$T/lava/bin" "$T/lava/results"
for h in lava-test-case lava-common-functions; do
	{
		echo "#!/bin/sh"
		cat "$shelldir/$h"
	} >"$T/lava/bin/$h"
	chmod +x "$T/lava/bin/$h"
done
rc=0
(cd "$T/lava" && PATH=$T/lava/bin:/usr/bin:/bin LAVA_RESULT_DIR=$T/lava dash "$CONV" "$DATA/verdicts.ktap") \
	>"$T/signals" 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "the converter with LAVA's lava-test-case: exit $rc: $(cat "$T/signals")"
# What the dispatcher records of each signal, through its own code.
"$PY" - "$T/signals" >"$T/recorded" <<'EOF' || fail "LAVA's parser refused a signal: $(cat "$T/recorded")"
import decimal, re, sys
from lava_dispatcher.actions.test.shell import TestShellAction, handle_testcase
from lava_dispatcher.connection import SignalMatch

action = TestShellAction()
action._reset_patterns()
signal = re.compile(action.patterns["signal"])
for line in open(sys.argv[1]):
    m = signal.search(line)
    if not m:
        continue
    name, params = m.groups()
    if name != "TESTCASE":
        continue
    res = SignalMatch().match(handle_testcase(params.split()))
    out = [res["test_case_id"], res["result"]]
    if "measurement" in res:
        out += [str(decimal.Decimal(str(res["measurement"]))), res.get("units", "")]
    print("[" + "][".join(out) + "]")
EOF
sed -e 's/\]\[--result\]\[/][/' -e 's/\]\[--measurement\]\[1\]\[--units\]\[/][1.0][/' \
	"$DATA/verdicts.expected" >"$T/want-recorded"
diff -u "$T/want-recorded" "$T/recorded" >"$T/diff" ||
	fail "what LAVA records differs from what the converter meant: $(cat "$T/diff")"
ok "LAVA's lava-test-case and signal parser record every call as meant ($(wc -l <"$T/recorded") cases)"

# The example job, the device and the test definition against LAVA's schemas.
"$PY" - "$ROOT/ci/lava" >"$T/schema" 2>&1 <<'EOF' || fail "LAVA's schemas: $(cat "$T/schema")"
import sys, yaml
from lava_common.schemas import validate as validate_job
from lava_common.schemas import device
from lava_common.schemas.test import testdef

d = sys.argv[1]
validate_job(yaml.safe_load(open(d + "/job-qemu.yaml")), strict=True)
device.validate(yaml.safe_load(open(d + "/device-qemu.yaml")))
testdef.validate(yaml.safe_load(open(d + "/iorfd-conform.yaml")))
EOF
ok "lava_common's schemas accept job-qemu.yaml (strict), device-qemu.yaml, iorfd-conform.yaml"

# ---- 3. lava-run: the example job on a fixture kernel, offline ---------------

kernel=${IORFD_LAVA_KERNEL:-../shared/kernels/rfc-v3/bzImage}
ramdisk=${LAVA_RAMDISK:-}
why=
if [ "$(id -u)" != 0 ]; then
	why="lava-run runs as root only"
elif [ ! -f "$kernel" ]; then
	why="no fixture kernel at $kernel (IORFD_LAVA_KERNEL=bzImage)"
elif [ -z "$ramdisk" ] || [ ! -f "$ramdisk" ]; then
	why="no ramdisk (LAVA_RAMDISK=path; 'make check-lava' builds one)"
elif ! command -v qemu-system-x86_64 >/dev/null; then
	why="qemu-system-x86_64 not installed"
fi
if [ -n "$why" ]; then
	skip "lava-run --validate of ci/lava/job-qemu.yaml" "$why"
	skip "lava-run of ci/lava/job-qemu.yaml" "$why"
	echo "# test-lava: $(($(date +%s) - t0)) s"
	exit 0
fi
kernel=$(cd "$(dirname "$kernel")" && pwd)/$(basename "$kernel")
ramdisk=$(cd "$(dirname "$ramdisk")" && pwd)/$(basename "$ramdisk")

# The test definition from git, as a lab has it: a repository of this
# working tree as it is now, committed or not.
mkdir -p "$T/repo/ci"
cp -R ci/lava "$T/repo/ci/"
git -C "$T/repo" init -q
git -C "$T/repo" add -A
git -C "$T/repo" -c user.name=test-lava -c user.email=test-lava@localhost commit -qm "ci/lava as tested"

# The example job with local images, the fixture kernel's cases, and a
# second run of the same definition without the known failures.
"$PY" - "$ROOT/ci/lava/job-qemu.yaml" "$T/job.yaml" "$kernel" "$ramdisk" "$T/repo" <<'EOF'
import copy, sys, yaml

src, dst, kernel, ramdisk, repo = sys.argv[1:]
job = yaml.safe_load(open(src))
for action in job["actions"]:
    if "deploy" in action:
        images = action["deploy"]["images"]
        images["kernel"]["url"] = "file://" + kernel
        images["ramdisk"]["url"] = "file://" + ramdisk
    if "boot" in action:
        action["boot"]["timeout"] = {"minutes": 2}
    if "test" in action:
        action["test"]["timeout"] = {"minutes": 4}
        defs = action["test"]["definitions"]
        defs[0]["repository"] = repo
        defs[0]["parameters"]["FILTER"] = "reg-overlap* reg-alloc-failure mmio-write-sizes"
        plain = copy.deepcopy(defs[0])
        plain["name"] = "iorfd-conform-no-expect"
        plain["parameters"]["EXPECT"] = ""
        plain["parameters"]["FILTER"] = "reg-overlap-last-byte"
        defs.append(plain)
job["timeouts"]["job"] = {"minutes": 10}
yaml.safe_dump(job, open(dst, "w"), sort_keys=False)
EOF
"$PY" -c 'import sys, yaml; from lava_common.schemas import validate; validate(yaml.safe_load(open(sys.argv[1])), strict=True)' \
	"$T/job.yaml" || fail "LAVA's schema refuses the job as tested"

jobid="iorfd-test-lava-$$"
rc=0
lava-run --validate --job-id "$jobid" --output-dir "$T/validate" --device ci/lava/device-qemu.yaml \
	"$T/job.yaml" >"$T/validate.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "lava-run --validate: exit $rc: $(tail -n 5 "$T/validate.log")"
ok "lava-run --validate builds the pipeline of the job"

start=$(date +%s)
rc=0
timeout 600 lava-run --job-id "$jobid" --output-dir "$T/run" --device ci/lava/device-qemu.yaml \
	"$T/job.yaml" >"$T/run.log" 2>&1 || rc=$?
took=$(($(date +%s) - start))
[ "$rc" = 0 ] || fail "lava-run: exit $rc after $took s: $(grep '"lvl": "results"' "$T/run.log" | tail -n 2)"
# Every result line of the job's suites: DEFINITION CASE RESULT [UNITS].
"$PY" - "$T/run.log" >"$T/results" <<'EOF'
import json, sys, yaml

for line in open(sys.argv[1]):
    if '"lvl": "results"' not in line:
        continue
    msg = yaml.safe_load(line)["msg"]
    if msg["definition"] == "lava":
        if msg["case"] == "job":
            print("lava job", msg["result"])
        continue
    out = [msg["definition"], msg["case"], msg["result"]]
    if "units" in msg:
        out.append(msg["units"])
    print(" ".join(out))
EOF
sort "$T/results" >"$T/results.sorted"
# The units' reason comes from expectations/: the label and bug are checked.
cat >"$T/want" <<'EOF'
0_iorfd-conform mmio-write-sizes.v3 pass
0_iorfd-conform reg-alloc-failure.v3 skip SKIP:needs_fault_injection*
0_iorfd-conform reg-overlap-last-byte.v3 pass XFAIL:B1:*
0_iorfd-conform reg-overlap.v3 pass
1_iorfd-conform-no-expect reg-overlap-last-byte.v3 fail
lava job pass
EOF
paste -d '\n' "$T/want" "$T/results.sorted" >"$T/pairs"
[ "$(wc -l <"$T/want")" = "$(wc -l <"$T/results.sorted")" ] ||
	fail "lava-run recorded $(wc -l <"$T/results.sorted") results, not $(wc -l <"$T/want"): $(cat "$T/results.sorted")"
while IFS= read -r w && IFS= read -r got; do
	# shellcheck disable=SC2053 # $w is a pattern
	[[ "$got" == $w ]] || fail "lava-run: expected '$w', recorded '$got' (all: $(cat "$T/results.sorted"))"
done <"$T/pairs"
ok "lava-run: the job passes in $took s; LAVA recorded pass, XFAIL (pass, units XFAIL:B1:...), SKIP and, without expectations, fail"
echo "# test-lava: $(($(date +%s) - t0)) s"
