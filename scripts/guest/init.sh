#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the busybox initramfs scripts/guest.sh builds: mount what the
# tests need, load pinstat.ko, run /opt/pinstat/cmd.sh, check for leaks
# (kmemleak, where the kernel has it), unload, and write everything with
# the exit status (PINSTAT-GUEST-EXIT=N) to the second serial port.
/bin/busybox --install -s /bin
export PATH=/opt/pinstat:/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /dev/hugepages && mount -t hugetlbfs hugetlbfs /dev/hugepages
stty -F /dev/ttyS1 raw -echo 2>/dev/null
hp=/sys/kernel/mm/hugepages
{
	echo "guest: kernel $(uname -r), $(nproc) cpus," \
		"hugepages 2M=$(cat $hp/hugepages-2048kB/nr_hugepages 2>/dev/null)" \
		"1G=$(cat $hp/hugepages-1048576kB/nr_hugepages 2>/dev/null)," \
		"THP $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
	kml=/sys/kernel/debug/kmemleak
	# Leaks from before the tests are not theirs.
	[ -e $kml ] && echo scan > $kml && echo clear > $kml
	if insmod /opt/pinstat/pinstat.ko; then
		cd /opt/pinstat && sh ./cmd.sh
		rc=$?
		cd /
		if [ -e $kml ]; then
			# Only objects older than 5 s are reported.
			sleep 6 && echo scan > $kml
			leaks=$(cat $kml)
			if [ -z "$leaks" ]; then
				echo "ok - kmemleak: no unreferenced objects after the tests"
			else
				echo "$leaks" | head -n 80
				echo "not ok - kmemleak: no unreferenced objects after the tests"
				rc=1
			fi
		fi
		if ! rmmod pinstat; then
			echo "guest: rmmod pinstat failed"
			rc=1
		fi
	else
		echo "guest: insmod pinstat.ko failed"
		rc=1
	fi
	echo "guest: uptime $(cut -d' ' -f1 /proc/uptime) s"
	echo "PINSTAT-GUEST-EXIT=$rc"
} > /dev/ttyS1 2>&1
poweroff -f
