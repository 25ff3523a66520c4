#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Functional iSCSI tests with libiscsi-bin against a live target:
# discovery (iscsi-ls) without CHAP, with CHAP (right and wrong secret, no
# secret) and with a denied ACL; iscsi-inq (standard and VPD pages);
# iscsi-readcapacity16; a write/read verification through the initiator
# (rwverify, libiscsi) compared with the backing file, without and with
# CRC32C digests; tgtadm --lld iscsi portal new/show/delete (a second
# portal on a free port), session and connection show/delete (while
# iscsi-perf holds a session), and a portal from tgtd.conf's [iscsi].
# One ok/FAIL line per case, then "# N ok, M failed".
#   RWVERIFY   the binary (default $BUILD/iscsitest/rwverify)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/iscsi/lib.sh
. "$here/lib.sh"
RWVERIFY=${RWVERIFY:-$BUILD/iscsitest/rwverify}

for tool in iscsi-ls iscsi-inq iscsi-readcapacity16; do
	command -v "$tool" >/dev/null || {
		t_fail "tools" "$tool missing (apt-get install libiscsi-bin)"
		t_done
	}
done

# ---- an open target (ACL ALL) ----
if ! it_start open; then
	t_fail "target starts ($TGT_UNDER_TEST)" "see above"
	t_done
fi
portal=iscsi://127.0.0.1:$IT_PORT
run_has "discovery: iscsi-ls shows the target" \
	"Target:$IQN Portal:127.0.0.1:$IT_PORT" iscsi-ls "$portal"
run_has "discovery: iscsi-ls --url" "$portal/$IQN/" iscsi-ls --url "$portal"
run_has "iscsi-ls -s: LUN 1 is a 256 MiB disk" \
	"Lun:1    Type:DIRECT_ACCESS (Size:255M)" iscsi-ls -s "$portal"
run_has "iscsi-inq: standard INQUIRY (direct access)" \
	"Peripheral Device Type:DIRECT_ACCESS" iscsi-inq "$IT_URL"
run_has "iscsi-inq: SPC version reported" "Version:" iscsi-inq "$IT_URL"
run_has "iscsi-inq: VPD 0x00 lists 0x80 and 0x83" "Page:0x83 DEVICE_IDENTIFICATION" \
	iscsi-inq -e 1 -c 0 "$IT_URL"
run_has "iscsi-inq: VPD 0x80 unit serial number" "Unit Serial Number:" \
	iscsi-inq -e 1 -c 128 "$IT_URL"
run_has "iscsi-inq: VPD 0x83 device identification" "Designator Type:" \
	iscsi-inq -e 1 -c 131 "$IT_URL"
run_has "iscsi-readcapacity16: 256 MiB" "Total size:268435456" \
	iscsi-readcapacity16 "$IT_URL"
run_has "iscsi-readcapacity16: 512-byte blocks, last LBA 524287" \
	"RETURNED LOGICAL BLOCK ADDRESS:524287" iscsi-readcapacity16 "$IT_URL"
run_refused "iscsi-inq: LUN 7 does not exist" "DIRECT_ACCESS" \
	iscsi-inq "iscsi://127.0.0.1:$IT_PORT/$IQN/7"
run_refused "iscsi-inq: unknown target name refused" "DIRECT_ACCESS" \
	iscsi-inq "iscsi://127.0.0.1:$IT_PORT/$IQN-nosuch/1"
if [ -x "$RWVERIFY" ]; then
	run_has "write/read verification (rwverify, backing file compared)" \
		"# rwverify: 0 failed" "$RWVERIFY" -f "$IT_DISK" -s 1 "$IT_URL"
	run_has "write/read verification with CRC32C digests" \
		"# rwverify: 0 failed" "$RWVERIFY" -D -f "$IT_DISK" -s 2 "$IT_URL"
else
	t_fail "write/read verification" "$RWVERIFY missing (make check-iscsi builds it)"
fi

# ---- tgtadm --lld iscsi: portals, sessions, connections (ours only) ----
if [ "$TGT_UNDER_TEST" = ours ]; then
	p2=$(it_free_port)
	adm_has "portal new (--params portal=)" 0 "" \
		--mode portal --op new --params "portal=127.0.0.1:$p2"
	adm_has "portal show lists both portals" 0 "Portal: 127.0.0.1:$p2,1" \
		--mode portal --op show
	run_has "iscsi-ls through the new portal" \
		"Target:$IQN Portal:127.0.0.1:$p2" iscsi-ls "iscsi://127.0.0.1:$p2"
	adm_has "portal new twice: PORTAL_EXIST" 28 "portal 127.0.0.1:$p2 already exists" \
		--mode portal --op new --name portal --value "127.0.0.1:$p2"
	adm_has "portal new, bad address: BAD_VALUE" 26 "bad portal address '127.0.0.300:1'" \
		--mode portal --op new --params portal=127.0.0.300:1
	if command -v python3 >/dev/null; then
		# another program holds a port: the bind failure is named
		p3=$(it_free_port)
		python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
time.sleep(5)' "$p3" &
		holder=$!
		for ((i = 0; i < 50; i++)); do it_listening "$p3" && break; sleep 0.1; done
		adm_has "portal new on a busy port: address in use" 1 "already in use" \
			--mode portal --op new --params "portal=127.0.0.1:$p3"
		kill "$holder" 2>/dev/null || true
		wait "$holder" 2>/dev/null || true
	fi
	if command -v iscsi-perf >/dev/null; then
		# iscsi-perf keeps one session open while it runs
		timeout -k 2 8 iscsi-perf -m 1 "iscsi://127.0.0.1:$p2/$IQN/1" >/dev/null 2>&1 &
		perf=$!
		for ((i = 0; i < 50; i++)); do
			"$BUILD/tgtadm" -C "$IT_CPORT" --lld iscsi --mode session --op show \
				2>/dev/null | grep -q "Initiator:" && break
			sleep 0.1
		done
		adm_has "session show: initiator and parameters" 0 "HeaderDigest: None" \
			--mode session --op show --tid 1
		adm_has "session show: peer and portal" 0 "Portal: 127.0.0.1:$p2" \
			--mode session --op show
		sid=$("$BUILD/tgtadm" -C "$IT_CPORT" --lld iscsi --mode session --op show |
			awk '/^Session:/ { print $2; exit }')
		adm_has "conn show --tid --sid" 0 "Session: $sid" \
			--mode conn --op show --tid 1 --sid "${sid:-0}"
		adm_has "conn delete drops the connection" 0 "" \
			--mode conn --op delete --tid 1 --sid "${sid:-0}" --cid 0
		adm_has "conn delete, unknown session: NO_CONNECTION" 7 "does not exist" \
			--mode conn --op delete --tid 1 --sid 65000 --cid 0
		kill "$perf" 2>/dev/null || true
		wait "$perf" 2>/dev/null || true
	fi
	adm_has "sys dump has the [iscsi] portals" 0 "portal = 127.0.0.1:$IT_PORT, 127.0.0.1:$p2" \
		--mode sys --op dump
	adm_has "portal delete" 0 "" --mode portal --op delete --params "portal=127.0.0.1:$p2"
	adm_has "portal delete twice: NO_PORTAL" 27 "portal 127.0.0.1:$p2 does not exist" \
		--mode portal --op delete --params "portal=127.0.0.1:$p2"
	sleep 0.2 # the listener closes on its loop
	run_refused "deleted portal refuses connections" "Target:" \
		iscsi-ls "iscsi://127.0.0.1:$p2"
	run_has "the first portal still serves" "Target:$IQN" iscsi-ls "$portal"
	if it_restart confportal; then
		run_has "tgtd.conf [iscsi] portal serves discovery" \
			"Target:$IQN Portal:127.0.0.1:$IT_PORT" iscsi-ls "iscsi://127.0.0.1:$IT_PORT"
		adm_has "tgtd.conf [iscsi] dumped back" 0 "rx_timeout_ms = 5000" \
			--mode sys --op dump
	else
		t_fail "tgtd starts with an [iscsi] portal in tgtd.conf" "see above"
	fi
fi

# ---- CHAP ----
if it_restart chap; then
	portal=iscsi://127.0.0.1:$IT_PORT
	cred=$CHAP_USER%$CHAP_PASS
	run_has "CHAP: iscsi-ls -s with the right secret shows LUN 1" \
		"Lun:1    Type:DIRECT_ACCESS" \
		iscsi-ls -s "iscsi://$cred@127.0.0.1:$IT_PORT"
	run_has "CHAP: iscsi-inq with the right secret" "DIRECT_ACCESS" \
		iscsi-inq "iscsi://$cred@127.0.0.1:$IT_PORT/$IQN/1"
	run_refused "CHAP: iscsi-ls -s with a wrong secret reaches no LUN" "Lun:1" \
		iscsi-ls -s "iscsi://$CHAP_USER%wrong-secret-123@127.0.0.1:$IT_PORT"
	run_refused "CHAP: iscsi-inq with a wrong secret fails" "DIRECT_ACCESS" \
		iscsi-inq "iscsi://$CHAP_USER%wrong-secret-123@127.0.0.1:$IT_PORT/$IQN/1"
	run_refused "CHAP: iscsi-inq without credentials fails" "DIRECT_ACCESS" \
		iscsi-inq "$IT_URL"
	run_refused "CHAP: unknown user fails" "DIRECT_ACCESS" \
		iscsi-inq "iscsi://nobody%$CHAP_PASS@127.0.0.1:$IT_PORT/$IQN/1"
	if [ -x "$RWVERIFY" ]; then
		run_has "CHAP: write/read verification" "# rwverify: 0 failed" \
			"$RWVERIFY" -s 3 "iscsi://$cred@127.0.0.1:$IT_PORT/$IQN/1"
	fi
else
	t_fail "CHAP target starts" "see above"
fi

# ---- an ACL that does not admit 127.0.0.1 ----
if it_restart denied; then
	portal=iscsi://127.0.0.1:$IT_PORT
	run_refused "denied ACL: iscsi-ls does not list the target" "$IQN" iscsi-ls "$portal"
	run_refused "denied ACL: iscsi-ls -s reaches no LUN" "Lun:1" iscsi-ls -s "$portal"
	run_refused "denied ACL: iscsi-inq fails" "DIRECT_ACCESS" iscsi-inq "$IT_URL"
else
	t_fail "denied-ACL target starts" "see above"
fi
it_stop
t_done
