#!/usr/bin/env bash
# make bench: prints figures, never judges them.  Core path (no network):
# null, rdwr and aio backing stores, 4 KiB random and 128 KiB sequential.
set -euo pipefail
BUILD=${BUILD:-build}
SECS=${BENCH_SECS:-3}
bin=$BUILD/bench/bench_core
dir=$(mktemp -d /var/tmp/tgt-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
img=$dir/disk.img
truncate -s 1G "$img"
# Fill the file so reads hit real blocks, not holes.
dd if=/dev/zero of="$img" bs=1M count=1024 conv=notrunc status=none
echo "== core path benchmarks (${SECS}s each, $(nproc) cores)"
for loops in 1 2; do
	"$bin" null 1G randread 4096 32 "$SECS" $loops
	"$bin" null 1G randwrite 4096 32 "$SECS" $loops
done
"$bin" rdwr "$img" randread 4096 32 "$SECS" 2
"$bin" rdwr "$img" randwrite 4096 32 "$SECS" 2
"$bin" rdwr "$img" seqread 131072 16 "$SECS" 2
"$bin" aio "$img" randread 4096 32 "$SECS" 2
"$bin" aio "$img" seqread 131072 16 "$SECS" 2
"$bin" aio "$img" seqwrite 131072 16 "$SECS" 2
