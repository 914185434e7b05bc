#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/kunit.sh SERIES ARCH
#   SERIES 6.1 or 6.12; ARCH um (UML) or x86_64 (QEMU, with THP, hugetlbfs,
#   KASAN, lockdep, DEBUG_VM and DEBUG_ATOMIC_SLEEP).
#
# Places the project as drivers/misc/pinstat (a symlink) in Debian's
# linux-source-SERIES unpacked in the cache, adds its Kconfig source line
# and Makefile line there, and runs the kernel's kunit.py with a build
# directory in the cache (kept, so the next run is incremental).  Fails
# when the kernel does not build, a test fails, a suite or case of
# kunit/*.c did not run (scripts/kunit/kunit-results.py reads what must
# run from the sources: no count is written down), or the kernel log has a
# sanitizer or lockdep report.  Prints "kunit SERIES ARCH: N passed,
# N failed, N skipped".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=${1:?usage: kunit.sh SERIES ARCH}
arch=${2:?usage: kunit.sh SERIES ARCH}
need_packages python3 gcc make flex bison bc libelf-dev libssl-dev
src=$(kernel_source "$series")

# The overlay: idempotent, so a cached tree is reused as it is.
ln -sfn "$PINSTAT_ROOT" "$src/drivers/misc/pinstat"
grep -q 'drivers/misc/pinstat/Kconfig' "$src/drivers/misc/Kconfig" ||
	echo 'source "drivers/misc/pinstat/Kconfig"' >> "$src/drivers/misc/Kconfig"
grep -q '^obj-y += pinstat/' "$src/drivers/misc/Makefile" ||
	echo 'obj-y += pinstat/' >> "$src/drivers/misc/Makefile"

args=(--kunitconfig="$PINSTAT_ROOT/kunit/.kunitconfig" --jobs="$(nproc)")
case $arch in
um) ;;
x86_64)
	need_packages qemu-system-x86
	args+=(--arch=x86_64 --kernel_args=hugepages=4
	       --kunitconfig="$PINSTAT_ROOT/kunit/x86_64-debug.kunitconfig")
	;;
*) die "unknown arch '$arch' (um or x86_64)" ;;
esac
# PINSTAT_KUNIT_TAG keeps a separate build dir (scripts/mutation/mutation-check.sh).
build=$PINSTAT_CACHE/kunit-build/$(basename "$src")-$arch${PINSTAT_KUNIT_TAG:+-$PINSTAT_KUNIT_TAG}
json=$PINSTAT_OUT/kunit-$series-$arch.json
mkdir -p "$build" "$PINSTAT_OUT"
rm -f "$json"

log "kunit.py run: linux-source-$series, $arch (build dir $build)"
start=$(date +%s)
set +e
# Another checkout may have built pinstat's objects here after this one's
# sources were last written: make would keep them.  Build them anew.
rm -rf "$build/drivers/misc/pinstat"
(cd "$src" && python3 tools/testing/kunit/kunit.py run --build_dir="$build" \
	"${args[@]}" --json="$json") 2>&1 | tee "$PINSTAT_OUT/kunit-$series-$arch.out"
rc=${PIPESTATUS[0]}
set -e
log "kunit.py $series $arch: exit $rc after $(($(date +%s) - start)) s"

python3 "$PINSTAT_ROOT/scripts/kunit/kunit-results.py" "$json" "$series" "$arch" \
	"$rc" "$build/test.log" "$PINSTAT_ROOT"/kunit/*.c
