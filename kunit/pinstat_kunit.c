// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pinstat: real pins of real user memory.
 *
 * The test kthread gets a user mm, maps anonymous memory, and drives the
 * module's own ioctl handler with the argument structs placed in that user
 * memory, so the copy_from_user/copy_to_user paths run as for a process.
 * The debugfs files are read through their own file_operations.  Large
 * folios need THP and hugetlbfs (the x86_64 run); under UML those cases
 * are skipped with the reason.
 */

#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>

#define PINSTAT_COMPAT_KUNIT
#include "pinstat_compat.h"
#include "pinstat_internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define MEM_PAGES	16
#define RECS_MAX	1024
#define READ_BUF	PAGE_SIZE
#define TEXT_MAX	(256 << 10)

/**
 * struct pinstat_test - per-test state
 * @file: stands in for an open /dev/pinstat; private_data is @s
 * @s: the session under test
 * @args: user page holding the ioctl argument struct
 * @recs: user array for folio records
 * @mem: MEM_PAGES pages of written anonymous memory to pin
 * @rw: user buffer debugfs reads land in
 * @max_pins: module parameter to restore
 * @max_pages: module parameter to restore
 * @refcount_limit: module parameter to restore
 */
struct pinstat_test {
	struct file *file;
	struct pinstat_session *s;
	unsigned long args;
	unsigned long recs;
	unsigned long mem;
	unsigned long rw;
	unsigned int max_pins;
	unsigned int max_pages;
	unsigned int refcount_limit;
};

static unsigned long test_mmap(struct kunit *test, unsigned long len,
			       unsigned long prot)
{
	unsigned long addr = pinstat_kunit_vm_mmap(test, len, prot,
						   MAP_PRIVATE | MAP_ANONYMOUS);

	KUNIT_ASSERT_NE_MSG(test, addr, 0UL, "no user memory for the test");
	return addr;
}

/* Write every page so it is faulted in as anonymous memory. */
static void touch(struct kunit *test, unsigned long addr, unsigned long len)
{
	static const char pattern[] = "pinstat";
	unsigned long off;

	for (off = 0; off < len; off += PAGE_SIZE)
		KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)(addr + off),
						   pattern, sizeof(pattern)), 0UL);
}

static int pinstat_test_init(struct kunit *test)
{
	struct pinstat_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->file = kunit_kzalloc(test, sizeof(*t->file), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->file);
	t->args = test_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE);
	t->recs = test_mmap(test, RECS_MAX * sizeof(struct pinstat_folio_record),
			    PROT_READ | PROT_WRITE);
	t->rw = test_mmap(test, READ_BUF, PROT_READ | PROT_WRITE);
	t->mem = test_mmap(test, MEM_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE);
	touch(test, t->mem, MEM_PAGES * PAGE_SIZE);
	t->s = pinstat_session_create();
	KUNIT_ASSERT_NOT_NULL(test, t->s);
	t->file->private_data = t->s;
	t->max_pins = pinstat_max_pins_per_session;
	t->max_pages = pinstat_max_pages_per_session;
	t->refcount_limit = pinstat_refcount_limit;
	test->priv = t;
	return 0;
}

static void pinstat_test_exit(struct kunit *test)
{
	struct pinstat_test *t = test->priv;

	if (!t)
		return;
	pinstat_max_pins_per_session = t->max_pins;
	pinstat_max_pages_per_session = t->max_pages;
	pinstat_refcount_limit = t->refcount_limit;
	if (t->s)
		pinstat_session_destroy(t->s);
}

/* Run one ioctl with @arg copied into user memory and back. */
static long ioc(struct kunit *test, unsigned int cmd, void *arg, size_t size)
{
	struct pinstat_test *t = test->priv;
	long ret;

	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)t->args, arg, size),
			0UL);
	ret = pinstat_ioctl(t->file, cmd, t->args);
	KUNIT_ASSERT_EQ(test, copy_from_user(arg, (void __user *)t->args, size),
			0UL);
	return ret;
}

static long pin(struct kunit *test, unsigned long addr, unsigned long len,
		u32 flags, struct pinstat_pin_args *out)
{
	struct pinstat_pin_args args = {
		.addr = addr, .len = len, .flags = flags,
	};
	long ret = ioc(test, PINSTAT_IOC_PIN, &args, sizeof(args));

	if (out)
		*out = args;
	return ret;
}

static long unpin(struct kunit *test, u32 handle)
{
	struct pinstat_unpin_args args = { .handle = handle };

	return ioc(test, PINSTAT_IOC_UNPIN, &args, sizeof(args));
}

/* All records of a pin, copied to kernel memory the test owns. */
static struct pinstat_folio_record *report(struct kunit *test, u32 handle,
					   u32 *nr)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_report_args args = {
		.handle = handle,
		.records = t->recs,
		.nr_records = RECS_MAX,
		.record_size = sizeof(struct pinstat_folio_record),
	};
	struct pinstat_folio_record *recs;

	KUNIT_ASSERT_EQ(test, ioc(test, PINSTAT_IOC_REPORT, &args, sizeof(args)),
			0L);
	KUNIT_ASSERT_EQ(test, args.nr_records, (u32)args.nr_runs);
	recs = kunit_kcalloc(test, args.nr_records + 1, sizeof(*recs),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, recs);
	KUNIT_ASSERT_EQ(test, copy_from_user(recs, (void __user *)t->recs,
					     args.nr_records * sizeof(*recs)),
			0UL);
	*nr = args.nr_records;
	return recs;
}

/* --- small pages --------------------------------------------------- */

/*
 * A page faulted in a moment ago sits in a per-CPU LRU batch, which holds
 * one plain reference until it is drained (lru_add_drain_all() is not
 * exported to modules), at any point of a test.  Pins come in units of
 * GUP_PIN_COUNTING_BIAS: a refcount that should equal @want may be one
 * lower, never higher.
 */
static void expect_refcount(struct kunit *test, u32 got, u32 want)
{
	KUNIT_EXPECT_LE(test, got, want);
	KUNIT_EXPECT_GE(test, got, want - 1);
}

static void pin_small_pages_counts(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_stats_snapshot before, after;
	struct pinstat_pin_args a;

	pinstat_stats_read(&before);
	KUNIT_ASSERT_EQ(test, pin(test, t->mem, 8 * PAGE_SIZE,
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
	KUNIT_ASSERT_EQ(test, pin(test, t->mem + PAGE_SIZE - 1, 2, 0, &a), 0L);
	KUNIT_EXPECT_EQ(test, a.nr_pages, 2ULL);
	r = report(test, a.handle, &nr);
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

	KUNIT_ASSERT_EQ(test, pin(test, t->mem, 4 * PAGE_SIZE,
				  PINSTAT_PIN_WRITE, &a), 0L);
	one = report(test, a.handle, &n1);
	KUNIT_ASSERT_EQ(test, pin(test, t->mem, 4 * PAGE_SIZE,
				  PINSTAT_PIN_WRITE | PINSTAT_PIN_LONGTERM, &b),
			0L);
	two = report(test, b.handle, &n2);
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
		expect_refcount(test, two[i].refcount,
				one[i].refcount + GUP_PIN_COUNTING_BIAS);
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

	KUNIT_ASSERT_EQ(test, pin(test, t->mem, 4 * PAGE_SIZE, 0, &a), 0L);
	one = report(test, a.handle, &n1);
	pinstat_stats_read(&before);
	KUNIT_ASSERT_EQ(test, pin(test, t->mem, 4 * PAGE_SIZE, 0, &b), 0L);
	KUNIT_ASSERT_EQ(test, unpin(test, b.handle), 0L);
	pinstat_stats_read(&after);
	again = report(test, a.handle, &n2);
	KUNIT_ASSERT_EQ(test, n2, n1);
	for (i = 0; i < n1; i++)
		expect_refcount(test, again[i].refcount, one[i].refcount);
	KUNIT_EXPECT_EQ(test, after.pins, before.pins);
	KUNIT_EXPECT_EQ(test, after.pages, before.pages);
	KUNIT_EXPECT_EQ(test, after.bookkeeping, before.bookkeeping);
	KUNIT_EXPECT_EQ(test, unpin(test, b.handle), (long)-ENOENT);
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

	KUNIT_ASSERT_EQ(test, pin(test, t->mem, 4 * PAGE_SIZE, 0, &a), 0L);
	one = report(test, a.handle, &n1);
	pinstat_stats_read(&before);

	/* A second session pins the same pages twice, then goes away. */
	other = pinstat_session_create();
	KUNIT_ASSERT_NOT_NULL(test, other);
	t->file->private_data = other;
	KUNIT_EXPECT_EQ(test, pin(test, t->mem, 4 * PAGE_SIZE, 0, NULL), 0L);
	KUNIT_EXPECT_EQ(test, pin(test, t->mem, 4 * PAGE_SIZE, 0, NULL), 0L);
	t->file->private_data = t->s;
	pinstat_session_destroy(other);

	pinstat_stats_read(&after);
	KUNIT_EXPECT_EQ(test, after.sessions, before.sessions);
	KUNIT_EXPECT_EQ(test, after.pins, before.pins);
	KUNIT_EXPECT_EQ(test, after.pages, before.pages);
	KUNIT_EXPECT_EQ(test, after.bookkeeping, before.bookkeeping);
	again = report(test, a.handle, &n2);
	KUNIT_ASSERT_EQ(test, n2, n1);
	for (i = 0; i < n1; i++)
		expect_refcount(test, again[i].refcount, one[i].refcount);
}

static void handles_are_not_reused(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_pin_args a, b;

	KUNIT_ASSERT_EQ(test, pin(test, t->mem, PAGE_SIZE, 0, &a), 0L);
	KUNIT_ASSERT_EQ(test, unpin(test, a.handle), 0L);
	KUNIT_ASSERT_EQ(test, pin(test, t->mem, PAGE_SIZE, 0, &b), 0L);
	KUNIT_EXPECT_NE(test, a.handle, b.handle);
	KUNIT_EXPECT_EQ(test, unpin(test, a.handle), (long)-ENOENT);
}

static void report_size_query(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_report_args args = {
		.record_size = sizeof(struct pinstat_folio_record),
	};
	struct pinstat_pin_args a;

	KUNIT_ASSERT_EQ(test, pin(test, t->mem, 5 * PAGE_SIZE, 0, &a), 0L);
	args.handle = a.handle;
	KUNIT_EXPECT_EQ(test, ioc(test, PINSTAT_IOC_REPORT, &args, sizeof(args)),
			0L);
	KUNIT_EXPECT_EQ(test, args.nr_runs, 5ULL);
	KUNIT_EXPECT_EQ(test, args.nr_records, 0U);

	args.records = t->recs;
	args.nr_records = 4;
	KUNIT_EXPECT_EQ(test, ioc(test, PINSTAT_IOC_REPORT, &args, sizeof(args)),
			(long)-ENOSPC);
	KUNIT_EXPECT_EQ(test, args.nr_runs, 5ULL);
}

/* --- limits -------------------------------------------------------- */

static void pin_limit(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_stats_snapshot before, after;

	pinstat_max_pins_per_session = 3;
	KUNIT_EXPECT_EQ(test, pin(test, t->mem, PAGE_SIZE, 0, NULL), 0L);
	KUNIT_EXPECT_EQ(test, pin(test, t->mem, PAGE_SIZE, 0, NULL), 0L);
	/* The one just under the limit... */
	KUNIT_EXPECT_EQ(test, pin(test, t->mem, PAGE_SIZE, 0, NULL), 0L);
	pinstat_stats_read(&before);
	/* ...and the one that crosses it. */
	KUNIT_EXPECT_EQ(test, pin(test, t->mem, PAGE_SIZE, 0, NULL),
			(long)-EMFILE);
	pinstat_stats_read(&after);
	KUNIT_EXPECT_EQ(test, after.pins, before.pins);
	KUNIT_EXPECT_EQ(test, after.failures, before.failures + 1);
	KUNIT_EXPECT_EQ(test, t->s->nr_pins, 3U);
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

	KUNIT_ASSERT_EQ(test, pin(test, t->mem, PAGE_SIZE, 0, &a), 0L);
	r = report(test, a.handle, &nr);
	first = r[0].refcount;
	KUNIT_ASSERT_GT(test, first, (u32)GUP_PIN_COUNTING_BIAS);
	pinstat_refcount_limit = first + GUP_PIN_COUNTING_BIAS;
	r = report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[0].pin_headroom, 1U);
	/* The one that reaches the limit... */
	KUNIT_ASSERT_EQ(test, pin(test, t->mem, PAGE_SIZE, 0, NULL), 0L);
	r = report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[0].pin_headroom, 0U);
	pinstat_stats_read(&before);
	/* ...and the one that would cross it, undone. */
	KUNIT_EXPECT_EQ(test, pin(test, t->mem, 2 * PAGE_SIZE, 0, NULL),
			(long)-ETOOMANYREFS);
	pinstat_stats_read(&after);
	KUNIT_EXPECT_EQ(test, after.pins, before.pins);
	KUNIT_EXPECT_EQ(test, after.pages, before.pages);
	KUNIT_EXPECT_EQ(test, after.failures, before.failures + 1);
	KUNIT_EXPECT_EQ(test, t->s->nr_pages, 2UL);
	r = report(test, a.handle, &nr);
	KUNIT_EXPECT_LE(test, r[0].refcount, first + GUP_PIN_COUNTING_BIAS);
	KUNIT_EXPECT_GE(test, r[0].refcount, first + GUP_PIN_COUNTING_BIAS - 1);
}

/* Pinned pages are charged to the mm's pinned_vm until released. */
static void pinned_vm_charged_and_returned(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	s64 start = atomic64_read(&current->mm->pinned_vm);
	struct pinstat_session *other;
	struct pinstat_pin_args a;

	KUNIT_ASSERT_EQ(test, pin(test, t->mem, 3 * PAGE_SIZE, 0, &a), 0L);
	KUNIT_EXPECT_EQ(test, atomic64_read(&current->mm->pinned_vm), start + 3);
	/* A failed pin charges nothing. */
	KUNIT_EXPECT_EQ(test, pin(test, t->mem, 0, 0, NULL), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&current->mm->pinned_vm), start + 3);
	KUNIT_ASSERT_EQ(test, unpin(test, a.handle), 0L);
	KUNIT_EXPECT_EQ(test, atomic64_read(&current->mm->pinned_vm), start);

	other = pinstat_session_create();
	KUNIT_ASSERT_NOT_NULL(test, other);
	t->file->private_data = other;
	KUNIT_EXPECT_EQ(test, pin(test, t->mem, 5 * PAGE_SIZE, 0, NULL), 0L);
	t->file->private_data = t->s;
	KUNIT_EXPECT_EQ(test, atomic64_read(&current->mm->pinned_vm), start + 5);
	pinstat_session_destroy(other);
	KUNIT_EXPECT_EQ(test, atomic64_read(&current->mm->pinned_vm), start);
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
	struct page *page;
	u32 nr, i;

	KUNIT_ASSERT_EQ(test, pin(test, t->mem, 4 * PAGE_SIZE, 0, &a), 0L);
	r = report(test, a.handle, &nr);
	for (i = 0; i < nr; i++) {
		KUNIT_EXPECT_EQ(test, r[i].own_pins, 1U);
		KUNIT_EXPECT_EQ(test, r[i].foreign_pins, 0U);
	}

	other = pinstat_session_create();
	KUNIT_ASSERT_NOT_NULL(test, other);
	t->file->private_data = other;
	KUNIT_EXPECT_EQ(test, pin(test, t->mem + PAGE_SIZE, PAGE_SIZE, 0, NULL),
			0L);
	t->file->private_data = t->s;
	r = report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[0].own_pins, 1U);
	KUNIT_EXPECT_EQ(test, r[1].own_pins, 2U);
	KUNIT_EXPECT_EQ(test, r[1].foreign_pins, 0U);

	/* Someone else's pin on page 2. */
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(t->mem + 2 * PAGE_SIZE, 1, 0,
						  &page), 1);
	r = report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[2].own_pins, 1U);
	KUNIT_EXPECT_EQ(test, r[2].foreign_pins, 1U);
	KUNIT_EXPECT_EQ(test, r[3].foreign_pins, 0U);
	unpin_user_page(page);
	pinstat_session_destroy(other);
	r = report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[1].own_pins, 1U);
	KUNIT_EXPECT_EQ(test, r[2].foreign_pins, 0U);
}

static void page_limit(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_stats_snapshot before, after;

	pinstat_max_pages_per_session = 6;
	KUNIT_EXPECT_EQ(test, pin(test, t->mem, 4 * PAGE_SIZE, 0, NULL), 0L);
	pinstat_stats_read(&before);
	KUNIT_EXPECT_EQ(test, pin(test, t->mem, 3 * PAGE_SIZE, 0, NULL),
			(long)-EDQUOT);
	pinstat_stats_read(&after);
	KUNIT_EXPECT_EQ(test, after.pages, before.pages);
	/* Exactly up to the limit is fine. */
	KUNIT_EXPECT_EQ(test, pin(test, t->mem, 2 * PAGE_SIZE, 0, NULL), 0L);
	KUNIT_EXPECT_EQ(test, t->s->nr_pages, 6UL);
}

/* --- bad input ----------------------------------------------------- */

enum bad_case_setup {
	SETUP_NONE,
	SETUP_PIN,		/* a live pin whose handle the case uses */
	SETUP_HOLE,		/* last page of mem unmapped */
	SETUP_PROT_NONE,	/* last page of mem PROT_NONE */
	SETUP_READ_ONLY,	/* mem read-only */
};

struct bad_case {
	const char *name;
	unsigned int cmd;
	enum bad_case_setup setup;
	long expected;
};

static const struct bad_case bad_cases[] = {
	{ "pin zero length", PINSTAT_IOC_PIN, SETUP_NONE, -EINVAL },
	{ "pin unknown flag", PINSTAT_IOC_PIN, SETUP_NONE, -EINVAL },
	{ "pin reserved field", PINSTAT_IOC_PIN, SETUP_NONE, -EINVAL },
	{ "pin range wraps", PINSTAT_IOC_PIN, SETUP_NONE, -EOVERFLOW },
	{ "pin kernel address", PINSTAT_IOC_PIN, SETUP_NONE, -EFAULT },
	{ "pin unmapped page", PINSTAT_IOC_PIN, SETUP_HOLE, -ENOMEM },
	{ "pin PROT_NONE page", PINSTAT_IOC_PIN, SETUP_PROT_NONE, -EACCES },
	{ "write pin of read-only", PINSTAT_IOC_PIN, SETUP_READ_ONLY, -EACCES },
	{ "pin argument unreadable", PINSTAT_IOC_PIN, SETUP_NONE, -EFAULT },
	{ "unpin unknown handle", PINSTAT_IOC_UNPIN, SETUP_PIN, -ENOENT },
	{ "unpin handle 0", PINSTAT_IOC_UNPIN, SETUP_PIN, -ENOENT },
	{ "unpin flags", PINSTAT_IOC_UNPIN, SETUP_PIN, -EINVAL },
	{ "report unknown handle", PINSTAT_IOC_REPORT, SETUP_PIN, -ENOENT },
	{ "report record size", PINSTAT_IOC_REPORT, SETUP_PIN, -EINVAL },
	{ "report reserved field", PINSTAT_IOC_REPORT, SETUP_PIN, -EINVAL },
	{ "report array too small", PINSTAT_IOC_REPORT, SETUP_PIN, -ENOSPC },
	{ "report array unwritable", PINSTAT_IOC_REPORT, SETUP_PIN, -EFAULT },
	{ "unknown command", _IOWR('J', 42, struct pinstat_pin_args),
	  SETUP_NONE, -ENOTTY },
};

static void bad_case_desc(const struct bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_input, bad_cases, bad_case_desc);

/* Fill the argument of the case; returns its size. */
static size_t bad_case_arg(struct kunit *test, const struct bad_case *c,
			   u32 handle, void *arg)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_pin_args *p = arg;
	struct pinstat_unpin_args *u = arg;
	struct pinstat_report_args *r = arg;
	unsigned long len = MEM_PAGES * PAGE_SIZE;

	if (c->cmd == PINSTAT_IOC_UNPIN) {
		u->handle = handle + 1000;
		if (!strcmp(c->name, "unpin handle 0"))
			u->handle = 0;
		if (!strcmp(c->name, "unpin flags")) {
			u->handle = handle;
			u->flags = 1;
		}
		return sizeof(*u);
	}
	if (c->cmd == PINSTAT_IOC_REPORT) {
		r->handle = handle;
		r->records = t->recs;
		r->nr_records = RECS_MAX;
		r->record_size = sizeof(struct pinstat_folio_record);
		if (!strcmp(c->name, "report unknown handle"))
			r->handle = handle + 1000;
		if (!strcmp(c->name, "report record size"))
			r->record_size--;
		if (!strcmp(c->name, "report reserved field"))
			r->reserved[1] = 1;
		if (!strcmp(c->name, "report array too small"))
			r->nr_records = MEM_PAGES - 1;
		if (!strcmp(c->name, "report array unwritable"))
			r->records = 16;
		return sizeof(*r);
	}
	p->addr = t->mem;
	p->len = len;
	p->flags = PINSTAT_PIN_WRITE;
	if (!strcmp(c->name, "pin zero length"))
		p->len = 0;
	if (!strcmp(c->name, "pin unknown flag"))
		p->flags |= 1U << 5;
	if (!strcmp(c->name, "pin reserved field"))
		p->reserved[2] = 1;
	if (!strcmp(c->name, "pin range wraps"))
		p->addr = ~0ULL - PAGE_SIZE + 1;
	if (!strcmp(c->name, "pin kernel address"))
		p->addr = TASK_SIZE;
	return sizeof(*p);
}

/* Replace [addr, addr + len) by fresh anonymous memory with @prot. */
static unsigned long remap(unsigned long addr, unsigned long len,
			   unsigned long prot)
{
	return ksys_mmap_pgoff(addr, len, prot,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

static void bad_input(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	struct pinstat_test *t = test->priv;
	struct pinstat_stats_snapshot before, after;
	union {
		struct pinstat_pin_args pin;
		struct pinstat_unpin_args unpin;
		struct pinstat_report_args report;
	} arg = {};
	struct pinstat_pin_args live = {};
	unsigned long last = t->mem + (MEM_PAGES - 1) * PAGE_SIZE;
	size_t size;
	long ret;

	if (c->setup == SETUP_PIN)
		KUNIT_ASSERT_EQ(test, pin(test, t->mem, MEM_PAGES * PAGE_SIZE, 0,
					  &live), 0L);
	if (c->setup == SETUP_HOLE)
		KUNIT_ASSERT_EQ(test, vm_munmap(last, PAGE_SIZE), 0);
	if (c->setup == SETUP_PROT_NONE)
		KUNIT_ASSERT_EQ(test, remap(last, PAGE_SIZE, PROT_NONE), last);
	if (c->setup == SETUP_READ_ONLY)
		KUNIT_ASSERT_EQ(test, remap(t->mem, MEM_PAGES * PAGE_SIZE,
					    PROT_READ), t->mem);

	size = bad_case_arg(test, c, live.handle, &arg);
	pinstat_stats_read(&before);
	if (!strcmp(c->name, "pin argument unreadable"))
		ret = pinstat_ioctl(t->file, c->cmd, 16);
	else
		ret = ioc(test, c->cmd, &arg, size);
	pinstat_stats_read(&after);

	KUNIT_EXPECT_EQ(test, ret, c->expected);
	/* Nothing moved but the failure count. */
	KUNIT_EXPECT_EQ(test, after.pins, before.pins);
	KUNIT_EXPECT_EQ(test, after.pages, before.pages);
	KUNIT_EXPECT_EQ(test, after.runs, before.runs);
	KUNIT_EXPECT_EQ(test, after.bookkeeping, before.bookkeeping);
	KUNIT_EXPECT_EQ(test, after.failures, before.failures + 1);
	KUNIT_EXPECT_EQ(test, t->s->nr_pins, c->setup == SETUP_PIN ? 1U : 0U);
	if (c->expected == -ENOSPC)
		KUNIT_EXPECT_EQ(test, arg.report.nr_runs, (u64)MEM_PAGES);
}

/* --- debugfs ------------------------------------------------------- */

/* Read a debugfs file through its fops, @chunk bytes per read(). */
static char *read_debugfs(struct kunit *test, const struct file_operations *fops,
			  size_t chunk)
{
	struct pinstat_test *t = test->priv;
	struct file *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	char *text = kunit_kzalloc(test, TEXT_MAX, GFP_KERNEL);
	size_t len = 0;
	loff_t pos = 0;
	ssize_t n;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, text);
	KUNIT_ASSERT_EQ(test, fops->open(NULL, f), 0);
	do {
		n = fops->read(f, (char __user *)t->rw, chunk, &pos);
		KUNIT_ASSERT_GE(test, n, (ssize_t)0);
		KUNIT_ASSERT_LT(test, len + n, (size_t)TEXT_MAX);
		KUNIT_ASSERT_EQ(test, copy_from_user(text + len,
						     (void __user *)t->rw, n),
				0UL);
		len += n;
	} while (n > 0);
	fops->release(NULL, f);
	return text;
}

/* Value of " key=" (or "key=" at a line start) in @line, or -1. */
static long long key_value(const char *line, const char *key)
{
	char pat[40];
	const char *p;
	long long v;

	snprintf(pat, sizeof(pat), "%s=", key);
	for (p = strstr(line, pat); p; p = strstr(p + 1, pat)) {
		if (p == line || p[-1] == ' ' || p[-1] == '\n')
			break;
	}
	if (!p || sscanf(p + strlen(pat), "%lli", &v) != 1)
		return -1;
	return v;
}

/* Lines of @text that belong to session @id. */
static int session_lines(const char *text, u64 id, char **first)
{
	char tag[32];
	const char *p;
	int n = 0;

	snprintf(tag, sizeof(tag), "session=%llu ", id);
	for (p = text; (p = strstr(p, tag)); p++) {
		if (p != text && p[-1] != '\n')
			continue;
		if (!n && first)
			*first = (char *)p;
		n++;
	}
	return n;
}

static void debugfs_summary_matches(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_stats_snapshot snap;
	struct pinstat_pin_args a;
	char *text;

	KUNIT_ASSERT_EQ(test, pin(test, t->mem, 6 * PAGE_SIZE, 0, &a), 0L);
	text = read_debugfs(test, &pinstat_summary_fops, READ_BUF);
	pinstat_stats_read(&snap);
	KUNIT_EXPECT_EQ(test, key_value(text, "sessions"), snap.sessions);
	KUNIT_EXPECT_EQ(test, key_value(text, "pins"), snap.pins);
	KUNIT_EXPECT_EQ(test, key_value(text, "pages"), snap.pages);
	KUNIT_EXPECT_EQ(test, key_value(text, "bytes_pinned"),
			snap.pages * (s64)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, key_value(text, "runs"), snap.runs);
	KUNIT_EXPECT_EQ(test, key_value(text, "bookkeeping"), snap.bookkeeping);
	KUNIT_EXPECT_GE(test, key_value(text, "runs_order0"), 6LL);
	KUNIT_EXPECT_EQ(test, key_value(text, "max_pins_per_session"),
			(long long)pinstat_max_pins_per_session);
	KUNIT_EXPECT_GE(test, key_value(text, "nr_foll_pin_acquired"), 0LL);
}

static void debugfs_pins_lists_pin(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_pin_args a;
	char *text, *line = NULL;

	KUNIT_ASSERT_EQ(test, pin(test, t->mem, 3 * PAGE_SIZE,
				  PINSTAT_PIN_WRITE, &a), 0L);
	text = read_debugfs(test, &pinstat_pins_fops, READ_BUF);
	KUNIT_ASSERT_EQ(test, session_lines(text, t->s->id, &line), 1);
	KUNIT_EXPECT_EQ(test, key_value(line, "handle"), (long long)a.handle);
	KUNIT_EXPECT_EQ(test, key_value(line, "pid"),
			(long long)task_tgid_nr(current));
	KUNIT_EXPECT_EQ(test, key_value(line, "addr"), (long long)t->mem);
	KUNIT_EXPECT_EQ(test, key_value(line, "pages"), 3LL);
	KUNIT_EXPECT_EQ(test, key_value(line, "runs"), 3LL);
	KUNIT_EXPECT_EQ(test, key_value(line, "bookkeeping"),
			(long long)a.bookkeeping_bytes);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "flags=write "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "pincount=estimate "));

	KUNIT_ASSERT_EQ(test, unpin(test, a.handle), 0L);
	text = read_debugfs(test, &pinstat_pins_fops, READ_BUF);
	KUNIT_EXPECT_EQ(test, session_lines(text, t->s->id, NULL), 0);
}

static void debugfs_runs_match_report(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_folio_record *r;
	struct pinstat_pin_args a;
	char *text, *line = NULL;
	u32 nr;

	KUNIT_ASSERT_EQ(test, pin(test, t->mem, 4 * PAGE_SIZE, 0, &a), 0L);
	r = report(test, a.handle, &nr);
	text = read_debugfs(test, &pinstat_runs_fops, READ_BUF);
	KUNIT_ASSERT_EQ(test, session_lines(text, t->s->id, &line), (int)nr);
	KUNIT_EXPECT_EQ(test, key_value(line, "addr"), (long long)r[0].addr);
	KUNIT_EXPECT_EQ(test, key_value(line, "pfn"), (long long)r[0].pfn);
	KUNIT_EXPECT_EQ(test, key_value(line, "order"), 0LL);
	KUNIT_EXPECT_EQ(test, key_value(line, "pincount"),
			(long long)r[0].pincount);
	KUNIT_EXPECT_EQ(test, key_value(line, "refcount"),
			(long long)r[0].refcount);
	KUNIT_EXPECT_EQ(test, key_value(line, "exact"), 0LL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "kind=anon "));
}

/*
 * Many records read a few bytes at a time: the cursor must resume where
 * the last read stopped, every line once, in address order.
 */
static void debugfs_runs_resume_in_small_reads(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_pin_args a, b;
	char *text, *line = NULL;
	long long prev = -1, addr;
	int n, i;

	KUNIT_ASSERT_EQ(test, pin(test, t->mem, MEM_PAGES * PAGE_SIZE, 0, &a),
			0L);
	KUNIT_ASSERT_EQ(test, pin(test, t->mem, MEM_PAGES * PAGE_SIZE, 0, &b),
			0L);
	text = read_debugfs(test, &pinstat_runs_fops, 97);
	n = session_lines(text, t->s->id, &line);
	KUNIT_ASSERT_EQ(test, n, 2 * MEM_PAGES);
	for (i = 0; i < n; i++) {
		addr = key_value(line, "addr");
		if (i == MEM_PAGES)
			prev = -1;	/* second pin starts over */
		KUNIT_EXPECT_GT(test, addr, prev);
		KUNIT_EXPECT_EQ(test, key_value(line, "handle"),
				(long long)(i < MEM_PAGES ? a.handle : b.handle));
		prev = addr;
		line = strchr(line, '\n') + 1;
	}
}

/* --- large folios (x86_64 run) ------------------------------------- */

/* 2 MiB of THP, aligned, faulted in; skips when the kernel has none. */
static unsigned long map_thp(struct kunit *test)
{
	unsigned long raw, addr;

	if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		kunit_skip(test, "no THP in this kernel (UML has none)");
	/* x86_64 maps THP with 2 MiB PMDs. */
	raw = test_mmap(test, 2 * SZ_2M, PROT_READ | PROT_WRITE);
	addr = ALIGN(raw, SZ_2M);
	touch(test, addr, SZ_2M);
	return addr;
}

static unsigned long map_hugetlb_2m(struct kunit *test)
{
	unsigned long addr;

	if (!IS_ENABLED(CONFIG_HUGETLBFS))
		kunit_skip(test, "no hugetlbfs in this kernel (UML has none)");
	addr = ksys_mmap_pgoff(0, SZ_2M, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
			       MAP_HUGE_2MB, -1, 0);
	if (IS_ERR_VALUE(addr))
		kunit_skip(test, "no 2 MiB huge page (boot with hugepages=N)");
	touch(test, addr, SZ_2M);
	return addr;
}

static void check_large_folio(struct kunit *test, unsigned long addr,
			      u32 kind)
{
	struct pinstat_folio_record *r, *two, *half;
	struct pinstat_pin_args a, b, c;
	u32 nr;

	KUNIT_ASSERT_EQ(test, pin(test, addr, SZ_2M, PINSTAT_PIN_WRITE |
				  PINSTAT_PIN_LONGTERM, &a), 0L);
	KUNIT_EXPECT_EQ(test, a.nr_runs, 1ULL);
	KUNIT_EXPECT_EQ(test, a.runs_by_order[9], 1ULL);
	/* One tagged run: two slots. */
	KUNIT_EXPECT_EQ(test, a.bookkeeping_bytes,
			(u64)(sizeof(struct pinstat_pin) + 2 * sizeof(long)));
	r = report(test, a.handle, &nr);
	KUNIT_ASSERT_EQ(test, nr, 1U);
	KUNIT_EXPECT_EQ(test, r[0].order, 9U);
	KUNIT_EXPECT_EQ(test, r[0].kind, kind);
	KUNIT_EXPECT_EQ(test, r[0].nr_pages, 512U);
	KUNIT_EXPECT_EQ(test, r[0].first_page, 0U);
	KUNIT_EXPECT_TRUE(test, r[0].flags & PINSTAT_FOLIO_EXACT);
	KUNIT_EXPECT_EQ(test, r[0].pincount, 512ULL);
	KUNIT_EXPECT_EQ(test, r[0].refcount, 513U);

	/* A second whole pin and an overlapping half pin add up. */
	KUNIT_ASSERT_EQ(test, pin(test, addr, SZ_2M, 0, &b), 0L);
	two = report(test, b.handle, &nr);
	KUNIT_EXPECT_EQ(test, two[0].pincount, 1024ULL);
	KUNIT_ASSERT_EQ(test, pin(test, addr + SZ_1M, SZ_1M, 0, &c), 0L);
	half = report(test, c.handle, &nr);
	KUNIT_ASSERT_EQ(test, nr, 1U);
	KUNIT_EXPECT_EQ(test, half[0].first_page, 256U);
	KUNIT_EXPECT_EQ(test, half[0].nr_pages, 256U);
	KUNIT_EXPECT_EQ(test, half[0].addr, (u64)addr + SZ_1M);
	KUNIT_EXPECT_EQ(test, half[0].pincount, 1280ULL);
	KUNIT_EXPECT_EQ(test, half[0].pfn, r[0].pfn);

	/* Unpinning gives them back, down to the first pin's own. */
	KUNIT_ASSERT_EQ(test, unpin(test, b.handle), 0L);
	KUNIT_ASSERT_EQ(test, unpin(test, c.handle), 0L);
	r = report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[0].pincount, 512ULL);
	KUNIT_EXPECT_EQ(test, r[0].refcount, 513U);
	KUNIT_ASSERT_EQ(test, unpin(test, a.handle), 0L);
	KUNIT_ASSERT_EQ(test, pin(test, addr, PAGE_SIZE, 0, &a), 0L);
	r = report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[0].pincount, 1ULL);
}

static void thp_pin_count_exact(struct kunit *test)
{
	check_large_folio(test, map_thp(test), PINSTAT_KIND_ANON_THP);
}

static void hugetlb_2m_pin_count_exact(struct kunit *test)
{
	check_large_folio(test, map_hugetlb_2m(test), PINSTAT_KIND_HUGETLB);
}

static void large_folio_released_with_session(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	unsigned long addr = map_thp(test);
	struct pinstat_session *other;
	struct pinstat_folio_record *r;
	struct pinstat_pin_args a;
	u32 nr;

	other = pinstat_session_create();
	KUNIT_ASSERT_NOT_NULL(test, other);
	t->file->private_data = other;
	KUNIT_EXPECT_EQ(test, pin(test, addr, SZ_2M, 0, NULL), 0L);
	KUNIT_EXPECT_EQ(test, pin(test, addr, SZ_2M, 0, NULL), 0L);
	t->file->private_data = t->s;
	pinstat_session_destroy(other);

	KUNIT_ASSERT_EQ(test, pin(test, addr, SZ_2M, 0, &a), 0L);
	r = report(test, a.handle, &nr);
	KUNIT_EXPECT_EQ(test, r[0].pincount, 512ULL);
}

static struct kunit_case pinstat_test_cases[] = {
	KUNIT_CASE(pin_small_pages_counts),
	KUNIT_CASE(pin_unaligned_range_covers_pages),
	KUNIT_CASE(small_page_estimate_and_refcount),
	KUNIT_CASE(unpin_restores_refcount),
	KUNIT_CASE(session_release_unpins),
	KUNIT_CASE(handles_are_not_reused),
	KUNIT_CASE(report_size_query),
	KUNIT_CASE(pin_limit),
	KUNIT_CASE(page_limit),
	KUNIT_CASE(refcount_limit_refuses),
	KUNIT_CASE(pinned_vm_charged_and_returned),
	KUNIT_CASE(own_and_foreign_pins),
	KUNIT_CASE_PARAM(bad_input, bad_input_gen_params),
	KUNIT_CASE(debugfs_summary_matches),
	KUNIT_CASE(debugfs_pins_lists_pin),
	KUNIT_CASE(debugfs_runs_match_report),
	KUNIT_CASE(debugfs_runs_resume_in_small_reads),
	KUNIT_CASE(thp_pin_count_exact),
	KUNIT_CASE(hugetlb_2m_pin_count_exact),
	KUNIT_CASE(large_folio_released_with_session),
	{}
};

static struct kunit_suite pinstat_test_suite = {
	.name = "pinstat",
	.init = pinstat_test_init,
	.exit = pinstat_test_exit,
	.test_cases = pinstat_test_cases,
};

kunit_test_suite(pinstat_test_suite);

MODULE_DESCRIPTION("KUnit tests for pinstat");
MODULE_LICENSE("GPL");
