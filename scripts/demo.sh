#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/demo.sh [SERIES] [MiB]    (default: 6.1, 256)
# Boot a guest of Debian's stock kernel, load pinstat, and with the pinstat
# command pin a buffer of every kind (4 KiB anonymous, THP, hugetlb 2 MiB,
# shmem, page cache, zero page of MiB each, one 1 GiB hugetlb page), each
# held by its own process; show summary, pins and runs, inspect the THP
# holder without pinning anything, a census of all RAM (pinstat blockers),
# the ledger naming an io_uring holder, then release
# (scripts/guest/demo-guest.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
extra=$PINSTAT_OUT/demo-extra
rm -rf "$extra" && mkdir -p "$extra"
cp "$PINSTAT_ROOT/scripts/guest/demo-guest.sh" "$extra/"
exec "$PINSTAT_ROOT/scripts/guest.sh" --kernel "${1:-6.1}" --extra "$extra" \
	-- "sh ./demo-guest.sh ${2:-256}"
