#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Kernel benchmark (figures, never pass/fail): boots the test guest with
# tgt_case=bench and prints O_DIRECT sequential 1 MiB read/write MB/s and
# 4 KiB random-read IOPS on scsi_debug and on our null LU (tgt_loop ->
# scsi_tgt -> tgtd), with the ratio ours/scsi_debug.  Under TCG the
# absolute numbers say little; the ratio says how much the path through
# tgtd costs against an in-kernel RAM disk on the same emulated CPU.
# Environment: as run.sh; BENCH_TIMEOUT (default 600 s).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernel/qemu.sh
. "$here/qemu.sh"

ktest_init kernel-bench
ktest_boot bench "${BENCH_TIMEOUT:-600}"
guest=$KOUT/guest.log
if ! grep -q '^ok bench' "$guest"; then
	grep -E '^not ok' "$guest" || true
	echo "bench-kernel: the guest benchmark did not complete; logs in $KOUT"
	exit 1
fi
echo
echo "kernel path, O_DIRECT, qemu TCG, 2 vCPUs ($KVER)"
awk '$1 == "BENCH" { v[$2 "/" $3] = ($3 == "randread") ? $5 : $4 }
END {
	printf "  %-9s %14s %14s %8s\n", "mode", "scsi_debug", "tgt (null LU)", "ratio"
	n = split("seqread seqwrite randread", m, " ")
	for (i = 1; i <= n; i++) {
		unit = (m[i] == "randread") ? " IOPS" : " MB/s"
		a = v["scsi_debug/" m[i]]; b = v["tgt_null/" m[i]]
		printf "  %-9s %9.1f%s %9.1f%s %8.2f\n", m[i], a, unit, b, unit,
			(a > 0) ? b / a : 0
	}
}' "$guest"
echo "  boot to result: $BOOT_SECS s"
