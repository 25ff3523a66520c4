#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# reload: 20 rounds of insmod scsi_tgt + tgt_loop, port + disks, rmmod
# tgt_loop + scsi_tgt, with tgtd restarted between rounds (every other
# round tgtd stays up across the unload and must re-register by itself).
# No oops (judged by the host), no leaked SCSI hosts or modules.  In the
# first round, rmmod tgt_loop must be refused while one of its disks is
# open.
# shellcheck source=tests/kernel/guest/lib.sh
. /tests/lib.sh

need_tgt
base=$(scsi_host_count)
rounds=${RELOAD_ROUNDS:-20}
write_conf
i=0
while [ $i -lt "$rounds" ]; do
	i=$((i + 1))
	tgt_load
	[ -n "$(tgtd_pid)" ] || tgtd_start
	check "round $i: add_port" port_add p1
	wait_for 30 disks_ready p1 || fail "round $i: disks did not appear"
	sg_turs "/dev/$(disk_for 1)" >/dev/null 2>&1 || true
	check "round $i: TUR" sg_turs "/dev/$(disk_for 1)"
	if [ $i = 1 ]; then
		exec 3<"/dev/$(disk_for 1)"
		if rmmod tgt_loop 2>/dev/null; then
			fail "rmmod tgt_loop succeeded with /dev/$(disk_for 1) open"
		fi
		exec 3<&-
	fi
	# Odd rounds: stop tgtd first; even rounds: unload under a live
	# tgtd, which then waits for the module to come back.
	if [ $((i % 2)) = 1 ]; then
		tgtd_stop || fail "round $i: tgtd did not stop"
	fi
	n=50
	until tgt_unload 2>/tmp/rmmod.err; do
		n=$((n - 1))
		[ $n -gt 0 ] || fail "round $i: rmmod: $(cat /tmp/rmmod.err)"
		usleep 100000
	done
	now=$(scsi_host_count)
	[ "$now" = "$base" ] || fail "round $i: $now SCSI hosts after unload, $base before"
done
tgtd_stop || fail "tgtd did not stop at the end"
for m in tgt_loop scsi_tgt; do
	! mod_loaded $m || fail "$m still loaded"
done
note "$rounds rounds, SCSI hosts back to $base each time"
pass
