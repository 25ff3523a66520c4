#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench-iscsi: iSCSI performance over loopback with iscsi-perf
# (libiscsi-bin) for reads and wperf (tests/iscsi/wperf.c, libiscsi) for
# writes, figures only, never pass/fail:
#   4 KiB random reads and writes, 32 outstanding      -> IOPS
#   128 KiB sequential reads and writes, 16 outstanding -> MB/s
# for our tgtd and, when the tgt package is installed (make bench-deps),
# Debian's tgtd, on the same 256 MiB file (filled, so no holes), run
# alternately (ours, Debian's, ours, Debian's, ...), then the means and the
# ratio ours/Debian.
#   BENCH_SECS    seconds per measurement (default 5)
#   BENCH_ROUNDS  rounds of the alternation (default 2)
#   WPERF         the write benchmark (default $BUILD/iscsitest/wperf;
#                 missing: reads only)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/iscsi/lib.sh
. "$here/lib.sh"
SECS=${BENCH_SECS:-5}
ROUNDS=${BENCH_ROUNDS:-2}
WPERF=${WPERF:-$BUILD/iscsitest/wperf}
ISCSI_OUT=$ISCSI_OUT/bench
mkdir -p "$ISCSI_OUT"

if ! command -v iscsi-perf >/dev/null; then
	echo "bench-iscsi: iscsi-perf missing (apt-get install libiscsi-bin)"
	exit 1
fi
targets=(ours)
if [ -x "$DEB_TGTD" ] && [ -x "$DEB_TGTADM" ]; then
	targets+=(debian)
else
	echo "bench-iscsi: Debian's tgt is not installed (make bench-deps installs it): ours only"
fi

it_make_disk
dd if=/dev/zero of="$IT_DISK" bs=1M count="$IT_DISK_MB" conv=notrunc status=none

# perf NAME TOOL ARGS...: prints the final average IOPS of one run of
# TOOL (iscsi-perf, or wperf which prints the same line).
perf() {
	local log=$ISCSI_OUT/perf.$1.$TGT_UNDER_TEST.$r.log iops
	shift
	timeout -k 5 $((SECS + 30)) "$@" "$IT_URL" >"$log" 2>&1 || true
	iops=$(tr '\r' '\n' <"$log" | grep -o 'iops average [0-9]*' | tail -n 1 | awk '{ print $3 }')
	echo "${iops:-0}"
}

writes=0
if [ -x "$WPERF" ]; then
	writes=1
else
	echo "bench-iscsi: $WPERF missing (make bench-iscsi builds it): reads only"
fi

# mbs IOPS: MB/s of 128 KiB requests.
mbs() {
	awk -v i="$1" 'BEGIN { printf "%.1f", i * 131072 / 1e6 }'
}

# Sums per target and kind: rr (4 KiB random read), sr (128 KiB
# sequential read), rw, sw (the same writes).
declare -A sum=() n=()
echo "== iSCSI benchmarks over loopback (iscsi-perf, wperf; ${SECS}s each, $ROUNDS rounds, $(nproc) cores)"
for ((r = 1; r <= ROUNDS; r++)); do
	for t in "${targets[@]}"; do
		TGT_UNDER_TEST=$t
		if ! it_start open; then
			echo "  round $r $t: the target did not start"
			continue
		fi
		declare -A got=()
		got[rr]=$(perf rand4k iscsi-perf -t "$SECS" -m 32 -b 8 -r)
		got[sr]=$(perf seq128k iscsi-perf -t "$SECS" -m 16 -b 256)
		if [ "$writes" -eq 1 ]; then
			got[rw]=$(perf wrand4k "$WPERF" -t "$SECS" -m 32 -b 8 -r)
			got[sw]=$(perf wseq128k "$WPERF" -t "$SECS" -m 16 -b 256)
		fi
		it_stop
		printf '  round %d %-7s 4 KiB random read: %7d IOPS   128 KiB sequential read: %7s MB/s\n' \
			"$r" "$t" "${got[rr]}" "$(mbs "${got[sr]}")"
		[ "$writes" -eq 0 ] ||
			printf '  round %d %-7s 4 KiB random write: %6d IOPS   128 KiB sequential write: %6s MB/s\n' \
				"$r" "$t" "${got[rw]}" "$(mbs "${got[sw]}")"
		for k in "${!got[@]}"; do
			[ "${got[$k]}" -gt 0 ] || continue
			sum[$t.$k]=$((${sum[$t.$k]:-0} + got[$k]))
			n[$t.$k]=$((${n[$t.$k]:-0} + 1))
		done
		unset got
	done
done

# mean T K: mean IOPS of kind K for target T (0 without a measurement).
mean() {
	local c=${n[$1.$2]:-0}
	if [ "$c" -gt 0 ]; then echo $((sum[$1.$2] / c)); else echo 0; fi
}

for t in "${targets[@]}"; do
	if [ "$(mean "$t" rr)" -eq 0 ] && [ "$(mean "$t" sr)" -eq 0 ]; then
		echo "  $t: no measurement"
		continue
	fi
	printf '  mean %-7s 4 KiB random read: %7d IOPS   128 KiB sequential read: %7s MB/s\n' \
		"$t" "$(mean "$t" rr)" "$(mbs "$(mean "$t" sr)")"
	[ "$writes" -eq 0 ] ||
		printf '  mean %-7s 4 KiB random write: %6d IOPS   128 KiB sequential write: %6s MB/s\n' \
			"$t" "$(mean "$t" rw)" "$(mbs "$(mean "$t" sw)")"
done
# ratio K: ours/debian for kind K, or "-".
ratio() {
	local o d
	o=$(mean ours "$1") d=$(mean debian "$1")
	if [ "$o" -gt 0 ] && [ "$d" -gt 0 ]; then
		awk -v o="$o" -v d="$d" 'BEGIN { printf "%.2f", o / d }'
	else
		echo "-"
	fi
}
if [ "${#targets[@]}" -gt 1 ]; then
	echo "  ratio ours/debian: 4 KiB random read IOPS $(ratio rr), 128 KiB sequential read MB/s $(ratio sr)"
	[ "$writes" -eq 0 ] ||
		echo "  ratio ours/debian: 4 KiB random write IOPS $(ratio rw), 128 KiB sequential write MB/s $(ratio sw)"
fi
