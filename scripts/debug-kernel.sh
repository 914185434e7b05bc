#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/debug-kernel.sh
#
# Build the debug guest kernel: Debian's linux-source-6.12 from tinyconfig
# plus what the guest needs and the checkers (KASAN, lockdep, DEBUG_VM,
# DEBUG_ATOMIC_SLEEP, kmemleak).  Cached by source version and option
# list; prints the build directory (bzImage under arch/x86/boot, and what
# an out-of-tree module builds against).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

options=(
	# the busybox guest of scripts/guest.sh
	64BIT SMP PCI ACPI PRINTK PRINTK_TIME TTY SERIAL_8250
	SERIAL_8250_CONSOLE BLK_DEV_INITRD RD_GZIP DEVTMPFS PROC_FS SYSFS
	PROC_SYSCTL DEBUG_FS MODULES MODULE_UNLOAD BINFMT_ELF BINFMT_SCRIPT
	MULTIUSER FUTEX KALLSYMS
	# the memory pinstat and its tests pin and look at
	SHMEM TMPFS MEMFD_CREATE HUGETLBFS TRANSPARENT_HUGEPAGE
	TRANSPARENT_HUGEPAGE_ALWAYS ADVISE_SYSCALLS COMPACTION
	PROC_PAGE_MONITOR IO_URING USERFAULTFD
	# O_DIRECT I/O for short-term pins: a ramdisk (sizes in values below)
	BLOCK BLK_DEV BLK_DEV_RAM
	# kprobes and kretprobes on the pin and unpin functions, through ftrace
	KPROBES KRETPROBES FTRACE FUNCTION_TRACER DYNAMIC_FTRACE
	DYNAMIC_FTRACE_WITH_REGS KPROBES_ON_FTRACE
	# the checkers
	DEBUG_KERNEL KASAN KASAN_GENERIC PROVE_LOCKING DEBUG_ATOMIC_SLEEP
	DEBUG_VM DEBUG_KMEMLEAK
)
# One ramdisk, /dev/ram0, of 64 MiB at boot: what the stock guests get from
# `insmod brd.ko rd_nr=1 rd_size=65536`.
values=(BLK_DEV_RAM_COUNT=1 BLK_DEV_RAM_SIZE=65536)

need_packages gcc make flex bison bc libelf-dev
src=$(kernel_source 6.12)
ver=$(basename "$src")
key=$(printf '%s\n' "${options[@]}" "${values[@]}" | sha1sum | cut -c1-12)
out=$PINSTAT_CACHE/debug-kernel/$ver-$key
if [ ! -f "$out/.pinstat-built" ]; then
	# scripts/kunit.sh links a checkout into this shared tree as
	# drivers/misc/pinstat and sources its Kconfig; a link left dangling
	# (a checkout since removed) stops every config step.  This one does
	# as well (CONFIG_PINSTAT stays off in this kernel).
	if [ -L "$src/drivers/misc/pinstat" ]; then
		ln -sfn "$PINSTAT_ROOT" "$src/drivers/misc/pinstat"
	fi
	log "building the debug guest kernel from $ver (KASAN, lockdep, DEBUG_VM, kmemleak; a few minutes)"
	rm -rf "$out" && mkdir -p "$out"
	make -s -C "$src" O="$out" ARCH=x86_64 tinyconfig > "$out/build.log" 2>&1 ||
		{ cat "$out/build.log" >&2; die "tinyconfig failed"; }
	# SLUB_TINY rules out KASAN.
	"$src/scripts/config" --file "$out/.config" -d SLUB_TINY \
		$(printf -- '-e %s ' "${options[@]}") \
		$(printf -- '--set-val %s ' "${values[@]/=/ }")
	make -s -C "$src" O="$out" ARCH=x86_64 olddefconfig >> "$out/build.log" 2>&1 ||
		{ cat "$out/build.log" >&2; die "olddefconfig failed"; }
	for o in "${options[@]}"; do
		grep -qx "CONFIG_$o=y" "$out/.config" ||
			die "CONFIG_$o did not stay enabled in the debug kernel's .config"
	done
	for v in "${values[@]}"; do
		grep -qx "CONFIG_$v" "$out/.config" ||
			die "CONFIG_$v did not stay set in the debug kernel's .config"
	done
	make -C "$src" O="$out" ARCH=x86_64 -j"$(nproc)" bzImage modules \
		modules_prepare >> "$out/build.log" 2>&1 ||
		{ tail -n 40 "$out/build.log" >&2; die "debug kernel build failed"; }
	touch "$out/.pinstat-built"
fi
echo "$out"
