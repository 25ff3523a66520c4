#!/usr/bin/env bash
# Runs each Check unit-test binary; prints its summary; fails if any fails.
# Check prints "NN%: Checks: N, Failures: F, Errors: E" per suite.
set -u
fail=0
for t in "$@"; do
	echo "== $(basename "$t")"
	if ! CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-30} "$t"; then
		echo "FAILED: $t"
		fail=1
	fi
done
exit $fail
