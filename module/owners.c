// SPDX-License-Identifier: GPL-2.0
/*
 * Whose pins are on a folio: pinstat's own, counted over every session's
 * pins, against the folio's pin count.  What is left over belongs to
 * someone else (io_uring fixed buffers, RDMA, VFIO, vmsplice...).
 *
 * The folios asked about are collected first, sorted, and then every run
 * of every pin is looked up among them: O(runs * log folios), no state
 * kept between queries and nothing added to the pinning path.
 */

#include <linux/bsearch.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "pinstat_internal.h"

/**
 * pinstat_owners_init() - room for the folios of one query
 * @o: the set to initialise
 * @max: folios that will be added at most
 *
 * Return: 0 or -ENOMEM.
 */
int pinstat_owners_init(struct pinstat_owners *o, size_t max)
{
	o->nr = 0;
	o->pfns = kvmalloc_array(max ?: 1, sizeof(*o->pfns), GFP_KERNEL);
	o->pins = kvmalloc_array(max ?: 1, sizeof(*o->pins), GFP_KERNEL);
	if (!o->pfns || !o->pins) {
		pinstat_owners_free(o);
		return -ENOMEM;
	}
	return 0;
}

/**
 * pinstat_owners_free() - release what pinstat_owners_init() allocated
 * @o: the set
 */
void pinstat_owners_free(struct pinstat_owners *o)
{
	kvfree(o->pfns);
	kvfree(o->pins);
	o->pfns = NULL;
	o->pins = NULL;
}

/**
 * pinstat_owners_add() - ask about one more folio
 * @o: the set
 * @pfn: pfn of the folio (of its first page)
 */
void pinstat_owners_add(struct pinstat_owners *o, unsigned long pfn)
{
	o->pfns[o->nr++] = pfn;
}

static int pinstat_cmp_pfn(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void pinstat_owners_count_pin(struct pinstat_owners *o,
				     const struct pinstat_pin *pin)
{
	struct pinstat_run_cursor cur = {};
	struct pinstat_run run;
	struct folio *folio;
	unsigned long pfn, *hit;

	while (pinstat_pin_next_run(pin, &cur, &run)) {
		folio = page_folio(run.page);
		/* The kernel takes no pin on the zero page. */
		if (is_zero_folio(folio))
			continue;
		pfn = folio_pfn(folio);
		hit = bsearch(&pfn, o->pfns, o->nr, sizeof(*o->pfns),
			      pinstat_cmp_pfn);
		if (hit)
			o->pins[hit - o->pfns] += run.nr_pages;
	}
}

/**
 * pinstat_owners_count() - count pinstat's pins on the folios added
 * @o: the set
 *
 * The caller holds pinstat_sessions_lock, so the sessions stay, and no
 * session's lock: each is taken in turn while its pins are counted.
 */
void pinstat_owners_count(struct pinstat_owners *o)
{
	struct pinstat_session *s;
	struct pinstat_pin *pin;
	unsigned long handle;
	size_t i, n = 0;

	lockdep_assert_held(&pinstat_sessions_lock);
	sort(o->pfns, o->nr, sizeof(*o->pfns), pinstat_cmp_pfn, NULL);
	for (i = 0; i < o->nr; i++)
		if (!n || o->pfns[i] != o->pfns[n - 1])
			o->pfns[n++] = o->pfns[i];
	o->nr = n;
	memset(o->pins, 0, n * sizeof(*o->pins));

	list_for_each_entry(s, &pinstat_sessions, node) {
		mutex_lock(&s->lock);
		xa_for_each(&s->pins, handle, pin)
			pinstat_owners_count_pin(o, pin);
		mutex_unlock(&s->lock);
	}
}

/**
 * pinstat_owners_pins() - pinstat's pins on a folio counted before
 * @o: the set, counted
 * @pfn: pfn of a folio added to it
 *
 * Return: the pins, in the unit of the folio's pin count.
 */
u32 pinstat_owners_pins(const struct pinstat_owners *o, unsigned long pfn)
{
	unsigned long *hit;

	hit = bsearch(&pfn, o->pfns, o->nr, sizeof(*o->pfns), pinstat_cmp_pfn);
	return hit ? o->pins[hit - o->pfns] : 0;
}
