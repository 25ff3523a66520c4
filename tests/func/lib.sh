# SPDX-License-Identifier: GPL-2.0-only
# Helpers sourced by tests/func/test_*.sh.
#
# Each test gets a private TGT_RUNDIR (so control sockets never touch
# /run/tgtd and any control port is free), logs in $TEST_OUT (set by
# run.sh; a temp dir otherwise), and a trap that kills every tgtd it
# started.  Waits are bounded polls, never fixed sleeps.
#
#   tgtd_start PORT [tgtd args...]   start "tgtd -f -C PORT", wait ready
#   tgtd_stop PORT                    SIGTERM, bounded wait
#   adm PORT [tgtadm args...]         tgtadm -C PORT, with a timeout
#   expect NAME RC FRAGMENT CMD...    run CMD: exit status must be RC and
#                                     stdout+stderr contain FRAGMENT
#   t_ok, t_fail, check, t_done       from tests/tap.sh

: "${BUILD:=build}"
TGTD=$BUILD/tgtd
TGTADM=$BUILD/tgtadm
TEST_OUT=${TEST_OUT:-$(mktemp -d /tmp/tgt-func-out.XXXXXX)}
TGT_RUNDIR=$(mktemp -d /tmp/tgt-func-run.XXXXXX)
export TGT_RUNDIR
declare -A T_PIDS=()
ADM_TIMEOUT=10
READY_TRIES=200		# x 0.05 s = 10 s
# shellcheck source=tests/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"

t_cleanup() {
	local port
	for port in "${!T_PIDS[@]}"; do
		tgtd_stop "$port" >/dev/null 2>&1
	done
	rm -rf "$TGT_RUNDIR"
}
trap t_cleanup EXIT

adm() {
	local port=$1
	shift
	timeout "$ADM_TIMEOUT" "$TGTADM" -C "$port" "$@"
}

# expect NAME RC FRAGMENT CMD...
expect() {
	local name=$1 want=$2 frag=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		t_fail "$name" "exit status $rc, expected $want" "output: $out"
	elif [ -n "$frag" ] && [[ "$out" != *"$frag"* ]]; then
		t_fail "$name" "output lacks '$frag'" "output: $out"
	else
		t_ok "$name"
	fi
}

tgtd_log() {
	echo "$TEST_OUT/tgtd.$1.log"
}

# tgtd_start PORT [args...]: returns non-zero if it died or never answered.
tgtd_start() {
	local port=$1 pid i
	shift
	"$TGTD" -f -C "$port" "$@" >>"$(tgtd_log "$port")" 2>&1 &
	pid=$!
	T_PIDS[$port]=$pid
	for ((i = 0; i < READY_TRIES; i++)); do
		if "$TGTADM" -C "$port" --mode sys --op show >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	echo "tgtd on port $port did not become ready; log:" >&2
	tail -n 20 "$(tgtd_log "$port")" >&2
	tgtd_stop "$port"
	return 1
}

# tgtd_stop PORT [SIGNAL]: waits up to 10 s, then SIGKILL.  Its stderr
# is silenced: bash would print a "Killed" job notice for SIGKILL.
tgtd_stop() {
	local port=$1 sig=${2:-TERM} pid=${T_PIDS[$1]:-} i
	[ -n "$pid" ] || return 0
	{
		kill -s "$sig" "$pid"
		for ((i = 0; i < 200; i++)); do
			kill -0 "$pid" || break
			sleep 0.05
		done
		kill -0 "$pid" && kill -KILL "$pid"
		wait "$pid"
	} 2>/dev/null
	unset "T_PIDS[$port]"
	return 0
}

