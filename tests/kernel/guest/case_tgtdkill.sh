#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# tgtdkill: tgtd SIGKILLed while reads (LUN 2) and O_DIRECT writes with
# read-back (dio, LUN 1) run; restarted with the same config, the same
# /dev/sdX devices resume: no I/O error, every byte written is on the
# device and in the backing file, no oops.
# shellcheck source=tests/kernel/guest/lib.sh
. /tests/lib.sh

tgt_up
rm -f /tmp/iters /tmp/ioerr /tmp/dio.rc
(
	while [ ! -e /tmp/stop ]; do
		if sg_dd if="/dev/$DISK2" of=/dev/null bs=64k count=64 \
			iflag=direct >/tmp/loop.out 2>&1; then
			echo >>/tmp/iters
		else
			cat /tmp/loop.out >>/tmp/ioerr
		fi
	done
) &
loop=$!
bg_track $loop
(
	rc=0
	dio -b $LUN1_FILE -n 800 "/dev/$DISK1" >/tmp/dio.out 2>&1 || rc=$?
	echo $rc >/tmp/dio.rc
) &
bg_track $!
iters() {
	[ -f /tmp/iters ] && wc -l </tmp/iters || echo 0
}
# shellcheck disable=SC2317 # called through wait_for
at_least() {
	[ "$(iters)" -ge "$1" ]
}
wait_for 30 at_least 2 || fail "reads do not run"
[ ! -e /tmp/dio.rc ] || fail "dio ended before the kill: $(cat /tmp/dio.out)"
check "SIGKILL tgtd" tgtd_kill
note "tgtd killed after $(iters) read loops, dio running"
# tgt_loop + scsi_tgt must hold (requeue) what was in flight, not fail it.
before=$(iters)
tgtd_start
wait_for 60 at_least $((before + 3)) || fail "reads did not resume after the restart ($(iters) loops)"
touch /tmp/stop
wait_for 60 sh -c "! kill -0 $loop" || fail "read loop did not stop"
[ ! -s /tmp/ioerr ] || fail "I/O errors across the restart: $(head -c 300 /tmp/ioerr)"
wait_for 120 test -s /tmp/dio.rc || fail "dio did not finish after the restart"
cat /tmp/dio.out
[ "$(cat /tmp/dio.rc)" = 0 ] || fail "dio across the kill failed"
# The kernel replayed the nexus to the new tgtd.
adm --mode target --op show | grep -q "Initiator: $(port_name p1)\$" ||
	fail "the restarted tgtd has no nexus for p1"
if [ "$(disk_for 1)" != "$DISK1" ] || [ "$(disk_for 2)" != "$DISK2" ]; then
	fail "disks changed: now $(disk_for 1) $(disk_for 2)"
fi
pass
