# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# One result line per check, shared by tests/func and tests/iscsi:
#   t_ok NAME / t_fail NAME [detail...] / t_skip NAME WHY
#   check NAME CMD...      CMD must succeed
#   t_done                 "# N ok, M failed[, K skipped]"; status 0 if none failed
T_PASS=0
T_FAIL=0
T_SKIP=0

t_ok() {
	T_PASS=$((T_PASS + 1))
	echo "ok - $1"
}

t_fail() {
	T_FAIL=$((T_FAIL + 1))
	echo "FAIL - $1"
	shift
	[ $# -gt 0 ] && printf '    %s\n' "$@"
	return 0
}

t_skip() {
	T_SKIP=$((T_SKIP + 1))
	echo "skip - $1: $2"
}

check() {
	local name=$1
	shift
	if "$@"; then
		t_ok "$name"
	else
		t_fail "$name" "command failed: $*"
	fi
}

t_done() {
	if [ "$T_SKIP" -gt 0 ]; then
		echo "# $T_PASS ok, $T_FAIL failed, $T_SKIP skipped"
	else
		echo "# $T_PASS ok, $T_FAIL failed"
	fi
	[ "$T_FAIL" -eq 0 ]
}
