#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iorfd-conform's KTAP, as it is written, into LAVA test cases: one
# lava-test-case call per result line, that is per case x revision.
#
#   ktap-to-lava.sh [--xfail-result R] [--xpass-result R] [--name NAME] [KTAP]
#
# Reads KTAP from the file KTAP, or from stdin (a pipe from the running
# suite: each case is reported as soon as its line arrives, so a kernel
# that dies half-way keeps the verdicts it gave).  Every line read is
# copied to stdout first, so the job log shows a result's diagnostics and
# reason right above the LAVA signal that records it; "<LAVA_" in a copied
# line becomes "<LAVA-", so that nothing the suite quotes (a kernel log
# line, say) can pose as a signal.  Without lava-test-case in PATH (not
# under LAVA) the calls are printed instead, one a line, as
# "lava-test-case NAME --result R ...".
#
# LAVA knows four results (pass, fail, skip, unknown), a number
# (--measurement) and, beside a number only, a unit (--units): at most 100
# characters, without blanks, '=' or '>' (the dispatcher's signal parser
# splits on them).  The mapping (ci/lava/README.md says why):
#
#   KTAP line                        --result      --measurement 1 --units
#   ok N NAME                        pass          -
#   ok N NAME # XFAIL REASON         xfail-result  XFAIL:REASON
#   ok N NAME # XPASS ...: REASON    xpass-result  XPASS:REASON
#   ok N NAME # SKIP REASON          skip          SKIP:REASON
#   not ok N NAME                    fail          - (fail), ERROR or TIMEOUT,
#                                                  from the "# NAME: VERDICT" line
#   1..0 # SKIP REASON               skip for NAME (--name, default iorfd-conform)
#
# --xfail-result and --xpass-result default to pass, as in the suite's own
# exit code; any of pass, fail, skip, unknown.  In REASON every character
# but letters, digits and ._,:+()- becomes '_' (a run of them one), and it
# is cut to fit the 100.
#
# Exit: 0 every result the plan announced was reported; 1 bad usage; 3 the
# KTAP had no plan, ended before its plan was complete, or bailed out (a
# line "# ktap-to-lava: ..." says which).
#
# POSIX sh as LAVA's test shell runs it, busybox ash included: besides the
# shell, only tr, cut and sed.

usage()
{
	echo "usage: ktap-to-lava.sh [--xfail-result R] [--xpass-result R] [--name NAME] [KTAP]" >&2
	exit 1
}

lava_result()
{
	case $1 in
	pass | fail | skip | unknown) ;;
	*)
		echo "ktap-to-lava.sh: '$1' is no LAVA result (pass, fail, skip, unknown)" >&2
		exit 1
		;;
	esac
}

xfail_result=pass
xpass_result=pass
run_name=iorfd-conform
while [ $# -gt 0 ]; do
	case $1 in
	--xfail-result | --xpass-result | --name)
		[ $# -ge 2 ] || usage
		case $1 in
		--xfail-result) lava_result "$2" && xfail_result=$2 ;;
		--xpass-result) lava_result "$2" && xpass_result=$2 ;;
		--name) run_name=$2 ;;
		esac
		shift 2
		;;
	-h | --help) usage ;;
	--)
		shift
		break
		;;
	-?*) usage ;;
	*) break ;;
	esac
done
[ $# -le 1 ] || usage
if [ $# = 1 ] && [ "$1" != - ]; then
	[ -r "$1" ] || {
		echo "ktap-to-lava.sh: cannot read $1" >&2
		exit 1
	}
	exec <"$1"
fi

if command -v lava-test-case >/dev/null 2>&1; then
	under_lava=1
else
	under_lava=0
fi

# A test case name LAVA takes as it is: the suite's names (CASE.REV) always
# are; anything else is made so.
case_id()
{
	case $1 in
	'' | *[!A-Za-z0-9._-]*) id=$(printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_' | cut -c 1-100) ;;
	*) id=$1 ;;
	esac
	[ -n "$id" ] || id=unnamed
}

# LABEL:TEXT (LABEL alone for no TEXT) as a LAVA unit: blanks and anything
# the dispatcher's signal parser or lava-test-case's unquoted echo could
# take apart become '_'.
units_of()
{
	if [ -z "$2" ]; then
		units=$1
		return
	fi
	units=$(printf '%s:%s' "$1" "$2" | tr -c 'A-Za-z0-9._,:+()-' '_' | tr -s '_' | cut -c 1-100)
	units=${units%_}
}

# report NAME RESULT [UNITS]
report()
{
	case_id "$1"
	if [ -n "${3:-}" ]; then
		set -- "$id" --result "$2" --measurement 1 --units "$3"
	else
		set -- "$id" --result "$2"
	fi
	if [ "$under_lava" = 1 ]; then
		lava-test-case "$@"
	else
		echo "lava-test-case $*"
	fi
}

cr=$(printf '\r')
planned=
seen=0
bailed=
# The verdict a "# NAME: VERDICT (FILE)" line gave the next "not ok" line.
verdict_name=
verdict=

while IFS= read -r line || [ -n "$line" ]; do
	# A serial console may add a CR to every line.
	line=${line%"$cr"}
	case $line in
	# A kernel log line the suite quotes must not pose as a LAVA signal.
	*'<LAVA_'*) printf '%s\n' "$line" | sed 's/<LAVA_/<LAVA-/g' ;;
	*) printf '%s\n' "$line" ;;
	esac
	# After a bail out the rest is only copied: the writer is not cut off.
	[ -z "$bailed" ] || continue
	case $line in
	'Bail out!'*)
		bailed="after $seen results:${line#Bail out!}"
		continue
		;;
	1..*)
		n=${line#1..}
		n=${n%%[!0-9]*}
		[ -n "$n" ] || continue
		planned=$n
		if [ "$n" = 0 ]; then
			case $line in
			*' # '[Ss][Kk][Ii][Pp]*)
				reason=${line#*' # '}
				reason=${reason#????}
				reason=${reason# }
				units_of SKIP "$reason"
				report "$run_name" skip "$units"
				;;
			esac
		fi
		continue
		;;
	'# '*': '*)
		d=${line#'# '}
		v=${d#*': '}
		v=${v%% *}
		case $v in
		fail | error | timeout)
			verdict_name=${d%%': '*}
			verdict=$v
			;;
		esac
		continue
		;;
	'ok '*)
		ok=1
		rest=${line#ok }
		;;
	'not ok '*)
		ok=0
		rest=${line#not ok }
		;;
	*) continue ;;
	esac

	# "N NAME[ # DIRECTIVE[ REASON]]"
	num=${rest%% *}
	case $num in
	'' | *[!0-9]*) continue ;;
	esac
	rest=${rest#"$num"}
	rest=${rest# }
	name=${rest%%' # '*}
	directive=
	reason=
	if [ "$name" != "$rest" ]; then
		directive=${rest#*' # '}
		reason=${directive#* }
		directive=${directive%% *}
		[ "$reason" != "$directive" ] || reason=
	fi
	name=${name%"${name##*[! ]}"}
	seen=$((seen + 1))

	case $directive in
	[Ss][Kk][Ii][Pp])
		units_of SKIP "$reason"
		report "$name" skip "$units"
		;;
	[Xx][Ff][Aa][Ii][Ll])
		units_of XFAIL "$reason"
		report "$name" "$xfail_result" "$units"
		;;
	[Xx][Pp][Aa][Ss][Ss])
		units_of XPASS "${reason#'listed as a known failure: '}"
		report "$name" "$xpass_result" "$units"
		;;
	*)
		if [ "$ok" = 1 ]; then
			r=pass
		else
			r=fail
		fi
		u=
		if [ -n "$directive" ]; then
			units_of "$directive" "$reason"
			u=$units
		elif [ "$ok" = 0 ] && [ "$verdict_name" = "$name" ]; then
			case $verdict in
			error) u=ERROR ;;
			timeout) u=TIMEOUT ;;
			esac
		fi
		report "$name" "$r" "$u"
		;;
	esac
	verdict_name=
done

if [ -n "$bailed" ]; then
	echo "# ktap-to-lava: the KTAP bailed out $bailed"
	exit 3
fi
if [ -z "$planned" ]; then
	echo "# ktap-to-lava: no KTAP plan (1..N) in the input; $seen results reported"
	exit 3
fi
if [ "$seen" -lt "$planned" ]; then
	echo "# ktap-to-lava: the KTAP ended after $seen of its $planned results"
	exit 3
fi
exit 0
