#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# dio: data integrity through tgt_loop -> scsi_tgt -> tgtd -> rdwr file.
# O_DIRECT writes of 512 B .. 1 MiB at unaligned (512-byte grid) offsets
# from buffers that straddle pages read back equal and equal the backing
# file; then an ext2 file system round trip (mkfs, mount, write, umount,
# drop caches, mount, md5sum).
# shellcheck source=tests/kernel/guest/lib.sh
. /tests/lib.sh

tgt_up
dio -b $LUN1_FILE -n 120 "/dev/$DISK1" || fail "dio on /dev/$DISK1 (LUN 1)"

mke2fs -F -b 1024 "/dev/$DISK1" >/tmp/mke2fs.out 2>&1 ||
	fail "mke2fs: $(cat /tmp/mke2fs.out)"
check "mount" mount -t ext2 "/dev/$DISK1" /mnt
i=0
for kb in 1 3 64 257 1024 4100; do
	i=$((i + 1))
	dd if=/dev/urandom of=/mnt/f$i bs=1024 count=$kb 2>/dev/null ||
		fail "writing /mnt/f$i"
done
mkdir -p /mnt/dir/sub
cp /mnt/f3 /mnt/dir/sub/copy
(cd /mnt && md5sum f* dir/sub/copy) >/tmp/sums
check "umount" umount /mnt
# Forget every cached block: the second mount reads through the target.
check "blockdev --flushbufs" blockdev --flushbufs "/dev/$DISK1"
echo 3 >/proc/sys/vm/drop_caches
check "second mount" mount -t ext2 -o ro "/dev/$DISK1" /mnt
(cd /mnt && md5sum -c /tmp/sums) >/tmp/sums.out 2>&1 || {
	sed 's/^/#   /' /tmp/sums.out
	umount /mnt
	fail "md5sum mismatch after remount"
}
check "final umount" umount /mnt
pass
