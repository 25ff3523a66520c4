#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# tmf: the midlayer's resets become TMFs (device: LOGICAL UNIT RESET,
# target: TARGET RESET, host: I_T NEXUS RESET); each succeeds and the disk
# works afterwards.
# shellcheck source=tests/kernel/guest/lib.sh
. /tests/lib.sh

tgt_up
for how in -d -t -H; do
	out=$(timeout 90 sg_reset "$how" "/dev/$DISK1" 2>&1) ||
		fail "sg_reset $how /dev/$DISK1 failed: $out"
	# The reset raises a unit attention; the next TUR may report it.
	sg_turs "/dev/$DISK1" >/dev/null 2>&1 || true
	check "TUR after sg_reset $how" sg_turs "/dev/$DISK1"
	io_check "$DISK1" || fail "read after sg_reset $how"
	io_check "$DISK2" || fail "read of LUN 2 after sg_reset $how"
	note "sg_reset $how: ok, disks work"
done
pass
