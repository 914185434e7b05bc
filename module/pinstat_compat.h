/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels the module builds against lives
 * here (the KUnit fixture keeps its own, kunit/fixture.c).  Features are
 * detected by module/conftest.sh from the kernel's headers
 * (PINSTAT_HAVE_* below), not by version numbers, so distro backports work.
 */
#ifndef _PINSTAT_COMPAT_H
#define _PINSTAT_COMPAT_H

#include <linux/mm.h>

/*
 * Large folios keep an exact pin count in folio->_pincount on 6.1 and 6.12
 * alike (6.1 aliases it as folio_pincount_ptr()).
 */
static inline unsigned long pinstat_folio_pincount(struct folio *folio)
{
	return atomic_read(&folio->_pincount);
}

#ifdef PINSTAT_HAVE_INLINE_FOLIO_MAPCOUNT
/* 6.10+: folio_mapcount() is inline and reads folio->_large_mapcount. */
static inline int pinstat_folio_mapcount(struct folio *folio)
{
	return folio_mapcount(folio);
}
#else
/*
 * 6.1: folio_mapcount() lives in mm/util.c and is not exported to modules.
 * This is the same computation, from the inline helpers it is built on:
 * large folios sum the per-page map counts.
 */
static inline int pinstat_folio_mapcount(struct folio *folio)
{
	int i, compound, nr, ret;

	if (!folio_test_large(folio))
		return atomic_read(&folio->_mapcount) + 1;

	compound = folio_entire_mapcount(folio);
	if (folio_test_hugetlb(folio))
		return compound;
	ret = compound;
	nr = folio_nr_pages(folio);
	for (i = 0; i < nr; i++)
		ret += atomic_read(&folio_page(folio, i)->_mapcount) + 1;
	/* File pages have the compound map count in each page's count. */
	if (!folio_test_anon(folio))
		return ret - compound * nr;
	if (folio_test_double_map(folio))
		ret -= nr;
	return ret;
}
#endif

#ifdef PINSTAT_HAVE_HUGETLB_BASEPAGE_INDEX
/* Until 6.7 the page cache holds one reference on a hugetlb folio. */
static inline long pinstat_hugetlb_cache_refs(struct folio *folio)
{
	return 1;
}
#else
/* 6.7+: one per page, as on any other folio. */
static inline long pinstat_hugetlb_cache_refs(struct folio *folio)
{
	return folio_nr_pages(folio);
}
#endif

#ifdef CONFIG_SPARSEMEM
/* Pfns from @pfn to the end of its memory section if it is not online, else 0. */
static inline unsigned long pinstat_offline_section_left(unsigned long pfn)
{
	if (online_section_nr(pfn_to_section_nr(pfn)))
		return 0;
	return PAGES_PER_SECTION - (pfn & (PAGES_PER_SECTION - 1));
}
#else
/* Flat memory (UML, for the KUnit suites): no sections to pass over. */
static inline unsigned long pinstat_offline_section_left(unsigned long pfn)
{
	return 0;
}
#endif

/*
 * get_user_pages_remote() of @mm, the caller holding its mmap lock (which
 * is never dropped: no @locked).  6.1 still takes a vmas array, removed
 * in 6.5.
 */
static inline long pinstat_get_user_pages_remote(struct mm_struct *mm,
						 unsigned long start,
						 unsigned long nr_pages,
						 unsigned int gup_flags,
						 struct page **pages)
{
#ifdef PINSTAT_HAVE_GUP_REMOTE_VMAS
	return get_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL, NULL);
#else
	return get_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL);
#endif
}

#ifdef PINSTAT_HAVE_FOLLOW_HUGETLB_PAGE
#include <linux/hugetlb.h>

/*
 * Until follow_hugetlb_page() went away (6.5), GUP's hugetlb path called
 * hugetlb_fault() for an absent entry without looking at FOLL_NOFAULT
 * (6.1 checks it only in faultin_page()), allocating a huge page.  So a
 * lookup that must not fault looks at the entry itself first.  The mmap
 * read lock keeps the page tables; the entry may still change, which only
 * makes the answer as old as any other look at a live process.
 */
static inline bool pinstat_hugetlb_entry_present(struct vm_area_struct *vma,
						 unsigned long addr)
{
	unsigned long size = vma_kernel_pagesize(vma);
	pgd_t *pgd = pgd_offset(vma->vm_mm, addr);
	p4d_t *p4d;
	pud_t *pud, pudval;

	if (!pgd_present(READ_ONCE(*pgd)))
		return false;
	p4d = p4d_offset(pgd, addr);
	if (!p4d_present(READ_ONCE(*p4d)))
		return false;
	pud = pud_offset(p4d, addr);
	pudval = READ_ONCE(*pud);
	if (size == PUD_SIZE)
		return pud_present(pudval);
	if (size != PMD_SIZE || !pud_present(pudval) || pud_leaf(pudval))
		return false;	/* no other huge page size on x86-64 */
	return pmd_present(READ_ONCE(*pmd_offset(pud, addr)));
}

/**
 * pinstat_gup_nofault_safe() - may GUP look at @addr without faulting?
 * @vma: the VMA of @addr, its mm's mmap lock held
 * @addr: user address
 *
 * Return: false when a FOLL_NOFAULT lookup at @addr could fault a page in.
 */
static inline bool pinstat_gup_nofault_safe(struct vm_area_struct *vma,
					    unsigned long addr)
{
	return !is_vm_hugetlb_page(vma) ||
	       pinstat_hugetlb_entry_present(vma, addr);
}
#else
/* 6.5+: every GUP path that would fault checks FOLL_NOFAULT first. */
static inline bool pinstat_gup_nofault_safe(struct vm_area_struct *vma,
					    unsigned long addr)
{
	return true;
}
#endif

/*
 * Entry points the ledger probes that only some kernels have: 6.1 still
 * has pin_user_pages_fast_only(); 6.6+ add unpin_user_folio(), 6.11
 * unpin_folio() and unpin_folios(), 6.11 memfd_pin_folios().
 */
#ifdef PINSTAT_HAVE_PIN_USER_PAGES_FAST_ONLY
#define PINSTAT_KERNEL_HAS_PIN_USER_PAGES_FAST_ONLY	true
#else
#define PINSTAT_KERNEL_HAS_PIN_USER_PAGES_FAST_ONLY	false
#endif
#ifdef PINSTAT_HAVE_UNPIN_FOLIO
#define PINSTAT_KERNEL_HAS_UNPIN_FOLIO	true
#else
#define PINSTAT_KERNEL_HAS_UNPIN_FOLIO	false
#endif
#ifdef PINSTAT_HAVE_MEMFD_PIN_FOLIOS
#define PINSTAT_KERNEL_HAS_MEMFD_PIN_FOLIOS	true
#else
#define PINSTAT_KERNEL_HAS_MEMFD_PIN_FOLIOS	false
#endif

#ifdef CONFIG_KRETPROBE_ON_RETHOOK
#include <linux/kprobes.h>
#include <linux/rethook.h>

/**
 * pinstat_current_in_kretprobe() - is current inside a call @rp probes?
 * @rp: a registered kretprobe
 *
 * True between its entry and return handlers: the task's pending return
 * hooks, which only the task itself adds and removes, include one of @rp.
 *
 * Return: whether current is in a call to @rp's function.
 */
static inline bool pinstat_current_in_kretprobe(const struct kretprobe *rp)
{
	struct llist_node *node;

	for (node = current->rethooks.first; node; node = node->next) {
		if (container_of(node, struct rethook_node, llist)->rethook ==
		    rp->rh)
			return true;
	}
	return false;
}
#endif

#ifdef CONFIG_UNWINDER_ORC
#include <asm/unwind.h>

/**
 * pinstat_unwind_slot() - where the return address of a frame lies
 * @state: an unwind at a frame entered by a call
 *
 * x86's ORC unwinder (every Debian x86 kernel's) leaves @state->sp just
 * above the slot it read the frame's return address from; its own
 * unwind_get_return_address_ptr() is not exported.  A frame of saved
 * registers (an interrupt) has no such slot.
 *
 * Return: the slot, or NULL.
 */
static inline unsigned long *pinstat_unwind_slot(struct unwind_state *state)
{
	if (unwind_done(state) || state->regs || !state->sp)
		return NULL;
	return (unsigned long *)state->sp - 1;
}

#define PINSTAT_HAVE_UNWIND_SLOT
#endif

#endif /* _PINSTAT_COMPAT_H */
