// SPDX-License-Identifier: GPL-2.0
/*
 * The ledger's probes on the exported pin and unpin functions.
 *
 * A pin function gets a kretprobe: its entry handler keeps the page
 * array, the flags and the caller's stack; its return handler turns the
 * pages the call pinned into runs (pages of one folio at consecutive
 * indexes) and writes one event.  An unpin function gets a kprobe on its
 * entry, where its arguments name the pins it is about to release.
 *
 * Handlers run with preemption disabled, an unpin in any context: they
 * only read their arguments and write this CPU's ring (ledger_ring.c),
 * never allocate, lock or wait.  A call pinstat itself makes is skipped
 * (its caller is in this module): its pins are in the registry.  An
 * unpin made inside a pin call that has not returned (long-term pins
 * migrate pages: 6.1 and 6.12 unpin the old ones inside the call)
 * releases pins the call never reported, so it is skipped too; pinstat's
 * own pin calls keep their return hook for that reason.
 */

#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/timekeeping.h>

#include "ledger.h"
#include "pinstat_compat.h"

/* What the pin's return handler needs from its entry. */
struct pinstat_pin_call {
	unsigned long array;
	unsigned long nr;
	u32 flags;
	u32 nr_frames;
	bool own;
	unsigned long frames[PINSTAT_LEDGER_FRAMES];
};

/**
 * struct pinstat_probe - one probed function
 * @symbol: its name
 * @via: enum pinstat_ledger_via
 * @present: the kernel has it
 * @array_arg: argument holding the page (folio) array or page (folio)
 * @nr_arg: argument holding the count, or -1
 * @flags_arg: argument holding gup_flags (pins) or make_dirty (unpins),
 *	or -1
 * @ret_int: the function returns int: only the low 32 bits of the return
 *	register are its value
 * @rp: the kretprobe of a pin function
 * @kp: the kprobe of an unpin function
 * @registered: @rp or @kp is registered
 */
struct pinstat_probe {
	const char *symbol;
	u8 via;
	bool present;
	s8 array_arg;
	s8 nr_arg;
	s8 flags_arg;
	bool ret_int;
	struct kretprobe rp;
	struct kprobe kp;
	bool registered;
};

#define PINSTAT_PROBE(fn, via_, have, array, nr, flags, ret_int_)	\
	{ .symbol = #fn, .via = PINSTAT_VIA_##via_, .present = have,	\
	  .array_arg = array, .nr_arg = nr, .flags_arg = flags,		\
	  .ret_int = ret_int_ }

/* Argument numbers as in the functions' prototypes (mm/gup.c). */
static struct pinstat_probe pinstat_pin_probes[] = {
	PINSTAT_PROBE(pin_user_pages, PIN_USER_PAGES, true, 3, 1, 2, false),
	PINSTAT_PROBE(pin_user_pages_fast, PIN_USER_PAGES_FAST, true, 3, 1, 2,
		      true),
	PINSTAT_PROBE(pin_user_pages_fast_only, PIN_USER_PAGES_FAST_ONLY,
		      PINSTAT_KERNEL_HAS_PIN_USER_PAGES_FAST_ONLY, 3, 1, 2, true),
	PINSTAT_PROBE(pin_user_pages_remote, PIN_USER_PAGES_REMOTE, true,
		      4, 2, 3, false),
	PINSTAT_PROBE(pin_user_pages_unlocked, PIN_USER_PAGES_UNLOCKED, true,
		      2, 1, 3, false),
	PINSTAT_PROBE(memfd_pin_folios, MEMFD_PIN_FOLIOS,
		      PINSTAT_KERNEL_HAS_MEMFD_PIN_FOLIOS, 3, 4, -1, false),
};

static struct pinstat_probe pinstat_unpin_probes[] = {
	PINSTAT_PROBE(unpin_user_page, UNPIN_USER_PAGE, true, 0, -1, -1,
		      false),
	PINSTAT_PROBE(unpin_user_pages, UNPIN_USER_PAGES, true, 0, 1, -1,
		      false),
	PINSTAT_PROBE(unpin_user_pages_dirty_lock, UNPIN_USER_PAGES_DIRTY_LOCK,
		      true, 0, 1, 2, false),
	PINSTAT_PROBE(unpin_user_page_range_dirty_lock,
		      UNPIN_USER_PAGE_RANGE_DIRTY_LOCK, true, 0, 1, -1, false),
	PINSTAT_PROBE(unpin_folio, UNPIN_FOLIO, PINSTAT_KERNEL_HAS_UNPIN_FOLIO,
		      0, -1, -1, false),
	PINSTAT_PROBE(unpin_folios, UNPIN_FOLIOS, PINSTAT_KERNEL_HAS_UNPIN_FOLIO,
		      0, 1, -1, false),
	PINSTAT_PROBE(unpin_user_folio, UNPIN_USER_FOLIO,
		      PINSTAT_KERNEL_HAS_UNPIN_FOLIO, 0, 1, -1, false),
};

/* The return address of the probed function, at its entry. */
static unsigned long pinstat_probe_caller(struct pt_regs *regs)
{
	return *(unsigned long *)kernel_stack_pointer(regs);
}

static unsigned long pinstat_probe_arg(struct pt_regs *regs, int n)
{
	return n < 0 ? 0 : regs_get_kernel_argument(regs, n);
}

/**
 * struct pinstat_run_builder - runs of an event being written
 * @runs: where they go
 * @max: room for that many
 * @nr: runs written
 * @pins: pins in them
 */
struct pinstat_run_builder {
	struct pinstat_ledger_run *runs;
	u32 max;
	u32 nr;
	u64 pins;
};

/*
 * Add @nr_pages pages from @first (index in @folio; or unknown) with
 * @pins pins; extends the last run when it continues it.
 */
static bool pinstat_runs_add(struct pinstat_run_builder *b,
			     struct folio *folio, u32 first, u32 nr_pages,
			     u32 pins)
{
	struct pinstat_ledger_run *last = b->nr ? &b->runs[b->nr - 1] : NULL;
	unsigned long pfn = folio_pfn(folio);

	if (last && last->pfn == pfn &&
	    (first == PINSTAT_LEDGER_PAGE_UNKNOWN ?
	     last->first_page == first :
	     last->first_page + last->nr_pages == first)) {
		last->nr_pages += nr_pages;
		last->pins += pins;
		b->pins += pins;
		return true;
	}
	if (b->nr == b->max)
		return false;
	b->runs[b->nr++] = (struct pinstat_ledger_run){
		.pfn = pfn,
		.order = folio_order(folio),
		.first_page = first,
		.nr_pages = nr_pages,
		.pins = pins,
	};
	b->pins += pins;
	return true;
}

static bool pinstat_runs_add_page(struct pinstat_run_builder *b,
				  struct page *page)
{
	struct folio *folio;

	if (!page || is_zero_pfn(page_to_pfn(page)))
		return true;	/* unpin_user_pages() skips NULL; no pin */
	folio = page_folio(page);
	return pinstat_runs_add(b, folio, folio_page_idx(folio, page), 1, 1);
}

/*
 * The runs of @nr page pointers at @pages.  The folio is looked up once a
 * run: the rest of the run is found by comparing pointers (a folio's
 * struct pages are consecutive), the pages themselves not read.
 */
static unsigned long pinstat_runs_of_pages(struct pinstat_run_builder *b,
					   struct page **pages, unsigned long nr)
{
	unsigned long i = 0, idx, left, n;
	struct folio *folio;
	struct page *page;

	while (i < nr) {
		page = pages[i];
		if (!page || is_zero_pfn(page_to_pfn(page))) {
			i++;	/* unpin_user_pages() skips NULL; no pin */
			continue;
		}
		folio = page_folio(page);
		idx = folio_page_idx(folio, page);
		left = min(folio_nr_pages(folio) - idx, nr - i);
		for (n = 1; n < left && pages[i + n] == nth_page(page, n); n++)
			;
		if (!pinstat_runs_add(b, folio, idx, n, n))
			break;
		i += n;
	}
	return nr - i;
}

/*
 * The runs of @via's @nr items at @array; an item is a page, or a folio
 * pinned once (memfd_pin_folios(), unpin_folios()).  Return: the items
 * that did not fit or were beyond the cap.
 */
static unsigned long pinstat_runs_of_array(struct pinstat_run_builder *b,
					   unsigned int via, unsigned long array,
					   unsigned long nr)
{
	unsigned long i, cap = READ_ONCE(pinstat_ledger_max_pages_per_call);
	struct folio *folio;

	if (via != PINSTAT_VIA_MEMFD_PIN_FOLIOS &&
	    via != PINSTAT_VIA_UNPIN_FOLIOS)
		return pinstat_runs_of_pages(b, (struct page **)array,
					     min(nr, cap)) + nr - min(nr, cap);
	for (i = 0; i < min(nr, cap); i++) {
		folio = ((struct folio **)array)[i];
		if (folio && !pinstat_runs_add(b, folio, 0,
					       folio_nr_pages(folio), 1))
			break;
	}
	return nr - i;
}

/* unpin_user_page_range_dirty_lock(): @nr pages from @page, in order. */
static unsigned long pinstat_runs_of_range(struct pinstat_run_builder *b,
					   struct page *page, unsigned long nr)
{
	unsigned long i = 0, cap = READ_ONCE(pinstat_ledger_max_pages_per_call);

	while (i < min(nr, cap)) {
		struct page *p = nth_page(page, i);
		struct folio *folio = page_folio(p);
		u32 idx = folio_page_idx(folio, p);
		u32 n = min_t(unsigned long, folio_nr_pages(folio) - idx,
			      nr - i);

		if (!pinstat_runs_add(b, folio, idx, n, n))
			break;
		i += n;
	}
	return nr > i ? nr - i : 0;
}

static int pinstat_ledger_flags(unsigned long gup_flags)
{
	return (gup_flags & FOLL_WRITE ? PINSTAT_LEDGER_WRITE : 0) |
	       (gup_flags & FOLL_LONGTERM ? PINSTAT_LEDGER_LONGTERM : 0);
}

/* Reserve an event for @nr_frames frames and at least one run. */
static struct pinstat_ledger_event *
pinstat_event_begin(unsigned int kind, unsigned int via, u32 flags,
		    u32 nr_frames, struct pinstat_run_builder *b)
{
	size_t head = pinstat_ledger_event_size(nr_frames, 0), room;
	struct pinstat_ledger_event *ev;

	ev = pinstat_ledger_ring_reserve(head + sizeof(*b->runs), &room);
	if (!ev)
		return NULL;
	ev->kind = kind;
	ev->via = via;
	ev->flags = flags;
	ev->nr_frames = nr_frames;
	ev->seq = pinstat_ledger_next_seq();
	ev->t_ns = ktime_get_mono_fast_ns();
	if (in_task()) {
		ev->tgid = task_tgid_nr(current);
		ev->pid = task_pid_nr(current);
		memcpy(ev->comm, current->comm, sizeof(ev->comm));
	} else {
		ev->tgid = 0;
		ev->pid = 0;
		strscpy(ev->comm, "[irq]", sizeof(ev->comm));
	}
	b->runs = pinstat_ledger_event_runs(ev);
	b->max = (room - head) / sizeof(*b->runs);
	b->nr = 0;
	b->pins = 0;
	return ev;
}

static void pinstat_event_end(struct pinstat_ledger_event *ev,
			      struct pinstat_run_builder *b, unsigned long lost)
{
	if (lost) {
		ev->flags |= PINSTAT_LEDGER_TRUNCATED;
		pinstat_ledger_event_dropped(0, lost);
	}
	ev->nr_runs = b->nr;
	ev->size = ALIGN(pinstat_ledger_event_size(ev->nr_frames, b->nr), 8);
	pinstat_ledger_ring_commit(ev);
	pinstat_ledger_kick();
}

static int pinstat_pin_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct pinstat_probe *p = container_of(get_kretprobe(ri),
					       struct pinstat_probe, rp);
	struct pinstat_pin_call *call = (void *)ri->data;
	unsigned long caller = pinstat_probe_caller(regs);

	/*
	 * pinstat's own call still gets its return hook: unpins made inside
	 * it (long-term migration) are then recognised as nested.
	 */
	call->own = within_module(caller, THIS_MODULE);
	if (call->own)
		return 0;
	call->array = pinstat_probe_arg(regs, p->array_arg);
	call->nr = pinstat_probe_arg(regs, p->nr_arg);
	if (p->ret_int)
		call->nr = (int)call->nr;
	call->flags = p->flags_arg < 0 ? PINSTAT_LEDGER_LONGTERM :
		pinstat_ledger_flags(pinstat_probe_arg(regs, p->flags_arg));
	call->nr_frames = pinstat_ledger_stack(regs, call->frames);
	return 0;
}

static int pinstat_pin_return(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct pinstat_probe *p = container_of(get_kretprobe(ri),
					       struct pinstat_probe, rp);
	struct pinstat_pin_call *call = (void *)ri->data;
	long ret = regs_return_value(regs);
	struct pinstat_run_builder b;
	struct pinstat_ledger_event *ev;
	unsigned long lost;

	/* An int return leaves the upper half of the register undefined. */
	if (p->ret_int)
		ret = (int)ret;
	if (call->own || ret <= 0)
		return 0;
	/* Never more than asked for: the array is no longer. */
	ret = min_t(unsigned long, ret, call->nr);
	ev = pinstat_event_begin(PINSTAT_EVENT_PIN, p->via, call->flags,
				 call->nr_frames, &b);
	if (!ev) {
		pinstat_ledger_event_dropped(1, ret);
		return 0;
	}
	memcpy(ev->frames, call->frames, call->nr_frames * sizeof(*ev->frames));
	lost = pinstat_runs_of_array(&b, p->via, call->array, ret);
	pinstat_event_end(ev, &b, lost);
	return 0;
}

static int pinstat_unpin_entry(struct kprobe *kp, struct pt_regs *regs)
{
	struct pinstat_probe *p = container_of(kp, struct pinstat_probe, kp);
	unsigned long arg = pinstat_probe_arg(regs, p->array_arg);
	unsigned long nr = p->nr_arg < 0 ? 1 : pinstat_probe_arg(regs, p->nr_arg);
	struct pinstat_ledger_event *ev;
	struct pinstat_run_builder b;
	unsigned long lost = 0;
	unsigned int i;

	/* unpin_user_pages() and unpin_folios() refuse an error value. */
	if (within_module(pinstat_probe_caller(regs), THIS_MODULE) || !nr ||
	    IS_ERR_VALUE(nr))
		return 0;
	/* A clean release goes on to unpin_user_pages(), probed itself. */
	if (p->via == PINSTAT_VIA_UNPIN_USER_PAGES_DIRTY_LOCK &&
	    !(pinstat_probe_arg(regs, p->flags_arg) & 0xff))
		return 0;
	if (in_task()) {
		for (i = 0; i < ARRAY_SIZE(pinstat_pin_probes); i++)
			if (pinstat_pin_probes[i].registered &&
			    pinstat_current_in_kretprobe(&pinstat_pin_probes[i].rp))
				return 0;
	}
	ev = pinstat_event_begin(PINSTAT_EVENT_UNPIN, p->via, 0, 0, &b);
	if (!ev) {
		pinstat_ledger_event_dropped(1, nr);
		return 0;
	}
	switch (p->via) {
	case PINSTAT_VIA_UNPIN_USER_PAGE:
		pinstat_runs_add_page(&b, (struct page *)arg);
		break;
	case PINSTAT_VIA_UNPIN_USER_PAGE_RANGE_DIRTY_LOCK:
		lost = pinstat_runs_of_range(&b, (struct page *)arg, nr);
		break;
	case PINSTAT_VIA_UNPIN_FOLIO:
	case PINSTAT_VIA_UNPIN_USER_FOLIO:
		pinstat_runs_add(&b, (struct folio *)arg,
				 PINSTAT_LEDGER_PAGE_UNKNOWN, 0, nr);
		break;
	default:
		lost = pinstat_runs_of_array(&b, p->via, arg, nr);
		break;
	}
	pinstat_event_end(ev, &b, lost);
	return 0;
}

static void pinstat_probe_unregister(struct pinstat_probe *p, bool ret_probe)
{
	if (!p->registered)
		return;
	if (ret_probe)
		unregister_kretprobe(&p->rp);
	else
		unregister_kprobe(&p->kp);
	p->registered = false;
}

/**
 * pinstat_ledger_probes_register() - start recording pin calls
 *
 * The rings must be allocated.
 *
 * Return: 0, or the errno of the first probe that could not be registered
 * (nothing is left registered then).
 */
int pinstat_ledger_probes_register(void)
{
	struct pinstat_probe *p;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(pinstat_unpin_probes) && !ret; i++) {
		p = &pinstat_unpin_probes[i];
		if (!p->present)
			continue;
		p->kp = (struct kprobe){
			.symbol_name = p->symbol,
			.pre_handler = pinstat_unpin_entry,
		};
		ret = register_kprobe(&p->kp);
		p->registered = !ret;
	}
	for (i = 0; i < ARRAY_SIZE(pinstat_pin_probes) && !ret; i++) {
		p = &pinstat_pin_probes[i];
		if (!p->present)
			continue;
		/* Pin calls sleep: one instance per call in progress. */
		p->rp = (struct kretprobe){
			.kp.symbol_name = p->symbol,
			.entry_handler = pinstat_pin_entry,
			.handler = pinstat_pin_return,
			.data_size = sizeof(struct pinstat_pin_call),
			.maxactive = clamp(16 * num_possible_cpus(), 256U, 4096U),
		};
		ret = register_kretprobe(&p->rp);
		p->registered = !ret;
	}
	if (ret) {
		pr_warn("ledger: cannot probe %s: %d\n", p->symbol, ret);
		pinstat_ledger_probes_unregister();
	}
	return ret;
}

/**
 * pinstat_ledger_probes_unregister() - stop recording
 *
 * When this returns no handler runs, nor will: a call still in a pin
 * function returns through a hook whose handler is gone.
 */
void pinstat_ledger_probes_unregister(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pinstat_pin_probes); i++)
		pinstat_probe_unregister(&pinstat_pin_probes[i], true);
	for (i = 0; i < ARRAY_SIZE(pinstat_unpin_probes); i++)
		pinstat_probe_unregister(&pinstat_unpin_probes[i], false);
}

/**
 * pinstat_ledger_probes_missed() - calls the probes did not see
 *
 * Return: the kprobes' and kretprobes' nmissed counts, summed.
 */
u64 pinstat_ledger_probes_missed(void)
{
	u64 missed = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pinstat_pin_probes); i++)
		if (pinstat_pin_probes[i].registered)
			missed += pinstat_pin_probes[i].rp.nmissed +
				  pinstat_pin_probes[i].rp.kp.nmissed;
	for (i = 0; i < ARRAY_SIZE(pinstat_unpin_probes); i++)
		if (pinstat_unpin_probes[i].registered)
			missed += pinstat_unpin_probes[i].kp.nmissed;
	return missed;
}
