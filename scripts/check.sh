#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/check.sh [SERIES...]     (default: 6.1 6.12)
#
# Every test of the project: style (checkpatch --strict) of the module
# and the tools, sparse (C=2) of the module; the selftests, stress and
# fuzzing in a guest of each Debian kernel series and of a debug kernel (KASAN, lockdep, DEBUG_VM,
# kmemleak) built from 6.12; and the KUnit suite under kunit.py (UML on each series, x86_64 with the
# debug options on 6.12).  Ends with the line "N passed, N failed,
# N skipped"; exits non-zero when anything failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

series=("$@")
[ ${#series[@]} -gt 0 ] || series=(6.1 6.12)
passed=0 failed=0 skipped=0
failures=()
t0=$(date +%s)

# collect PREFIX LOG: one result per "ok N name" / "ok - name" TAP line.
collect() {
	local prefix=$1 line name
	while read -r line; do
		name=${line#*ok }
		name=${name#[0-9]* }
		name=${name#- }
		case $line in
		"not ok "*) result fail "$prefix${name%% #*}" ;;
		*"# SKIP"*) result skip "$prefix${name%% #*}" ;;
		*) result ok "$prefix$name" ;;
		esac
	done < <(grep -E '^(not )?ok ([0-9]+|-) ' "$2")
}

result_rc() {	# result_rc EXIT_STATUS NAME
	if [ "$1" -eq 0 ]; then result ok "$2"; else result fail "$2"; fi
}

result() {	# result ok|fail|skip NAME
	case $1 in
	ok) passed=$((passed + 1)); echo "ok - $2" ;;
	skip) skipped=$((skipped + 1)); echo "ok - $2 # SKIP" ;;
	*) failed=$((failed + 1)); failures+=("$2"); echo "not ok - $2" ;;
	esac
}

# Style: checkpatch.pl --strict from Debian's linux-source-6.12.
src=$(kernel_source 6.12) || die "no linux-source-6.12"
need_packages perl
# Relative paths: checkpatch treats include/uapi/ by its own rules.  The
# user-space tools may test for ENOSYS, a system call this kernel lacks:
# the one meaning checkpatch's ENOSYS warning leaves it.  session_fixture.h
# defines a kselftest fixture in a macro, as the kernel's own
# tools/testing/selftests/kvm/include/kvm_test_harness.h does: definitions
# cannot go in a do-while, and the fixture's name is used three times
# (checkpatch reports the same two there).
cd "$PINSTAT_ROOT" || die "no $PINSTAT_ROOT"
for f in module/*.[ch] include/uapi/linux/*.h kunit/*.[ch] tools/*/*.[ch] \
	tools/testing/selftests/pinstat/*.[ch] \
	tools/testing/selftests/pinstat/test_modules/*.[ch]; do
	ignore=()
	case $f in
	*/test_modules/*) ;;	# kernel code, checked as such
	*/session_fixture.h)
		ignore=(--ignore ENOSYS,MULTISTATEMENT_MACRO_USE_DO_WHILE,MACRO_ARG_REUSE) ;;
	tools/*) ignore=(--ignore ENOSYS) ;;
	esac
	if "$src/scripts/checkpatch.pl" --strict --no-tree --quiet --terse \
		"${ignore[@]}" -f "$f" > "$PINSTAT_OUT/checkpatch.log" 2>&1; then
		result ok "checkpatch --strict $f"
	else
		cat "$PINSTAT_OUT/checkpatch.log"
		result fail "checkpatch --strict $f"
	fi
done

# DKMS, as a user installs it: dkms add, dkms build for each kernel.
log=$PINSTAT_OUT/dkms.log
"$PINSTAT_ROOT/scripts/dkms-build.sh" "${series[@]}" 2>&1 | tee "$log"
result_rc "${PIPESTATUS[0]}" "dkms add and build"
collect "" "$log"

# The selftests, stress and fuzzing in guests.  Seeds are fixed so a
# failure can be replayed; -s on the command line of pinstat-stress and
# pinstat-fuzz changes them.
selftests='pinstat_errors_test pinstat_test pinstat_fault_test pinstat_access_test pinstat_foreign_test pinstat_uffd_test pinstat_census_test'
# pinstat_pinner_test and pinstat_ledger_test need the test module
# pinstat_pinner.ko, which the guest carries in /opt/pinstat
# (scripts/build-test-modules.sh); pinstat_ledger_test's O_DIRECT cases a
# ramdisk: the stock kernels' brd.ko, built into the debug kernel.
pinner_cmd="[ -b /dev/ram0 ] || insmod /opt/pinstat/kmod/brd.ko rd_nr=1 rd_size=65536
if insmod /opt/pinstat/pinstat_pinner.ko; then
	pinstat_pinner_test || rc=1
	pinstat_ledger_test || rc=1
	rmmod pinstat_pinner || { echo 'not ok - rmmod pinstat_pinner'; rc=1; }
else
	echo 'not ok - insmod pinstat_pinner.ko'; rc=1
fi"
stock_cmd="rc=0; for t in $selftests; do \$t || rc=1; done
$pinner_cmd
sh ./pinstat_cli_test.sh || rc=1
pinstat-stress -d 10 -p 2 -t 3 -s 1 || rc=1
pinstat-fuzz -n 5000 -s 1 || rc=1
exit \$rc"
debug_cmd="rc=0; for t in pinstat_errors_test pinstat_fault_test pinstat_access_test pinstat_foreign_test pinstat_uffd_test pinstat_census_test; do \$t || rc=1; done
$pinner_cmd
pinstat-stress -d 30 -p 2 -t 3 -s 2 || rc=1
pinstat-fuzz -n 20000 -s 2 || rc=1
exit \$rc"

guest_tests() {	# guest_tests SERIES COMMAND [test-modules]
	local s=$1 cmd=$2 rel ko log mods extra=()
	rel=$(kernel_release "$s")
	# W=1 and sparse against this kernel's headers; the guest uses the .ko.
	if ko=$("$PINSTAT_ROOT/scripts/build-module.sh" "$rel"); then
		result ok "W=1 C=2 (sparse) build on $rel"
	else
		result fail "W=1 C=2 (sparse) build on $rel"
		return
	fi
	# The selftests' test modules, the same way, into /opt/pinstat.
	if [ "${3:-}" = test-modules ]; then
		if mods=$("$PINSTAT_ROOT/scripts/build-test-modules.sh" "$rel"); then
			result ok "W=1 C=2 (sparse) build of the test modules on $rel"
			extra=(--extra "$mods")
		else
			result fail "W=1 C=2 (sparse) build of the test modules on $rel"
		fi
	fi
	log=$PINSTAT_OUT/selftests-$s.log
	"$PINSTAT_ROOT/scripts/guest.sh" --kernel "$s" --ko "$ko" "${extra[@]}" \
		-- "$cmd" 2>&1 | tee "$log"
	result_rc "${PIPESTATUS[0]}" \
		"$s: guest run (module load/unload, clean kernel log)"
	collect "$s: " "$log"
	# The ledger switched under load, where TCG runs the vCPUs in one
	# thread (scripts/guest.sh --single-thread says why).
	log=$PINSTAT_OUT/switch-$s.log
	"$PINSTAT_ROOT/scripts/guest.sh" --single-thread --kernel "$s" \
		--ko "$ko" -- "sh ./pinstat_ledger_switch_test.sh" 2>&1 | tee "$log"
	result_rc "${PIPESTATUS[0]}" \
		"$s: ledger switch guest run (one TCG thread, clean kernel log)"
	collect "$s: " "$log"
	# A memory block kept online by a pin: a guest with a movable zone
	# (the debug kernel has no memory hotplug).
	[ "$s" = debug ] && return
	log=$PINSTAT_OUT/offline-$s.log
	"$PINSTAT_ROOT/scripts/guest.sh" --kernel "$s" --append movablecore=1G \
		--ko "$ko" -- "sh ./pinstat_offline_test.sh" 2>&1 | tee "$log"
	result_rc "${PIPESTATUS[0]}" \
		"$s: memory offline guest run (movablecore=1G, clean kernel log)"
	collect "$s: " "$log"
}

for s in "${series[@]}"; do
	guest_tests "$s" "$stock_cmd" test-modules
done
# The debug kernel (KASAN, lockdep, DEBUG_VM, kmemleak) is built from 6.12.
case " ${series[*]} " in *" 6.12 "*) guest_tests debug "$debug_cmd" test-modules ;; esac

# KUnit: real pins from a test kthread, through kunit.py.
kunit_runs=()
for s in "${series[@]}"; do
	kunit_runs+=("$s um")
done
case " ${series[*]} " in *" 6.12 "*) kunit_runs+=("6.12 x86_64") ;; esac
for run in "${kunit_runs[@]}"; do
	read -r s arch <<< "$run"
	log=$PINSTAT_OUT/kunit-$s-$arch.log
	"$PINSTAT_ROOT/scripts/kunit.sh" "$s" "$arch" 2>&1 | tee "$log"
	result_rc "${PIPESTATUS[0]}" \
		"kunit $s $arch: kernel built, all tests ran, clean log"
	collect "" "$log"
done

echo
echo "make check: $(($(date +%s) - t0)) s"
for f in "${failures[@]}"; do
	echo "FAILED: $f"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
