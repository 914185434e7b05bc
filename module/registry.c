// SPDX-License-Identifier: GPL-2.0
/*
 * The registry: every open session, and how many of a folio's pins are
 * pinstat's own.  No other file takes these locks or walks this list.
 *
 * Lock order: pinstat_sessions_lock, then one session's lock (never two),
 * then pinstat_own_lock.  A session's lock is also taken alone by its
 * file's ioctls; pinstat_own_lock alone by PIN, UNPIN, close and record
 * building.  UNPIN and close release a pin's pages with pinstat_own_lock
 * held (folio locks nest inside it), so that a record built under it
 * counts a pin being released in both its counts or in neither.
 * None of them is held across a copy to or from user memory, and none is
 * taken inside an mmap lock.
 *
 * The own-pin index maps a folio's pfn to the pins pinstat holds on it, in
 * the unit of the folio's pin count (pages on a large folio, pins on a
 * small one).  Pinning does not touch it: a new pin joins the list of
 * unindexed pins, and the first query after that adds its runs.  So PIN
 * costs nothing more, a pin nobody asks about is never indexed, and a
 * query costs a lookup per folio, however much pinstat holds.  UNPIN
 * takes the runs of an indexed pin out again.
 */

#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/xarray.h>

#include "pinstat_internal.h"

static LIST_HEAD(pinstat_sessions);
/* Protects pinstat_sessions and pinstat_next_session_id. */
static DEFINE_MUTEX(pinstat_sessions_lock);
static u64 pinstat_next_session_id;

/* Protects pinstat_own and pinstat_unindexed, and pins' @unindexed. */
static DEFINE_MUTEX(pinstat_own_lock);
static DEFINE_XARRAY(pinstat_own);
static LIST_HEAD(pinstat_unindexed);

/**
 * pinstat_registry_add() - list a new session and give it its id
 * @s: the session
 */
void pinstat_registry_add(struct pinstat_session *s)
{
	mutex_lock(&pinstat_sessions_lock);
	s->id = ++pinstat_next_session_id;
	list_add_tail(&s->node, &pinstat_sessions);
	mutex_unlock(&pinstat_sessions_lock);
}

/**
 * pinstat_registry_remove() - unlist a session
 * @s: the session; once this returns no iterator can reach it
 */
void pinstat_registry_remove(struct pinstat_session *s)
{
	mutex_lock(&pinstat_sessions_lock);
	list_del(&s->node);
	mutex_unlock(&pinstat_sessions_lock);
}

/**
 * pinstat_registry_lock() - keep the listed sessions from going away
 *
 * For walks that stop and resume (debugfs) with
 * pinstat_registry_lock_session_from().
 */
void pinstat_registry_lock(void)
{
	mutex_lock(&pinstat_sessions_lock);
}

/**
 * pinstat_registry_unlock() - undo pinstat_registry_lock()
 */
void pinstat_registry_unlock(void)
{
	mutex_unlock(&pinstat_sessions_lock);
}

/**
 * pinstat_registry_lock_session_from() - lock the first session from an id
 * @id: the lowest session id wanted
 *
 * The caller holds pinstat_registry_lock() and no session's lock.
 *
 * Return: the listed session of the lowest id at or above @id, its lock
 * held (pinstat_registry_unlock_session()), or NULL if there is none.
 */
struct pinstat_session *pinstat_registry_lock_session_from(u64 id)
{
	struct pinstat_session *s;

	lockdep_assert_held(&pinstat_sessions_lock);
	/* The list is in id order: ids increase and sessions are appended. */
	list_for_each_entry(s, &pinstat_sessions, node) {
		if (s->id >= id) {
			mutex_lock(&s->lock);
			return s;
		}
	}
	return NULL;
}

/**
 * pinstat_registry_unlock_session() - unlock a session locked above
 * @s: the session
 */
void pinstat_registry_unlock_session(struct pinstat_session *s)
{
	mutex_unlock(&s->lock);
}

/**
 * pinstat_registry_visit_pins() - call a function on every live pin
 * @fn: called with the pin's session locked; must not sleep long
 * @arg: passed to @fn
 */
void pinstat_registry_visit_pins(void (*fn)(const struct pinstat_pin *pin, void *arg),
				 void *arg)
{
	struct pinstat_session *s;
	struct pinstat_pin *pin;
	unsigned long handle;

	mutex_lock(&pinstat_sessions_lock);
	list_for_each_entry(s, &pinstat_sessions, node) {
		mutex_lock(&s->lock);
		xa_for_each(&s->pins, handle, pin)
			fn(pin, arg);
		mutex_unlock(&s->lock);
	}
	mutex_unlock(&pinstat_sessions_lock);
}

/* Add @delta to the own pins of @pfn's folio; the entry goes at 0. */
static int pinstat_own_add(unsigned long pfn, long delta)
{
	XA_STATE(xas, &pinstat_own, pfn);
	unsigned long pins;
	void *entry;

	do {
		xas_lock(&xas);
		entry = xas_load(&xas);
		pins = entry ? xa_to_value(entry) : 0;
		/* Only runs that were added are taken out. */
		if (WARN_ON_ONCE(delta < 0 && pins < -delta))
			delta = -pins;
		pins += delta;
		xas_store(&xas, pins ? xa_mk_value(pins) : NULL);
		xas_unlock(&xas);
	} while (xas_nomem(&xas, GFP_KERNEL));
	return xas_error(&xas);
}

/*
 * Add (@sign 1) or take out (-1) the first @nr_runs runs of @pin.  Taking
 * out only lowers counts that are there, which needs no memory.
 */
static int pinstat_own_account(const struct pinstat_pin *pin, int sign,
			       u32 nr_runs)
{
	struct pinstat_run_cursor cur = {};
	struct pinstat_run run;
	struct folio *folio;
	u32 i;
	int ret;

	for (i = 0; i < nr_runs && pinstat_pin_next_run(pin, &cur, &run); i++) {
		folio = page_folio(run.page);
		/* The kernel takes no pin on the zero page. */
		if (is_zero_folio(folio))
			continue;
		ret = pinstat_own_add(folio_pfn(folio),
				      sign * (long)run.nr_pages);
		if (ret) {
			pinstat_own_account(pin, -sign, i);
			return ret;
		}
	}
	return 0;
}

/**
 * pinstat_registry_pin_added() - count a new pin among pinstat's own
 * @pin: the pin, fully taken; before its handle is published
 *
 * The pin is indexed by the next pinstat_registry_own_begin().
 */
void pinstat_registry_pin_added(struct pinstat_pin *pin)
{
	mutex_lock(&pinstat_own_lock);
	list_add_tail(&pin->unindexed, &pinstat_unindexed);
	mutex_unlock(&pinstat_own_lock);
}

/**
 * pinstat_registry_pin_release() - stop counting a pin, and release it
 * @pin: the pin, no longer published
 *
 * Its pages are released with the own-pin lock held, so a record built
 * under that lock (pinstat_records_of_pin()) sees them in the folio's
 * pin count and in pinstat's own pins, or in neither.
 */
void pinstat_registry_pin_release(struct pinstat_pin *pin)
{
	mutex_lock(&pinstat_own_lock);
	if (list_empty(&pin->unindexed))
		pinstat_own_account(pin, -1, pin->nr_runs);
	else
		list_del(&pin->unindexed);
	pinstat_unpin_range(pin);
	mutex_unlock(&pinstat_own_lock);
}

/**
 * pinstat_registry_own_begin() - start asking for own pins
 *
 * Indexes the pins taken since the last query and holds the index still
 * until pinstat_registry_own_end().  No session lock is needed for it.
 *
 * Return: 0, or -ENOMEM when the index cannot grow (nothing held then).
 */
int pinstat_registry_own_begin(void)
{
	struct pinstat_pin *pin, *next;
	int ret;

	mutex_lock(&pinstat_own_lock);
	list_for_each_entry_safe(pin, next, &pinstat_unindexed, unindexed) {
		ret = pinstat_own_account(pin, 1, pin->nr_runs);
		if (ret) {
			mutex_unlock(&pinstat_own_lock);
			return ret;
		}
		list_del_init(&pin->unindexed);
	}
	return 0;
}

/**
 * pinstat_registry_own_pins() - pinstat's pins on a folio
 * @pfn: pfn of the folio (of its first page)
 *
 * Between pinstat_registry_own_begin() and pinstat_registry_own_end().
 *
 * Return: the pins, in the unit of the folio's pin count.
 */
u32 pinstat_registry_own_pins(unsigned long pfn)
{
	void *entry;

	lockdep_assert_held(&pinstat_own_lock);
	entry = xa_load(&pinstat_own, pfn);
	return entry ? min_t(unsigned long, xa_to_value(entry), U32_MAX) : 0;
}

/**
 * pinstat_registry_own_end() - done asking for own pins
 */
void pinstat_registry_own_end(void)
{
	mutex_unlock(&pinstat_own_lock);
}

/**
 * pinstat_registry_exit() - check that nothing is left, at module unload
 *
 * Every session is closed by then, so every pin was taken out.
 */
void pinstat_registry_exit(void)
{
	WARN_ON(!list_empty(&pinstat_sessions) ||
		!list_empty(&pinstat_unindexed) || !xa_empty(&pinstat_own));
	xa_destroy(&pinstat_own);
}
