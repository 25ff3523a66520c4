#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# IPv6 portals, over the loopback ::1, with libiscsi-bin and rwverify:
#   v6      tgtd --iscsi portal=[::1]:PORT: discovery answers
#           TargetAddress=[::1]:PORT,1 (iscsi-ls, --url, -s), iscsi-inq,
#           rwverify with and without digests; 127.0.0.1:PORT refuses.
#           Ours also: session/connection show name the IPv6 peer and
#           portal; tgtadm portal new/show/delete of a second [::1] portal
#           (--name/--value and --params; another spelling of the same
#           address exists already; a malformed one is refused); the
#           deleted portal refuses connections; an IPv4 portal on the
#           same port number next to the IPv6 one; SIGTERM with an IPv6
#           session open: tgtd exits 0 (and, under ASan, leak-free).
#   v6conf  (ours) [iscsi] portal = [::1]:PORT in tgtd.conf: discovery,
#           rwverify, the portal in the sys dump.
#   dual    (ours) portal = 127.0.0.1:PORT, [::1]:PORT: both listed, each
#           family's discovery names its own address, rwverify over both;
#           deleting [::1]:PORT leaves 127.0.0.1:PORT serving.
#   acl6    (ours) dual with initiator_address = ::1: admitted over IPv6,
#           refused over IPv4.
# Without an IPv6 loopback (no ::1 on lo in /proc/net/if_inet6) it prints
# a skip and counts one skipped test.  One ok/FAIL/skip line per case,
# then "# N ok, M failed[, K skipped]".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/iscsi/lib.sh
. "$here/lib.sh"
RWVERIFY=${RWVERIFY:-$BUILD/iscsitest/rwverify}

if ! it_has_ipv6; then
	t_skip "IPv6 portals" "this machine has no IPv6 loopback (::1 is not on lo in /proc/net/if_inet6)"
	t_done
	exit
fi
for tool in iscsi-ls iscsi-inq; do
	command -v "$tool" >/dev/null || {
		t_fail "tools" "$tool missing (apt-get install libiscsi-bin)"
		t_done
	}
done
if [ ! -x "$RWVERIFY" ]; then
	t_fail "rwverify" "$RWVERIFY missing (make check-iscsi builds it)"
fi

# rw NAME URL [OPTS...]: write/read verification through URL, compared
# with the backing file.
rw() {
	local name=$1 url=$2
	shift 2
	[ -x "$RWVERIFY" ] || return 0
	run_has "$name" "# rwverify: 0 failed" "$RWVERIFY" -f "$IT_DISK" "$@" "$url"
}

# gone PORT HOST: waits (at most 5 s) until nothing listens on HOST PORT:
# a deleted portal is closed by its event loop, not by tgtadm's request.
gone() {
	local i
	for ((i = 0; i < 100; i++)); do
		it_listening "$1" "$2" || return 0
		sleep 0.05
	done
	return 1
}

# perf_session URL: iscsi-perf holds one session through URL (for up to
# 20 s) until killed; sets PERF.  Waits until our tgtd shows the session.
# iscsi-perf waits for its outstanding I/O on SIGTERM, forever if the
# target is gone: timeout's -k sends SIGKILL 2 s after the SIGTERM.
perf_session() {
	local i
	timeout -k 2 20 iscsi-perf -m 1 "$1" >/dev/null 2>&1 &
	PERF=$!
	for ((i = 0; i < 100; i++)); do
		"$BUILD/tgtadm" -C "$IT_CPORT" --lld iscsi --mode session --op show \
			2>/dev/null | grep -q "Initiator:" && return 0
		sleep 0.05
	done
	return 1
}

perf_stop() {
	kill "$PERF" 2>/dev/null || true
	wait "$PERF" 2>/dev/null || true
}

# ---- a portal on [::1] from the command line ----
if it_start v6; then
	p=$IT_PORT
	v6="iscsi://[::1]:$p"
	run_has "v6: iscsi-ls: TargetAddress [::1]:$p,1" \
		"Target:$IQN Portal:[::1]:$p,1" iscsi-ls "$v6"
	run_has "v6: iscsi-ls --url gives an IPv6 URL" "$v6/$IQN/" iscsi-ls --url "$v6"
	run_has "v6: iscsi-ls -s: LUN 1 is a 256 MiB disk" \
		"Lun:1    Type:DIRECT_ACCESS (Size:255M)" iscsi-ls -s "$v6"
	run_has "v6: iscsi-inq: standard INQUIRY" \
		"Peripheral Device Type:DIRECT_ACCESS" iscsi-inq "$v6/$IQN/1"
	run_has "v6: iscsi-inq: VPD 0x83" "Designator Type:" \
		iscsi-inq -e 1 -c 131 "$v6/$IQN/1"
	rw "v6: write/read verification (rwverify)" "$v6/$IQN/1" -s 11
	rw "v6: write/read verification with CRC32C digests" "$v6/$IQN/1" -s 12 -D
	run_refused "v6: no portal on 127.0.0.1:$p" "Target:" \
		iscsi-ls "iscsi://127.0.0.1:$p"
else
	t_fail "v6: target starts with --iscsi portal=[::1]:PORT ($TGT_UNDER_TEST)" "see above"
fi

if [ "$TGT_UNDER_TEST" = ours ] && [ -n "$IT_PID" ]; then
	if command -v iscsi-perf >/dev/null && perf_session "$v6/$IQN/1"; then
		adm_has "v6: session show: the initiator's IPv6 address" 0 "IP Address: ::1" \
			--mode session --op show --tid 1
		adm_has "v6: session show: the IPv6 portal" 0 "Portal: [::1]:$p" \
			--mode session --op show
		sid=$("$BUILD/tgtadm" -C "$IT_CPORT" --lld iscsi --mode session --op show |
			awk '/^Session:/ { print $2; exit }')
		adm_has "v6: conn show" 0 "Portal: [::1]:$p" \
			--mode conn --op show --tid 1 --sid "${sid:-0}"
		perf_stop
	else
		t_fail "v6: a session held by iscsi-perf" "iscsi-perf missing, or no session shown"
		perf_stop
	fi
	p2=$(it_free_port)
	adm_has "v6: portal new --name portal --value [::1]:$p2" 0 "" \
		--mode portal --op new --name portal --value "[::1]:$p2"
	adm_has "v6: portal show lists [::1]:$p2,1" 0 "Portal: [::1]:$p2,1" \
		--mode portal --op show
	run_has "v6: iscsi-ls through the new portal: TargetAddress [::1]:$p2,1" \
		"Target:$IQN Portal:[::1]:$p2,1" iscsi-ls "iscsi://[::1]:$p2"
	rw "v6: rwverify through the new portal" "iscsi://[::1]:$p2/$IQN/1" -s 13
	adm_has "v6: portal new, another spelling of ::1: PORTAL_EXIST" 28 "already exists" \
		--mode portal --op new --params "portal=[0:0::1]:$p2"
	adm_has "v6: portal new, no closing bracket: BAD_VALUE" 26 "bad portal address" \
		--mode portal --op new --params "portal=[::1:$p2"
	adm_has "v6: portal new, not an IPv6 address: BAD_VALUE" 26 "bad portal address" \
		--mode portal --op new --params "portal=[::g]:$p2"
	adm_has "v6: sys dump has both [::1] portals" 0 "portal = [::1]:$p, [::1]:$p2" \
		--mode sys --op dump
	adm_has "v6: portal delete [::1]:$p2" 0 "" \
		--mode portal --op delete --name portal --value "[::1]:$p2"
	adm_lacks "v6: portal show no longer lists it" "Portal: [::1]:$p2," \
		--mode portal --op show
	adm_has "v6: portal show still lists [::1]:$p,1" 0 "Portal: [::1]:$p,1" \
		--mode portal --op show
	if gone "$p2" ::1; then
		t_ok "v6: the deleted portal stops listening"
	else
		t_fail "v6: the deleted portal stops listening" "::1 port $p2 still accepts 5 s after delete"
	fi
	run_refused "v6: the deleted portal refuses connections" "Target:" \
		iscsi-ls "iscsi://[::1]:$p2"
	run_has "v6: the first portal still serves" "Portal:[::1]:$p,1" iscsi-ls "$v6"
	# both families on one port number
	adm_has "v6: portal new 127.0.0.1:$p next to [::1]:$p" 0 "" \
		--mode portal --op new --params "portal=127.0.0.1:$p"
	run_has "v6+v4: discovery over IPv4 names 127.0.0.1:$p,1" \
		"Target:$IQN Portal:127.0.0.1:$p,1" iscsi-ls "iscsi://127.0.0.1:$p"
	run_has "v6+v4: discovery over IPv6 names [::1]:$p,1" \
		"Target:$IQN Portal:[::1]:$p,1" iscsi-ls "$v6"
	# a clean exit with an IPv6 session open
	if command -v iscsi-perf >/dev/null && perf_session "$v6/$IQN/1"; then
		it_stop
		if [ "$IT_KILLED" = 0 ] && [ "$IT_EXIT" = 0 ]; then
			t_ok "v6: SIGTERM with an IPv6 session open: tgtd exits 0"
		else
			t_fail "v6: SIGTERM with an IPv6 session open: tgtd exits 0" \
				"exit status $IT_EXIT, SIGKILLed: $IT_KILLED; log $(it_log)"
		fi
		perf_stop
	else
		t_fail "v6: a session held by iscsi-perf before SIGTERM" "iscsi-perf missing, or no session shown"
		perf_stop
	fi
fi

if [ "$TGT_UNDER_TEST" != ours ]; then
	it_stop
	t_done
	exit
fi

# ---- [iscsi] portal = [::1]:PORT in tgtd.conf ----
if it_restart v6conf; then
	run_has "v6conf: iscsi-ls: TargetAddress [::1]:$IT_PORT,1" \
		"Target:$IQN Portal:[::1]:$IT_PORT,1" iscsi-ls "iscsi://[::1]:$IT_PORT"
	rw "v6conf: rwverify" "$IT_URL" -s 21
	adm_has "v6conf: the sys dump has the portal" 0 "portal = [::1]:$IT_PORT" \
		--mode sys --op dump
	run_refused "v6conf: no portal on 127.0.0.1:$IT_PORT" "Target:" \
		iscsi-ls "iscsi://127.0.0.1:$IT_PORT"
else
	t_fail "v6conf: tgtd starts with [iscsi] portal = [::1]:PORT" "see above"
fi

# ---- 127.0.0.1 and ::1 at once ----
if it_restart dual; then
	p=$IT_PORT
	adm_has "dual: portal show lists 127.0.0.1:$p,1" 0 "Portal: 127.0.0.1:$p,1" \
		--mode portal --op show
	adm_has "dual: portal show lists [::1]:$p,1" 0 "Portal: [::1]:$p,1" \
		--mode portal --op show
	run_has "dual: discovery over IPv4 names 127.0.0.1:$p,1" \
		"Target:$IQN Portal:127.0.0.1:$p,1" iscsi-ls "iscsi://127.0.0.1:$p"
	run_has "dual: discovery over IPv6 names [::1]:$p,1" \
		"Target:$IQN Portal:[::1]:$p,1" iscsi-ls "iscsi://[::1]:$p"
	rw "dual: rwverify over IPv4" "iscsi://127.0.0.1:$p/$IQN/1" -s 31
	rw "dual: rwverify over IPv6" "iscsi://[::1]:$p/$IQN/1" -s 32
	adm_has "dual: the sys dump has both" 0 "portal = 127.0.0.1:$p, [::1]:$p" \
		--mode sys --op dump
	adm_has "dual: portal delete [::1]:$p" 0 "" \
		--mode portal --op delete --params "portal=[::1]:$p"
	if gone "$p" ::1; then
		t_ok "dual: the deleted IPv6 portal stops listening"
	else
		t_fail "dual: the deleted IPv6 portal stops listening" "::1 port $p still accepts 5 s after delete"
	fi
	run_refused "dual: the deleted IPv6 portal refuses connections" "Target:" \
		iscsi-ls "iscsi://[::1]:$p"
	run_has "dual: 127.0.0.1:$p still serves" "Target:$IQN Portal:127.0.0.1:$p,1" \
		iscsi-ls "iscsi://127.0.0.1:$p"
	adm_has "dual: portal show still lists 127.0.0.1:$p,1" 0 "Portal: 127.0.0.1:$p,1" \
		--mode portal --op show
	adm_lacks "dual: portal show no longer lists [::1]:$p" "Portal: [::1]" \
		--mode portal --op show
	adm_lacks "dual: the sys dump no longer has [::1]:$p" "[::1]" --mode sys --op dump
else
	t_fail "dual: tgtd starts with [iscsi] portal = 127.0.0.1:PORT, [::1]:PORT" "see above"
fi

# ---- an ACL that admits ::1 only ----
if it_restart acl6; then
	p=$IT_PORT
	run_has "acl6: iscsi-ls over IPv6 lists the target" \
		"Target:$IQN Portal:[::1]:$p,1" iscsi-ls "iscsi://[::1]:$p"
	run_has "acl6: iscsi-inq over IPv6" "DIRECT_ACCESS" iscsi-inq "iscsi://[::1]:$p/$IQN/1"
	run_refused "acl6: iscsi-ls over IPv4 does not list the target" "$IQN" \
		iscsi-ls "iscsi://127.0.0.1:$p"
	run_refused "acl6: iscsi-inq over IPv4 fails" "DIRECT_ACCESS" \
		iscsi-inq "iscsi://127.0.0.1:$p/$IQN/1"
else
	t_fail "acl6: tgtd starts with initiator_address = ::1" "see above"
fi
it_stop
t_done
