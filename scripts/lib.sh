# SPDX-License-Identifier: GPL-2.0
# Shared by the scripts in this directory; source it, do not run it.
#
# PINSTAT_CACHE  downloads and unpacked kernels, kept between runs
#                (default ~/.cache/pinstat), keyed by package version
# PINSTAT_OUT    build output and guest logs (default /tmp/pinstat-out)

PINSTAT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PINSTAT_CACHE=${PINSTAT_CACHE:-$HOME/.cache/pinstat}
PINSTAT_OUT=${PINSTAT_OUT:-/tmp/pinstat-out}
mkdir -p "$PINSTAT_CACHE" "$PINSTAT_OUT"

log() { printf '[pinstat] %s\n' "$*" >&2; }
die() { printf '[pinstat] error: %s\n' "$*" >&2; exit 1; }

# apt-get update at most once an hour: a fresh machine has no lists.
apt_update() {
	local stamp=$PINSTAT_CACHE/apt-update.stamp
	if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
		log "apt-get update"
		apt-get update -qq >&2 || die "apt-get update failed"
		touch "$stamp"
	fi
}

# Install Debian packages that are not installed yet.
need_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	apt_update
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" \
		> "$PINSTAT_OUT/apt.log" 2>&1 ||
		{ cat "$PINSTAT_OUT/apt.log" >&2; die "apt-get install ${missing[*]} failed"; }
}

# kernel_release SERIES: newest Debian amd64 kernel release of a series,
# e.g. 6.1 -> 6.1.0-56-amd64, 6.12 -> 6.12.117+deb12-amd64; "debug" is
# the debug guest kernel of scripts/debug-kernel.sh.
kernel_release() {
	local re
	case $1 in
	debug) echo debug; return ;;
	6.1) re='^linux-image-6\.1\.0-[0-9]+-amd64$' ;;
	6.12) re='^linux-image-6\.12\.[0-9]+\+deb12-amd64$' ;;
	*) die "unknown kernel series '$1' (6.1 or 6.12)" ;;
	esac
	apt_update
	apt-cache search --names-only "$re" | awk '{print $1}' |
		grep -E "$re" | sort -V | tail -n 1 | sed 's/^linux-image-//'
}

# kernel_headers RELEASE: install the headers; prints KDIR.
kernel_headers() {
	if [ "$1" = debug ]; then
		"$PINSTAT_ROOT/scripts/debug-kernel.sh"
		return
	fi
	need_packages "linux-headers-$1"
	echo "/usr/src/linux-headers-$1"
}

# Modules of the stock image that the guests carry (not loaded by init; a
# test insmods what it needs): brd and loop give block devices for O_DIRECT
# I/O.  Debian builds both as modules (BLK_DEV_RAM=m, BLK_DEV_LOOP=m).
GUEST_KMODS=(brd loop)

# kernel_image RELEASE: the stock vmlinuz, from the .deb, never installed.
# The cache keeps boot/ and, in kmod/, the modules of GUEST_KMODS and
# their dependencies, uncompressed (6.12's are .ko.xz, which busybox
# insmod does not read); its key has the module list in it.
kernel_image() {
	local pkg=linux-image-$1 ver dir key
	if [ "$1" = debug ]; then
		dir=$("$PINSTAT_ROOT/scripts/debug-kernel.sh") || return 1
		echo "$dir/arch/x86/boot/bzImage"
		return
	fi
	apt_update
	ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no package $pkg"
	key=$(printf '%s\n' "${GUEST_KMODS[@]}" | sha1sum | cut -c1-8)
	dir=$PINSTAT_CACHE/images/$pkg-$ver-$key
	if [ ! -f "$dir/boot/vmlinuz-$1" ]; then
		need_packages kmod xz-utils
		log "downloading $pkg $ver"
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
		(cd "$dir.tmp" && apt-get download -qq "$pkg=$ver" >&2) ||
			die "apt-get download $pkg failed"
		dpkg-deb -x "$dir.tmp"/*.deb "$dir.tmp/x" || die "cannot unpack $pkg"
		guest_kmods "$dir.tmp/x/lib/modules/$1" "$dir.tmp/kmod" ||
			die "cannot take ${GUEST_KMODS[*]} from $pkg"
		rm -rf "$dir" && mkdir -p "$dir"
		mv "$dir.tmp/kmod" "$dir/kmod"
		# boot/ last: it marks the entry complete.
		mv "$dir.tmp/x/boot" "$dir/boot"
		rm -rf "$dir.tmp"
	fi
	echo "$dir/boot/vmlinuz-$1"
}

# guest_kmods MODDIR OUT: copy GUEST_KMODS and what they depend on
# (modinfo's depends, followed to the end) from the unpacked
# /lib/modules/RELEASE tree MODDIR into OUT as NAME.ko, uncompressed.
# OUT/load-order lists them in an order insmod can take, dependencies
# first.
guest_kmods() {
	local name
	mkdir -p "$2"
	: > "$2/load-order"
	for name in "${GUEST_KMODS[@]}"; do
		guest_kmod "$1" "$2" "$name" || return 1
	done
}

guest_kmod() {	# guest_kmod MODDIR OUT NAME: one module, depth first
	local moddir=$1 out=$2 name=$3 f dep
	grep -qx "$name" "$out/load-order" && return 0
	# A module named a_b may be in a file named a-b.ko.
	f=$(find "$moddir" -name "$name.ko*" -o -name "${name//_/-}.ko*" |
		head -n 1)
	[ -n "$f" ] || { log "no module $name in $moddir"; return 1; }
	case $f in
	*.ko.xz) xz -dc "$f" > "$out/$name.ko" || return 1 ;;
	*.ko) cp "$f" "$out/$name.ko" ;;
	*) log "cannot read $f"; return 1 ;;
	esac
	for dep in $(modinfo -F depends "$out/$name.ko" | tr , ' '); do
		guest_kmod "$moddir" "$out" "$dep" || return 1
	done
	echo "$name" >> "$out/load-order"
}

# kernel_kmods RELEASE: the directory of the guest modules (empty for
# the debug kernel, which has what they give built in).
kernel_kmods() {
	local vmlinuz
	[ "$1" = debug ] && return 0
	vmlinuz=$(kernel_image "$1") || return 1
	echo "$(dirname "$(dirname "$vmlinuz")")/kmod"
}

# kernel_source SERIES: Debian's linux-source tree unpacked in the cache.
kernel_source() {
	local pkg=linux-source-$1 ver dir
	need_packages "$pkg" xz-utils
	ver=$(dpkg-query -W -f='${Version}' "$pkg")
	dir=$PINSTAT_CACHE/src/$pkg-$ver
	if [ ! -f "$dir/Makefile" ]; then
		log "unpacking $pkg $ver"
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
		tar -xJf "/usr/src/$pkg.tar.xz" -C "$dir.tmp" ||
			die "cannot unpack $pkg"
		rm -rf "$dir" && mv "$dir.tmp/$pkg" "$dir" && rm -rf "$dir.tmp"
	fi
	echo "$dir"
}
