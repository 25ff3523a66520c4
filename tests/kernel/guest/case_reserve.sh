#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# reserve: two ports to one target are two I_T nexuses.  SCSI-2 RESERVE(6)
# through port p1's /dev/sgN makes a WRITE through port p2 end in
# RESERVATION CONFLICT; the holder still writes; RELEASE(6) frees it.
# shellcheck source=tests/kernel/guest/lib.sh
. /tests/lib.sh

tgt_up
check "add_port p2" port_add p2
wait_for 30 disks_ready p2 || fail "disks of port p2 did not appear"
sg_a=$(sg_for 1 p1) || fail "no sg node for LUN 1 on p1"
sg_b=$(sg_for 1 p2) || fail "no sg node for LUN 1 on p2"
note "LUN 1: p1 /dev/$sg_a, p2 /dev/$sg_b"
[ "$(port_host p1)" != "$(port_host p2)" ] || fail "p1 and p2 share a SCSI host"
dd if=/dev/zero of=/tmp/zero512 bs=512 count=1 2>/dev/null

# Pending unit attentions are not what this case is about: consume them.
for s in "$sg_a" "$sg_b"; do
	sg_turs "/dev/$s" >/dev/null 2>&1 || true
	check "TUR /dev/$s" sg_turs "/dev/$s"
done

# write SG: WRITE(10) of LBA 100, one block; prints sg_raw's output.
write_lba100() {
	sg_raw -s 512 -i /tmp/zero512 "/dev/$1" 2a 00 00 00 00 64 00 00 01 00 2>&1
}

out=$(sg_raw "/dev/$sg_a" 16 00 00 00 00 00 2>&1) || fail "RESERVE(6) via p1: $out"
rc=0
out=$(write_lba100 "$sg_b") || rc=$?
note "WRITE via p2 while reserved: exit $rc: $(echo "$out" | grep -i status | head -n 1)"
[ $rc -ne 0 ] || fail "WRITE via p2 succeeded under p1's reservation"
echo "$out" | grep -qi 'reservation conflict' || [ $rc = 24 ] ||
	fail "WRITE via p2: not RESERVATION CONFLICT (exit $rc): $out"
out=$(write_lba100 "$sg_a") || fail "WRITE via p1 (the holder) failed: $out"
out=$(sg_raw "/dev/$sg_a" 17 00 00 00 00 00 2>&1) || fail "RELEASE(6) via p1: $out"
out=$(write_lba100 "$sg_b") || fail "WRITE via p2 after RELEASE failed: $out"
pass
