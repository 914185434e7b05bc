#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What keeps a memory block from going offline.  In a kernel booted with
# a movable zone (movablecore=), a process pins anonymous memory through
# pinstat without FOLL_LONGTERM (a long-term pin would have been migrated
# out of ZONE_MOVABLE first) and holds it; the block of ZONE_MOVABLE that
# holds most of its pinned folios does not go offline (the kernel retries
# until a timeout stops it); `pinstat blockers --block N` names those
# folios and the session holding them; once the pin is released the block
# goes offline, and comes back online.  Runs in the guest as root with
# pinstat.ko loaded.  Prints TAP; skips without a movable zone.
here=$(cd "$(dirname "$0")" && pwd)
PATH=$here:/opt/pinstat:$PATH
MEM=/sys/devices/system/memory
out=/tmp/offline.out
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - offline: $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - offline: $1"; }
check() { name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
skip() { echo "ok 1 - offline # SKIP $1"; echo "1..1"; exit 0; }

# offline N SECONDS: try to take block N offline, for SECONDS at most
offline() {
	timeout "$2" sh -c "echo offline > $MEM/memory$1/state" 2> /dev/null
	[ "$(cat "$MEM/memory$1/state")" = offline ]
}

pinstat blockers --zone Movable > "$out" 2>&1 ||
	skip "no ZONE_MOVABLE here (boot with movablecore=)"
bs=$(($(sed 's/^/0x/' "$MEM/block_size_bytes") / 4096))
# The guest's pool of 2 MiB huge pages, reserved at boot, fills
# ZONE_MOVABLE first: give it back while the test runs.
pool=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
huge=$(cat "$pool" 2> /dev/null || echo 0)
[ "$huge" -eq 0 ] || echo 0 > "$pool"

# 64 MiB of 4 KiB pages: the page allocator takes them from ZONE_MOVABLE.
pinstat pin --kind anon --size 64M --hold > /tmp/offline.pin 2>&1 &
holder=$!
i=0
until grep -q ': handle ' /tmp/offline.pin 2> /dev/null || [ $i -ge 60 ]; do
	sleep 1; i=$((i + 1))
done
check "the holder pinned 64 MiB" grep -q ': handle ' /tmp/offline.pin

# The movable block with the most of the holder's pinned folios.
pinstat blockers --zone Movable > "$out"
block=$(awk '$1 ~ /^0x/ && $11 > 0 { print $1 }' "$out" |
	while read -r pfn; do echo $((pfn / bs)); done |
	sort | uniq -c | sort -n | tail -n 1 | awk '{ print $2 }')
if [ -z "$block" ]; then
	not_ok "the census found pinned folios in ZONE_MOVABLE"
	cat "$out" | sed 's/^/# /' | head -n 20
	kill "$holder"; wait "$holder"
	[ "$huge" -eq 0 ] || echo "$huge" > "$pool"
	echo "1..$n"; exit 1
fi
ok "the census found pinned folios in ZONE_MOVABLE (block $block)"
pinned=$(awk '$1 ~ /^0x/ && $11 > 0' "$out" | wc -l)
echo "# $pinned folios with pinstat's pins in ZONE_MOVABLE"

pinstat blockers --block "$block" > "$out"
rows=$(awk '$1 ~ /^0x/ && $4 == "Movable" && $11 > 0' "$out" | wc -l)
check "blockers --block $block names pinned folios ($rows)" [ "$rows" -gt 0 ]
check "blockers --block $block names the holder's session" \
	grep -q "^  pinstat session=.* pid=$holder " "$out"
pinstat --json blockers --block "$block" > /tmp/offline.json
check "blockers --json is valid JSON" json_check < /tmp/offline.json

t0=$(date +%s)
if offline "$block" 10; then
	not_ok "block $block stays online while pinned"
else
	ok "block $block stays online while pinned ($(($(date +%s) - t0)) s)"
fi

kill "$holder"
wait "$holder"
check "blockers --block $block finds no pin once released" \
	[ "$(pinstat blockers --block "$block" | awk '$1 ~ /^0x/ && $6 > 0' | wc -l)" -eq 0 ]
i=0
until offline "$block" 20 || [ $i -ge 3 ]; do i=$((i + 1)); done
check "block $block goes offline once the pin is released" \
	[ "$(cat "$MEM/memory$block/state")" = offline ]
echo online_movable > "$MEM/memory$block/state"
check "block $block comes back online" \
	[ "$(cat "$MEM/memory$block/state")" = online ]

[ "$huge" -eq 0 ] || echo "$huge" > "$pool"
echo "1..$n"
[ "$failed" -eq 0 ]
