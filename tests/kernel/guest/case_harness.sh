#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# harness: proves the test machinery without our modules: scsi_debug
# gives a disk; INQUIRY, READ CAPACITY, TEST UNIT READY and a direct read
# work through sd and sg.
# shellcheck source=tests/kernel/guest/lib.sh
. /tests/lib.sh

check "modprobe scsi_debug" modprobe scsi_debug dev_size_mb=16

sdebug_disk() {
	local d
	for d in /sys/bus/scsi/devices/*/vendor; do
		grep -q '^Linux' "$d" 2>/dev/null || continue
		d=$(dirname "$d")
		first_entry "$d/block"
		return
	done
	return 1
}
wait_for 30 sdebug_disk || fail "no scsi_debug disk"
disk=$(sdebug_disk) || fail "scsi_debug disk vanished"
wait_for 10 test -b "/dev/$disk" || fail "/dev/$disk missing"
note "scsi_debug disk /dev/$disk"
sg_inq "/dev/$disk" | grep -q 'Vendor identification: Linux' ||
	fail "sg_inq: vendor is not Linux"
sg_readcap "/dev/$disk" | grep -q 'Device size: 16777216 bytes' ||
	fail "sg_readcap: size is not 16 MiB"
check "sg_turs" sg_turs "/dev/$disk"
check "read" dd if="/dev/$disk" of=/dev/null bs=64k count=16 2>/dev/null
check "rmmod scsi_debug" rmmod scsi_debug
pass
