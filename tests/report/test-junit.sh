#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# JUnit XML: made by the run (--junit without --json) and by 'report
# --junit', valid against the Jenkins schema (tests/data/junit-jenkins.xsd),
# and saying the right thing per verdict.
. "$(dirname "$0")/lib.sh"

XSD=$REPO/tests/data/junit-jenkins.xsd
ANT_XSD=$REPO/tests/data/junit-ant.xsd
command -v xmllint >/dev/null || fail "xmllint not found (apt-get install libxml2-utils)"

# Both dialects: Jenkins' (lenient on order, rich) and Ant's (strict; GitLab's).
validate()
{
	local x

	for x in "$XSD" "$ANT_XSD"; do
		xmllint --noout --schema "$x" "$1" 2>"$1.lint" ||
			fail "$1 does not validate against $x: $(cat "$1.lint")"
	done
}

# xq FILE XPATH: the string value of an XPath expression.
xq()
{
	xmllint --xpath "$2" "$1" 2>/dev/null || true
}

expect_xq()
{
	local got

	got=$(xq "$1" "$2")
	[ "$got" = "$3" ] || fail "$1: $2 is '$got', expected '$3'"
}

# The schema check itself must be able to fail: a testsuite without the
# required errors attribute, and an element Jenkins does not know.
cat >"$T/bad1.xml" <<'XML'
<testsuites><testsuite name="a" tests="1" failures="0"><testcase name="x"/></testsuite></testsuites>
XML
cat >"$T/bad2.xml" <<'XML'
<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x"><xfail/></testcase></testsuite></testsuites>
XML
for b in bad1 bad2; do
	if xmllint --noout --schema "$XSD" "$T/$b.xml" 2>/dev/null; then
		fail "the schema accepts $b.xml, which Jenkins would refuse"
	fi
done
ok "the schema refuses a testsuite without errors= and an unknown element"

# A run with a failing case, --junit only: the JSON goes to a temporary file
# that must be gone afterwards.
mkdir -p "$T/run" "$T/tmp"
failing_case "$T/run"
cp "$REPO/cases/pio-sizes.yaml" "$T/run/"
TMPDIR=$T/tmp run_suite "$T/run" 1 --junit "$T/run.xml"
[ -s "$T/run.xml" ] || fail "--junit wrote nothing"
[ -z "$(ls -A "$T/tmp")" ] || fail "--junit left its temporary JSON behind: $(ls "$T/tmp")"
validate "$T/run.xml"
ok "a run's --junit output validates; its temporary JSON is removed"

expect_xq "$T/run.xml" 'count(//testsuite)' 2
expect_xq "$T/run.xml" 'string(//testsuite[@name="mmio"]/@failures)' 3
expect_xq "$T/run.xml" 'string(//testsuite[@name="pio"]/@failures)' 0
expect_xq "$T/run.xml" 'string(//testcase[@name="mmio-write-sizes.v2"]/@classname)' iorfd-conform.mmio
expect_xq "$T/run.xml" 'string(//testcase[@name="pio-sizes.v3"]/@classname)' iorfd-conform.pio
expect_xq "$T/run.xml" 'count(//testcase[starts-with(@name,"pio-sizes.")]/failure)' 0
expect_xq "$T/run.xml" 'string(//testcase[@name="mmio-write-sizes.v1"]/failure/@message)' \
	"$T/run/mmio-write-sizes.yaml:26:9: channel dev, command #2 differs"
body=$(xq "$T/run.xml" 'string(//testcase[@name="mmio-write-sizes.v1"]/failure)')
case $body in
*"expected: cmd=WRITE size=2 off=0x12 data=0xbeee"*"observed: cmd=WRITE size=2 off=0x12 data=0xbeef"*) ;;
*) fail "the failure body lacks the expected/observed lines: $body" ;;
esac
case $body in
*"dev: cmd=WRITE size=2 off=0x12 data=0xbeef resp=1 user_data=0x1122334455667788 -> reply 0x0"*) ;;
*) fail "the failure body lacks the decoded transcript: $body" ;;
esac
expect_xq "$T/run.xml" 'count(//testcase/system-out)' 0
ok "testsuite per group, testcase per case x revision, failure with its diff and transcript"

# Every verdict, and hostile strings, from a hand-written results file.
"$BIN" report --junit "$T/v.xml" "$FIXTURE" || fail "report --junit $FIXTURE failed"
validate "$T/v.xml"
expect_xq "$T/v.xml" 'sum(//testsuite/@tests)' 8
expect_xq "$T/v.xml" 'sum(//testsuite/@failures)' 1
expect_xq "$T/v.xml" 'sum(//testsuite/@errors)' 2
expect_xq "$T/v.xml" 'sum(//testsuite/@skipped)' 3
expect_xq "$T/v.xml" 'string(//testcase[@name="pio-fixture.v1"]/error/@type)' error
expect_xq "$T/v.xml" 'string(//testcase[@name="pio-fixture.v2"]/error/@type)' timeout
expect_xq "$T/v.xml" 'string(//testcase[@name="reg-fixture.v3"]/skipped/@message)' \
	"target speaks v1"
expect_xq "$T/v.xml" 'string(//testsuite[@name="reg"]/@skipped)' 1
# A known failure, and a known failure that passed, are neither passes nor
# failures: skipped, with the XFAIL/XPASS and the whole reason in the message.
expect_xq "$T/v.xml" 'string(//testcase[@name="life-fixture.v3"]/skipped/@type)' xfail
expect_xq "$T/v.xml" 'string(//testcase[@name="life-fixture.v3"]/skipped/@message)' \
	"XFAIL: B3: kref_get from zero (expectations/rfc-v3.yaml:12)"
out=$(xq "$T/v.xml" 'string(//testcase[@name="life-fixture.v3"]/skipped)')
case $out in
*"failures (expected):"*"refcount_t: addition on 0"*) ;;
*) fail "the xfail does not carry what failed: $out" ;;
esac
expect_xq "$T/v.xml" 'string(//testcase[@name="life-fixture.v1"]/skipped/@message)' \
	"XPASS: B3 listed for v1 too (expectations/rfc-v1.yaml:9)"
expect_xq "$T/v.xml" 'count(//testcase[@name="evil-case.v1"]/*)' 0
body=$(xq "$T/v.xml" 'string(//testcase[@name="mmio-fixture.v2"]/failure)')
case $body in
*"[WIRE-5] channel dev: WIRE-5"*"... and 1 more failures, not kept by the run"*) ;;
*) fail "the failure body lacks a requirement or the count of failures not kept: $body" ;;
esac
out=$(xq "$T/v.xml" 'string(//testsuite[@name="evil"]/system-out)')
case $out in
*"<script>alert(1)</script> & \"double\" 'single' ctl:\\u0001 bad:"*) ;;
*) fail "hostile summary not carried as text: $out" ;;
esac
ok "error, timeout, skipped, xfail and xpass map as documented; hostile text stays text"

# The converter must refuse what is not a results file, naming it.
echo '{"format": "x"}' >"$T/notresults.json"
if "$BIN" report --junit "$T/n.xml" "$T/notresults.json" 2>"$T/n.err"; then
	fail "report --junit accepted a file of another format"
fi
expect_grep "$T/n.err" "$T/notresults.json: format is \"x\"" "refusal message"
ok "a file of another format is refused with its name"
