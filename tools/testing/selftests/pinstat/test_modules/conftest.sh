#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print -DPINNER_HAVE_* compiler flags for the kernel whose source (or
# headers) tree is $1: which GUP entry points its headers declare, and
# their arguments.  Features, not version numbers, so a distro kernel that
# backports one is handled like the upstream release that has it.
tree=$1

have() {
	# $1: flag name, $2: headers (space separated), $3: extended regex
	h=
	for f in $2; do
		h="$h $tree/$f"
	done
	# shellcheck disable=SC2086 # $h is a list of paths
	if grep -Eqs "$3" $h; then
		printf ' -DPINNER_HAVE_%s' "$1"
	fi
}

# An argument list spread over lines: the declaration of $3 and the three
# lines after it.
have_args() {
	# $1: flag name, $2: header, $3: function, $4: extended regex
	if grep -E -A3 "^long $3\(" "$tree/$2" 2>/dev/null | grep -Eq "$4"; then
		printf ' -DPINNER_HAVE_%s' "$1"
	fi
}

# Removed in 6.3.
have PIN_USER_PAGES_FAST_ONLY include/linux/mm.h 'int pin_user_pages_fast_only\('
# The vmas arrays went away in 6.5.
have_args PIN_USER_PAGES_VMAS include/linux/mm.h pin_user_pages 'struct vm_area_struct \*\*vmas'
have_args PIN_USER_PAGES_REMOTE_VMAS include/linux/mm.h pin_user_pages_remote 'struct vm_area_struct \*\*vmas'
# Until 6.3, GUP cannot drop the mmap lock while pinning FOLL_LONGTERM:
# pin_user_pages_remote() refuses it with a @locked pointer and
# pin_user_pages_unlocked() refuses it at all (a WARN and -EINVAL).  The
# series that lifted that moved FOLL_FAST_ONLY and the other internal
# FOLL_ flags out of the header.
have LONGTERM_NOT_UNLOCKABLE include/linux/mm.h '^#define FOLL_FAST_ONLY'
# 6.10 (memfd_pin_folios, unpin_folio, unpin_folios), 6.11 (unpin_user_folio).
have MEMFD_PIN_FOLIOS 'include/linux/mm.h include/linux/memfd.h' \
	'long memfd_pin_folios\('
have UNPIN_FOLIO include/linux/mm.h 'void unpin_folio\('
have UNPIN_FOLIOS include/linux/mm.h 'void unpin_folios\('
have UNPIN_USER_FOLIO include/linux/mm.h 'void unpin_user_folio\('
# 6.10 renamed put_devmap_managed_page_refs() for folios.
have PUT_DEVMAP_MANAGED_FOLIO_REFS include/linux/mm.h 'bool put_devmap_managed_folio_refs\('
have PUT_DEVMAP_MANAGED_PAGE_REFS include/linux/mm.h 'bool put_devmap_managed_page_refs\('
echo
