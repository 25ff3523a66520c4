#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Prints the kernel release the kernel tests use: the one the installed
# linux-image-amd64 meta-package depends on (e.g. 6.1.0-56-amd64), else
# the newest /boot/vmlinuz-*-amd64.  $KVER, when set, wins.
set -eu
if [ -n "${KVER:-}" ]; then
	echo "$KVER"
	exit 0
fi
dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
	tr ',|' '\n' | sed -n 's/^ *linux-image-\([0-9][^ ]*-amd64\).*/\1/p' |
	head -n 1) || dep=
if [ -n "$dep" ]; then
	echo "$dep"
	exit 0
fi
newest=$(find /boot -maxdepth 1 -name 'vmlinuz-*-amd64' 2>/dev/null |
	sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
if [ -z "$newest" ]; then
	echo "kver.sh: no linux-image-amd64 and no /boot/vmlinuz-*-amd64" >&2
	exit 1
fi
echo "$newest"
