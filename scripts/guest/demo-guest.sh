#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run inside the demo guest by scripts/demo.sh: MiB per buffer in $1.
mib=${1:-256}
holders=
for kind in anon thp hugetlb-2m shmem file zero; do
	pinstat pin --kind $kind --size ${mib}M --hold > /tmp/pin-$kind.out 2>&1 &
	holders="$holders $!"
done
pinstat pin --kind hugetlb-1g --size 1G --hold > /tmp/pin-hugetlb-1g.out 2>&1 &
holders="$holders $!"
# Each holder prints its first line once it holds its pin.
for f in anon thp hugetlb-2m shmem file zero hugetlb-1g; do
	i=0
	while ! grep -q 'handle\|pinstat:' /tmp/pin-$f.out 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.1; i=$((i + 1))
	done
	head -n 1 /tmp/pin-$f.out
done

echo; echo '$ pinstat summary      (non-zero lines)'
pinstat summary | grep -v ' 0$'
echo; echo '$ pinstat pins'
pinstat pins
echo; echo '$ pinstat runs | head -n 12'
pinstat runs | head -n 12
thp=$(sed -n 's/^pid \([0-9]*\) pinned .* of thp .*/\1/p' /tmp/pin-thp.out)
start=$(sed -n 's/.* at \(0x[0-9a-f]*\): handle.*/\1/p' /tmp/pin-thp.out)
range="$start-$(printf '%#x' $((start + 8 * 2097152)))"
echo; echo "\$ pinstat inspect --pid $thp --range $range     (no pin taken)"
pinstat inspect --pid "$thp" --range "$range"
echo; echo '$ pinstat blockers --all     (a census of all RAM: first rows, last line)'
pinstat blockers --all > /tmp/blockers.out
head -n 6 /tmp/blockers.out
echo '...'
tail -n 1 /tmp/blockers.out
echo; echo '$ pinstat pin --json --kind thp --size 4M | head -c 600'
pinstat pin --json --kind thp --size 4M | head -c 600; echo

# The pin ledger names who holds foreign pins: an io_uring fixed buffer.
ledger=/sys/kernel/debug/pinstat/ledger_enable
echo; echo "\$ echo 1 > $ledger     (turn the pin ledger on)"
echo 1 > $ledger
mkfifo /tmp/hold.in
iouring_hold --thp --size 4M < /tmp/hold.in > /tmp/hold.out &
ring=$!
exec 3> /tmp/hold.in
i=0
until grep -q '^registered' /tmp/hold.out || [ $i -ge 600 ]; do
	kill -0 $ring 2>/dev/null || break
	sleep 0.1; i=$((i + 1))
done
head -n 1 /tmp/hold.out
rpid=$(sed -n 's/^registered pid=\([0-9]*\) .*/\1/p' /tmp/hold.out)
raddr=$(sed -n 's/.* addr=\(0x[0-9a-f]*\) .*/\1/p' /tmp/hold.out)
if [ -n "$rpid" ]; then
	echo; echo '$ pinstat ledger'
	pinstat ledger
	range="$raddr-$(printf '%#x' $((raddr + 4194304)))"
	echo; echo "\$ pinstat who --pid $rpid --range $range"
	pinstat who --pid "$rpid" --range "$range"
	echo; echo '$ pinstat blockers --all     (the folios with foreign pins, and their holders)'
	pinstat blockers --all | awk '$1 ~ /^0x/ { show = $12 > 0 } show || /^PFN|folios:/'
fi
echo >&3
exec 3>&-
wait $ring
echo 0 > $ledger

kill -TERM $holders
wait
echo; echo 'after release:'
pinstat summary | grep -E '^(pins|pages) '
