#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/bench.sh [SERIES...]     (default: 6.1 6.12; `make bench`)
#
# Pin and unpin speed against the kernel's own gup_test, in one guest run
# per kernel: mm/gup_test.c is built from Debian's linux-source as a module
# for the same stock kernel (scripts/bench/build-gup-test.sh), and pinstat-bench,
# built against that source's mm/gup_test.h, pins one buffer per row both
# ways: gup_test's PIN_FAST_BENCHMARK (512 pages a call, read pins) and
# pinstat's PIN + UNPIN, PINSTAT_BENCH_REPS rounds (7), the side going first
# alternating.  Then INSPECT of another process's 1 GiB of 4 KiB pages and
# of THP against reading them through /proc/PID/pagemap, /proc/kpagecount
# and /proc/kpageflags, and where INSPECT's time goes (function_graph).
# Then the targets of issue 14, each printed with its target and whether
# it is met: REPORT calls a second under pinstat-stress, and INSPECT of
# 1 GiB of 4 KiB pages the process pinned through pinstat itself; and a
# census of all RAM (debugfs census_summary), target 2 s.
# Prints tables per kernel and writes results/bench-RELEASE.json.
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
	gt=$("$PINSTAT_ROOT/scripts/bench/build-gup-test.sh" "$s" "$rel" "$PINSTAT_OUT/$rel/gup_test")
	# This pinstat-bench replaces the one of the common tools build.
	cp "$gt/mod/gup_test.ko" "$gt/pinstat-bench" \
		"$PINSTAT_ROOT/scripts/guest/bench-guest.sh" "$extra/"
	raw=$PINSTAT_OUT/bench-$rel.log
	"$PINSTAT_ROOT/scripts/guest.sh" --kernel "$s" --extra "$extra" -- \
		"sh ./bench-guest.sh $reps" > "$raw" 2>&1 ||
		{ cat "$raw"; die "benchmark guest for $rel failed"; }
	python3 "$PINSTAT_ROOT/scripts/bench/bench-report.py" "$raw" "$rel" \
		"$results/bench-$rel.json"
done
log "make bench: $(($(date +%s) - t0)) s"
