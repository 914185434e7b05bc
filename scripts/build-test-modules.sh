#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/build-test-modules.sh RELEASE
# Build the selftests' test modules (tools/testing/selftests/pinstat/
# test_modules: pinstat_pinner.ko) with W=1 and sparse (C=2) against the
# headers of kernel RELEASE (e.g. 6.1.0-56-amd64, or "debug" for the debug
# guest kernel), in $PINSTAT_OUT/RELEASE/ so the checkout stays clean.
# Prints the directory that holds the .ko files, for
# `scripts/guest.sh --extra DIR`; fails on any compiler or sparse warning.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rel=${1:?usage: build-test-modules.sh RELEASE}
kdir=$(kernel_headers "$rel")
need_packages gcc make sparse
out=$PINSTAT_OUT/$rel/test_modules
rm -rf "$out" && mkdir -p "$out/src" "$out/ko"
cp "$PINSTAT_ROOT"/tools/testing/selftests/pinstat/test_modules/* "$out/src/"

# The debug kernel's build tree has no Module.symvers (no `make modules`
# there): modpost warns about every kernel symbol, which is no finding.
extra=()
[ "$rel" = debug ] && extra=(KBUILD_MODPOST_WARN=1)

log "building the test modules for $rel (W=1, sparse)"
make -C "$kdir" M="$out/src" W=1 C=2 "${extra[@]}" modules \
	> "$out/build.log" 2>&1 || { cat "$out/build.log" >&2; die "test modules for $rel failed"; }
if [ "$rel" = debug ]; then
	grep -v -E 'WARNING: modpost: ("[^"]+" )?\[?.*undefined|Module.symvers is missing' \
		"$out/build.log" > "$out/build-findings.log" || true
else
	cp "$out/build.log" "$out/build-findings.log"
fi
if grep -E 'warning:|error:|WARNING:' "$out/build-findings.log" >&2; then
	die "test modules for $rel have warnings"
fi
cp "$out/src"/*.ko "$out/ko/"
echo "$out/ko"
