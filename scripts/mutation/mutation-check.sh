#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/mutation/mutation-check.sh [SERIES ARCH [N...]]   (default: 6.12 um,
#        every mutation of mutations.py; N picks some by index)
#
# Break the module on purpose, one mutation at a time, and check that the
# KUnit suite fails.  Each mutant is a copy of the project outside the
# checkout (made from HEAD), built in its own kunit build directory.  Prints, per mutant,
# the tests that caught it; exits non-zero if a mutant survived.  Not part
# of `make check` (one kernel build per mutant).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

series=${1:-6.12} arch=${2:-um}
shift 2 2>/dev/null || shift $#
mutant=$PINSTAT_OUT/mutant
survived=0

picked=("$@")
if [ ${#picked[@]} -eq 0 ]; then
	count=$(python3 "$PINSTAT_ROOT/scripts/mutation/mutations.py" count)
	picked=($(seq 0 $((count - 1))))
fi
for i in "${picked[@]}"; do
	name=$(python3 "$PINSTAT_ROOT/scripts/mutation/mutations.py" name "$i")
	rm -rf "$mutant" && mkdir -p "$mutant"
	# The committed tree: edits in progress do not leak into mutants.
	git -C "$PINSTAT_ROOT" archive HEAD | tar -x -C "$mutant"
	if ! python3 "$PINSTAT_ROOT/scripts/mutation/mutations.py" apply "$i" "$mutant"; then
		echo "MUTANT NOT APPLIED: $name"
		survived=1
		continue
	fi
	out=$PINSTAT_OUT/mutant-$i.log
	PINSTAT_KUNIT_TAG=mutant "$mutant/scripts/kunit.sh" "$series" "$arch" \
		> "$out" 2>&1
	caught=$(grep '^not ok - ' "$out" | sed 's/^not ok - kunit [^:]*: //' |
		 tr '\n' ',' | sed 's/,$//')
	if grep -q ': no results' "$out"; then
		echo "NOT BUILT: $name (log $out)"
		survived=1
	elif [ -n "$caught" ]; then
		echo "caught: $name -> $caught"
	else
		echo "SURVIVED: $name (log $out)"
		survived=1
	fi
done
# Point drivers/misc/pinstat back at this checkout.
ln -sfn "$PINSTAT_ROOT" "$(kernel_source "$series")/drivers/misc/pinstat"
exit "$survived"
