#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# portremove: remove_port, while reads run on the port's disk, deletes the
# port's SCSI host and disks and its I_T nexus in tgtd (bounded: the reads
# end with errors once the disk is gone); the other port keeps working;
# removing the last port leaves no nexus.
# shellcheck source=tests/kernel/guest/lib.sh
. /tests/lib.sh

tgt_up
check "add_port p2" port_add p2
wait_for 30 disks_ready p2 || fail "disks of port p2 did not appear"
h2=$(port_host p2) || fail "p2 has no SCSI host"
d2=$(disk_for 1 p2) || fail "p2 has no disk for LUN 1"
show_has() {
	adm --mode target --op show | grep -q "Initiator: $(port_name "$1")\$"
}
wait_for 10 show_has p2 || fail "tgtadm show has no nexus for p2"

d2b=$(disk_for 2 p2) || fail "p2 has no disk for LUN 2"
(
	while sg_dd if="/dev/$d2b" of=/dev/null bs=64k count=32 iflag=direct \
		>/dev/null 2>&1; do
		echo >>/tmp/p2reads
	done
) &
reader=$!
bg_track $reader
# shellcheck disable=SC2317 # called through wait_for
reads_run() {
	[ -s /tmp/p2reads ]
}
wait_for 30 reads_run || fail "reads on p2 do not run"
timeout 60 sh -c "echo $(port_name p2) >$LOOP_SYS/host0/remove_port" ||
	fail "remove_port p2 under I/O failed or took over 60 s"
wait_for 30 sh -c "! kill -0 $reader" || fail "reads on the removed port still run"
# shellcheck disable=SC2317 # called through wait_for
port_gone() {
	! port_state "$1" >/dev/null
}
wait_for 30 port_gone p2 || fail "p2 still listed: $(cat $LOOP_SYS/host0/ports)"
wait_for 30 sh -c "! test -e /sys/class/scsi_host/host$h2" ||
	fail "SCSI host $h2 of p2 still there"
[ ! -e "/sys/block/$d2" ] || fail "/dev/$d2 of p2 still there"
wait_for 10 sh -c "! tgtadm --lld kernel --mode target --op show | grep -q 'Initiator: $(port_name p2)\$'" ||
	fail "tgtadm show still has the nexus of p2"
show_has p1 || fail "the nexus of p1 is gone too"
io_check "$DISK1" || fail "p1's LUN 1 after removing p2"

h1=$(port_host p1) || fail "p1 has no SCSI host"
check "remove_port p1" port_del p1
wait_for 30 port_gone p1 || fail "p1 still listed"
wait_for 30 sh -c "! test -e /sys/class/scsi_host/host$h1" ||
	fail "SCSI host $h1 of p1 still there"
for d in "$DISK1" "$DISK2"; do
	[ ! -e "/sys/block/$d" ] || fail "/dev/$d still there"
done
wait_for 10 sh -c "! tgtadm --lld kernel --mode target --op show | grep -q 'I_T nexus: '" ||
	fail "nexuses left after removing every port: $(adm --mode target --op show | grep -A1 'I_T nexus:')"
pass
