// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "pinstat_pin": PIN of small pages, UNPIN, the release of a
 * session's pins, handles, and REPORT's records and pin owners.
 */

#include <kunit/test.h>
#include <linux/mm.h>

#include "pinstat_kunit.h"

static void pin_small_pages_counts(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_stats_snapshot before, after;
	struct pinstat_pin_args a;

	pinstat_stats_read(&before);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, 8 * PAGE_SIZE,
					       PINSTAT_PIN_WRITE, &a), 0L);
	KUNIT_EXPECT_NE(test, a.handle, 0U);
	KUNIT_EXPECT_EQ(test, a.nr_pages, 8ULL);
	KUNIT_EXPECT_EQ(test, a.nr_runs, 8ULL);
	KUNIT_EXPECT_EQ(test, a.runs_by_order[0], 8ULL);
	/* One 8-byte slot a small page, after the pin record. */
	KUNIT_EXPECT_EQ(test, a.bookkeeping_bytes,
			(u64)(sizeof(struct pinstat_pin) + 8 * sizeof(long)));
	pinstat_stats_read(&after);
	KUNIT_EXPECT_EQ(test, after.pins, before.pins + 1);
	KUNIT_EXPECT_EQ(test, after.pages, before.pages + 8);
	KUNIT_EXPECT_EQ(test, after.runs, before.runs + 8);
	KUNIT_EXPECT_EQ(test, after.bookkeeping,
			before.bookkeeping + (s64)a.bookkeeping_bytes);
	KUNIT_EXPECT_EQ(test, t->s->nr_pins, 1U);
	KUNIT_EXPECT_EQ(test, t->s->nr_pages, 8UL);
}

static void pin_unaligned_range_covers_pages(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_folio_record *r;
	struct pinstat_pin_args a;
	u32 nr;

	/* 2 bytes straddling a page boundary touch two pages. */
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem + PAGE_SIZE - 1, 2,
					       0, &a), 0L);
	KUNIT_EXPECT_EQ(test, a.nr_pages, 2ULL);
	r = pinstat_test_report(test, a.handle, &nr);
	KUNIT_ASSERT_EQ(test, nr, 2U);
	KUNIT_EXPECT_EQ(test, r[0].addr, (u64)t->mem);
	KUNIT_EXPECT_EQ(test, r[1].addr, (u64)t->mem + PAGE_SIZE);
}

static void small_page_estimate_and_refcount(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_folio_record *one, *two;
	struct pinstat_pin_args a, b;
	u32 n1, n2, i;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, 4 * PAGE_SIZE,
					       PINSTAT_PIN_WRITE, &a), 0L);
	one = pinstat_test_report(test, a.handle, &n1);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, 4 * PAGE_SIZE,
					       PINSTAT_PIN_WRITE |
					       PINSTAT_PIN_LONGTERM, &b), 0L);
	two = pinstat_test_report(test, b.handle, &n2);
	KUNIT_ASSERT_EQ(test, n1, 4U);
	KUNIT_ASSERT_EQ(test, n2, 4U);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, one[i].kind, (u32)PINSTAT_KIND_ANON);
		KUNIT_EXPECT_EQ(test, one[i].order, 0U);
		KUNIT_EXPECT_EQ(test, one[i].nr_pages, 1U);
		KUNIT_EXPECT_EQ(test, one[i].addr, (u64)t->mem + i * PAGE_SIZE);
		KUNIT_EXPECT_FALSE(test, one[i].flags & PINSTAT_FOLIO_EXACT);
		KUNIT_EXPECT_TRUE(test, one[i].flags &
				  PINSTAT_FOLIO_MAYBE_DMA_PINNED);
		KUNIT_EXPECT_EQ(test, two[i].pfn, one[i].pfn);
		pinstat_test_expect_refcount(test, two[i].refcount,
					     one[i].refcount +
					     GUP_PIN_COUNTING_BIAS);
		KUNIT_EXPECT_EQ(test, two[i].pincount, one[i].pincount + 1);
		KUNIT_EXPECT_EQ(test, one[i].pincount,
				(u64)(one[i].refcount / GUP_PIN_COUNTING_BIAS));
		KUNIT_EXPECT_EQ(test, one[i].mapcount, 1);
	}
}

static void unpin_restores_refcount(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_folio_record *one, *again;
	struct pinstat_stats_snapshot before, after;
	struct pinstat_pin_args a, b;
	u32 n1, n2, i;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, 4 * PAGE_SIZE, 0,
					       &a), 0L);
	one = pinstat_test_report(test, a.handle, &n1);
	pinstat_stats_read(&before);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, 4 * PAGE_SIZE, 0,
					       &b), 0L);
	KUNIT_ASSERT_EQ(test, pinstat_test_unpin(test, b.handle), 0L);
	pinstat_stats_read(&after);
	again = pinstat_test_report(test, a.handle, &n2);
	KUNIT_ASSERT_EQ(test, n2, n1);
	for (i = 0; i < n1; i++)
		pinstat_test_expect_refcount(test, again[i].refcount,
					     one[i].refcount);
	KUNIT_EXPECT_EQ(test, after.pins, before.pins);
	KUNIT_EXPECT_EQ(test, after.pages, before.pages);
	KUNIT_EXPECT_EQ(test, after.bookkeeping, before.bookkeeping);
	KUNIT_EXPECT_EQ(test, pinstat_test_unpin(test, b.handle),
			(long)-ENOENT);
	KUNIT_EXPECT_EQ(test, t->s->nr_pins, 1U);
	KUNIT_EXPECT_EQ(test, t->s->nr_pages, 4UL);
}

static void session_release_unpins(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_folio_record *one, *again;
	struct pinstat_stats_snapshot before, after;
	struct pinstat_session *other;
	struct pinstat_pin_args a;
	u32 n1, n2, i;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, 4 * PAGE_SIZE, 0,
					       &a), 0L);
	one = pinstat_test_report(test, a.handle, &n1);
	pinstat_stats_read(&before);

	/* A second session pins the same pages twice, then goes away. */
	other = pinstat_test_session_open(test);
	KUNIT_EXPECT_EQ(test, pinstat_test_pin_in(test, other, t->mem,
						  4 * PAGE_SIZE, 0, NULL), 0L);
	KUNIT_EXPECT_EQ(test, pinstat_test_pin_in(test, other, t->mem,
						  4 * PAGE_SIZE, 0, NULL), 0L);
	pinstat_test_session_close(test, other);

	pinstat_stats_read(&after);
	KUNIT_EXPECT_EQ(test, after.sessions, before.sessions);
	KUNIT_EXPECT_EQ(test, after.pins, before.pins);
	KUNIT_EXPECT_EQ(test, after.pages, before.pages);
	KUNIT_EXPECT_EQ(test, after.bookkeeping, before.bookkeeping);
	again = pinstat_test_report(test, a.handle, &n2);
	KUNIT_ASSERT_EQ(test, n2, n1);
	for (i = 0; i < n1; i++)
		pinstat_test_expect_refcount(test, again[i].refcount,
					     one[i].refcount);
}

static void handles_are_not_reused(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_pin_args a, b;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, PAGE_SIZE, 0, &a),
			0L);
	KUNIT_ASSERT_EQ(test, pinstat_test_unpin(test, a.handle), 0L);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, PAGE_SIZE, 0, &b),
			0L);
	KUNIT_EXPECT_NE(test, a.handle, b.handle);
	KUNIT_EXPECT_EQ(test, pinstat_test_unpin(test, a.handle),
			(long)-ENOENT);
}

static void report_size_query(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_report_args args = {
		.record_size = sizeof(struct pinstat_folio_record),
	};
	struct pinstat_pin_args a;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, 5 * PAGE_SIZE, 0,
					       &a), 0L);
	args.handle = a.handle;
	KUNIT_EXPECT_EQ(test, pinstat_test_ioctl(test, PINSTAT_IOC_REPORT,
						 &args, sizeof(args)), 0L);
	KUNIT_EXPECT_EQ(test, args.nr_runs, 5ULL);
	KUNIT_EXPECT_EQ(test, args.nr_records, 0U);

	args.records = t->recs;
	args.nr_records = 4;
	KUNIT_EXPECT_EQ(test, pinstat_test_ioctl(test, PINSTAT_IOC_REPORT,
						 &args, sizeof(args)),
			(long)-ENOSPC);
	KUNIT_EXPECT_EQ(test, args.nr_runs, 5ULL);
}

/*
 * REPORT splits a folio's pins into pinstat's own, counted over every
 * session, and the rest: another session's pins are pinstat's too, and a
 * pin taken behind pinstat's back (pin_user_pages_fast() here, as a driver
 * would) is foreign.
 */
static void own_and_foreign_pins(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_session *other;
	struct pinstat_folio_record *r;
	struct pinstat_pin_args a;
	u32 nr, i;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, 4 * PAGE_SIZE, 0,
					       &a), 0L);
	r = pinstat_test_report(test, a.handle, &nr);
	for (i = 0; i < nr; i++) {
		KUNIT_EXPECT_EQ(test, r[i].own_pins, 1U);
		KUNIT_EXPECT_EQ(test, r[i].foreign_pins, 0U);
	}

	other = pinstat_test_session_open(test);
	KUNIT_EXPECT_EQ(test, pinstat_test_pin_in(test, other,
						  t->mem + PAGE_SIZE, PAGE_SIZE,
						  0, NULL), 0L);
	r = pinstat_test_report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[0].own_pins, 1U);
	KUNIT_EXPECT_EQ(test, r[1].own_pins, 2U);
	KUNIT_EXPECT_EQ(test, r[1].foreign_pins, 0U);

	/* Someone else's pin on page 2. */
	pinstat_test_foreign_pin(test, t->mem + 2 * PAGE_SIZE);
	r = pinstat_test_report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[2].own_pins, 1U);
	KUNIT_EXPECT_EQ(test, r[2].foreign_pins, 1U);
	KUNIT_EXPECT_EQ(test, r[3].foreign_pins, 0U);
	pinstat_test_foreign_unpin(test);
	pinstat_test_session_close(test, other);
	r = pinstat_test_report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[1].own_pins, 1U);
	KUNIT_EXPECT_EQ(test, r[2].foreign_pins, 0U);
}

static struct kunit_case pinstat_pin_cases[] = {
	KUNIT_CASE(pin_small_pages_counts),
	KUNIT_CASE(pin_unaligned_range_covers_pages),
	KUNIT_CASE(small_page_estimate_and_refcount),
	KUNIT_CASE(unpin_restores_refcount),
	KUNIT_CASE(session_release_unpins),
	KUNIT_CASE(handles_are_not_reused),
	KUNIT_CASE(report_size_query),
	KUNIT_CASE(own_and_foreign_pins),
	{}
};

static struct kunit_suite pinstat_pin_suite = {
	.name = "pinstat_pin",
	.init = pinstat_test_init,
	.exit = pinstat_test_exit,
	.test_cases = pinstat_pin_cases,
};

kunit_test_suite(pinstat_pin_suite);
