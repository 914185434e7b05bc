#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/build-tools.sh
# Build the static user programs (the command, the selftests, stress, fuzz,
# bench) into $PINSTAT_OUT/tools; the selftests' lib.mk and
# kselftest_harness.h come from Debian's linux-source-6.12.  Prints the dir.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_packages gcc make libc6-dev
src=$(kernel_source 6.12)
out=$PINSTAT_OUT/tools
mkdir -p "$out"
make -s -C "$PINSTAT_ROOT/tools" OUT="$out" \
	KSFT_DIR="$src/tools/testing/selftests" >&2 || die "building tools failed"
echo "$out"
