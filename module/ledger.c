// SPDX-License-Identifier: GPL-2.0
/*
 * The ledger's book: who holds the pins on each folio.
 *
 * The probes (ledger_probe.c) write events to per-CPU rings; the drain
 * applies them here in their global order, in process context, under the
 * book lock.  A pin call becomes an entry with one hold per folio it
 * pinned; an unpin takes pins off holds of its folios, preferring, among
 * the entries older than it, one of the same process whose pages contain
 * the unpinned ones, then any whose pages do, then one of the same
 * process, then a short-term one, then the newest.
 *
 * The book drifts: pins taken before it was on, releases it cannot see,
 * events it had to drop.  So every query first reconciles each folio it
 * holds with the folio's own pin count (exact on a large folio, estimated
 * from the refcount on a small one) less pinstat's own pins: holds beyond
 * that are trimmed, oldest first, and an entry left with no pins is gone.
 * The book never names a pinner for pins the folio no longer has; pins it
 * cannot name are reported as unattributed.
 *
 * Lock order: the control lock (on/off), then the book lock, then the
 * registry's own-pin lock.
 */

#include <linux/hashtable.h>
#include <linux/irq_work.h>
#include <linux/jhash.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <kunit/visibility.h>

#include "ledger.h"
#include "pinstat_compat.h"
#include "pinstat_internal.h"

static DEFINE_MUTEX(pinstat_ledger_ctl);	/* protects pinstat_ledger_on */
static bool pinstat_ledger_on;

static DEFINE_MUTEX(pinstat_ledger_book);	/* protects everything below */
static DEFINE_XARRAY_ALLOC1(pinstat_ledger_entries);	/* id -> entry */
static u32 pinstat_ledger_next_entry;
static DEFINE_XARRAY(pinstat_ledger_folios);	/* pfn -> folio */
static DEFINE_XARRAY_ALLOC1(pinstat_ledger_stack_ids);	/* id -> stack */
static u32 pinstat_ledger_next_stack;
static DEFINE_HASHTABLE(pinstat_ledger_stacks, 10);	/* frames -> stack */
static struct pinstat_ledger_counts pinstat_ledger_book_counts;
static u64 pinstat_ledger_gen;	/* reconciliations so far */

/* Written by the probes. */
static atomic64_t pinstat_ledger_seq;
static atomic64_t pinstat_ledger_dropped_events;
static atomic64_t pinstat_ledger_dropped_pins;

static void pinstat_ledger_drain_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(pinstat_ledger_drain, pinstat_ledger_drain_work);
static void pinstat_ledger_kick_fn(struct irq_work *work);
static struct irq_work pinstat_ledger_kick_work =
	IRQ_WORK_INIT(pinstat_ledger_kick_fn);
static unsigned long pinstat_ledger_kicked;
#define PINSTAT_KICKED	0	/* a drain is due */
#define PINSTAT_URGENT	1	/* a ring is half full: drain now */

static const char * const pinstat_ledger_via_names[PINSTAT_NR_VIAS] =
	PINSTAT_VIA_NAMES;

/**
 * pinstat_ledger_via_name() - name of an entry point
 * @via: enum pinstat_ledger_via
 *
 * Return: the function's name, or "unknown".
 */
const char *pinstat_ledger_via_name(unsigned int via)
{
	return via < PINSTAT_NR_VIAS ? pinstat_ledger_via_names[via] : "unknown";
}

/**
 * pinstat_ledger_next_seq() - number an event; from the probes
 *
 * Return: the next sequence number, never 0.
 */
u64 pinstat_ledger_next_seq(void)
{
	return atomic64_inc_return(&pinstat_ledger_seq);
}

/**
 * pinstat_ledger_event_dropped() - count what the probes could not record
 * @events: events lost (a full ring)
 * @pins: pins they or a cut event would have recorded
 */
void pinstat_ledger_event_dropped(u64 events, u64 pins)
{
	if (events)
		atomic64_add(events, &pinstat_ledger_dropped_events);
	atomic64_add(pins, &pinstat_ledger_dropped_pins);
}

/**
 * pinstat_ledger_kick() - have the drain run; from the probes
 *
 * Soon (a tenth of a second) after the first event, at once when this
 * CPU's ring is half full.  Queues an irq_work, which may be done in any
 * context, the drain being a work item.
 */
void pinstat_ledger_kick(void)
{
	if (!test_and_set_bit(PINSTAT_KICKED, &pinstat_ledger_kicked) ||
	    (pinstat_ledger_rings_half_full() &&
	     !test_and_set_bit(PINSTAT_URGENT, &pinstat_ledger_kicked)))
		irq_work_queue(&pinstat_ledger_kick_work);
}

static void pinstat_ledger_kick_fn(struct irq_work *work)
{
	if (test_bit(PINSTAT_URGENT, &pinstat_ledger_kicked))
		mod_delayed_work(system_unbound_wq, &pinstat_ledger_drain, 0);
	else
		queue_delayed_work(system_unbound_wq, &pinstat_ledger_drain,
				   HZ / 10);
}

static bool pinstat_ledger_charge(size_t bytes)
{
	struct pinstat_ledger_counts *c = &pinstat_ledger_book_counts;

	if (c->bytes + bytes > READ_ONCE(pinstat_ledger_max_bytes))
		return false;
	c->bytes += bytes;
	return true;
}

static void pinstat_ledger_uncharge(size_t bytes)
{
	pinstat_ledger_book_counts.bytes -= bytes;
}

static size_t pinstat_stack_bytes(u32 nr_frames)
{
	return sizeof(struct pinstat_ledger_stack) +
	       nr_frames * sizeof(unsigned long);
}

/* The stack with these frames, kept once however many entries have it. */
static struct pinstat_ledger_stack *pinstat_stack_get(const unsigned long *frames,
						      u32 nr_frames)
{
	u32 hash = jhash(frames, nr_frames * sizeof(*frames), 0);
	struct pinstat_ledger_stack *st;
	size_t bytes = pinstat_stack_bytes(nr_frames);

	if (!nr_frames)
		return NULL;
	hash_for_each_possible(pinstat_ledger_stacks, st, node, hash) {
		if (st->hash == hash && st->nr_frames == nr_frames &&
		    !memcmp(st->frames, frames, nr_frames * sizeof(*frames))) {
			st->users++;
			return st;
		}
	}
	if (!pinstat_ledger_charge(bytes))
		return NULL;
	st = kmalloc(bytes, GFP_KERNEL_ACCOUNT);
	if (!st)
		goto uncharge;
	st->hash = hash;
	st->users = 1;
	st->nr_frames = nr_frames;
	memcpy(st->frames, frames, nr_frames * sizeof(*frames));
	if (xa_alloc_cyclic(&pinstat_ledger_stack_ids, &st->id, st,
			    xa_limit_32b, &pinstat_ledger_next_stack,
			    GFP_KERNEL_ACCOUNT) < 0)
		goto free_stack;
	hash_add(pinstat_ledger_stacks, &st->node, hash);
	pinstat_ledger_book_counts.stacks++;
	return st;

free_stack:
	kfree(st);
uncharge:
	pinstat_ledger_uncharge(bytes);
	return NULL;
}

static void pinstat_stack_put(struct pinstat_ledger_stack *st)
{
	if (!st || --st->users)
		return;
	hash_del(&st->node);
	xa_erase(&pinstat_ledger_stack_ids, st->id);
	pinstat_ledger_uncharge(pinstat_stack_bytes(st->nr_frames));
	pinstat_ledger_book_counts.stacks--;
	kfree(st);
}

static void pinstat_entry_free(struct pinstat_ledger_entry *e)
{
	xa_erase(&pinstat_ledger_entries, e->id);
	pinstat_stack_put(e->stack);
	pinstat_ledger_uncharge(sizeof(*e));
	pinstat_ledger_book_counts.entries--;
	kfree(e);
}

static void pinstat_folio_free(struct pinstat_ledger_folio *lf)
{
	xa_erase(&pinstat_ledger_folios, lf->pfn);
	pinstat_ledger_uncharge(sizeof(*lf));
	pinstat_ledger_book_counts.folios--;
	kfree(lf);
}

/*
 * Take @pins pins off @h; when the unpinned pages are known and at an end
 * of the hold, they leave its page range.  Frees the hold and its entry
 * when they hold nothing more, never the folio (the caller may be walking
 * its holds).
 */
static void pinstat_hold_release(struct pinstat_ledger_hold *h, u32 pins,
				 const struct pinstat_ledger_run *r)
{
	struct pinstat_ledger_entry *e = h->entry;
	u32 pages = 0;

	h->pins -= pins;
	h->folio->pins -= pins;
	e->nr_pins -= pins;
	pinstat_ledger_book_counts.pins -= pins;
	if (r && r->first_page != PINSTAT_LEDGER_PAGE_UNKNOWN &&
	    r->nr_pages <= h->nr_pages) {
		if (r->first_page == h->first_page) {
			h->first_page += r->nr_pages;
			pages = r->nr_pages;
		} else if (r->first_page + r->nr_pages ==
			   h->first_page + h->nr_pages) {
			pages = r->nr_pages;
		}
		h->nr_pages -= pages;
		e->nr_pages -= pages;
	}
	if (h->pins)
		return;
	e->nr_pages -= h->nr_pages;
	e->nr_folios--;
	list_del(&h->entry_node);
	list_del(&h->folio_node);
	pinstat_ledger_uncharge(sizeof(*h));
	kfree(h);
	if (!e->nr_pins)
		pinstat_entry_free(e);
}

/*
 * Trim @pins pins off @lf's holds of entries numbered up to @seq, oldest
 * first; free @lf if left empty.
 */
static void pinstat_folio_trim(struct pinstat_ledger_folio *lf, u64 pins,
			       u64 seq)
{
	struct pinstat_ledger_hold *h, *next;
	u32 take;

	list_for_each_entry_safe(h, next, &lf->holds, folio_node) {
		if (!pins)
			break;
		if (h->entry->seq > seq)
			continue;
		take = min_t(u64, pins, h->pins);
		pinstat_ledger_book_counts.trimmed_pins += take;
		pins -= take;
		pinstat_hold_release(h, take, NULL);
	}
	if (list_empty(&lf->holds))
		pinstat_folio_free(lf);
}

/* The book's folio for a run, made if new; NULL when it cannot be. */
static struct pinstat_ledger_folio *pinstat_folio_of_run(const struct pinstat_ledger_run *r)
{
	struct pinstat_ledger_folio *lf = xa_load(&pinstat_ledger_folios, r->pfn);

	if (lf && lf->order != r->order) {
		/* A folio with pins is never freed: those holds are stale. */
		pinstat_folio_trim(lf, lf->pins, U64_MAX);
		lf = NULL;
	}
	if (lf)
		return lf;
	if (!pinstat_ledger_charge(sizeof(*lf)))
		return NULL;
	lf = kzalloc(sizeof(*lf), GFP_KERNEL_ACCOUNT);
	if (!lf)
		goto uncharge;
	INIT_LIST_HEAD(&lf->holds);
	lf->pfn = r->pfn;
	lf->order = r->order;
	if (xa_err(xa_store(&pinstat_ledger_folios, r->pfn, lf,
			    GFP_KERNEL_ACCOUNT)))
		goto free_folio;
	pinstat_ledger_book_counts.folios++;
	return lf;

free_folio:
	kfree(lf);
uncharge:
	pinstat_ledger_uncharge(sizeof(*lf));
	return NULL;
}

static bool pinstat_hold_add(struct pinstat_ledger_entry *e,
			     const struct pinstat_ledger_run *r)
{
	struct pinstat_ledger_folio *lf = pinstat_folio_of_run(r);
	struct pinstat_ledger_hold *h;

	if (!lf)
		return false;
	if (!pinstat_ledger_charge(sizeof(*h)))
		goto free_folio;
	h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);
	if (!h)
		goto uncharge;
	h->entry = e;
	h->folio = lf;
	h->first_page = r->first_page == PINSTAT_LEDGER_PAGE_UNKNOWN ?
			0 : r->first_page;
	h->nr_pages = r->nr_pages;
	h->pins = r->pins;
	list_add_tail(&h->entry_node, &e->holds);
	list_add_tail(&h->folio_node, &lf->holds);
	lf->pins += r->pins;
	e->nr_pins += r->pins;
	e->nr_pages += r->nr_pages;
	e->nr_folios++;
	pinstat_ledger_book_counts.pins += r->pins;
	return true;

uncharge:
	pinstat_ledger_uncharge(sizeof(*h));
free_folio:
	if (list_empty(&lf->holds))
		pinstat_folio_free(lf);
	return false;
}

static void pinstat_ledger_apply_pin(struct pinstat_ledger_event *ev)
{
	struct pinstat_ledger_run *runs = pinstat_ledger_event_runs(ev);
	struct pinstat_ledger_counts *c = &pinstat_ledger_book_counts;
	struct pinstat_ledger_entry *e;
	u64 lost = 0;
	u32 i;

	for (i = 0; i < ev->nr_runs; i++)
		lost += runs[i].pins;
	if (!pinstat_ledger_charge(sizeof(*e)))
		goto dropped;
	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		goto uncharge;
	if (xa_alloc_cyclic(&pinstat_ledger_entries, &e->id, e, xa_limit_32b,
			    &pinstat_ledger_next_entry, GFP_KERNEL_ACCOUNT) < 0)
		goto free_entry;
	c->entries++;
	INIT_LIST_HEAD(&e->holds);
	e->seq = ev->seq;
	e->t_ns = ev->t_ns;
	e->tgid = ev->tgid;
	e->pid = ev->pid;
	e->flags = ev->flags;
	e->via = ev->via;
	memcpy(e->comm, ev->comm, sizeof(e->comm));
	e->stack = pinstat_stack_get(ev->frames, ev->nr_frames);
	for (i = 0; i < ev->nr_runs; i++) {
		if (pinstat_hold_add(e, &runs[i]))
			lost -= runs[i].pins;
		else
			e->flags |= PINSTAT_LEDGER_TRUNCATED;
	}
	c->dropped_pins += lost;
	if (!e->nr_pins)
		pinstat_entry_free(e);
	return;

free_entry:
	kfree(e);
uncharge:
	pinstat_ledger_uncharge(sizeof(*e));
dropped:
	c->dropped_pins += lost;
}

/* Does @h hold the pages @r unpins? */
static bool pinstat_hold_covers(const struct pinstat_ledger_hold *h,
				const struct pinstat_ledger_run *r)
{
	return r->first_page != PINSTAT_LEDGER_PAGE_UNKNOWN &&
	       r->first_page >= h->first_page &&
	       r->first_page + r->nr_pages <= h->first_page + h->nr_pages;
}

/* Preference rounds of an unpin among the holds of its folio. */
#define PINSTAT_UNPIN_ROUNDS	5

/* Should @h give up pins to unpin @r of @ev, in preference round @round? */
static bool pinstat_hold_prefers(const struct pinstat_ledger_hold *h,
				 const struct pinstat_ledger_event *ev,
				 const struct pinstat_ledger_run *r,
				 unsigned int round)
{
	bool same_process = ev->tgid && h->entry->tgid == ev->tgid;

	if (h->entry->seq > ev->seq)
		return false;
	switch (round) {
	case 0:
		return same_process && pinstat_hold_covers(h, r);
	case 1:
		return pinstat_hold_covers(h, r);
	case 2:
		return same_process;
	case 3:
		return !(h->entry->flags & PINSTAT_LEDGER_LONGTERM);
	default:
		return true;
	}
}

static void pinstat_ledger_apply_unpin(struct pinstat_ledger_event *ev)
{
	struct pinstat_ledger_run *runs = pinstat_ledger_event_runs(ev);
	struct pinstat_ledger_hold *h, *prev;
	struct pinstat_ledger_folio *lf;
	unsigned int round;
	u32 i, need, take;

	for (i = 0; i < ev->nr_runs; i++) {
		need = runs[i].pins;
		lf = xa_load(&pinstat_ledger_folios, runs[i].pfn);
		if (lf && lf->order != runs[i].order)
			lf = NULL;
		for (round = 0; lf && need && round < PINSTAT_UNPIN_ROUNDS;
		     round++) {
			list_for_each_entry_safe_reverse(h, prev, &lf->holds,
							 folio_node) {
				if (!pinstat_hold_prefers(h, ev, &runs[i], round))
					continue;
				take = min(need, h->pins);
				need -= take;
				pinstat_hold_release(h, take, &runs[i]);
				if (!need)
					break;
			}
		}
		if (lf && list_empty(&lf->holds))
			pinstat_folio_free(lf);
		pinstat_ledger_book_counts.unmatched_pins += need;
	}
}

/**
 * pinstat_ledger_apply() - apply one event to the book
 * @ev: a pin or unpin event
 *
 * Called by the drain, in the order of the events, the book lock held;
 * also by the KUnit suite.
 */
void pinstat_ledger_apply(struct pinstat_ledger_event *ev)
{
	struct pinstat_ledger_counts *c = &pinstat_ledger_book_counts;

	lockdep_assert_held(&pinstat_ledger_book);
	c->events++;
	if (ev->kind == PINSTAT_EVENT_PIN) {
		c->pin_calls++;
		pinstat_ledger_apply_pin(ev);
	} else {
		c->unpin_calls++;
		pinstat_ledger_apply_unpin(ev);
	}
}
EXPORT_SYMBOL_IF_KUNIT(pinstat_ledger_apply);

/* Apply the events numbered up to @up_to, the book lock held. */
static void pinstat_ledger_drain_to(u64 up_to)
{
	lockdep_assert_held(&pinstat_ledger_book);
	if (pinstat_ledger_on)
		pinstat_ledger_rings_drain(up_to, pinstat_ledger_apply);
}

/* The number of the newest event; the rings are read after it. */
static u64 pinstat_ledger_seq_now(void)
{
	u64 seq = atomic64_read(&pinstat_ledger_seq);

	/* See pinstat_ledger_rings_drain(). */
	smp_mb();
	return seq;
}

static void pinstat_ledger_drain_work(struct work_struct *work)
{
	clear_bit(PINSTAT_URGENT, &pinstat_ledger_kicked);
	clear_bit(PINSTAT_KICKED, &pinstat_ledger_kicked);
	mutex_lock(&pinstat_ledger_book);
	pinstat_ledger_drain_to(pinstat_ledger_seq_now());
	mutex_unlock(&pinstat_ledger_book);
}

/**
 * pinstat_ledger_foreign_pins() - a folio's pins that are not pinstat's
 * @folio: the folio, its pins keeping it (or a racy read of a folio
 *	being freed, which then reads as unpinned)
 *
 * Between pinstat_registry_own_begin() and pinstat_registry_own_end().
 *
 * Return: the pins, exact on a large folio, refcount / 1024 on a small one.
 */
u32 pinstat_ledger_foreign_pins(struct folio *folio)
{
	unsigned long pins, own;

	if (folio_test_large(folio))
		pins = pinstat_folio_pincount(folio);
	else
		pins = folio_ref_count(folio) / GUP_PIN_COUNTING_BIAS;
	own = pinstat_registry_own_pins(folio_pfn(folio));
	return pins > own ? min_t(unsigned long, pins - own, U32_MAX) : 0;
}

/**
 * pinstat_ledger_folio_at() - the folio a pfn is in
 * @pfn: any pfn of it
 *
 * Return: the folio (no reference taken), or NULL when @pfn is not
 * memory.  Device memory (fsdax, P2PDMA) is not online, yet pinned.
 */
struct folio *pinstat_ledger_folio_at(unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	if (!page && pfn_valid(pfn) && is_zone_device_page(pfn_to_page(pfn)))
		page = pfn_to_page(pfn);
	return page ? page_folio(page) : NULL;
}

/*
 * Read the pins of @lf's folio that are not pinstat's own into
 * @lf->foreign, the own-pin lock held.  False when the folio is no longer
 * the one the holds are on: then they are all trimmed.
 */
static bool pinstat_folio_count(struct pinstat_ledger_folio *lf, u64 gen)
{
	struct folio *folio = pinstat_ledger_folio_at(lf->pfn);

	/*
	 * No reference is taken: a folio with pins is neither freed nor
	 * split, so a folio that changed under this read has lost them.
	 */
	if (!folio || folio_pfn(folio) != lf->pfn ||
	    folio_order(folio) != lf->order) {
		pinstat_folio_trim(lf, lf->pins, U64_MAX);
		return false;
	}
	lf->foreign = pinstat_ledger_foreign_pins(folio);
	lf->counted = gen;
	return true;
}

/* Trim what holds older than @seq claim beyond @lf's counted pins. */
static void pinstat_folio_reconcile(struct pinstat_ledger_folio *lf, u64 seq)
{
	struct pinstat_ledger_hold *h;
	u64 held = 0;

	list_for_each_entry(h, &lf->holds, folio_node)
		if (h->entry->seq <= seq)
			held += h->pins;
	if (held > lf->foreign)
		pinstat_folio_trim(lf, held - lf->foreign, seq);
}

/**
 * pinstat_ledger_lock_reconciled() - lock the book for a query
 *
 * Applies the events in the rings, then reconciles every folio of the
 * book with its pin count.  Unlock with pinstat_ledger_unlock().
 *
 * The counts are read between two event numbers, S0 and S1, and the
 * events up to S1 applied before they are compared: an unpin takes its
 * number before it releases, so every release a count missed is applied
 * by then, and only holds of pins taken before S0 (which every count
 * includes) are held against it.
 *
 * Return: 0, or -ENOMEM when pinstat's own pins cannot be counted (the
 * book is not locked then).
 */
int pinstat_ledger_lock_reconciled(void)
{
	struct pinstat_ledger_folio *lf;
	unsigned long pfn;
	u64 gen, seq;
	int ret;

	mutex_lock(&pinstat_ledger_book);
	pinstat_ledger_drain_to(pinstat_ledger_seq_now());
	ret = pinstat_registry_own_begin();
	if (ret) {
		mutex_unlock(&pinstat_ledger_book);
		return ret;
	}
	gen = ++pinstat_ledger_gen;
	seq = pinstat_ledger_seq_now();
	xa_for_each(&pinstat_ledger_folios, pfn, lf)
		pinstat_folio_count(lf, gen);
	smp_mb();	/* the counts are read before the next number */
	pinstat_ledger_drain_to(pinstat_ledger_seq_now());
	xa_for_each(&pinstat_ledger_folios, pfn, lf) {
		/* New in the last drain: counted for its lines, not held to it. */
		if (lf->counted != gen)
			pinstat_folio_count(lf, gen);
		else
			pinstat_folio_reconcile(lf, seq);
	}
	pinstat_registry_own_end();
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pinstat_ledger_lock_reconciled);

/**
 * pinstat_ledger_lock() - lock the book as it is, to go on with a query
 */
void pinstat_ledger_lock(void)
{
	mutex_lock(&pinstat_ledger_book);
}

/**
 * pinstat_ledger_unlock() - end a query
 */
void pinstat_ledger_unlock(void)
{
	mutex_unlock(&pinstat_ledger_book);
}
EXPORT_SYMBOL_IF_KUNIT(pinstat_ledger_unlock);

/**
 * pinstat_ledger_entry_from() - the first entry at or after an id
 * @id: the id to start at; set to the entry's
 *
 * The book locked.  Return: the entry, or NULL after the last.
 */
struct pinstat_ledger_entry *pinstat_ledger_entry_from(unsigned long *id)
{
	lockdep_assert_held(&pinstat_ledger_book);
	return xa_find(&pinstat_ledger_entries, id, U32_MAX, XA_PRESENT);
}
EXPORT_SYMBOL_IF_KUNIT(pinstat_ledger_entry_from);

/**
 * pinstat_ledger_folio_from() - the first folio with holds from a pfn on
 * @pfn: the pfn to start at; set to the folio's
 *
 * The book locked.  Return: the folio, or NULL after the last.
 */
struct pinstat_ledger_folio *pinstat_ledger_folio_from(unsigned long *pfn)
{
	lockdep_assert_held(&pinstat_ledger_book);
	return xa_find(&pinstat_ledger_folios, pfn, ULONG_MAX, XA_PRESENT);
}
EXPORT_SYMBOL_IF_KUNIT(pinstat_ledger_folio_from);

/**
 * pinstat_ledger_folio_of() - the book's folio at a pfn
 * @pfn: the folio's first pfn
 *
 * The book locked.  Return: the folio, or NULL when the book has no hold
 * on it.
 */
struct pinstat_ledger_folio *pinstat_ledger_folio_of(unsigned long pfn)
{
	lockdep_assert_held(&pinstat_ledger_book);
	return xa_load(&pinstat_ledger_folios, pfn);
}

/**
 * pinstat_ledger_stack_from() - the first stack at or after an id
 * @id: the id to start at; set to the stack's
 *
 * The book locked.  Return: the stack, or NULL after the last.
 */
struct pinstat_ledger_stack *pinstat_ledger_stack_from(unsigned long *id)
{
	lockdep_assert_held(&pinstat_ledger_book);
	return xa_find(&pinstat_ledger_stack_ids, id, U32_MAX, XA_PRESENT);
}

/* Forget everything the book holds; the book lock held. */
static void pinstat_ledger_forget(void)
{
	struct pinstat_ledger_folio *lf;
	unsigned long pfn;

	xa_for_each(&pinstat_ledger_folios, pfn, lf)
		pinstat_folio_trim(lf, lf->pins, U64_MAX);
	/* What was trimmed here was not released by a hidden path. */
	pinstat_ledger_book_counts = (struct pinstat_ledger_counts){};
}

/**
 * pinstat_ledger_counts() - the ledger's counters
 * @c: filled in
 *
 * The book locked.
 */
void pinstat_ledger_counts(struct pinstat_ledger_counts *c)
{
	lockdep_assert_held(&pinstat_ledger_book);
	*c = pinstat_ledger_book_counts;
	c->dropped_events = atomic64_read(&pinstat_ledger_dropped_events);
	c->dropped_pins += atomic64_read(&pinstat_ledger_dropped_pins);
	c->probe_missed = pinstat_ledger_probes_missed();
	pinstat_ledger_stack_counts(&c->stack_unwinds, &c->stack_reuses);
}

/**
 * pinstat_ledger_enabled() - is the ledger recording?
 *
 * Return: true while the probes are registered.
 */
bool pinstat_ledger_enabled(void)
{
	return READ_ONCE(pinstat_ledger_on);
}

/**
 * pinstat_ledger_enable() - start recording pin calls
 *
 * Return: 0 (also when already on), -ENOMEM, -EOPNOTSUPP on a kernel
 * without kretprobes, or the errno of a probe that could not be
 * registered.
 */
int pinstat_ledger_enable(void)
{
	int ret = 0;

	mutex_lock(&pinstat_ledger_ctl);
	if (pinstat_ledger_on)
		goto unlock;
	if (!IS_ENABLED(CONFIG_KRETPROBE_ON_RETHOOK)) {
		ret = -EOPNOTSUPP;
		goto unlock;
	}
	ret = pinstat_ledger_rings_alloc(READ_ONCE(pinstat_ledger_ring_bytes));
	if (ret)
		goto unlock;
	atomic64_set(&pinstat_ledger_dropped_events, 0);
	atomic64_set(&pinstat_ledger_dropped_pins, 0);
	pinstat_ledger_kicked = 0;
	/* Before the probes: their events are drained from now on. */
	WRITE_ONCE(pinstat_ledger_on, true);
	ret = pinstat_ledger_probes_register();
	if (ret)
		goto free_rings;
	mutex_unlock(&pinstat_ledger_ctl);
	return 0;

free_rings:
	/* The probes registered before the failure may have recorded. */
	irq_work_sync(&pinstat_ledger_kick_work);
	cancel_delayed_work_sync(&pinstat_ledger_drain);
	mutex_lock(&pinstat_ledger_book);
	WRITE_ONCE(pinstat_ledger_on, false);
	pinstat_ledger_forget();
	pinstat_ledger_rings_free();
	mutex_unlock(&pinstat_ledger_book);
unlock:
	mutex_unlock(&pinstat_ledger_ctl);
	return ret;
}

/**
 * pinstat_ledger_disable() - stop recording and forget the book
 *
 * Nothing would see the releases from now on, so nothing is kept.
 */
void pinstat_ledger_disable(void)
{
	mutex_lock(&pinstat_ledger_ctl);
	if (!pinstat_ledger_on)
		goto unlock;
	pinstat_ledger_probes_unregister();
	irq_work_sync(&pinstat_ledger_kick_work);
	cancel_delayed_work_sync(&pinstat_ledger_drain);
	mutex_lock(&pinstat_ledger_book);
	WRITE_ONCE(pinstat_ledger_on, false);
	pinstat_ledger_forget();
	pinstat_ledger_rings_free();
	mutex_unlock(&pinstat_ledger_book);
unlock:
	mutex_unlock(&pinstat_ledger_ctl);
}

/**
 * pinstat_ledger_init() - turn the ledger on if asked at load
 *
 * Return: 0; a ledger that cannot be turned on is only reported.
 */
int pinstat_ledger_init(void)
{
	int ret;

	if (!pinstat_ledger_at_load)
		return 0;
	ret = pinstat_ledger_enable();
	if (ret)
		pr_warn("ledger=1: cannot turn the ledger on: %d\n", ret);
	return 0;
}

/**
 * pinstat_ledger_exit() - turn the ledger off at unload
 */
void pinstat_ledger_exit(void)
{
	pinstat_ledger_disable();
	WARN_ON(!xa_empty(&pinstat_ledger_entries) ||
		!xa_empty(&pinstat_ledger_folios) ||
		!xa_empty(&pinstat_ledger_stack_ids));
}

/**
 * pinstat_ledger_show_summary() - the ledger's lines of debugfs summary
 * @m: the summary file
 */
void pinstat_ledger_show_summary(struct seq_file *m)
{
	struct pinstat_ledger_counts c;

	/* Off, the book is empty: nothing to reconcile. */
	if (!pinstat_ledger_enabled())
		pinstat_ledger_lock();
	else if (pinstat_ledger_lock_reconciled())
		return;
	pinstat_ledger_counts(&c);
	pinstat_ledger_unlock();
	seq_printf(m, "ledger=%d\n", pinstat_ledger_enabled());
	seq_printf(m, "ledger_entries=%llu\nledger_folios=%llu\nledger_pins=%llu\n",
		   c.entries, c.folios, c.pins);
	seq_printf(m, "ledger_stacks=%llu\nledger_bytes=%llu\n",
		   c.stacks, c.bytes);
	seq_printf(m, "ledger_events=%llu\nledger_pin_calls=%llu\nledger_unpin_calls=%llu\n",
		   c.events, c.pin_calls, c.unpin_calls);
	seq_printf(m, "ledger_dropped_events=%llu\nledger_dropped_pins=%llu\n",
		   c.dropped_events, c.dropped_pins);
	seq_printf(m, "ledger_probe_missed=%llu\nledger_unmatched_pins=%llu\nledger_trimmed_pins=%llu\n",
		   c.probe_missed, c.unmatched_pins, c.trimmed_pins);
	seq_printf(m, "ledger_stack_unwinds=%llu\nledger_stack_reuses=%llu\n",
		   c.stack_unwinds, c.stack_reuses);
}
