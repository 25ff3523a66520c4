#!/usr/bin/env bash
# Runs each Check unit-test binary; prints its summary; fails if any fails.
# Check prints "NN%: Checks: N, Failures: F, Errors: E" per suite.  With
# TGT_SUMMARY set, appends "unit<suffix> PASSED FAILED" to that file.
set -u
fail=0
passed=0
failed=0
for t in "$@"; do
	echo "== $(basename "$t")"
	out=$(CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-30} "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E 'Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' | tail -n 1)
	if [ -n "$line" ]; then
		n=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
		f=$(sed -E 's/.*Failures: ([0-9]+).*/\1/' <<<"$line")
		e=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
		passed=$((passed + n - f - e))
		failed=$((failed + f + e))
	elif [ "$rc" -ne 0 ]; then
		failed=$((failed + 1))
	fi
	if [ "$rc" -ne 0 ]; then
		echo "FAILED: $t"
		fail=1
	fi
done
if [ -n "${TGT_SUMMARY:-}" ]; then
	echo "unit${TGT_SUMMARY_SUFFIX:-} $passed $failed" >>"$TGT_SUMMARY"
fi
exit $fail
