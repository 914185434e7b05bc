// SPDX-License-Identifier: GPL-2.0
/*
 * What happens to pins when the pinning process does something else with
 * its memory or its file: fork, munmap, MADV_DONTNEED, mremap, exit, kill,
 * close racing with ioctls, two files, a file handed across fork.  Each
 * outcome asserted here is described in Documentation/pinstat/behaviour.rst.
 *
 * Every test runs in a session fixture whose teardown checks that pinstat's
 * counters and the kernel's nr_foll_pin_* are back where they started.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "session_fixture.h"

#define NR_PAGES	16

/* Exact refcounts are asserted below: the session keeps kcompactd quiet. */
SESSION_FIXTURE(fault)

/* The two kinds whose fork and munmap paths differ: pte and pmd mapped. */
static const enum pinstat_buf_kind anon_kinds[] = { BUF_ANON, BUF_THP };

#define ALLOC_OR_CONTINUE(buf, kind, len) ({				\
	enum pinstat_buf_kind __kind = (kind);				\
	int __ret = pinstat_buf_alloc(buf, __kind, len);		\
	if (__ret == -EOPNOTSUPP)					\
		TH_LOG("%s memory not available: not tested",		\
		       pinstat_buf_kind_str(__kind));			\
	else								\
		ASSERT_EQ(0, __ret);					\
	__ret == 0;							\
})

/* PFN of every page of a buffer, as this process maps it. */
static void buf_pfns(struct __test_metadata *_metadata, const char *addr,
		     size_t len, unsigned long long *pfns)
{
	size_t i;

	for (i = 0; i < len / PAGE_SZ; i++)
		ASSERT_EQ(0, pinstat_pagemap_pfn(addr + i * PAGE_SZ, &pfns[i]));
}

/* PFN of page @i of a pin, from its records. */
static unsigned long long pinned_pfn(const struct pinstat_folio_record *r,
				     size_t nr, uintptr_t start, size_t i)
{
	uintptr_t addr = start + i * PAGE_SZ;
	size_t k;

	for (k = 0; k < nr; k++)
		if (addr >= r[k].addr && addr < r[k].addr + r[k].nr_pages * PAGE_SZ)
			return r[k].pfn + r[k].first_page +
			       (addr - r[k].addr) / PAGE_SZ;
	return 0;
}

/*
 * fork() with a write pin on private anonymous memory: the kernel copies
 * pinned pages for the child at fork time, so the parent keeps the pinned
 * pages mapped (what it writes is what the pin sees) and the child's
 * writes land in its own copies.
 */
TEST_F(fault, fork_parent_keeps_pinned_pages)
{
	unsigned int k;

	for (k = 0; k < 2; k++) {
		size_t len = anon_kinds[k] == BUF_THP ? SZ_2M : NR_PAGES * PAGE_SZ;
		unsigned long long *before, *after, child_pfn;
		struct pinstat_folio_record *r;
		struct pinstat_pin_args a;
		struct pinstat_buf buf;
		int pipefd[2];
		size_t nr, i;
		char *p;
		pid_t pid;

		if (!ALLOC_OR_CONTINUE(&buf, anon_kinds[k], len))
			continue;
		p = buf.addr;
		memset(p, 'P', len);
		ASSERT_EQ(0, pinstat_pin(self->s.fd, p, len,
					 PINSTAT_PIN_WRITE | PINSTAT_PIN_LONGTERM,
					 &a));
		before = calloc(len / PAGE_SZ, sizeof(*before));
		after = calloc(len / PAGE_SZ, sizeof(*after));
		ASSERT_TRUE(before && after);
		buf_pfns(_metadata, p, len, before);

		ASSERT_EQ(0, pipe(pipefd));
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			/* Report the PFN of page 0 as the child sees it. */
			p[0] = 'C';
			if (pinstat_pagemap_pfn(p, &child_pfn))
				child_pfn = 0;
			if (write(pipefd[1], &child_pfn, sizeof(child_pfn)) !=
			    sizeof(child_pfn))
				_exit(2);
			_exit(p[1] == 'P' ? 0 : 1);
		}
		close(pipefd[1]);
		ASSERT_EQ(sizeof(child_pfn),
			  read(pipefd[0], &child_pfn, sizeof(child_pfn)));
		close(pipefd[0]);
		ASSERT_EQ(0, child_status(pid));

		/* The parent writes after the fork: no COW fault moves it. */
		p[0] = 'Q';
		buf_pfns(_metadata, p, len, after);
		ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &r, &nr));
		for (i = 0; i < len / PAGE_SZ; i++) {
			EXPECT_EQ(before[i], after[i]);
			EXPECT_EQ(before[i], pinned_pfn(r, nr, (uintptr_t)p, i));
		}
		EXPECT_NE(before[0], child_pfn);
		EXPECT_EQ('Q', p[0]);
		EXPECT_TRUE(r[0].flags & PINSTAT_FOLIO_MAYBE_DMA_PINNED);

		EXPECT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
		free(r);
		free(before);
		free(after);
		pinstat_buf_free(&buf);
	}
}

/*
 * Pages held only by the pin: every reference left is a pin (refcount =
 * 1024 per pin on a small folio, 1 per pinned page on a large one), so
 * releasing the pin frees them.
 */
static void expect_held_only_by_pin(struct __test_metadata *_metadata,
				    const struct pinstat_folio_record *r,
				    size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		if (r[i].flags & PINSTAT_FOLIO_EXACT) {
			EXPECT_EQ(r[i].nr_pages, r[i].pincount);
			EXPECT_EQ(r[i].nr_pages, r[i].refcount);
		} else {
			EXPECT_EQ(BIAS, r[i].refcount);
		}
		EXPECT_EQ(0, r[i].mapcount);
	}
}

enum unmap_how { UNMAP_MUNMAP, UNMAP_DONTNEED };

static void pin_then_unmap(struct __test_metadata *_metadata, int fd,
			   enum unmap_how how)
{
	unsigned int k;

	for (k = 0; k < 2; k++) {
		size_t len = anon_kinds[k] == BUF_THP ? SZ_2M : NR_PAGES * PAGE_SZ;
		struct pinstat_folio_record *r0, *r1;
		struct pinstat_pin_args a;
		struct pinstat_buf buf;
		long long vm_pinned;
		size_t n0, n1, i;

		if (!ALLOC_OR_CONTINUE(&buf, anon_kinds[k], len))
			continue;
		memset(buf.addr, 'P', len);
		ASSERT_EQ(0, pinstat_pin(fd, buf.addr, len, PINSTAT_PIN_WRITE, &a));
		ASSERT_EQ(0, pinstat_report(fd, a.handle, &r0, &n0));
		vm_pinned = pinstat_vmstat_pinned();

		if (how == UNMAP_MUNMAP) {
			pinstat_buf_free(&buf);
		} else {
			ASSERT_EQ(0, madvise(buf.addr, len, MADV_DONTNEED));
			/* The process now sees fresh zero-filled memory. */
			EXPECT_EQ(0, ((char *)buf.addr)[0]);
			EXPECT_EQ(0, ((char *)buf.addr)[len - 1]);
		}
		ASSERT_EQ(0, pinstat_drain_lru());

		/* The pin still has the same pages, now only its own. */
		ASSERT_EQ(0, pinstat_report(fd, a.handle, &r1, &n1));
		ASSERT_EQ(n0, n1);
		for (i = 0; i < n0; i++) {
			EXPECT_EQ(r0[i].pfn, r1[i].pfn);
			EXPECT_EQ(r0[i].pincount, r1[i].pincount);
			EXPECT_EQ(r0[i].addr, r1[i].addr);
		}
		expect_held_only_by_pin(_metadata, r1, n1);
		EXPECT_EQ(vm_pinned, pinstat_vmstat_pinned());

		EXPECT_EQ(0, pinstat_unpin(fd, a.handle));
		free(r0);
		free(r1);
		if (how == UNMAP_DONTNEED)
			pinstat_buf_free(&buf);
	}
}

TEST_F(fault, munmap_pinned_range)
{
	pin_then_unmap(_metadata, self->s.fd, UNMAP_MUNMAP);
}

TEST_F(fault, madv_dontneed_pinned_range)
{
	pin_then_unmap(_metadata, self->s.fd, UNMAP_DONTNEED);
}

/*
 * mremap moves the page table entries: the moved mapping shows the pinned
 * pages, the records keep the address the pin was taken at.
 */
TEST_F(fault, mremap_pinned_range)
{
	size_t len = NR_PAGES * PAGE_SZ, n0, n1, i;
	struct pinstat_folio_record *r0, *r1;
	struct pinstat_pin_args a, b;
	unsigned long long pfn;
	char *old, *dst, *moved;
	struct pinstat_buf buf;

	ASSERT_EQ(0, pinstat_buf_alloc(&buf, BUF_ANON, len));
	old = buf.addr;
	/* A destination the kernel will not hand out meanwhile. */
	dst = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, dst);

	ASSERT_EQ(0, pinstat_pin(self->s.fd, old, len, PINSTAT_PIN_WRITE, &a));
	ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &r0, &n0));
	moved = mremap(old, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	ASSERT_EQ(dst, moved);

	ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &r1, &n1));
	ASSERT_EQ(n0, n1);
	for (i = 0; i < n0; i++) {
		EXPECT_EQ(r0[i].pfn, r1[i].pfn);
		EXPECT_EQ((uintptr_t)old + i * PAGE_SZ, r1[i].addr);
		/* Same pins; a plain reference may come or go (LRU batches). */
		EXPECT_EQ(r0[i].refcount / BIAS, r1[i].refcount / BIAS);
		EXPECT_EQ(1, r1[i].mapcount);
		ASSERT_EQ(0, pinstat_pagemap_pfn(moved + i * PAGE_SZ, &pfn));
		EXPECT_EQ(r1[i].pfn, pfn);
	}
	EXPECT_EQ(0x5a, moved[len - 1]);	/* what pinstat_buf_alloc() wrote */

	/* Released: pinned again, each page shows one pin, ours. */
	EXPECT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
	ASSERT_EQ(0, pinstat_pin(self->s.fd, moved, len, 0, &b));
	free(r1);
	ASSERT_EQ(0, pinstat_report(self->s.fd, b.handle, &r1, &n1));
	for (i = 0; i < n1; i++) {
		EXPECT_EQ(1, r1[i].refcount / BIAS);
		EXPECT_EQ(1, r1[i].mapcount);
	}
	EXPECT_EQ(0, pinstat_unpin(self->s.fd, b.handle));
	free(r0);
	free(r1);
	munmap(moved, len);
	pinstat_buf_free(&buf);	/* the rest of the mapping */
}

/* A child pins every kind it can, then exits or is killed holding them. */
static void child_pins_and_dies(struct __test_metadata *_metadata, bool kill_it)
{
	static const enum pinstat_buf_kind kinds[] = {
		BUF_ANON, BUF_THP, BUF_HUGETLB_2M, BUF_SHMEM, BUF_FILE, BUF_ZERO,
	};
	long long pins = pinstat_summary("pins");
	long long vm_pinned = pinstat_vmstat_pinned();
	int ready[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct pinstat_buf buf;
		int fd = pinstat_open(), n = 0;
		unsigned int k;

		if (fd < 0)
			_exit(2);
		for (k = 0; k < ARRAY_SIZE(kinds); k++) {
			if (pinstat_buf_alloc(&buf, kinds[k], SZ_2M))
				continue;
			if (pinstat_pin(fd, buf.addr, buf.len,
					kinds[k] == BUF_ZERO ? 0 : PINSTAT_PIN_WRITE,
					NULL))
				_exit(3);
			n++;
		}
		c = n;
		if (write(ready[1], &c, 1) != 1)
			_exit(4);
		if (kill_it)
			pause();
		_exit(0);	/* no close, no unpin */
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	EXPECT_GE(c, 2);
	if (kill_it) {
		EXPECT_EQ(pins + c, pinstat_summary("pins"));
		ASSERT_EQ(0, kill(pid, SIGKILL));
		EXPECT_EQ(128 + SIGKILL, child_status(pid));
	} else {
		EXPECT_EQ(0, child_status(pid));
	}
	EXPECT_EQ(pins, pinstat_summary("pins"));
	EXPECT_EQ(vm_pinned, pinstat_vmstat_pinned());
}

TEST_F(fault, exit_with_pins_held)
{
	child_pins_and_dies(_metadata, false);
}

TEST_F(fault, killed_with_pins_held)
{
	child_pins_and_dies(_metadata, true);
}

struct racer {
	int fd;
	void *mem;
	size_t len;
	unsigned int seed;
	long calls;
	int bad_errno;
};

/* PIN, REPORT and UNPIN until the file is gone (EBADF). */
static void *racer_main(void *arg)
{
	struct racer *rc = arg;
	struct pinstat_folio_record recs[NR_PAGES];
	struct pinstat_report_args rep;
	struct pinstat_pin_args pin;
	unsigned int handles[8] = {};
	int err, i;

	for (;;) {
		i = rand_r(&rc->seed) % 8;
		memset(&pin, 0, sizeof(pin));
		pin.addr = (uintptr_t)rc->mem;
		pin.len = (1 + rand_r(&rc->seed) % NR_PAGES) * PAGE_SZ;
		pin.flags = PINSTAT_PIN_WRITE;
		err = ioctl(rc->fd, PINSTAT_IOC_PIN, &pin) ? errno : 0;
		if (!err) {
			if (handles[i])
				pinstat_unpin(rc->fd, handles[i]);
			handles[i] = pin.handle;
		}
		if (!err && handles[(i + 1) % 8]) {
			memset(&rep, 0, sizeof(rep));
			rep.handle = handles[(i + 1) % 8];
			rep.records = (uintptr_t)recs;
			rep.nr_records = NR_PAGES;
			rep.record_size = sizeof(recs[0]);
			err = ioctl(rc->fd, PINSTAT_IOC_REPORT, &rep) ? errno : 0;
		}
		rc->calls += 2;
		/* Another thread of the same session may not interfere. */
		if (err == EBADF)
			return NULL;
		if (err && err != EMFILE) {
			rc->bad_errno = err;
			return NULL;
		}
	}
}

/*
 * close() while other threads are inside PIN, REPORT and UNPIN on the same
 * file: the file lives until the last ioctl returns, then its release
 * frees every pin; the ioctls after close() get EBADF.
 */
TEST_F(fault, close_races_with_ioctls)
{
	long long pins = pinstat_summary("pins");
	long long vm_pinned = pinstat_vmstat_pinned();
	size_t len = NR_PAGES * PAGE_SZ;
	struct racer rc[3];
	pthread_t th[3];
	long calls = 0;
	int round, i, fd;
	void *mem;

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	for (round = 0; round < 20; round++) {
		fd = pinstat_open();
		ASSERT_GE(fd, 0);
		for (i = 0; i < 3; i++) {
			rc[i] = (struct racer){ .fd = fd, .mem = mem, .len = len,
						.seed = round * 3 + i };
			ASSERT_EQ(0, pthread_create(&th[i], NULL, racer_main,
						    &rc[i]));
		}
		usleep(1000 + round * 500);
		close(fd);
		for (i = 0; i < 3; i++) {
			pthread_join(th[i], NULL);
			EXPECT_EQ(0, rc[i].bad_errno)
				TH_LOG("round %d thread %d: %s", round, i,
				       strerror(rc[i].bad_errno));
			calls += rc[i].calls;
		}
		EXPECT_EQ(pins, pinstat_summary("pins"));
	}
	TH_LOG("%ld ioctls in 20 rounds", calls);
	EXPECT_EQ(vm_pinned, pinstat_vmstat_pinned());
	munmap(mem, len);
}

/* Two files of one process are two sessions: handles do not cross. */
TEST_F(fault, two_files_in_one_process)
{
	size_t len = NR_PAGES * PAGE_SZ, nr;
	struct pinstat_folio_record *r;
	struct pinstat_pin_args a, b;
	struct pinstat_buf buf;
	long long pins;
	int fd2;
	char *mem;

	ASSERT_EQ(0, pinstat_buf_alloc(&buf, BUF_ANON, len));
	mem = buf.addr;
	fd2 = pinstat_open();
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, pinstat_pin(self->s.fd, mem, len, 0, &a));
	ASSERT_EQ(0, pinstat_pin(fd2, mem, PAGE_SZ, 0, &b));
	/* Each session numbers its own pins. */
	EXPECT_EQ(a.handle, b.handle);
	ASSERT_EQ(0, pinstat_report(fd2, b.handle, &r, &nr));
	EXPECT_EQ(1, nr);
	/* Two pins; plain references (LRU batches) may come and go. */
	EXPECT_EQ(2, r[0].refcount / BIAS);
	free(r);

	pins = pinstat_summary("pins");
	close(fd2);
	EXPECT_EQ(pins - 1, pinstat_summary("pins"));
	ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &r, &nr));
	EXPECT_EQ(NR_PAGES, nr);
	EXPECT_EQ(1, r[0].refcount / BIAS);
	free(r);
	EXPECT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
	pinstat_buf_free(&buf);
}

/*
 * A file handed to a child by fork is the same session: the child may
 * report and unpin the parent's pins but not pin (its memory is another
 * address space: -EXDEV).  The pins outlive the process that took them
 * as long as the file is open somewhere; the last close releases them.
 */
TEST_F(fault, pins_handed_across_fork)
{
	long long pins = pinstat_summary("pins");
	long long vm_pinned = pinstat_vmstat_pinned();
	int ready[2], done[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* The opener: pins two ranges, forks the heir, exits. */
		size_t len = NR_PAGES * PAGE_SZ;
		struct pinstat_pin_args a, b;
		struct pinstat_folio_record *r;
		int fd = pinstat_open();
		size_t nr;
		char *mem;
		pid_t heir;

		mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (fd < 0 || mem == MAP_FAILED ||
		    pinstat_pin(fd, mem, len, PINSTAT_PIN_WRITE, &a) ||
		    pinstat_pin(fd, mem, PAGE_SZ, 0, &b))
			_exit(2);
		heir = fork();
		if (heir < 0)
			_exit(3);
		if (heir == 0) {
			/* Wait for the opener to be gone. */
			while (getppid() != 1)
				usleep(1000);
			if (pinstat_report(fd, a.handle, &r, &nr) || nr != NR_PAGES)
				_exit(10);
			if (pinstat_pin(fd, mem, PAGE_SZ, 0, NULL) != -EXDEV)
				_exit(11);
			if (pinstat_unpin(fd, b.handle))
				_exit(12);
			c = 'r';
			if (write(ready[1], &c, 1) != 1)
				_exit(13);
			/* Hold a.handle until the test has looked. */
			if (read(done[0], &c, 1) != 1)
				_exit(14);
			close(fd);
			_exit(0);
		}
		_exit(0);
	}
	close(ready[1]);
	close(done[0]);
	ASSERT_EQ(0, child_status(pid));
	ASSERT_EQ(1, read(ready[0], &c, 1)) TH_LOG("the heir failed");
	/* The opener is gone; its pin lives on in the heir's file. */
	EXPECT_EQ(pins + 1, pinstat_summary("pins"));
	EXPECT_EQ(vm_pinned + NR_PAGES, pinstat_vmstat_pinned());
	ASSERT_EQ(1, write(done[1], "x", 1));
	close(done[1]);
	/* The heir is reparented to init: wait for it by its pins. */
	for (int i = 0; i < 5000 && pinstat_summary("pins") != pins; i++)
		usleep(1000);
	EXPECT_EQ(pins, pinstat_summary("pins"));
	EXPECT_EQ(vm_pinned, pinstat_vmstat_pinned());
	close(ready[0]);
}

TEST_HARNESS_MAIN
