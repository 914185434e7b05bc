// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "pinstat_inspect": INSPECT of the test's own mm through
 * pinstat_inspect_mm() (the ioctl's process lookup refuses a kernel
 * thread; its errors are rows of the input suite).  Records of pinned,
 * present and absent pages, the cursor, pinstat's own pins as the
 * registry's lazy index keeps them, and that INSPECT pins nothing.
 */

#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/vmstat.h>

#include "pinstat_kunit.h"

/* Pages of mem the cases look at. */
#define SPAN	8

/*
 * INSPECT the first SPAN pages of mem, all present small pages: each
 * record must have @own[i] of pinstat's pins and @foreign[i] others.
 * Returns the records.
 */
static struct pinstat_folio_record *expect_pins(struct kunit *test,
						const u32 own[SPAN],
						const u32 foreign[SPAN])
{
	struct pinstat_test *t = test->priv;
	struct pinstat_folio_record *r;
	u32 nr, i;

	r = pinstat_test_inspect(test, t->mem, t->mem + SPAN * PAGE_SIZE, &nr);
	KUNIT_ASSERT_EQ(test, nr, (u32)SPAN);
	for (i = 0; i < SPAN; i++) {
		KUNIT_EXPECT_EQ(test, r[i].addr, (u64)t->mem + i * PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, r[i].nr_pages, 1U);
		KUNIT_EXPECT_EQ(test, r[i].kind, (u32)PINSTAT_KIND_ANON);
		KUNIT_EXPECT_EQ(test, r[i].own_pins, own[i]);
		KUNIT_EXPECT_EQ(test, r[i].foreign_pins, foreign[i]);
		KUNIT_EXPECT_EQ(test, r[i].pincount, (u64)own[i] + foreign[i]);
	}
	return r;
}

static const u32 no_pins[SPAN];

/*
 * Two overlapping pins of the test's session: INSPECT gives each page the
 * pins it has as own pins, and the same records as REPORT, built by the
 * same code; INSPECT of every VMA gives them too.
 */
static void inspect_own_pins_match_report(struct kunit *test)
{
	static const u32 own[SPAN] = { 1, 1, 2, 2, 1, 1, 0, 0 };
	struct pinstat_test *t = test->priv;
	struct pinstat_inspect_args all = {
		.flags = PINSTAT_INSPECT_ALL,
		.nr_records = PINSTAT_TEST_RECORDS,
	};
	struct pinstat_folio_record *ra, *rb, *r, *every;
	struct pinstat_pin_args a, b;
	u32 na, nb, i, j;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, 4 * PAGE_SIZE, 0,
					       &a), 0L);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem + 2 * PAGE_SIZE,
					       4 * PAGE_SIZE, 0, &b), 0L);
	ra = pinstat_test_report(test, a.handle, &na);
	rb = pinstat_test_report(test, b.handle, &nb);
	KUNIT_ASSERT_EQ(test, na, 4U);
	KUNIT_ASSERT_EQ(test, nb, 4U);
	r = expect_pins(test, own, no_pins);
	for (i = 0; i < 4; i++) {
		pinstat_test_expect_same_record(test, &r[i], &ra[i]);
		pinstat_test_expect_same_record(test, &r[i + 2], &rb[i]);
	}
	KUNIT_EXPECT_EQ(test, r[6].flags, PINSTAT_FOLIO_MAPCOUNT_VALID);

	KUNIT_ASSERT_EQ(test, pinstat_test_inspect_mm(test, &all), 0);
	KUNIT_EXPECT_EQ(test, all.cursor, 0ULL);
	KUNIT_EXPECT_GE(test, all.nr_vmas, 1U);
	every = pinstat_test_records(test, all.nr_records);
	for (j = 0; j < all.nr_records && every[j].addr != t->mem; j++)
		;
	KUNIT_ASSERT_LE(test, j + SPAN, all.nr_records);
	for (i = 0; i < SPAN; i++)
		pinstat_test_expect_same_record(test, &every[j + i], &r[i]);
}

/*
 * Pages never written have no page: one NOT_PRESENT record a run of
 * them, and INSPECT does not fault them in (a second look sees the same).
 */
static void inspect_untouched_not_present(struct kunit *test)
{
	unsigned long addr = pinstat_test_mmap(test, SPAN * PAGE_SIZE,
					       PROT_READ | PROT_WRITE);
	unsigned long end = addr + SPAN * PAGE_SIZE;
	struct pinstat_folio_record *r;
	int pass;
	u32 nr;

	for (pass = 0; pass < 2; pass++) {
		r = pinstat_test_inspect(test, addr, end, &nr);
		KUNIT_ASSERT_EQ(test, nr, 1U);
		pinstat_test_expect_not_present(test, &r[0], addr, SPAN);
	}

	/* Longer than one batch of lookups (4096), still one record. */
	addr = pinstat_test_mmap(test, 5000 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	r = pinstat_test_inspect(test, addr, addr + 5000 * PAGE_SIZE, &nr);
	KUNIT_ASSERT_EQ(test, nr, 1U);
	pinstat_test_expect_not_present(test, &r[0], addr, 5000);

	/* One page written splits the run around it. */
	addr = end - SPAN * PAGE_SIZE;
	pinstat_test_touch(test, addr + 5 * PAGE_SIZE, PAGE_SIZE);
	for (pass = 0; pass < 2; pass++) {
		r = pinstat_test_inspect(test, addr, end, &nr);
		KUNIT_ASSERT_EQ(test, nr, 3U);
		pinstat_test_expect_not_present(test, &r[0], addr, 5);
		KUNIT_EXPECT_EQ(test, r[1].addr, (u64)addr + 5 * PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, r[1].nr_pages, 1U);
		KUNIT_EXPECT_EQ(test, r[1].kind, (u32)PINSTAT_KIND_ANON);
		KUNIT_EXPECT_EQ(test, r[1].flags, PINSTAT_FOLIO_MAPCOUNT_VALID);
		KUNIT_EXPECT_EQ(test, r[1].mapcount, 1);
		KUNIT_EXPECT_NE(test, r[1].pfn, 0ULL);
		pinstat_test_expect_not_present(test, &r[2],
						addr + 6 * PAGE_SIZE, 2);
	}
}

/*
 * One record a call: each call answers the next record and a cursor to
 * the one after it, 0 after the last, and the walk gives what one call
 * for the whole range gives, an absent run of two pages included (a call
 * whose array is full still extends its last absent record).
 */
static void inspect_cursor_walks_record_by_record(struct kunit *test)
{
	static const int present[] = { 0, 1, 2, 5, 6 };
	unsigned long addr = pinstat_test_mmap(test, SPAN * PAGE_SIZE,
					       PROT_READ | PROT_WRITE);
	struct pinstat_inspect_args args = {
		.start = addr, .end = addr + SPAN * PAGE_SIZE, .nr_records = 1,
	};
	struct pinstat_folio_record *whole, *r;
	u32 nr, i;

	for (i = 0; i < ARRAY_SIZE(present); i++)
		pinstat_test_touch(test, addr + present[i] * PAGE_SIZE,
				   PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, addr + PAGE_SIZE,
					       2 * PAGE_SIZE, 0, NULL), 0L);
	whole = pinstat_test_inspect(test, args.start, args.end, &nr);
	KUNIT_ASSERT_EQ(test, nr, 7U);
	pinstat_test_expect_not_present(test, &whole[3], addr + 3 * PAGE_SIZE, 2);
	pinstat_test_expect_not_present(test, &whole[6], addr + 7 * PAGE_SIZE, 1);
	KUNIT_EXPECT_EQ(test, whole[1].own_pins, 1U);

	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_EQ(test, pinstat_test_inspect_mm(test, &args), 0);
		KUNIT_ASSERT_EQ(test, args.nr_records, 1U);
		r = pinstat_test_records(test, 1);
		pinstat_test_expect_same_record(test, &r[0], &whole[i]);
		KUNIT_EXPECT_EQ(test, args.cursor,
				i + 1 < nr ? whole[i + 1].addr : 0ULL);
		KUNIT_EXPECT_EQ(test, args.nr_vmas, 1U);
		if (!args.cursor)
			break;
	}
	KUNIT_EXPECT_EQ(test, i + 1, nr);
}

/*
 * The kernel's count of FOLL_PIN pins acquired or released, with what
 * each CPU has not folded into the global counter yet: a pin of a few
 * pages may not reach the global counter for a while, and a fold in the
 * middle of a test must not look like a pin.
 */
static long foll_pins(enum node_stat_item item)
{
	long sum = global_node_page_state(item);
	int nid, cpu;

	for_each_online_node(nid)
		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(NODE_DATA(nid)->per_cpu_nodestats,
					   cpu)->vm_node_stat_diff[item];
	return sum;
}

/*
 * INSPECT acquires no pin (the kernel's count sees PIN's, so it would see
 * one), leaves pin and reference counts as they were, and does not count
 * the references it holds while it looks in the refcounts it answers.
 */
static void inspect_takes_no_pin(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	unsigned long len = PINSTAT_TEST_PAGES * PAGE_SIZE;
	struct pinstat_folio_record *before, *seen, *after;
	long acquired, released;
	struct pinstat_pin_args a;
	u32 n1, n2, n3, i;

	acquired = foll_pins(NR_FOLL_PIN_ACQUIRED);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, len, 0, &a), 0L);
	KUNIT_ASSERT_EQ(test, foll_pins(NR_FOLL_PIN_ACQUIRED),
			acquired + PINSTAT_TEST_PAGES);
	before = pinstat_test_report(test, a.handle, &n1);

	acquired = foll_pins(NR_FOLL_PIN_ACQUIRED);
	released = foll_pins(NR_FOLL_PIN_RELEASED);
	seen = pinstat_test_inspect(test, t->mem, t->mem + len, &n2);
	KUNIT_EXPECT_EQ(test, foll_pins(NR_FOLL_PIN_ACQUIRED), acquired);
	KUNIT_EXPECT_EQ(test, foll_pins(NR_FOLL_PIN_RELEASED), released);

	after = pinstat_test_report(test, a.handle, &n3);
	KUNIT_ASSERT_EQ(test, n2, n1);
	KUNIT_ASSERT_EQ(test, n3, n1);
	for (i = 0; i < n1; i++) {
		KUNIT_EXPECT_EQ(test, seen[i].pincount, 1ULL);
		pinstat_test_expect_same_record(test, &seen[i], &before[i]);
		pinstat_test_expect_same_record(test, &after[i], &seen[i]);
	}
}

/*
 * The registry indexes pins lazily: pins made after an INSPECT (not yet
 * indexed), ones UNPINned after an INSPECT (taken out of the index) and
 * one made and UNPINned between two (never indexed) all count right.
 */
static void inspect_own_pins_follow_pin_and_unpin(struct kunit *test)
{
	static const u32 own_a[SPAN] = { 1, 1, 1, 1, 0, 0, 0, 0 };
	static const u32 own_abd[SPAN] = { 1, 1, 2, 2, 1, 1, 1, 0 };
	static const u32 own_b[SPAN] = { 0, 0, 1, 1, 1, 1, 0, 0 };
	struct pinstat_test *t = test->priv;
	struct pinstat_pin_args a, b, c, d;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, 4 * PAGE_SIZE, 0,
					       &a), 0L);
	expect_pins(test, own_a, no_pins);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem + 2 * PAGE_SIZE,
					       4 * PAGE_SIZE, 0, &b), 0L);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem + 6 * PAGE_SIZE,
					       PAGE_SIZE, 0, &d), 0L);
	expect_pins(test, own_abd, no_pins);
	KUNIT_ASSERT_EQ(test, pinstat_test_unpin(test, a.handle), 0L);
	KUNIT_ASSERT_EQ(test, pinstat_test_unpin(test, d.handle), 0L);
	expect_pins(test, own_b, no_pins);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem + 6 * PAGE_SIZE,
					       2 * PAGE_SIZE, 0, &c), 0L);
	KUNIT_ASSERT_EQ(test, pinstat_test_unpin(test, c.handle), 0L);
	expect_pins(test, own_b, no_pins);
	KUNIT_ASSERT_EQ(test, pinstat_test_unpin(test, b.handle), 0L);
	expect_pins(test, no_pins, no_pins);
}

/*
 * A page pinned by two sessions has two own pins, one pinned by pinstat
 * and by someone else (pin_user_pages_fast(), as a driver would) one own
 * and one foreign; closing a session takes its pins out.
 */
static void inspect_own_pins_of_two_sessions(struct kunit *test)
{
	static const u32 own_1[SPAN] = { 0, 1, 0, 0, 0, 0, 0, 0 };
	static const u32 own_2[SPAN] = { 0, 2, 1, 0, 0, 0, 0, 0 };
	static const u32 own_3[SPAN] = { 0, 1, 1, 0, 0, 0, 0, 0 };
	static const u32 foreign[SPAN] = { 0, 0, 1, 0, 0, 0, 0, 0 };
	struct pinstat_test *t = test->priv;
	struct pinstat_session *other;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem + PAGE_SIZE,
					       PAGE_SIZE, 0, NULL), 0L);
	expect_pins(test, own_1, no_pins);
	other = pinstat_test_session_open(test);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin_in(test, other,
						  t->mem + PAGE_SIZE, PAGE_SIZE,
						  0, NULL), 0L);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem + 2 * PAGE_SIZE,
					       PAGE_SIZE, 0, NULL), 0L);
	pinstat_test_foreign_pin(test, t->mem + 2 * PAGE_SIZE);
	expect_pins(test, own_2, foreign);
	pinstat_test_foreign_unpin(test);
	pinstat_test_session_close(test, other);
	expect_pins(test, own_3, no_pins);
}

/*
 * A PROT_NONE mapping has no page GUP may look at: NOT_PRESENT, one
 * record with the absent page after it.  A hole between mappings has no
 * record, ends a run of absent pages and is not counted as a VMA.
 */
static void inspect_prot_none_and_hole(struct kunit *test)
{
	unsigned long addr = pinstat_test_mmap(test, SPAN * PAGE_SIZE,
					       PROT_READ | PROT_WRITE);
	unsigned long prot_none = addr + 3 * PAGE_SIZE;
	unsigned long hole = addr + 5 * PAGE_SIZE;
	struct pinstat_inspect_args args = {
		.start = addr, .end = addr + SPAN * PAGE_SIZE,
		.nr_records = PINSTAT_TEST_RECORDS,
	};
	/* Pages 0-2 and 7 written, 3 PROT_NONE, 4 and 6 absent, 5 a hole. */
	static const struct {
		int page;
		u32 absent;	/* pages of a NOT_PRESENT record, or 0 */
	} want[] = { { 0 }, { 1 }, { 2 }, { 3, 2 }, { 6, 1 }, { 7 } };
	struct pinstat_folio_record *r;
	u32 i;

	pinstat_test_touch(test, addr, 3 * PAGE_SIZE);
	pinstat_test_touch(test, addr + 7 * PAGE_SIZE, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, pinstat_test_remap(prot_none, PAGE_SIZE,
						 PROT_NONE), prot_none);
	KUNIT_ASSERT_EQ(test, vm_munmap(hole, PAGE_SIZE), 0);

	/* VMAs: pages 0-2, 3 (PROT_NONE), 4, then 6-7 after the hole. */
	KUNIT_ASSERT_EQ(test, pinstat_test_inspect_mm(test, &args), 0);
	KUNIT_EXPECT_EQ(test, args.cursor, 0ULL);
	KUNIT_EXPECT_EQ(test, args.nr_vmas, 4U);
	KUNIT_ASSERT_EQ(test, args.nr_records, (u32)ARRAY_SIZE(want));
	r = pinstat_test_records(test, args.nr_records);
	for (i = 0; i < args.nr_records; i++) {
		if (want[i].absent) {
			pinstat_test_expect_not_present(test, &r[i],
							addr + want[i].page *
							PAGE_SIZE,
							want[i].absent);
			continue;
		}
		KUNIT_EXPECT_EQ(test, r[i].addr,
				(u64)addr + want[i].page * PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, r[i].flags, PINSTAT_FOLIO_MAPCOUNT_VALID);
	}

	r = pinstat_test_inspect(test, prot_none, prot_none + PAGE_SIZE, &i);
	KUNIT_ASSERT_EQ(test, i, 1U);
	pinstat_test_expect_not_present(test, &r[0], prot_none, 1);

	args.start = hole;
	args.end = hole + PAGE_SIZE;
	KUNIT_ASSERT_EQ(test, pinstat_test_inspect_mm(test, &args), 0);
	KUNIT_EXPECT_EQ(test, args.nr_records, 0U);
	KUNIT_EXPECT_EQ(test, args.nr_vmas, 0U);
	KUNIT_EXPECT_EQ(test, args.cursor, 0ULL);
}

/* Records that cannot be copied out fail the call. */
static void inspect_unwritable_records(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_inspect_args args = {
		.start = t->mem,
		.end = t->mem + SPAN * PAGE_SIZE,
		.records = 16,
		.nr_records = SPAN,
		.record_size = sizeof(struct pinstat_folio_record),
	};

	KUNIT_EXPECT_EQ(test, pinstat_inspect_mm(current->mm, &args), -EFAULT);
}

static struct kunit_case pinstat_inspect_cases[] = {
	KUNIT_CASE(inspect_own_pins_match_report),
	KUNIT_CASE(inspect_untouched_not_present),
	KUNIT_CASE(inspect_cursor_walks_record_by_record),
	KUNIT_CASE(inspect_takes_no_pin),
	KUNIT_CASE(inspect_own_pins_follow_pin_and_unpin),
	KUNIT_CASE(inspect_own_pins_of_two_sessions),
	KUNIT_CASE(inspect_prot_none_and_hole),
	KUNIT_CASE(inspect_unwritable_records),
	{}
};

static struct kunit_suite pinstat_inspect_suite = {
	.name = "pinstat_inspect",
	.init = pinstat_test_init,
	.exit = pinstat_test_exit,
	.test_cases = pinstat_inspect_cases,
};

kunit_test_suite(pinstat_inspect_suite);
