# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Host-side helpers sourced by tests/kernel/run.sh and bench.sh: build the
# initramfs and boot it under qemu (TCG).
#
#   ktest_init               sets KVER, BUILD, KOUT, INITRD; checks tools
#   ktest_boot CASES SECS    boots with tgt_case=CASES, hard timeout SECS;
#                            guest output (ttyS1) streams to stdout and to
#                            $KOUT/guest.log, the console (ttyS0) goes to
#                            $KOUT/console.log; sets BOOT_RC and BOOT_SECS

ktest_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ktest_root=$(cd "$ktest_here/../.." && pwd)

ktest_die() {
	echo "kernel tests: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

# ktest_lock: one qemu run at a time on this machine (all work trees):
# TCG needs the cores, and runs in one tree share build/ktest and
# tests/out.  Released when the script exits.
ktest_lock() {
	local lock=${TMPDIR:-/tmp}/tgt-ktest.lock
	command -v flock >/dev/null || return 0
	exec {KTEST_LOCK_FD}>>"$lock"
	if ! flock -n "$KTEST_LOCK_FD"; then
		echo "  WAIT    another kernel test run holds $lock"
		flock -w "${KTEST_LOCK_WAIT:-1800}" "$KTEST_LOCK_FD" ||
			ktest_die "still locked after ${KTEST_LOCK_WAIT:-1800} s: $lock"
	fi
}

ktest_init() {
	local out_name=${1:-kernel}
	ktest_lock
	KVER=$("$ktest_here/kver.sh") || ktest_die "no kernel image (apt-get install linux-image-amd64)"
	BUILD=${BUILD:-build}
	case $BUILD in /*) ;; *) BUILD=$ktest_root/$BUILD ;; esac
	KOUT=$ktest_root/tests/out/$out_name
	KERNEL_IMAGE=/boot/vmlinuz-$KVER
	[ -r "$KERNEL_IMAGE" ] || ktest_die "$KERNEL_IMAGE missing or unreadable"
	command -v qemu-system-x86_64 >/dev/null ||
		ktest_die "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
	rm -rf "$KOUT"
	mkdir -p "$KOUT" "$BUILD/ktest"
	INITRD=$BUILD/ktest/initramfs.cpio.gz
	export KVER BUILD
	"$ktest_here/mkinitramfs.sh" "$INITRD" >"$KOUT/mkinitramfs.log" 2>&1 || {
		cat "$KOUT/mkinitramfs.log"
		ktest_die "building the initramfs failed"
	}
	cat "$KOUT/mkinitramfs.log"
}

# ktest_filter: the guest stream minus the kernel log (kept in guest.log).
ktest_filter() {
	awk '/^TGT-KLOG-BEGIN/ { skip = 1; next }
	     /^TGT-KLOG-END/ { skip = 0; next }
	     !skip { print "  " $0; fflush() }'
}

ktest_boot() {
	local cases=$1 secs=$2 start end
	local append="console=ttyS0 panic=-1 quiet loglevel=4 mitigations=off"
	append="$append tgt_case=$cases tgt_wd=$((secs - 30))"
	append="$append tgt_case_timeout=${KTEST_CASE_TIMEOUT:-240}"
	echo "  QEMU    $KVER, tgt_case=$cases (timeout ${secs} s)"
	start=$(date +%s.%N)
	set +e
	# ttyS0: the kernel console; ttyS1: the guest's test output.
	timeout --kill-after=10 "$secs" qemu-system-x86_64 \
		-machine q35 -accel tcg -cpu max -m 1024 -smp 2 \
		-nodefaults -display none -no-reboot \
		-kernel "$KERNEL_IMAGE" -initrd "$INITRD" -append "$append" \
		-serial "file:$KOUT/console.log" -serial stdio \
		</dev/null 2>"$KOUT/qemu.stderr" |
		tr -d '\r' | tee "$KOUT/guest.log" | ktest_filter
	export BOOT_RC BOOT_SECS
	BOOT_RC=${PIPESTATUS[0]}
	set -e
	end=$(date +%s.%N)
	BOOT_SECS=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
	if [ -s "$KOUT/qemu.stderr" ]; then
		sed 's/^/  qemu: /' "$KOUT/qemu.stderr"
	fi
}
