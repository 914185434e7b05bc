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

static const char *const pinstat_kind_names[] = PINSTAT_KIND_NAMES;

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

/**
 * pinstat_record_set_headroom() - set a record's pin_headroom
 * @rec: a record with its refcount, pages and flags filled
 *
 * How many more pins of the record's pages the folio can take before a pin
 * would take its refcount beyond refcount_limit: a pin adds
 * GUP_PIN_COUNTING_BIAS to a small folio and one per page to a large one.
 */
void pinstat_record_set_headroom(struct pinstat_folio_record *rec)
{
	u32 limit = READ_ONCE(pinstat_refcount_limit);
	u32 per_pin = rec->flags & PINSTAT_FOLIO_EXACT ? rec->nr_pages :
							 GUP_PIN_COUNTING_BIAS;

	rec->pin_headroom = rec->refcount < limit ?
			    (limit - rec->refcount) / per_pin : 0;
}

/**
 * pinstat_describe_run() - fill a folio record for a run of pinned pages
 * @run: the run; its pages are pinned or referenced, so the folio cannot
 *	go away or split
 * @held: references the caller took only to look (not counted)
 * @rec: the record to fill
 */
void pinstat_describe_run(const struct pinstat_run *run, unsigned int held,
			  struct pinstat_folio_record *rec)
{
	struct folio *folio = page_folio(run->page);
	int refcount = folio_ref_count(folio) - held;

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
	pinstat_record_set_headroom(rec);
}

/**
 * pinstat_record_set_owners() - split a record's pin count by owner
 * @rec: a record filled by pinstat_describe_run()
 * @own: pinstat's pins on its folio (pinstat_owners_pins())
 */
void pinstat_record_set_owners(struct pinstat_folio_record *rec, u32 own)
{
	rec->own_pins = own;
	/* The zero page's refcount says nothing about pins. */
	if (rec->kind == PINSTAT_KIND_ZERO || rec->pincount <= own)
		rec->foreign_pins = 0;
	else
		rec->foreign_pins = min_t(u64, rec->pincount - own, U32_MAX);
}
