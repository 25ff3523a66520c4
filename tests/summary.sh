#!/usr/bin/env bash
# Prints the per-suite counts collected in $1 (lines "SUITE PASSED FAILED",
# appended by the unit, functional and kernel runners) and, last, the
# total as "N passed, N failed".
set -eu
file=$1
total_pass=0
total_fail=0
echo "== summary"
while read -r suite pass fail; do
	printf '  %-16s %5d passed, %d failed\n' "$suite" "$pass" "$fail"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
done <"$file"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
