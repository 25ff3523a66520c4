#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Bad input: badpdu (tests/iscsi/badpdu.c, a raw-socket initiator) sends
# malformed PDUs to a live target; every case must get the RFC's answer
# and a witness session must keep working (see badpdu.c for the cases).
# Then the life-* cases, each against a target set up for it: NOP-In
# pings (short nop_interval_ms), and the logout request at shutdown.
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
mapfile -t cases < <("$BADPDU" -L | grep -v '^life-')
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

# The life-* cases: each gets a target set up for it.
life_count() { # badpdu's output on stdin
	local out line o f s
	out=$(cat)
	grep -v '^# [0-9]* ok' <<<"$out" || true
	line=$(grep -E '^# [0-9]+ ok, [0-9]+ failed, [0-9]+ skipped$' <<<"$out" || true)
	if [ -z "$line" ]; then
		echo "FAIL - $1: badpdu gave no verdict"
		bad=$((bad + 1))
		return
	fi
	read -r _ o _ f _ s _ <<<"$line"
	ok=$((ok + o)) bad=$((bad + f)) skip=$((skip + s))
}
life_adm() {
	"$BUILD/tgtadm" -C "$IT_CPORT" --lld iscsi --mode lld --op update "$@"
}
# Stopping: the target (SIGTERMed by badpdu) must leave by itself within
# it_stop's wait with status 0, its log saying (or not) that sessions
# were dropped.  it_stop also checks it for sanitizer reports.
life_exit() { # case dropped(yes|no)
	local log
	log=$(it_log)
	it_stop
	if [ "$IT_KILLED" = 1 ]; then
		echo "FAIL - $1: tgtd still running ${IT_STOP_SECS:-10} s after SIGTERM"
		bad=$((bad + 1))
	elif [ "$IT_EXIT" -ne 0 ]; then
		echo "FAIL - $1: tgtd exited with status $IT_EXIT"
		bad=$((bad + 1))
	elif grep -q 'still open .* after the logout request' "$log"; then
		if [ "$2" = yes ]; then
			echo "ok - $1: tgtd exited 0 after dropping the session"
			ok=$((ok + 1))
		else
			echo "FAIL - $1: tgtd had to drop a session that logged out"
			bad=$((bad + 1))
		fi
	elif [ "$2" = yes ]; then
		echo "FAIL - $1: tgtd did not say it dropped the silent session"
		bad=$((bad + 1))
	else
		echo "ok - $1: tgtd exited 0 once the session logged out"
		ok=$((ok + 1))
	fi
}
if [ "$TGT_UNDER_TEST" != ours ]; then
	echo "skip - life-*: settings and signals of our tgtd only"
	skip=$((skip + 4))
elif ! it_start open; then
	echo "FAIL - life-*: the target did not start"
	bad=$((bad + 1))
else
	# Ping after 300 ms idle, drop 500 ms after an unanswered ping.
	if ! life_adm --name nop_interval_ms --value 300 ||
		! life_adm --name nop_timeout_ms --value 500; then
		echo "FAIL - life-nop: tgtadm refused the nop settings"
		bad=$((bad + 1))
	fi
	timeout -k 5 60 "$BADPDU" -n 800 -c life-nop-ping,life-nop-dead \
		127.0.0.1 "$IT_PORT" "$IQN" 2>&1 | life_count life-nop
	for c in life-shutdown-logout life-shutdown-no-logout; do
		it_start open || { echo "FAIL - $c: the target did not start"; bad=$((bad + 1)); continue; }
		dropped=no
		if [ "$c" = life-shutdown-no-logout ]; then
			life_adm --name logout_timeout_ms --value 1000 || true
			dropped=yes
		fi
		timeout -k 5 60 "$BADPDU" -p "$IT_PID" -c "$c" 127.0.0.1 "$IT_PORT" "$IQN" 2>&1 |
			life_count "$c"
		life_exit "$c-exit" "$dropped"
	done
fi
echo "# $ok ok, $bad failed, $skip skipped"
[ "$bad" -eq 0 ]
