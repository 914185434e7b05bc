#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest (scripts/bench.sh puts it there): per row, REPS
# rounds of pinstat and gup_test on one buffer, the side going first
# alternating (pinstat-bench drives gup_test.ko's ioctl itself); gup_test
# with the pin ledger off and on; then
# INSPECT of another process's memory against reading it through pagemap,
# INSPECT of its 4 KiB pages while it pins them through pinstat (every
# record's own pins counted), the debugfs "runs" read of it pinned, and one
# INSPECT of each kind under the function_graph tracer (where its time
# goes); a census of all RAM; then REPORT calls a second under
# pinstat-stress.
reps=${1:-7}
# Rounds of INSPECT of 1 GiB of 4 KiB pins: a median of three is enough
# for a figure held against a target, not compared with another side.
pinned_reps=3
# Fixed, so that runs compare; the second run adds -R, one process doing
# nothing but REPORT one page of its own.
stress="-d 10 -p 2 -t 3 -s 2"
insmod ./gup_test.ko || { echo "bench: insmod gup_test.ko failed"; exit 1; }
rc=0
# How much a busy loop loses to stalls (the host's load), around the rows.
./pinstat-bench -S
# The THP row starting 512 KiB past a 2 MiB boundary is "thp -o 512".
for row in "anon-4k" "thp" "thp -o 512" "hugetlb-2m"; do
	# $row unquoted: its words are options.
	./pinstat-bench -r "$reps" -m 256 -k $row || { rc=1; break; }
done
[ $rc = 0 ] && { ./pinstat-bench -r "$reps" -m 1024 -k hugetlb-1g || rc=1; }
# The pin ledger's cost to gup_test: off, on, off again.
for row in "anon-4k" "thp" "hugetlb-2m"; do
	[ $rc = 0 ] && { ./pinstat-bench -L -r "$reps" -m 256 -k $row || rc=1; }
done
# A census of all RAM: debugfs census_summary runs one at every read.
for round in 1 2 3 4 5 6 7; do
	[ $rc = 0 ] || break
	line=$(tr '\n' ' ' < /sys/kernel/debug/pinstat/census_summary) || rc=1
	echo "census round=$round $line"
done
./pinstat-bench -S
mkdir -p /sys/kernel/tracing
mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
[ $rc = 0 ] && {
	./pinstat-bench -r "$reps" -m 1024 -I -P "$pinned_reps" -F -T || rc=1
}
# $stress unquoted: its words are options.
[ $rc = 0 ] && { ./pinstat-stress $stress || rc=1; }
[ $rc = 0 ] && { ./pinstat-stress $stress -R || rc=1; }
./pinstat-bench -S
rmmod gup_test || rc=1
exit $rc
