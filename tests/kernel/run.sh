#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Kernel test suite: boots Debian's kernel (linux-image-amd64) in qemu
# (TCG) with an initramfs holding our modules, tgtd and the guest cases
# (tests/kernel/guest/case_*.sh), and judges what the guest prints.
#
# Usage: run.sh [CASE...]        (default: every case in guest/cases.list)
# Environment: BUILD (default build), KVER, KTEST_TIMEOUT (hard bound on
# the whole boot, default 900 s), KTEST_CASE_TIMEOUT (one case, 240 s).
#
# A run fails on any "not ok" line, on a case without a verdict, on a
# missing TGT-GUEST-DONE (guest died or hung), on the time-out, and on a
# kernel splat (BUG:, Oops, WARNING:, general protection, Call Trace,
# panic, hung task) in the console or in the kernel log the guest dumps
# after each case ("not ok kernel-log-CASE: ...").  The last line is
# "N passed, N failed".  Logs: tests/out/kernel/.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernel/qemu.sh
. "$here/qemu.sh"

if [ $# -gt 0 ]; then
	cases=$(echo "$@" | tr ' ' ',')
else
	cases=$(grep -v '^#' "$here/guest/cases.list" | tr '\n' ',' | sed 's/,*$//')
fi
timeout_s=${KTEST_TIMEOUT:-900}

ktest_init kernel
ktest_boot "$cases" "$timeout_s"

guest=$KOUT/guest.log
console=$KOUT/console.log
pass=0
fail=0
problems=$KOUT/problems.txt
: >"$problems"

problem() {
	echo "not ok $1" >>"$problems"
}

# Case verdicts (guest.log holds only the guest's own output).
for c in $(echo "$cases" | tr ',' ' '); do
	v=$(grep -E "^(ok|not ok) $c( |:|$)" "$guest" | tail -n 1 || true)
	case $v in
	"ok $c"*) pass=$((pass + 1)) ;;
	"not ok $c"*) fail=$((fail + 1)) ;;
	*) problem "$c: no verdict (guest died or hung; see console.log)" ;;
	esac
done

# Failures outside any case (e.g. "not ok init: ...").
grep -E '^not ok ' "$guest" | while read -r _ _ name _; do
	name=${name%:}
	case ",$cases," in *",$name,"*) ;; *) echo "not ok $name (outside the cases)" ;; esac
done >>"$problems"

# The guest's end marker, the time-out.
if [ "$BOOT_RC" = 124 ] || [ "$BOOT_RC" = 137 ]; then
	problem "qemu: timed out after $timeout_s s"
elif [ "$BOOT_RC" != 0 ]; then
	problem "qemu: exit status $BOOT_RC (see qemu.stderr)"
fi
grep -q '^TGT-GUEST-DONE' "$guest" || problem "guest: no TGT-GUEST-DONE marker"
if grep -q '^TGT-GUEST-WATCHDOG' "$guest"; then
	problem "guest: watchdog fired"
fi

# Kernel splats: in each case's kernel log (guest.log, attributed to the
# case), and in the console (what a crash printed before any dump).  Taint
# notices for our unsigned out-of-tree modules match none of these.
splat='BUG:|Oops|WARNING:|general protection|Call Trace|Kernel panic|'
splat+='INFO: task .* blocked|UBSAN:|KASAN:|refcount_t:|list_(add|del) corruption|'
splat+='stack-protector|double fault|soft lockup|hard LOCKUP|RCU stall|rcu_sched detected'
klog_splats() {
	tr -d '\r' <"$1" | awk -v re="$splat" -v outside="$2" '
		/^TGT-KLOG-BEGIN / { in_log = 1; name = $2; next }
		/^TGT-KLOG-END / { in_log = 0; next }
		/module verification failed/ { next }
		$0 ~ re && in_log && outside == "" { print name ": " $0 }
		$0 ~ re && !in_log && outside != "" { print outside ": " $0 }'
}
klog_splats "$guest" "" >"$KOUT/splats.guest"
# The console repeats the guest's output: only what lies outside the dumps
# and is not in a dump is new (what a crash printed before any dump).
if [ -f "$console" ]; then
	klog_splats "$console" console | awk -v known="$KOUT/splats.guest" '
		BEGIN {
			while ((getline l < known) > 0) {
				sub(/^[^:]*: /, "", l)
				seen[l] = 1
			}
		}
		{ line = $0; sub(/^console: /, "", line); if (!(line in seen)) print }'
fi | cat "$KOUT/splats.guest" - >"$KOUT/splats.txt"
rm -f "$KOUT/splats.guest"
cut -d: -f1 "$KOUT/splats.txt" | sort -u | while read -r who; do
	problem "kernel-log-$who: $(grep -c "^$who: " "$KOUT/splats.txt") splat line(s), first: $(grep -m1 "^$who: " "$KOUT/splats.txt" | cut -d' ' -f2-)"
done

if [ -s "$problems" ]; then
	cat "$problems"
	fail=$((fail + $(wc -l <"$problems")))
fi
echo "  TIME    boot to verdict: $BOOT_SECS s; per case (s):$(awk '
	/^TGT-GUEST-START/ { t = $(NF - 1) }
	/^TGT-CASE-BEGIN / { t = $4 }
	/^TGT-CASE-END / { printf " %s %.1f", $2, $4 - t }' "$guest")"
if [ "$fail" -gt 0 ]; then
	echo "kernel tests FAILED; logs in $KOUT (console.log, guest.log)"
	if [ -s "$KOUT/splats.txt" ]; then
		first=$(head -n 1 "$KOUT/splats.txt" | cut -d' ' -f2-)
		echo "  kernel log around the first splat:"
		for f in "$guest" "$console"; do
			n=$(grep -n -m1 -F -- "$first" "$f" | cut -d: -f1)
			[ -n "$n" ] || continue
			sed -n "$((n > 5 ? n - 5 : 1)),$((n + 40))p" "$f" | sed 's/^/    /'
			break
		done
	fi
fi
echo "$pass passed, $fail failed"
if [ -n "${TGT_SUMMARY:-}" ]; then
	echo "kernel $pass $fail" >>"$TGT_SUMMARY"
fi
[ "$fail" -eq 0 ]
