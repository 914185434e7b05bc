#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/guest.sh [--kernel 6.1|6.12|debug] [--mem MiB] [--timeout SEC]
#                         [--append ARGS] [--extra DIR]... [--ko FILE]
#                         [--single-thread] [--] COMMAND
#
# Boot Debian's stock kernel of that series (or, for "debug", the KASAN/
# lockdep/kmemleak kernel of scripts/debug-kernel.sh) under QEMU (TCG: no nested KVM
# here) with a busybox initramfs that carries pinstat.ko built for it and
# the static programs of tools/ in /opt/pinstat (on PATH), and in
# /opt/pinstat/kmod the stock image's brd.ko and loop.ko (GUEST_KMODS of
# lib.sh, with load-order; not loaded: a test insmods what it needs, e.g.
# `insmod /opt/pinstat/kmod/brd.ko rd_nr=1 rd_size=65536`; the debug
# kernel has a 64 MiB /dev/ram0 built in instead).  The guest
# reserves 2 MiB and 1 GiB huge pages, mounts proc, sysfs, devtmpfs, debugfs
# and hugetlbfs, loads the module, runs COMMAND with sh, unloads the module
# and powers off.  --extra copies more files into /opt/pinstat; --ko uses a
# pinstat.ko already built for that kernel (scripts/build-module.sh).
# --single-thread runs the vCPUs in one host thread (TCG thread=single):
# slower, but code one vCPU patches is seen by the others as on real CPUs;
# with multi-threaded TCG, switching ftrace-based kprobes while another
# vCPU runs the probed function crashes the guest kernel (with tracefs
# kprobe events as well).  COMMAND's output is printed; the exit status is
# COMMAND's, or 1 when the module does not load or unload, the guest never
# finishes, or its kernel log has an oops, BUG, WARNING or sanitizer report.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=6.1 mem="" timeout=1200 append="" extra=() ko="" accel=tcg
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) series=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--extra) extra+=("$2"); shift 2 ;;
	--ko) ko=$2; shift 2 ;;
	--single-thread) accel=tcg,thread=single; shift ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || die "usage: guest.sh [--kernel 6.1|6.12|debug] [--] COMMAND"
cmd="$*"

# Huge pages for every test kind; KASAN's shadow (1/8 of RAM) leaves the
# debug guest less room, and it runs only tests that need a few 2 MiB pages.
if [ "$series" = debug ]; then
	: "${mem:=3072}"
	huge="hugepagesz=2M hugepages=64"
else
	: "${mem:=6144}"
	huge="hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=520"
fi
need_packages qemu-system-x86 busybox-static cpio gzip
rel=$(kernel_release "$series")
[ -n "$rel" ] || die "no Debian kernel image found for $series"
vmlinuz=$(kernel_image "$rel")
[ -n "$ko" ] || ko=$("$PINSTAT_ROOT/scripts/build-module.sh" "$rel")
tools=$("$PINSTAT_ROOT/scripts/build-tools.sh")

run=$PINSTAT_OUT/$rel/guest
rm -rf "$run" && mkdir -p "$run"/root/{bin,sbin,dev,proc,sys,tmp,mnt,opt/pinstat}
cp /bin/busybox "$run/root/bin/busybox"
cp "$ko" "$tools"/* "$run/root/opt/pinstat/"
kmods=$(kernel_kmods "$rel")
if [ -n "$kmods" ]; then
	mkdir -p "$run/root/opt/pinstat/kmod"
	cp "$kmods"/* "$run/root/opt/pinstat/kmod/"
fi
for d in "${extra[@]}"; do
	cp -r "$d"/. "$run/root/opt/pinstat/"
done
printf '%s\n' "$cmd" > "$run/root/opt/pinstat/cmd.sh"
cp "$PINSTAT_ROOT/scripts/guest/init.sh" "$run/root/init"
chmod +x "$run/root/init"
(cd "$run/root" && find . | cpio -o -H newc --quiet | gzip -1) > "$run/initramfs.gz"

kargs="console=ttyS0 panic=-1 $huge $append"
log "booting $rel (TCG, ${mem} MiB): $cmd"
start=$(date +%s)
set +e
timeout "$timeout" qemu-system-x86_64 -accel "$accel" -cpu max -smp 2 -m "$mem" \
	-kernel "$vmlinuz" -initrd "$run/initramfs.gz" -append "$kargs" \
	-display none -monitor none -no-reboot \
	-serial "file:$run/console.log" -serial stdio < /dev/null |
	tr -d '\r' | tee "$run/output.log" | grep -v '^PINSTAT-GUEST-EXIT='
qemu_rc=${PIPESTATUS[0]}
set -e
log "guest $rel finished in $(($(date +%s) - start)) s (console log: $run/console.log)"

rc=$(sed -n 's/^PINSTAT-GUEST-EXIT=\([0-9]*\)$/\1/p' "$run/output.log" | tail -n 1)
if [ -z "$rc" ]; then
	log "guest did not finish (qemu exit $qemu_rc); last console lines:"
	tail -n 40 "$run/console.log" >&2
	rc=1
fi
if grep -E 'BUG:|WARNING:|Oops|Kernel panic|general protection fault|UBSAN:|KASAN:|kmemleak:.*(new suspected|unreferenced)|possible (recursive|circular) locking|inconsistent lock state' \
	"$run/console.log" >&2; then
	log "kernel report in the guest log: failing"
	grep -A 30 -E 'BUG:|WARNING:|Oops' "$run/console.log" | head -n 60 >&2 || true
	rc=1
fi
exit "$rc"
