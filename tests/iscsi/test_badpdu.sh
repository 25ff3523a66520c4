#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Bad input: badpdu (tests/iscsi/badpdu.c, a raw-socket initiator) sends
# malformed PDUs to a live target; every case must get the RFC's answer
# and a witness session must keep working (see badpdu.c for the cases).
#   BADPDU       the binary (default $BUILD/iscsitest/badpdu)
#   BADPDU_WAIT  seconds a stalled connection may stay open (default 20)
#   BADPDU_CASES comma-separated case names (badpdu -L lists them)
# Prints badpdu's ok/FAIL/skip lines and "# N ok, M failed, K skipped".
# A target that dies is a failure of that case and is restarted.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/iscsi/lib.sh
. "$here/lib.sh"
BADPDU=${BADPDU:-$BUILD/iscsitest/badpdu}
if [ ! -x "$BADPDU" ]; then
	echo "FAIL - badpdu: $BADPDU missing (make check-iscsi builds it)"
	echo "# 0 ok, 1 failed"
	exit 1
fi
mapfile -t cases < <("$BADPDU" -L)
[ -z "${BADPDU_CASES:-}" ] || IFS=, read -r -a cases <<<"$BADPDU_CASES"
# One badpdu run per case, so that a target that dies costs one case: it
# is restarted for the next one.
ok=0 bad=0 skip=0 pid=
for c in "${cases[@]}"; do
	if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
		if ! it_start open; then
			echo "FAIL - $c: the target did not start"
			bad=$((bad + 1))
			continue
		fi
		pid=$IT_PID
	fi
	rc=0
	out=$(timeout -k 5 $((${BADPDU_WAIT:-20} + 120)) "$BADPDU" -w "${BADPDU_WAIT:-20}" -c "$c" \
		127.0.0.1 "$IT_PORT" "$IQN" 2>&1) || rc=$?
	grep -v '^# [0-9]* ok' <<<"$out" || true
	line=$(grep -E '^# [0-9]+ ok, [0-9]+ failed, [0-9]+ skipped$' <<<"$out" || true)
	if [ -n "$line" ]; then
		read -r _ o _ f _ s _ <<<"$line"
		ok=$((ok + o)) bad=$((bad + f)) skip=$((skip + s))
	elif [ "$rc" -ne 0 ]; then
		echo "FAIL - $c: badpdu exited $rc without a verdict"
		bad=$((bad + 1))
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "FAIL - $c: the target died; the end of its log ($(it_log)):"
		tail -n 8 "$(it_log)" | sed 's/^/#   /'
		bad=$((bad + 1))
		pid=
		it_stop
	fi
done
it_stop
echo "# $ok ok, $bad failed, $skip skipped"
[ "$bad" -eq 0 ]
