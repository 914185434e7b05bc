// SPDX-License-Identifier: GPL-2.0
/*
 * PINSTAT_IOC_CENSUS: pinstat's own pins of THP, 4 KiB and hugetlb memory
 * found at the pfns REPORT gives, with the same exact counts; an io_uring
 * fixed buffer munmapped while still registered found by the census
 * though INSPECT no longer sees it, and gone once unregistered; a census
 * of all RAM that counts the pins the kernel counts; argument errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "session_fixture.h"

SESSION_FIXTURE(census)

FIXTURE_VARIANT(census) {
	enum pinstat_buf_kind kind;
	size_t len;
};

FIXTURE_VARIANT_ADD(census, thp) {
	.kind = BUF_THP,
	.len = 2 * SZ_2M,
};

FIXTURE_VARIANT_ADD(census, anon) {
	.kind = BUF_ANON,
	.len = 16 * PAGE_SZ,
};

FIXTURE_VARIANT_ADD(census, hugetlb_2m) {
	.kind = BUF_HUGETLB_2M,
	.len = 2 * SZ_2M,
};

/* Records per ioctl: small, so that a census takes several batches. */
#define BATCH	3

/* Map the variant's memory; false (the test skipped) when unavailable. */
static bool census_buf(struct __test_metadata *_metadata,
		       enum pinstat_buf_kind kind, size_t len,
		       struct pinstat_buf *buf)
{
	int ret = pinstat_buf_alloc(buf, kind, len);

	if (ret == -EOPNOTSUPP)
		SKIP(return false, "%s memory not available",
		     pinstat_buf_kind_str(kind));
	ASSERT_EQ(0, ret);
	return true;
}

/* The census of the pfns [@lo, @hi), in batches of BATCH records. */
static void census_of(struct __test_metadata *_metadata, int fd,
		      unsigned long long lo, unsigned long long hi,
		      struct pinstat_census_record **c, size_t *nc)
{
	/* Freshly faulted pages hold a reference in a CPU's LRU batch. */
	pinstat_drain_lru();
	ASSERT_EQ(0, pinstat_census(fd, lo, hi, 0, BATCH, c, nc, NULL));
}

/* The census record of pfn @pfn, or NULL. */
static const struct pinstat_census_record *
census_at(const struct pinstat_census_record *c, size_t nc,
	  unsigned long long pfn)
{
	size_t i;

	for (i = 0; i < nc; i++)
		if (c[i].folio.pfn == pfn)
			return &c[i];
	return NULL;
}

/*
 * The census record of the folio of REPORT's or INSPECT's record @r, of
 * the same order and kind; NULL (the test failed) if there is none.
 */
static const struct pinstat_census_record *
census_of_record(struct __test_metadata *_metadata,
		 const struct pinstat_census_record *c, size_t nc,
		 const struct pinstat_folio_record *r)
{
	const struct pinstat_census_record *cr = census_at(c, nc, r->pfn);

	EXPECT_NE(NULL, cr) TH_LOG("no census record at pfn %#llx",
				   (unsigned long long)r->pfn);
	if (!cr)
		return NULL;
	EXPECT_EQ(r->order, cr->folio.order);
	EXPECT_EQ(r->kind, cr->folio.kind);
	return cr;
}

/* INSPECT's records of @buf in this process (malloc'd). */
static struct pinstat_folio_record *
inspect_buf(struct __test_metadata *_metadata, int fd,
	    const struct pinstat_buf *buf, size_t *nr)
{
	struct pinstat_folio_record *r = NULL;

	EXPECT_EQ(0, pinstat_inspect(fd, getpid(), (unsigned long)buf->addr,
				     (unsigned long)buf->addr + buf->len, 0,
				     64, &r, nr));
	return r;
}

/* How many of INSPECT's records @r are of present pages. */
static size_t present(const struct pinstat_folio_record *r, size_t nr)
{
	size_t i, n = 0;

	for (i = 0; i < nr; i++)
		n += !(r[i].flags & PINSTAT_FOLIO_NOT_PRESENT);
	return n;
}

/* The pfns REPORT's records @r span. */
static void span_of(const struct pinstat_folio_record *r, size_t nr,
		    unsigned long long *lo, unsigned long long *hi)
{
	size_t i;

	*lo = ~0ULL;
	*hi = 0;
	for (i = 0; i < nr; i++) {
		if (r[i].pfn < *lo)
			*lo = r[i].pfn;
		if (r[i].pfn + (1ULL << r[i].order) > *hi)
			*hi = r[i].pfn + (1ULL << r[i].order);
	}
}

/*
 * Two pins of pinstat's: every folio REPORT names is in the census at its
 * pfn, with REPORT's pin count (exact on large folios), all of them
 * pinstat's own, mapped, its references beyond its one mapping being the
 * pins; once unpinned, none of them is.
 */
TEST_F(census, own_pins_found_at_their_pfns)
{
	const struct pinstat_census_record *cr;
	struct pinstat_census_record *c;
	struct pinstat_folio_record *r;
	struct pinstat_pin_args a, b;
	unsigned long long lo, hi, refs;
	struct pinstat_buf buf;
	size_t nr, nc, i;

	if (!census_buf(_metadata, variant->kind, variant->len, &buf))
		return;
	ASSERT_EQ(0, pinstat_pin(self->s.fd, buf.addr, buf.len, 0, &a));
	ASSERT_EQ(0, pinstat_pin(self->s.fd, buf.addr, buf.len, 0, &b));
	ASSERT_EQ(0, pinstat_report(self->s.fd, b.handle, &r, &nr));
	span_of(r, nr, &lo, &hi);
	census_of(_metadata, self->s.fd, lo, hi, &c, &nc);
	for (i = 0; i < nr; i++) {
		cr = census_of_record(_metadata, c, nc, &r[i]);
		if (!cr)
			break;
		EXPECT_EQ(r[i].pincount, cr->folio.pincount);
		EXPECT_EQ(r[i].flags & PINSTAT_FOLIO_EXACT,
			  cr->folio.flags & PINSTAT_FOLIO_EXACT);
		EXPECT_EQ(cr->folio.pincount, cr->folio.own_pins);
		EXPECT_EQ(0, cr->folio.foreign_pins);
		EXPECT_EQ(1, cr->folio.mapcount);
		EXPECT_EQ(PINSTAT_CENSUS_PINNED | PINSTAT_CENSUS_UNEXPLAINED,
			  cr->flags);
		/* A large folio gains a reference per page pinned. */
		refs = cr->folio.order ? cr->folio.pincount :
					 cr->folio.pincount * BIAS;
		EXPECT_EQ(refs, cr->unexplained);
		EXPECT_EQ(cr->folio.order ? 2ULL << cr->folio.order : 2,
			  cr->folio.pincount);
	}
	TH_LOG("%s: %zu folios, the first at pfn %#llx with pincount %llu",
	       pinstat_buf_kind_str(variant->kind), nr,
	       (unsigned long long)r[0].pfn,
	       (unsigned long long)r[0].pincount);
	free(c);

	ASSERT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
	ASSERT_EQ(0, pinstat_unpin(self->s.fd, b.handle));
	census_of(_metadata, self->s.fd, lo, hi, &c, &nc);
	for (i = 0; i < nr; i++)
		EXPECT_EQ(NULL, census_at(c, nc, r[i].pfn));
	free(c);
	free(r);
	pinstat_buf_free(&buf);
}

/*
 * An io_uring fixed buffer, munmapped while registered: no process maps
 * it, so INSPECT finds nothing at its address, but its folios keep their
 * pins, and the census finds them, unmapped, the pins all foreign.  Once
 * the ring lets go, the census finds no pin there.
 */
TEST_F(census, unmapped_io_uring_buffer)
{
	struct pinstat_folio_record *r, *in;
	struct pinstat_census_record *c;
	const struct pinstat_census_record *cr;
	unsigned long long lo, hi;
	struct pinstat_buf buf;
	size_t nr, nin, nc, i;
	int ring;

	if (!census_buf(_metadata, variant->kind, variant->len, &buf))
		return;
	ring = pinstat_ring_register(buf.addr, buf.len);
	if (ring == -ENOSYS || ring == -EPERM)
		SKIP(return, "no io_uring here (%s)", strerror(-ring));
	ASSERT_GE(ring, 0) TH_LOG("io_uring: %s", strerror(-ring));
	/*
	 * The folios' pfns, once registered: a long-term pin moves a folio
	 * out of ZONE_MOVABLE first.
	 */
	r = inspect_buf(_metadata, self->s.fd, &buf, &nr);
	ASSERT_EQ(nr, present(r, nr));
	span_of(r, nr, &lo, &hi);
	ASSERT_EQ(0, munmap(buf.map, buf.map_len));
	buf.map = NULL;

	in = inspect_buf(_metadata, self->s.fd, &buf, &nin);
	EXPECT_EQ(0, present(in, nin));
	free(in);

	census_of(_metadata, self->s.fd, lo, hi, &c, &nc);
	for (i = 0; i < nr; i++) {
		cr = census_of_record(_metadata, c, nc, &r[i]);
		if (!cr)
			break;
		EXPECT_GE(cr->folio.pincount, 1);
		EXPECT_EQ(0, cr->folio.own_pins);
		EXPECT_EQ(cr->folio.pincount, cr->folio.foreign_pins);
		EXPECT_EQ(0, cr->folio.mapcount);
		EXPECT_NE(0, cr->flags & PINSTAT_CENSUS_UNMAPPED);
		EXPECT_NE(0, cr->flags & PINSTAT_CENSUS_PINNED);
	}
	TH_LOG("%s: %zu unmapped folios pinned by io_uring, the first with pincount %llu",
	       pinstat_buf_kind_str(variant->kind), nr,
	       nc ? (unsigned long long)c[0].folio.pincount : 0ULL);
	free(c);

	ASSERT_EQ(0, pinstat_ring_unregister(ring));
	close(ring);
	census_of(_metadata, self->s.fd, lo, hi, &c, &nc);
	for (i = 0; i < nr; i++) {
		cr = census_at(c, nc, r[i].pfn);
		EXPECT_TRUE(!cr || !(cr->flags & PINSTAT_CENSUS_PINNED));
	}
	free(c);
	free(r);
	pinstat_buf_free(&buf);
}

/*
 * A census of all RAM counts, with a pin of pinstat's held, as many pins
 * as the kernel's own counters say are held, and every record it gives
 * is a folio with pins or unexplained references.
 */
TEST_F(census, all_ram_counts_the_kernels_pins)
{
	unsigned long long scanned, pins = 0;
	struct pinstat_census_record *c;
	struct pinstat_pin_args a;
	struct pinstat_buf buf;
	size_t nc, i;

	if (!census_buf(_metadata, variant->kind, variant->len, &buf))
		return;
	ASSERT_EQ(0, pinstat_pin(self->s.fd, buf.addr, buf.len, 0, &a));
	pinstat_drain_lru();
	ASSERT_EQ(0, pinstat_census(self->s.fd, 0, 0, 1, 256, &c, &nc,
				    &scanned));
	for (i = 0; i < nc; i++) {
		EXPECT_NE(0, c[i].flags & (PINSTAT_CENSUS_PINNED |
					   PINSTAT_CENSUS_UNEXPLAINED));
		EXPECT_EQ(0, c[i].reserved);
		if (c[i].flags & PINSTAT_CENSUS_PINNED)
			pins += c[i].folio.pincount;
	}
	EXPECT_EQ(pinstat_vmstat_pinned(), pins);
	EXPECT_GE(pins, buf.len / PAGE_SZ);
	EXPECT_EQ(pinstat_census_summary("census_kernel_pins"),
		  pinstat_census_summary("census_pins"));
	EXPECT_GT(scanned, 0);
	TH_LOG("%zu records, %llu pins in %llu pfns", nc, pins, scanned);
	free(c);
	ASSERT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
	pinstat_buf_free(&buf);
}

static int census_ioctl(int fd, struct pinstat_census_args *args)
{
	return ioctl(fd, PINSTAT_IOC_CENSUS, args) ? errno : 0;
}

/* Every argument error, and a census beyond RAM that finds nothing. */
TEST_F(census, argument_errors)
{
	struct pinstat_census_record rec[4];
	struct pinstat_folio_record *r;
	struct pinstat_census_args good = {
		.start_pfn = 0,
		.end_pfn = 1ULL << 40,
		.records = (uintptr_t)rec,
		.nr_records = ARRAY_SIZE(rec),
		.record_size = sizeof(rec[0]),
	}, args;
	struct pinstat_pin_args a;
	struct pinstat_buf buf;
	size_t nr;

	if (!census_buf(_metadata, variant->kind, variant->len, &buf))
		return;
	args = good;
	args.record_size--;
	EXPECT_EQ(EINVAL, census_ioctl(self->s.fd, &args));
	args = good;
	args.nr_records = 0;
	EXPECT_EQ(EINVAL, census_ioctl(self->s.fd, &args));
	args = good;
	args.start_pfn = args.end_pfn;
	EXPECT_EQ(EINVAL, census_ioctl(self->s.fd, &args));
	args = good;
	args.flags = PINSTAT_CENSUS_FLAGS_ALL + 1;
	EXPECT_EQ(EINVAL, census_ioctl(self->s.fd, &args));
	args = good;
	args.reserved0 = 1;
	EXPECT_EQ(EINVAL, census_ioctl(self->s.fd, &args));
	args = good;
	args.reserved[1] = 1;
	EXPECT_EQ(EINVAL, census_ioctl(self->s.fd, &args));
	args = good;
	args.cursor = args.end_pfn;
	EXPECT_EQ(EINVAL, census_ioctl(self->s.fd, &args));

	/* Beyond RAM: done at once, nothing found. */
	args = good;
	args.start_pfn = 1ULL << 39;
	EXPECT_EQ(0, census_ioctl(self->s.fd, &args));
	EXPECT_EQ(0, args.nr_records);
	EXPECT_EQ(0, args.cursor);

	/* A record to write, and nowhere to write it. */
	ASSERT_EQ(0, pinstat_pin(self->s.fd, buf.addr, buf.len, 0, &a));
	ASSERT_EQ(0, pinstat_report(self->s.fd, a.handle, &r, &nr));
	args = good;
	args.start_pfn = r[0].pfn;
	args.end_pfn = r[0].pfn + 1;
	args.records = 8;
	EXPECT_EQ(EFAULT, census_ioctl(self->s.fd, &args));
	args.records = (uintptr_t)rec;
	EXPECT_EQ(0, census_ioctl(self->s.fd, &args));
	EXPECT_EQ(1, args.nr_records);
	EXPECT_EQ(r[0].pfn, rec[0].folio.pfn);
	EXPECT_EQ(0, args.cursor);
	EXPECT_EQ(1, args.nr_scanned);
	free(r);
	ASSERT_EQ(0, pinstat_unpin(self->s.fd, a.handle));
	pinstat_buf_free(&buf);
}

TEST_HARNESS_MAIN
