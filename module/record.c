// SPDX-License-Identifier: GPL-2.0
/*
 * The one builder of struct pinstat_folio_record, for REPORT, INSPECT and
 * debugfs alike: what kind of folio holds a run of pages, what its counters
 * say, how many more pins it can take, and whose its pins are.  Only large
 * folios have an exact pin count; a small folio's pins are folded into its
 * refcount in units of GUP_PIN_COUNTING_BIAS.
 *
 * Two steps, so that the folio is read where it is safe to (under the
 * session's lock, or the target's mmap lock for INSPECT) and the own pins
 * are looked up where the registry's lock may be taken.
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
 * pinstat_record_describe() - fill a record from a run's folio
 * @run: the run; its pages are pinned or referenced, so the folio cannot
 *	go away or split
 * @held: references the caller took only to look (not counted)
 * @rec: the record to fill; its own and foreign pins are zero until
 *	pinstat_records_set_owners()
 */
void pinstat_record_describe(const struct pinstat_run *run, unsigned int held,
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

/* Can @rec's folio hold pins of pinstat's?  Else no need to look. */
static bool pinstat_record_may_be_own(const struct pinstat_folio_record *rec)
{
	return !(rec->flags & PINSTAT_FOLIO_NOT_PRESENT) && rec->pincount &&
	       rec->kind != PINSTAT_KIND_ZERO;
}

/* Split @rec's pin count into pinstat's @own and everybody else's. */
static void pinstat_record_set_owners(struct pinstat_folio_record *rec, u32 own)
{
	rec->own_pins = own;
	/* The zero page's refcount says nothing about pins. */
	if (rec->kind == PINSTAT_KIND_ZERO || rec->pincount <= own)
		rec->foreign_pins = 0;
	else
		rec->foreign_pins = min_t(u64, rec->pincount - own, U32_MAX);
}

/* Look up @rec's own pins (if @looked and its folio may have some). */
static void pinstat_record_split(struct pinstat_folio_record *rec, bool looked)
{
	if (rec->flags & PINSTAT_FOLIO_NOT_PRESENT)
		return;
	pinstat_record_set_owners(rec, looked && pinstat_record_may_be_own(rec) ?
				  pinstat_registry_own_pins(rec->pfn) : 0);
}

/**
 * pinstat_record_split_own() - split one described record's pins by owner
 * @rec: a record filled by pinstat_record_describe()
 *
 * Between pinstat_registry_own_begin() and pinstat_registry_own_end().
 */
void pinstat_record_split_own(struct pinstat_folio_record *rec)
{
	pinstat_record_split(rec, true);
}

/**
 * pinstat_records_set_owners() - split described records' pins by owner
 * @recs: records filled by pinstat_record_describe() (or NOT_PRESENT)
 * @nr: how many
 *
 * Takes the registry's own-pin lock, only if a record may need it: the
 * caller holds no mmap lock.
 *
 * Return: 0, or -ENOMEM when the registry's index cannot grow.
 */
int pinstat_records_set_owners(struct pinstat_folio_record *recs, size_t nr)
{
	bool look = false;
	size_t i;
	int ret;

	for (i = 0; i < nr && !look; i++)
		look = pinstat_record_may_be_own(&recs[i]);
	if (look) {
		ret = pinstat_registry_own_begin();
		if (ret)
			return ret;
	}
	for (i = 0; i < nr; i++)
		pinstat_record_split(&recs[i], look);
	if (look)
		pinstat_registry_own_end();
	return 0;
}

/**
 * pinstat_records_of_pin() - the whole records of a pin's next runs
 * @pin: the pin; the caller keeps it from being released
 * @cur: cursor in the pin's runs, moved past the runs described
 * @recs: filled
 * @max: records at most
 *
 * The folios' counters are read and pinstat's own pins looked up under the
 * registry's own-pin lock, which UNPIN holds while it releases pages: a
 * pin of pinstat's being released is in both counts or in neither.
 *
 * Return: the records filled (0 after the last run), or -ENOMEM when the
 * registry's index cannot grow.
 */
int pinstat_records_of_pin(const struct pinstat_pin *pin,
			   struct pinstat_run_cursor *cur,
			   struct pinstat_folio_record *recs, size_t max)
{
	struct pinstat_folio_record *rec;
	struct pinstat_run run;
	size_t n = 0;
	int ret;

	ret = pinstat_registry_own_begin();
	if (ret)
		return ret;
	while (n < max && pinstat_pin_next_run(pin, cur, &run)) {
		rec = &recs[n++];
		pinstat_record_describe(&run, 0, rec);
		pinstat_record_split(rec, true);
	}
	pinstat_registry_own_end();
	return n;
}
