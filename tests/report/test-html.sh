#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The HTML report as files: a page per case x revision, matrices, the
# failing command's diff, requirement texts, several runs side by side,
# everything escaped, nothing loaded from outside.
. "$(dirname "$0")/lib.sh"

REQS=$REPO/tests/report/data/requirements.yaml

"$BIN" report --requirements "$REQS" -o "$T/one" "$FIXTURE" 2>"$T/one.err" ||
	fail "report -o failed: $(cat "$T/one.err")"
[ -f "$T/one/index.html" ] || fail "no index.html"
for p in mmio-fixture.v1 mmio-fixture.v2 pio-fixture.v1 pio-fixture.v2 reg-fixture.v3 \
	life-fixture.v3 life-fixture.v1 evil-case.v1; do
	[ -f "$T/one/c-$p.html" ] || fail "no page c-$p.html"
done
[ "$(ls "$T/one" | wc -l)" = 9 ] || fail "expected index and 8 case pages: $(ls "$T/one")"
ok "index.html and one page per case x revision"

# Every string of the fixture is data.  Its hostile summary must arrive
# escaped, on the index (a title attribute) and on its page.
for f in "$T"/one/*.html; do
	expect_no_grep "$f" "<script" "a script tag from the results"
	expect_no_grep "$f" "<img" "an image tag from the results"
done
expect_grep "$T/one/c-evil-case.v1.html" \
	"&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;double&quot; &#39;single&#39;" \
	"the escaped summary"
expect_grep "$T/one/c-evil-case.v1.html" "&lt;img src=x&gt;" "an escaped requirement ID"
expect_grep "$T/one/index.html" "fixture &lt;probe&gt; &amp; co" "the escaped probe text"
if grep -qP '[\x00-\x08\x0b\x0c\x0e-\x1f]' "$T"/one/*.html; then
	fail "a control character reached the HTML"
fi
iconv -f UTF-8 -t UTF-8 "$T"/one/*.html >/dev/null || fail "the HTML is not valid UTF-8"
ok "hostile strings are escaped; no control characters; valid UTF-8"

# Offline: nothing but the SVG namespace names a URL, and every link
# points at a page that exists.
if grep -ohE '(src|href)="?[a-z]+:|url\([^#]|@import|https?://[^"]*' "$T"/one/*.html |
	grep -v '^http://www.w3.org/2000/svg$' | grep -q .; then
	fail "a page refers to something outside the report directory"
fi
dangling=$(grep -ohE 'href="[^"#]+' "$T"/one/*.html | sed 's/^href="//' | sort -u |
	while read -r target; do [ -f "$T/one/$target" ] || echo "$target"; done)
[ -z "$dangling" ] || fail "links point at pages that were not written: $dangling"
ok "no external assets; every link resolves"

# The verdict matrix, and the requirement matrix with the registry's texts.
expect_grep "$T/one/index.html" '<tr class="bad"><td class="name" title="Fixture case mmio-fixture.">mmio-fixture</td>' \
	"the failing case's row, marked"
expect_grep "$T/one/index.html" 'href="c-mmio-fixture.v2.html" title="mmio-fixture.v2: fail">FAIL</a>' \
	"the failing cell linking to its page"
expect_grep "$T/one/index.html" "Fixture text of WIRE-1 &lt;with markup&gt; &amp; ampersand." \
	"a requirement text from the registry"
expect_grep "$T/one/index.html" '<tr class="uncited" id="req-NEVER-1">' "an uncited rule"
expect_grep "$T/one/index.html" "(not in the requirement registry)" "a cited ID the registry lacks"
ok "verdict matrix and requirement matrix with texts"

# The failing page: the diff marks only the differing field, the diagram
# highlights the command, draws the posted write and the missing command.
page=$T/one/c-mmio-fixture.v2.html
expect_grep "$page" 'expected: cmd=WRITE size=8 off=0x8 <mark class="d">data=0x5555</mark> user_data=0x5 (region r)' \
	"the expected side of the diff"
expect_grep "$page" 'observed: cmd=WRITE size=8 off=0x8 <mark class="d">data=0x5556</mark> resp=1 user_data=0x5 reply=0' \
	"the observed side of the diff"
[ "$(grep -c 'class="fail-hl"' "$page")" = 4 ] ||
	fail "$page: expected 4 highlights (differs, violation, exit, missing)"
expect_grep "$page" "[POSTED] WRITE 8 B off=0x10 data=0x1" "the posted write in the diagram"
expect_grep "$page" "expected command, never sent" "the missing command in the diagram"
expect_grep "$page" "Failures (4 of 5 kept)" "the failure count"
ok "failing page: field diff, highlighted command, posted write, missing command"

# A failure is data: the page finds the command, the exit and the missing
# command by the failure's kind and seq, whatever its words say.  Reworded
# messages and headlines must leave every highlight where it was.
sed -e 's/command #1 differs/Befehl 1 weicht ab/g' -e 's/ordinary exit #1 differs/Ausgang 1 anders/g' \
	-e 's/expected 3 commands, observed 2; first missing:/fehlt einer/g' "$FIXTURE" >"$T/reworded.json"
cmp -s "$FIXTURE" "$T/reworded.json" && fail "the rewording of the fixture's messages did not apply"
"$BIN" report -o "$T/reworded" "$T/reworded.json" 2>/dev/null || fail "report of the reworded file failed"
page=$T/reworded/c-mmio-fixture.v2.html
[ "$(grep -c 'class="fail-hl"' "$page")" = 4 ] ||
	fail "$page: a reworded message moved the highlights (expected 4)"
expect_grep "$page" 'observed: cmd=WRITE size=8 off=0x8 <mark class="d">data=0x5556</mark> resp=1 user_data=0x5 reply=0' \
	"the observed side of the reworded failure's diff"
expect_grep "$page" "Befehl 1 weicht ab" "the reworded headline, shown as written"
ok "reworded failure messages: the same highlights, from the failures' fields"

# Several runs: columns per run, pages per run.
"$BIN" report -o "$T/two" "$FIXTURE" "$FIXTURE" 2>/dev/null || fail "report of two runs failed"
[ -f "$T/two/c-mmio-fixture.v2.1.html" ] && [ -f "$T/two/c-mmio-fixture.v2.2.html" ] ||
	fail "two runs: pages are not numbered by run"
expect_grep "$T/two/index.html" "run 2: kernel 6.1.192, v3" "the second run's column"
ok "several results files: a column group and pages per run"

# Bad input is refused with the file's name, and nothing pretends to work.
printf '{"format": "iorfd-conform-results-1", "results": [' >"$T/cut.json"
if "$BIN" report -o "$T/cut" "$T/cut.json" 2>"$T/cut.err"; then
	fail "a cut-off results file was accepted"
fi
expect_grep "$T/cut.err" "$T/cut.json:1:" "the parse error's place"
ok "a cut-off results file is refused with FILE:LINE:COL"
