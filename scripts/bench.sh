#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/bench.sh [SERIES...]     (default: 6.1 6.12; `make bench`)
#
# Pin and unpin speed against the kernel's own gup_test, side by side in one
# guest run per kernel: mm/gup_test.c is built from Debian's linux-source as
# a module for the same stock kernel (scripts/build-gup-test.sh), and the
# guest alternates its PIN_FAST_BENCHMARK (batch 1 and 512) with one pinstat
# PIN and UNPIN of the same kind and size, PINSTAT_BENCH_REPS times (7).
# Prints a table per kernel and writes results/bench-RELEASE.json.
# Timings, not tests: `make check` does not run this.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=("$@")
[ ${#series[@]} -gt 0 ] || series=(6.1 6.12)
reps=${PINSTAT_BENCH_REPS:-7}
results=$PINSTAT_ROOT/results
mkdir -p "$results"
t0=$(date +%s)
for s in "${series[@]}"; do
	rel=$(kernel_release "$s")
	extra=$PINSTAT_OUT/$rel/bench
	rm -rf "$extra" && mkdir -p "$extra"
	gt=$("$PINSTAT_ROOT/scripts/build-gup-test.sh" "$s" "$rel" "$PINSTAT_OUT/$rel/gup_test")
	cp "$gt/mod/gup_test.ko" "$gt/gup_test" "$PINSTAT_ROOT/scripts/bench-guest.sh" "$extra/"
	raw=$PINSTAT_OUT/bench-$rel.log
	"$PINSTAT_ROOT/scripts/guest.sh" --kernel "$s" --extra "$extra" -- \
		"sh ./bench-guest.sh $reps" > "$raw" 2>&1 ||
		{ cat "$raw"; die "benchmark guest for $rel failed"; }
	python3 "$PINSTAT_ROOT/scripts/bench-report.py" "$raw" "$rel" \
		"$results/bench-$rel.json"
done
log "make bench: $(($(date +%s) - t0)) s"
