// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "pinstat_census": PINSTAT_IOC_CENSUS through the module's
 * ioctl handler, over the pfns of the test's own pages.  pinstat's pins and
 * a pin taken behind its back are found at their pages' pfns with the
 * counts they have, whatever the batch size; unpinned, they are gone.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/uaccess.h>

#include "pinstat_kunit.h"

/* Pages of mem the cases pin: 0-3 pinstat's, FOREIGN someone else's. */
#define OWN	4
#define FOREIGN	5

/* The pfn of page @i of mem. */
static unsigned long census_pfn(struct kunit *test, unsigned int i)
{
	struct pinstat_test *t = test->priv;
	struct page *page;
	unsigned long pfn;

	KUNIT_ASSERT_EQ(test, get_user_pages_fast(t->mem + i * PAGE_SIZE, 1, 0,
						  &page), 1);
	pfn = page_to_pfn(page);
	put_page(page);
	return pfn;
}

/*
 * CENSUS of [@lo, @hi] in calls of @batch records (the cursor followed);
 * the records, kunit-managed, and their number in *@nr.
 */
static struct pinstat_census_record *census(struct kunit *test,
					    unsigned long lo, unsigned long hi,
					    u32 batch, u32 *nr)
{
	struct pinstat_test *t = test->priv;
	size_t max = PINSTAT_TEST_RECORDS * sizeof(struct pinstat_folio_record) /
		     sizeof(struct pinstat_census_record);
	struct pinstat_census_record *recs;
	struct pinstat_census_args a = {
		.start_pfn = lo,
		.end_pfn = hi + 1,
		.records = t->recs,
		.record_size = sizeof(*recs),
	};

	recs = kunit_kcalloc(test, max, sizeof(*recs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, recs);
	*nr = 0;
	/* Freshly written pages hold a reference in this CPU's LRU batch. */
	lru_add_drain_all();
	do {
		a.nr_records = min_t(u32, batch, max - *nr);
		KUNIT_ASSERT_GT(test, a.nr_records, 0U);
		KUNIT_ASSERT_EQ(test, pinstat_test_ioctl(test, PINSTAT_IOC_CENSUS,
							 &a, sizeof(a)), 0L);
		KUNIT_ASSERT_EQ(test, copy_from_user(recs + *nr,
						     u64_to_user_ptr(a.records),
						     a.nr_records * sizeof(*recs)),
				0UL);
		*nr += a.nr_records;
	} while (a.cursor);
	return recs;
}

static const struct pinstat_census_record *
census_at(const struct pinstat_census_record *r, u32 nr, unsigned long pfn)
{
	u32 i;

	for (i = 0; i < nr; i++)
		if (r[i].folio.pfn == pfn)
			return &r[i];
	return NULL;
}

/* The span of the pfns of pages 0-FOREIGN of mem, and each page's pfn. */
static void census_span(struct kunit *test, unsigned long pfn[FOREIGN + 1],
			unsigned long *lo, unsigned long *hi)
{
	unsigned int i;

	*lo = ULONG_MAX;
	*hi = 0;
	for (i = 0; i <= FOREIGN; i++) {
		pfn[i] = census_pfn(test, i);
		*lo = min(*lo, pfn[i]);
		*hi = max(*hi, pfn[i]);
	}
}

/* One small page pinned once by @own_pins' owner: what its record says. */
static void expect_pinned_once(struct kunit *test,
			       const struct pinstat_census_record *r,
			       u32 own_pins)
{
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->folio.order, 0U);
	KUNIT_EXPECT_EQ(test, r->folio.kind, (u32)PINSTAT_KIND_ANON);
	KUNIT_EXPECT_EQ(test, r->folio.pincount, 1ULL);
	KUNIT_EXPECT_EQ(test, r->folio.own_pins, own_pins);
	KUNIT_EXPECT_EQ(test, r->folio.foreign_pins, 1 - own_pins);
	KUNIT_EXPECT_EQ(test, r->folio.mapcount, 1);
	KUNIT_EXPECT_EQ(test, r->unexplained, (u32)GUP_PIN_COUNTING_BIAS);
	KUNIT_EXPECT_EQ(test, r->flags,
			(u32)(PINSTAT_CENSUS_PINNED | PINSTAT_CENSUS_UNEXPLAINED));
}

/*
 * pinstat's pins of pages 0-3 and a foreign pin of page 5 are found at
 * their pfns, the same in batches of one record as of many; page 4 is
 * not pinned and not reported.  Unpinned, none is.
 */
static void census_finds_own_and_foreign_pins(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	const struct pinstat_census_record *r;
	struct pinstat_census_record *many, *one;
	unsigned long pfn[FOREIGN + 1], lo, hi;
	struct pinstat_pin_args a;
	u32 nr_many, nr_one, i;

	census_span(test, pfn, &lo, &hi);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, OWN * PAGE_SIZE, 0,
					       &a), 0L);
	pinstat_test_foreign_pin(test, t->mem + FOREIGN * PAGE_SIZE);

	many = census(test, lo, hi, 64, &nr_many);
	one = census(test, lo, hi, 1, &nr_one);
	KUNIT_EXPECT_EQ(test, nr_one, nr_many);
	for (i = 0; i < OWN; i++)
		expect_pinned_once(test, census_at(many, nr_many, pfn[i]), 1);
	expect_pinned_once(test, census_at(many, nr_many, pfn[FOREIGN]), 0);
	KUNIT_EXPECT_NULL(test, census_at(many, nr_many, pfn[OWN]));
	for (i = 0; i < nr_one && i < nr_many; i++)
		KUNIT_EXPECT_EQ(test, one[i].folio.pfn, many[i].folio.pfn);

	KUNIT_ASSERT_EQ(test, pinstat_test_unpin(test, a.handle), 0L);
	pinstat_test_foreign_unpin(test);
	many = census(test, lo, hi, 64, &nr_many);
	for (i = 0; i <= FOREIGN; i++) {
		r = census_at(many, nr_many, pfn[i]);
		KUNIT_EXPECT_TRUE(test, !r || !(r->flags & PINSTAT_CENSUS_PINNED));
	}
}

/* A census is refused without room for a record, or with a bad range. */
static void census_rejects_bad_arguments(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_census_args a = {
		.start_pfn = 1,
		.end_pfn = 1,
		.records = t->recs,
		.nr_records = 1,
		.record_size = sizeof(struct pinstat_census_record),
	};

	KUNIT_EXPECT_EQ(test, pinstat_test_ioctl(test, PINSTAT_IOC_CENSUS, &a,
						 sizeof(a)), (long)-EINVAL);
	a.end_pfn = 2;
	a.nr_records = 0;
	KUNIT_EXPECT_EQ(test, pinstat_test_ioctl(test, PINSTAT_IOC_CENSUS, &a,
						 sizeof(a)), (long)-EINVAL);
	a.nr_records = 1;
	a.cursor = 5;
	KUNIT_EXPECT_EQ(test, pinstat_test_ioctl(test, PINSTAT_IOC_CENSUS, &a,
						 sizeof(a)), (long)-EINVAL);
	a.cursor = 0;
	KUNIT_EXPECT_EQ(test, pinstat_test_ioctl(test, PINSTAT_IOC_CENSUS, &a,
						 sizeof(a)), 0L);
}

static struct kunit_case pinstat_census_cases[] = {
	KUNIT_CASE(census_finds_own_and_foreign_pins),
	KUNIT_CASE(census_rejects_bad_arguments),
	{}
};

static struct kunit_suite pinstat_census_suite = {
	.name = "pinstat_census",
	.init = pinstat_test_init,
	.exit = pinstat_test_exit,
	.test_cases = pinstat_census_cases,
};

kunit_test_suite(pinstat_census_suite);
