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

# kernel_image RELEASE: the stock vmlinuz, from the .deb, never installed.
kernel_image() {
	local pkg=linux-image-$1 ver dir
	if [ "$1" = debug ]; then
		dir=$("$PINSTAT_ROOT/scripts/debug-kernel.sh") || return 1
		echo "$dir/arch/x86/boot/bzImage"
		return
	fi
	apt_update
	ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no package $pkg"
	dir=$PINSTAT_CACHE/images/$pkg-$ver
	if [ ! -f "$dir/boot/vmlinuz-$1" ]; then
		log "downloading $pkg $ver"
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
		(cd "$dir.tmp" && apt-get download -qq "$pkg=$ver" >&2) ||
			die "apt-get download $pkg failed"
		dpkg-deb -x "$dir.tmp"/*.deb "$dir.tmp/x" || die "cannot unpack $pkg"
		rm -rf "$dir" && mkdir -p "$dir"
		mv "$dir.tmp/x/boot" "$dir/boot"
		rm -rf "$dir.tmp"
	fi
	echo "$dir/boot/vmlinuz-$1"
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
