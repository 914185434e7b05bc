#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every subcommand of the pinstat command, as a table and as JSON (checked
# with json_check), and its error cases with their exit codes.  Runs in
# the guest as root with pinstat.ko loaded; unloads and reloads it (and
# debugfs) for the "not loaded" cases.  Prints TAP.
#
# The pinstat command, json_check and memfd_hold are looked for beside this
# script (the selftests' build and install put them there), then in
# /opt/pinstat (the test guest's).
here=$(cd "$(dirname "$0")" && pwd)
PATH=$here:/opt/pinstat:$PATH
KO=${PINSTAT_KO:-/opt/pinstat/pinstat.ko}
out=/tmp/cli.out err=/tmp/cli.err
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - cli: $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - cli: $1"
	sed 's/^/# /' "$err" 2>/dev/null | head -n 5
}
# check NAME COMMAND...: the command (a test) succeeds
check() { name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
# run CODE NAME COMMAND...: the command exits with CODE; output in $out
run() {
	code=$1 name=$2; shift 2
	"$@" > "$out" 2> "$err"; rc=$?
	if [ "$rc" -eq "$code" ]; then ok "$name"; else not_ok "$name (exit $rc, want $code)"; fi
}
# lines NAME COUNT FILE REGEX...: COUNT lines of FILE match every REGEX
lines() {
	name=$1 want=$2 file=$3; shift 3
	cp "$file" /tmp/cli.match
	for re in "$@"; do
		grep -E -- "$re" /tmp/cli.match > /tmp/cli.next; mv /tmp/cli.next /tmp/cli.match
	done
	got=$(wc -l < /tmp/cli.match)
	if [ "$got" -eq "$want" ]; then ok "$name"; else not_ok "$name ($got lines, want $want)"; fi
}
skip() { n=$((n + 1)); echo "ok $n - cli: $1 # SKIP $2"; }
valid_json() { check "$1: valid JSON" json_check < "$out"; }
rejects() { ! json_check < "$1" 2> /dev/null; }
# wait_for FILE TEXT: up to 10 s for a background command to print TEXT
# (FILE must be new: the command's redirection may not have truncated it)
wait_for() {
	i=0
	while ! grep -q "$2" "$1" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
acquired() {
	echo 1 > /proc/sys/vm/stat_refresh
	awk '/^nr_foll_pin_acquired/ { print $2 }' /proc/vmstat
}

echo "TAP version 13"

run 0 "--help" pinstat --help
lines "--help shows every subcommand and the exit codes" 1 "$out" "inspect --pid PID"
lines "--help documents exit status 3" 1 "$out" "3 pinstat.ko is not loaded"
lines "--help shows ledger and who" 3 "$out" "pinstat \[--json\] (ledger|who) "
lines "--help documents exit status 5" 1 "$out" "5 the pin ledger is off"

# json_check itself: RFC 8259 wants strings in UTF-8 (RFC 3629).
printf '["a\303\251 \342\202\254 \360\237\230\200 \364\217\277\277 \355\237\277"]' > /tmp/cli.utf8
check "json_check accepts 2-, 3- and 4-byte UTF-8" json_check < /tmp/cli.utf8
for bad in 'byte FF:\377' 'byte FE:\376' 'overlong C0 AF:\300\257' \
	'overlong E0 80 AF:\340\200\257' 'overlong F0 80 80 AF:\360\200\200\257' \
	'surrogate ED A0 80:\355\240\200' 'above U+10FFFF F4 90 80 80:\364\220\200\200' \
	'byte F5:\365\200\200\200' 'truncated E2 82:\342\202' \
	'stray continuation 80:a\200'; do
	# shellcheck disable=SC2059 # the octal escapes are in the format
	printf "[\"${bad#*:}\"]" > /tmp/cli.utf8
	check "json_check rejects ${bad%%:*} in a string" rejects /tmp/cli.utf8
done

run 2 "unknown subcommand" pinstat frobnicate
run 2 "pin without --size" pinstat pin --kind thp
run 2 "pin of an unknown kind" pinstat pin --kind nope --size 4M
run 2 "pin with a bad size" pinstat pin --kind thp --size 4Q
run 2 "inspect without --range or --all" pinstat inspect --pid 1
run 2 "inspect with a reversed range" pinstat inspect --pid 1 --range 0x2000-0x1000
lines "reversed range: the message names it" 1 "$err" "bad range"
run 1 "inspect of a process that does not exist" pinstat inspect --pid 4000000 --all
lines "no such process: the message names it" 1 "$err" "no process 4000000"
run 1 "runs of an unknown handle" pinstat runs 999999
run 2 "who without --pfn or --pid" pinstat who
run 2 "who with both --pfn and --pid" pinstat who --pfn 0x1000 --pid 1 --all
run 2 "who --pid without --range or --all" pinstat who --pid 1
run 2 "ledger with a bad --older-than" pinstat ledger --older-than soon
run 2 "blockers without a range" pinstat blockers
run 2 "blockers with two ranges" pinstat blockers --all --block 0
run 2 "blockers with a reversed pfn range" pinstat blockers --pfn 0x2000-0x1000
run 2 "blockers of a block that does not exist" pinstat blockers --block 999999
run 2 "blockers of a zone that does not exist" pinstat blockers --zone Nowhere

# pin: a table, then JSON.
run 0 "pin --kind thp --size 4M" pinstat pin --kind thp --size 4M
lines "pin table: two order-9 THP folios with 512 pins each" 2 "$out" \
	" 9 anon_thp +512 +512 +yes "
run 0 "pin --json --kind anon --size 64K --write" pinstat pin --json --kind anon --size 64K --write
valid_json "pin --json"
lines "pin --json: 16 pages, 16 runs" 1 "$out" '"nr_pages": 16, "nr_runs": 16'

# A pin held in the background, seen by every other subcommand.
pinstat pin --kind thp --size 4M --hold > /tmp/cli.hold 2>&1 &
holder=$!
wait_for /tmp/cli.hold handle
handle=$(sed -n 's/.*: handle \([0-9]*\),.*/\1/p' /tmp/cli.hold)
start=$(sed -n 's/.* at \(0x[0-9a-f]*\): handle.*/\1/p' /tmp/cli.hold)
check "pin --hold: pinned and holding (handle $handle at $start)" [ -n "$handle" ] && [ -n "$start" ]

run 0 "summary" pinstat summary
lines "summary: one pin of 1024 pages" 2 "$out" "^(pins +1|pages +1024)$"
run 0 "summary --json" pinstat summary --json
valid_json "summary --json"
lines "summary --json: one pin" 1 "$out" '"pins": 1,'

run 0 "runs" pinstat runs
lines "runs: two order-9 folios with pincount 512, all pinstat's own" 2 "$out" "pid=$holder " " order=9 " " pincount=512 " " own_pins=512 foreign_pins=0"
run 0 "runs --json" pinstat runs --json
valid_json "runs --json"
lines "runs --json: two order-9 folios with pincount 512" 2 "$out" "\"pid\": $holder," '"order": 9,' '"pincount": 512,'
lines "runs --json: addr and pfn (0x in debugfs) are numbers, kind a string" 2 "$out" \
	"\"pid\": $holder," '"addr": [1-9][0-9]*,' '"pfn": [1-9][0-9]*,' '"kind": "anon_thp",'

run 0 "pins" pinstat pins
lines "pins: the held pin" 1 "$out" "pid=$holder " "handle=$handle " "pages=1024 " "runs=2 "
run 0 "pins --json" pinstat pins --json
valid_json "pins --json"
lines "pins --json: the held pin" 1 "$out" "\"pid\": $holder," '"pages": 1024,'
run 0 "pins HANDLE" pinstat pins "$handle"
lines "pins HANDLE: that pin" 1 "$out" "handle=$handle "
run 0 "runs HANDLE --json" pinstat runs "$handle" --json
valid_json "runs HANDLE --json"
lines "runs HANDLE: its two runs" 2 "$out" "\"pid\": $holder," '"order": 9,'

before=$(acquired)
run 0 "inspect --pid --all" pinstat inspect --pid "$holder" --all
check "inspect takes no pin (nr_foll_pin_acquired unchanged)" [ "$(acquired)" = "$before" ]
lines "inspect --all: the two folios, 512 pins each, all pinstat's own" 2 "$out" \
	" 9 anon_thp +512 +512 +yes +[0-9]+ +[0-9-]+ +512 +0 "
check "inspect --all: folios under their VMAs (/proc/PID/maps)" [ "$(grep -c '^VMA 0x' "$out")" -ge 3 ]
run 0 "inspect --pid --range --json" pinstat inspect --json --pid "$holder" --range "$start-$((start + 4194304))"
valid_json "inspect --json"
lines "inspect --range --json: the two folios, with their VMA" 2 "$out" '"vma": [0-9]+,' '"order": 9,' '"pincount": 512,' '"own_pins": 512,' '"foreign_pins": 0,'

run 0 "blockers --all" pinstat blockers --all
lines "blockers --all: the two folios, 512 pins each, all pinstat's own" 2 "$out" \
	"^0x[0-9a-f]+ +9 anon_thp +[A-Za-z0-9]+ +[0-9]+ +512 +yes +513 +1 +512 +512 +0$"
lines "blockers --all: pinstat's session holds them" 2 "$out" "^  pinstat session=[0-9]+ handle=$handle pid=$holder pages=512$"
lines "blockers --all: the pins found and the kernel's" 1 "$out" \
	"^[0-9]+ folios: [0-9]+ pins, 0 on memory no process maps, .* the kernel holds [0-9]+ pins"
pfn=$(awk '$1 ~ /^0x/ && $2 == 9 { print $1; exit }' "$out")
run 0 "blockers --pfn" pinstat blockers --pfn "$pfn-$((pfn + 1))"
lines "blockers --pfn: that folio alone" 1 "$out" "^0x[0-9a-f]+ +9 anon_thp "
run 0 "blockers --node 0 --json" pinstat blockers --node 0 --json
valid_json "blockers --json"
lines "blockers --json: the two folios, with their session" 2 "$out" \
	'"order": 9,' '"pincount": 512,' '"mapped": true,' '"own_pins": 512,' "\"pid\": $holder,"

kill -TERM "$holder"; wait "$holder"
check "pin --hold releases on SIGTERM" [ "$(pinstat summary --json | grep -c '"pins": 0,')" -eq 1 ]
run 0 "pin --hold SECONDS returns by itself" pinstat pin --kind anon --size 16K --hold 1

# JSON types go by the key: a command named like a number still has a
# string "comm" (not 4242, 31 or 8); addr (0x in debugfs) is a number.
for comm in 4242 0x1f 010; do
	cp "$(command -v pinstat)" "/tmp/$comm"
	"/tmp/$comm" pin --kind anon --size 4K --hold > "/tmp/cli.hold.$comm" 2>&1 &
	holder=$!
	wait_for "/tmp/cli.hold.$comm" handle
	run 0 "pins --json, a pin of a command named $comm" pinstat pins --json
	valid_json "pins --json, comm $comm"
	lines "pins --json: \"comm\": \"$comm\" is a string" 1 "$out" \
		"\"pid\": $holder," '"addr": [1-9][0-9]*,' '"flags": "none",' \
		'"pincount": "[a-z]+",' "\"comm\": \"$comm\""
	kill -TERM "$holder"; wait "$holder"
	rm -f "/tmp/$comm" "/tmp/cli.hold.$comm"
done

# Names that are not UTF-8 (a memfd named acc\xff\xfe): each bad byte is
# U+FFFD (EF BF BD), a control character \u00XX, valid UTF-8 (e acute)
# stays, and the document is valid JSON.
memfd_hold "$(printf 'acc\377\376-\303\251-\001')" > /tmp/cli.memfd 2>&1 &
memfd=$!
wait_for /tmp/cli.memfd ready
run 0 "inspect --json --all of a process mapping a memfd named acc\\xff\\xfe" \
	pinstat --json inspect --pid "$memfd" --all
valid_json "inspect --json, a mapping name that is not UTF-8"
want=$(printf '"name": "/memfd:acc\357\277\275\357\277\275-\303\251-\\u0001 (deleted)"')
check "inspect --json: the name's bad bytes are U+FFFD, \\u0001 escaped, UTF-8 kept" \
	grep -qF "$want" "$out"
kill -TERM "$memfd"; wait "$memfd"

# The pin ledger names a foreign pinner: io_uring's fixed buffer of
# iouring_hold, 16 small pages pinned long-term by one call.  The ledger
# is turned on once and off once: toggling it while io_uring pins and
# unpins is not what this tests.
ledger_cases() {
	ledger=/sys/kernel/debug/pinstat/ledger_enable
	if ! echo 1 2> /dev/null > "$ledger"; then
		skip "pin ledger" "it cannot be turned on (no kretprobes?)"
		return
	fi
	rm -f /tmp/cli.ring.in /tmp/cli.ring.out
	mkfifo /tmp/cli.ring.in
	iouring_hold --small --size 64K < /tmp/cli.ring.in > /tmp/cli.ring.out 2>&1 &
	ring=$!
	exec 3> /tmp/cli.ring.in
	wait_for /tmp/cli.ring.out '^registered'
	if grep -q '^registered' /tmp/cli.ring.out; then
		ledger_held
		echo >&3
		wait_for /tmp/cli.ring.out '^unregistered'
		ledger_released
	else
		skip "pin ledger of io_uring" "iouring_hold: $(head -n 1 /tmp/cli.ring.out)"
	fi
	exec 3>&-
	wait "$ring"
	echo 0 > "$ledger"
	run 5 "who --pfn with the ledger off" pinstat who --pfn "${pfn:-0x1000}"
	lines "ledger off: the message says how to turn it on" 1 "$err" \
		"the pin ledger is off \(echo 1 > .*/ledger_enable\)"
	run 5 "who --pid with the ledger off" pinstat who --pid "$$" --all
	run 5 "ledger with the ledger off" pinstat ledger --json
}

# A frame line under the entry of process $1 in the table in $out
frames_under() { grep -A1 "^id=[0-9]* tgid=$1 " "$out" | grep -q '^  [^ ]'; }

# iouring_hold's pins held: ledger and who name it.
ledger_held() {
	addr=$(sed -n 's/^registered .* addr=\(0x[0-9a-f]*\) .*/\1/p' /tmp/cli.ring.out)
	range="$addr-$((addr + 65536))"
	run 0 "ledger" pinstat ledger
	lines "ledger: iouring_hold's entry, long-term, 16 pages" 1 "$out" \
		"^id=[0-9]+ tgid=$ring " " flags=write,longterm " " pages=16 " " comm=iouring_hold\$"
	check "ledger: its stack's frames indented under it" frames_under "$ring"
	run 0 "ledger --json" pinstat ledger --json
	valid_json "ledger --json"
	lines "ledger --json: flags, via and comm strings, stack_frames an array" 1 "$out" \
		"\"tgid\": $ring," '"flags": "write,longterm",' '"via": "pin_user_pages[a-z_]*",' \
		'"pins": 16,' '"comm": "iouring_hold", "stack_frames": \["[^"]+"'
	run 0 "ledger --longterm" pinstat ledger --longterm
	lines "ledger --longterm: the entry" 1 "$out" "^id=[0-9]+ tgid=$ring "
	run 0 "ledger --older-than 3600" pinstat ledger --older-than 3600
	lines "ledger --older-than 3600: not the entry" 0 "$out" "^id=[0-9]+ tgid=$ring "

	run 0 "who --pid --range" pinstat who --pid "$ring" --range "$range"
	lines "who --pid: 16 folios with foreign pins, none unattributed" 16 "$out" \
		"^0x[0-9a-f]+ +0x[0-9a-f]+ +[0-9]+ +[1-9][0-9]* +0\$"
	lines "who --pid: iouring_hold holds each" 16 "$out" \
		"^  id=[0-9]+ tgid=$ring pins=1 comm=iouring_hold\$"
	run 0 "who --pid --range --json" pinstat who --json --pid "$ring" --range "$range"
	valid_json "who --pid --json"
	lines "who --pid --json: unattributed 0, iouring_hold the holder" 16 "$out" \
		"\"unattributed\": 0, \"holders\": \[\{\"id\": [0-9]+, \"tgid\": $ring, \"pins\": 1, \"comm\": \"iouring_hold\"\}\]"

	run 0 "inspect of iouring_hold's buffer" pinstat inspect --pid "$ring" --range "$range"
	pfn=$(awk '/^0x/ { print $2; exit }' "$out")
	run 0 "who --pfn $pfn" pinstat who --pfn "$pfn"
	lines "who --pfn: the folio" 1 "$out" "^pfn=$pfn order=[0-9]+ folio_foreign_pins=[1-9]"
	lines "who --pfn: iouring_hold holds it, long-term" 1 "$out" \
		"^id=[0-9]+ tgid=$ring .* flags=write,longterm via=[a-z_]+ .* pins=1 .*comm=iouring_hold\$"
	run 0 "who --pfn --json" pinstat --json who --pfn "$pfn"
	valid_json "who --pfn --json"
	lines "who --pfn --json: the holder and its stack" 1 "$out" \
		"\"tgid\": $ring," '"flags": "write,longterm",' '"stack_frames": \["'
}

# iouring_hold's pins released: the ledger forgets them.
ledger_released() {
	run 0 "ledger after the unregister" pinstat ledger
	lines "ledger: iouring_hold's entry is gone" 0 "$out" "^id=[0-9]+ tgid=$ring "
	run 0 "who --pfn after the unregister" pinstat who --pfn "$pfn"
	lines "who --pfn: no entry holds it" 1 "$out" "^no ledger entry holds pins on pfn $pfn\$"
	run 0 "who --pfn --json after the unregister" pinstat who --pfn "$pfn" --json
	valid_json "who --pfn --json, no holder"
	lines "who --pfn --json: no holders" 1 "$out" '"holders": \[\]'
}

ledger_cases

# Permission: debugfs and the device are root's.
mkdir -p /etc && grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
run 4 "summary as an unprivileged user" su -s /bin/sh nobody -c "$(command -v pinstat) summary"
lines "permission: the message says so" 1 "$err" "permission denied"

# Not loaded, not mounted: only with a pinstat.ko to load again.
if [ -r "$KO" ]; then
	rmmod pinstat
	run 3 "summary without the module" pinstat summary
	lines "no module: the message says to load it" 1 "$err" "pinstat.ko is not loaded"
	run 3 "pin without the module" pinstat pin --kind anon --size 4K
	insmod "$KO"
	umount /sys/kernel/debug
	run 3 "runs without debugfs" pinstat runs
	lines "no debugfs: the message says to mount it" 1 "$err" "debugfs is not mounted"
	mount -t debugfs debugfs /sys/kernel/debug
else
	n=$((n + 1))
	echo "ok $n - cli: without the module, without debugfs # SKIP no $KO to load again (PINSTAT_KO)"
fi

echo "1..$n"
echo "# cli: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
