// SPDX-License-Identifier: GPL-2.0
/*
 * pinstat selftests: pin real memory of every kind through /dev/pinstat and
 * check the numbers the module reports against what the kernel must show,
 * then every bad input with its errno and that it changed nothing.
 *
 * Run as root in a guest with the module loaded, debugfs mounted, 2 MiB and
 * 1 GiB huge pages reserved; a kind the machine cannot provide is skipped
 * with the reason.
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

/* Every test starts with a session and ends with nothing left pinned. */
SESSION_FIXTURE(pinstat)

/* One kind of memory and what a pin of it must look like. */
FIXTURE_VARIANT(pinstat) {
	enum pinstat_buf_kind buf_kind;
	size_t len;
	unsigned int order;		/* folio order expected */
	unsigned int kind;		/* PINSTAT_KIND_* expected */
	unsigned int flags;		/* PINSTAT_PIN_* to pin with */
};

FIXTURE_VARIANT_ADD(pinstat, anon_4k) {
	.buf_kind = BUF_ANON, .len = 16 * PAGE_SZ, .order = 0,
	.kind = PINSTAT_KIND_ANON,
	.flags = PINSTAT_PIN_WRITE | PINSTAT_PIN_LONGTERM,
};

FIXTURE_VARIANT_ADD(pinstat, thp) {
	.buf_kind = BUF_THP, .len = 2 * SZ_2M, .order = 9,
	.kind = PINSTAT_KIND_ANON_THP,
	.flags = PINSTAT_PIN_WRITE | PINSTAT_PIN_LONGTERM,
};

FIXTURE_VARIANT_ADD(pinstat, hugetlb_2m) {
	.buf_kind = BUF_HUGETLB_2M, .len = 2 * SZ_2M, .order = 9,
	.kind = PINSTAT_KIND_HUGETLB,
	.flags = PINSTAT_PIN_WRITE | PINSTAT_PIN_LONGTERM,
};

FIXTURE_VARIANT_ADD(pinstat, hugetlb_1g) {
	.buf_kind = BUF_HUGETLB_1G, .len = SZ_1G, .order = 18,
	.kind = PINSTAT_KIND_HUGETLB,
	.flags = PINSTAT_PIN_WRITE | PINSTAT_PIN_LONGTERM,
};

FIXTURE_VARIANT_ADD(pinstat, shmem) {
	.buf_kind = BUF_SHMEM, .len = 16 * PAGE_SZ, .order = 0,
	.kind = PINSTAT_KIND_SHMEM,
	.flags = PINSTAT_PIN_WRITE | PINSTAT_PIN_LONGTERM,
};

/* Long-term write pins of page-cache files are refused: pin short-term. */
FIXTURE_VARIANT_ADD(pinstat, pagecache) {
	.buf_kind = BUF_FILE, .len = 16 * PAGE_SZ, .order = 0,
	.kind = PINSTAT_KIND_PAGECACHE, .flags = PINSTAT_PIN_WRITE,
};

FIXTURE_VARIANT_ADD(pinstat, mthp_64k) {
	.buf_kind = BUF_MTHP_64K, .len = SZ_64K, .order = 4,
	.kind = PINSTAT_KIND_ANON_THP,
	.flags = PINSTAT_PIN_WRITE | PINSTAT_PIN_LONGTERM,
};

/* The read-only zero page: the kernel does not pin it at all. */
FIXTURE_VARIANT_ADD(pinstat, zero_page) {
	.buf_kind = BUF_ZERO, .len = 4 * PAGE_SZ, .order = 0,
	.kind = PINSTAT_KIND_ZERO, .flags = 0,
};

/*
 * Map the variant's memory; false when the kernel has none: the test is
 * skipped and the caller returns at once.
 */
static bool alloc_or_skip(struct __test_metadata *_metadata,
			  FIXTURE_VARIANT(pinstat) const *variant,
			  struct pinstat_buf *buf)
{
	int ret = pinstat_buf_alloc(buf, variant->buf_kind, variant->len);

	if (ret == -EOPNOTSUPP)
		SKIP(return false, "%s memory not available on this kernel/config",
		     pinstat_buf_kind_str(variant->buf_kind));
	ASSERT_EQ(0, ret);
	return true;
}

static size_t folio_pages(unsigned int order)
{
	return 1UL << order;
}

/* Fetch a pin's records and check their shape against the variant. */
static void check_records(struct __test_metadata *_metadata,
			  FIXTURE_VARIANT(pinstat) const *variant, int fd,
			  unsigned int handle, const struct pinstat_buf *buf,
			  struct pinstat_folio_record **recs, size_t *nr)
{
	size_t per_folio = folio_pages(variant->order), i;
	uintptr_t addr = (uintptr_t)buf->addr;
	long long limit = pinstat_param_get("refcount_limit");

	ASSERT_EQ(0, pinstat_report(fd, handle, recs, nr));
	ASSERT_EQ(variant->len / PAGE_SZ / per_folio, *nr);
	for (i = 0; i < *nr; i++) {
		const struct pinstat_folio_record *r = &(*recs)[i];

		EXPECT_EQ(addr + i * per_folio * PAGE_SZ, r->addr);
		EXPECT_EQ(variant->order, r->order);
		EXPECT_EQ(variant->kind, r->kind)
			TH_LOG("record %zu is %s", i, pinstat_kind_str(r->kind));
		EXPECT_EQ(per_folio, r->nr_pages);
		EXPECT_EQ(0, r->first_page);
		EXPECT_EQ(0, r->pfn & (per_folio - 1));
		EXPECT_EQ(variant->order > 0,
			  !!(r->flags & PINSTAT_FOLIO_EXACT));
		EXPECT_TRUE(r->flags & PINSTAT_FOLIO_MAPCOUNT_VALID);
		/* What one more pin of these pages adds to the refcount. */
		EXPECT_EQ((limit - r->refcount) /
			  (variant->order ? per_folio : BIAS), r->pin_headroom);
	}
}

static long long pinned_pages(FIXTURE_VARIANT(pinstat) const *variant)
{
	/* The kernel takes no pin on the shared zero page. */
	return variant->kind == PINSTAT_KIND_ZERO ? 0 : variant->len / PAGE_SZ;
}

/*
 * Pin twice through two handles: the second pin adds exactly one pin per
 * page (large folios) or one GUP_PIN_COUNTING_BIAS to the refcount (small),
 * vmstat moves by the pages pinned, and UNPIN takes it all back.
 */
TEST_F(pinstat, pin_twice_and_release)
{
	struct pinstat_folio_record *one = NULL, *two = NULL, *again = NULL;
	struct pinstat_pin_args a, b;
	struct pinstat_buf buf;
	size_t n1, n2, n3, i;
	size_t per_folio = folio_pages(variant->order);

	if (!alloc_or_skip(_metadata, variant, &buf))
		return;

	ASSERT_EQ(0, pinstat_pin(self->s.fd, buf.addr, buf.len, variant->flags, &a));
	EXPECT_NE(0, a.handle);
	EXPECT_EQ(buf.len / PAGE_SZ, a.nr_pages);
	EXPECT_EQ(buf.len / PAGE_SZ / per_folio, a.nr_runs);
	EXPECT_EQ(a.nr_runs, a.runs_by_order[variant->order]);
	EXPECT_EQ(self->s.vm_pinned + pinned_pages(variant),
		  pinstat_vmstat_pinned());
	check_records(_metadata, variant, self->s.fd, a.handle, &buf, &one, &n1);

	ASSERT_EQ(0, pinstat_pin(self->s.fd, buf.addr, buf.len, variant->flags, &b));
	EXPECT_NE(a.handle, b.handle);
	EXPECT_EQ(self->s.vm_pinned + 2 * pinned_pages(variant),
		  pinstat_vmstat_pinned());
	EXPECT_EQ(self->s.pins + 2, pinstat_summary("pins"));
	EXPECT_EQ(self->s.pages + 2 * (long long)(buf.len / PAGE_SZ),
		  pinstat_summary("pages"));
	check_records(_metadata, variant, self->s.fd, b.handle, &buf, &two, &n2);

	for (i = 0; i < n1 && i < n2; i++) {
		EXPECT_EQ(one[i].pfn, two[i].pfn);
		if (variant->kind == PINSTAT_KIND_ZERO) {
			EXPECT_EQ(one[i].refcount, two[i].refcount);
		} else if (variant->order) {
			/* Nobody else pins here: the counts are ours alone. */
			EXPECT_EQ(per_folio, one[i].pincount);
			EXPECT_EQ(2 * per_folio, two[i].pincount);
			EXPECT_EQ(one[i].refcount + per_folio, two[i].refcount);
		} else {
			EXPECT_EQ(one[i].refcount + BIAS, two[i].refcount);
			EXPECT_EQ(one[i].pincount + 1, two[i].pincount);
			EXPECT_GE(one[i].pincount, 1);
		}
		if (variant->kind != PINSTAT_KIND_ZERO)
			EXPECT_TRUE(two[i].flags & PINSTAT_FOLIO_MAYBE_DMA_PINNED);
	}

	ASSERT_EQ(0, pinstat_unpin(self->s.fd, b.handle));
	EXPECT_EQ(-ENOENT, pinstat_unpin(self->s.fd, b.handle));
	EXPECT_EQ(self->s.vm_pinned + pinned_pages(variant),
		  pinstat_vmstat_pinned());
	check_records(_metadata, variant, self->s.fd, a.handle, &buf, &again, &n3);
	for (i = 0; i < n1 && i < n3; i++) {
		EXPECT_EQ(one[i].pincount, again[i].pincount);
		EXPECT_EQ(one[i].refcount, again[i].refcount);
	}
	ASSERT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
	EXPECT_EQ(self->s.vm_pinned, pinstat_vmstat_pinned());
	EXPECT_EQ(self->s.pins, pinstat_summary("pins"));
	free(one);
	free(two);
	free(again);
	pinstat_buf_free(&buf);
}

/* Closing a session (not UNPIN) gives its pins back too. */
TEST_F(pinstat, close_releases)
{
	struct pinstat_folio_record *before = NULL, *after = NULL;
	struct pinstat_pin_args a, b;
	struct pinstat_buf buf;
	size_t n1, n2, i;
	int fd2;

	if (!alloc_or_skip(_metadata, variant, &buf))
		return;
	ASSERT_EQ(0, pinstat_pin(self->s.fd, buf.addr, buf.len, variant->flags, &a));
	ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &before, &n1));

	fd2 = pinstat_open();
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, pinstat_pin(fd2, buf.addr, buf.len, variant->flags, &b));
	ASSERT_EQ(0, pinstat_pin(fd2, buf.addr, buf.len, variant->flags, &b));
	EXPECT_EQ(self->s.vm_pinned + 3 * pinned_pages(variant),
		  pinstat_vmstat_pinned());
	close(fd2);

	EXPECT_EQ(self->s.vm_pinned + pinned_pages(variant),
		  pinstat_vmstat_pinned());
	ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &after, &n2));
	ASSERT_EQ(n1, n2);
	for (i = 0; i < n1; i++) {
		EXPECT_EQ(before[i].pincount, after[i].pincount);
		EXPECT_EQ(before[i].refcount, after[i].refcount);
	}
	free(before);
	free(after);
	pinstat_buf_free(&buf);
}

/*
 * debugfs agrees with the ioctl: "pins" lists the pin with our pid, "runs"
 * has one line per record, "summary" counts them.
 */
TEST_F(pinstat, debugfs_matches_report)
{
	struct pinstat_folio_record *recs = NULL;
	struct pinstat_pin_args a;
	struct pinstat_buf buf;
	char needle[64], line[1024], path[128];
	long long pincount = -1;
	size_t nr;
	FILE *f;

	if (!alloc_or_skip(_metadata, variant, &buf))
		return;
	ASSERT_EQ(0, pinstat_pin(self->s.fd, buf.addr, buf.len, variant->flags, &a));
	ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &recs, &nr));

	snprintf(needle, sizeof(needle), "handle=%u pid=%d ", a.handle, getpid());
	EXPECT_EQ(1, pinstat_debugfs_count("pins", needle));
	EXPECT_EQ((long)nr, pinstat_debugfs_count("runs", needle));
	EXPECT_EQ(self->s.pins + 1, pinstat_summary("pins"));
	EXPECT_EQ(self->s.pages + (long long)(buf.len / PAGE_SZ),
		  pinstat_summary("pages"));
	EXPECT_EQ((self->s.pages << 12) + (long long)buf.len,
		  pinstat_summary("bytes_pinned"));
	EXPECT_GT(pinstat_summary("bookkeeping"), 0);

	/* The first folio line carries the same pin count as the ioctl. */
	snprintf(path, sizeof(path), PINSTAT_DEBUGFS "/runs");
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, " pincount=");

		if (strstr(line, needle) && p) {
			pincount = strtoll(p + 10, NULL, 10);
			break;
		}
	}
	fclose(f);
	EXPECT_EQ((long long)recs[0].pincount, pincount);

	ASSERT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
	EXPECT_EQ(0, pinstat_debugfs_count("pins", needle));
	EXPECT_EQ(0, pinstat_debugfs_count("runs", needle));
	free(recs);
	pinstat_buf_free(&buf);
}

/* Tests of one memory kind each, without variants. */
SESSION_FIXTURE(session)

/* The issue's own figure: one 1 GiB page pinned whole three times. */
TEST_F(session, hugetlb_1g_three_pins)
{
	struct pinstat_folio_record *recs = NULL;
	struct pinstat_pin_args a;
	struct pinstat_buf buf;
	size_t nr;
	int i;

	if (pinstat_buf_alloc(&buf, BUF_HUGETLB_1G, SZ_1G))
		SKIP(return, "no 1 GiB huge page reserved");
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, pinstat_pin(self->s.fd, buf.addr, buf.len,
					 PINSTAT_PIN_WRITE | PINSTAT_PIN_LONGTERM, &a));
		EXPECT_EQ(1, a.nr_runs);
		/* One run: the pin's record and a two-slot entry array. */
		EXPECT_LE(a.bookkeeping_bytes, 96);
	}
	ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &recs, &nr));
	ASSERT_EQ(1, nr);
	EXPECT_EQ(786432, recs[0].pincount);
	EXPECT_EQ(786432 + 1, recs[0].refcount);
	EXPECT_EQ(18, recs[0].order);
	free(recs);
	pinstat_buf_free(&buf);
}

/* A 1 GiB pin on 2 MiB pages: 512 runs, at most 64 KiB of bookkeeping. */
static void pin_1g_of(struct __test_metadata *_metadata, struct session *s,
		      enum pinstat_buf_kind kind)
{
	struct pinstat_pin_args a;
	struct pinstat_buf buf;

	if (pinstat_buf_alloc(&buf, kind, SZ_1G))
		SKIP(return, "1 GiB of %s not available",
		     pinstat_buf_kind_str(kind));
	ASSERT_EQ(0, pinstat_pin(s->fd, buf.addr, buf.len,
				 PINSTAT_PIN_WRITE | PINSTAT_PIN_LONGTERM, &a));
	EXPECT_EQ(512, a.nr_runs);
	EXPECT_LE(a.bookkeeping_bytes, 64 << 10);
	TH_LOG("1 GiB of %s: %llu folios, %llu bookkeeping bytes, %llu us",
	       pinstat_buf_kind_str(kind), a.nr_runs,
	       a.bookkeeping_bytes, a.pin_ns / 1000);
	EXPECT_EQ(0, pinstat_unpin(s->fd, a.handle));
	pinstat_buf_free(&buf);
}

TEST_F(session, bookkeeping_1g_of_thp)
{
	pin_1g_of(_metadata, &self->s, BUF_THP);
}

TEST_F(session, bookkeeping_1g_of_hugetlb_2m)
{
	pin_1g_of(_metadata, &self->s, BUF_HUGETLB_2M);
}

/*
 * THP that starts 512 KiB past a 2 MiB boundary (as malloc gives it): the
 * small pages before the first huge folio do not make the pin take an
 * entry slot per page.
 */
TEST_F(session, unaligned_thp_kept_as_runs)
{
	size_t len = 32 * SZ_2M;
	struct pinstat_folio_record *recs;
	struct pinstat_pin_args a;
	struct pinstat_buf buf;
	size_t nr, i, large = 0;

	if (pinstat_buf_alloc(&buf, BUF_THP_UNALIGNED, len))
		SKIP(return, "no THP here");
	ASSERT_EQ(0, pinstat_pin(self->s.fd, buf.addr, len, 0, &a));
	ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &recs, &nr));
	for (i = 0; i < nr; i++)
		large += recs[i].order == 9;
	free(recs);
	if (large < 16) {
		pinstat_unpin(self->s.fd, a.handle);
		pinstat_buf_free(&buf);
		SKIP(return, "only %zu THPs given", large);
	}
	TH_LOG("%zu records, %zu of THP; bookkeeping %llu bytes, at most %llu",
	       nr, large, a.bookkeeping_bytes, a.bookkeeping_peak_bytes);
	/* A page array would be 8 bytes a page: 128 KiB here. */
	EXPECT_LE(a.bookkeeping_peak_bytes, len / PAGE_SZ * 8 / 4);
	EXPECT_LE(a.bookkeeping_bytes, a.bookkeeping_peak_bytes);
	EXPECT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
	pinstat_buf_free(&buf);
}

/* Small pages do take a slot each, allocated once, not by doubling. */
TEST_F(session, small_pages_take_one_slot_each)
{
	size_t len = 16 * SZ_2M;
	struct pinstat_pin_args a;
	struct pinstat_buf buf;

	ASSERT_EQ(0, pinstat_buf_alloc(&buf, BUF_ANON, len));
	ASSERT_EQ(0, pinstat_pin(self->s.fd, buf.addr, len, 0, &a));
	EXPECT_EQ(len / PAGE_SZ, a.nr_runs);
	EXPECT_EQ(a.bookkeeping_bytes, a.bookkeeping_peak_bytes);
	EXPECT_GE(a.bookkeeping_bytes, len / PAGE_SZ * 8);
	EXPECT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
	pinstat_buf_free(&buf);
}

TEST_HARNESS_MAIN
