#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench-deps: installs Debian's tgt (the comparison target of
# make bench-iscsi) without leaving its service running: the package's
# maintainer scripts would start tgtd on 0.0.0.0:3260, the port of our
# sample tgtd.conf (make run).
#   1. While apt-get installs it, /usr/sbin/policy-rc.d answers 101
#      ("action forbidden"), which invoke-rc.d and deb-systemd-invoke obey:
#      nothing is started.  An existing policy-rc.d is put aside and put
#      back afterwards, also if the install fails.
#   2. Then the service is disabled so that no boot starts it
#      (systemctl disable, which works without a running systemd and also
#      removes the SysV links; update-rc.d when there is no systemctl),
#      and, when systemd runs, stopped (systemctl disable --now).
#   3. Last, if something listens on 127.0.0.1:3260, it says so (tgtd
#      started some other way: stop it yourself).
# bench.sh runs Debian's tgtd itself, on a free port, with -f.
# Runs apt-get and the rest through sudo when not root, non-interactively.
set -eu
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
saved=$policy.tgt-bench-deps

installed() {
	dpkg-query -W -f='${Status}\n' tgt 2>/dev/null | grep -q 'install ok installed'
}

restore_policy() {
	if [ -e "$saved" ]; then
		$SUDO mv -f "$saved" "$policy"
	else
		$SUDO rm -f "$policy"
	fi
}

if installed; then
	echo "  APT     tgt present"
else
	echo "  APT     tgt (its service kept stopped: $policy denies starts during the install)"
	if [ -e "$policy" ]; then
		$SUDO mv -f "$policy" "$saved"
	fi
	trap restore_policy EXIT
	printf '#!/bin/sh\n# make bench-deps: no service starts while tgt is installed\nexit 101\n' |
		$SUDO tee "$policy" >/dev/null
	$SUDO chmod 755 "$policy"
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends tgt
	restore_policy
	trap - EXIT
fi

state=
if command -v systemctl >/dev/null; then
	if [ -d /run/systemd/system ]; then
		$SUDO systemctl disable --now tgt.service >/dev/null 2>&1 &&
			state="disabled and stopped (systemctl disable --now)"
	else
		$SUDO systemctl disable tgt.service >/dev/null 2>&1 &&
			state="disabled (systemctl disable; no systemd running)"
	fi
elif command -v update-rc.d >/dev/null; then
	$SUDO update-rc.d tgt disable >/dev/null 2>&1 && state="disabled (update-rc.d)"
fi
echo "  TGT     tgt $(dpkg-query -W -f='${Version}' tgt): service ${state:-not disabled (no systemctl or update-rc.d, or they failed)}"
if (exec 3<>/dev/tcp/127.0.0.1/3260) 2>/dev/null; then
	echo "bench-deps: something listens on 127.0.0.1:3260 (a tgtd started some other way?):" \
		"make run's sample tgtd.conf needs that port" >&2
fi
