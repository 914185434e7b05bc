#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/dkms-build.sh SERIES...     (default: 6.1 6.12)
#
# What a user of a distro kernel does: `dkms add` the checkout (DKMS copies
# it to <source tree>/pinstat-<version>) and `dkms build` it against
# Debian's headers of the newest kernel of each series.  Fails if a build
# fails or leaves no pinstat.ko.  The source and DKMS trees are private
# (under $PINSTAT_OUT), so a pinstat registered with the system's DKMS is
# left alone.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=("$@")
[ ${#series[@]} -gt 0 ] || series=(6.1 6.12)
need_packages dkms
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$PINSTAT_ROOT/dkms.conf")
[ -n "$ver" ] || die "no PACKAGE_VERSION in dkms.conf"

trees=$PINSTAT_OUT/dkms
rm -rf "$trees" && mkdir -p "$trees/src" "$trees/dkms"
dkms_() { dkms --sourcetree "$trees/src" --dkmstree "$trees/dkms" "$@"; }
dkms_ add "$PINSTAT_ROOT" > "$PINSTAT_OUT/dkms-add.log" 2>&1 ||
	{ cat "$PINSTAT_OUT/dkms-add.log" >&2; die "dkms add failed"; }
for s in "${series[@]}"; do
	rel=$(kernel_release "$s")
	kdir=$(kernel_headers "$rel")
	log "dkms build pinstat/$ver -k $rel"
	# The host runs another kernel: name the headers explicitly.
	if ! dkms_ build "pinstat/$ver" -k "$rel" --kernelsourcedir "$kdir" \
		> "$PINSTAT_OUT/dkms-build-$s.log" 2>&1; then
		cat "$PINSTAT_OUT/dkms-build-$s.log" >&2
		cat "$trees/dkms/pinstat/$ver/build/make.log" >&2 2>/dev/null || true
		die "dkms build for $rel failed"
	fi
	ko=$(find "$trees/dkms/pinstat/$ver/$rel" -name 'pinstat.ko*' | head -n 1)
	[ -n "$ko" ] || die "dkms build for $rel left no pinstat.ko"
	echo "ok - dkms build pinstat/$ver for $rel: $ko"
done
