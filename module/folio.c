// SPDX-License-Identifier: GPL-2.0
/*
 * Describe a run of pinned pages: what kind of folio holds them and what its
 * counters say.  Only large folios have an exact pin count; a small folio's
 * pins are folded into its refcount in units of GUP_PIN_COUNTING_BIAS.
 */

#include <linux/mm.h>
#include <linux/string.h>

#include "pinstat_compat.h"
#include "pinstat_internal.h"

static const char *const pinstat_kind_names[] = {
	[PINSTAT_KIND_OTHER] = "other",
	[PINSTAT_KIND_ANON] = "anon",
	[PINSTAT_KIND_ANON_THP] = "anon_thp",
	[PINSTAT_KIND_HUGETLB] = "hugetlb",
	[PINSTAT_KIND_SHMEM] = "shmem",
	[PINSTAT_KIND_PAGECACHE] = "pagecache",
	[PINSTAT_KIND_ZERO] = "zero",
};

/**
 * pinstat_kind_name() - name of an enum pinstat_folio_kind value
 * @kind: the kind
 *
 * Return: a short lower-case name, "other" for an unknown value.
 */
const char *pinstat_kind_name(u32 kind)
{
	if (kind >= ARRAY_SIZE(pinstat_kind_names))
		kind = PINSTAT_KIND_OTHER;
	return pinstat_kind_names[kind];
}

static u32 pinstat_folio_kind(struct folio *folio)
{
	if (is_zero_folio(folio))
		return PINSTAT_KIND_ZERO;
	if (folio_test_hugetlb(folio))
		return PINSTAT_KIND_HUGETLB;
	if (folio_test_anon(folio))
		return folio_test_large(folio) ? PINSTAT_KIND_ANON_THP :
						 PINSTAT_KIND_ANON;
	/* shmem_mapping() is not exported on 6.1; shmem is swap-backed. */
	if (folio_test_swapbacked(folio))
		return PINSTAT_KIND_SHMEM;
	if (READ_ONCE(folio->mapping))
		return PINSTAT_KIND_PAGECACHE;
	return PINSTAT_KIND_OTHER;
}

/*
 * How many more pins of the same pages the folio can take before a pin
 * would take its refcount beyond @limit: a pin adds GUP_PIN_COUNTING_BIAS
 * to a small folio and one per page to a large one.
 */
static u32 pinstat_run_headroom(const struct pinstat_run *run, int refcount,
				unsigned int limit)
{
	struct folio *folio = page_folio(run->page);
	unsigned long per_pin = folio_test_large(folio) ? run->nr_pages :
							  GUP_PIN_COUNTING_BIAS;

	if (refcount < 0 || (unsigned int)refcount >= limit)
		return 0;
	return (limit - refcount) / per_pin;
}

/**
 * pinstat_describe_run() - fill a folio record for a run of pinned pages
 * @run: the run; its pages are pinned, so the folio cannot go away or split
 * @rec: the record to fill
 */
void pinstat_describe_run(const struct pinstat_run *run,
			  struct pinstat_folio_record *rec)
{
	struct folio *folio = page_folio(run->page);
	int refcount = folio_ref_count(folio);

	memset(rec, 0, sizeof(*rec));
	rec->addr = run->addr;
	rec->pfn = folio_pfn(folio);
	rec->first_page = folio_page_idx(folio, run->page);
	rec->nr_pages = run->nr_pages;
	rec->order = folio_order(folio);
	rec->kind = pinstat_folio_kind(folio);
	rec->refcount = refcount;
	if (folio_test_large(folio)) {
		rec->pincount = pinstat_folio_pincount(folio);
		rec->flags |= PINSTAT_FOLIO_EXACT;
	} else {
		rec->pincount = refcount / GUP_PIN_COUNTING_BIAS;
	}
	if (folio_maybe_dma_pinned(folio))
		rec->flags |= PINSTAT_FOLIO_MAYBE_DMA_PINNED;
	rec->mapcount = pinstat_folio_mapcount(folio);
	rec->flags |= PINSTAT_FOLIO_MAPCOUNT_VALID;
	rec->pin_headroom = pinstat_run_headroom(run, refcount,
						 READ_ONCE(pinstat_refcount_limit));
}

/**
 * pinstat_pin_within_refcount_limit() - check a new pin's folios
 * @pin: a pin just taken
 * @limit: highest refcount a folio may have
 *
 * Return: true when no folio of @pin has a refcount above @limit.
 */
bool pinstat_pin_within_refcount_limit(const struct pinstat_pin *pin,
				       unsigned int limit)
{
	struct pinstat_run_cursor cur = {};
	struct pinstat_run run;

	while (pinstat_pin_next_run(pin, &cur, &run))
		if ((unsigned int)folio_ref_count(page_folio(run.page)) > limit)
			return false;
	return true;
}
