#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# abort: a command held by tgtd (delay_ms=8000 on LUN 2) outlives a 2 s
# midlayer timeout; the midlayer aborts it (ABORT TASK through tgt_loop),
# retries, and with delay_ms=0 the read completes and the disk works.
# shellcheck source=tests/kernel/guest/lib.sh
. /tests/lib.sh

tgt_up
dev=/sys/block/$DISK2/device
check "delay_ms=8000" adm --mode logicalunit --op update --tid 1 --lun 2 \
	--params delay_ms=8000
echo 2 >"$dev/timeout"
# Error-recovery logging (level 7): "aborting command" and friends.
old_log=$(cat /proc/sys/dev/scsi/logging_level)
echo 7 >/proc/sys/dev/scsi/logging_level
dmesg_mark
started=$(uptime_s)
(
	rc=0
	sg_dd if="/dev/$DISK2" of=/dev/null bs=512 count=8 iflag=direct \
		>/tmp/abort.out 2>&1 || rc=$?
	echo $rc >/tmp/abort.rc
) &
bg_track $!

# shellcheck disable=SC2317 # called through wait_for
aborted() {
	dmesg_since | grep -qiE 'abort'
}
restore_log() {
	echo "$old_log" >/proc/sys/dev/scsi/logging_level
}
wait_for 40 aborted || {
	restore_log
	fail "no abort in the kernel log 40 s after a 2 s timeout"
}
note "abort seen after $(awk -v a="$started" -v b="$(uptime_s)" 'BEGIN { print b - a }') s"
check "delay_ms=0" adm --mode logicalunit --op update --tid 1 --lun 2 \
	--params delay_ms=0
wait_for 90 test -s /tmp/abort.rc || { restore_log; fail "the delayed read never finished"; }
restore_log
dmesg_since | grep -iE 'abort|reset' | head -n 8 | sed 's/^/#   /'
rc=$(cat /tmp/abort.rc)
note "delayed read: exit $rc"
[ "$rc" = 0 ] || fail "the aborted-then-retried read failed: $(cat /tmp/abort.out)"
# ABORT TASK answered "function complete" (tgt_loop's eh_abort_handler
# returned SUCCESS): the midlayer retried, it did not escalate.
if dmesg_since | grep -qE 'cmd abort (failed|not send)'; then
	fail "the abort failed and the midlayer escalated"
fi
dmesg_since | grep -q 'retry aborted command' ||
	fail "no 'retry aborted command' in the kernel log"
echo 30 >"$dev/timeout"
io_check "$DISK2" || fail "read of LUN 2 after the abort"
io_check "$DISK1" || fail "read of LUN 1 after the abort"
pass
