#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The pin ledger switched on and off again and again while pinstat-stress
# pins and unpins through pinstat and io_uring buffers of THP and 4 KiB
# pages are registered and unregistered: every switch succeeds, every
# load succeeds, and at the end (the ledger on, the loads gone) the
# ledger holds nothing.  The kernel's log, leaks and sanitizers are the
# runner's to check (make check's guests fail on any report).  Prints TAP.
#
# Runs as root with pinstat.ko loaded.  Not under QEMU's multi-threaded
# TCG: there, switching ftrace-based kprobes while another vCPU runs the
# probed function crashes the guest kernel, with tracefs kprobe events as
# well (make check runs this in a guest with one TCG thread).
#
# pinstat-stress and iouring_hold are looked for beside this script, then
# in /opt/pinstat (the test guest's).
here=$(cd "$(dirname "$0")" && pwd)
PATH=$here:/opt/pinstat:$PATH
D=/sys/kernel/debug/pinstat
SWITCHES=${SWITCHES:-40}
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - ledger switch: $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - ledger switch: $1"; }
summary() { sed -n "s/^$1=//p" $D/summary; }

if ! echo 1 > $D/ledger_enable 2>/dev/null; then
	echo "ok 1 - ledger switch # SKIP the ledger cannot be turned on"
	exit 4
fi
echo 0 > $D/ledger_enable

# io_uring: register and unregister, one holder process at a time.
uring_load() {
	i=0
	while [ -e /tmp/switch.run ]; do
		kind=--thp
		[ $((i % 2)) = 1 ] && kind=--small
		echo | iouring_hold $kind --size 4M > /dev/null || return 1
		i=$((i + 1))
	done
	echo "# io_uring: $i registrations"
}

touch /tmp/switch.run
pinstat-stress -d 30 -p 2 -t 2 -s 5 > /tmp/switch.stress 2>&1 &
stress=$!
uring_load > /tmp/switch.uring 2>&1 &
uring=$!
switched=0
i=0
while [ $i -lt "$SWITCHES" ]; do
	echo 1 > $D/ledger_enable && echo 0 > $D/ledger_enable &&
		switched=$((switched + 1))
	sleep 0.1
	i=$((i + 1))
done
rm -f /tmp/switch.run
if wait $uring; then ok "io_uring registrations all succeeded"; else not_ok "io_uring registrations all succeeded"; fi
cat /tmp/switch.uring
# Its third check counts every pin in the system, which io_uring moves.
wait $stress
if grep -q '^ok 1 ' /tmp/switch.stress && grep -q '^ok 2 ' /tmp/switch.stress; then
	ok "pinstat-stress beside it: calls as documented, folios back"
else
	not_ok "pinstat-stress beside it: calls as documented, folios back"
fi
sed 's/^/# /' /tmp/switch.stress | tail -n 5
if [ $switched = "$SWITCHES" ]; then ok "$SWITCHES switches on and off"; else not_ok "$switched of $SWITCHES switches on and off"; fi

echo 1 > $D/ledger_enable
entries=$(summary ledger_entries) pins=$(summary ledger_pins)
echo 0 > $D/ledger_enable
if [ "$entries" = 0 ] && [ "$pins" = 0 ]; then ok "nothing held after the loads"; else not_ok "nothing held after the loads ($entries entries, $pins pins)"; fi
echo "# $n tests, $failed failed"
[ $failed = 0 ]
