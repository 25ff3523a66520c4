# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Helpers sourced by the iSCSI suite (tests/iscsi/*.sh).
#
# The target under test is ours by default ($BUILD/tgtd with a generated
# tgtd.conf and --iscsi portal=127.0.0.1:PORT); TGT_UNDER_TEST=debian runs
# Debian's tgtd (package tgt: /usr/sbin/tgtd, configured with
# /usr/sbin/tgtadm --lld iscsi) instead, to prove the harness.  Full
# paths throughout, so our tgtadm and Debian's never mix.
#
# Every target gets a private TGT_RUNDIR, a free control port and an
# iSCSI port free on 127.0.0.1 and ::1, a LUN 1 on a 256 MiB rdwr file in
# a temp dir, logs in $ISCSI_OUT, and an EXIT trap that kills it.
# Readiness is a bounded poll (control socket, then a TCP connect to each
# portal).
#
#   it_start [VARIANT]            start a target; sets IT_PORT, IT_CPORT,
#                                 IT_URL (iscsi://127.0.0.1:PORT/IQN/1, or
#                                 iscsi://[::1]:PORT/IQN/1 for v6, v6conf)
#       open     ACL ALL, portal 127.0.0.1:PORT on the command line
#       chap     open with a CHAP account; denied: ACL 127.0.0.2 only
#       confportal  open, the portal (127.0.0.1) in tgtd.conf's [iscsi]
#       v6       open, portal [::1]:PORT on the command line
#       v6conf   open, portal [::1]:PORT in tgtd.conf's [iscsi]
#       dual     open, portals 127.0.0.1:PORT and [::1]:PORT in [iscsi]
#       acl6     dual, ACL ::1 only
#     (Debian's tgtd: open, chap, denied and v6 only.)
#   it_has_ipv6                   0 if the machine has an IPv6 loopback
#   it_stop                       stop it (SIGTERM, bounded, then SIGKILL)
#                                 and check it for sanitizer reports; sets
#                                 IT_EXIT (its exit status), IT_KILLED (1
#                                 if it needed SIGKILL)
#   it_restart [variant]          stop and start again (same file)
#   it_log                        path of the current target's log
#   t_ok / t_fail / t_skip / check / t_done from tests/tap.sh
#   run_has NAME FRAGMENT CMD...  CMD (bounded by IT_CMD_SECS) succeeds and
#                                 prints FRAGMENT
#   run_refused NAME FRAGMENT CMD...  CMD fails or does not print FRAGMENT
#   adm_has NAME RC FRAGMENT ARGS...  our tgtadm --lld iscsi ARGS exits RC
#                                 and prints FRAGMENT
#   adm_lacks NAME FRAGMENT ARGS...  it succeeds without printing FRAGMENT
#
# Sanitizers (a tgtd built with make SANITIZE=address,undefined): our tgtd
# runs with ASAN_OPTIONS/UBSAN_OPTIONS that stop it at the first error
# (halt_on_error, abort_on_error), check leaks at exit (detect_leaks; tgtd
# exits on SIGTERM) and write ASan/LSan reports to
# $ISCSI_OUT/san/<script>.<seq>.<pid> (UBSan's go to stderr, the target's
# log).  it_stop looks at both: each target with a report, or one that
# needed SIGKILL (its leak check never ran), prints a "FAIL - sanitizer"
# line, is appended to $ISCSI_OUT/sanitizer-failures.txt (run.sh counts
# those lines as failures) and makes the script exit non-zero.

: "${BUILD:=build}"
IT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case $BUILD in
/*) ;;
*) BUILD=$IT_ROOT/$BUILD ;;
esac
TGT_UNDER_TEST=${TGT_UNDER_TEST:-ours}
ISCSI_OUT=${ISCSI_OUT:-$IT_ROOT/tests/out/iscsi}
mkdir -p "$ISCSI_OUT"

IQN=iqn.2026-11.org.example.tgt:test
CHAP_USER=tgtuser
CHAP_PASS=s3cret-passw0rd1
DEB_TGTD=/usr/sbin/tgtd
DEB_TGTADM=/usr/sbin/tgtadm
IT_READY_SECS=${IT_READY_SECS:-15}
IT_STOP_SECS=${IT_STOP_SECS:-10}
IT_NAME=$(basename "$0" .sh)
IT_SAN_DIR=$ISCSI_OUT/san
IT_SAN_FAILURES=$ISCSI_OUT/sanitizer-failures.txt
IT_SAN_FAIL=0
IT_DISK_MB=${IT_DISK_MB:-256}

IT_WORK=$(mktemp -d /tmp/tgt-iscsi.XXXXXX)
IT_DISK=${IT_DISK:-$IT_WORK/disk.img}
TGT_RUNDIR=$IT_WORK/run
export TGT_RUNDIR
mkdir -p "$TGT_RUNDIR"
IT_PID=
IT_PORT=
IT_CPORT=
IT_URL=
IT_HOST=127.0.0.1
IT_OPT=()
IT_READY_HOSTS=(127.0.0.1)
IT_SEQ=0
IT_EXIT=
IT_KILLED=
# shellcheck source=tests/tap.sh
. "$IT_ROOT/tests/tap.sh"

it_cleanup() {
	local rc=$?
	it_stop
	rm -rf "$IT_WORK"
	if [ "$IT_SAN_FAIL" -gt 0 ]; then
		echo "# $IT_SAN_FAIL target(s) with a sanitizer report (listed in $IT_SAN_FAILURES)"
		[ "$rc" -ne 0 ] || exit 1
	fi
}
trap it_cleanup EXIT
trap 'exit 130' INT TERM

# ---- checks: one ok/FAIL line each ----
IT_CMD_SECS=${IT_CMD_SECS:-20} # bound on one initiator command

# run_has NAME FRAGMENT CMD...: CMD succeeds and its output has FRAGMENT.
run_has() {
	local name=$1 frag=$2 out rc=0
	shift 2
	out=$(timeout "$IT_CMD_SECS" "$@" 2>&1) || rc=$?
	if [ "$rc" -ne 0 ]; then
		t_fail "$name" "exit status $rc: $*" "output: $out"
	elif [[ "$out" != *"$frag"* ]]; then
		t_fail "$name" "output lacks '$frag': $*" "output: $out"
	else
		t_ok "$name"
	fi
}

# run_refused NAME FRAGMENT CMD...: CMD fails, or its output lacks FRAGMENT
# (the target is not shown / no LUN is reachable).
run_refused() {
	local name=$1 frag=$2 out rc=0
	shift 2
	out=$(timeout "$IT_CMD_SECS" "$@" 2>&1) || rc=$?
	if [ "$rc" -eq 124 ]; then
		t_fail "$name" "timed out: $*"
	elif [ "$rc" -eq 0 ] && [[ "$out" == *"$frag"* ]]; then
		t_fail "$name" "succeeded but should not have: $*" "output: $out"
	else
		t_ok "$name"
	fi
}

# adm_has NAME RC FRAGMENT ARGS...: our tgtadm exits RC, output has FRAGMENT.
adm_has() {
	local name=$1 want=$2 frag=$3 out rc=0
	shift 3
	out=$(timeout 10 "$BUILD/tgtadm" -C "$IT_CPORT" --lld iscsi "$@" 2>&1) || rc=$?
	if [ "$rc" -ne "$want" ]; then
		t_fail "$name" "exit status $rc, expected $want: tgtadm $*" "output: $out"
	elif [[ "$out" != *"$frag"* ]]; then
		t_fail "$name" "output lacks '$frag': tgtadm $*" "output: $out"
	else
		t_ok "$name"
	fi
}

# adm_lacks NAME FRAGMENT ARGS...: our tgtadm succeeds, output lacks FRAGMENT.
adm_lacks() {
	local name=$1 frag=$2 out rc=0
	shift 2
	out=$(timeout 10 "$BUILD/tgtadm" -C "$IT_CPORT" --lld iscsi "$@" 2>&1) || rc=$?
	if [ "$rc" -ne 0 ]; then
		t_fail "$name" "exit status $rc: tgtadm $*" "output: $out"
	elif [[ "$out" == *"$frag"* ]]; then
		t_fail "$name" "output has '$frag': tgtadm $*" "output: $out"
	else
		t_ok "$name"
	fi
}

# Is something listening on ${2:-127.0.0.1} port $1 (::1 for IPv6)?
it_listening() {
	(exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null
}

# Has the machine an IPv6 loopback (::1 on lo)?
it_has_ipv6() {
	grep -qE '^0{31}1 .* lo$' /proc/net/if_inet6 2>/dev/null
}

# A TCP port that nobody listens on, on 127.0.0.1 nor on ::1 (random in
# 10000 up to the ephemeral range, bounded number of tries).
it_free_port() {
	local p i lo=32768
	# Below the ephemeral range: a client's local port there would make
	# the portal's bind fail with EADDRINUSE though nothing listens.
	read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
	[ "$lo" -gt 12000 ] 2>/dev/null || lo=32768
	for ((i = 0; i < 50; i++)); do
		p=$((10000 + (RANDOM * 32768 + RANDOM) % (lo - 10000)))
		if ! it_listening "$p" && ! it_listening "$p" ::1; then
			echo "$p"
			return 0
		fi
	done
	echo "it_free_port: no free port found" >&2
	return 1
}

# A control port whose socket is not in use: ours lives in TGT_RUNDIR
# (private), Debian's in /var/run/tgtd/socket.N (shared): pick one without
# a socket file there.
it_free_cport() {
	local n i
	for ((i = 0; i < 50; i++)); do
		n=$((1000 + (RANDOM * 32768 + RANDOM) % 30000))
		[ -e "/var/run/tgtd/socket.$n" ] || [ -e "$TGT_RUNDIR/tgtd.$n.sock" ] || {
			echo "$n"
			return 0
		}
	done
	return 1
}

it_log() {
	echo "$ISCSI_OUT/tgtd.$IT_NAME.$TGT_UNDER_TEST.$IT_SEQ.log"
}

# Environment for our tgtd: the first error stops it with SIGABRT, leaks
# are checked at exit, ASan/LSan reports go to $IT_SAN_DIR (not the log:
# a report must not be lost among tgtd's messages).  Harmless for a build
# without sanitizers.
it_san_env() {
	local common=halt_on_error=1:abort_on_error=1:print_stacktrace=1
	echo "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}$common:detect_leaks=1:log_path=$IT_SAN_DIR/$IT_NAME.$IT_SEQ"
	echo "UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}$common"
}

# it_san_check SEQ KILLED: one failure if target SEQ left a sanitizer
# report (a file in $IT_SAN_DIR, or a report in its log), or if it had to
# be SIGKILLed (KILLED=1: it never reached its leak check).
it_san_check() {
	local seq=$1 killed=$2 log f why='' files=()
	local pat='ERROR: [A-Za-z]+Sanitizer|runtime error:|Sanitizer:DEADLYSIGNAL'
	log=$ISCSI_OUT/tgtd.$IT_NAME.$TGT_UNDER_TEST.$seq.log
	for f in "$IT_SAN_DIR/$IT_NAME.$seq".*; do
		[ -s "$f" ] && files+=("$f")
	done
	if [ ${#files[@]} -gt 0 ]; then
		why=$(grep -m 1 -hE "$pat" "${files[@]}" | head -n 1)
		[ -n "$why" ] || pat=.
	elif [ -f "$log" ] && grep -qE "$pat" "$log"; then
		why=$(grep -m 1 -E "$pat" "$log")
		files=("$log")
	elif [ "$killed" = 1 ]; then
		why="tgtd did not exit within ${IT_STOP_SECS}s of SIGTERM: SIGKILLed, so its leak check never ran"
		echo "FAIL - sanitizer: target $IT_NAME.$seq: $why; the end of its log:"
		tail -n 20 "$log" | sed 's/^/#   /'
		IT_SAN_FAIL=$((IT_SAN_FAIL + 1))
		echo "$IT_NAME.$seq: $why ($log)" >>"$IT_SAN_FAILURES"
		return 0
	else
		return 0
	fi
	IT_SAN_FAIL=$((IT_SAN_FAIL + 1))
	echo "FAIL - sanitizer: target $IT_NAME.$seq: $why"
	echo "$IT_NAME.$seq: $why (${files[*]})" >>"$IT_SAN_FAILURES"
	for f in "${files[@]}"; do
		echo "#   ---- $f (40 lines from the report)"
		grep -m 1 -A 39 -E "$pat" "$f" | sed 's/^/#   /' || true
	done
	return 0
}

it_make_disk() {
	[ -e "$IT_DISK" ] && return 0
	truncate -s "${IT_DISK_MB}M" "$IT_DISK"
}

# Our tgtd.conf for a variant.
it_conf() {
	local variant=$1
	echo "[global]"
	echo "log_level = info"
	if [ "$variant" = chap ]; then
		echo "[account $CHAP_USER]"
		echo "password = $CHAP_PASS"
	fi
	echo "[target 1]"
	echo "name = $IQN"
	echo "lld = iscsi"
	case $variant in
	denied) echo "initiator_address = 127.0.0.2" ;;
	acl6) echo "initiator_address = ::1" ;;
	*) echo "initiator_address = ALL" ;;
	esac
	[ "$variant" = chap ] && echo "incoming_user = $CHAP_USER"
	echo "[target 1 lun 1]"
	echo "backing_store = $IT_DISK"
	echo "bstype = rdwr"
	# the portals from tgtd.conf rather than the command line
	case $variant in
	confportal) echo "[iscsi]" && echo "portal = 127.0.0.1:$IT_PORT" ;;
	v6conf) echo "[iscsi]" && echo "portal = [::1]:$IT_PORT" ;;
	dual | acl6) echo "[iscsi]" && echo "portal = 127.0.0.1:$IT_PORT, [::1]:$IT_PORT" ;;
	*) return 0 ;;
	esac
	echo "rx_timeout_ms = 5000"
}

# it_variant_portals VARIANT: sets IT_HOST (the URL's host), IT_OPT (the
# command-line portal option, empty when tgtd.conf has the portals) and
# IT_READY_HOSTS (where the portal must accept connections).
it_variant_portals() {
	IT_HOST=127.0.0.1
	IT_READY_HOSTS=(127.0.0.1)
	IT_OPT=(--iscsi "portal=127.0.0.1:$IT_PORT")
	case $1 in
	confportal) IT_OPT=() ;;
	v6) IT_HOST='[::1]' IT_READY_HOSTS=(::1) IT_OPT=(--iscsi "portal=[::1]:$IT_PORT") ;;
	v6conf) IT_HOST='[::1]' IT_READY_HOSTS=(::1) IT_OPT=() ;;
	dual | acl6) IT_READY_HOSTS=(127.0.0.1 ::1) IT_OPT=() ;;
	esac
}

# Debian's tgtadm, bounded.
it_dadm() {
	timeout 10 "$DEB_TGTADM" -C "$IT_CPORT" --lld iscsi "$@"
}

it_debian_config() {
	local variant=$1
	it_dadm --mode target --op new --tid 1 -T "$IQN" &&
		it_dadm --mode logicalunit --op new --tid 1 --lun 1 \
			-b "$IT_DISK" --bstype rdwr || return 1
	# Offer digests too, so that badpdu's digest cases run.
	it_dadm --mode target --op update --tid 1 --name HeaderDigest --value CRC32C,None &&
		it_dadm --mode target --op update --tid 1 --name DataDigest --value CRC32C,None ||
		return 1
	case $variant in
	denied) it_dadm --mode target --op bind --tid 1 -I 127.0.0.2 ;;
	*) it_dadm --mode target --op bind --tid 1 -I ALL ;;
	esac || return 1
	if [ "$variant" = chap ]; then
		it_dadm --mode account --op new --user "$CHAP_USER" --password "$CHAP_PASS" &&
			it_dadm --mode account --op bind --tid 1 --user "$CHAP_USER" || return 1
	fi
	return 0
}

# Polls CMD every 0.05 s until it succeeds, the target dies, or
# IT_READY_SECS pass.
it_poll() {
	local i n=$((IT_READY_SECS * 20))
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		kill -0 "$IT_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

it_ctl_ready() {
	if [ "$TGT_UNDER_TEST" = debian ]; then
		"$DEB_TGTADM" -C "$IT_CPORT" --mode sys --op show >/dev/null 2>&1
	else
		"$BUILD/tgtadm" -C "$IT_CPORT" --mode sys --op show >/dev/null 2>&1
	fi
}

it_portal_ready() {
	local h
	for h in "${IT_READY_HOSTS[@]}"; do
		it_listening "$IT_PORT" "$h" || return 1
	done
}

# it_start [variant]: 0 when the portal accepts connections.
it_start() {
	local variant=${1:-open} log conf
	it_stop
	it_make_disk || return 1
	IT_SEQ=$((IT_SEQ + 1))
	IT_PORT=$(it_free_port) || return 1
	IT_CPORT=$(it_free_cport) || return 1
	it_variant_portals "$variant"
	# shellcheck disable=SC2034 # used by the scripts that source this
	IT_URL=iscsi://$IT_HOST:$IT_PORT/$IQN/1
	log=$(it_log)
	case $TGT_UNDER_TEST in
	debian)
		if [ ! -x "$DEB_TGTD" ] || [ ! -x "$DEB_TGTADM" ]; then
			echo "it_start: Debian's tgt is not installed (make bench-deps installs it)" >&2
			return 1
		fi
		if [ ${#IT_OPT[@]} -eq 0 ] || [ "$variant" = acl6 ]; then
			echo "it_start: variant $variant needs our tgtd.conf" >&2
			return 1
		fi
		echo "== $DEB_TGTD -f ${IT_OPT[*]} -C $IT_CPORT ($variant)" >"$log"
		"$DEB_TGTD" -f "${IT_OPT[@]}" -C "$IT_CPORT" >>"$log" 2>&1 &
		IT_PID=$!
		if ! it_poll it_ctl_ready || ! it_debian_config "$variant" >>"$log" 2>&1; then
			echo "it_start: Debian's tgtd did not come up; log $log:" >&2
			tail -n 20 "$log" >&2
			it_stop
			return 1
		fi
		;;
	ours)
		if [ ! -x "$BUILD/tgtd" ]; then
			echo "it_start: $BUILD/tgtd missing: build first (make all)" >&2
			return 1
		fi
		if ! "$BUILD/tgtd" --help 2>&1 | grep -q -- '--iscsi'; then
			echo "it_start: tgtd has no iscsi transport ($BUILD/tgtd --help lists no --iscsi)" >&2
			return 1
		fi
		conf=$IT_WORK/tgtd.$variant.conf
		it_conf "$variant" >"$conf"
		mkdir -p "$IT_SAN_DIR"
		local san
		mapfile -t san < <(it_san_env)
		echo "== ${san[*]} $BUILD/tgtd -f -C $IT_CPORT -c $conf ${IT_OPT[*]}" >"$log"
		env "${san[@]}" "$BUILD/tgtd" -f -C "$IT_CPORT" -c "$conf" "${IT_OPT[@]}" >>"$log" 2>&1 &
		IT_PID=$!
		;;
	*)
		echo "it_start: TGT_UNDER_TEST=$TGT_UNDER_TEST: ours or debian" >&2
		return 1
		;;
	esac
	if ! it_poll it_portal_ready; then
		echo "it_start: no iSCSI portal on ${IT_READY_HOSTS[*]} port $IT_PORT within ${IT_READY_SECS}s; log $log:" >&2
		tail -n 20 "$log" >&2
		it_stop
		return 1
	fi
	return 0
}

# it_stop: SIGTERM (Debian's: tgtadm --mode sys --op delete), up to
# IT_STOP_SECS (10), then SIGKILL; then the sanitizer check.  Silenced:
# bash would print a job notice for SIGKILL.
it_stop() {
	local i pid=$IT_PID killed=0
	[ -n "$pid" ] || return 0
	IT_PID=
	{
		# Debian's tgtd ignores SIGTERM; it leaves on "sys delete", which
		# it refuses while it has targets.
		if [ "$TGT_UNDER_TEST" = debian ]; then
			it_dadm --mode target --op delete --force --tid 1 >/dev/null 2>&1 || true
			timeout 5 "$DEB_TGTADM" -C "$IT_CPORT" --mode sys --op delete >/dev/null 2>&1 || true
		else
			kill -TERM "$pid" || true
		fi
		for ((i = 0; i < IT_STOP_SECS * 20; i++)); do
			kill -0 "$pid" || break
			sleep 0.05
		done
		if kill -0 "$pid"; then
			kill -KILL "$pid" || true
			[ "$TGT_UNDER_TEST" = debian ] || killed=1
		fi
		IT_EXIT=0
		# shellcheck disable=SC2034 # used by the scripts that source this
		wait "$pid" || IT_EXIT=$?
		# Debian's tgtd leaves its control socket behind.
		if [ "$TGT_UNDER_TEST" = debian ]; then
			rm -f "/var/run/tgtd/socket.$IT_CPORT" "/var/run/tgtd/socket.$IT_CPORT.lock"
		fi
	} 2>/dev/null
	# shellcheck disable=SC2034 # used by the scripts that source this
	IT_KILLED=$killed
	it_san_check "$IT_SEQ" "$killed"
}

it_restart() {
	it_stop
	it_start "$@"
}
