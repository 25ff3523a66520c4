#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# bench (run by tests/kernel/bench.sh, not part of the suite): O_DIRECT
# sequential 1 MiB read/write MB/s and 4 KiB random-read IOPS on
# scsi_debug (the midlayer's own RAM disk: the baseline) and on our null
# LU through tgt_loop -> scsi_tgt -> tgtd.  Lines "BENCH DEV MODE MB/s IOPS".
# shellcheck source=tests/kernel/guest/lib.sh
. /tests/lib.sh

SECS=${BENCH_SECS:-4}

run_bench() {
	local name=$1 disk=$2 mode threads out
	for mode in seqread seqwrite randread; do
		threads=2
		[ $mode = randread ] && threads=4
		out=$(iobench -t $threads -s "$SECS" $mode "/dev/$disk") ||
			fail "iobench $mode /dev/$disk"
		echo "# $name: $out"
		echo "$out" | awk -v n="$name" -v m="$mode" \
			'{ print "BENCH", n, m, $3, $5 }'
	done
}

# delay=0: answer at once (the default waits a jiffy per command).
check "modprobe scsi_debug" modprobe scsi_debug dev_size_mb=256 delay=0
sdebug_disk() {
	local d
	for d in /sys/bus/scsi/devices/*/vendor; do
		grep -q '^Linux' "$d" 2>/dev/null || continue
		first_entry "$(dirname "$d")/block"
		return
	done
	return 1
}
wait_for 30 sdebug_disk || fail "no scsi_debug disk"
run_bench scsi_debug "$(sdebug_disk)"
check "rmmod scsi_debug" rmmod scsi_debug

tgt_up
run_bench tgt_null "$DISK2"
pass
