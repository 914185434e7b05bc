// SPDX-License-Identifier: GPL-2.0
/*
 * The fixture of pinstat's KUnit suites: user memory, sessions, the ioctls
 * through user memory, INSPECT of the test's own mm, checks of records and
 * readers of the debugfs files.  See pinstat_kunit.h.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "pinstat_kunit.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* Bytes one debugfs read() lands in (the @rw page), and a whole file. */
#define PINSTAT_TEST_READ	PAGE_SIZE
#define PINSTAT_TEST_TEXT	(256 << 10)

/*
 * Map user memory for the test kthread, which gets a user mm on first use.
 * 6.11+ (and Debian's 6.12) have kunit_vm_mmap() for this; 6.1 has not,
 * so the same few lines of lib/kunit/user_alloc.c are here.  Returns the
 * address, or 0.
 */
static unsigned long pinstat_kunit_vm_mmap(struct kunit *test,
					   unsigned long len,
					   unsigned long prot,
					   unsigned long flags)
{
#ifdef PINSTAT_HAVE_KUNIT_VM_MMAP
	return kunit_vm_mmap(test, NULL, 0, len, prot, flags, 0);
#else
	unsigned long addr;

	if (!current->mm) {
		struct mm_struct *mm = mm_alloc();

		if (!mm)
			return 0;
		mm->task_size = TASK_SIZE;
		arch_pick_mmap_layout(mm, &current->signal->rlim[RLIMIT_STACK]);
		/* Torn down with the test kthread, as kunit_vm_mmap() does. */
		kthread_use_mm(mm);
	}
	addr = vm_mmap(NULL, 0, len, prot, flags, 0);
	return IS_ERR_VALUE(addr) ? 0 : addr;
#endif
}

/**
 * pinstat_test_mmap() - map private anonymous memory in the test's mm
 * @test: the test
 * @len: bytes
 * @prot: PROT_* flags
 *
 * Fails the test when there is none.  Nothing is faulted in.
 *
 * Return: the user address.
 */
unsigned long pinstat_test_mmap(struct kunit *test, unsigned long len,
				unsigned long prot)
{
	unsigned long addr = pinstat_kunit_vm_mmap(test, len, prot,
						   MAP_PRIVATE | MAP_ANONYMOUS);

	KUNIT_ASSERT_NE_MSG(test, addr, 0UL, "no user memory for the test");
	return addr;
}

/**
 * pinstat_test_touch() - write every page of a range
 * @test: the test
 * @addr: page-aligned user address
 * @len: bytes
 *
 * So each page is faulted in as anonymous memory.
 */
void pinstat_test_touch(struct kunit *test, unsigned long addr,
			unsigned long len)
{
	static const char pattern[] = "pinstat";
	unsigned long off;

	for (off = 0; off < len; off += PAGE_SIZE)
		KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)(addr + off),
						   pattern, sizeof(pattern)), 0UL);
}

/**
 * pinstat_test_remap() - replace a range by fresh anonymous memory
 * @addr: page-aligned user address
 * @len: bytes
 * @prot: PROT_* flags of the new mapping
 *
 * Return: @addr, or a negative errno as an address.
 */
unsigned long pinstat_test_remap(unsigned long addr, unsigned long len,
				 unsigned long prot)
{
	return vm_mmap(NULL, addr, len, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
}

/**
 * pinstat_test_init() - set up a test: user memory and a session
 * @test: the test
 *
 * The &kunit_suite.init of every pinstat suite.
 *
 * Return: 0; a failure fails the test.
 */
int pinstat_test_init(struct kunit *test)
{
	struct pinstat_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->file = kunit_kzalloc(test, sizeof(*t->file), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->file);
	t->args = pinstat_test_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE);
	t->recs = pinstat_test_mmap(test, PINSTAT_TEST_RECORDS *
				    sizeof(struct pinstat_folio_record),
				    PROT_READ | PROT_WRITE);
	t->rw = pinstat_test_mmap(test, PINSTAT_TEST_READ,
				  PROT_READ | PROT_WRITE);
	t->mem = pinstat_test_mmap(test, PINSTAT_TEST_PAGES * PAGE_SIZE,
				   PROT_READ | PROT_WRITE);
	pinstat_test_touch(test, t->mem, PINSTAT_TEST_PAGES * PAGE_SIZE);
	t->s = pinstat_session_create();
	KUNIT_ASSERT_NOT_NULL(test, t->s);
	t->file->private_data = t->s;
	t->max_pins = pinstat_max_pins_per_session;
	t->max_pages = pinstat_max_pages_per_session;
	t->refcount_limit = pinstat_refcount_limit;
	test->priv = t;
	return 0;
}

/**
 * pinstat_test_exit() - undo pinstat_test_init() and what the test left
 * @test: the test
 *
 * The &kunit_suite.exit of every pinstat suite: restores the module
 * parameters, closes every session, releasing their pins, and drops a
 * foreign pin the test left.
 */
void pinstat_test_exit(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	int i;

	if (!t)
		return;
	pinstat_max_pins_per_session = t->max_pins;
	pinstat_max_pages_per_session = t->max_pages;
	pinstat_refcount_limit = t->refcount_limit;
	if (t->foreign)
		unpin_user_page(t->foreign);
	for (i = 0; i < PINSTAT_TEST_SESSIONS; i++)
		if (t->other[i])
			pinstat_session_destroy(t->other[i]);
	if (t->s)
		pinstat_session_destroy(t->s);
}

/**
 * pinstat_test_session_open() - open another session, as a second open()
 * @test: the test
 *
 * Return: the session; closed at the end of the test unless
 * pinstat_test_session_close() closed it before.
 */
struct pinstat_session *pinstat_test_session_open(struct kunit *test)
{
	struct pinstat_test *t = test->priv;
	int i;

	for (i = 0; i < PINSTAT_TEST_SESSIONS && t->other[i]; i++)
		;
	KUNIT_ASSERT_LT(test, i, PINSTAT_TEST_SESSIONS);
	t->other[i] = pinstat_session_create();
	KUNIT_ASSERT_NOT_NULL(test, t->other[i]);
	return t->other[i];
}

/**
 * pinstat_test_session_close() - close a session, as its last close()
 * @test: the test
 * @s: a session from pinstat_test_session_open()
 */
void pinstat_test_session_close(struct kunit *test, struct pinstat_session *s)
{
	struct pinstat_test *t = test->priv;
	int i;

	for (i = 0; i < PINSTAT_TEST_SESSIONS && t->other[i] != s; i++)
		;
	KUNIT_ASSERT_LT(test, i, PINSTAT_TEST_SESSIONS);
	t->other[i] = NULL;
	pinstat_session_destroy(s);
}

/**
 * pinstat_test_foreign_pin() - pin a page behind pinstat's back
 * @test: the test
 * @addr: user address of the page
 *
 * With pin_user_pages_fast(), as a driver would: a pin pinstat must count
 * as foreign.  One at a time.
 */
void pinstat_test_foreign_pin(struct kunit *test, unsigned long addr)
{
	struct pinstat_test *t = test->priv;

	KUNIT_ASSERT_NULL(test, t->foreign);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, 0, &t->foreign), 1);
}

/**
 * pinstat_test_foreign_unpin() - drop the pin of pinstat_test_foreign_pin()
 * @test: the test
 */
void pinstat_test_foreign_unpin(struct kunit *test)
{
	struct pinstat_test *t = test->priv;

	KUNIT_ASSERT_NOT_NULL(test, t->foreign);
	unpin_user_page(t->foreign);
	t->foreign = NULL;
}

/**
 * pinstat_test_ioctl() - run one ioctl of the test's session
 * @test: the test
 * @cmd: PINSTAT_IOC_* (or any other command)
 * @arg: the argument struct, copied to user memory and back
 * @size: its size
 *
 * Return: what pinstat_ioctl() returned.
 */
long pinstat_test_ioctl(struct kunit *test, unsigned int cmd, void *arg,
			size_t size)
{
	struct pinstat_test *t = test->priv;
	long ret;

	KUNIT_ASSERT_LE(test, size, (size_t)PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)t->args, arg, size),
			0UL);
	ret = pinstat_ioctl(t->file, cmd, t->args);
	KUNIT_ASSERT_EQ(test, copy_from_user(arg, (void __user *)t->args, size),
			0UL);
	return ret;
}

/**
 * pinstat_test_pin_in() - PINSTAT_IOC_PIN through a given session
 * @test: the test
 * @s: the session, the test's or one from pinstat_test_session_open()
 * @addr: first byte
 * @len: bytes
 * @flags: PINSTAT_PIN_* flags
 * @out: the argument struct as the ioctl left it, or NULL
 *
 * Return: what the ioctl returned.
 */
long pinstat_test_pin_in(struct kunit *test, struct pinstat_session *s,
			 unsigned long addr, unsigned long len, u32 flags,
			 struct pinstat_pin_args *out)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_pin_args args = {
		.addr = addr, .len = len, .flags = flags,
	};
	long ret;

	t->file->private_data = s;
	ret = pinstat_test_ioctl(test, PINSTAT_IOC_PIN, &args, sizeof(args));
	t->file->private_data = t->s;
	if (out)
		*out = args;
	return ret;
}

/**
 * pinstat_test_pin() - PINSTAT_IOC_PIN through the test's session
 * @test: the test
 * @addr: first byte
 * @len: bytes
 * @flags: PINSTAT_PIN_* flags
 * @out: the argument struct as the ioctl left it, or NULL
 *
 * Return: what the ioctl returned.
 */
long pinstat_test_pin(struct kunit *test, unsigned long addr,
		      unsigned long len, u32 flags,
		      struct pinstat_pin_args *out)
{
	struct pinstat_test *t = test->priv;

	return pinstat_test_pin_in(test, t->s, addr, len, flags, out);
}

/**
 * pinstat_test_unpin() - PINSTAT_IOC_UNPIN through the test's session
 * @test: the test
 * @handle: the pin
 *
 * Return: what the ioctl returned.
 */
long pinstat_test_unpin(struct kunit *test, u32 handle)
{
	struct pinstat_unpin_args args = { .handle = handle };

	return pinstat_test_ioctl(test, PINSTAT_IOC_UNPIN, &args, sizeof(args));
}

/**
 * pinstat_test_records() - the first records of the user record array
 * @test: the test
 * @nr: how many
 *
 * Return: a copy in kernel memory the test owns (one spare record, so
 * @nr may be 0).
 */
struct pinstat_folio_record *pinstat_test_records(struct kunit *test, u32 nr)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_folio_record *recs;

	KUNIT_ASSERT_LE(test, nr, (u32)PINSTAT_TEST_RECORDS);
	recs = kunit_kcalloc(test, nr + 1, sizeof(*recs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, recs);
	KUNIT_ASSERT_EQ(test, copy_from_user(recs, (void __user *)t->recs,
					     nr * sizeof(*recs)), 0UL);
	return recs;
}

/**
 * pinstat_test_report() - all records of a pin, by PINSTAT_IOC_REPORT
 * @test: the test
 * @handle: the pin, of the test's session
 * @nr: set to the number of records
 *
 * Fails the test unless the ioctl succeeds.
 *
 * Return: the records, in kernel memory the test owns.
 */
struct pinstat_folio_record *pinstat_test_report(struct kunit *test,
						 u32 handle, u32 *nr)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_report_args args = {
		.handle = handle,
		.records = t->recs,
		.nr_records = PINSTAT_TEST_RECORDS,
		.record_size = sizeof(struct pinstat_folio_record),
	};

	KUNIT_ASSERT_EQ(test, pinstat_test_ioctl(test, PINSTAT_IOC_REPORT,
						 &args, sizeof(args)), 0L);
	KUNIT_ASSERT_EQ(test, args.nr_records, (u32)args.nr_runs);
	*nr = args.nr_records;
	return pinstat_test_records(test, *nr);
}

/**
 * pinstat_test_inspect_mm() - INSPECT of the test's own mm
 * @test: the test
 * @args: the range, cursor, flags and capacity (at most
 *	PINSTAT_TEST_RECORDS); @records and @record_size are set here to
 *	the user record array
 *
 * pinstat_inspect_mm() on current's mm: the ioctl would look the test
 * kthread up by pid, and get_task_mm() gives no kernel thread's mm.
 * current holds its mm, as the caller of pinstat_inspect_mm() must.
 *
 * Return: what pinstat_inspect_mm() returned.
 */
int pinstat_test_inspect_mm(struct kunit *test,
			    struct pinstat_inspect_args *args)
{
	struct pinstat_test *t = test->priv;

	KUNIT_ASSERT_NOT_NULL(test, current->mm);
	KUNIT_ASSERT_LE(test, args->nr_records, (u32)PINSTAT_TEST_RECORDS);
	args->records = t->recs;
	args->record_size = sizeof(struct pinstat_folio_record);
	return pinstat_inspect_mm(current->mm, args);
}

/**
 * pinstat_test_inspect() - the records of a range of the test's mm
 * @test: the test
 * @start: first address
 * @end: end of the range (exclusive)
 * @nr: set to the number of records
 *
 * One INSPECT call, which must succeed and cover the whole range.
 *
 * Return: the records, in kernel memory the test owns.
 */
struct pinstat_folio_record *pinstat_test_inspect(struct kunit *test,
						  unsigned long start,
						  unsigned long end, u32 *nr)
{
	struct pinstat_inspect_args args = {
		.start = start,
		.end = end,
		.nr_records = PINSTAT_TEST_RECORDS,
	};

	KUNIT_ASSERT_EQ(test, pinstat_test_inspect_mm(test, &args), 0);
	KUNIT_ASSERT_EQ(test, args.cursor, 0ULL);
	*nr = args.nr_records;
	return pinstat_test_records(test, *nr);
}

/**
 * pinstat_test_expect_refcount() - check a small folio's refcount
 * @test: the test
 * @got: the refcount seen
 * @want: the refcount it should be
 *
 * A page faulted in a moment ago sits in a per-CPU LRU batch, which holds
 * one plain reference until it is drained (lru_add_drain_all() is not
 * exported to modules), at any point of a test.  So a refcount seen later
 * than @want may be one lower, never higher.
 */
void pinstat_test_expect_refcount(struct kunit *test, u32 got, u32 want)
{
	KUNIT_EXPECT_LE(test, got, want);
	KUNIT_EXPECT_GE(test, got + 1, want);
}

/**
 * pinstat_test_expect_same_record() - check two records of one folio run
 * @test: the test
 * @got: a record
 * @want: a record of the same run seen no later than @got
 *
 * Every field must match but the refcount, which may have lost the LRU
 * batch's reference in between (see pinstat_test_expect_refcount()), and
 * the headroom computed from it.
 */
void pinstat_test_expect_same_record(struct kunit *test,
				     const struct pinstat_folio_record *got,
				     const struct pinstat_folio_record *want)
{
	KUNIT_EXPECT_EQ(test, got->addr, want->addr);
	KUNIT_EXPECT_EQ(test, got->pfn, want->pfn);
	KUNIT_EXPECT_EQ(test, got->first_page, want->first_page);
	KUNIT_EXPECT_EQ(test, got->nr_pages, want->nr_pages);
	KUNIT_EXPECT_EQ(test, got->order, want->order);
	KUNIT_EXPECT_EQ(test, got->kind, want->kind);
	KUNIT_EXPECT_EQ(test, got->pincount, want->pincount);
	KUNIT_EXPECT_EQ(test, got->mapcount, want->mapcount);
	KUNIT_EXPECT_EQ(test, got->flags, want->flags);
	KUNIT_EXPECT_EQ(test, got->own_pins, want->own_pins);
	KUNIT_EXPECT_EQ(test, got->foreign_pins, want->foreign_pins);
	pinstat_test_expect_refcount(test, got->refcount, want->refcount);
	if (got->refcount == want->refcount)
		KUNIT_EXPECT_EQ(test, got->pin_headroom, want->pin_headroom);
}

/**
 * pinstat_test_expect_not_present() - check an INSPECT record of absent pages
 * @test: the test
 * @rec: the record
 * @addr: the first absent page
 * @nr_pages: how many
 *
 * Every other field of such a record is zero.
 */
void pinstat_test_expect_not_present(struct kunit *test,
				     const struct pinstat_folio_record *rec,
				     unsigned long addr, u32 nr_pages)
{
	struct pinstat_folio_record want = {
		.addr = addr,
		.nr_pages = nr_pages,
		.flags = PINSTAT_FOLIO_NOT_PRESENT,
	};

	KUNIT_EXPECT_EQ(test, rec->addr, want.addr);
	KUNIT_EXPECT_EQ(test, rec->nr_pages, want.nr_pages);
	KUNIT_EXPECT_EQ(test, rec->flags, want.flags);
	KUNIT_EXPECT_EQ(test, memcmp(rec, &want, sizeof(want)), 0);
}

/**
 * pinstat_test_read_debugfs() - read a debugfs file through its fops
 * @test: the test
 * @fops: pinstat_summary_fops, pinstat_pins_fops or pinstat_runs_fops
 * @chunk: bytes per read(), at most a page
 *
 * Return: the whole text, NUL-terminated, in memory the test owns.
 */
char *pinstat_test_read_debugfs(struct kunit *test,
				const struct file_operations *fops,
				size_t chunk)
{
	struct pinstat_test *t = test->priv;
	struct file *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	char *text = kunit_kzalloc(test, PINSTAT_TEST_TEXT, GFP_KERNEL);
	size_t len = 0;
	loff_t pos = 0;
	ssize_t n;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, text);
	KUNIT_ASSERT_LE(test, chunk, (size_t)PINSTAT_TEST_READ);
	KUNIT_ASSERT_EQ(test, fops->open(NULL, f), 0);
	do {
		n = fops->read(f, (char __user *)t->rw, chunk, &pos);
		KUNIT_ASSERT_GE(test, n, (ssize_t)0);
		KUNIT_ASSERT_LT(test, len + n, (size_t)PINSTAT_TEST_TEXT);
		KUNIT_ASSERT_EQ(test, copy_from_user(text + len,
						     (void __user *)t->rw, n),
				0UL);
		len += n;
	} while (n > 0);
	fops->release(NULL, f);
	return text;
}

/**
 * pinstat_test_key_value() - the value of a key in a debugfs line
 * @line: the line (or the text from it on)
 * @key: the key, as in " key=" or "key=" at the start of a line
 *
 * Return: the value, or -1 when the key is not there.
 */
long long pinstat_test_key_value(const char *line, const char *key)
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

/**
 * pinstat_test_session_lines() - the lines of a debugfs text of one session
 * @text: the text of "pins" or "runs"
 * @id: the session's id
 * @first: set to the first such line, if any; may be NULL
 *
 * Return: how many lines belong to the session.
 */
int pinstat_test_session_lines(const char *text, u64 id, char **first)
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

MODULE_DESCRIPTION("KUnit tests for pinstat");
MODULE_LICENSE("GPL");
