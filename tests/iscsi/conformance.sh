#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Conformance: libiscsi's iscsi-test-cu --dataloss against LUN 1 (a file),
# suite by suite (-t ALL.<Suite>), each on a freshly started target and
# under a time limit, so that one hang or crash cannot sink the run.
#
#   tests/iscsi/conformance.sh [SUITE...]      (default: every ALL.* suite)
#
# Verdicts come from CUnit's per-test output (cuparse.awk): passed,
# failed, or skipped (a test that printed [SKIPPED]).  A test without a
# verdict (its suite timed out, the initiator or the target crashed)
# counts as failed.  Failures are compared with the expected-failures list
# (tests/iscsi/expected-failures.txt for our tgtd,
# expected-failures.debian.txt for TGT_UNDER_TEST=debian; one
# "Suite.Test  reason" a line, # comments): each unexpected failure and
# each listed test that now passes is printed.  The last line is
#   N passed, N failed, N skipped
# where "failed" counts only unexpected failures; the exit status is
# non-zero if there is any.
#
# Environment: CONF_SUITE_TIMEOUT (s, default 120) bounds one suite;
# CONF_BUDGET (s, default 1200) bounds the whole run: suites not started
# by then count as failed.  CONF_EXPECTED overrides the list.
# CONF_MULTIPATH=1 gives iscsi-test-cu the URL twice (runs MultipathIO).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/iscsi/lib.sh
. "$here/lib.sh"

SUITE_TIMEOUT=${CONF_SUITE_TIMEOUT:-120}
BUDGET=${CONF_BUDGET:-1200}
if [ "$TGT_UNDER_TEST" = debian ]; then
	EXPECTED=${CONF_EXPECTED:-$here/expected-failures.debian.txt}
else
	EXPECTED=${CONF_EXPECTED:-$here/expected-failures.txt}
fi
OUT=$ISCSI_OUT/conformance
rm -rf "$OUT"
mkdir -p "$OUT"
TESTCU=$(command -v iscsi-test-cu || true)
if [ -z "$TESTCU" ]; then
	echo "conformance: iscsi-test-cu missing (apt-get install libiscsi-bin)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

# Every test, as "Suite.Test", from iscsi-test-cu -l.
"$TESTCU" -l | awk -F. '$1 == "ALL" && NF == 3 { print $2 "." $3 }' >"$OUT/all-tests.txt"
if [ $# -gt 0 ]; then
	suites=("$@")
else
	mapfile -t suites < <(awk -F. '{ print $1 }' "$OUT/all-tests.txt" | awk '!seen[$0]++')
fi

declare -A expected=()
if [ -f "$EXPECTED" ]; then
	while read -r name reason; do
		case $name in '' | '#'*) continue ;; esac
		expected[$name]=${reason:-?}
	done <"$EXPECTED"
fi

results=$OUT/results.tsv # Suite.Test <TAB> verdict <TAB> message
: >"$results"
start=$SECONDS
first=1

for suite in "${suites[@]}"; do
	log=$OUT/$suite.log
	t0=$SECONDS
	note=
	if [ $((SECONDS - start)) -ge "$BUDGET" ]; then
		note="not run: the run's budget of ${BUDGET}s was spent"
	elif ! it_start open 2>"$OUT/$suite.start.err"; then
		cat "$OUT/$suite.start.err"
		if [ "$first" = 1 ]; then
			echo "conformance: the target did not start; giving up"
			echo "0 passed, 1 failed, 0 skipped"
			exit 1
		fi
		note="not run: the target did not start"
	else
		urls=("$IT_URL")
		[ "${CONF_MULTIPATH:-0}" = 1 ] && urls+=("$IT_URL")
		rc=0
		timeout -k 5 "$SUITE_TIMEOUT" "$TESTCU" --dataloss -t "ALL.$suite" \
			"${urls[@]}" >"$log" 2>&1 </dev/null || rc=$?
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			note="no verdict: the suite timed out after ${SUITE_TIMEOUT}s"
		elif [ "$rc" -ne 0 ]; then
			note="no verdict: iscsi-test-cu exited $rc"
		else
			note="no verdict"
		fi
		if [ -n "$IT_PID" ] && ! kill -0 "$IT_PID" 2>/dev/null; then
			note="$note; the target died during the suite"
			printf '%s.TargetAlive\tfailed\tthe target died during suite %s (log %s)\n' \
				"$suite" "$suite" "$(it_log)" >>"$results"
		fi
		it_stop
		cp "$(it_log)" "$OUT/$suite.tgtd.log" 2>/dev/null || true
	fi
	first=0
	touch "$log"
	awk -f "$here/cuparse.awk" "$log" >"$OUT/$suite.parsed"
	# Verdicts, then every listed test of the suite without one.
	# FILENAME, not FNR == NR: an empty .parsed (a suite that never ran)
	# would make every listed test look like a verdict line.
	awk -F'\t' -v s="$suite" -v note="$note" '
		FILENAME == ARGV[1] {
			if ($3 == "assert") {
				if (!(($1 "." $2) in amsg))
					amsg[$1 "." $2] = $4
				next
			}
			if ($1 != s)
				next
			name = $1 "." $2
			v[name] = $3
			m[name] = $4
			order[++n] = name
			next
		}
		index($0, s ".") == 1 && !($0 in v) {
			v[$0] = "failed"
			m[$0] = note
			order[++n] = $0
		}
		END {
			for (i = 1; i <= n; i++) {
				name = order[i]
				msg = m[name]
				if (msg == "" && (name in amsg))
					msg = amsg[name]
				printf "%s\t%s\t%s\n", name, v[name], msg
			}
		}' "$OUT/$suite.parsed" "$OUT/all-tests.txt" >"$OUT/$suite.tsv"
	cat "$OUT/$suite.tsv" >>"$results"
	read -r p f s < <(awk -F'\t' '{ c[$2]++ } END { print c["passed"] + 0, c["failed"] + 0, c["skipped"] + 0 }' "$OUT/$suite.tsv")
	printf '  %-24s %3d passed %3d failed %3d skipped  %3d s\n' "$suite" "$p" "$f" "$s" $((SECONDS - t0))
done

passed=0
skipped=0
failed_all=0
unexpected=0
fixed=0
while IFS=$'\t' read -r name verdict msg; do
	case $verdict in
	passed | skipped)
		if [ "$verdict" = passed ]; then
			passed=$((passed + 1))
		else
			skipped=$((skipped + 1))
		fi
		if [ -n "${expected[$name]:-}" ]; then
			echo "NOW PASSES (remove it from $(basename "$EXPECTED")): $name ($verdict)"
			fixed=$((fixed + 1))
		fi
		;;
	failed)
		failed_all=$((failed_all + 1))
		if [ -z "${expected[$name]:-}" ]; then
			echo "FAIL $name: $msg"
			unexpected=$((unexpected + 1))
		fi
		;;
	esac
done <"$results"

total=$((passed + skipped + failed_all))
echo "# conformance ($TGT_UNDER_TEST target): $total tests in ${#suites[@]} suites, $((SECONDS - start)) s;" \
	"$failed_all failed of which $((failed_all - unexpected)) expected; $fixed listed as expected now pass;" \
	"logs in $OUT"
echo "$passed passed, $unexpected failed, $skipped skipped"
[ "$unexpected" -eq 0 ]
