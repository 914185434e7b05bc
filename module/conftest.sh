#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print -DPINSTAT_HAVE_* compiler flags for the kernel whose source (or
# headers) tree is $1.  Features are looked up in the headers, so a distro
# kernel that backports one is handled like the upstream release that has it.
tree=$1

have() {
	# $1: flag name, $2: header, $3: extended regex
	if grep -Eq "$3" "$tree/$2" 2>/dev/null; then
		printf ' -DPINSTAT_HAVE_%s' "$1"
	fi
}

have INLINE_FOLIO_MAPCOUNT include/linux/mm.h 'static inline int folio_mapcount\('
have KUNIT_VM_MMAP include/kunit/test.h 'unsigned long kunit_vm_mmap\('
# 6.1's get_user_pages_remote() still takes a vmas array (gone in 6.5).
have GUP_REMOTE_VMAS include/linux/mm.h 'struct vm_area_struct \*\*vmas, int \*locked\);'
# Up to 6.4 GUP's hugetlb path faults without looking at FOLL_NOFAULT.
have FOLLOW_HUGETLB_PAGE include/linux/hugetlb.h '^long follow_hugetlb_page\('
# Pin and unpin entry points the ledger probes where the kernel has them.
have PIN_USER_PAGES_FAST_ONLY include/linux/mm.h '^int pin_user_pages_fast_only\('
have UNPIN_FOLIO include/linux/mm.h '^void unpin_folio\(struct folio \*folio\);'
have MEMFD_PIN_FOLIOS include/linux/mm.h '^long memfd_pin_folios\('
# Up to 6.6 a hugetlb folio's index counts huge pages, and the page cache
# holds one reference on it, not one per page.
have HUGETLB_BASEPAGE_INDEX include/linux/pagemap.h 'hugetlb_basepage_index\('
echo
