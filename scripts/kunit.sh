#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/kunit.sh SERIES ARCH [EXPECTED]
#   SERIES 6.1 or 6.12; ARCH um (UML) or x86_64 (QEMU, with THP, hugetlbfs,
#   KASAN, lockdep, DEBUG_VM and DEBUG_ATOMIC_SLEEP); EXPECTED the fewest
#   test cases that must run (default 37).
#
# Places the project as drivers/misc/pinstat (a symlink) in Debian's
# linux-source-SERIES unpacked in the cache, adds its Kconfig source line
# and Makefile line there, and runs the kernel's kunit.py with a build
# directory in the cache (kept, so the next run is incremental).  Fails
# when the kernel does not build, a test fails, fewer tests ran than
# expected, or the kernel log has a sanitizer or lockdep report.  Prints
# "kunit SERIES ARCH: N passed, N failed, N skipped".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=${1:?usage: kunit.sh SERIES ARCH [EXPECTED]}
arch=${2:?usage: kunit.sh SERIES ARCH [EXPECTED]}
expected=${3:-37}
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

python3 - "$json" "$series" "$arch" "$expected" "$rc" "$build/test.log" <<'PY'
import json, re, sys
path, series, arch, expected, rc, log = sys.argv[1:]
counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
try:
    doc = json.load(open(path))
except (OSError, ValueError) as e:
    print(f"kunit {series} {arch}: no results ({e}): the kernel did not build or boot")
    print(f"kunit {series} {arch}: 0 passed, 1 failed, 0 skipped")
    sys.exit(1)

def walk(group, prefix):
    for case in group.get("test_cases", []):
        status = case.get("status", "FAIL")
        status = status if status in counts else "FAIL"
        counts[status] += 1
        mark = "not ok" if status == "FAIL" else "ok"
        skip = " # SKIP" if status == "SKIP" else ""
        print(f"{mark} - kunit {series} {arch}: {prefix}{case['name']}{skip}")
    for sub in group.get("sub_groups", []):
        walk(sub, prefix + sub.get("name", "?") + ".")

walk(doc, "")
bad = 0
total = sum(counts.values())
if total < int(expected):
    print(f"kunit {series} {arch}: only {total} tests ran, expected {expected}")
    bad = 1
try:
    text = open(log, errors="replace").read()
except OSError:
    text = ""
pat = re.compile(r"BUG: KASAN|WARNING: possible|WARNING: .*lock|BUG: sleeping|"
                 r"inconsistent lock state|BUG: Bad page|kernel BUG at|"
                 r"general protection fault|WARNING: CPU: .* at .*pinstat")
reports = [l for l in text.splitlines() if pat.search(l)]
if reports:
    print(f"kunit {series} {arch}: kernel reports in {log}:")
    print("\n".join(reports[:20]))
    bad = 1
if int(rc) and not counts["FAIL"]:
    bad = 1
print(f"kunit {series} {arch}: {counts['PASS']} passed, "
      f"{counts['FAIL'] + bad} failed, {counts['SKIP']} skipped")
sys.exit(1 if counts["FAIL"] or bad else 0)
PY
