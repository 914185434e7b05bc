// SPDX-License-Identifier: GPL-2.0
/*
 * pinstat selftests: every bad input gets its documented errno and changes
 * nothing: no pin appears in the session or in debugfs, and the kernel's
 * pin counters do not move (checked after each case, and at teardown).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "session_fixture.h"

SESSION_FIXTURE(errors)

/* 4 pages of read-write anonymous memory, gone with the test's process. */
static char *four_pages(struct __test_metadata *_metadata)
{
	char *mem = mmap(NULL, 4 * PAGE_SZ, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	ASSERT_NE(MAP_FAILED, mem);
	return mem;
}

static int pin_raw(int fd, struct pinstat_pin_args *args)
{
	return ioctl(fd, PINSTAT_IOC_PIN, args) ? -errno : 0;
}

static int pin_range(int fd, uint64_t addr, uint64_t len, uint32_t flags)
{
	struct pinstat_pin_args args = {
		.addr = addr, .len = len, .flags = flags,
	};

	return pin_raw(fd, &args);
}

TEST_F(errors, zero_length)
{
	char *mem = four_pages(_metadata);

	EXPECT_EQ(-EINVAL, pin_range(self->s.fd, (uintptr_t)mem, 0, 0));
	SESSION_UNCHANGED(&self->s);
}

TEST_F(errors, range_wraps)
{
	EXPECT_EQ(-EOVERFLOW, pin_range(self->s.fd, UINT64_MAX - PAGE_SZ + 1,
					2 * PAGE_SZ, 0));
	SESSION_UNCHANGED(&self->s);
}

TEST_F(errors, kernel_address)
{
	/* x86-64 direct map */
	EXPECT_EQ(-EFAULT, pin_range(self->s.fd, 0xffff888000000000ULL,
				     PAGE_SZ, 0));
	SESSION_UNCHANGED(&self->s);
}

TEST_F(errors, non_canonical_address)
{
	EXPECT_EQ(-EFAULT, pin_range(self->s.fd, 0x8000000000000000ULL,
				     PAGE_SZ, 0));
	SESSION_UNCHANGED(&self->s);
}

TEST_F(errors, unmapped_range)
{
	char *mem = four_pages(_metadata);

	/* Pages 0-1 mapped, 2 unmapped: nothing may stay pinned. */
	ASSERT_EQ(0, munmap(mem + 2 * PAGE_SZ, PAGE_SZ));
	EXPECT_EQ(-ENOMEM, pin_range(self->s.fd, (uintptr_t)mem,
				     4 * PAGE_SZ, PINSTAT_PIN_WRITE));
	SESSION_UNCHANGED(&self->s);
}

TEST_F(errors, prot_none)
{
	char *mem = four_pages(_metadata);

	ASSERT_EQ(0, mprotect(mem + PAGE_SZ, PAGE_SZ, PROT_NONE));
	EXPECT_EQ(-EACCES, pin_range(self->s.fd, (uintptr_t)mem,
				     2 * PAGE_SZ, 0));
	SESSION_UNCHANGED(&self->s);
}

TEST_F(errors, write_pin_of_read_only)
{
	char *mem = four_pages(_metadata);

	ASSERT_EQ(0, mprotect(mem, 4 * PAGE_SZ, PROT_READ));
	EXPECT_EQ(-EACCES, pin_range(self->s.fd, (uintptr_t)mem,
				     PAGE_SZ, PINSTAT_PIN_WRITE));
	/* A read pin of the same pages is fine. */
	EXPECT_EQ(0, pin_range(self->s.fd, (uintptr_t)mem, PAGE_SZ, 0));
}

TEST_F(errors, unknown_flags)
{
	char *mem = four_pages(_metadata);

	EXPECT_EQ(-EINVAL, pin_range(self->s.fd, (uintptr_t)mem, PAGE_SZ,
				     1U << 2));
	EXPECT_EQ(-EINVAL, pin_range(self->s.fd, (uintptr_t)mem, PAGE_SZ,
				     1U << 31));
	SESSION_UNCHANGED(&self->s);
}

TEST_F(errors, reserved_fields)
{
	char *mem = four_pages(_metadata);
	struct pinstat_pin_args pin = {
		.addr = (uintptr_t)mem, .len = PAGE_SZ,
	};
	struct pinstat_pin_args good = pin;
	struct pinstat_unpin_args unpin = {};
	struct pinstat_report_args report = {
		.record_size = sizeof(struct pinstat_folio_record),
	};

	pin.reserved[2] = 1;
	EXPECT_EQ(-EINVAL, pin_raw(self->s.fd, &pin));
	SESSION_UNCHANGED(&self->s);

	ASSERT_EQ(0, pin_raw(self->s.fd, &good));
	unpin.handle = good.handle;
	unpin.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->s.fd, PINSTAT_IOC_UNPIN, &unpin));
	EXPECT_EQ(EINVAL, errno);
	unpin.reserved = 0;
	unpin.flags = 1;
	EXPECT_EQ(-1, ioctl(self->s.fd, PINSTAT_IOC_UNPIN, &unpin));
	EXPECT_EQ(EINVAL, errno);

	report.handle = good.handle;
	report.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(self->s.fd, PINSTAT_IOC_REPORT, &report));
	EXPECT_EQ(EINVAL, errno);
	report.reserved[0] = 0;
	report.flags = 2;
	EXPECT_EQ(-1, ioctl(self->s.fd, PINSTAT_IOC_REPORT, &report));
	EXPECT_EQ(EINVAL, errno);
	/* The pin survived the bad calls. */
	EXPECT_EQ(0, pinstat_unpin(self->s.fd, good.handle));
}

TEST_F(errors, unknown_handle)
{
	struct pinstat_report_args report = {
		.handle = 12345,
		.record_size = sizeof(struct pinstat_folio_record),
	};

	EXPECT_EQ(-ENOENT, pinstat_unpin(self->s.fd, 0));
	EXPECT_EQ(-ENOENT, pinstat_unpin(self->s.fd, 12345));
	EXPECT_EQ(-1, ioctl(self->s.fd, PINSTAT_IOC_REPORT, &report));
	EXPECT_EQ(ENOENT, errno);
	SESSION_UNCHANGED(&self->s);
}

TEST_F(errors, handle_of_another_session)
{
	char *mem = four_pages(_metadata);
	struct pinstat_pin_args a;
	int fd2 = pinstat_open();

	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, pinstat_pin(fd2, mem, PAGE_SZ, 0, &a));
	EXPECT_EQ(-ENOENT, pinstat_unpin(self->s.fd, a.handle + 1000));
	close(fd2);
	SESSION_UNCHANGED(&self->s);
}

TEST_F(errors, report_array_too_small)
{
	char *mem = four_pages(_metadata);
	struct pinstat_folio_record recs[4];
	struct pinstat_report_args report = {
		.records = (uintptr_t)recs,
		.nr_records = 3,
		.record_size = sizeof(recs[0]),
	};
	struct pinstat_pin_args a;

	madvise(mem, 4 * PAGE_SZ, MADV_NOHUGEPAGE);
	ASSERT_EQ(0, pinstat_pin(self->s.fd, mem, 4 * PAGE_SZ, 0, &a));
	ASSERT_EQ(4, a.nr_runs);
	report.handle = a.handle;
	EXPECT_EQ(-1, ioctl(self->s.fd, PINSTAT_IOC_REPORT, &report));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(4, report.nr_runs);

	/* Zero capacity asks for the size alone. */
	report.nr_records = 0;
	report.records = 0;
	EXPECT_EQ(0, ioctl(self->s.fd, PINSTAT_IOC_REPORT, &report));
	EXPECT_EQ(4, report.nr_runs);
	EXPECT_EQ(0, report.nr_records);

	report.records = (uintptr_t)recs;
	report.nr_records = 4;
	report.record_size = sizeof(recs[0]) - 8;
	EXPECT_EQ(-1, ioctl(self->s.fd, PINSTAT_IOC_REPORT, &report));
	EXPECT_EQ(EINVAL, errno);
	report.record_size = sizeof(recs[0]);
	EXPECT_EQ(0, ioctl(self->s.fd, PINSTAT_IOC_REPORT, &report));
	EXPECT_EQ(4, report.nr_records);
	EXPECT_EQ((uintptr_t)mem + 3 * PAGE_SZ, recs[3].addr);
	EXPECT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
}

TEST_F(errors, report_array_unwritable)
{
	char *mem = four_pages(_metadata);
	struct pinstat_report_args report = {
		.records = 16,	/* not a valid user pointer */
		.nr_records = 1,
		.record_size = sizeof(struct pinstat_folio_record),
	};
	struct pinstat_pin_args a;

	ASSERT_EQ(0, pinstat_pin(self->s.fd, mem, PAGE_SZ, 0, &a));
	report.handle = a.handle;
	EXPECT_EQ(-1, ioctl(self->s.fd, PINSTAT_IOC_REPORT, &report));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
}

TEST_F(errors, argument_unreadable)
{
	EXPECT_EQ(-1, ioctl(self->s.fd, PINSTAT_IOC_PIN, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	SESSION_UNCHANGED(&self->s);
}

/* A PIN whose answer cannot be written back is undone. */
TEST_F(errors, pin_argument_read_only)
{
	char *mem = four_pages(_metadata);
	struct pinstat_pin_args *a = (void *)(mem + 3 * PAGE_SZ);

	memset(a, 0, sizeof(*a));
	a->addr = (uintptr_t)mem;
	a->len = PAGE_SZ;
	ASSERT_EQ(0, mprotect(a, PAGE_SZ, PROT_READ));
	EXPECT_EQ(-EFAULT, pin_raw(self->s.fd, a));
	SESSION_UNCHANGED(&self->s);
}

/* So is an UNPIN: the pin stays, and a writable retry releases it. */
TEST_F(errors, unpin_argument_read_only_keeps_pin)
{
	char *mem = four_pages(_metadata);
	struct pinstat_unpin_args *un = (void *)(mem + 3 * PAGE_SZ);
	struct pinstat_folio_record *recs;
	struct pinstat_pin_args a;
	size_t nr;

	ASSERT_EQ(0, pinstat_pin(self->s.fd, mem, PAGE_SZ, 0, &a));
	memset(un, 0, sizeof(*un));
	un->handle = a.handle;
	ASSERT_EQ(0, mprotect(un, PAGE_SZ, PROT_READ));
	EXPECT_EQ(-1, ioctl(self->s.fd, PINSTAT_IOC_UNPIN, un));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(self->s.pins + 1, pinstat_summary("pins"));
	EXPECT_EQ(self->s.vm_pinned + 1, pinstat_vmstat_pinned());
	ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &recs, &nr));
	EXPECT_EQ(1, nr);
	free(recs);
	EXPECT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
	SESSION_UNCHANGED(&self->s);
}

TEST_F(errors, unknown_command)
{
	char *mem = four_pages(_metadata);

	EXPECT_EQ(-1, ioctl(self->s.fd, _IOWR('J', 99, struct pinstat_pin_args), mem));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->s.fd, _IO('J', 1)));
	EXPECT_EQ(ENOTTY, errno);
	SESSION_UNCHANGED(&self->s);
}

TEST_F(errors, pin_limit)
{
	char *mem = four_pages(_metadata);
	long long old = pinstat_param_get("max_pins_per_session");
	struct pinstat_pin_args a;

	ASSERT_GT(old, 0);
	ASSERT_EQ(0, pinstat_param_set("max_pins_per_session", 2));
	EXPECT_EQ(0, pinstat_pin(self->s.fd, mem, PAGE_SZ, 0, &a));
	EXPECT_EQ(0, pinstat_pin(self->s.fd, mem, PAGE_SZ, 0, &a));
	EXPECT_EQ(-EMFILE, pinstat_pin(self->s.fd, mem, PAGE_SZ, 0, &a));
	EXPECT_EQ(self->s.pins + 2, pinstat_summary("pins"));
	/* Releasing one makes room again. */
	EXPECT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
	EXPECT_EQ(0, pinstat_pin(self->s.fd, mem, PAGE_SZ, 0, &a));
	ASSERT_EQ(0, pinstat_param_set("max_pins_per_session", old));
}

TEST_F(errors, page_limit)
{
	char *mem = four_pages(_metadata);
	long long old = pinstat_param_get("max_pages_per_session");
	struct pinstat_pin_args a;

	ASSERT_GT(old, 0);
	ASSERT_EQ(0, pinstat_param_set("max_pages_per_session", 3));
	EXPECT_EQ(-EDQUOT, pinstat_pin(self->s.fd, mem, 4 * PAGE_SZ, 0,
				       &a));
	SESSION_UNCHANGED(&self->s);
	EXPECT_EQ(0, pinstat_pin(self->s.fd, mem, 2 * PAGE_SZ, 0, &a));
	EXPECT_EQ(-EDQUOT, pinstat_pin(self->s.fd, mem, 2 * PAGE_SZ, 0,
				       &a));
	EXPECT_EQ(0, pinstat_pin(self->s.fd, mem, PAGE_SZ, 0, &a));
	ASSERT_EQ(0, pinstat_param_set("max_pages_per_session", old));
}

/*
 * The VMA check passes but GUP fails half-way: a shared file mapping that
 * reaches past the end of its one-page file.  The page pinned before the
 * failure must be released again.
 */
TEST_F(errors, fails_half_way_all_or_nothing)
{
	struct pinstat_folio_record *recs = NULL;
	struct pinstat_pin_args a;
	struct pinstat_buf buf;
	unsigned int refcount;
	size_t nr;
	char *map;
	int fd;

	if (pinstat_buf_alloc(&buf, BUF_FILE, PAGE_SZ))
		SKIP(return, "no ramfs for a page-cache file");
	pinstat_buf_free(&buf);
	fd = open(PINSTAT_RAMFS "/short", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, PAGE_SZ));
	map = mmap(NULL, 2 * PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, map);
	map[0] = 1;

	ASSERT_EQ(0, pinstat_pin(self->s.fd, map, PAGE_SZ, 0, &a));
	ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &recs, &nr));
	refcount = recs[0].refcount;
	free(recs);

	EXPECT_EQ(-EFAULT, pinstat_pin(self->s.fd, map, 2 * PAGE_SZ, 0, NULL));
	ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &recs, &nr));
	EXPECT_EQ(refcount, recs[0].refcount);
	free(recs);
	EXPECT_EQ(self->s.vm_pinned + 1, pinstat_vmstat_pinned());
	EXPECT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
	munmap(map, 2 * PAGE_SZ);
	close(fd);
	unlink(PINSTAT_RAMFS "/short");
	SESSION_UNCHANGED(&self->s);
}

TEST_HARNESS_MAIN
