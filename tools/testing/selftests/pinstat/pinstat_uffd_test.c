// SPDX-License-Identifier: GPL-2.0
/*
 * pinstat selftests: a call that waits in its copy to user memory holds up
 * nobody else.  A REPORT and an INSPECT whose record arrays lie on pages
 * registered with userfaultfd stall in their copy-out until this test
 * serves the faults.  Meanwhile another process opens /dev/pinstat, pins,
 * reports, unpins, closes and reads every debugfs file, and this process
 * maps and unmaps memory (INSPECT looks at its address space).  Then the
 * faults are served and both calls complete with the right records.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "session_fixture.h"

#define BUF_PAGES	16
/* Liveness bound, not a timing: a blocked call would never end. */
#define STALL_WAIT_MS	20000

SESSION_FIXTURE(uffd);

/* @nr pages of fresh memory whose first touch waits for the test. */
static char *stall_area(int uffd, size_t nr)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {};
	char *area;

	if (ioctl(uffd, UFFDIO_API, &api))
		return NULL;
	area = mmap(NULL, nr * PAGE_SZ, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return NULL;
	reg.range.start = (unsigned long)area;
	reg.range.len = nr * PAGE_SZ;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		return NULL;
	return area;
}

/* One ioctl run by a thread that may stall in it. */
struct stalled_call {
	pthread_t thread;
	int fd;
	unsigned long cmd;
	void *args;
	int ret;		/* 0 or -errno */
	atomic_bool done;
};

static void *stalled_call_run(void *arg)
{
	struct stalled_call *c = arg;

	c->ret = ioctl(c->fd, c->cmd, c->args) ? -errno : 0;
	atomic_store(&c->done, true);
	return NULL;
}

static long long now_ms(void)
{
	return pinstat_now_ns() / 1000000;
}

/* Wait for the next page fault on @uffd; its address, or 0. */
static unsigned long next_fault(int uffd)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&pfd, 1, STALL_WAIT_MS) != 1)
		return 0;
	if (read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		return 0;
	return msg.arg.pagefault.address & ~(PAGE_SZ - 1);
}

/* Read debugfs @file to its end; 0 or -errno. */
static int read_all(const char *file)
{
	char path[128], chunk[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PINSTAT_DEBUGFS "/%s", file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		;
	close(fd);
	return n < 0 ? -errno : 0;
}

/*
 * Another process's whole use of pinstat; its exit status names the step
 * that failed (0: none).
 */
static int other_process(void)
{
	struct pinstat_folio_record *recs;
	struct pinstat_pin_args a;
	size_t nr;
	char *mem;
	int fd;

	fd = pinstat_open();
	if (fd < 0)
		return 1;
	mem = mmap(NULL, 4 * PAGE_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED || pinstat_pin(fd, mem, 4 * PAGE_SZ, 0, &a))
		return 2;
	if (pinstat_report(fd, a.handle, &recs, &nr) || nr != a.nr_runs)
		return 3;
	free(recs);
	if (pinstat_unpin(fd, a.handle))
		return 4;
	if (close(fd))
		return 5;
	if (read_all("summary") || read_all("pins") || read_all("runs"))
		return 6;
	return 0;
}

/* Wait up to STALL_WAIT_MS for child @pid; its status, or -1 (killed). */
static int wait_bounded(pid_t pid)
{
	long long end = now_ms() + STALL_WAIT_MS;
	int status;

	while (now_ms() < end) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* Fill the page at @addr so the copy waiting on it goes on. */
static int serve_fault(int uffd, unsigned long addr)
{
	static char zero[PAGE_SZ];
	struct uffdio_copy copy = {
		.dst = addr,
		.src = (unsigned long)zero,
		.len = PAGE_SZ,
	};

	return ioctl(uffd, UFFDIO_COPY, &copy) ? -errno : 0;
}

/* @rec holds one pin of pinstat's per page (large folio) or folio. */
static bool own_pin_only(const struct pinstat_folio_record *rec)
{
	unsigned int own = rec->flags & PINSTAT_FOLIO_EXACT ? rec->nr_pages : 1;

	return rec->own_pins == own && rec->foreign_pins == 0;
}

TEST_F_TIMEOUT(uffd, copy_stall_blocks_nobody, 90)
{
	struct pinstat_folio_record *report_recs, *inspect_recs;
	struct pinstat_report_args report = {
		.nr_records = BUF_PAGES,
		.record_size = sizeof(struct pinstat_folio_record),
	};
	struct pinstat_inspect_args inspect = {
		.pid = getpid(),
		.nr_records = BUF_PAGES,
		.record_size = sizeof(struct pinstat_folio_record),
	};
	struct stalled_call calls[2] = {
		{ .fd = self->s.fd, .cmd = PINSTAT_IOC_REPORT, .args = &report },
		{ .fd = self->s.fd, .cmd = PINSTAT_IOC_INSPECT, .args = &inspect },
	};
	struct pinstat_pin_args a;
	unsigned long faults[2];
	unsigned long pages = 0;
	char *buf, *area;
	long long t0;
	void *scratch;
	int i, uffd;
	pid_t pid;

	buf = mmap(NULL, BUF_PAGES * PAGE_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, pinstat_pin(self->s.fd, buf, BUF_PAGES * PAGE_SZ, 0, &a));
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		SKIP(return, "userfaultfd: %s", strerror(errno));
	area = stall_area(uffd, 2);
	ASSERT_NE(NULL, area);
	report_recs = (struct pinstat_folio_record *)area;
	inspect_recs = (struct pinstat_folio_record *)(area + PAGE_SZ);
	report.handle = a.handle;
	report.records = (uintptr_t)report_recs;
	inspect.start = (uintptr_t)buf;
	inspect.end = (uintptr_t)buf + BUF_PAGES * PAGE_SZ;
	inspect.records = (uintptr_t)inspect_recs;

	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&calls[i].thread, NULL,
					    stalled_call_run, &calls[i]));
	for (i = 0; i < 2; i++) {
		faults[i] = next_fault(uffd);
		ASSERT_NE(0, faults[i])
			TH_LOG("call %d did not reach its copy-out", i);
	}

	t0 = now_ms();
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(other_process());
	/* INSPECT looks at this process: its mmap lock must be free. */
	scratch = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, scratch);
	ASSERT_EQ(0, munmap(scratch, PAGE_SZ));
	ASSERT_EQ(0, wait_bounded(pid))
		TH_LOG("the other process failed or was held up");
	TH_LOG("another process's whole use of pinstat: %lld ms",
	       now_ms() - t0);
	for (i = 0; i < 2; i++)
		EXPECT_FALSE(atomic_load(&calls[i].done));

	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, serve_fault(uffd, faults[i]));
	for (i = 0; i < 2; i++) {
		pthread_join(calls[i].thread, NULL);
		ASSERT_EQ(0, calls[i].ret)
			TH_LOG("call %d: %s", i, strerror(-calls[i].ret));
	}

	ASSERT_EQ(report.nr_runs, report.nr_records);
	for (i = 0; i < (int)report.nr_records; i++) {
		EXPECT_EQ((uintptr_t)buf + pages * PAGE_SZ,
			  report_recs[i].addr);
		EXPECT_TRUE(own_pin_only(&report_recs[i]));
		pages += report_recs[i].nr_pages;
	}
	EXPECT_EQ(BUF_PAGES, pages);

	/* INSPECT finds the same folios, with the same owners. */
	EXPECT_EQ(0, inspect.cursor);
	ASSERT_EQ(report.nr_records, inspect.nr_records);
	for (i = 0; i < (int)inspect.nr_records; i++) {
		EXPECT_EQ(report_recs[i].addr, inspect_recs[i].addr);
		EXPECT_EQ(report_recs[i].pfn, inspect_recs[i].pfn);
		EXPECT_EQ(report_recs[i].nr_pages, inspect_recs[i].nr_pages);
		EXPECT_TRUE(own_pin_only(&inspect_recs[i]));
	}
}

TEST_HARNESS_MAIN
