// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "pinstat_large_folio": exact pin counts of 2 MiB THP and
 * hugetlb folios, in REPORT and INSPECT.  Needs THP and hugetlbfs with a
 * free 2 MiB huge page (the x86_64 run boots with hugepages=4); under UML
 * every case is skipped with the reason.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sizes.h>
#include <linux/syscalls.h>

#include "pinstat_kunit.h"

/* Pages of a 2 MiB folio: order 9 with 4 KiB pages. */
#define PMD_FOLIO_PAGES	(SZ_2M / PAGE_SIZE)

/* 2 MiB of THP, aligned; skips when the kernel has none. */
static unsigned long map_thp(struct kunit *test, bool fault_in)
{
	unsigned long raw, addr;

	if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		kunit_skip(test, "no THP in this kernel (UML has none)");
	/* x86_64 maps THP with 2 MiB PMDs. */
	raw = pinstat_test_mmap(test, 2 * SZ_2M, PROT_READ | PROT_WRITE);
	addr = ALIGN(raw, SZ_2M);
	if (fault_in)
		pinstat_test_touch(test, addr, SZ_2M);
	return addr;
}

/* A 2 MiB hugetlb page; skips when there is none. */
static unsigned long map_hugetlb_2m(struct kunit *test, bool fault_in)
{
	unsigned long addr;

	if (!IS_ENABLED(CONFIG_HUGETLBFS))
		kunit_skip(test, "no hugetlbfs in this kernel (UML has none)");
	addr = ksys_mmap_pgoff(0, SZ_2M, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
			       MAP_HUGE_2MB, -1, 0);
	if (IS_ERR_VALUE(addr))
		kunit_skip(test, "no 2 MiB huge page (boot with hugepages=N)");
	if (fault_in)
		pinstat_test_touch(test, addr, SZ_2M);
	return addr;
}

static void check_large_folio(struct kunit *test, unsigned long addr,
			      u32 kind)
{
	struct pinstat_folio_record *r, *two, *half;
	struct pinstat_pin_args a, b, c;
	u32 nr;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, addr, SZ_2M,
					       PINSTAT_PIN_WRITE |
					       PINSTAT_PIN_LONGTERM, &a), 0L);
	KUNIT_EXPECT_EQ(test, a.nr_runs, 1ULL);
	KUNIT_EXPECT_EQ(test, a.runs_by_order[9], 1ULL);
	/* One tagged run: two slots. */
	KUNIT_EXPECT_EQ(test, a.bookkeeping_bytes,
			(u64)(sizeof(struct pinstat_pin) + 2 * sizeof(long)));
	r = pinstat_test_report(test, a.handle, &nr);
	KUNIT_ASSERT_EQ(test, nr, 1U);
	KUNIT_EXPECT_EQ(test, r[0].order, 9U);
	KUNIT_EXPECT_EQ(test, r[0].kind, kind);
	KUNIT_EXPECT_EQ(test, r[0].nr_pages, 512U);
	KUNIT_EXPECT_EQ(test, r[0].first_page, 0U);
	KUNIT_EXPECT_TRUE(test, r[0].flags & PINSTAT_FOLIO_EXACT);
	KUNIT_EXPECT_EQ(test, r[0].pincount, 512ULL);
	KUNIT_EXPECT_EQ(test, r[0].refcount, 513U);

	/* A second whole pin and an overlapping half pin add up. */
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, addr, SZ_2M, 0, &b), 0L);
	two = pinstat_test_report(test, b.handle, &nr);
	KUNIT_EXPECT_EQ(test, two[0].pincount, 1024ULL);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, addr + SZ_1M, SZ_1M, 0,
					       &c), 0L);
	half = pinstat_test_report(test, c.handle, &nr);
	KUNIT_ASSERT_EQ(test, nr, 1U);
	KUNIT_EXPECT_EQ(test, half[0].first_page, 256U);
	KUNIT_EXPECT_EQ(test, half[0].nr_pages, 256U);
	KUNIT_EXPECT_EQ(test, half[0].addr, (u64)addr + SZ_1M);
	KUNIT_EXPECT_EQ(test, half[0].pincount, 1280ULL);
	KUNIT_EXPECT_EQ(test, half[0].pfn, r[0].pfn);

	/* Unpinning gives them back, down to the first pin's own. */
	KUNIT_ASSERT_EQ(test, pinstat_test_unpin(test, b.handle), 0L);
	KUNIT_ASSERT_EQ(test, pinstat_test_unpin(test, c.handle), 0L);
	r = pinstat_test_report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[0].pincount, 512ULL);
	KUNIT_EXPECT_EQ(test, r[0].refcount, 513U);
	KUNIT_ASSERT_EQ(test, pinstat_test_unpin(test, a.handle), 0L);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, addr, PAGE_SIZE, 0, &a),
			0L);
	r = pinstat_test_report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[0].pincount, 1ULL);
}

static void thp_pin_count_exact(struct kunit *test)
{
	check_large_folio(test, map_thp(test, true), PINSTAT_KIND_ANON_THP);
}

static void hugetlb_2m_pin_count_exact(struct kunit *test)
{
	check_large_folio(test, map_hugetlb_2m(test, true),
			  PINSTAT_KIND_HUGETLB);
}

static void large_folio_released_with_session(struct kunit *test)
{
	unsigned long addr = map_thp(test, true);
	struct pinstat_session *other;
	struct pinstat_folio_record *r;
	struct pinstat_pin_args a;
	u32 nr;

	other = pinstat_test_session_open(test);
	KUNIT_EXPECT_EQ(test, pinstat_test_pin_in(test, other, addr, SZ_2M, 0,
						  NULL), 0L);
	KUNIT_EXPECT_EQ(test, pinstat_test_pin_in(test, other, addr, SZ_2M, 0,
						  NULL), 0L);
	pinstat_test_session_close(test, other);

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, addr, SZ_2M, 0, &a), 0L);
	r = pinstat_test_report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[0].pincount, 512ULL);
}

/*
 * INSPECT of a 2 MiB folio at @addr, not faulted in yet: absent as a
 * whole and left so; once written, one exact record whose refcount
 * leaves out the 512 references the lookup holds; half of it pinned, the
 * same record as REPORT's, also when looked up one record a call.
 */
static void check_large_inspect(struct kunit *test, unsigned long addr,
				u32 kind)
{
	struct pinstat_inspect_args args = {
		.start = addr, .end = addr + SZ_2M, .nr_records = 1,
	};
	struct pinstat_folio_record *r, *whole, *half, *rep;
	struct pinstat_pin_args a;
	u32 nr;

	r = pinstat_test_inspect(test, addr, addr + SZ_2M, &nr);
	KUNIT_ASSERT_EQ(test, nr, 1U);
	pinstat_test_expect_not_present(test, &r[0], addr, PMD_FOLIO_PAGES);
	r = pinstat_test_inspect(test, addr, addr + SZ_2M, &nr);
	KUNIT_ASSERT_EQ(test, nr, 1U);
	pinstat_test_expect_not_present(test, &r[0], addr, PMD_FOLIO_PAGES);

	pinstat_test_touch(test, addr, SZ_2M);
	r = pinstat_test_inspect(test, addr, addr + SZ_2M, &nr);
	KUNIT_ASSERT_EQ(test, nr, 1U);
	KUNIT_EXPECT_EQ(test, r[0].addr, (u64)addr);
	KUNIT_EXPECT_EQ(test, r[0].order, 9U);
	KUNIT_EXPECT_EQ(test, r[0].kind, kind);
	KUNIT_EXPECT_EQ(test, r[0].first_page, 0U);
	KUNIT_EXPECT_EQ(test, r[0].nr_pages, 512U);
	KUNIT_EXPECT_EQ(test, r[0].flags,
			PINSTAT_FOLIO_EXACT | PINSTAT_FOLIO_MAPCOUNT_VALID);
	KUNIT_EXPECT_EQ(test, r[0].mapcount, 1);
	KUNIT_EXPECT_EQ(test, r[0].refcount, 1U);
	KUNIT_EXPECT_EQ(test, r[0].pincount, 0ULL);

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, addr + SZ_1M, SZ_1M, 0,
					       &a), 0L);
	rep = pinstat_test_report(test, a.handle, &nr);
	KUNIT_ASSERT_EQ(test, nr, 1U);
	whole = pinstat_test_inspect(test, addr, addr + SZ_2M, &nr);
	KUNIT_ASSERT_EQ(test, nr, 1U);
	KUNIT_EXPECT_EQ(test, whole[0].pfn, rep[0].pfn);
	KUNIT_EXPECT_EQ(test, whole[0].first_page, 0U);
	KUNIT_EXPECT_EQ(test, whole[0].nr_pages, 512U);
	KUNIT_EXPECT_EQ(test, whole[0].pincount, 256ULL);
	KUNIT_EXPECT_EQ(test, whole[0].refcount, 257U);
	KUNIT_EXPECT_EQ(test, whole[0].own_pins, 256U);
	KUNIT_EXPECT_EQ(test, whole[0].foreign_pins, 0U);
	half = pinstat_test_inspect(test, addr + SZ_1M, addr + SZ_2M, &nr);
	KUNIT_ASSERT_EQ(test, nr, 1U);
	KUNIT_EXPECT_EQ(test, half[0].refcount, 257U);
	pinstat_test_expect_same_record(test, &half[0], &rep[0]);

	/* One record a call: the folio is looked up a page, then the rest. */
	KUNIT_ASSERT_EQ(test, pinstat_test_inspect_mm(test, &args), 0);
	KUNIT_ASSERT_EQ(test, args.nr_records, 1U);
	KUNIT_EXPECT_EQ(test, args.cursor, 0ULL);
	r = pinstat_test_records(test, 1);
	pinstat_test_expect_same_record(test, &r[0], &whole[0]);
}

static void thp_inspect_exact(struct kunit *test)
{
	check_large_inspect(test, map_thp(test, false), PINSTAT_KIND_ANON_THP);
}

static void hugetlb_2m_inspect_exact(struct kunit *test)
{
	check_large_inspect(test, map_hugetlb_2m(test, false),
			    PINSTAT_KIND_HUGETLB);
}

static struct kunit_case pinstat_large_folio_cases[] = {
	KUNIT_CASE(thp_pin_count_exact),
	KUNIT_CASE(hugetlb_2m_pin_count_exact),
	KUNIT_CASE(large_folio_released_with_session),
	KUNIT_CASE(thp_inspect_exact),
	KUNIT_CASE(hugetlb_2m_inspect_exact),
	{}
};

static struct kunit_suite pinstat_large_folio_suite = {
	.name = "pinstat_large_folio",
	.init = pinstat_test_init,
	.exit = pinstat_test_exit,
	.test_cases = pinstat_large_folio_cases,
};

kunit_test_suite(pinstat_large_folio_suite);
