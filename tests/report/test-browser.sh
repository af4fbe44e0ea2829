#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The HTML report of a run with one failing case, in headless chromium:
# the pages load without console errors, and the failing case shows as
# failing, its name and diff in the DOM and in the text as rendered.
#
# Screenshots and the rendered text of the failing case's page are left in
# REPORT_TEST_OUT (default build/report-test) for a human to look at.
. "$(dirname "$0")/lib.sh"

OUT=${REPORT_TEST_OUT:-$REPO/build/report-test}
CHROMIUM=${CHROMIUM:-chromium}
command -v "$CHROMIUM" >/dev/null || fail "$CHROMIUM not found (apt-get install chromium)"
mkdir -p "$OUT"

# browse URL DUMP LOG [flags...]: the DOM after load to DUMP, the browser's
# log (console messages included) to LOG.  A fresh profile every time, and
# nothing that would go to the network on its own.
browse()
{
	local url=$1 dump=$2 log=$3 profile

	shift 3
	profile=$(mktemp -d "$T/profile.XXXXXX")
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --user-data-dir="$profile" --enable-logging=stderr --v=0 \
		"$@" --dump-dom "$url" >"$dump" 2>"$log" ||
		fail "$CHROMIUM failed on $url (log: $log)"
	grep -q '</html>' "$dump" || fail "$url: no document came back (log: $log)"
}

# Console messages, as chromium logs them: [..:INFO:CONSOLE:LINE] "text", source: URL
console_lines()
{
	grep -E ':CONSOLE[:(]' "$1" || true
}

# The detector must see a console error when there is one, or its silence
# below would prove nothing.
cat >"$T/noisy.html" <<'HTML'
<!DOCTYPE html><html><body><p>x</p><script>console.error("deliberate");</script></body></html>
HTML
browse "file://$T/noisy.html" "$T/noisy.dom" "$T/noisy.log"
console_lines "$T/noisy.log" | grep -q deliberate ||
	fail "a deliberate console error was not seen in the browser log ($T/noisy.log)"
ok "console errors are caught (self-check with a deliberately noisy page)"

# A run with one failing case (all three revisions) and a passing one.
mkdir -p "$T/run"
failing_case "$T/run"
cp "$REPO/cases/pio-sizes.yaml" "$T/run/"
run_suite "$T/run" 1 --json "$T/run.json"
rm -rf "$OUT/html"
"$BIN" report -o "$OUT/html" "$T/run.json" 2>"$T/report.err" ||
	fail "report -o failed: $(cat "$T/report.err")"

page=c-mmio-write-sizes.v1.html
for p in index.html "$page"; do
	browse "file://$OUT/html/$p" "$T/$p.dom" "$T/$p.log"
	if [ -n "$(console_lines "$T/$p.log")" ]; then
		fail "$p: console messages: $(console_lines "$T/$p.log")"
	fi
done
ok "index.html and the failing case's page load without console messages"

dom=$T/index.html.dom
expect_grep "$dom" '<tr class="bad"><td class="name"' "a row marked as failing"
grep -q '<tr class="bad"><td class="name" title="[^"]*">mmio-write-sizes</td>' "$dom" ||
	fail "index: mmio-write-sizes is not the row marked as failing"
expect_grep "$dom" 'href="c-mmio-write-sizes.v1.html" title="mmio-write-sizes.v1: fail">FAIL</a>' \
	"the failing cell"
expect_grep "$dom" 'href="c-pio-sizes.v1.html" title="pio-sizes.v1: pass">PASS</a>' "a passing cell"
ok "index: the failing case's row and cells show FAIL, the other case PASS"

dom=$T/$page.dom
expect_grep "$dom" "<title>mmio-write-sizes.v1: fail</title>" "the page title"
expect_grep "$dom" '<span class="v v-fail">FAIL</span>' "the FAIL label"
expect_grep "$dom" "channel dev, command #2 differs" "the failure"
expect_grep "$dom" '<mark class="d">data=0xbeee</mark>' "the expected value, marked"
expect_grep "$dom" '<mark class="d">data=0xbeef</mark>' "the observed value, marked"
expect_grep "$dom" 'class="fail-hl"' "the highlighted command in the diagram"
ok "case page DOM: FAIL label, failure, both sides of the diff marked, highlighted command"

# What a reader sees: the page's innerText (visible, laid-out text), read
# through an iframe of a local harness page.
cat >"$OUT/html/rendered-text.html" <<HTML
<!DOCTYPE html><html><body>
<iframe id="f" src="$page" style="width:1400px;height:1000px"></iframe><pre id="out"></pre>
<script>
document.getElementById('f').addEventListener('load', function () {
	document.getElementById('out').textContent = this.contentDocument.body.innerText;
});
</script></body></html>
HTML
browse "file://$OUT/html/rendered-text.html" "$T/text.dom" "$T/text.log" \
	--allow-file-access-from-files --virtual-time-budget=10000
rm -f "$OUT/html/rendered-text.html"
sed -n '/<pre id="out">/,/<\/pre>/p' "$T/text.dom" | sed 's/.*<pre id="out">//; s/<\/pre>.*//' |
	sed 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#39;/'"'"'/g; s/&amp;/\&/g' >"$OUT/case-page.txt"
expect_grep "$OUT/case-page.txt" "mmio-write-sizes.v1 FAIL" "the rendered heading"
expect_grep "$OUT/case-page.txt" \
	"expected: cmd=WRITE size=2 off=0x12 data=0xbeee user_data=0x1122334455667788 (region bar0)" \
	"the rendered expected line"
expect_grep "$OUT/case-page.txt" \
	"observed: cmd=WRITE size=2 off=0x12 data=0xbeef resp=1 user_data=0x1122334455667788 reply=0" \
	"the rendered observed line"
ok "rendered text has the heading with FAIL and the diff ($OUT/case-page.txt)"

# Screenshots for a human; a blank page compresses to almost nothing.
for p in index.html "$page"; do
	profile=$(mktemp -d "$T/profile.XXXXXX")
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --user-data-dir="$profile" --hide-scrollbars --window-size=1400,1800 \
		--screenshot="$OUT/${p%.html}.png" "file://$OUT/html/$p" >/dev/null 2>&1 ||
		fail "screenshot of $p failed"
	[ "$(stat -c %s "$OUT/${p%.html}.png")" -gt 30000 ] ||
		fail "$OUT/${p%.html}.png is suspiciously small: a blank page?"
done
ok "screenshots: $OUT/index.png $OUT/${page%.html}.png"
