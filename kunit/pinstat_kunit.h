/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture every pinstat KUnit suite runs in (fixture.c): the test
 * kthread gets a user mm and anonymous memory in it, and drives the
 * module's own ioctl handler with the argument structs placed in that user
 * memory, so the copy_from_user/copy_to_user paths run as for a process.
 *
 * Suites, one file each: pin_test.c (PIN, UNPIN, REPORT, release),
 * limits_test.c, input_test.c (bad input to every ioctl), debugfs_test.c,
 * large_folio_test.c (THP and hugetlb, skipped under UML), inspect_test.c,
 * census_test.c.
 */
#ifndef _PINSTAT_KUNIT_H
#define _PINSTAT_KUNIT_H

#include <kunit/test.h>
#include <linux/types.h>
#include <linux/pinstat.h>

#include "pinstat_internal.h"

/* Written pages of anonymous memory each test gets to pin. */
#define PINSTAT_TEST_PAGES	16
/* Capacity of the user record array. */
#define PINSTAT_TEST_RECORDS	1024
/* Sessions a test may open besides its own. */
#define PINSTAT_TEST_SESSIONS	2

/**
 * struct pinstat_test - per-test state, in &kunit.priv
 * @file: stands in for an open /dev/pinstat; private_data is @s
 * @s: the session under test
 * @other: sessions opened by pinstat_test_session_open(), closed at exit
 *	if the test did not close them
 * @foreign: page pinned by pinstat_test_foreign_pin(), unpinned at exit
 *	if the test did not unpin it
 * @args: user page holding the ioctl argument struct
 * @recs: user array of PINSTAT_TEST_RECORDS folio records
 * @mem: PINSTAT_TEST_PAGES pages of written anonymous memory to pin
 * @rw: user page debugfs reads land in
 * @max_pins: module parameter to restore
 * @max_pages: module parameter to restore
 * @refcount_limit: module parameter to restore
 */
struct pinstat_test {
	struct file *file;
	struct pinstat_session *s;
	struct pinstat_session *other[PINSTAT_TEST_SESSIONS];
	struct page *foreign;
	unsigned long args;
	unsigned long recs;
	unsigned long mem;
	unsigned long rw;
	unsigned int max_pins;
	unsigned int max_pages;
	unsigned int refcount_limit;
};

int pinstat_test_init(struct kunit *test);
void pinstat_test_exit(struct kunit *test);

unsigned long pinstat_test_mmap(struct kunit *test, unsigned long len,
				unsigned long prot);
void pinstat_test_touch(struct kunit *test, unsigned long addr,
			unsigned long len);
unsigned long pinstat_test_remap(unsigned long addr, unsigned long len,
				 unsigned long prot);

struct pinstat_session *pinstat_test_session_open(struct kunit *test);
void pinstat_test_session_close(struct kunit *test, struct pinstat_session *s);

void pinstat_test_foreign_pin(struct kunit *test, unsigned long addr);
void pinstat_test_foreign_unpin(struct kunit *test);

long pinstat_test_ioctl(struct kunit *test, unsigned int cmd, void *arg,
			size_t size);
long pinstat_test_pin_in(struct kunit *test, struct pinstat_session *s,
			 unsigned long addr, unsigned long len, u32 flags,
			 struct pinstat_pin_args *out);
long pinstat_test_pin(struct kunit *test, unsigned long addr,
		      unsigned long len, u32 flags,
		      struct pinstat_pin_args *out);
long pinstat_test_unpin(struct kunit *test, u32 handle);
struct pinstat_folio_record *pinstat_test_report(struct kunit *test,
						 u32 handle, u32 *nr);

int pinstat_test_inspect_mm(struct kunit *test,
			    struct pinstat_inspect_args *args);
struct pinstat_folio_record *pinstat_test_inspect(struct kunit *test,
						  unsigned long start,
						  unsigned long end, u32 *nr);
struct pinstat_folio_record *pinstat_test_records(struct kunit *test, u32 nr);

void pinstat_test_expect_refcount(struct kunit *test, u32 got, u32 want);
void pinstat_test_expect_same_record(struct kunit *test,
				     const struct pinstat_folio_record *got,
				     const struct pinstat_folio_record *want);
void pinstat_test_expect_not_present(struct kunit *test,
				     const struct pinstat_folio_record *rec,
				     unsigned long addr, u32 nr_pages);

char *pinstat_test_read_debugfs(struct kunit *test,
				const struct file_operations *fops,
				size_t chunk);
long long pinstat_test_key_value(const char *line, const char *key);
int pinstat_test_session_lines(const char *text, u64 id, char **first);

#endif /* _PINSTAT_KUNIT_H */
