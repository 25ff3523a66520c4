#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make check-iscsi: the iSCSI suite against a live target (ours by
# default; TGT_UNDER_TEST=debian for Debian's tgtd):
#   test_func.sh     libiscsi-bin tools, CHAP, ACLs, write/read verification
#   test_ipv6.sh     the same over IPv6 portals ([::1]), and both families
#   test_badpdu.sh   malformed PDUs from a raw-socket client
#   conformance.sh   iscsi-test-cu --dataloss, suite by suite
# Output of each in tests/out/iscsi/<name>.log (and the target logs there).
# The last line is "N passed, N failed, N skipped" over all parts; the exit
# status is non-zero if anything failed.  ISCSI_PARTS picks parts
# (default "func ipv6 badpdu conformance").
# A target that left a sanitizer report (lib.sh's it_stop appends it to
# $out/sanitizer-failures.txt) is one more failure of its part.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${ISCSI_OUT:-$root/tests/out/iscsi}
rm -rf "$out"
mkdir -p "$out"
export ISCSI_OUT=$out
pass=0
fail=0
skip=0
start=$SECONDS
san_count() {
	if [ -f "$out/sanitizer-failures.txt" ]; then
		wc -l <"$out/sanitizer-failures.txt"
	else
		echo 0
	fi
}
echo "== iSCSI suite against the ${TGT_UNDER_TEST:-ours} target"
for part in ${ISCSI_PARTS:-func ipv6 badpdu conformance}; do
	case $part in
	func) script=test_func.sh limit=600 ;;
	ipv6) script=test_ipv6.sh limit=600 ;;
	badpdu) script=test_badpdu.sh limit=600 ;;
	conformance) script=conformance.sh limit=2400 ;;
	*) echo "run.sh: unknown part $part"; fail=$((fail + 1)); continue ;;
	esac
	echo "== $part"
	t0=$SECONDS
	san0=$(san_count)
	timeout -k 10 "$limit" bash "$here/$script" 2>&1 | tee "$out/$part.log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^(# [0-9]+ ok, [0-9]+ failed|[0-9]+ passed, [0-9]+ failed)' "$out/$part.log" | tail -n 1)
	p=0 f=0 s=0
	if [[ $line =~ ^#\ ([0-9]+)\ ok,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)? ]] ||
		[[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)? ]]; then
		p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} s=${BASH_REMATCH[4]:-0}
	fi
	san=$(($(san_count) - san0))
	if [ "$san" -gt 0 ]; then
		echo "$part: $san target(s) with a sanitizer report:"
		tail -n "$san" "$out/sanitizer-failures.txt" | sed 's/^/  /'
		f=$((f + san))
	fi
	# A part that failed without counting a failure (died, timed out)
	# counts one.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "FAILED: $part (exit $rc${line:+; last count: $line})"
	fi
	[ "$rc" -eq 124 ] && echo "$part: timed out after ${limit}s"
	echo "== $part: $p passed, $f failed, $s skipped in $((SECONDS - t0)) s"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
echo "== iSCSI suite: $((SECONDS - start)) s; logs in $out"
if [ -n "${TGT_SUMMARY:-}" ]; then
	echo "iscsi${TGT_SUMMARY_SUFFIX:-} $pass $fail $skip" >>"$TGT_SUMMARY"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
