#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
# /init of the kernel test initramfs (tests/kernel/mkinitramfs.sh).
#
# Kernel command line (besides the kernel's own):
#   tgt_case=all|NAME[,NAME...]   cases to run (tests/kernel/guest/case_NAME.sh)
#   tgt_wd=SECONDS                guest watchdog (default 900)
#   tgt_case_timeout=SECONDS      bound on one case (default 240)
#
# Output: everything goes to the console (ttyS0) and to ttyS1, which the
# host keeps as guest.log: no kernel messages interleave there.  Each case
# ends with "ok NAME" or "not ok NAME: reason", then the kernel log lines
# of that case (dmesg -c) between "TGT-KLOG-BEGIN NAME" and
# "TGT-KLOG-END NAME", so the host can tell which case a splat belongs to.
# The boot's lines come as "boot", the rest as "end"; then TGT-GUEST-DONE,
# then power-off.
# -e: a broken set-up step ends init, the kernel panics (panic=-1 reboots,
# qemu -no-reboot exits) and the host reports the missing TGT-GUEST-DONE.
set -eu
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
exec </dev/null >/dev/console 2>&1

cmdline_get() {
	local w
	# shellcheck disable=SC2013 # words, not lines
	for w in $(cat /proc/cmdline); do
		case $w in "$1"=*) echo "${w#*=}"; return 0 ;; esac
	done
	echo "$2"
}

cases=$(cmdline_get tgt_case all)
wd=$(cmdline_get tgt_wd 900)
case_timeout=$(cmdline_get tgt_case_timeout 240)

out=/dev/ttyS1
[ -c $out ] || out=/dev/null
stty -F $out raw -echo 2>/dev/null || true

power_off() {
	sync
	poweroff -f || reboot -f || echo o >/proc/sysrq-trigger
}

# dump_klog NAME: the kernel log since the last dump, then clear it.
dump_klog() {
	echo "TGT-KLOG-BEGIN $1"
	dmesg -c
	echo "TGT-KLOG-END $1"
}

main() {
	# What udev would load: the crypto back ends first (soft dependencies
	# of crc-t10dif, crc64-rocksoft and ext4), then disks and sg.
	for m in crct10dif_generic crc64_rocksoft_generic crc32c_generic \
		sd_mod sg ext4; do
		modprobe $m || echo "not ok init: modprobe $m failed"
	done
	echo "TGT-GUEST-START kernel $(uname -r), $(nproc) cpus, uptime $(cut -d' ' -f1 /proc/uptime) s"
	dump_klog boot
	if [ "$cases" = all ]; then
		cases=$(cat /tests/cases.list)
	fi
	for c in $(echo "$cases" | tr ',' ' '); do
		if [ ! -f "/tests/case_$c.sh" ]; then
			echo "not ok $c: no such case"
			continue
		fi
		rm -f /tmp/verdict
		echo "TGT-CASE-BEGIN $c at $(cut -d' ' -f1 /proc/uptime) s"
		# Each case runs in its own shell, bounded; lib.sh prints the
		# verdict and records it in /tmp/verdict.
		rc=0
		TGT_CASE=$c timeout -s TERM "$case_timeout" sh "/tests/case_$c.sh" || rc=$?
		if [ ! -s /tmp/verdict ]; then
			if [ $rc = 143 ] || [ $rc = 124 ]; then
				echo "not ok $c: timed out after $case_timeout s"
			else
				echo "not ok $c: exited $rc without a verdict"
			fi
		fi
		# Leave nothing behind for the next case.
		sh /tests/cleanup.sh
		echo "TGT-CASE-END $c at $(cut -d' ' -f1 /proc/uptime) s"
		dump_klog "$c"
	done
	dump_klog end
	echo "TGT-GUEST-DONE uptime $(cut -d' ' -f1 /proc/uptime) s"
}

# Guest watchdog: a stuck case or a hung kernel call still ends the run,
# with the kernel log, well before the host's timeout.
(
	sleep "$wd"
	{
		echo "TGT-GUEST-WATCHDOG: $wd s elapsed"
		echo w >/proc/sysrq-trigger
		dump_klog watchdog
	} 2>&1 | tee $out
	power_off
) &

main 2>&1 | tee $out
power_off
