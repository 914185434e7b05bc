// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "pinstat_limits": the per-session pin and page quotas, the
 * refcount limit, and the charge to the mm's pinned_vm (RLIMIT_MEMLOCK).
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/sched.h>

#include "pinstat_kunit.h"

static void pin_limit(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_stats_snapshot before, after;

	pinstat_max_pins_per_session = 3;
	KUNIT_EXPECT_EQ(test, pinstat_test_pin(test, t->mem, PAGE_SIZE, 0,
					       NULL), 0L);
	KUNIT_EXPECT_EQ(test, pinstat_test_pin(test, t->mem, PAGE_SIZE, 0,
					       NULL), 0L);
	/* The one just under the limit... */
	KUNIT_EXPECT_EQ(test, pinstat_test_pin(test, t->mem, PAGE_SIZE, 0,
					       NULL), 0L);
	pinstat_stats_read(&before);
	/* ...and the one that crosses it. */
	KUNIT_EXPECT_EQ(test, pinstat_test_pin(test, t->mem, PAGE_SIZE, 0,
					       NULL), (long)-EMFILE);
	pinstat_stats_read(&after);
	KUNIT_EXPECT_EQ(test, after.pins, before.pins);
	KUNIT_EXPECT_EQ(test, after.failures, before.failures + 1);
	KUNIT_EXPECT_EQ(test, t->s->nr_pins, 3U);
}

static void page_limit(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_stats_snapshot before, after;

	pinstat_max_pages_per_session = 6;
	KUNIT_EXPECT_EQ(test, pinstat_test_pin(test, t->mem, 4 * PAGE_SIZE, 0,
					       NULL), 0L);
	pinstat_stats_read(&before);
	KUNIT_EXPECT_EQ(test, pinstat_test_pin(test, t->mem, 3 * PAGE_SIZE, 0,
					       NULL), (long)-EDQUOT);
	pinstat_stats_read(&after);
	KUNIT_EXPECT_EQ(test, after.pages, before.pages);
	/* Exactly up to the limit is fine. */
	KUNIT_EXPECT_EQ(test, pinstat_test_pin(test, t->mem, 2 * PAGE_SIZE, 0,
					       NULL), 0L);
	KUNIT_EXPECT_EQ(test, t->s->nr_pages, 6UL);
}

/*
 * A pin that would leave a refcount above refcount_limit is refused and
 * undone; the records count down the pins left.  Each pin adds
 * GUP_PIN_COUNTING_BIAS to the page's refcount.  The limit is set from the
 * refcount seen after the first pin (a fresh page may still have a
 * reference in a per-CPU LRU batch), with room for one more pin.
 */
static void refcount_limit_refuses(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_stats_snapshot before, after;
	struct pinstat_folio_record *r;
	struct pinstat_pin_args a;
	u32 nr, first;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, PAGE_SIZE, 0, &a),
			0L);
	r = pinstat_test_report(test, a.handle, &nr);
	first = r[0].refcount;
	KUNIT_ASSERT_GT(test, first, (u32)GUP_PIN_COUNTING_BIAS);
	pinstat_refcount_limit = first + GUP_PIN_COUNTING_BIAS;
	r = pinstat_test_report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[0].pin_headroom, 1U);
	/* The one that reaches the limit... */
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, PAGE_SIZE, 0,
					       NULL), 0L);
	r = pinstat_test_report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[0].pin_headroom, 0U);
	pinstat_stats_read(&before);
	/* ...and the one that would cross it, undone. */
	KUNIT_EXPECT_EQ(test, pinstat_test_pin(test, t->mem, 2 * PAGE_SIZE, 0,
					       NULL), (long)-ETOOMANYREFS);
	pinstat_stats_read(&after);
	KUNIT_EXPECT_EQ(test, after.pins, before.pins);
	KUNIT_EXPECT_EQ(test, after.pages, before.pages);
	KUNIT_EXPECT_EQ(test, after.failures, before.failures + 1);
	KUNIT_EXPECT_EQ(test, t->s->nr_pages, 2UL);
	r = pinstat_test_report(test, a.handle, &nr);
	pinstat_test_expect_refcount(test, r[0].refcount,
				     first + GUP_PIN_COUNTING_BIAS);
}

/* Pinned pages are charged to the mm's pinned_vm until released. */
static void pinned_vm_charged_and_returned(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	s64 start = atomic64_read(&current->mm->pinned_vm);
	struct pinstat_session *other;
	struct pinstat_pin_args a;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, 3 * PAGE_SIZE, 0,
					       &a), 0L);
	KUNIT_EXPECT_EQ(test, atomic64_read(&current->mm->pinned_vm), start + 3);
	/* A failed pin charges nothing. */
	KUNIT_EXPECT_EQ(test, pinstat_test_pin(test, t->mem, 0, 0, NULL),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&current->mm->pinned_vm), start + 3);
	KUNIT_ASSERT_EQ(test, pinstat_test_unpin(test, a.handle), 0L);
	KUNIT_EXPECT_EQ(test, atomic64_read(&current->mm->pinned_vm), start);

	other = pinstat_test_session_open(test);
	KUNIT_EXPECT_EQ(test, pinstat_test_pin_in(test, other, t->mem,
						  5 * PAGE_SIZE, 0, NULL), 0L);
	KUNIT_EXPECT_EQ(test, atomic64_read(&current->mm->pinned_vm), start + 5);
	pinstat_test_session_close(test, other);
	KUNIT_EXPECT_EQ(test, atomic64_read(&current->mm->pinned_vm), start);
}

static struct kunit_case pinstat_limits_cases[] = {
	KUNIT_CASE(pin_limit),
	KUNIT_CASE(page_limit),
	KUNIT_CASE(refcount_limit_refuses),
	KUNIT_CASE(pinned_vm_charged_and_returned),
	{}
};

static struct kunit_suite pinstat_limits_suite = {
	.name = "pinstat_limits",
	.init = pinstat_test_init,
	.exit = pinstat_test_exit,
	.test_cases = pinstat_limits_cases,
};

kunit_test_suite(pinstat_limits_suite);
