#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench-iscsi: iSCSI read performance over loopback with iscsi-perf
# (libiscsi-bin), figures only, never pass/fail:
#   4 KiB random reads, 32 outstanding      -> IOPS
#   128 KiB sequential reads, 16 outstanding -> MB/s
# for our tgtd and, when the tgt package is installed (make bench-deps),
# Debian's tgtd, on the same 256 MiB file (filled, so no holes), run
# alternately (ours, Debian's, ours, Debian's, ...), then the means and the
# ratio ours/Debian.
#   BENCH_SECS    seconds per measurement (default 5)
#   BENCH_ROUNDS  rounds of the alternation (default 2)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/iscsi/lib.sh
. "$here/lib.sh"
SECS=${BENCH_SECS:-5}
ROUNDS=${BENCH_ROUNDS:-2}
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

# perf NAME ARGS...: prints the final average IOPS of one iscsi-perf run.
perf() {
	local log=$ISCSI_OUT/perf.$1.$TGT_UNDER_TEST.$r.log iops
	shift
	timeout -k 5 $((SECS + 30)) iscsi-perf -t "$SECS" "$@" "$IT_URL" >"$log" 2>&1 || true
	iops=$(tr '\r' '\n' <"$log" | grep -o 'iops average [0-9]*' | tail -n 1 | awk '{ print $3 }')
	echo "${iops:-0}"
}

declare -A rand=() seq=() n=()
echo "== iSCSI read benchmarks over loopback (iscsi-perf, ${SECS}s each, $ROUNDS rounds, $(nproc) cores)"
for ((r = 1; r <= ROUNDS; r++)); do
	for t in "${targets[@]}"; do
		TGT_UNDER_TEST=$t
		if ! it_start open; then
			echo "  round $r $t: the target did not start"
			continue
		fi
		ri=$(perf rand4k -m 32 -b 8 -r)
		si=$(perf seq128k -m 16 -b 256)
		it_stop
		printf '  round %d %-7s 4 KiB random read: %7d IOPS   128 KiB sequential read: %7.1f MB/s\n' \
			"$r" "$t" "$ri" "$(awk -v i="$si" 'BEGIN { print i * 131072 / 1e6 }')"
		if [ "$ri" -gt 0 ] && [ "$si" -gt 0 ]; then
			rand[$t]=$((${rand[$t]:-0} + ri))
			seq[$t]=$((${seq[$t]:-0} + si))
			n[$t]=$((${n[$t]:-0} + 1))
		fi
	done
done

for t in "${targets[@]}"; do
	if [ "${n[$t]:-0}" -eq 0 ]; then
		echo "  $t: no measurement"
		continue
	fi
	printf '  mean %-7s 4 KiB random read: %7d IOPS   128 KiB sequential read: %7.1f MB/s\n' \
		"$t" $((rand[$t] / n[$t])) "$(awk -v s="${seq[$t]}" -v n="${n[$t]}" 'BEGIN { print s / n * 131072 / 1e6 }')"
done
if [ "${n[ours]:-0}" -gt 0 ] && [ "${n[debian]:-0}" -gt 0 ]; then
	awk -v ro="${rand[ours]}" -v no="${n[ours]}" -v rd="${rand[debian]}" -v nd="${n[debian]}" \
		-v so="${seq[ours]}" -v sd="${seq[debian]}" 'BEGIN {
		printf "  ratio ours/debian: 4 KiB random read IOPS %.2f, 128 KiB sequential MB/s %.2f\n",
			(ro / no) / (rd / nd), (so / no) / (sd / nd) }'
fi
