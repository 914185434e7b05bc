// SPDX-License-Identifier: GPL-2.0
/*
 * Pins held by someone else: an io_uring fixed buffer (registered with the
 * raw syscalls) pins its pages; REPORT splits each folio's pin count into
 * pinstat's own and the foreign rest, and INSPECT finds the same pins in
 * another process without pinning anything itself.
 *
 * 6.1's io_uring pins every page of the buffer; 6.12's keeps one pin per
 * large folio (it coalesces the buffer), so the foreign counts asserted
 * are "pincount - own, at least 1", not a kernel-specific number.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/mman.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "session_fixture.h"

SESSION_FIXTURE(foreign)

/* Every record: own pins as expected, foreign = pincount - own. */
static void check_split(struct __test_metadata *_metadata,
			const struct pinstat_folio_record *r, size_t nr,
			unsigned int own, int foreign_expected)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		EXPECT_EQ(own, r[i].own_pins);
		EXPECT_EQ(r[i].pincount > own ? r[i].pincount - own : 0,
			  r[i].foreign_pins);
		/* EXPECT_*() is two statements: no bare if/else around it. */
		if (foreign_expected) {
			EXPECT_GE(r[i].foreign_pins, 1);
			continue;
		}
		EXPECT_EQ(0, r[i].foreign_pins);
	}
}

static void foreign_pins_come_and_go(struct __test_metadata *_metadata,
				     int fd, enum pinstat_buf_kind kind,
				     unsigned int own)
{
	struct pinstat_folio_record *r;
	struct pinstat_pin_args a;
	struct pinstat_buf buf;
	size_t nr;
	int ring, ret;

	ret = pinstat_buf_alloc(&buf, kind, 2 * SZ_2M);
	if (ret == -EOPNOTSUPP)
		SKIP(return, "%s memory not available", pinstat_buf_kind_str(kind));
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, pinstat_pin(fd, buf.addr, buf.len, 0, &a));
	ASSERT_EQ(0, pinstat_report(fd, a.handle, &r, &nr));
	check_split(_metadata, r, nr, own, 0);
	free(r);

	ring = pinstat_ring_register(buf.addr, buf.len);
	if (ring == -ENOSYS || ring == -EPERM)
		SKIP(return, "no io_uring here (%s)", strerror(-ring));
	ASSERT_GE(ring, 0) TH_LOG("io_uring: %s", strerror(-ring));
	ASSERT_EQ(0, pinstat_report(fd, a.handle, &r, &nr));
	check_split(_metadata, r, nr, own, 1);
	TH_LOG("%s, io_uring registered: record 0 pincount %llu = own %u + foreign %u",
	       pinstat_buf_kind_str(kind), (unsigned long long)r[0].pincount,
	       r[0].own_pins, r[0].foreign_pins);
	free(r);

	ASSERT_EQ(0, pinstat_ring_unregister(ring));
	close(ring);
	ASSERT_EQ(0, pinstat_report(fd, a.handle, &r, &nr));
	check_split(_metadata, r, nr, own, 0);
	free(r);
	EXPECT_EQ(0, pinstat_unpin(fd, a.handle));
	pinstat_buf_free(&buf);
}

TEST_F(foreign, io_uring_buffer_on_thp)
{
	/* Own pins of a large folio count pages: 512 per 2 MiB folio. */
	foreign_pins_come_and_go(_metadata, self->s.fd, BUF_THP, 512);
}

TEST_F(foreign, io_uring_buffer_on_small_pages)
{
	/* One pin per small page; foreign is refcount / 1024 - own. */
	foreign_pins_come_and_go(_metadata, self->s.fd, BUF_ANON, 1);
}

/* Own pins add up over sessions: two files, two pins each. */
TEST_F(foreign, own_pins_count_every_session)
{
	struct pinstat_folio_record *r;
	struct pinstat_pin_args a;
	struct pinstat_buf buf;
	size_t nr;
	int fd2, ret;

	ret = pinstat_buf_alloc(&buf, BUF_THP, SZ_2M);
	if (ret == -EOPNOTSUPP)
		SKIP(return, "no THP");
	ASSERT_EQ(0, ret);
	fd2 = pinstat_open();
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, pinstat_pin(fd2, buf.addr, SZ_2M, 0, NULL));
	ASSERT_EQ(0, pinstat_pin(fd2, buf.addr, SZ_2M / 2, 0, NULL));
	ASSERT_EQ(0, pinstat_pin(self->s.fd, buf.addr, SZ_2M, 0, &a));
	ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &r, &nr));
	ASSERT_EQ(1, nr);
	EXPECT_EQ(512 + 512 + 256, r[0].own_pins);
	EXPECT_EQ(512 + 512 + 256, r[0].pincount);
	EXPECT_EQ(0, r[0].foreign_pins);
	free(r);
	close(fd2);
	ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &r, &nr));
	EXPECT_EQ(512, r[0].own_pins);
	free(r);
	EXPECT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
	pinstat_buf_free(&buf);
}

/*
 * The child of the test below: registers 4 MiB of its own THPs with
 * io_uring, writes their address (0 if it could not) on @ready, waits
 * for a byte on @go, unregisters, writes it again and waits again.
 */
static void ring_holder(int ready, int go)
{
	struct pinstat_buf buf;
	unsigned long start;
	int ring;
	char c;

	/* Its own THPs: a COW fault on a shared THP would split it. */
	if (pinstat_buf_alloc(&buf, BUF_THP, 2 * SZ_2M))
		_exit(2);
	ring = pinstat_ring_register(buf.addr, buf.len);
	start = ring < 0 ? 0 : (unsigned long)buf.addr;
	if (write(ready, &start, sizeof(start)) != sizeof(start) ||
	    read(go, &c, 1) != 1)
		_exit(3);
	if (ring >= 0 && pinstat_ring_unregister(ring))
		_exit(4);
	if (write(ready, &start, sizeof(start)) != sizeof(start) ||
	    read(go, &c, 1) != 1)
		_exit(5);
	_exit(0);
}

/*
 * A child registers a THP buffer with io_uring; INSPECT of the child's
 * range, a record at a time, shows its folios with the foreign pins and
 * takes no pin itself; after the child unregisters they are gone.
 */
TEST_F(foreign, inspect_finds_io_uring_pins_in_another_process)
{
	struct pinstat_folio_record *r;
	unsigned long start, end;
	int ready[2], go[2];
	long long vm_pinned;
	size_t nr, i, found;
	pid_t pid;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		ring_holder(ready[1], go[0]);
	ASSERT_EQ(sizeof(start), read(ready[0], &start, sizeof(start)));
	if (!start) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		SKIP(return, "no THP or no io_uring in the child");
	}
	end = start + 2 * SZ_2M;

	vm_pinned = pinstat_vmstat_pinned();
	/* One record per call: the cursor carries the walk. */
	ASSERT_EQ(0, pinstat_inspect(self->s.fd, pid, start, end, 0, 1, &r, &nr));
	EXPECT_EQ(vm_pinned, pinstat_vmstat_pinned());
	ASSERT_EQ(2, nr);
	for (i = 0; i < nr; i++) {
		EXPECT_EQ(start + i * SZ_2M, r[i].addr);
		EXPECT_EQ(9, r[i].order);
		EXPECT_EQ(PINSTAT_KIND_ANON_THP, r[i].kind);
		EXPECT_TRUE(r[i].flags & PINSTAT_FOLIO_EXACT);
		EXPECT_GE(r[i].pincount, 1);
		EXPECT_EQ(0, r[i].own_pins);
		EXPECT_EQ(r[i].pincount, r[i].foreign_pins);
		/* The map and the pins: the lookup's own references are not shown. */
		EXPECT_EQ(1 + (r[i].pincount == 1 ? 1 : 512), r[i].refcount);
	}
	free(r);

	/* The whole address space finds the same two folios. */
	ASSERT_EQ(0, pinstat_inspect(self->s.fd, pid, 0, 0, 1, 64, &r, &nr));
	for (i = 0, found = 0; i < nr; i++)
		if (r[i].addr >= start && r[i].addr < end && r[i].foreign_pins)
			found++;
	EXPECT_EQ(2, found);
	free(r);
	EXPECT_EQ(vm_pinned, pinstat_vmstat_pinned());

	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(sizeof(start), read(ready[0], &start, sizeof(start)));
	ASSERT_EQ(0, pinstat_inspect(self->s.fd, pid, start, end, 0, 16, &r, &nr));
	ASSERT_EQ(2, nr);
	for (i = 0; i < nr; i++) {
		EXPECT_EQ(0, r[i].pincount);
		EXPECT_EQ(0, r[i].foreign_pins);
		EXPECT_FALSE(r[i].flags & PINSTAT_FOLIO_MAYBE_DMA_PINNED);
	}
	free(r);
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, child_status(pid));
}

/* Pages never touched are reported absent and stay absent. */
TEST_F(foreign, inspect_reports_absent_pages_without_faulting)
{
	struct pinstat_folio_record *r;
	unsigned long long pfn;
	size_t nr, len = 16 * PAGE_SZ;
	char *mem;

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, madvise(mem, len, MADV_NOHUGEPAGE));
	mem[4 * PAGE_SZ] = 1;	/* one page present, in the middle */
	ASSERT_EQ(0, pinstat_inspect(self->s.fd, getpid(), (unsigned long)mem,
				     (unsigned long)mem + len, 0, 8, &r, &nr));
	ASSERT_EQ(3, nr);
	EXPECT_EQ(PINSTAT_FOLIO_NOT_PRESENT, r[0].flags);
	EXPECT_EQ(4, r[0].nr_pages);
	EXPECT_EQ(PINSTAT_KIND_ANON, r[1].kind);
	EXPECT_EQ(1, r[1].nr_pages);
	EXPECT_EQ(0, r[1].pincount);
	EXPECT_EQ(PINSTAT_FOLIO_NOT_PRESENT, r[2].flags);
	EXPECT_EQ(11, r[2].nr_pages);
	EXPECT_EQ((unsigned long)mem + 5 * PAGE_SZ, r[2].addr);
	free(r);
	EXPECT_EQ(-ENOENT, pinstat_pagemap_pfn(mem, &pfn));
	EXPECT_EQ(-ENOENT, pinstat_pagemap_pfn(mem + len - PAGE_SZ, &pfn));
	munmap(mem, len);
}

/*
 * INSPECT never faults a page in, whatever backs the range: untouched and
 * half-touched ranges of every kind keep their present pages (pagemap),
 * free huge pages and AnonHugePages; absent pages are reported as such.
 */
SESSION_FIXTURE(nofault)

FIXTURE_VARIANT(nofault) {
	const char *kind;
	int flags;		/* mmap flags beyond MAP_PRIVATE/SHARED */
	int advice;		/* madvise() first, if not 0 */
	int memfd;		/* map a memfd, shared */
	size_t len;
	size_t touched;		/* bytes touched from the start */
};

FIXTURE_VARIANT_ADD(nofault, anon_untouched) {
	.kind = "anon_untouched",
	.flags = MAP_ANONYMOUS,
	.advice = MADV_NOHUGEPAGE,
	.len = 2 * SZ_2M,
};

FIXTURE_VARIANT_ADD(nofault, anon_half) {
	.kind = "anon_half",
	.flags = MAP_ANONYMOUS,
	.advice = MADV_NOHUGEPAGE,
	.len = 2 * SZ_2M,
	.touched = SZ_2M,
};

FIXTURE_VARIANT_ADD(nofault, thp_untouched) {
	.kind = "thp_untouched",
	.flags = MAP_ANONYMOUS,
	.advice = MADV_HUGEPAGE,
	.len = 2 * SZ_2M,
};

FIXTURE_VARIANT_ADD(nofault, thp_half) {
	.kind = "thp_half",
	.flags = MAP_ANONYMOUS,
	.advice = MADV_HUGEPAGE,
	.len = 2 * SZ_2M,
	.touched = SZ_2M,
};

FIXTURE_VARIANT_ADD(nofault, hugetlb_2m_untouched) {
	.kind = "hugetlb_2m_untouched",
	.flags = MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB,
	.len = 2 * SZ_2M,
};

FIXTURE_VARIANT_ADD(nofault, hugetlb_2m_half) {
	.kind = "hugetlb_2m_half",
	.flags = MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB,
	.len = 2 * SZ_2M,
	.touched = SZ_2M,
};

FIXTURE_VARIANT_ADD(nofault, hugetlb_1g_untouched) {
	.kind = "hugetlb_1g_untouched",
	.flags = MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_1GB,
	.len = SZ_1G,
};

FIXTURE_VARIANT_ADD(nofault, memfd_untouched) {
	.kind = "memfd_untouched",
	.memfd = 1,
	.len = 2 * SZ_2M,
};

FIXTURE_VARIANT_ADD(nofault, memfd_half) {
	.kind = "memfd_half",
	.memfd = 1,
	.len = 2 * SZ_2M,
	.touched = SZ_2M,
};

/* The range a nofault test inspects. */
struct nofault_range {
	char *map;		/* what to munmap */
	size_t map_len;
	char *mem;		/* the range inspected */
};

/* Map the variant's range; false when skipped (no huge page free). */
static bool map_range(struct __test_metadata *_metadata,
		      FIXTURE_VARIANT(nofault) const *variant,
		      struct nofault_range *m)
{
	int fd = -1, shared = MAP_PRIVATE;

	if (variant->memfd) {
		fd = memfd_create("pinstat-nofault", MFD_CLOEXEC);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, ftruncate(fd, variant->len));
		shared = MAP_SHARED;
	}
	/* THP needs a 2 MiB aligned range: map more, use an aligned part. */
	m->map_len = variant->len;
	if (variant->advice == MADV_HUGEPAGE)
		m->map_len += SZ_2M;
	m->map = mmap(NULL, m->map_len, PROT_READ | PROT_WRITE,
		      shared | variant->flags, fd, 0);
	if (fd >= 0)
		close(fd);	/* the mapping keeps the memfd */
	if (m->map == MAP_FAILED && (variant->flags & MAP_HUGETLB))
		SKIP(return false, "no %s huge page free", variant->kind);
	ASSERT_NE(MAP_FAILED, m->map);
	m->mem = m->map;
	if (variant->advice == MADV_HUGEPAGE)
		m->mem = (char *)(((uintptr_t)m->map + SZ_2M - 1) &
				  ~(SZ_2M - 1));
	if (variant->advice)
		ASSERT_EQ(0, madvise(m->map, m->map_len, variant->advice));
	memset(m->mem, 1, variant->touched);
	return true;
}

static long sysfs_number(const char *path)
{
	long val = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &val) != 1)
		val = -1;
	fclose(f);
	return val;
}

struct memory_state {
	long present;		/* pages present in the range */
	long free_2m, free_1g;	/* free huge pages */
	long anon_huge_kb;	/* AnonHugePages */
};

static void memory_state(const char *mem, size_t len, struct memory_state *m)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];

	m->present = pinstat_pagemap_present(mem, len);
	m->free_2m = sysfs_number("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages");
	m->free_1g = sysfs_number("/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages");
	m->anon_huge_kb = -1;
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "AnonHugePages: %ld", &m->anon_huge_kb);
	if (f)
		fclose(f);
}

/* What inspect_faults_nothing_in logs: one string, so grep finds it. */
#define NOFAULT_LOG	"%s: %ld of %zu pages present; free 2M %ld -> %ld, 1G %ld -> %ld, AnonHugePages %ld -> %ld kB"

TEST_F(nofault, inspect_faults_nothing_in)
{
	size_t len = variant->len, nr, i, absent = 0, present = 0;
	struct memory_state before, after;
	struct pinstat_folio_record *r;
	struct nofault_range m;

	if (!map_range(_metadata, variant, &m))
		return;
	memory_state(m.mem, len, &before);
	ASSERT_GE(before.present, 0);
	ASSERT_EQ(0, pinstat_inspect(self->s.fd, getpid(),
				     (unsigned long)m.mem,
				     (unsigned long)m.mem + len, 0, 64,
				     &r, &nr));
	memory_state(m.mem, len, &after);
	for (i = 0; i < nr; i++) {
		if (r[i].flags & PINSTAT_FOLIO_NOT_PRESENT)
			absent += r[i].nr_pages;
		else
			present += r[i].nr_pages;
	}
	free(r);
	TH_LOG(NOFAULT_LOG, variant->kind, before.present, len / PAGE_SZ,
	       before.free_2m, after.free_2m, before.free_1g, after.free_1g,
	       before.anon_huge_kb, after.anon_huge_kb);
	EXPECT_EQ(variant->touched / PAGE_SZ, before.present);
	EXPECT_EQ(before.present, after.present);
	EXPECT_EQ(before.free_2m, after.free_2m);
	EXPECT_EQ(before.free_1g, after.free_1g);
	EXPECT_EQ(before.anon_huge_kb, after.anon_huge_kb);
	EXPECT_EQ(before.present, present);
	EXPECT_EQ(len / PAGE_SZ - before.present, absent);
	munmap(m.map, m.map_len);
}

TEST_F(foreign, inspect_errors)
{
	struct pinstat_folio_record rec;
	struct pinstat_inspect_args a;
	char page[4096];
	pid_t pid, me = getpid();
	int st;

#define INSPECT(...) ({						\
	a = (struct pinstat_inspect_args){ .pid = me,		\
		.start = (unsigned long)page,			\
		.end = (unsigned long)page + sizeof(page),	\
		.records = (unsigned long)&rec,			\
		.nr_records = 1, .record_size = sizeof(rec),	\
		__VA_ARGS__ };					\
	ioctl(self->s.fd, PINSTAT_IOC_INSPECT, &a) ? errno : 0; })

	page[0] = 1;
	EXPECT_EQ(0, INSPECT());
	EXPECT_EQ(ESRCH, INSPECT(.pid = 0x3fffffff));
	EXPECT_EQ(EINVAL, INSPECT(.end = (unsigned long)page));
	EXPECT_EQ(EINVAL, INSPECT(.nr_records = 0));
	EXPECT_EQ(EINVAL, INSPECT(.record_size = sizeof(rec) - 8));
	EXPECT_EQ(EINVAL, INSPECT(.flags = 2));
	EXPECT_EQ(EINVAL, INSPECT(.reserved = { 0, 1, 0 }));
	EXPECT_EQ(EINVAL, INSPECT(.cursor = (unsigned long)page + 2 * sizeof(page)));
	EXPECT_EQ(EFAULT, INSPECT(.records = 8));
	/* Not root: as for /proc/kpageflags. */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (setuid(65534))
			_exit(2);
		_exit(INSPECT() == EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST_HARNESS_MAIN
