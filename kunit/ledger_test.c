// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "pinstat_ledger": the ledger's book, fed events as the
 * probes write them (no probe is registered: UML has no kprobes, and the
 * book does not care where its events come from).  An entry per pin
 * call, the unpin's choice among holders, the reconciliation with a real
 * folio's pin count, the byte limit, and the debugfs files.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ledger.h"
#include "pinstat_kunit.h"

/*
 * An event of one kind with @nr_runs runs from @pfn, one page each,
 * numbered as the probes number theirs.
 */
static struct pinstat_ledger_event *ledger_test_event(struct kunit *test,
						      unsigned int kind,
						      unsigned long pfn,
						      u32 nr_runs, pid_t tgid,
						      u32 flags)
{
	struct pinstat_ledger_event *ev;
	struct pinstat_ledger_run *runs;
	u32 i;

	ev = kunit_kzalloc(test, pinstat_ledger_event_size(1, nr_runs),
			   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	ev->kind = kind;
	ev->via = kind == PINSTAT_EVENT_PIN ? PINSTAT_VIA_PIN_USER_PAGES_FAST :
		  PINSTAT_VIA_UNPIN_USER_PAGE;
	ev->flags = flags;
	ev->nr_frames = kind == PINSTAT_EVENT_PIN;
	ev->frames[0] = (unsigned long)ledger_test_event;
	ev->nr_runs = nr_runs;
	ev->seq = pinstat_ledger_next_seq();
	ev->tgid = tgid;
	ev->pid = tgid;
	strscpy(ev->comm, "kunit-pinner", sizeof(ev->comm));
	runs = pinstat_ledger_event_runs(ev);
	for (i = 0; i < nr_runs; i++)
		runs[i] = (struct pinstat_ledger_run){
			.pfn = pfn + i, .nr_pages = 1, .pins = 1,
		};
	return ev;
}

static void ledger_test_apply(struct pinstat_ledger_event *ev)
{
	pinstat_ledger_lock();
	pinstat_ledger_apply(ev);
	pinstat_ledger_unlock();
}

static struct pinstat_ledger_counts ledger_test_counts(void)
{
	struct pinstat_ledger_counts c;

	pinstat_ledger_lock();
	pinstat_ledger_counts(&c);
	pinstat_ledger_unlock();
	return c;
}

/* The entry of @tgid, as it is now (not reconciled); copied. */
static bool ledger_test_entry(pid_t tgid, struct pinstat_ledger_entry *out)
{
	struct pinstat_ledger_entry *e;
	unsigned long id = 0;
	bool found = false;

	pinstat_ledger_lock();
	while ((e = pinstat_ledger_entry_from(&id))) {
		if (e->tgid == tgid) {
			*out = *e;
			found = true;
		}
		id++;
	}
	pinstat_ledger_unlock();
	return found;
}

/* A pfn no one pins, for events that are never reconciled. */
static unsigned long ledger_test_pfn(struct kunit *test)
{
	void *p = kunit_kzalloc(test, 4 * PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return page_to_pfn(virt_to_page(PTR_ALIGN(p, PAGE_SIZE)));
}

/* A pin call of a real foreign pin: one entry, shown in debugfs. */
static void ledger_pin_call_is_one_entry(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_ledger_counts before, after;
	struct pinstat_ledger_entry e;
	unsigned long pfn;
	char *text, *line;

	pinstat_test_foreign_pin(test, t->mem);
	pfn = page_to_pfn(t->foreign);
	before = ledger_test_counts();
	ledger_test_apply(ledger_test_event(test, PINSTAT_EVENT_PIN, pfn, 1, 4242,
					    PINSTAT_LEDGER_LONGTERM));
	KUNIT_ASSERT_TRUE(test, ledger_test_entry(4242, &e));
	KUNIT_EXPECT_EQ(test, e.nr_pins, 1ULL);
	KUNIT_EXPECT_EQ(test, e.nr_folios, 1U);
	KUNIT_EXPECT_EQ(test, e.flags, (u32)PINSTAT_LEDGER_LONGTERM);
	KUNIT_EXPECT_STREQ(test, e.comm, "kunit-pinner");
	KUNIT_EXPECT_NOT_NULL(test, e.stack);
	after = ledger_test_counts();
	KUNIT_EXPECT_EQ(test, after.entries, before.entries + 1);
	KUNIT_EXPECT_EQ(test, after.pins, before.pins + 1);
	KUNIT_EXPECT_GT(test, after.bytes, before.bytes);

	/* Read from the start: reconciled, and the pin is real. */
	text = pinstat_test_read_debugfs(test, &pinstat_entry_fops, PAGE_SIZE);
	line = strstr(text, "tgid=4242 ");
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "pins"), 1LL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "flags=longterm "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "via=pin_user_pages_fast "));
	text = pinstat_test_read_debugfs(test, &pinstat_hold_fops, PAGE_SIZE);
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "folio_unattributed=0 "));

	ledger_test_apply(ledger_test_event(test, PINSTAT_EVENT_UNPIN, pfn, 1,
					    4242, 0));
	pinstat_test_foreign_unpin(test);
	KUNIT_EXPECT_FALSE(test, ledger_test_entry(4242, &e));
	after = ledger_test_counts();
	KUNIT_EXPECT_EQ(test, after.entries, before.entries);
	KUNIT_EXPECT_EQ(test, after.bytes, before.bytes);
	KUNIT_EXPECT_EQ(test, after.unmatched_pins, before.unmatched_pins);
	KUNIT_EXPECT_EQ(test, after.trimmed_pins, before.trimmed_pins);
}

/* Among holders, an unpin takes the same process's pins first. */
static void ledger_unpin_prefers_same_process(struct kunit *test)
{
	unsigned long pfn = ledger_test_pfn(test);
	struct pinstat_ledger_counts before = ledger_test_counts();
	u64 early = pinstat_ledger_next_seq();
	struct pinstat_ledger_event *ev;
	struct pinstat_ledger_entry e;

	ledger_test_apply(ledger_test_event(test, PINSTAT_EVENT_PIN, pfn, 1,
					    5001, 0));
	ledger_test_apply(ledger_test_event(test, PINSTAT_EVENT_PIN, pfn, 1,
					    5002, 0));
	ledger_test_apply(ledger_test_event(test, PINSTAT_EVENT_UNPIN, pfn, 1,
					    5001, 0));
	KUNIT_EXPECT_FALSE(test, ledger_test_entry(5001, &e));
	KUNIT_EXPECT_TRUE(test, ledger_test_entry(5002, &e));
	/* An unpin numbered before a pin never takes that pin's pins. */
	ev = ledger_test_event(test, PINSTAT_EVENT_UNPIN, pfn, 1, 5002, 0);
	ev->seq = early;
	ledger_test_apply(ev);
	KUNIT_EXPECT_TRUE(test, ledger_test_entry(5002, &e));
	KUNIT_EXPECT_EQ(test, ledger_test_counts().unmatched_pins,
			before.unmatched_pins + 1);
	ledger_test_apply(ledger_test_event(test, PINSTAT_EVENT_UNPIN, pfn, 1,
					    0, 0));
	KUNIT_EXPECT_FALSE(test, ledger_test_entry(5002, &e));
	KUNIT_EXPECT_EQ(test, ledger_test_counts().entries, before.entries);
}

/*
 * A real foreign pin released behind the ledger's back: the next
 * reconciled query trims the entry and names nobody.
 */
static void ledger_reconcile_trims_hidden_release(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_ledger_counts before;
	struct pinstat_ledger_entry e;
	unsigned long pfn;

	pinstat_test_foreign_pin(test, t->mem);
	pfn = page_to_pfn(t->foreign);
	before = ledger_test_counts();
	ledger_test_apply(ledger_test_event(test, PINSTAT_EVENT_PIN, pfn, 1,
					    6001, 0));
	KUNIT_ASSERT_EQ(test, pinstat_ledger_lock_reconciled(), 0);
	pinstat_ledger_unlock();
	/* Still pinned: kept. */
	KUNIT_EXPECT_TRUE(test, ledger_test_entry(6001, &e));
	pinstat_test_foreign_unpin(test);
	KUNIT_ASSERT_EQ(test, pinstat_ledger_lock_reconciled(), 0);
	pinstat_ledger_unlock();
	KUNIT_EXPECT_FALSE(test, ledger_test_entry(6001, &e));
	KUNIT_EXPECT_EQ(test, ledger_test_counts().trimmed_pins,
			before.trimmed_pins + 1);
}

/* Over the byte limit, pins are counted as dropped, the entry truncated. */
static void ledger_byte_limit_truncates(struct kunit *test)
{
	unsigned long limit = pinstat_ledger_max_bytes;
	unsigned long pfn = ledger_test_pfn(test);
	struct pinstat_ledger_counts before = ledger_test_counts();
	struct pinstat_ledger_entry e;

	/* Room for the entry, its stack and about one hold. */
	pinstat_ledger_max_bytes = before.bytes + sizeof(e) +
		sizeof(struct pinstat_ledger_stack) + sizeof(unsigned long) +
		sizeof(struct pinstat_ledger_folio) +
		sizeof(struct pinstat_ledger_hold);
	ledger_test_apply(ledger_test_event(test, PINSTAT_EVENT_PIN, pfn, 3,
					    7001, 0));
	pinstat_ledger_max_bytes = limit;
	KUNIT_ASSERT_TRUE(test, ledger_test_entry(7001, &e));
	KUNIT_EXPECT_EQ(test, e.nr_pins, 1ULL);
	KUNIT_EXPECT_TRUE(test, e.flags & PINSTAT_LEDGER_TRUNCATED);
	KUNIT_EXPECT_EQ(test, ledger_test_counts().dropped_pins,
			before.dropped_pins + 2);
	ledger_test_apply(ledger_test_event(test, PINSTAT_EVENT_UNPIN, pfn, 1,
					    7001, 0));
	KUNIT_EXPECT_FALSE(test, ledger_test_entry(7001, &e));
	KUNIT_EXPECT_EQ(test, ledger_test_counts().bytes, before.bytes);
}

static struct kunit_case pinstat_ledger_cases[] = {
	KUNIT_CASE(ledger_pin_call_is_one_entry),
	KUNIT_CASE(ledger_unpin_prefers_same_process),
	KUNIT_CASE(ledger_reconcile_trims_hidden_release),
	KUNIT_CASE(ledger_byte_limit_truncates),
	{}
};

static struct kunit_suite pinstat_ledger_suite = {
	.name = "pinstat_ledger",
	.init = pinstat_test_init,
	.exit = pinstat_test_exit,
	.test_cases = pinstat_ledger_cases,
};

kunit_test_suite(pinstat_ledger_suite);
