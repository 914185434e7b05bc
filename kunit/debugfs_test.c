// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "pinstat_debugfs": the summary, pins and runs files, read
 * through their own file_operations, against the counters and REPORT.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "pinstat_kunit.h"

static void debugfs_summary_matches(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_stats_snapshot snap;
	struct pinstat_pin_args a;
	char *text;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, 6 * PAGE_SIZE, 0,
					       &a), 0L);
	text = pinstat_test_read_debugfs(test, &pinstat_summary_fops,
					 PAGE_SIZE);
	pinstat_stats_read(&snap);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(text, "sessions"),
			snap.sessions);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(text, "pins"), snap.pins);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(text, "pages"),
			snap.pages);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(text, "bytes_pinned"),
			snap.pages * (s64)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(text, "runs"), snap.runs);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(text, "bookkeeping"),
			snap.bookkeeping);
	KUNIT_EXPECT_GE(test, pinstat_test_key_value(text, "runs_order0"), 6LL);
	KUNIT_EXPECT_EQ(test,
			pinstat_test_key_value(text, "max_pins_per_session"),
			(long long)pinstat_max_pins_per_session);
	KUNIT_EXPECT_GE(test,
			pinstat_test_key_value(text, "nr_foll_pin_acquired"),
			0LL);
}

static void debugfs_pins_lists_pin(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_pin_args a;
	char *text, *line = NULL;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, 3 * PAGE_SIZE,
					       PINSTAT_PIN_WRITE, &a), 0L);
	text = pinstat_test_read_debugfs(test, &pinstat_pins_fops, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, pinstat_test_session_lines(text, t->s->id, &line),
			1);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "handle"),
			(long long)a.handle);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "pid"),
			(long long)task_tgid_nr(current));
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "addr"),
			(long long)t->mem);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "pages"), 3LL);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "runs"), 3LL);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "bookkeeping"),
			(long long)a.bookkeeping_bytes);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "flags=write "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "pincount=estimate "));

	KUNIT_ASSERT_EQ(test, pinstat_test_unpin(test, a.handle), 0L);
	text = pinstat_test_read_debugfs(test, &pinstat_pins_fops, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, pinstat_test_session_lines(text, t->s->id, NULL),
			0);
}

/* The first run's line has every field of REPORT's first record. */
static void debugfs_runs_match_report(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_folio_record *r;
	struct pinstat_pin_args a;
	char *text, *line = NULL;
	u32 nr;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, 4 * PAGE_SIZE, 0,
					       &a), 0L);
	r = pinstat_test_report(test, a.handle, &nr);
	text = pinstat_test_read_debugfs(test, &pinstat_runs_fops, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, pinstat_test_session_lines(text, t->s->id, &line),
			(int)nr);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "addr"),
			(long long)r[0].addr);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "pfn"),
			(long long)r[0].pfn);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "order"), 0LL);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "first_page"), 0LL);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "pages"), 1LL);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "pincount"),
			(long long)r[0].pincount);
	pinstat_test_expect_refcount(test,
				     pinstat_test_key_value(line, "refcount"),
				     r[0].refcount);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "mapcount"),
			(long long)r[0].mapcount);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "exact"), 0LL);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "maybe_dma_pinned"),
			1LL);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "own_pins"), 1LL);
	KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "foreign_pins"),
			0LL);
	KUNIT_EXPECT_GT(test, pinstat_test_key_value(line, "pin_headroom"), 0LL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "kind=anon "));
}

/*
 * Many records read a few bytes at a time: the cursor must resume where
 * the last read stopped, every line once, in address order.
 */
static void debugfs_runs_resume_in_small_reads(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	unsigned long len = PINSTAT_TEST_PAGES * PAGE_SIZE;
	struct pinstat_pin_args a, b;
	char *text, *line = NULL;
	long long prev = -1, addr;
	int n, i;

	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, len, 0, &a), 0L);
	KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, len, 0, &b), 0L);
	text = pinstat_test_read_debugfs(test, &pinstat_runs_fops, 97);
	n = pinstat_test_session_lines(text, t->s->id, &line);
	KUNIT_ASSERT_EQ(test, n, 2 * PINSTAT_TEST_PAGES);
	for (i = 0; i < n; i++) {
		addr = pinstat_test_key_value(line, "addr");
		if (i == PINSTAT_TEST_PAGES)
			prev = -1;	/* second pin starts over */
		KUNIT_EXPECT_GT(test, addr, prev);
		KUNIT_EXPECT_EQ(test, pinstat_test_key_value(line, "handle"),
				(long long)(i < PINSTAT_TEST_PAGES ? a.handle :
								     b.handle));
		prev = addr;
		line = strchr(line, '\n') + 1;
	}
}

static struct kunit_case pinstat_debugfs_cases[] = {
	KUNIT_CASE(debugfs_summary_matches),
	KUNIT_CASE(debugfs_pins_lists_pin),
	KUNIT_CASE(debugfs_runs_match_report),
	KUNIT_CASE(debugfs_runs_resume_in_small_reads),
	{}
};

static struct kunit_suite pinstat_debugfs_suite = {
	.name = "pinstat_debugfs",
	.init = pinstat_test_init,
	.exit = pinstat_test_exit,
	.test_cases = pinstat_debugfs_cases,
};

kunit_test_suite(pinstat_debugfs_suite);
