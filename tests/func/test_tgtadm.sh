#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# tgtadm against a real tgtd: every management operation, every CLI error
# path with its exit status (TGTADM_*) and message, the control-port lock,
# and a dump that round-trips through "tgtd -c".  One line per case.
set -u
. "$(dirname "$0")/lib.sh"

P=1		# control ports: private TGT_RUNDIR, so any number is free
P2=2
IQN=iqn.2024-01.com.example:disk1
WORK=$(mktemp -d /tmp/tgt-func-data.XXXXXX)
IMG=$WORK/disk.img
trap 't_cleanup; rm -rf "$WORK"' EXIT
truncate -s 8M "$IMG"

# TGTADM_* exit codes (usr/mgmt/mgmt.h)
E_NO_DRIVER=3 E_NO_TARGET=4 E_NO_LUN=5 E_TARGET_EXIST=9 E_LUN_EXIST=11
E_ACL_EXIST=12 E_ACL_NOEXIST=13 E_USER_EXIST=14 E_NO_USER=15
E_INVALID=17 E_OUTACCOUNT=18 E_UNSUPPORTED=22 E_UNKNOWN_PARAM=23
E_NO_BACKING=25 E_BAD_VALUE=26 E_PERMISSION=29 E_CONNECT=30 E_USAGE=32

show() { adm $P --mode target --op show "$@"; }
shows() { [[ "$(show "$@" 2>&1)" == *"$1"* ]]; }
show_has() { local out; out=$(show 2>&1); [[ "$out" == *"$1"* ]]; }
show_lacks() { local out; out=$(show 2>&1); [[ "$out" != *"$1"* ]]; }

# ---- before tgtd runs ----
expect "no tgtd: CONNECT" $E_CONNECT \
	"cannot connect to tgtd on control port $P ($TGT_RUNDIR/tgtd.$P.sock): No such file or directory" \
	adm $P --mode sys --op show

# ---- command-line errors (no tgtd needed) ----
expect "usage: missing --mode" $E_USAGE "--mode is required" \
	adm $P --op show
expect "usage: missing --op" $E_USAGE "--op is required" \
	adm $P --mode target
expect "usage: unknown mode" $E_USAGE "unknown --mode 'bogus'" \
	adm $P --mode bogus --op show
expect "usage: unknown op" $E_USAGE "unknown --op 'explode'" \
	adm $P --mode target --op explode
expect "usage: bad --tid" $E_USAGE "invalid --tid 'abc': not a number" \
	adm $P --mode target --op show --tid abc
expect "usage: negative --tid" $E_USAGE "invalid --tid '-1'" \
	adm $P --mode target --op show --tid -1
expect "usage: huge --tid" $E_USAGE "out of range" \
	adm $P --mode target --op show --tid 99999999999
expect "usage: bad --lun" $E_USAGE "invalid --lun '1x': not a number" \
	adm $P --mode logicalunit --op delete --tid 1 --lun 1x
expect "usage: bad --blocksize" $E_USAGE "invalid --blocksize" \
	adm $P --mode logicalunit --op new --tid 1 --lun 1 -b x -y 4k
expect "usage: bad --control-port" $E_USAGE "invalid --control-port '70000'" \
	"$TGTADM" -C 70000 --mode sys --op show
expect "usage: option twice" $E_USAGE "--tid given twice" \
	adm $P --mode target --op show --tid 1 --tid 2
expect "usage: unknown option" $E_USAGE "" \
	adm $P --mode target --op show --frobnicate
expect "usage: stray argument" $E_USAGE "unexpected argument 'extra'" \
	adm $P --mode target --op show extra
expect "--help" 0 "--backing-store" "$TGTADM" --help
expect "--version" 0 "management protocol 1" "$TGTADM" --version

# ---- start ----
if ! tgtd_start $P; then
	t_fail "tgtd starts on port $P"
	t_done
	exit 1
fi
t_ok "tgtd starts on port $P"
[ "$(stat -c %a "$TGT_RUNDIR/tgtd.$P.sock")" = 600 ] &&
	t_ok "socket mode 0600" || t_fail "socket mode 0600"

expect "second tgtd on the same port refused" 1 \
	"tgtd already running on control port $P (pid ${T_PIDS[$P]})" \
	timeout 10 "$TGTD" -f -C $P
expect "first tgtd still answers" 0 "State: ready" adm $P --mode sys --op show

# ---- sys ----
expect "sys update state offline" 0 "" \
	adm $P --mode sys --op update --name state --value offline
expect "sys show offline" 0 "State: offline" adm $P --mode sys --op show
expect "sys update old name State" 0 "" \
	adm $P --mode sys --op update --name State --value ready
expect "sys update bad value" $E_BAD_VALUE "bad value 'sleepy'" \
	adm $P --mode sys --op update --name state --value sleepy
expect "sys update unknown key" $E_UNKNOWN_PARAM "unknown parameter 'colour'" \
	adm $P --mode sys --op update --name colour --value red
expect "sys update old debug on" 0 "" \
	adm $P --mode sys --op update --name debug --value on
expect "sys update log_level" 0 "" \
	adm $P --mode sys --op update --params log_level=info
expect "sys update --name without --value" $E_INVALID "--name requires --value" \
	adm $P --mode sys --op update --name state
expect "sys show rejects --tid" $E_INVALID "--tid is not allowed with --mode sys --op show" \
	adm $P --mode sys --op show --tid 1
expect "sys op not supported" $E_UNSUPPORTED "--op bind is not supported with --mode sys" \
	adm $P --mode sys --op bind

# ---- targets ----
expect "target new" 0 "" \
	adm $P --lld iscsi --mode target --op new --tid 1 --targetname $IQN
expect "target show" 0 "Target 1: $IQN" show
expect "target show --tid" 0 "Target 1: $IQN" show --tid 1
expect "target new: missing --tid" $E_INVALID \
	"--tid is required for --mode target --op new" \
	adm $P --mode target --op new --targetname iqn.2024-01.com.example:x
expect "target new: missing --targetname" $E_INVALID \
	"--targetname is required for --mode target --op new" \
	adm $P --mode target --op new --tid 2
expect "target new: extra --lun" $E_INVALID \
	"--lun is not allowed with --mode target --op new" \
	adm $P --mode target --op new --tid 2 --lun 0 --targetname iqn.2024-01.com.example:x
expect "target new: tid 0" $E_BAD_VALUE "bad --tid 0" \
	adm $P --mode target --op new --tid 0 --targetname iqn.2024-01.com.example:x
expect "target new: empty name" $E_INVALID "--targetname must not be empty" \
	adm $P --mode target --op new --tid 2 --targetname ""
expect "target new: duplicate tid" $E_TARGET_EXIST "already exists" \
	adm $P --mode target --op new --tid 1 --targetname iqn.2024-01.com.example:other
expect "target new: duplicate name" $E_TARGET_EXIST "already exists" \
	adm $P --mode target --op new --tid 2 --targetname $IQN
expect "target new: unknown lld" $E_NO_DRIVER "no such lld 'fc'" \
	adm $P --lld fc --mode target --op new --tid 2 --targetname iqn.2024-01.com.example:x
expect "target show: no such target" $E_NO_TARGET "target 99 does not exist" \
	show --tid 99
expect "target update state offline" 0 "" \
	adm $P --mode target --op update --tid 1 --name state --value offline
expect "target show offline" 0 "State: offline" show --tid 1
expect "target update --params" 0 "" \
	adm $P --mode target --op update --tid 1 --params state=ready
expect "target update: unknown param" $E_UNKNOWN_PARAM \
	"unknown parameter 'colour' for target 1" \
	adm $P --mode target --op update --tid 1 --name colour --value red
expect "target update: bad value" $E_BAD_VALUE "bad value 'maybe'" \
	adm $P --mode target --op update --tid 1 --name state --value maybe
expect "target update: params syntax" $E_INVALID "--params item 'state' is not key=value" \
	adm $P --mode target --op update --tid 1 --params state
expect "target update: empty key" $E_INVALID "has an empty key" \
	adm $P --mode target --op update --tid 1 --params =ready
expect "target update: empty item" $E_INVALID "--params has an empty item" \
	adm $P --mode target --op update --tid 1 --params state=ready,
expect "target update: nothing to set" $E_INVALID "--params or --name/--value is required" \
	adm $P --mode target --op update --tid 1
expect "target update: no such target" $E_NO_TARGET "target 7 does not exist" \
	adm $P --mode target --op update --tid 7 --name state --value ready

# ---- logical units ----
expect "lu new rdwr" 0 "" \
	adm $P --mode logicalunit --op new --tid 1 --lun 1 --backing-store "$IMG"
check "lu show: backing path" show_has "Backing store path: $IMG"
expect "lu new null (mode lu)" 0 "" \
	adm $P --mode lu --op new --tid 1 --lun 2 --bstype null --backing-store 16M \
	--blocksize 4096 --bsoflags sync --params vendor_id=ACME,product_id=NullDisk
check "lu show: params applied" show_has "Vendor: ACME"
expect "lu new: duplicate" $E_LUN_EXIST "logical unit 1 of target 1 already exists" \
	adm $P --mode logicalunit --op new --tid 1 --lun 1 --backing-store "$IMG"
expect "lu new: no such target" $E_NO_TARGET "target 5 does not exist" \
	adm $P --mode logicalunit --op new --tid 5 --lun 1 --backing-store "$IMG"
expect "lu new: missing backing file" $E_NO_BACKING "$WORK/nope.img" \
	adm $P --mode logicalunit --op new --tid 1 --lun 3 --backing-store "$WORK/nope.img"
expect "lu new: missing --backing-store" $E_INVALID \
	"--backing-store is required for --mode logicalunit --op new" \
	adm $P --mode logicalunit --op new --tid 1 --lun 3
expect "lu new: missing --lun" $E_INVALID \
	"--lun is required for --mode logicalunit --op new" \
	adm $P --mode logicalunit --op new --tid 1 --backing-store "$IMG"
expect "lu new: bad blocksize" $E_BAD_VALUE "blocksize 1000" \
	adm $P --mode logicalunit --op new --tid 1 --lun 3 --backing-store "$IMG" --blocksize 1000
expect "lu new: bad bsoflags" $E_BAD_VALUE "bad --bsoflags 'direct,turbo'" \
	adm $P --mode logicalunit --op new --tid 1 --lun 3 --backing-store "$IMG" \
	--bsoflags direct,turbo
expect "lu new: bad bstype" $E_BAD_VALUE "bstype 'warp'" \
	adm $P --mode logicalunit --op new --tid 1 --lun 3 --backing-store "$IMG" --bstype warp
expect "lu new: bad device type" $E_BAD_VALUE "device type 'tape'" \
	adm $P --mode logicalunit --op new --tid 1 --lun 3 --backing-store "$IMG" --device-type tape
expect "lu new: lun out of range" $E_BAD_VALUE "bad --lun 16384" \
	adm $P --mode logicalunit --op new --tid 1 --lun 16384 --backing-store "$IMG"
expect "lu new: unknown param" $E_UNKNOWN_PARAM \
	"unknown parameter 'flavour' for logical unit 3 of target 1 (logical unit not created)" \
	adm $P --mode logicalunit --op new --tid 1 --lun 3 --bstype null --backing-store 1M \
	--params vendor_id=X,flavour=mint
check "lu new: failed LU removed again" show_lacks "LUN: 3"
expect "lu update --params" 0 "" \
	adm $P --mode logicalunit --op update --tid 1 --lun 1 --params vendor_id=FOO,product_id=BAR
check "lu update applied" show_has "Product: BAR"
expect "lu update --name/--value" 0 "" \
	adm $P --mode logicalunit --op update --tid 1 --lun 1 --name readonly --value yes
expect "lu update: unknown param" $E_UNKNOWN_PARAM "unknown parameter 'colour'" \
	adm $P --mode logicalunit --op update --tid 1 --lun 1 --name colour --value red
expect "lu update: bad value" $E_BAD_VALUE "bad value 'perhaps' for parameter 'readonly'" \
	adm $P --mode logicalunit --op update --tid 1 --lun 1 --name readonly --value perhaps
expect "lu update: no such lun" $E_NO_LUN "logical unit 9 of target 1 does not exist" \
	adm $P --mode logicalunit --op update --tid 1 --lun 9 --name readonly --value no
expect "lu delete" 0 "" adm $P --mode logicalunit --op delete --tid 1 --lun 2
expect "lu delete: again" $E_NO_LUN "logical unit 2 of target 1 does not exist" \
	adm $P --mode logicalunit --op delete --tid 1 --lun 2
expect "lu new controller" 0 "" \
	adm $P --mode logicalunit --op new --tid 1 --lun 5 --device-type controller
expect "lu show" 0 "LUN: 5" adm $P --mode logicalunit --op show --tid 1

# ---- ACLs ----
expect "acl bind address" 0 "" \
	adm $P --mode target --op bind --tid 1 --initiator-address 192.168.0.0/24
expect "acl bind ALL" 0 "" \
	adm $P --mode target --op bind --tid 1 --initiator-address ALL
expect "acl bind name" 0 "" \
	adm $P --mode target --op bind --tid 1 --initiator-name iqn.1993-08.org.debian:01:host
check "acl show" show_has "name: iqn.1993-08.org.debian:01:host"
expect "acl bind: duplicate" $E_ACL_EXIST \
	"target 1 already has an access rule for initiator address 'ALL'" \
	adm $P --mode target --op bind --tid 1 --initiator-address ALL
expect "acl bind: bad address" $E_BAD_VALUE "bad initiator address '10.0.0.0/99'" \
	adm $P --mode target --op bind --tid 1 --initiator-address 10.0.0.0/99
expect "acl bind: nothing to bind" $E_INVALID \
	"one of --initiator-address, --initiator-name and --host is required" \
	adm $P --mode target --op bind --tid 1
expect "acl bind: two kinds" $E_INVALID "only one of" \
	adm $P --mode target --op bind --tid 1 --initiator-address ALL --initiator-name x
expect "acl bind: no such target" $E_NO_TARGET "target 8 does not exist" \
	adm $P --mode target --op bind --tid 8 --initiator-address ALL
expect "acl unbind address" 0 "" \
	adm $P --mode target --op unbind --tid 1 --initiator-address 192.168.0.0/24
expect "acl unbind: not bound" $E_ACL_NOEXIST \
	"target 1 has no access rule for initiator address '192.168.0.0/24'" \
	adm $P --mode target --op unbind --tid 1 --initiator-address 192.168.0.0/24
expect "acl bind --host: forwarded to a missing lld" $E_NO_DRIVER "no such lld 'nosuch'" \
	adm $P --lld nosuch --mode target --op bind --tid 1 --host 3

# ---- accounts ----
expect "account new" 0 "" adm $P --mode account --op new --user alice --password secret1
expect "account new second" 0 "" adm $P --mode account --op new --user bob --password secret2
expect "account new: duplicate" $E_USER_EXIST "account 'alice' already exists" \
	adm $P --mode account --op new --user alice --password other
expect "account new: missing --password" $E_INVALID \
	"--password is required for --mode account --op new" \
	adm $P --mode account --op new --user carol
expect "account bind" 0 "" adm $P --mode account --op bind --tid 1 --user alice
expect "account bind outgoing" 0 "" \
	adm $P --mode account --op bind --tid 1 --user bob --outgoing
expect "account bind: second outgoing" $E_OUTACCOUNT "already has an outgoing account" \
	adm $P --mode account --op bind --tid 1 --user alice --outgoing
expect "account bind: no such user" $E_NO_USER "account 'zed' does not exist" \
	adm $P --mode account --op bind --tid 1 --user zed
expect "account bind: no such target" $E_NO_TARGET "target 6 does not exist" \
	adm $P --mode account --op bind --tid 6 --user alice
expect "account show" 0 "alice" adm $P --mode account --op show
check "account in target show" show_has "bob (outgoing)"
expect "account unbind: not bound" $E_NO_USER "account 'bob' is not bound to target 1" \
	adm $P --mode account --op unbind --tid 1 --user bob
expect "account bind: discovery (tid 0)" 0 "" \
	adm $P --mode account --op bind --tid 0 --user bob
expect "account bind: discovery outgoing" 0 "" \
	adm $P --mode account --op bind --tid 0 --user alice --outgoing
expect "account new + delete" 0 "" adm $P --mode account --op new --user tmp --password x
expect "account delete" 0 "" adm $P --mode account --op delete --user tmp
expect "account delete: again" $E_NO_USER "account 'tmp' does not exist" \
	adm $P --mode account --op delete --user tmp

# ---- lld-forwarded modes ----
expect "portal: no --lld" $E_NO_DRIVER "--lld is required for --mode portal" \
	adm $P --mode portal --op show
expect "conn: unknown lld" $E_NO_DRIVER "no such lld 'nosuch' (available:" \
	adm $P --lld nosuch --mode conn --op show

# ---- dump (round-tripped at the end, once this tgtd is gone, so that
# transports listening on fixed ports never clash) ----
DUMP1=$TEST_OUT/dump.$P.conf
DUMP2=$TEST_OUT/dump.$P2.conf
expect "sys dump" 0 "[target 1]" adm $P --mode sys --op dump
expect "sys dump: discovery accounts" 0 "[discovery]
incoming_user = bob
outgoing_user = alice" adm $P --mode sys --op dump
adm $P --mode sys --op dump >"$DUMP1" 2>&1

# ---- permission: a peer that is neither root nor tgtd's user ----
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 0711 "$TGT_RUNDIR"
	chmod 0666 "$TGT_RUNDIR/tgtd.$P.sock"
	expect "other uid refused (SO_PEERCRED)" $E_PERMISSION "permission denied: uid 65534" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$TGTADM" -C $P --mode sys --op show
	chmod 0600 "$TGT_RUNDIR/tgtd.$P.sock"
	expect "other uid refused (socket mode)" $E_PERMISSION "Permission denied" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$TGTADM" -C $P --mode sys --op show
	chmod 0700 "$TGT_RUNDIR"
else
	echo "ok - permission checks skipped (needs root and setpriv)"
fi

# ---- delete ----
expect "target delete with LUs (no sessions: allowed)" 0 "" \
	adm $P --mode target --op delete --tid 1
expect "target delete: again" $E_NO_TARGET "target 1 does not exist" \
	adm $P --mode target --op delete --tid 1
expect "target show: empty" 0 "" show

# ---- lifecycle of the control socket ----
tgtd_stop $P
[ ! -e "$TGT_RUNDIR/tgtd.$P.sock" ] && t_ok "socket removed on SIGTERM" ||
	t_fail "socket removed on SIGTERM"
expect "stopped tgtd: CONNECT" $E_CONNECT "cannot connect to tgtd on control port $P" \
	adm $P --mode sys --op show
if tgtd_start $P; then
	tgtd_stop $P KILL
	if [ -S "$TGT_RUNDIR/tgtd.$P.sock" ] && tgtd_start $P; then
		t_ok "stale socket of a killed tgtd is replaced"
	else
		t_fail "stale socket of a killed tgtd is replaced"
	fi
else
	t_fail "tgtd restarts on port $P"
fi

# ---- dump round trip: a new tgtd loads it and dumps the same text ----
tgtd_stop $P
if tgtd_start $P2 -c "$DUMP1"; then
	t_ok "second tgtd loads the dump"
	adm $P2 --mode sys --op dump >"$DUMP2" 2>&1
	if diff -u "$DUMP1" "$DUMP2"; then
		t_ok "dump round-trips identically"
	else
		t_fail "dump round-trips identically"
	fi
	tgtd_stop $P2
else
	t_fail "second tgtd loads the dump"
fi

t_done
