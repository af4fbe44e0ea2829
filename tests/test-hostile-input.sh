#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile input on the commands that need no KVM (issue 15): each class of
# bad input gets a clear error and a defined exit, never a hang, a crash,
# raw terminal control text or a silently smaller run.  Every command runs
# under a timeout, so a hang fails here instead of stalling make check.
#
#   tests/test-hostile-input.sh   (from anywhere; needs ./iorfd-conform built)
set -eu
cd "$(dirname "$0")/.."
BIN=./iorfd-conform
. tests/lib.sh
LIMIT=20
# VALGRIND="valgrind ..." (make check-valgrind) runs every command under it:
# the error paths must not leak or touch bad memory either.
VG=${VALGRIND:-}
[ -z "$VG" ] || LIMIT=120

# run EXPECTED_RC NAME CMD...: runs CMD under the limit, stderr to $T/NAME.err
run()
{
	local want=$1 name=$2 rc=0

	shift 2
	timeout $LIMIT $VG "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null || rc=$?
	[ "$rc" != 124 ] || fail "$name: still running after $LIMIT s (a hang)"
	[ "$rc" = "$want" ] || fail "$name: exit $rc, expected $want; stderr: $(cat "$T/$name.err")"
}

# class 1: a FIFO as input, or one lying in a cases directory
mkfifo "$T/stray.yaml"
run 2 fifo-lint $BIN lint "$T/stray.yaml"
grep -q "^$T/stray.yaml: nothing to read" "$T/fifo-lint.err" || fail "fifo: $(cat "$T/fifo-lint.err")"
run 2 fifo-list $BIN --list "$T/stray.yaml"
run 2 fifo-expect $BIN --expect "$T/stray.yaml" --list cases/reg-overlap.yaml
run 2 fifo-report $BIN report -o "$T/out" "$T/stray.yaml"
mkdir "$T/dir"
cp cases/reg-overlap.yaml cases/reg-overlap-last-byte.yaml "$T/dir/"
mkfifo "$T/dir/zz-stray.yaml"
run 2 fifo-dir $BIN lint "$T/dir"
ok "a FIFO as a case, expectations or results file, or in a directory: an error, no hang"

# class 2: pipes read once per revision
run 0 pipe-lint $BIN lint <(cat cases/reg-overlap.yaml)
cat cases/reg-overlap.yaml | timeout $LIMIT $VG $BIN lint /dev/stdin 2>"$T/stdin.err" ||
	fail "lint /dev/stdin: $(cat "$T/stdin.err")"
run 0 pipe-list $BIN --list <(cat cases/reg-overlap.yaml)
[ "$(wc -l <"$T/pipe-list.out")" = 3 ] || fail "--list <(...): $(cat "$T/pipe-list.out")"
ok "a case file through a pipe: loaded at every revision"

# class 4: terminal control text in input comes back escaped
printf 'case: x\n"s\\e]0;pwned\\aise": 1\n' >"$T/esc.yaml"  # YAML's own escapes: ESC, BEL
run 2 esc-key $BIN lint "$T/esc.yaml"
! grep -q $'\033' "$T/esc-key.err" || fail "an escape sequence reached the terminal"
grep -q "unknown key 's\\\\x1b\]0;pwned\\\\x07ise'" "$T/esc-key.err" ||
	fail "escaped key: $(cat "$T/esc-key.err")"
ok "an escape sequence in a YAML key is shown as \\x1b, not sent"

# class 5: number options: no wrap, no sign, no spaces
for bad in "-j 4294967297" "--repeat 4294967297" "--seed -1" "--seed ''" "--seed ' 12'" \
	"--seed 18446744073709551616" "--timeout 2147484" "-j 0" "--seed 0x"; do
	eval "set -- $bad"
	run 2 num $BIN "$@" --list cases/reg-overlap.yaml
	grep -q "is not a whole number from" "$T/num.err" || fail "$bad: $(cat "$T/num.err")"
done
run 0 num-ok $BIN --seed 0x10 -j 2 --list cases/reg-overlap.yaml
ok "number options are range-checked by one parser"

# class 6: under --bisect anything that stops the suite from testing is 125
run 125 bisect-opt $BIN --bisect --sed 1 cases/
run 125 bisect-num $BIN --seed x --bisect cases/
printf 'case: x\nsise: 1\n' >"$T/bad.yaml"
run 125 bisect-case $BIN --bisect "$T/bad.yaml"
run 2 nobisect-case $BIN "$T/bad.yaml"
grep -q "^$T/bad.yaml:2:1: unknown key 'sise'" "$T/nobisect-case.err" ||
	fail "a bad case file without KVM: $(cat "$T/nobisect-case.err")"
ok "--bisect: option and case-file errors are 125; a bad case file is reported before a KVM skip"

# a filter that selects nothing is an error, not a smaller run
run 2 filter $BIN --filter 'reg-overlpa' --list cases/
grep -q "'reg-overlpa' matches no case" "$T/filter.err" || fail "filter: $(cat "$T/filter.err")"
ok "a --filter that matches nothing is an error"


# class 11: a directory where a file is needed
run 2 dir-report $BIN report -o "$T/out2" "$T/dir"
grep -q "is a directory" "$T/dir-report.err" || fail "directory: $(cat "$T/dir-report.err")"
ok "a directory given as a file says so"

# class 7: a column is a character, whatever the encoding's bytes
printf 'case: x-y\nsummary: "\xc3\xa9\xc3\xa9\xc3\xa9", sise: 1\n' >"$T/utf8.yaml"
run 2 col-yaml $BIN lint "$T/utf8.yaml"
grep -q "^$T/utf8.yaml:2:15: " "$T/col-yaml.err" || fail "YAML column: $(head -1 "$T/col-yaml.err")"
printf '{"format": "\xc3\xa9\xc3\xa9", x}' >"$T/utf8.json"
run 2 col-json $BIN report -o "$T/out" "$T/utf8.json"
grep -q "$T/utf8.json:1:18: " "$T/col-json.err" || fail "JSON column: $(head -1 "$T/col-json.err")"
printf 'case: x-y\nsise: 1\n' | iconv -f UTF-8 -t UTF-16LE >"$T/utf16.yaml"
run 2 utf16 $BIN lint "$T/utf16.yaml"
grep -q "^$T/utf16.yaml:1:1: UTF-16 text without a byte-order mark" "$T/utf16.err" ||
	fail "UTF-16: $(head -1 "$T/utf16.err")"
{ printf '\xff\xfe'; printf 'case: x-y\nsise: 1\n' | iconv -f UTF-8 -t UTF-16LE; } >"$T/utf16bom.yaml"
run 2 utf16bom $BIN lint "$T/utf16bom.yaml"
grep -q "^$T/utf16bom.yaml:2:1: unknown key 'sise'" "$T/utf16bom.err" ||
	fail "UTF-16 with a BOM: $(head -1 "$T/utf16bom.err")"
ok "columns count characters (YAML, JSON); UTF-16 is read with its BOM, refused without"

# class 9/12: a results file that cannot be written fails before the run
run 2 out-dir $BIN --json "$T/no/such/dir/r.json" cases/reg-overlap.yaml
grep -q "^--json $T/no/such/dir/r.json: No such file or directory (" "$T/out-dir.err" ||
	fail "--json into a missing directory: $(cat "$T/out-dir.err")"
long=$(printf 'x%.0s' $(seq 300))
run 2 out-long $BIN --junit "$T/$long.xml" cases/reg-overlap.yaml
grep -q "File name too long (" "$T/out-long.err" || fail "--junit, long name: $(cat "$T/out-long.err")"
[ -z "$(ls "$T" | grep -e '\.tmp\.')" ] || fail "a temporary file was left: $(ls "$T")"
ok "a --json or --junit path that cannot be written is an error before anything runs"

# selection: --group, --exclude, and --list --format json for machines
run 0 list-json $BIN --list --format json --group reg --exclude 'reg-each-fd-*' cases/
python3 - "$T/list-json.out" <<'PY' || fail "--list --format json: $(head -c 300 "$T/list-json.out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d and all(x["group"] == "reg" for x in d), "a case of another group"
assert not any(x["case"].startswith("reg-each-fd-") for x in d), "an excluded case"
keys = {"name", "case", "revision", "group", "file", "requirements", "crash_risk"}
assert all(set(x) == keys for x in d), "keys"
assert any(x["crash_risk"] for x in d) and all(x["requirements"] for x in d)
PY
run 2 group-typo $BIN --group rgе --list cases/
grep -q "is the group of no case" "$T/group-typo.err" || fail "--group typo: $(cat "$T/group-typo.err")"
run 2 exclude-typo $BIN --exclude 'reg-eachfd-*' --list cases/
grep -q "excludes no selected case" "$T/exclude-typo.err" || fail "--exclude: $(cat "$T/exclude-typo.err")"
run 2 format-alone $BIN --format json cases/
ok "--group, --exclude and --list --format json; a selector that selects nothing is an error"

echo "1..$n"
