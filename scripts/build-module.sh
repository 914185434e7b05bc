#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/build-module.sh RELEASE
# Build pinstat.ko with W=1 and sparse (C=2) against Debian's headers for
# kernel RELEASE (e.g. 6.1.0-56-amd64), in $PINSTAT_OUT/RELEASE/ so the
# checkout stays clean.  Prints the path of the .ko; fails on any compiler
# or sparse warning.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rel=${1:?usage: build-module.sh RELEASE}
kdir=$(kernel_headers "$rel")
need_packages gcc make sparse
out=$PINSTAT_OUT/$rel/src
rm -rf "$out" && mkdir -p "$out"
cp -r "$PINSTAT_ROOT/module" "$PINSTAT_ROOT/include" "$out/"

log "building pinstat.ko for $rel (W=1, sparse)"
make -C "$kdir" M="$out/module" CONFIG_PINSTAT=m W=1 C=2 modules \
	> "$out/build.log" 2>&1 || { cat "$out/build.log" >&2; die "build for $rel failed"; }
if grep -E 'warning:|error:' "$out/build.log" >&2; then
	die "build for $rel has warnings"
fi
echo "$out/module/pinstat.ko"
