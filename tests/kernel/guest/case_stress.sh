#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# stress: two ports, both LUNs, at once: dio (O_DIRECT writes with
# read-back, backing-file check) on LUN 1 via p1, random reads on LUN 2
# via p1, sequential writes on LUN 2 via p2, while p2 sends a LOGICAL UNIT
# RESET to LUN 1 and an I_T NEXUS RESET (commands of p1 aborted by p2's
# LU reset come back TASK ABORTED and are retried).  Everything completes,
# the data is intact, no oops.
# shellcheck source=tests/kernel/guest/lib.sh
. /tests/lib.sh

tgt_up
check "add_port p2" port_add p2
wait_for 30 disks_ready p2 || fail "disks of port p2 did not appear"
b1=$(disk_for 1 p2) || fail "no disk for LUN 1 on p2"
b2=$(disk_for 2 p2) || fail "no disk for LUN 2 on p2"
for d in "$DISK1" "$DISK2" "$b1" "$b2"; do
	sg_turs "/dev/$d" >/dev/null 2>&1 || true
done
rm -f /tmp/st.*

# job NAME CMD...: CMD in the background, status in /tmp/st.NAME.rc
job() {
	local name=$1
	shift
	(
		rc=0
		"$@" >"/tmp/st.$name.out" 2>&1 || rc=$?
		echo $rc >"/tmp/st.$name.rc"
	) &
	bg_track $!
}
job dio dio -b $LUN1_FILE -n 300 -s 7 "/dev/$DISK1"
job randread iobench -t 4 -s 6 randread "/dev/$DISK2"
job seqwrite iobench -t 2 -s 6 seqwrite "/dev/$b2"
# shellcheck disable=SC2317 # called through wait_for
running() {
	[ -e /tmp/st.dio.out ] && [ -e /tmp/st.randread.out ] &&
		[ -e /tmp/st.seqwrite.out ]
}
wait_for 10 running || fail "the I/O jobs did not start"
out=$(timeout 90 sg_reset -d "/dev/$b1" 2>&1) || fail "LU reset via p2: $out"
out=$(timeout 90 sg_reset -H "/dev/$b1" 2>&1) || fail "I_T nexus reset via p2: $out"
note "LU reset and I_T nexus reset via p2 done under I/O"
for j in dio randread seqwrite; do
	wait_for 120 test -s "/tmp/st.$j.rc" || fail "$j did not finish"
	sed 's/^/# /' "/tmp/st.$j.out"
	[ "$(cat "/tmp/st.$j.rc")" = 0 ] || fail "$j failed (exit $(cat "/tmp/st.$j.rc"))"
done
for d in "$DISK1" "$DISK2" "$b1" "$b2"; do
	sg_turs "/dev/$d" >/dev/null 2>&1 || true
	io_check "$d" || fail "read of /dev/$d after the stress"
done
pass
