#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest (scripts/bench.sh puts it there): REPS rounds of
# gup_test and pinstat-bench alternating on the same kinds and sizes, then
# the debugfs "folios" read of 1 GiB of THP and of 4 KiB pages.
reps=${1:-7}
insmod ./gup_test.ko || { echo "bench: insmod gup_test.ko failed"; exit 1; }
mkdir -p /mnt/huge1g
mount -t hugetlbfs -o pagesize=1G none /mnt/huge1g || exit 1

# Both sides take read pins (FOLL_PIN alone: gup_test -W) and release them
# without dirtying (gup_test's put never dirties; pinstat dirties only the
# pages of write pins).
gup() {	# gup KIND N ARGS...: one gup_test PIN_FAST_BENCHMARK run
	kind=$1 n=$2
	shift 2
	t=$(./gup_test -a -W -n "$n" "$@" | grep 'PIN_FAST_BENCHMARK: Time')
	[ -n "$t" ] || { echo "bench: gup_test $kind failed"; exit 1; }
	echo "gup_test kind=$kind n=$n $t"
}

i=0
while [ $i -lt "$reps" ]; do
	i=$((i + 1))
	for kind in anon-4k thp hugetlb-2m; do
		case $kind in
		anon-4k) f=-T ;;
		thp) f=-t ;;
		hugetlb-2m) f=-H ;;
		esac
		gup "$kind" 1 -m 256 $f
		gup "$kind" 512 -m 256 $f
		pinstat-bench -k "$kind" -m 256 || exit 1
	done
	for n in 1 512; do
		rm -f /mnt/huge1g/f && touch /mnt/huge1g/f
		gup hugetlb-1g $n -m 1024 -f /mnt/huge1g/f -S
	done
	rm -f /mnt/huge1g/f
	pinstat-bench -k hugetlb-1g -m 1024 || exit 1
done
pinstat-bench -k thp -m 1024 -F || exit 1
pinstat-bench -k anon-4k -m 1024 -F || exit 1
umount /mnt/huge1g
rmmod gup_test
