// SPDX-License-Identifier: GPL-2.0
/*
 * Pin a user range with pin_user_pages_fast() and keep it as folio runs.
 *
 * Each batch is pinned into a one-page scratch array and packed at once
 * into runs appended to the entry array, which grows by doubling but never
 * past one slot per page (a run takes at most as many slots as it has
 * pages).  So a pin of large folios never allocates per page.  Once a
 * whole batch turns out to be small folios, the array goes to its full
 * size at once and later batches are pinned straight into its tail and
 * packed in place, as gup_test's page array is filled: the packed entries
 * never overtake the pages still to be read.  The decision is taken on
 * what the pages are, not on how many entries the first batches made: a
 * range that starts up to 511 small pages before its first THP is not
 * dense.  The array is shrunk to fit at the end.
 */

#include <linux/hugetlb.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pinstat_compat.h"
#include "pinstat_internal.h"

/* Pages per pin_user_pages_fast() call: one page of page pointers. */
#define PINSTAT_PIN_BATCH	(PAGE_SIZE / sizeof(struct page *))

/* First size of the entry array, in slots. */
#define PINSTAT_MIN_ENTRIES	64

/* Bit 0 of an entry: a run of more than one page, its count follows. */
#define PINSTAT_RUN_TAG		1UL

static bool pinstat_entry_is_run(unsigned long entry)
{
	return entry & PINSTAT_RUN_TAG;
}

static struct page *pinstat_entry_page(unsigned long entry)
{
	return (struct page *)(entry & ~PINSTAT_RUN_TAG);
}

/**
 * pinstat_span_pages() - pages touched by a byte range
 * @addr: first byte
 * @len: length in bytes, not 0, addr + len must not wrap
 *
 * Return: the number of pages that [addr, addr + len) touches.
 */
unsigned long pinstat_span_pages(unsigned long addr, unsigned long len)
{
	return (PAGE_ALIGN(addr + len) - (addr & PAGE_MASK)) >> PAGE_SHIFT;
}

/* Packs freshly pinned pages into runs appended to the entry array. */
struct pinstat_packer {
	unsigned long *entries;
	u32 nr_entries;
	u32 capacity;
	u32 max_entries;
	u32 nr_runs;
	u32 nr_large;
	u32 batch_small;
	struct page *run_page;
	struct folio *run_folio;
	unsigned int run_order;
	unsigned long run_pages;
	u64 *runs_by_order;
	unsigned int refcount_limit;
	bool over_limit;
};

static void pinstat_packer_flush(struct pinstat_packer *pk)
{
	unsigned int order;

	if (!pk->run_pages)
		return;
	if (pk->run_pages == 1) {
		pk->entries[pk->nr_entries++] = (unsigned long)pk->run_page;
	} else {
		pk->entries[pk->nr_entries++] =
			(unsigned long)pk->run_page | PINSTAT_RUN_TAG;
		pk->entries[pk->nr_entries++] = pk->run_pages;
	}
	pk->nr_runs++;
	if (pk->run_order)
		pk->nr_large++;
	order = min_t(unsigned int, pk->run_order, PINSTAT_NR_ORDERS - 1);
	pk->runs_by_order[order]++;
	pk->run_pages = 0;
}

/* Make room for @more entries; the array never exceeds max_entries. */
static int pinstat_packer_grow(struct pinstat_packer *pk, u32 more)
{
	/* 64-bit sums: max_pages_per_session may be set near U32_MAX. */
	u64 need = min_t(u64, (u64)pk->nr_entries + more, pk->max_entries);
	u64 cap = max3(need, 2ULL * pk->capacity, (u64)PINSTAT_MIN_ENTRIES);
	unsigned long *grown;

	if (need <= pk->capacity)
		return 0;
	cap = min_t(u64, cap, pk->max_entries);
	grown = kvmalloc_array(cap, sizeof(*grown),
			       GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!grown)
		return -ENOMEM;
	if (pk->nr_entries)
		memcpy(grown, pk->entries, pk->nr_entries * sizeof(*grown));
	kvfree(pk->entries);
	pk->entries = grown;
	pk->capacity = cap;
	return 0;
}

/*
 * A hugetlb folio is mapped whole by one entry, so GUP hands out its pages
 * in order from @page.  Only a mapping that changed between two lookups of
 * one call can put another folio's pages there, from some page to the end
 * of the span: the folio pinned first cannot be freed and come back.  So
 * the last page of the span vouches for the rest.  Returns the pages of
 * @pages known to continue @page (at least 1).
 */
static unsigned long pinstat_hugetlb_span(struct folio *folio,
					  struct page *page,
					  struct page **pages,
					  unsigned long max)
{
	if (max > 1 && folio_test_hugetlb(folio) &&
	    pages[max - 1] == nth_page(page, max - 1))
		return max;
	return 1;
}

/*
 * Small folios from pages[0] on, appended a page an entry; returns how many.
 * Each refcount is compared with the limit here, while the struct page is
 * at hand.  Locals, not @pk's fields, in the loop: the kernel is built with
 * -fno-strict-aliasing, so every entry stored would reload them.  In a
 * dense array @pages is the array's own tail, which the entries written
 * never overtake.
 */
static unsigned long pinstat_packer_add_small(struct pinstat_packer *pk,
					      struct page **pages,
					      unsigned long nr)
{
	unsigned long *out = pk->entries + pk->nr_entries;
	unsigned int limit = pk->refcount_limit;
	bool over = false;
	unsigned long j;

	if (out == (unsigned long *)pages) {
		/* Pinned in place: the entries are already written. */
		for (j = 0; j < nr && !PageCompound(pages[j]); j++)
			over |= (unsigned int)page_ref_count(pages[j]) > limit;
	} else {
		for (j = 0; j < nr && !PageCompound(pages[j]); j++) {
			over |= (unsigned int)page_ref_count(pages[j]) > limit;
			out[j] = (unsigned long)pages[j];
		}
	}
	pk->nr_entries += j;
	pk->nr_runs += j;
	pk->batch_small += j;
	pk->runs_by_order[0] += j;
	if (over)
		pk->over_limit = true;
	return j;
}

/*
 * Pages of @pages, at most @max, that continue pages[0] == @page in order
 * (at least 1).  Eight compared at a time: GUP itself spends about as much
 * writing these pointers, so this loop is a large share of a THP pin.
 */
static unsigned long pinstat_span(struct page *page, struct page **pages,
				  unsigned long max)
{
	unsigned long n = 1, diff, k;

	while (n + 8 <= max) {
		diff = 0;
		for (k = 0; k < 8; k++)
			diff |= (unsigned long)pages[n + k] ^
				(unsigned long)nth_page(page, n + k);
		if (diff)
			break;
		n += 8;
	}
	while (n < max && pages[n] == nth_page(page, n))
		n++;
	return n;
}

/*
 * GUP hands out the pages of a large folio in order, so after one
 * page_folio() the rest of the folio's pages in the batch are recognised by
 * pointer alone.  A folio pinned over several batches is checked against
 * the refcount limit after each, the last one seeing every pin of the
 * range.
 */
static void pinstat_packer_add(struct pinstat_packer *pk,
			       struct page **pages, unsigned long nr)
{
	unsigned long i = 0, span, max;

	pk->batch_small = 0;
	while (i < nr) {
		struct page *page = pages[i];
		struct folio *folio;
		unsigned int order;

		if (!PageCompound(page)) {
			pinstat_packer_flush(pk);
			i += pinstat_packer_add_small(pk, pages + i, nr - i);
			continue;
		}
		folio = page_folio(page);
		order = folio_order(folio);
		if ((unsigned int)folio_ref_count(folio) > pk->refcount_limit)
			pk->over_limit = true;

		max = min((1UL << order) - folio_page_idx(folio, page), nr - i);
		span = pinstat_hugetlb_span(folio, page, pages + i, max);
		if (span < max)
			span = pinstat_span(page, pages + i, max);
		if (!pk->run_pages || folio != pk->run_folio ||
		    page != nth_page(pk->run_page, pk->run_pages)) {
			pinstat_packer_flush(pk);
			pk->run_page = page;
			pk->run_folio = folio;
			pk->run_order = order;
		}
		pk->run_pages += span;
		i += span;
	}
}

/*
 * A clean release calls unpin_user_pages() itself: the ledger skips the
 * calls pinstat makes (by their return address), and the clean
 * unpin_user_pages_dirty_lock() calls unpin_user_pages() from mm/gup.c.
 */
static void pinstat_unpin_pages(struct page **pages, unsigned long nr,
				bool make_dirty)
{
	if (make_dirty)
		unpin_user_pages_dirty_lock(pages, nr, true);
	else
		unpin_user_pages(pages, nr);
}

/* @nr_runs runs in @nr_entries entries; as many means no tagged entry. */
static void pinstat_unpin_entries(unsigned long *entries, u32 nr_entries,
				  u32 nr_runs, bool make_dirty)
{
	u32 i = 0, j;

	if (nr_entries == nr_runs) {
		pinstat_unpin_pages((struct page **)entries, nr_entries,
				    make_dirty);
		return;
	}
	while (i < nr_entries) {
		if (pinstat_entry_is_run(entries[i])) {
			struct page *first = pinstat_entry_page(entries[i]);

			unpin_user_page_range_dirty_lock(first, entries[i + 1],
							 make_dirty);
			i += 2;
			continue;
		}
		/* Untagged entries in a row are a plain page array. */
		for (j = i; j < nr_entries && !pinstat_entry_is_run(entries[j]);)
			j++;
		pinstat_unpin_pages((struct page **)&entries[i], j - i,
				    make_dirty);
		i = j;
	}
}

/* Replace the entry array by one that fits; keep the old one on failure. */
static void pinstat_pin_shrink(struct pinstat_pin *pin)
{
	unsigned long *fit;

	if (pin->nr_entries == pin->capacity)
		return;
	fit = kvmalloc_array(pin->nr_entries, sizeof(*fit), GFP_KERNEL_ACCOUNT);
	if (!fit)
		return;
	memcpy(fit, pin->entries, pin->nr_entries * sizeof(*fit));
	kvfree(pin->entries);
	pin->entries = fit;
	pin->capacity = pin->nr_entries;
}

/**
 * pinstat_pin_range() - pin every page of a user range of current's mm
 * @pin: where the runs go; @addr, @len and @flags are recorded there
 * @addr: first byte
 * @len: bytes, not 0; the caller has checked the range and its page count
 * @flags: PINSTAT_PIN_* flags
 * @runs_by_order: incremented by one per run, at the run's folio order
 * @refcount_limit: highest refcount a pinned folio may be left with
 * @peak_bytes: set to the most bytes held for the pin while taking it (its
 *	record and entry array, before the array is shrunk to fit)
 *
 * All or nothing: on error every page pinned so far is released.
 *
 * Return: 0, or the negative errno from pin_user_pages_fast(), -ENOMEM,
 * -ETOOMANYREFS when a folio's refcount went above @refcount_limit, or
 * -EINTR when a fatal signal is pending.
 */
int pinstat_pin_range(struct pinstat_pin *pin, unsigned long addr,
		      unsigned long len, u32 flags,
		      u64 runs_by_order[PINSTAT_NR_ORDERS],
		      unsigned int refcount_limit, u64 *peak_bytes)
{
	unsigned long start = addr & PAGE_MASK;
	unsigned long nr_pages = pinstat_span_pages(addr, len);
	unsigned int gup_flags = 0;
	struct pinstat_packer pk = {
		.runs_by_order = runs_by_order,
		.max_entries = nr_pages,
		.refcount_limit = refcount_limit,
	};
	unsigned long done = 0;
	struct page **batch;
	int ret;

	if (flags & PINSTAT_PIN_WRITE)
		gup_flags |= FOLL_WRITE;
	if (flags & PINSTAT_PIN_LONGTERM)
		gup_flags |= FOLL_LONGTERM;

	batch = kmalloc_array(PINSTAT_PIN_BATCH, sizeof(*batch), GFP_KERNEL);
	if (!batch)
		return -ENOMEM;

	while (done < nr_pages) {
		struct page **pages = pk.capacity == pk.max_entries ?
			(struct page **)&pk.entries[done] : batch;
		int want = min_t(unsigned long, nr_pages - done,
				 PINSTAT_PIN_BATCH);
		int got;

		got = pin_user_pages_fast(start + (done << PAGE_SHIFT), want,
					  gup_flags, pages);
		if (got <= 0) {
			ret = got ? got : -EFAULT;
			goto unpin_pinned;
		}
		/* A batch adds at most one entry a page, plus the open run. */
		ret = pinstat_packer_grow(&pk, got + 2);
		if (ret) {
			unpin_user_pages(pages, got);
			goto unpin_pinned;
		}
		pinstat_packer_add(&pk, pages, got);
		done += got;
		if (pk.over_limit) {
			ret = -ETOOMANYREFS;
			goto unpin_pinned;
		}
		/* Small folios: take the full size now rather than doubling. */
		if (pk.capacity < pk.max_entries && pk.batch_small == got &&
		    got == PINSTAT_PIN_BATCH) {
			ret = pinstat_packer_grow(&pk, pk.max_entries);
			if (ret)
				goto unpin_pinned;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto unpin_pinned;
		}
		cond_resched();
	}
	pinstat_packer_flush(&pk);
	kfree(batch);

	pin->entries = pk.entries;
	pin->nr_entries = pk.nr_entries;
	pin->capacity = pk.capacity;
	pin->nr_runs = pk.nr_runs;
	pin->nr_large = pk.nr_large;
	pin->addr = addr;
	pin->len = len;
	pin->nr_pages = nr_pages;
	pin->flags = flags;
	*peak_bytes = pinstat_pin_bookkeeping(pin);
	pinstat_pin_shrink(pin);
	return 0;

unpin_pinned:
	pinstat_packer_flush(&pk);
	/* Nothing was written through this pin: do not dirty the pages. */
	pinstat_unpin_entries(pk.entries, pk.nr_entries, pk.nr_runs, false);
	kvfree(pk.entries);
	kfree(batch);
	return ret;
}

/**
 * pinstat_unpin_range() - release every page of a pin and its entry array
 * @pin: a pin filled by pinstat_pin_range(); write pins dirty their pages
 */
void pinstat_unpin_range(struct pinstat_pin *pin)
{
	pinstat_unpin_entries(pin->entries, pin->nr_entries, pin->nr_runs,
			      pin->flags & PINSTAT_PIN_WRITE);
	kvfree(pin->entries);
	pin->entries = NULL;
	pin->nr_entries = 0;
	pin->capacity = 0;
}

/**
 * pinstat_pin_next_run() - the run at a cursor, and advance the cursor
 * @pin: the pin
 * @cur: cursor, { 0, 0 } for the first run
 * @run: filled with the run
 *
 * Return: false when there is no run left.
 */
bool pinstat_pin_next_run(const struct pinstat_pin *pin,
			  struct pinstat_run_cursor *cur,
			  struct pinstat_run *run)
{
	unsigned long entry;

	if (cur->entry >= pin->nr_entries)
		return false;
	entry = pin->entries[cur->entry];
	run->page = pinstat_entry_page(entry);
	run->nr_pages = pinstat_entry_is_run(entry) ?
			pin->entries[cur->entry + 1] : 1;
	run->addr = (pin->addr & PAGE_MASK) + (cur->page_off << PAGE_SHIFT);
	cur->entry += pinstat_entry_is_run(entry) ? 2 : 1;
	cur->page_off += run->nr_pages;
	return true;
}

/**
 * pinstat_pin_bookkeeping() - bytes the module holds for a pin
 * @pin: the pin
 *
 * Return: size of the pin record and of its entry array.
 */
size_t pinstat_pin_bookkeeping(const struct pinstat_pin *pin)
{
	return sizeof(*pin) + (size_t)pin->capacity * sizeof(*pin->entries);
}
