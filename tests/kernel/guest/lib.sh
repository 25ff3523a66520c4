# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# Helpers sourced by the guest cases (tests/kernel/guest/case_*.sh).
#
#   pass / fail REASON      print "ok CASE" / "not ok CASE: REASON", exit
#   note TEXT               "# TEXT" (diagnostics; never judged)
#   wait_for SECS CMD...    poll CMD every 0.1 s until it succeeds (bounded)
#   need_tgt                fail unless scsi_tgt.ko, tgt_loop.ko and tgtd's
#                           kernel transport are all in the initramfs
#   tgt_load / tgt_unload   insmod / rmmod our modules
#   tgtd_start / tgtd_stop / tgtd_kill
#   port_add NAME [HOST] / port_del NAME [HOST]
#   tgt_up                  modules + tgtd (two LUNs) + port p1 + both disks
#   disk_for LUN [PORT]     sdX of LUN on port PORT (default p1)
#   sg_for LUN [PORT]       sgN of the same
#   io_check DISK           a 32 KiB O_DIRECT read of /dev/DISK works
#   dmesg_mark / dmesg_since  kernel log lines after the mark
#   bg_track PID            /init's clean-up kills PID if the case ends early
# Cases run with -e and -u: an unexpected failure ends the case, and /init
# reports it ("exited N without a verdict"); expected failures are tested
# with if/||.
set -eu
CASE=${TGT_CASE:-$(basename "$0" .sh)}
CASE=${CASE#case_}
# shellcheck source=/dev/null
. /etc/tgt-test.env
TGTD_LOG=/tmp/tgtd.log
TGTD_CONF=/tmp/tgtd.conf
LOOP_SYS=/sys/kernel/tgt_loop
TARGET_IQN=iqn.2026-11.local:t1
PORT_PREFIX=iqn.2026-11.local:
LUN1_FILE=/tmp/lun1.img
LUN1_MB=64
LUN2_MB=64
# Devices each port had before the port was added: "p1=H:C:T:L ..." is
# resolved through the port's SCSI host (see port_host).

note() {
	echo "# $*"
}

_verdict() {
	echo "$1" >/tmp/verdict
	echo "$1"
}

pass() {
	_verdict "ok $CASE"
	exit 0
}

fail() {
	if [ -s $TGTD_LOG ]; then
		note "tgtd log (last 30 lines):"
		tail -n 30 $TGTD_LOG | sed 's/^/#   /'
	fi
	_verdict "not ok $CASE: $*"
	exit 1
}

# check DESC CMD...: CMD must succeed, else the case fails with DESC.
check() {
	local desc=$1
	shift
	"$@" || fail "$desc (exit $?)"
}

wait_for() {
	local n=$(($1 * 10))
	shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		usleep 100000
	done
}

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

# ---- prerequisites ----
have_module() {
	case " $TGT_MODULES " in *" $1 "*) return 0 ;; esac
	return 1
}

tgtd_has_kernel_lld() {
	tgtd --help 2>&1 | grep -q -- '--kernel'
}

need_tgt() {
	local missing=""
	have_module scsi_tgt || missing="$missing kernel/scsi_tgt.ko"
	have_module tgt_loop || missing="$missing kernel/tgt_loop.ko"
	tgtd_has_kernel_lld || missing="$missing tgtd-kernel-transport(usr/kernel)"
	[ -z "$missing" ] || fail "not built:$missing"
}

# ---- modules ----
mod_loaded() {
	[ -d "/sys/module/$1" ]
}

tgt_load() {
	mod_loaded scsi_tgt || check "insmod scsi_tgt" modprobe scsi_tgt
	mod_loaded tgt_loop || check "insmod tgt_loop" modprobe tgt_loop
	wait_for 10 test -d $LOOP_SYS/host0 || fail "$LOOP_SYS/host0 did not appear"
}

tgt_unload() {
	! mod_loaded tgt_loop || rmmod tgt_loop || return 1
	! mod_loaded scsi_tgt || rmmod scsi_tgt || return 1
}

# ---- tgtd ----
# write_conf: target 1 on kernel host 0, LUN 1 rdwr on a tmpfs file,
# LUN 2 null, open to every initiator.
write_conf() {
	[ -f $LUN1_FILE ] || truncate -s ${LUN1_MB}M $LUN1_FILE
	cat >$TGTD_CONF <<EOF
[global]
iothreads = 2
log_level = info

[target 1]
name = $TARGET_IQN
lld = kernel
kernel_host = 0
initiator_address = ALL

[target 1 lun 1]
backing_store = $LUN1_FILE
bstype = rdwr
vendor_id = TGT
product_id = LUN1 rdwr

[target 1 lun 2]
backing_store = ${LUN2_MB}M
bstype = null
vendor_id = TGT
product_id = LUN2 null
EOF
}

tgtd_pid() {
	pidof tgtd
}

tgtd_ready() {
	tgtadm --lld kernel --mode target --op show >/dev/null 2>&1
}

tgtd_start() {
	[ -f $TGTD_CONF ] || write_conf
	echo "---- tgtd start at $(uptime_s) s" >>$TGTD_LOG
	tgtd -f -c $TGTD_CONF >>$TGTD_LOG 2>&1 &
	wait_for 20 tgtd_ready || fail "tgtd did not become ready"
}

tgtd_stop() {
	local pid
	pid=$(tgtd_pid) || return 0
	kill -TERM "$pid" 2>/dev/null || true
	wait_for 20 sh -c "! kill -0 $pid" || {
		kill -KILL "$pid" 2>/dev/null || true
		return 1
	}
}

tgtd_kill() {
	local pid
	pid=$(tgtd_pid) || return 0
	kill -KILL "$pid" 2>/dev/null || true
	wait_for 10 sh -c "! kill -0 $pid"
}

adm() {
	timeout 20 tgtadm --lld kernel "$@"
}

# ---- ports ----
port_name() {
	echo "$PORT_PREFIX$1"
}

# port_add NAME [HOST], port_del NAME [HOST]: NAME without the prefix.
port_add() {
	port_name "$1" >"$LOOP_SYS/host${2:-0}/add_port"
}

port_del() {
	port_name "$1" >"$LOOP_SYS/host${2:-0}/remove_port"
}

# port_field PORT FIELD [HOST]: a column of the host's "ports" file
# ("name itn_id state scsi_host", doc/tgt_loop.md).
port_field() {
	local n
	n=$(port_name "$1")
	awk -v n="$n" -v f="$2" '$1 == n { print $f; found = 1 }
		END { exit !found }' "$LOOP_SYS/host${3:-0}/ports" 2>/dev/null
}

port_state() {
	port_field "$1" 3 "${2:-0}"
}

# port_host PORT [HOST]: the port's initiator-side SCSI host number.
port_host() {
	local h
	h=$(port_field "$1" 4 "${2:-0}") || return 1
	case $h in '' | -) return 1 ;; esac
	echo "$h"
}

# first_entry DIR: the first name in DIR (fails when empty).
first_entry() {
	local e
	for e in "$1"/*; do
		[ -e "$e" ] || return 1
		basename "$e"
		return 0
	done
	return 1
}

# disk_hctl LUN [PORT]: H:C:T:L of LUN behind PORT.
disk_hctl() {
	local h d
	h=$(port_host "${2:-p1}") || return 1
	for d in /sys/bus/scsi/devices/"$h":*:*:"$1"; do
		[ -d "$d" ] && basename "$d" && return 0
	done
	return 1
}

disk_for() {
	local hctl
	hctl=$(disk_hctl "$@") || return 1
	first_entry "/sys/bus/scsi/devices/$hctl/block"
}

sg_for() {
	local hctl
	hctl=$(disk_hctl "$@") || return 1
	first_entry "/sys/bus/scsi/devices/$hctl/scsi_generic"
}

disks_ready() {
	local port=${1:-p1} l d
	for l in 1 2; do
		d=$(disk_for $l "$port") || return 1
		[ -b "/dev/$d" ] || return 1
	done
}

# tgt_up: the common set-up of most cases.
tgt_up() {
	need_tgt
	tgt_load
	tgtd_start
	check "add_port p1" port_add p1
	wait_for 30 disks_ready p1 || fail "disks of port p1 did not appear"
	DISK1=$(disk_for 1) || fail "no disk for LUN 1"
	DISK2=$(disk_for 2) || fail "no disk for LUN 2"
	note "port p1: LUN 1 /dev/$DISK1, LUN 2 /dev/$DISK2"
}

# scsi_host_count: hosts in /sys/class/scsi_host.
scsi_host_count() {
	local n=0 h
	for h in /sys/class/scsi_host/host*; do
		if [ -e "$h" ]; then n=$((n + 1)); fi
	done
	echo $n
}

# io_check DISK: an O_DIRECT read through the block device works.
io_check() {
	timeout 60 sg_dd if="/dev/$1" of=/dev/null bs=512 count=64 \
		iflag=direct >/tmp/io_check.out 2>&1 || {
		note "sg_dd /dev/$1: $(tr '\n' ' ' </tmp/io_check.out)"
		return 1
	}
}

dmesg_mark() {
	DMESG_MARK=$(dmesg | wc -l)
}

dmesg_since() {
	dmesg | tail -n +$((DMESG_MARK + 1))
}

bg_track() {
	echo "$1" >>/tmp/bg.pids
}
