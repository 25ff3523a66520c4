#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# nlfuzz: malformed and forged generic netlink messages (tests/kernel/
# nlfuzz.c).  1) While tgtd serves: every probe is refused with an errno,
# including REGISTER (-EBUSY) and everything from uid 65534 (-EPERM).
# 2) tgtd SIGKILLed: nlfuzz registers itself, forges responses as the
# registered socket (-ENOENT), gives bad buffer addresses (-EFAULT), serves
# the commands that arrive, closes.  tgtd restarted: the disks work.
# shellcheck source=tests/kernel/guest/lib.sh
. /tests/lib.sh

tgt_up
rc=0
nlfuzz probe >/tmp/nlfuzz.probe 2>&1 || rc=$?
cat /tmp/nlfuzz.probe
[ $rc = 0 ] || fail "nlfuzz probe: $rc bad (see above)"
io_check "$DISK1" || fail "LUN 1 after the probes"
io_check "$DISK2" || fail "LUN 2 after the probes"

sg2=$(sg_for 2) || fail "no sg node for LUN 2"
check "SIGKILL tgtd" tgtd_kill
dd if=/dev/zero of=/tmp/zero4k bs=4096 count=1 2>/dev/null
rm -f /tmp/r.rc /tmp/w.rc
# A READ and a WRITE (LUN 2, null) that wait for whoever registers next.
(
	rc=0
	sg_raw -t 60 -r 4096 "/dev/$sg2" 28 00 00 00 00 00 00 00 08 00 \
		>/tmp/r.out 2>&1 || rc=$?
	echo $rc >/tmp/r.rc
) &
bg_track $!
(
	rc=0
	sg_raw -t 60 -s 4096 -i /tmp/zero4k "/dev/$sg2" 2a 00 00 00 00 00 00 00 08 00 \
		>/tmp/w.out 2>&1 || rc=$?
	echo $rc >/tmp/w.rc
) &
bg_track $!
rc=0
nlfuzz takeover 40 >/tmp/nlfuzz.takeover 2>&1 || rc=$?
cat /tmp/nlfuzz.takeover
[ $rc = 0 ] || fail "nlfuzz takeover: $rc bad (see above)"
tgtd_start
wait_for 90 test -s /tmp/r.rc || fail "the READ never finished"
wait_for 90 test -s /tmp/w.rc || fail "the WRITE never finished"
# Their outcome depends on which probe met them: reported, not judged.
note "READ exit $(cat /tmp/r.rc), WRITE exit $(cat /tmp/w.rc)"
wait_for 30 sh -c "[ \"\$(awk '{ print \$3 }' $LOOP_SYS/host0/ports)\" = live ]" ||
	fail "port not live again after tgtd restarted"
sg_turs "/dev/$DISK1" >/dev/null 2>&1 || true
io_check "$DISK1" || fail "LUN 1 after the takeover"
io_check "$DISK2" || fail "LUN 2 after the takeover"
dio -b $LUN1_FILE -r 2 -n 20 "/dev/$DISK1" || fail "dio on LUN 1 after the takeover"
pass
