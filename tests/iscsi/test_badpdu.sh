#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Bad input: badpdu (tests/iscsi/badpdu.c, a raw-socket initiator) sends
# malformed PDUs to a live target; every case must get the RFC's answer
# and a witness session must keep working (see badpdu.c for the cases).
#   BADPDU       the binary (default $BUILD/iscsitest/badpdu)
#   BADPDU_WAIT  seconds a stalled connection may stay open (default 20)
#   BADPDU_CASES comma-separated case names (badpdu -L lists them)
# Prints badpdu's ok/FAIL/skip lines and "# N ok, M failed, K skipped".
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
if ! it_start open; then
	echo "FAIL - target: did not start"
	echo "# 0 ok, 1 failed"
	exit 1
fi
args=(-w "${BADPDU_WAIT:-20}")
[ -n "${BADPDU_CASES:-}" ] && args+=(-c "$BADPDU_CASES")
rc=0
timeout -k 5 $((${BADPDU_WAIT:-20} + 240)) "$BADPDU" "${args[@]}" 127.0.0.1 "$IT_PORT" "$IQN" || rc=$?
if ! kill -0 "$IT_PID" 2>/dev/null; then
	echo "# the target died during the run; the end of its log ($(it_log)):"
	tail -n 15 "$(it_log)" | sed 's/^/#   /'
	rc=1
fi
[ "$rc" -ne 124 ] || echo "FAIL - badpdu: timed out"
exit "$rc"
