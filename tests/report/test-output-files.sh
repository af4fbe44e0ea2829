#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What 'report' writes, and where it cannot: every case gets its own page,
# however long or odd its name, and the index links to each; an output path
# too long for the file system, or a disk that fills, fails the command
# with "PATH: reason (what to do)" and leaves no file behind, truncated or
# temporary.  Needs no KVM: the results files are made here.
. "$(dirname "$0")/lib.sh"

# results FILE CASE...: a results file with one passing record per case at v1.
results()
{
	local out=$1 sep= c

	shift
	{
		printf '{"format": "iorfd-conform-results-1", "target": "kernel", "results": ['
		for c in "$@"; do
			printf '%s\n {"case": "%s", "revision": "v1", "verdict": "pass", "summary": "case %s"}' \
				"$sep" "$c" "$c"
			sep=,
		done
		printf ']}\n'
	} >"$out"
}

# no_files_in DIR WHAT: DIR has nothing in it (or does not exist).
no_files_in()
{
	local left

	left=$(find "$1" -mindepth 1 2>/dev/null | head -n 3)
	[ -z "$left" ] || fail "$2: files left behind: $left"
}

# links_resolve DIR: every href of every page names a page that exists.
links_resolve()
{
	local dangling

	dangling=$(grep -ohE 'href="[^"#]+' "$1"/*.html | sed 's/^href="//' | sort -u |
		while read -r target; do [ -f "$1/$target" ] || echo "$target"; done)
	[ -z "$dangling" ] || fail "$1: links point at pages that were not written: $dangling"
}

# Two names that share their first 90 bytes, and two that differ only in a
# byte a file name cannot hold as it is: four cases, four pages.
long=$(printf 'l%.0s' $(seq 90))
results "$T/names.json" "$long-one" "$long-two" "odd.name" "odd_name"
"$BIN" report -o "$T/names" "$T/names.json" 2>"$T/names.err" ||
	fail "report -o failed: $(cat "$T/names.err")"
[ "$(find "$T/names" -name 'c-*.html' | wc -l)" = 4 ] ||
	fail "expected 4 case pages, got: $(ls "$T/names")"
for c in "$long-one" "$long-two" "odd.name" "odd_name"; do
	page=$(grep -lF "<title>$c.v1: pass</title>" "$T"/names/c-*.html) ||
		fail "no page has the title of $c"
	expect_grep "$T/names/index.html" "href=\"${page##*/}\"" "the index's link to the page of $c"
done
[ -f "$T/names/c-odd_name.v1.html" ] || fail "a name that is safe as it is lost its plain page name"
links_resolve "$T/names"
for f in "$T"/names/*.html; do
	[ ${#f} -lt $((${#T} + 7 + 160)) ] || fail "$f: a page name longer than 160 bytes"
done
ok "names alike in their first 90 bytes, or but for an unsafe byte, get a page each"

# -o with a component over NAME_MAX: refused, nothing made.
mkdir "$T/long"
long_dir=$T/long/$(printf 'x%.0s' $(seq 300))
rc=0
"$BIN" report -o "$long_dir" "$T/names.json" 2>"$T/long.err" || rc=$?
[ "$rc" = 2 ] || fail "-o with a 300-byte name exited $rc, expected 2"
expect_grep "$T/long.err" "$long_dir: File name too long (" "the message naming the path"
no_files_in "$T/long" "-o with a 300-byte name"
ok "-o with a 300-byte component: exit 2, 'PATH: File name too long (...)', no file"

# -o naming a directory that exists, whose pages' paths would pass
# PATH_MAX (4096 bytes): every page is refused, none is cut to DIR/i.
mkdir "$T/deep"
deep=deep
while [ ${#deep} -lt 3890 ]; do
	deep=$deep/$(printf 'd%.0s' $(seq 200))
done
(cd "$T" && mkdir -p "$deep") || fail "cannot make the deep directory"
rc=0
(cd "$T" && "$BIN" report -o "$deep" "$T/names.json") 2>"$T/deep.err" || rc=$?
[ "$rc" = 2 ] || fail "-o DIR whose pages pass PATH_MAX exited $rc, expected 2"
expect_grep "$T/deep.err" "File name too long (" "the reason"
grep -qF "$deep/" "$T/deep.err" || fail "the message does not name the page's path"
no_files_in "$T/$deep" "-o DIR whose pages pass PATH_MAX"
ok "-o DIR whose pages pass PATH_MAX: exit 2, no page cut to a short name"

# --junit with a name over NAME_MAX.
rc=0
"$BIN" report --junit "$T/long/$(printf 'j%.0s' $(seq 300)).xml" "$T/names.json" \
	2>"$T/junit.err" || rc=$?
[ "$rc" = 2 ] || fail "--junit with a 300-byte name exited $rc, expected 2"
expect_grep "$T/junit.err" "File name too long (" "the --junit message"
no_files_in "$T/long" "--junit with a 300-byte name"
ok "--junit with a 300-byte name: exit 2, a clear message, no file"

# A disk that fills (here: a 2 KiB file size limit; every page is larger):
# the command fails with the write's reason, and nothing half written stays.
rc=0
(ulimit -f 2 && trap '' XFSZ && exec "$BIN" report -o "$T/full" "$FIXTURE") \
	2>"$T/full.err" || rc=$?
[ "$rc" = 2 ] || fail "report -o on a full disk exited $rc, expected 2"
expect_grep "$T/full.err" "File too large (" "the write's own reason"
no_files_in "$T/full" "report -o on a full disk"
rc=0
(ulimit -f 2 && trap '' XFSZ && exec "$BIN" report --junit "$T/full.xml" "$FIXTURE") \
	2>"$T/full-junit.err" || rc=$?
[ "$rc" = 2 ] || fail "report --junit on a full disk exited $rc, expected 2"
expect_grep "$T/full-junit.err" "$T/full.xml: File too large (" "the --junit message"
[ ! -e "$T/full.xml" ] || fail "--junit on a full disk left a truncated $T/full.xml"
ls "$T" | grep -q '\.tmp\.' && fail "a temporary file was left in $T: $(ls "$T" | grep '\.tmp\.')"
ok "a full disk: exit 2, 'PATH: File too large (...)', no truncated or temporary file"
