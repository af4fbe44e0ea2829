#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The HTML report says why: the index gives each failure's and each known
# failure's reason in its row; a multi-vCPU diagram draws a lane per vCPU,
# each access from its own vCPU's lane, and the completion with what the
# guest loaded where that is not the reply; the transcript table names the
# vCPU and the region of each command; no lane is cut off or shared.
# Fixture: tests/report/data/why.json.
. "$(dirname "$0")/lib.sh"

WHY=$REPO/tests/report/data/why.json
"$BIN" report -o "$T/why" "$WHY" 2>"$T/why.err" || fail "report -o failed: $(cat "$T/why.err")"

# row CASE: the verdict matrix row of CASE (one line of index.html).
row()
{
	grep -F "<td class=\"name\" title=\"" "$T/why/index.html" | grep -F ">$1</td>" ||
		fail "index: no row for $1"
}

# lanes PAGE: "X<tab>NAME" for each lane of the page's diagram, left to
# right: the x of its dashed line and the name on its head.
lanes()
{
	awk '/stroke="#b8bfcc"/ { if (match($0, /x1="[0-9]+"/)) x = substr($0, RSTART + 4, RLENGTH - 5) }
	     /<text [^>]*y="25"[^>]*font-weight="bold">/ {
		t = $0; sub(/^.*font-weight="bold">/, "", t); sub(/<.*$/, "", t); print x "\t" t }' "$1"
}

# lane_x PAGE NAME: the x of the lane named NAME.
lane_x()
{
	local x

	x=$(lanes "$1" | awk -F'\t' -v n="$2" '$2 == n { print $1; exit }')
	[ -n "$x" ] || fail "$1: no lane '$2' (lanes: $(lanes "$1" | cut -f2 | tr '\n' ','))"
	echo "$x"
}

# event PAGE SEQ: the drawing of the command or exit SEQ (empty when there is none).
event()
{
	sed -n "/<g class=\"ev\" data-seq=\"$2\">/,/<\/g>/p" "$1"
}

# from_lane PAGE SEQ NAME: the event's first arrow (the access) starts on lane NAME.
from_lane()
{
	local x want

	want=$(lane_x "$1" "$3") || exit 1
	x=$(event "$1" "$2" | grep -m1 -o '<line x1="[0-9]*"' | sed 's/.*x1="//; s/"//')
	[ "$x" = "$want" ] || fail "$1: event $2 starts at x=$x, not on lane '$3' (x=$want)"
}

svg_width()
{
	grep -o '<svg [^>]*' "$1" | grep -o ' width="[0-9]*"' | grep -o '[0-9]*'
}

# fits PAGE: the drawing is as wide as its rightmost lane's head (half of 170 px).
fits()
{
	local w right

	w=$(svg_width "$1")
	right=$(lanes "$1" | cut -f1 | sort -n | tail -1)
	[ -n "$w" ] && [ "$w" -ge $((right + 85)) ] ||
		fail "$1: the drawing is $w px wide; its last lane's head ends at $((right + 85))"
	echo "$w"
}

# 1. Reasons in the index: the expectation's for the known failure, the
# first failure's headline for the failure, the bugs cited; escaped.
r=$(row mvcpu-fixture)
case $r in
*'<td class="why">'*'contexts are kept per bus, so an MMIO &lt;and&gt; a PIO region on one read fd are not serialized &amp; the vCPUs'*) ;;
*) fail "index: the known failure's reason is not in its row: $r" ;;
esac
case $r in
*'<td class="why">'*'>B10<'*) ;;
*) fail "index: bug B10 is not shown in the row: $r" ;;
esac
case $r in
*'<td class="why">'*'channel dev: 1 command(s) arrived while an earlier one &lt;was&gt; still unanswered'*) ;;
*) fail "index: the failure's first headline is not in its row: $r" ;;
esac
case $r in
*'<td class="why">'*'>B5<'*'(+2 more)'*) ;;
*) fail "index: the failing result's bug (B5) and its further failures are not shown: $r" ;;
esac
expect_no_grep "$T/why/index.html" "<and>" "an unescaped reason"
expect_no_grep "$T/why/index.html" "<was>" "an unescaped headline"
case $(row chan-fixture) in
*'<td class="why"></td>'*) ;;
*) fail "index: a passing case has a reason: $(row chan-fixture)" ;;
esac
ok "index: each failure's and known failure's reason and bug in its row, escaped"

# 2. A lane per vCPU, and one for the command whose vCPU is not known.
page=$T/why/c-mvcpu-fixture.v3.html
for l in "vCPU0 (guest)" "vCPU1 (guest)" "vCPU ? (not known)" "dispatcher (KVM)" "responder: dev"; do
	lane_x "$page" "$l" >/dev/null
done
[ "$(lanes "$page" | grep -c 'vCPU')" = 3 ] ||
	fail "$page: expected 3 guest lanes, found: $(lanes "$page" | cut -f2 | tr '\n' ',')"
from_lane "$page" 0 "vCPU1 (guest)"
from_lane "$page" 1 "vCPU0 (guest)"
from_lane "$page" 2 "vCPU1 (guest)"
from_lane "$page" 3 "vCPU0 (guest)"
from_lane "$page" 4 "vCPU ? (not known)"
from_lane "$page" 5 "vCPU0 (guest)"
ok "diagram: a lane per vCPU; each access from its own vCPU's lane, the unknown one from 'vCPU ?'"

# 3. The completion says what vCPU1 loaded (0), not the device's reply
# (0xb1): the only read the device answered 0xb1 is that one.
expect_no_grep "$page" "read returns 0xb1" "a completion claiming vCPU1 got the reply"
expect_grep "$page" "loaded 0, not the reply 0xb1" "the value vCPU1 loaded"
event "$page" 2 | grep -qF "loaded 0, not the reply 0xb1" ||
	fail "$page: the loaded value is not on command 2's completion: $(event "$page" 2)"
event "$page" 3 | grep -qF "read returns 0xa0" || fail "$page: command 3's completion lost its reply"
ok "diagram: the completion shows the value the guest loaded where it differs from the reply"

# 4. vCPU and region columns; unknown shown as such.
expect_grep "$page" "<th>seq</th><th>vCPU</th><th>region (user_data)</th><th>channel</th>" \
	"the transcript table's vCPU and region columns"
expect_grep "$page" \
	'<td>2</td><td class="vcpu">1 <span class="step">step 1</span></td><td class="region">ports <span class="ud">0xb</span></td>' \
	"command 2's vCPU, step and region"
grep -q '<td>4</td><td class="vcpu"><span class="none" title="[^"]*">?</span></td><td class="region">shared <span class="ud">0xc</span></td>' "$page" ||
	fail "$page: command 4 (a region both vCPUs reach) is not shown as of an unknown vCPU"
old=$T/why/c-mvcpu-fixture.v2.html
[ "$(grep -c '<td class="vcpu"><span class="none"' "$old")" = 2 ] ||
	fail "$old: commands of a file that does not record their vCPU are not shown as unknown"
lane_x "$old" "vCPU ? (not known)" >/dev/null
ok "table: vCPU and region columns; an unknown vCPU is '?', never a guess"

# 5. No lane cut off: four responders fit the page's column (1440 px less
# padding and border); seventeen get their own lanes, the drawing as wide.
page=$T/why/c-chan-fixture.v3.html
[ "$(lanes "$page" | grep -c 'responder: ')" = 4 ] || fail "$page: expected 4 responder lanes"
w=$(fits "$page") || exit 1
[ "$w" -le 1382 ] || fail "$page: 4 responder lanes need $w px, more than the page's 1382"
page=$T/why/c-many-fixture.v3.html
[ "$(lanes "$page" | grep -c 'responder: ')" = 17 ] ||
	fail "$page: expected 17 responder lanes, found $(lanes "$page" | grep -c 'responder: ')"
[ "$(lanes "$page" | grep -c 'vCPU[0-9] (guest)')" = 3 ] || fail "$page: expected 3 vCPU lanes"
[ "$(lanes "$page" | cut -f1 | sort -u | wc -l)" = 21 ] || fail "$page: two lanes share a place"
fits "$page" >/dev/null
ok "diagram: 4 responder lanes fit in 1382 px; 17 each get a lane; the width covers every lane"
