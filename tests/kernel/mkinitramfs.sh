#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the kernel test initramfs (newc cpio, gzip -1) from what is
# installed on this machine:
#   - busybox (static) with a symlink per applet the guest uses;
#   - /init = tests/kernel/guest/init.sh, the other guest scripts in /tests;
#   - the distribution modules for SCSI disks, sg, scsi_debug, ext2 (ext4),
#     with their modules.dep closure, plus kernel/scsi_tgt.ko and
#     kernel/tgt_loop.ko when built; modules.dep made by depmod -b;
#   - tgtd, tgtadm and the test helpers (dio, iobench, nlfuzz) from $BUILD,
#     the sg3-utils programs, and every shared library they need (ldd).
# Files get a fixed mtime and the archive is sorted, so the same inputs
# give the same bytes.
#
# Usage: mkinitramfs.sh OUTPUT.cpio.gz
# Environment: KVER (default: tests/kernel/kver.sh), BUILD (default build),
# KMOD_DIR (our .ko files, default kernel/).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: mkinitramfs.sh OUTPUT.cpio.gz}
KVER=${KVER:-$("$here/kver.sh")}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
KMOD_DIR=${KMOD_DIR:-$root/kernel}
moddir=/lib/modules/$KVER

die() {
	echo "mkinitramfs: $*" >&2
	exit 1
}

[ -f "$moddir/modules.dep" ] || die "$moddir/modules.dep missing (linux-image-$KVER installed?)"
busybox=$(command -v busybox) || die "busybox missing (apt-get install busybox-static)"
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
	die "$busybox is not static (apt-get install busybox-static)"

stage=$(dirname "$out")/initramfs.root
rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,mnt,root,tests,lib64}

# ---- busybox ----
cp "$busybox" "$stage/bin/busybox"
applets="sh ash cat cp mv rm ln ls mkdir rmdir mount umount echo printf sleep
	usleep grep egrep sed awk tr cut head tail wc sort uniq seq test [ expr
	kill ps pidof dmesg insmod rmmod modprobe lsmod depmod timeout md5sum
	cmp dd truncate stat find xargs basename dirname readlink realpath
	mke2fs mkfs.ext2 sync tee date uptime cat setpriv nproc true false
	poweroff reboot halt hexdump od env id chmod touch fsfreeze blockdev
	lsscsi free uname sysctl mktemp"
for a in $applets; do
	ln -sf busybox "$stage/bin/$a"
done
for a in modprobe insmod rmmod depmod lsmod poweroff reboot halt; do
	ln -sf ../bin/busybox "$stage/sbin/$a"
done

# ---- guest scripts ----
install -m 755 "$here/guest/init.sh" "$stage/init"
for f in "$here"/guest/*.sh; do
	[ "$(basename "$f")" = init.sh ] && continue
	install -m 755 "$f" "$stage/tests/"
done
install -m 644 "$here/guest/cases.list" "$stage/tests/cases.list"

# ---- programs and their libraries ----
progs=""
for p in sg_inq sg_readcap sg_luns sg_reset sg_turs sg_raw sg_persist sg_dd \
	sg_vpd sg_requests; do
	path=$(command -v "$p") || die "$p missing (apt-get install sg3-utils)"
	progs="$progs $path"
done
for p in tgtd tgtadm; do
	[ -x "$BUILD/$p" ] || die "$BUILD/$p missing (make all)"
	install -m 755 "$BUILD/$p" "$stage/usr/sbin/$p"
	progs="$progs $BUILD/$p"
done
for p in dio iobench nlfuzz; do
	if [ -x "$BUILD/ktest/$p" ]; then
		install -m 755 "$BUILD/ktest/$p" "$stage/usr/bin/$p"
		progs="$progs $BUILD/ktest/$p"
	fi
done
for p in $progs; do
	case $p in "$BUILD"/*) ;; *) install -m 755 "$p" "$stage/usr/bin/" ;; esac
	# "libfoo.so => /path (addr)" and "/lib64/ld-linux... (addr)"
	ldd "$p" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
		$1 ~ /^\// { print $1 }'
done | sort -u | while read -r lib; do
	mkdir -p "$stage$(dirname "$lib")"
	cp -L "$lib" "$stage$lib"
done

# ---- modules ----
mkdir -p "$stage$moddir/kernel" "$stage$moddir/extra"
# Soft dependencies (crypto back ends) are named explicitly.
want="scsi_common scsi_mod sd_mod sg scsi_debug crc-t10dif crct10dif_generic
	crc64_rocksoft_generic crc32c_generic ext4"
for m in $want; do
	f=$(modinfo -k "$KVER" -F filename "$m") || die "module $m not found for $KVER"
	rel=${f#"$moddir"/}
	echo "$rel"
	# modules.dep: "kernel/a.ko: kernel/b.ko kernel/c.ko"
	grep -E "^$rel:" "$moddir/modules.dep" | cut -d: -f2 | tr ' ' '\n'
done | sed '/^$/d' | sort -u | while read -r rel; do
	mkdir -p "$stage$moddir/$(dirname "$rel")"
	cp "$moddir/$rel" "$stage$moddir/$rel"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$moddir/$f" ] && cp "$moddir/$f" "$stage$moddir/"
done
ours=""
for m in scsi_tgt tgt_loop; do
	if [ -f "$KMOD_DIR/$m.ko" ]; then
		cp "$KMOD_DIR/$m.ko" "$stage$moddir/extra/"
		ours="$ours $m"
	fi
done
depmod -b "$stage" "$KVER"

cat >"$stage/etc/tgt-test.env" <<EOF
KVER=$KVER
TGT_MODULES="${ours# }"
EOF
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
	>"$stage/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$stage/etc/group"

# ---- archive ----
find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null --create --format=newc --reproducible --quiet) |
	gzip -n -1 >"$out.tmp"
mv -f "$out.tmp" "$out"
echo "  INITRD  $out ($(du -k "$out" | cut -f1) KiB, modules:${ours:- none of ours})"
