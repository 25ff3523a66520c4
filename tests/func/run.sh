#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs every tests/func/test_*.sh against the binaries in $BUILD (default
# build).  Each test's output and tgtd logs go to tests/out/<test>/; the
# tgtd logs of a failing test are printed.  The last line is
# "N passed, N failed" counting cases (each test's "# N ok, M failed"
# summary; a test that dies without one counts as one failure); the status is non-zero if any test failed.
# A sanitizer report in a tgtd log (SANITIZE builds) fails the test too.
# FUNC_TIMEOUT bounds one test (seconds, default 300).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in
/*) ;;
*) BUILD=$root/$BUILD ;;
esac
export BUILD
out_root=$root/tests/out
pass=0
fail=0

for bin in "$BUILD/tgtd" "$BUILD/tgtadm"; do
	if [ ! -x "$bin" ]; then
		echo "run.sh: $bin missing: build first (make all)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

for t in "$here"/test_*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	dir=$out_root/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "== $name"
	TEST_OUT=$dir timeout --kill-after=10 "${FUNC_TIMEOUT:-300}" \
		bash "$t" 2>&1 | tee "$dir/output.log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ] && grep -lE 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' \
		"$dir"/tgtd.*.log 2>/dev/null; then
		echo "$name: sanitizer report in the tgtd log above"
		rc=1
	fi
	summary=$(grep -E '^# [0-9]+ ok, [0-9]+ failed$' "$dir/output.log" | tail -n 1)
	if [ -n "$summary" ]; then
		read -r _ ok _ bad _ <<<"$summary"
		pass=$((pass + ok))
		fail=$((fail + bad))
	fi
	if [ "$rc" -eq 0 ]; then
		[ -n "$summary" ] || pass=$((pass + 1))
		continue
	fi
	[ -n "$summary" ] && [ "$bad" -gt 0 ] || fail=$((fail + 1))
	[ "$rc" -eq 124 ] && echo "$name: timed out after ${FUNC_TIMEOUT:-300} s"
	echo "FAILED: $name (exit $rc); logs in $dir"
	for log in "$dir"/tgtd.*.log; do
		[ -e "$log" ] || continue
		echo "---- $log (last 100 lines)"
		tail -n 100 "$log"
	done
done

echo "$pass passed, $fail failed"
if [ -n "${TGT_SUMMARY:-}" ]; then
	echo "func${TGT_SUMMARY_SUFFIX:-} $pass $fail" >>"$TGT_SUMMARY"
fi
[ "$fail" -eq 0 ]
