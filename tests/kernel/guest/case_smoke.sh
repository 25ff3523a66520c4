#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# smoke: scsi_tgt + tgt_loop + tgtd (kernel host 0 bound to a target with
# LUN 1 rdwr and LUN 2 null); one port gives two disks of the right size,
# vendor TGT, an NAA designator in VPD 0x83, and REPORT LUNS lists 1 and 2.
# shellcheck source=tests/kernel/guest/lib.sh
. /tests/lib.sh

tgt_up
[ "$(port_state p1)" = live ] || fail "port p1 is $(port_state p1), not live"

for l in 1 2; do
	d=$(disk_for $l) || fail "no disk for LUN $l"
	want=$(((l == 1 ? LUN1_MB : LUN2_MB) * 1048576))
	cap=$(sg_readcap "/dev/$d") || fail "sg_readcap /dev/$d (LUN $l)"
	echo "$cap" | grep -q "Device size: $want bytes" ||
		fail "LUN $l: capacity is not $want bytes: $(echo "$cap" | grep 'Device size')"
	inq=$(sg_inq "/dev/$d") || fail "sg_inq /dev/$d (LUN $l)"
	echo "$inq" | grep -q 'Vendor identification: TGT' ||
		fail "LUN $l: vendor is not TGT: $(echo "$inq" | grep Vendor)"
	vpd=$(sg_inq -p 0x83 "/dev/$d") || fail "sg_inq -p 0x83 /dev/$d (LUN $l)"
	echo "$vpd" | grep -q 'designator_type: NAA' ||
		fail "LUN $l: no NAA designator in VPD 0x83"
	[ "$(cat "/sys/block/$d/size")" = $((want / 512)) ] ||
		fail "LUN $l: /sys/block/$d/size is $(cat "/sys/block/$d/size")"
	check "sg_turs /dev/$d" sg_turs "/dev/$d"
done

luns=$(sg_luns "/dev/$DISK1") || fail "sg_luns /dev/$DISK1"
note "REPORT LUNS: $(echo "$luns" | grep -c '^ *[0-9a-f]\{16\}') entries"
for l in 1 2; do
	echo "$luns" | grep -q "^ *000${l}000000000000\$" ||
		fail "REPORT LUNS lacks LUN $l: $luns"
done
show=$(adm --mode target --op show) || fail "tgtadm show"
echo "$show" | grep -q "Initiator: $(port_name p1)" ||
	fail "tgtadm show has no nexus for $(port_name p1)"
pass
