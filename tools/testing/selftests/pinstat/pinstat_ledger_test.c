// SPDX-License-Identifier: GPL-2.0
/*
 * The pin ledger: who holds the pins.  An io_uring fixed buffer pins its
 * pages from the registering process (pin_user_pages() on 6.1, 512 pins
 * per THP; pin_user_pages_fast() on 6.12, which then releases all but one
 * pin per THP folio by unpin_user_pages()): the ledger must name that
 * process, its flags and a stack through io_uring's register path, hold
 * exactly the folios' foreign pins, and drop the entry when the buffer is
 * unregistered.  Also: pinstat's own pins never appear; pins from before
 * the ledger was on are unmatched, never named; the byte limit drops pins
 * without failing the caller; turning it on and off leaks nothing; no
 * probe is registered while it is off.  With the test module
 * pinstat_pinner.ko: each pin entry point is recorded under its name and
 * each unpin entry point takes its pins off; a release no probe sees is
 * trimmed by the next reconciliation, never left named.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "session_fixture.h"
#include "test_modules/pinstat_pinner.h"

#define KPROBE_LIST	"/sys/kernel/debug/kprobes/list"

/* Unregister a ring's buffers and close it. */
static void ring_release(int ring)
{
	pinstat_ring_unregister(ring);
	close(ring);
}

static long long line_num(const struct pinstat_line *l, const char *key)
{
	const char *v = pinstat_line_get(l, key);

	return v ? strtoll(v, NULL, 0) : -1;
}

/* The ledger entry of process @tgid: its line's numbers, 0 if none. */
struct entry {
	long long id, pins, pages, folios, stack;
	char flags[64], via[64], comm[32];
};

static int entry_of(pid_t tgid, struct entry *e)
{
	struct pinstat_line *lines;
	size_t nr, i;
	int found = 0;

	memset(e, 0, sizeof(*e));
	if (pinstat_debugfs_lines("ledger", &lines, &nr))
		return -1;
	for (i = 0; i < nr; i++) {
		if (line_num(&lines[i], "tgid") != tgid)
			continue;
		found++;
		e->id = line_num(&lines[i], "id");
		e->pins = line_num(&lines[i], "pins");
		e->pages = line_num(&lines[i], "pages");
		e->folios = line_num(&lines[i], "folios");
		e->stack = line_num(&lines[i], "stack");
		snprintf(e->flags, sizeof(e->flags), "%s",
			 pinstat_line_get(&lines[i], "flags"));
		snprintf(e->via, sizeof(e->via), "%s",
			 pinstat_line_get(&lines[i], "via"));
		snprintf(e->comm, sizeof(e->comm), "%s",
			 pinstat_line_get(&lines[i], "comm"));
	}
	pinstat_lines_free(lines, nr);
	return found;
}

/* Pins entry @id holds, and the folios' unattributed pins, from "holds". */
static long long holds_of(long long id, long long *unattributed)
{
	struct pinstat_line *lines;
	long long pins = 0;
	size_t nr, i;

	*unattributed = 0;
	if (pinstat_debugfs_lines("holds", &lines, &nr))
		return -1;
	for (i = 0; i < nr; i++) {
		if (line_num(&lines[i], "id") != id)
			continue;
		pins += line_num(&lines[i], "pins");
		*unattributed += line_num(&lines[i], "folio_unattributed");
	}
	pinstat_lines_free(lines, nr);
	return pins;
}

/* Does stack @id have a frame containing @needle?  Print it if @show. */
static int stack_has(long long id, const char *needle, bool show)
{
	char line[512], head[64];
	int in = 0, found = 0;
	FILE *f = fopen(PINSTAT_DEBUGFS "/stacks", "r");

	if (!f)
		return -errno;
	snprintf(head, sizeof(head), "stack=%lld ", id);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "stack=", 6))
			in = !strncmp(line, head, strlen(head));
		else if (in && strstr(line, needle))
			found = 1;
		if (in && show)
			fprintf(stderr, "# %s", line);
	}
	fclose(f);
	return found;
}

/* Foreign pins of @buf's folios, by INSPECT of this process. */
static long long foreign_pins(struct __test_metadata *_metadata, int fd,
			      const struct pinstat_buf *buf)
{
	struct pinstat_folio_record *r;
	long long sum = 0;
	size_t nr, i;

	if (pinstat_inspect(fd, getpid(), (unsigned long)buf->addr,
			    (unsigned long)buf->addr + buf->len, 0, 512, &r, &nr))
		return -1;
	for (i = 0; i < nr; i++)
		sum += r[i].foreign_pins;
	free(r);
	return sum;
}

FIXTURE(ledger) {
	struct session s;
	long long unpin_calls, trimmed, unmatched;
};

FIXTURE_SETUP(ledger)
{
	int ret;

	if (!session_open(_metadata, &self->s))
		return;
	ret = pinstat_ledger_set(1);
	if (ret == -EOPNOTSUPP)
		SKIP(return, "this kernel has no kretprobes");
	ASSERT_EQ(0, ret) TH_LOG("ledger_enable: %s", strerror(-ret));
	self->unpin_calls = pinstat_summary("ledger_unpin_calls");
	self->trimmed = pinstat_summary("ledger_trimmed_pins");
	self->unmatched = pinstat_summary("ledger_unmatched_pins");
}

FIXTURE_TEARDOWN(ledger)
{
	struct entry e;

	EXPECT_EQ(0, entry_of(getpid(), &e));
	EXPECT_EQ(0, pinstat_summary("ledger_entries"));
	EXPECT_EQ(0, pinstat_ledger_set(0));
	SESSION_CLOSE(&self->s);
}

/*
 * PINSTAT_IOC_HOLDERS of every folio of @buf names entry @e alone, with
 * all the folio's foreign pins; any page of a folio finds it.
 */
static void holders_name(struct __test_metadata *_metadata, int fd,
			 const struct pinstat_buf *buf, const struct entry *e)
{
	struct pinstat_folio_record *r;
	struct pinstat_holders_args a;
	struct pinstat_holder h[4];
	size_t nr, i;

	ASSERT_EQ(0, pinstat_inspect(fd, getpid(), (unsigned long)buf->addr,
				     (unsigned long)buf->addr + buf->len, 0,
				     512, &r, &nr));
	for (i = 0; i < nr; i++) {
		/* The run's last page: a.pfn comes back as the folio's. */
		ASSERT_EQ(0, pinstat_holders(fd, r[i].pfn + r[i].first_page +
					     r[i].nr_pages - 1, &a, h, 4));
		EXPECT_EQ(r[i].pfn, a.pfn);
		EXPECT_EQ(1, a.total);
		EXPECT_EQ(1, a.nr_holders);
		EXPECT_EQ(r[i].foreign_pins, a.foreign_pins);
		EXPECT_EQ(0, a.unattributed_pins);
		EXPECT_EQ(e->id, h[0].entry_id);
		EXPECT_EQ(r[i].foreign_pins, h[0].pins);
		EXPECT_EQ(getpid(), h[0].tgid);
		EXPECT_EQ(PINSTAT_HOLDER_WRITE | PINSTAT_HOLDER_LONGTERM,
			  h[0].flags);
		EXPECT_EQ(0, strncmp((const char *)h[0].comm, e->comm, 15));
		EXPECT_EQ(e->stack, h[0].stack_id);
	}
	free(r);
}

/* @self is FIXTURE_DATA(ledger), spelled out for checkpatch. */
static void io_uring_named(struct __test_metadata *_metadata,
			   struct _test_data_ledger *self,
			   enum pinstat_buf_kind kind, size_t len)
{
	long long foreign, held, unattributed;
	struct pinstat_buf buf;
	struct entry e;
	int ring, ret;

	ret = pinstat_buf_alloc(&buf, kind, len);
	if (ret == -EOPNOTSUPP)
		SKIP(return, "%s memory not available", pinstat_buf_kind_str(kind));
	ASSERT_EQ(0, ret);
	ring = pinstat_ring_register(buf.addr, buf.len);
	if (ring == -ENOSYS || ring == -EPERM)
		SKIP(return, "no io_uring here (%s)", strerror(-ring));
	ASSERT_GE(ring, 0) TH_LOG("io_uring: %s", strerror(-ring));

	ASSERT_EQ(1, entry_of(getpid(), &e));
	foreign = foreign_pins(_metadata, self->s.fd, &buf);
	held = holds_of(e.id, &unattributed);
	TH_LOG("%s: entry %lld comm=%s via=%s flags=%s pins=%lld folios=%lld",
	       pinstat_buf_kind_str(kind), e.id, e.comm, e.via, e.flags,
	       e.pins, e.folios);
	TH_LOG("folios' foreign pins %lld", foreign);
	EXPECT_STREQ("write,longterm", e.flags);
	EXPECT_TRUE(!strcmp(e.via, "pin_user_pages") ||
		    !strcmp(e.via, "pin_user_pages_fast"));
	EXPECT_EQ(0, strncmp(e.comm, "pinstat_ledger_", 15));
	/* Every foreign pin is this entry's: 512 or 1 per THP folio. */
	EXPECT_EQ(foreign, e.pins);
	EXPECT_EQ(e.pins, held);
	EXPECT_EQ(0, unattributed);
	EXPECT_GE(e.pins, (long long)(buf.len / (kind == BUF_THP ? SZ_2M : PAGE_SZ)));
	/* 6.12's release of the coalesced pins was seen, not trimmed. */
	EXPECT_EQ(self->trimmed, pinstat_summary("ledger_trimmed_pins"));
	EXPECT_EQ(self->unmatched, pinstat_summary("ledger_unmatched_pins"));
	EXPECT_EQ(1, stack_has(e.stack, "io_uring_register", true));
	holders_name(_metadata, self->s.fd, &buf, &e);

	ring_release(ring);
	EXPECT_EQ(0, entry_of(getpid(), &e));
	EXPECT_EQ(0, holds_of(e.id, &unattributed));
	EXPECT_EQ(self->trimmed, pinstat_summary("ledger_trimmed_pins"));
	EXPECT_EQ(self->unmatched, pinstat_summary("ledger_unmatched_pins"));
	EXPECT_LT(self->unpin_calls, pinstat_summary("ledger_unpin_calls"));
	pinstat_buf_free(&buf);
}

TEST_F(ledger, io_uring_buffer_on_thp_named)
{
	io_uring_named(_metadata, self, BUF_THP, 2 * SZ_2M);
}

TEST_F(ledger, io_uring_buffer_on_small_pages_named)
{
	io_uring_named(_metadata, self, BUF_ANON, 16 * PAGE_SZ);
}

TEST_F(ledger, own_pins_are_not_in_the_ledger)
{
	long long calls = pinstat_summary("ledger_pin_calls");
	struct pinstat_pin_args a;
	struct pinstat_buf buf;
	struct entry e;

	ASSERT_EQ(0, pinstat_buf_alloc(&buf, BUF_ANON, 16 * PAGE_SZ));
	ASSERT_EQ(0, pinstat_pin(self->s.fd, buf.addr, buf.len, 0, &a));
	EXPECT_EQ(0, entry_of(getpid(), &e));
	EXPECT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
	EXPECT_EQ(calls, pinstat_summary("ledger_pin_calls"));
	EXPECT_EQ(self->unpin_calls, pinstat_summary("ledger_unpin_calls"));
	pinstat_buf_free(&buf);
}

TEST_F(ledger, pins_from_before_are_never_named)
{
	struct pinstat_buf buf;
	struct entry e;
	int ring;

	ASSERT_EQ(0, pinstat_buf_alloc(&buf, BUF_ANON, 16 * PAGE_SZ));
	ASSERT_EQ(0, pinstat_ledger_set(0));
	ring = pinstat_ring_register(buf.addr, buf.len);
	if (ring == -ENOSYS || ring == -EPERM)
		SKIP(return, "no io_uring here (%s)", strerror(-ring));
	ASSERT_GE(ring, 0);
	ASSERT_EQ(0, pinstat_ledger_set(1));
	EXPECT_EQ(0, entry_of(getpid(), &e));
	EXPECT_EQ(0, pinstat_summary("ledger_unmatched_pins"));
	ring_release(ring);
	EXPECT_EQ(0, entry_of(getpid(), &e));
	/* The 16 releases match no entry. */
	EXPECT_EQ(16, pinstat_summary("ledger_unmatched_pins"));
	pinstat_buf_free(&buf);
}

TEST_F(ledger, byte_limit_drops_pins_not_the_caller)
{
	long long limit = pinstat_param_get("ledger_max_bytes");
	struct pinstat_buf buf;
	struct entry e;
	int ring;

	ASSERT_GT(limit, 0);
	ASSERT_EQ(0, pinstat_buf_alloc(&buf, BUF_ANON, 256 * PAGE_SZ));
	ASSERT_EQ(0, pinstat_param_set("ledger_max_bytes", 8192));
	ring = pinstat_ring_register(buf.addr, buf.len);
	if (ring == -ENOSYS || ring == -EPERM)
		SKIP(goto out, "no io_uring here (%s)", strerror(-ring));
	EXPECT_GE(ring, 0);
	EXPECT_EQ(1, entry_of(getpid(), &e));
	TH_LOG("8 KiB ledger: entry of %lld pins, flags %s, %lld dropped",
	       e.pins, e.flags, pinstat_summary("ledger_dropped_pins"));
	EXPECT_LT(e.pins, 256);
	EXPECT_GT(e.pins, 0);
	EXPECT_STREQ("write,longterm,truncated", e.flags);
	EXPECT_EQ(256 - e.pins, pinstat_summary("ledger_dropped_pins"));
	EXPECT_GE(8192, pinstat_summary("ledger_bytes"));
	if (ring >= 0)
		ring_release(ring);
out:
	EXPECT_EQ(0, pinstat_param_set("ledger_max_bytes", limit));
	pinstat_buf_free(&buf);
}

TEST_F(ledger, probes_registered_only_while_on)
{
	long n = pinstat_debugfs_count("../kprobes/list", "pin_user_pages_fast+");

	if (n < 0)
		SKIP(return, KPROBE_LIST " not readable");
	EXPECT_EQ(1, n);
	ASSERT_EQ(0, pinstat_ledger_set(0));
	EXPECT_EQ(0, pinstat_debugfs_count("../kprobes/list", "pin_user"));
	EXPECT_EQ(0, pinstat_debugfs_count("../kprobes/list", "unpin_"));
	EXPECT_EQ(0, pinstat_summary("ledger"));
	ASSERT_EQ(0, pinstat_ledger_set(1));
	EXPECT_EQ(1, pinstat_summary("ledger"));
}

/*
 * On and off again and again, io_uring buffers registered and released
 * in between, some held across a switch: nothing is left over, each
 * time on again starts empty.  The switches are not made while a probed
 * function runs: on the stock 6.1 and 6.12 kernels under QEMU TCG,
 * enabling or disabling ftrace-based kprobes on unpin_user_folio() or
 * unpin_user_page() while another CPU calls it crashes the kernel, with
 * tracefs kprobe events as well as with pinstat (see the testing
 * document); pinstat_ledger_switch_test.sh does it where that is safe.
 */
TEST_F(ledger, on_and_off_again)
{
	struct pinstat_buf buf;
	int i, ring, held = -1;

	ASSERT_EQ(0, pinstat_buf_alloc(&buf, BUF_THP, 2 * SZ_2M));
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, pinstat_ledger_set(i & 1));
		ring = pinstat_ring_register(buf.addr, buf.len);
		if (ring == -ENOSYS || ring == -EPERM)
			SKIP(break, "no io_uring here (%s)", strerror(-ring));
		ASSERT_GE(ring, 0);
		if (held >= 0)
			ring_release(held);
		held = ring;
	}
	if (held >= 0)
		ring_release(held);
	ASSERT_EQ(0, pinstat_ledger_set(1));
	EXPECT_EQ(0, pinstat_summary("ledger_entries"));
	EXPECT_EQ(0, pinstat_summary("ledger_pins"));
	pinstat_buf_free(&buf);
}

/* Pin @len bytes at @addr through the test module; its id or -errno. */
static int pinner_pin_from(int fd, void *addr, size_t len, unsigned int via,
			   unsigned int from)
{
	struct pinstat_pinner_pin a = {
		.addr = (unsigned long)addr,
		.nr_pages = len / PAGE_SZ,
		.via = via,
		.flags = PINSTAT_PINNER_WRITE | from,
	};

	return ioctl(fd, PINSTAT_PINNER_IOC_PIN, &a) ? -errno : (int)a.id;
}

static int pinner_pin(int fd, void *addr, size_t len, unsigned int via)
{
	return pinner_pin_from(fd, addr, len, via, 0);
}

static int pinner_unpin(int fd, int id, unsigned int via)
{
	struct pinstat_pinner_unpin a = { .id = id, .via = via };

	return ioctl(fd, PINSTAT_PINNER_IOC_UNPIN, &a) ? -errno : 0;
}

static const struct {
	unsigned int pin_via;
	const char *pin_name;
	unsigned int unpin_via;
} pinner_paths[] = {
	{ PINSTAT_PINNER_PIN_USER_PAGES, "pin_user_pages",
	  PINSTAT_PINNER_UNPIN_USER_PAGE },
	{ PINSTAT_PINNER_PIN_USER_PAGES_FAST, "pin_user_pages_fast",
	  PINSTAT_PINNER_UNPIN_USER_PAGES },
	{ PINSTAT_PINNER_PIN_USER_PAGES_FAST_ONLY, "pin_user_pages_fast_only",
	  PINSTAT_PINNER_UNPIN_USER_PAGES_DIRTY_LOCK },
	{ PINSTAT_PINNER_PIN_USER_PAGES_REMOTE, "pin_user_pages_remote",
	  PINSTAT_PINNER_UNPIN_USER_PAGES_DIRTY_LOCK_CLEAN },
	{ PINSTAT_PINNER_PIN_USER_PAGES_UNLOCKED, "pin_user_pages_unlocked",
	  PINSTAT_PINNER_UNPIN_USER_PAGE_RANGE_DIRTY_LOCK },
	{ PINSTAT_PINNER_PIN_USER_PAGES_FAST, "pin_user_pages_fast",
	  PINSTAT_PINNER_UNPIN_FOLIO },
	{ PINSTAT_PINNER_PIN_USER_PAGES_FAST, "pin_user_pages_fast",
	  PINSTAT_PINNER_UNPIN_FOLIOS },
	{ PINSTAT_PINNER_PIN_USER_PAGES_FAST, "pin_user_pages_fast",
	  PINSTAT_PINNER_UNPIN_USER_FOLIO },
};

static int pinner_open(struct __test_metadata *_metadata)
{
	int fd = open(PINSTAT_PINNER_DEV, O_RDWR);

	if (fd < 0)
		SKIP(return -1, PINSTAT_PINNER_DEV ": pinstat_pinner.ko is not loaded");
	return fd;
}

/* Each pin entry point named, each unpin entry point seen, on a THP. */
TEST_F(ledger, every_entry_point)
{
	struct pinstat_buf buf;
	unsigned int i, seen = 0;
	struct entry e;
	int fd, id;

	fd = pinner_open(_metadata);
	if (fd < 0)
		return;
	ASSERT_EQ(0, pinstat_buf_alloc(&buf, BUF_THP, SZ_2M));
	for (i = 0; i < ARRAY_SIZE(pinner_paths); i++) {
		id = pinner_pin(fd, buf.addr, buf.len, pinner_paths[i].pin_via);
		if (id == -EOPNOTSUPP)
			continue;
		ASSERT_GE(id, 0) TH_LOG("path %u: %s", i, strerror(-id));
		ASSERT_EQ(1, entry_of(getpid(), &e));
		EXPECT_STREQ(pinner_paths[i].pin_name, e.via);
		EXPECT_EQ(512, e.pins);
		EXPECT_STREQ("write", e.flags);
		if (pinner_unpin(fd, id, pinner_paths[i].unpin_via) == -EOPNOTSUPP) {
			EXPECT_EQ(0, pinner_unpin(fd, id,
						  PINSTAT_PINNER_UNPIN_USER_PAGES));
			continue;
		}
		EXPECT_EQ(0, entry_of(getpid(), &e))
			TH_LOG("%s released by unpin via %u", e.via,
			       pinner_paths[i].unpin_via);
		seen++;
	}
	TH_LOG("%u pin and unpin pairs seen", seen);
	EXPECT_GE(seen, 5);
	EXPECT_EQ(self->trimmed, pinstat_summary("ledger_trimmed_pins"));
	EXPECT_EQ(self->unmatched, pinstat_summary("ledger_unmatched_pins"));
	close(fd);
	pinstat_buf_free(&buf);
}

/*
 * Two callers that reach pin_user_pages_fast() through the same function
 * at the same stack depth, taking turns: each entry names its own, and
 * the stacks a CPU remembers are used.  On one CPU, each caller's stack
 * is unwound at most twice (the second time to learn which frames move
 * with the syscall's random stack offset): 12 of 16 calls reuse one.
 */
TEST_F(ledger, twin_paths_keep_their_stacks)
{
	static const char * const twin[] = {
		"pinner_fast_left", "pinner_fast_right"
	};
	static const unsigned int from[] = {
		PINSTAT_PINNER_FROM_LEFT, PINSTAT_PINNER_FROM_RIGHT
	};
	long long reuses = pinstat_summary("ledger_stack_reuses");
	cpu_set_t was, one;
	struct pinstat_buf buf;
	unsigned int i, side;
	struct entry e;
	int fd, id;

	fd = pinner_open(_metadata);
	if (fd < 0)
		return;
	ASSERT_EQ(0, pinstat_buf_alloc(&buf, BUF_THP, SZ_2M));
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(was), &was));
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	for (i = 0; i < 16; i++) {
		side = i % 2;
		id = pinner_pin_from(fd, buf.addr, buf.len,
				     PINSTAT_PINNER_PIN_USER_PAGES_FAST,
				     from[side]);
		ASSERT_GE(id, 0) TH_LOG("%s: %s", twin[side], strerror(-id));
		ASSERT_EQ(1, entry_of(getpid(), &e));
		EXPECT_EQ(1, stack_has(e.stack, twin[side], false));
		EXPECT_EQ(0, stack_has(e.stack, twin[!side], false));
		EXPECT_EQ(1, stack_has(e.stack, "pinner_fast_common", i < 2));
		ASSERT_EQ(0, pinner_unpin(fd, id,
					  PINSTAT_PINNER_UNPIN_USER_PAGES));
	}
	EXPECT_LE(reuses + 12, pinstat_summary("ledger_stack_reuses"));
	EXPECT_EQ(0, sched_setaffinity(0, sizeof(was), &was));
	close(fd);
	pinstat_buf_free(&buf);
}

/* A release no probe sees: the next query trims it, names nobody. */
TEST_F(ledger, invisible_release_is_reconciled)
{
	struct pinstat_buf buf;
	struct entry e;
	int fd, id;

	fd = pinner_open(_metadata);
	if (fd < 0)
		return;
	ASSERT_EQ(0, pinstat_buf_alloc(&buf, BUF_THP, SZ_2M));
	id = pinner_pin(fd, buf.addr, buf.len,
			PINSTAT_PINNER_PIN_USER_PAGES_FAST);
	ASSERT_GE(id, 0);
	ASSERT_EQ(0, pinner_unpin(fd, id, PINSTAT_PINNER_UNPIN_INVISIBLE));
	EXPECT_EQ(0, entry_of(getpid(), &e));
	EXPECT_EQ(self->trimmed + 512, pinstat_summary("ledger_trimmed_pins"));
	EXPECT_EQ(0, pinstat_summary("ledger_pins"));
	close(fd);
	pinstat_buf_free(&buf);
}

static long long vmstat_read(const char *key)
{
	char name[64];
	long long v, found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &v) == 2)
		if (!strcmp(name, key))
			found = v;
	fclose(f);
	return found;
}

/*
 * O_DIRECT reads from a ramdisk: on 6.12 the block layer pins each
 * buffer with pin_user_pages_fast() and releases it when the bio ends, so
 * every call is recorded and nothing stays; 6.1 takes references, not
 * pins, so nothing is recorded at all.  Which one the kernel does is read
 * from nr_foll_pin_acquired, not from its version.
 */
static void odirect_reads(struct __test_metadata *_metadata,
			  struct _test_data_ledger *self,
			  enum pinstat_buf_kind kind)
{
	long long calls = pinstat_summary("ledger_pin_calls");
	long long acquired = vmstat_read("nr_foll_pin_acquired");
	struct pinstat_buf buf;
	struct entry e;
	int fd, i;

	fd = open("/dev/ram0", O_RDONLY | O_DIRECT);
	if (fd < 0)
		SKIP(return, "no /dev/ram0 (insmod brd.ko): %s", strerror(errno));
	ASSERT_EQ(0, pinstat_buf_alloc(&buf, kind, SZ_2M));
	for (i = 0; i < 64; i++)
		ASSERT_EQ((ssize_t)SZ_64K,
			  pread(fd, (char *)buf.addr + i * SZ_4K, SZ_64K,
				i * SZ_64K));
	close(fd);
	acquired = vmstat_read("nr_foll_pin_acquired") - acquired;
	calls = pinstat_summary("ledger_pin_calls") - calls;
	TH_LOG("%s: 64 O_DIRECT reads: %lld pins taken, %lld pin calls recorded",
	       pinstat_buf_kind_str(kind), acquired, calls);
	/* EXPECT_*() is two statements: no bare if/else around it. */
	EXPECT_TRUE(acquired > 0 ? calls >= 64 : calls == 0);
	EXPECT_EQ(0, entry_of(getpid(), &e));
	EXPECT_EQ(self->trimmed, pinstat_summary("ledger_trimmed_pins"));
	EXPECT_EQ(self->unmatched, pinstat_summary("ledger_unmatched_pins"));
	pinstat_buf_free(&buf);
}

TEST_F(ledger, odirect_short_term_pins_come_and_go_on_thp)
{
	odirect_reads(_metadata, self, BUF_THP);
}

TEST_F(ledger, odirect_short_term_pins_come_and_go_on_small_pages)
{
	odirect_reads(_metadata, self, BUF_ANON);
}

/* HOLDERS: the errors its uapi documents, and a folio nobody holds. */
TEST_F(ledger, holders_errors_and_unheld_folio)
{
	struct pinstat_holders_args a;
	struct pinstat_holder h;
	unsigned long long pfn;
	struct pinstat_buf buf;

	ASSERT_EQ(0, pinstat_buf_alloc(&buf, BUF_ANON, PAGE_SZ));
	ASSERT_EQ(0, pinstat_pagemap_pfn(buf.addr, &pfn));
	ASSERT_EQ(0, pinstat_holders(self->s.fd, pfn, &a, &h, 1));
	EXPECT_EQ(pfn, a.pfn);
	EXPECT_EQ(0, a.total);
	EXPECT_EQ(0, a.nr_holders);
	EXPECT_EQ(0, a.foreign_pins);
	EXPECT_EQ(0, a.unattributed_pins);

	memset(&a, 0, sizeof(a));
	a.pfn = pfn;
	a.holder_size = sizeof(h) - 8;
	EXPECT_EQ(-1, ioctl(self->s.fd, PINSTAT_IOC_HOLDERS, &a));
	EXPECT_EQ(EINVAL, errno);
	a.holder_size = sizeof(h);
	a.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(self->s.fd, PINSTAT_IOC_HOLDERS, &a));
	EXPECT_EQ(EINVAL, errno);
	a.reserved[1] = 0;
	a.flags = 1;
	EXPECT_EQ(-1, ioctl(self->s.fd, PINSTAT_IOC_HOLDERS, &a));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, pinstat_holders(self->s.fd, 1ULL << 50, &a, &h, 1));
	ASSERT_EQ(0, pinstat_ledger_set(0));
	EXPECT_EQ(-ENOENT, pinstat_holders(self->s.fd, pfn, &a, &h, 1));
	ASSERT_EQ(0, pinstat_ledger_set(1));
	pinstat_buf_free(&buf);
}

TEST_HARNESS_MAIN
