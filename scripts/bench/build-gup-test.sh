#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/bench/build-gup-test.sh SERIES RELEASE OUTDIR
# Build the kernel's own mm/gup_test.c (compiled out of Debian's kernels) as
# an out-of-tree module for RELEASE from Debian's linux-source-SERIES, and
# pinstat-bench against that tree's mm/gup_test.h.  The kernel's files are
# copied and edited here, at build time, with the least a module needs:
# module init/exit, license, owner, and removing its debugfs file on
# unload.  Nothing is committed.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

series=${1:?usage: build-gup-test.sh SERIES RELEASE OUTDIR}
rel=${2:?usage: build-gup-test.sh SERIES RELEASE OUTDIR}
out=${3:?usage: build-gup-test.sh SERIES RELEASE OUTDIR}
src=$(kernel_source "$series")
kdir=$(kernel_headers "$rel")
need_packages gcc make libc6-dev
mkdir -p "$out/mod"
cp "$src/mm/gup_test.c" "$src/mm/gup_test.h" "$out/mod/"
sed -i \
	-e '1i #include <linux/module.h>' \
	-e 's/^\t\.open = nonseekable_open,/\t.owner = THIS_MODULE,\n&/' \
	-e 's/^\tdebugfs_create_file_unsafe("gup_test"/\tgup_test_dentry = debugfs_create_file_unsafe("gup_test"/' \
	-e 's/^static int __init gup_test_init(void)/static struct dentry *gup_test_dentry;\n\n&/' \
	-e 's/^late_initcall(gup_test_init);/module_init(gup_test_init);\n\nstatic void __exit gup_test_exit(void)\n{\n\tdebugfs_remove(gup_test_dentry);\n}\nmodule_exit(gup_test_exit);\nMODULE_LICENSE("GPL");\nMODULE_DESCRIPTION("mm\/gup_test.c as a module, for comparison");/' \
	"$out/mod/gup_test.c"
grep -q 'module_exit(gup_test_exit)' "$out/mod/gup_test.c" ||
	die "mm/gup_test.c of $series did not take the module edits"
echo 'obj-m += gup_test.o' > "$out/mod/Kbuild"
make -C "$kdir" M="$out/mod" modules > "$out/mod/build.log" 2>&1 ||
	{ cat "$out/mod/build.log" >&2; die "gup_test.ko for $rel failed"; }

# pinstat-bench drives gup_test.ko's ioctl itself, with struct gup_test
# from this same source tree.
make -s -C "$PINSTAT_ROOT/tools" OUT="$out" BENCH_SRC="$src" \
	KSFT_DIR="$src/tools/testing/selftests" "$out/pinstat-bench" \
	> "$out/prog.log" 2>&1 ||
	{ cat "$out/prog.log" >&2; die "pinstat-bench for $series failed"; }
echo "$out"
