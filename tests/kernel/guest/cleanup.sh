#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# Run by /init after every case: stop tgtd, remove every loop port, unload
# our modules and scsi_debug, so that cases do not depend on each other.
# Quiet; prints "# cleanup: ..." only for what it could not undo or for
# stray processes.  Never fails.
# shellcheck source=/dev/null
. /etc/tgt-test.env
# Best effort, to the end: no -e here (a step that fails must not stop the
# ones after it).
set -u

say() {
	echo "# cleanup: $*"
}

wait_gone() {
	local n=100
	while kill -0 "$1" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		usleep 100000
	done
}

# Background loops of a case that ended early, then their programs.
touch /tmp/stop
if [ -f /tmp/bg.pids ]; then
	while read -r pid; do
		kill -KILL "$pid" 2>/dev/null && say "killed background job $pid"
	done </tmp/bg.pids
fi
for pid in $(pidof dd sg_dd dio iobench nlfuzz sg_raw 2>/dev/null); do
	say "killing leftover process $pid"
	kill -KILL "$pid" 2>/dev/null
done
grep -q ' /mnt ' /proc/mounts && { umount /mnt; }
for d in /sys/kernel/tgt_loop/host*; do
	[ -r "$d/ports" ] || continue
	while read -r p _; do
		echo "$p" >"$d/remove_port"
	done <"$d/ports"
done
pid=$(pidof tgtd) && {
	kill -TERM "$pid"
	wait_gone "$pid" || { kill -KILL "$pid"; wait_gone "$pid"; }
}
for m in tgt_loop scsi_tgt scsi_debug; do
	[ -d /sys/module/$m ] || continue
	n=50
	until rmmod $m 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || { say "rmmod $m failed"; break; }
		usleep 100000
	done
done
rm -f /tmp/tgtd.conf /tmp/lun1.img /tmp/bg.pids /tmp/stop
exit 0
