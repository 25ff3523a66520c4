#!/usr/bin/env bash
# Prints the per-suite counts collected in $1 (lines "SUITE PASSED FAILED
# [SKIPPED]", appended by the unit, functional, kernel and iSCSI runners)
# and, last, the total as "N passed, N failed, N skipped".
set -eu
file=$1
total_pass=0
total_fail=0
total_skip=0
echo "== summary"
while read -r suite pass fail skip; do
	skip=${skip:-0}
	printf '  %-16s %5d passed, %d failed, %d skipped\n' "$suite" "$pass" \
		"$fail" "$skip"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
done <"$file"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
