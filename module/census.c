// SPDX-License-Identifier: GPL-2.0
/*
 * The census: which folios of a physical range hold pins, or references
 * their mappings and page cache do not explain, which is what keeps memory
 * from being migrated, split or taken offline.  PINSTAT_IOC_CENSUS, the
 * debugfs "census" and "census_summary" files all scan with
 * pinstat_census_fill().
 *
 * The scan walks pfns with pfn_to_online_page() and holds no lock: a
 * folio of user memory (on an LRU list, or a hugetlb page in use) is
 * looked at under a reference taken with folio_try_get() and checked to
 * still be the folio of its page, as compaction does (so is a pinned folio
 * of a process or file that is off the LRU for a moment), so it can neither
 * be freed nor split while it is described; a free block is passed over
 * whole, a section that is not online too, anything else one pfn at a
 * time.  Records go to a batch of fixed size, whose own pins are looked
 * up under the registry's lock and which is copied out with no lock held.
 */

#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/pageblock-flags.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "pinstat_compat.h"
#include "pinstat_internal.h"

/* Pfns between two cond_resched(). */
#define PINSTAT_CENSUS_RESCHED	1024

static const struct {
	const char *name;
	u32 zone;
} pinstat_census_zones[] = {
	{ "DMA", PINSTAT_ZONE_DMA },
	{ "DMA32", PINSTAT_ZONE_DMA32 },
	{ "Normal", PINSTAT_ZONE_NORMAL },
	{ "Movable", PINSTAT_ZONE_MOVABLE },
};

static const char *const pinstat_zone_names[] = PINSTAT_ZONE_NAMES;

/**
 * pinstat_zone_name() - name of an enum pinstat_zone value
 * @zone: the value
 *
 * Return: the kernel's name of the zone, "other" for an unknown value.
 */
const char *pinstat_zone_name(u32 zone)
{
	if (zone >= ARRAY_SIZE(pinstat_zone_names))
		zone = PINSTAT_ZONE_OTHER;
	return pinstat_zone_names[zone];
}

/* By name: which zones exist, and their order, depend on the config. */
static u32 pinstat_census_zone(const struct zone *zone)
{
	size_t i;

	if (zone_idx(zone) == ZONE_MOVABLE)
		return PINSTAT_ZONE_MOVABLE;
	for (i = 0; i < ARRAY_SIZE(pinstat_census_zones); i++)
		if (!strcmp(zone->name, pinstat_census_zones[i].name))
			return pinstat_census_zones[i].zone;
	return PINSTAT_ZONE_OTHER;
}

/**
 * pinstat_census_ram() - the pfns of every online node
 * @start: set to the first
 * @end: set past the last
 */
static void pinstat_census_ram(unsigned long *start, unsigned long *end)
{
	int nid;

	*start = ULONG_MAX;
	*end = 0;
	for_each_online_node(nid) {
		*start = min(*start, node_start_pfn(nid));
		*end = max(*end, node_end_pfn(nid));
	}
	if (*start > *end)
		*start = *end;
}

/**
 * pinstat_census_begin() - set a scan up over a range of pfns
 * @sc: the scan; its @recs and @max_recs are the caller's
 * @start: first pfn
 * @end: past the last; the part beyond RAM is left out
 * @pfn: where to begin, in [@start, @end)
 */
void pinstat_census_begin(struct pinstat_census_scan *sc, unsigned long start,
			  unsigned long end, unsigned long pfn)
{
	unsigned long ram_start, ram_end;

	pinstat_census_ram(&ram_start, &ram_end);
	sc->start = start;
	sc->end = min(end, ram_end);
	sc->pfn = max(pfn, ram_start);
	sc->scanned = 0;
	sc->nr_recs = 0;
}

/**
 * pinstat_census_begin_all() - set a scan up over all RAM
 * @sc: the scan; its @recs and @max_recs are the caller's
 */
void pinstat_census_begin_all(struct pinstat_census_scan *sc)
{
	unsigned long start, end;

	pinstat_census_ram(&start, &end);
	pinstat_census_begin(sc, start, end, start);
}

/*
 * The references the kernel expects a folio to have when it migrates or
 * splits it, less the caller's own: one per mapping, and its page cache
 * (or swap cache) entries and private data (mm/migrate.c
 * folio_expected_refs(), mm/huge_memory.c can_split_folio()).
 */
static long pinstat_census_explained(struct folio *folio, int mapcount)
{
	struct address_space *mapping = folio_mapping(folio);
	long refs = max(mapcount, 0);

	if (!mapping)
		return refs;
	refs += folio_test_hugetlb(folio) ? pinstat_hugetlb_cache_refs(folio) :
					    folio_nr_pages(folio);
	if (folio_test_private(folio))
		refs++;
	return refs;
}

/* Describe @folio (referenced by the caller) into @rec; false: nothing to say. */
static bool pinstat_census_describe(struct folio *folio,
				    struct pinstat_census_record *rec)
{
	struct pinstat_run run = {
		.page = &folio->page,
		.nr_pages = folio_nr_pages(folio),
	};
	long unexplained;

	pinstat_record_describe(&run, 1, &rec->folio);
	unexplained = (long)rec->folio.refcount -
		      pinstat_census_explained(folio, rec->folio.mapcount);
	if (!rec->folio.pincount && unexplained <= 0)
		return false;
	rec->unexplained = clamp_val(unexplained, 0, U32_MAX);
	rec->zone = pinstat_census_zone(folio_zone(folio));
	rec->nid = folio_nid(folio);
	rec->flags = 0;
	rec->reserved = 0;
	if (rec->folio.pincount)
		rec->flags |= PINSTAT_CENSUS_PINNED;
	if (unexplained > 0)
		rec->flags |= PINSTAT_CENSUS_UNEXPLAINED;
	if (rec->folio.mapcount <= 0)
		rec->flags |= PINSTAT_CENSUS_UNMAPPED;
	return true;
}

/*
 * Is @folio user memory, worth a reference?  A racy look, without one.  A
 * pinned folio may be off the LRU for a while (in a CPU's LRU batch after
 * a fault, or isolated for migration); slab and typed pages (page tables,
 * buddy pages, ...) reuse the fields of struct folio and are never read
 * as one.
 */
static bool pinstat_census_may_be_user(struct folio *folio)
{
	if (folio_test_lru(folio) || folio_test_hugetlb(folio))
		return true;
	return !folio_test_slab(folio) && !page_has_type(&folio->page) &&
	       !folio_test_reserved(folio) && folio_maybe_dma_pinned(folio);
}

/* The same under a reference: memory of a process or of a file. */
static bool pinstat_census_is_user(struct folio *folio)
{
	if (folio_test_lru(folio) || folio_test_hugetlb(folio))
		return true;
	return !folio_test_slab(folio) && !page_has_type(&folio->page) &&
	       (folio_test_anon(folio) || folio_mapping(folio));
}

/*
 * Look at the folio of @page, at the scan's pfn: a record for it if it has
 * something to say and the scan is at its first pfn in the range.
 * Returns the pfns to move on by.
 */
static unsigned long pinstat_census_page(struct pinstat_census_scan *sc,
					 struct page *page)
{
	struct folio *folio;
	unsigned long head, next, order;

	/*
	 * A free block is passed over whole, as compaction does: its order
	 * is read without the zone's lock, so it is trusted only up to a
	 * pageblock, and only to the block's aligned end.
	 */
	if (PageBuddy(page)) {
		order = READ_ONCE(page_private(page));
		if (order && order <= pageblock_order)
			return ALIGN(sc->pfn + 1, 1UL << order) - sc->pfn;
		return 1;
	}
	folio = page_folio(page);
	/* Racy reads, checked again under the reference. */
	if (!pinstat_census_may_be_user(folio))
		return 1;
	if (!folio_try_get(folio))
		return 1;
	if (unlikely(page_folio(page) != folio)) {
		folio_put(folio);
		return 1;
	}
	head = folio_pfn(folio);
	next = head + folio_nr_pages(folio);
	if ((head == sc->pfn || sc->pfn == sc->start) &&
	    pinstat_census_is_user(folio) &&
	    pinstat_census_describe(folio, &sc->recs[sc->nr_recs]))
		sc->nr_recs++;
	folio_put(folio);
	return next - sc->pfn;
}

/**
 * pinstat_census_fill() - scan on until the records fill or @budget ends
 * @sc: the scan; records are added after its @nr_recs
 * @budget: pfns to look at, at most
 *
 * Holds no lock; reschedules every PINSTAT_CENSUS_RESCHED pfns.  The own
 * and foreign pins of the records are left at zero.
 */
void pinstat_census_fill(struct pinstat_census_scan *sc, unsigned long budget)
{
	unsigned long step, since = 0;
	struct page *page;

	while (sc->pfn < sc->end && budget && sc->nr_recs < sc->max_recs) {
		page = pfn_to_online_page(sc->pfn);
		if (page)
			step = pinstat_census_page(sc, page);
		else
			step = max(pinstat_offline_section_left(sc->pfn), 1UL);
		step = min(step, sc->end - sc->pfn);
		sc->pfn += step;
		sc->scanned += step;
		budget -= min(step, budget);
		since += step;
		if (since >= PINSTAT_CENSUS_RESCHED) {
			since = 0;
			cond_resched();
		}
	}
}

/* Give a batch's records their own and foreign pins. */
static int pinstat_census_owners(struct pinstat_census_scan *sc)
{
	u32 i;
	int ret;

	if (!sc->nr_recs)
		return 0;
	ret = pinstat_registry_own_begin();
	if (ret)
		return ret;
	for (i = 0; i < sc->nr_recs; i++)
		pinstat_record_split_own(&sc->recs[i].folio);
	pinstat_registry_own_end();
	return 0;
}

/**
 * pinstat_census_next() - the next batch of records of a scan
 * @sc: the scan, its records replaced by the next batch
 * @budget: pfns to look at, at most
 *
 * Return: 0, -ENOMEM (the registry's index cannot grow) or -EINTR.
 */
int pinstat_census_next(struct pinstat_census_scan *sc, unsigned long budget)
{
	sc->nr_recs = 0;
	pinstat_census_fill(sc, budget);
	if (fatal_signal_pending(current))
		return -EINTR;
	return pinstat_census_owners(sc);
}

/* Check the arguments and set the scan up where this call starts. */
static int pinstat_census_args_scan(const struct pinstat_census_args *args,
				    struct pinstat_census_scan *sc)
{
	unsigned long start, end, pfn;

	if (args->flags & ~PINSTAT_CENSUS_FLAGS_ALL || !args->nr_records ||
	    args->reserved0 || args->reserved[0] || args->reserved[1] ||
	    args->record_size != sizeof(struct pinstat_census_record))
		return -EINVAL;
	if (args->flags & PINSTAT_CENSUS_ALL) {
		pinstat_census_ram(&start, &end);
	} else {
		if (args->start_pfn >= args->end_pfn)
			return -EINVAL;
		start = args->start_pfn;
		end = args->end_pfn;
	}
	pfn = args->cursor ? args->cursor : start;
	if (pfn < start || pfn >= end)
		return -EINVAL;
	pinstat_census_begin(sc, start, end, pfn);
	return 0;
}

/**
 * pinstat_census() - PINSTAT_IOC_CENSUS
 * @s: the caller's session, not used: the census takes no pin
 * @data: struct pinstat_census_args, copied in; @cursor, @nr_records and
 *	@nr_scanned are filled
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int pinstat_census(struct pinstat_session *s, void *data)
{
	struct pinstat_census_args *args = data;
	struct pinstat_census_record __user *out = u64_to_user_ptr(args->records);
	struct pinstat_census_scan sc;
	unsigned long budget = PINSTAT_CENSUS_PFNS;
	u32 written = 0;
	int ret;

	ret = pinstat_census_args_scan(args, &sc);
	if (ret)
		return ret;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	sc.max_recs = min(args->nr_records, PINSTAT_CENSUS_RECORDS);
	sc.recs = kmalloc_array(sc.max_recs, sizeof(*sc.recs), GFP_KERNEL);
	if (!sc.recs)
		return -ENOMEM;
	while (sc.pfn < sc.end && sc.scanned < budget &&
	       written < args->nr_records) {
		sc.max_recs = min(args->nr_records - written,
				  PINSTAT_CENSUS_RECORDS);
		ret = pinstat_census_next(&sc, budget - sc.scanned);
		if (ret)
			goto free_recs;
		if (copy_to_user(out + written, sc.recs,
				 sc.nr_recs * sizeof(*sc.recs))) {
			ret = -EFAULT;
			goto free_recs;
		}
		written += sc.nr_recs;
	}
	args->nr_records = written;
	args->cursor = sc.pfn < sc.end ? sc.pfn : 0;
	args->nr_scanned = sc.scanned;

free_recs:
	kfree(sc.recs);
	return ret;
}

/**
 * pinstat_census_totals() - a census of all RAM, summed
 * @t: filled
 *
 * Return: 0, -ENOMEM or -EINTR.
 */
int pinstat_census_totals(struct pinstat_census_totals *t)
{
	struct pinstat_census_scan sc = { .max_recs = PINSTAT_CENSUS_RECORDS };
	const struct pinstat_census_record *rec;
	u64 t0 = ktime_get_ns();
	int ret = 0;
	u32 i;

	memset(t, 0, sizeof(*t));
	sc.recs = kmalloc_array(sc.max_recs, sizeof(*sc.recs), GFP_KERNEL);
	if (!sc.recs)
		return -ENOMEM;
	pinstat_census_begin_all(&sc);
	while (sc.pfn < sc.end) {
		/* Own pins are not part of the totals: no registry lock. */
		sc.nr_recs = 0;
		pinstat_census_fill(&sc, PINSTAT_CENSUS_PFNS);
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto free_recs;
		}
		for (i = 0; i < sc.nr_recs; i++) {
			rec = &sc.recs[i];
			t->folios++;
			if (rec->flags & PINSTAT_CENSUS_UNEXPLAINED &&
			    !(rec->flags & PINSTAT_CENSUS_PINNED))
				t->unexplained_folios++;
			if (!(rec->flags & PINSTAT_CENSUS_PINNED))
				continue;
			t->pinned_folios++;
			t->pins += rec->folio.pincount;
			if (rec->flags & PINSTAT_CENSUS_UNMAPPED)
				t->pins_unmapped += rec->folio.pincount;
			if (rec->zone == PINSTAT_ZONE_MOVABLE)
				t->pins_movable += rec->folio.pincount;
		}
	}
	t->scanned = sc.scanned;
	t->ns = ktime_get_ns() - t0;

free_recs:
	kfree(sc.recs);
	return ret;
}
