// SPDX-License-Identifier: GPL-2.0
/*
 * The test module pinstat_pinner.ko works: a buffer pinned through each
 * of its pin entry points is pinned, and after each of its releases
 * (the invisible one too) it is not, on 4 KiB pages, a THP and a 2 MiB
 * hugetlb page; partial releases, memfd_pin_folios() pins, and every
 * error.  Pins are measured with pinstat's INSPECT of this process: exact
 * pin counts on large folios, the refcount estimate on small ones.
 *
 * Needs both modules loaded (the test runner insmods
 * /opt/pinstat/pinstat_pinner.ko), root, and 2 MiB huge pages reserved.
 * Skips only where the kernel lacks an entry point or THP cannot be had.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libpinstat.h"
#include "test_modules/pinstat_pinner.h"

#define NR_SMALL	64	/* pages of the 4 KiB buffer */
#define PARTIAL		100	/* pages a partial release takes */

#define KV(a, b)	((a) * 1000 + (b))

/* The running kernel's version, as major * 1000 + minor. */
static int kernel_version(void)
{
	struct utsname u;
	int major, minor;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0;
	return KV(major, minor);
}

/* Which entry points upstream kernels of this version export. */
static bool pin_via_expected(unsigned int via)
{
	switch (via) {
	case PINSTAT_PINNER_PIN_USER_PAGES_FAST_ONLY:
		return kernel_version() < KV(6, 3);
	case PINSTAT_PINNER_MEMFD_PIN_FOLIOS:
		return kernel_version() >= KV(6, 10);
	}
	return true;
}

static bool unpin_via_expected(unsigned int via)
{
	switch (via) {
	case PINSTAT_PINNER_UNPIN_FOLIO:
	case PINSTAT_PINNER_UNPIN_FOLIOS:
		return kernel_version() >= KV(6, 10);
	case PINSTAT_PINNER_UNPIN_USER_FOLIO:
		return kernel_version() >= KV(6, 11);
	}
	return true;
}

static const char *const pin_via_names[] = {
	[PINSTAT_PINNER_PIN_USER_PAGES] = "pin_user_pages",
	[PINSTAT_PINNER_PIN_USER_PAGES_FAST] = "pin_user_pages_fast",
	[PINSTAT_PINNER_PIN_USER_PAGES_FAST_ONLY] = "pin_user_pages_fast_only",
	[PINSTAT_PINNER_PIN_USER_PAGES_REMOTE] = "pin_user_pages_remote",
	[PINSTAT_PINNER_PIN_USER_PAGES_UNLOCKED] = "pin_user_pages_unlocked",
	[PINSTAT_PINNER_MEMFD_PIN_FOLIOS] = "memfd_pin_folios",
};

static const char *const unpin_via_names[] = {
	[PINSTAT_PINNER_UNPIN_USER_PAGE] = "unpin_user_page",
	[PINSTAT_PINNER_UNPIN_USER_PAGES] = "unpin_user_pages",
	[PINSTAT_PINNER_UNPIN_USER_PAGES_DIRTY_LOCK] = "unpin_user_pages_dirty_lock",
	[PINSTAT_PINNER_UNPIN_USER_PAGES_DIRTY_LOCK_CLEAN] =
		"unpin_user_pages_dirty_lock(clean)",
	[PINSTAT_PINNER_UNPIN_USER_PAGE_RANGE_DIRTY_LOCK] =
		"unpin_user_page_range_dirty_lock",
	[PINSTAT_PINNER_UNPIN_FOLIO] = "unpin_folio",
	[PINSTAT_PINNER_UNPIN_FOLIOS] = "unpin_folios",
	[PINSTAT_PINNER_UNPIN_USER_FOLIO] = "unpin_user_folio",
	[PINSTAT_PINNER_UNPIN_INVISIBLE] = "invisible",
};

static int pin(int fd, const void *addr, unsigned long nr_pages,
	       unsigned int via, unsigned int flags,
	       struct pinstat_pinner_pin *out)
{
	struct pinstat_pinner_pin args = {
		.addr = (uintptr_t)addr, .nr_pages = nr_pages,
		.via = via, .flags = flags,
	};

	if (ioctl(fd, PINSTAT_PINNER_IOC_PIN, &args))
		return -errno;
	if (out)
		*out = args;
	return 0;
}

static int unpin(int fd, unsigned int id, unsigned int via,
		 unsigned long nr_pages)
{
	struct pinstat_pinner_unpin args = {
		.id = id, .via = via, .nr_pages = nr_pages,
	};

	return ioctl(fd, PINSTAT_PINNER_IOC_UNPIN, &args) ? -errno : 0;
}

/* /dev/pinstat_pinner to pin through, /dev/pinstat to look with. */
struct files {
	int pinner;
	int pinstat;
};

static void files_open(struct __test_metadata *_metadata, struct files *f)
{
	f->pinner = open(PINSTAT_PINNER_DEV, O_RDWR);
	ASSERT_GE(f->pinner, 0)
		TH_LOG("no %s: insmod pinstat_pinner.ko first", PINSTAT_PINNER_DEV);
	f->pinstat = pinstat_open();
	ASSERT_GE(f->pinstat, 0)
		TH_LOG("no %s: insmod pinstat.ko first (INSPECT)", PINSTAT_DEV);
}

static void files_close(struct files *f)
{
	if (f->pinner >= 0)
		close(f->pinner);
	if (f->pinstat >= 0)
		close(f->pinstat);
}

/*
 * Every page of the @nr_pages at @addr has @pinned[i] pins, as INSPECT of
 * this process sees them: exact (and all foreign: pinstat holds none) on
 * a large folio, the refcount estimate on a small one.  @large: the range
 * must be one large folio of order 9.
 */
static void expect_pins(struct __test_metadata *_metadata,
			const struct files *f, const void *addr,
			unsigned long nr_pages, bool large,
			unsigned long pinned_from)
{
	uintptr_t start = (uintptr_t)addr;
	struct pinstat_folio_record *recs;
	size_t nr, i, page;
	unsigned long want;

	ASSERT_EQ(0, pinstat_inspect(f->pinstat, getpid(), start,
				     start + nr_pages * PAGE_SZ, 0, 64,
				     &recs, &nr));
	for (i = 0, page = 0; i < nr; i++) {
		const struct pinstat_folio_record *r = &recs[i];

		ASSERT_FALSE(r->flags & PINSTAT_FOLIO_NOT_PRESENT);
		if (large) {
			/* All of the range's pages pinned from @pinned_from on. */
			want = nr_pages - pinned_from;
			EXPECT_EQ(9, r->order);
			EXPECT_TRUE(r->flags & PINSTAT_FOLIO_EXACT);
		} else {
			want = page >= pinned_from;
			EXPECT_EQ(0, r->order);
		}
		EXPECT_EQ(want, r->pincount)
			TH_LOG("page %zu of %lu, pinned from page %lu",
			       page, nr_pages, pinned_from);
		EXPECT_EQ(want, r->foreign_pins);
		EXPECT_EQ(0, r->own_pins);
		page += r->nr_pages;
	}
	EXPECT_EQ(nr_pages, page);
	free(recs);
}

/* Pins on large folios: the folio's own count. */
static long long folio_pincount(const struct files *f, const void *addr)
{
	struct pinstat_folio_record *recs;
	long long count = -1;
	size_t nr;

	if (pinstat_inspect(f->pinstat, getpid(), (uintptr_t)addr,
			    (uintptr_t)addr + PAGE_SZ, 0, 1, &recs, &nr))
		return -1;
	if (nr == 1 && !(recs[0].flags & PINSTAT_FOLIO_NOT_PRESENT))
		count = recs[0].pincount;
	free(recs);
	return count;
}

/* Order of the folio at @addr, or -1. */
static int folio_order(const struct files *f, const void *addr)
{
	struct pinstat_folio_record *recs;
	size_t nr;
	int order = -1;

	if (pinstat_inspect(f->pinstat, getpid(), (uintptr_t)addr,
			    (uintptr_t)addr + PAGE_SZ, 0, 1, &recs, &nr))
		return -1;
	if (nr == 1 && !(recs[0].flags & PINSTAT_FOLIO_NOT_PRESENT))
		order = recs[0].order;
	free(recs);
	return order;
}

/* What a test of one memory kind works on. */
struct kind_case {
	struct files f;
	struct pinstat_buf buf;
	unsigned long nr_pages;
	long long vm_pinned;	/* nr_foll_pin_acquired - released */
};

FIXTURE(pinner) {
	struct kind_case c;
};

/* One kind of memory and one pin entry point. */
FIXTURE_VARIANT(pinner) {
	enum pinstat_buf_kind kind;
	unsigned int via;
	unsigned int flags;
};

/* Each kind of memory, pinned through each entry point (flags vary). */
FIXTURE_VARIANT_ADD(pinner, anon_4k_pin_user_pages) {
	.kind = BUF_ANON, .via = PINSTAT_PINNER_PIN_USER_PAGES,
	.flags = PINSTAT_PINNER_WRITE,
};

FIXTURE_VARIANT_ADD(pinner, anon_4k_pin_user_pages_fast) {
	.kind = BUF_ANON, .via = PINSTAT_PINNER_PIN_USER_PAGES_FAST,
	.flags = PINSTAT_PINNER_WRITE | PINSTAT_PINNER_LONGTERM,
};

FIXTURE_VARIANT_ADD(pinner, anon_4k_pin_user_pages_fast_only) {
	.kind = BUF_ANON, .via = PINSTAT_PINNER_PIN_USER_PAGES_FAST_ONLY,
	.flags = PINSTAT_PINNER_WRITE,
};

FIXTURE_VARIANT_ADD(pinner, anon_4k_pin_user_pages_remote) {
	.kind = BUF_ANON, .via = PINSTAT_PINNER_PIN_USER_PAGES_REMOTE,
	.flags = PINSTAT_PINNER_WRITE | PINSTAT_PINNER_LONGTERM,
};

FIXTURE_VARIANT_ADD(pinner, anon_4k_pin_user_pages_unlocked) {
	.kind = BUF_ANON, .via = PINSTAT_PINNER_PIN_USER_PAGES_UNLOCKED,
	.flags = PINSTAT_PINNER_WRITE,
};

FIXTURE_VARIANT_ADD(pinner, thp_pin_user_pages) {
	.kind = BUF_THP, .via = PINSTAT_PINNER_PIN_USER_PAGES,
	.flags = PINSTAT_PINNER_WRITE,
};

FIXTURE_VARIANT_ADD(pinner, thp_pin_user_pages_fast) {
	.kind = BUF_THP, .via = PINSTAT_PINNER_PIN_USER_PAGES_FAST,
	.flags = PINSTAT_PINNER_WRITE | PINSTAT_PINNER_LONGTERM,
};

FIXTURE_VARIANT_ADD(pinner, thp_pin_user_pages_fast_only) {
	.kind = BUF_THP, .via = PINSTAT_PINNER_PIN_USER_PAGES_FAST_ONLY,
	.flags = PINSTAT_PINNER_WRITE,
};

FIXTURE_VARIANT_ADD(pinner, thp_pin_user_pages_remote) {
	.kind = BUF_THP, .via = PINSTAT_PINNER_PIN_USER_PAGES_REMOTE,
	.flags = PINSTAT_PINNER_WRITE | PINSTAT_PINNER_LONGTERM,
};

FIXTURE_VARIANT_ADD(pinner, thp_pin_user_pages_unlocked) {
	.kind = BUF_THP, .via = PINSTAT_PINNER_PIN_USER_PAGES_UNLOCKED,
	.flags = PINSTAT_PINNER_WRITE,
};

FIXTURE_VARIANT_ADD(pinner, hugetlb_2m_pin_user_pages) {
	.kind = BUF_HUGETLB_2M, .via = PINSTAT_PINNER_PIN_USER_PAGES,
	.flags = PINSTAT_PINNER_WRITE,
};

FIXTURE_VARIANT_ADD(pinner, hugetlb_2m_pin_user_pages_fast) {
	.kind = BUF_HUGETLB_2M, .via = PINSTAT_PINNER_PIN_USER_PAGES_FAST,
	.flags = PINSTAT_PINNER_WRITE | PINSTAT_PINNER_LONGTERM,
};

FIXTURE_VARIANT_ADD(pinner, hugetlb_2m_pin_user_pages_fast_only) {
	.kind = BUF_HUGETLB_2M, .via = PINSTAT_PINNER_PIN_USER_PAGES_FAST_ONLY,
	.flags = PINSTAT_PINNER_WRITE,
};

FIXTURE_VARIANT_ADD(pinner, hugetlb_2m_pin_user_pages_remote) {
	.kind = BUF_HUGETLB_2M, .via = PINSTAT_PINNER_PIN_USER_PAGES_REMOTE,
	.flags = PINSTAT_PINNER_WRITE | PINSTAT_PINNER_LONGTERM,
};

FIXTURE_VARIANT_ADD(pinner, hugetlb_2m_pin_user_pages_unlocked) {
	.kind = BUF_HUGETLB_2M, .via = PINSTAT_PINNER_PIN_USER_PAGES_UNLOCKED,
	.flags = PINSTAT_PINNER_WRITE,
};

static bool large(FIXTURE_VARIANT(pinner) const *variant)
{
	return variant->kind != BUF_ANON;
}

FIXTURE_SETUP(pinner)
{
	int ret;

	self->c.f.pinner = -1;
	self->c.f.pinstat = -1;
	self->c.buf.map = NULL;
	files_open(_metadata, &self->c.f);
	self->c.nr_pages = large(variant) ? SZ_2M / PAGE_SZ : NR_SMALL;
	ret = pinstat_buf_alloc(&self->c.buf, variant->kind,
				self->c.nr_pages * PAGE_SZ);
	if (ret == -EOPNOTSUPP && variant->kind == BUF_THP)
		SKIP(return, "THP is not enabled on this kernel");
	ASSERT_EQ(0, ret)
		TH_LOG("cannot map %s memory (huge pages reserved?)",
		       pinstat_buf_kind_str(variant->kind));
	if (variant->kind == BUF_THP && folio_order(&self->c.f, self->c.buf.addr) != 9)
		SKIP(return, "no THP could be had for the buffer");
	self->c.vm_pinned = pinstat_vmstat_pinned();
	if (!pin_via_expected(variant->via)) {
		EXPECT_EQ(-EOPNOTSUPP, pin(self->c.f.pinner, self->c.buf.addr,
					   self->c.nr_pages, variant->via,
					   variant->flags, NULL));
		SKIP(return, "this kernel has no %s()",
		     pin_via_names[variant->via]);
	}
}

FIXTURE_TEARDOWN(pinner)
{
	files_close(&self->c.f);
	/* Closing the file released whatever a failed test left pinned. */
	EXPECT_EQ(self->c.vm_pinned, pinstat_vmstat_pinned());
	pinstat_buf_free(&self->c.buf);
}

/* Pin all of the buffer; it must show one pin per page. */
static unsigned int pin_all(struct __test_metadata *_metadata,
			    struct kind_case *c,
			    FIXTURE_VARIANT(pinner) const *variant)
{
	struct pinstat_pinner_pin p;

	ASSERT_EQ(0, pin(c->f.pinner, c->buf.addr, c->nr_pages,
			 variant->via, variant->flags, &p));
	EXPECT_NE(0, p.id);
	EXPECT_EQ(c->nr_pages, p.pinned);
	expect_pins(_metadata, &c->f, c->buf.addr, c->nr_pages,
		    large(variant), 0);
	EXPECT_EQ(c->vm_pinned + (long long)c->nr_pages,
		  pinstat_vmstat_pinned());
	return p.id;
}

/* Pin, and release through every unpin via: no pin is left each time. */
TEST_F(pinner, each_unpin_via)
{
	unsigned int u, id;
	int ret;

	for (u = 1; u < PINSTAT_PINNER_NR_UNPIN_VIAS; u++) {
		id = pin_all(_metadata, &self->c, variant);
		ret = unpin(self->c.f.pinner, id, u, 0);
		if (!unpin_via_expected(u)) {
			EXPECT_EQ(-EOPNOTSUPP, ret);
			TH_LOG("this kernel has no %s(): released otherwise",
			       unpin_via_names[u]);
			ret = unpin(self->c.f.pinner, id,
				    PINSTAT_PINNER_UNPIN_USER_PAGES, 0);
		}
		ASSERT_EQ(0, ret)
			TH_LOG("UNPIN through %s", unpin_via_names[u]);
		expect_pins(_metadata, &self->c.f, self->c.buf.addr,
			    self->c.nr_pages, large(variant), self->c.nr_pages);
		EXPECT_EQ(self->c.vm_pinned, pinstat_vmstat_pinned())
			TH_LOG("nr_foll_pin_released after %s", unpin_via_names[u]);
		/* Nothing remained: the pin is gone. */
		EXPECT_EQ(-ENOENT, unpin(self->c.f.pinner, id,
					 PINSTAT_PINNER_UNPIN_USER_PAGES, 0));
	}
}

/*
 * Release from the start of what remains: PARTIAL pages (a few on the
 * 4 KiB buffer), then one, through one via after another, then the rest
 * invisibly.
 */
TEST_F(pinner, partial_unpin)
{
	static const unsigned int vias[] = {
		PINSTAT_PINNER_UNPIN_USER_PAGES,
		PINSTAT_PINNER_UNPIN_USER_PAGE_RANGE_DIRTY_LOCK,
		PINSTAT_PINNER_UNPIN_USER_FOLIO,
		PINSTAT_PINNER_UNPIN_INVISIBLE,
		PINSTAT_PINNER_UNPIN_USER_PAGE,
	};
	unsigned long step = large(variant) ? PARTIAL : 5, done = 0, i;
	unsigned int id = pin_all(_metadata, &self->c, variant);

	for (i = 0; i < ARRAY_SIZE(vias); i++) {
		unsigned int via = unpin_via_expected(vias[i]) ?
			vias[i] : PINSTAT_PINNER_UNPIN_USER_PAGE;
		unsigned long n = i ? 1 : step;

		ASSERT_EQ(0, unpin(self->c.f.pinner, id, via, n))
			TH_LOG("UNPIN of %lu pages through %s", n,
			       unpin_via_names[via]);
		done += n;
		expect_pins(_metadata, &self->c.f, self->c.buf.addr,
			    self->c.nr_pages, large(variant), done);
		EXPECT_EQ(self->c.vm_pinned + (long long)(self->c.nr_pages - done),
			  pinstat_vmstat_pinned());
	}
	if (large(variant)) {
		/* 512 - 100 - 4 */
		EXPECT_EQ(408, folio_pincount(&self->c.f,
					      self->c.buf.addr));
	}
	/* More than remains: refused, nothing released. */
	EXPECT_EQ(-EINVAL, unpin(self->c.f.pinner, id,
				 PINSTAT_PINNER_UNPIN_USER_PAGES,
				 self->c.nr_pages - done + 1));
	ASSERT_EQ(0, unpin(self->c.f.pinner, id, PINSTAT_PINNER_UNPIN_INVISIBLE,
			   0));
	expect_pins(_metadata, &self->c.f, self->c.buf.addr, self->c.nr_pages,
		    large(variant), self->c.nr_pages);
	EXPECT_EQ(self->c.vm_pinned, pinstat_vmstat_pinned());
	EXPECT_EQ(-ENOENT, unpin(self->c.f.pinner, id,
				 PINSTAT_PINNER_UNPIN_USER_PAGES, 0));
}

/* Closing the file releases every pin it holds. */
TEST_F(pinner, close_releases)
{
	unsigned int id = pin_all(_metadata, &self->c, variant);

	ASSERT_EQ(0, pin(self->c.f.pinner, self->c.buf.addr, self->c.nr_pages,
			 variant->via, variant->flags, NULL));
	EXPECT_EQ(self->c.vm_pinned + 2 * (long long)self->c.nr_pages,
		  pinstat_vmstat_pinned());
	/* Half of one of them released already. */
	ASSERT_EQ(0, unpin(self->c.f.pinner, id, PINSTAT_PINNER_UNPIN_USER_PAGES,
			   self->c.nr_pages / 2));
	close(self->c.f.pinner);
	self->c.f.pinner = -1;
	expect_pins(_metadata, &self->c.f, self->c.buf.addr, self->c.nr_pages,
		    large(variant), self->c.nr_pages);
	EXPECT_EQ(self->c.vm_pinned, pinstat_vmstat_pinned());
}

/* The tests that need no memory kind of their own. */
FIXTURE(pinner_misc) {
	struct files f;
	long long vm_pinned;
};

FIXTURE_SETUP(pinner_misc)
{
	self->f.pinner = -1;
	self->f.pinstat = -1;
	files_open(_metadata, &self->f);
	self->vm_pinned = pinstat_vmstat_pinned();
}

FIXTURE_TEARDOWN(pinner_misc)
{
	files_close(&self->f);
	EXPECT_EQ(self->vm_pinned, pinstat_vmstat_pinned());
}

/* THP: 512 pins after pinning all of it, 412 after releasing 100, 0. */
TEST_F(pinner_misc, thp_counts)
{
	struct pinstat_pinner_pin p;
	struct pinstat_buf buf;
	int ret;

	ret = pinstat_buf_alloc(&buf, BUF_THP, SZ_2M);
	if (ret == -EOPNOTSUPP)
		SKIP(return, "THP is not enabled on this kernel");
	ASSERT_EQ(0, ret);
	if (folio_order(&self->f, buf.addr) != 9) {
		pinstat_buf_free(&buf);
		SKIP(return, "no THP could be had for the buffer");
	}
	ASSERT_EQ(0, pin(self->f.pinner, buf.addr, 512,
			 PINSTAT_PINNER_PIN_USER_PAGES_FAST,
			 PINSTAT_PINNER_WRITE | PINSTAT_PINNER_LONGTERM, &p));
	EXPECT_EQ(512, folio_pincount(&self->f, buf.addr));
	EXPECT_EQ(0, unpin(self->f.pinner, p.id,
			   PINSTAT_PINNER_UNPIN_USER_PAGES, PARTIAL));
	EXPECT_EQ(412, folio_pincount(&self->f, buf.addr));
	EXPECT_EQ(0, unpin(self->f.pinner, p.id,
			   PINSTAT_PINNER_UNPIN_INVISIBLE, 0));
	EXPECT_EQ(0, folio_pincount(&self->f, buf.addr));
	pinstat_buf_free(&buf);
}

/* Each entry point the kernel lacks answers -EOPNOTSUPP, the others work. */
TEST_F(pinner_misc, absent_vias)
{
	struct pinstat_pinner_pin p;
	unsigned int v;
	char *mem;
	int ret;

	mem = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	mem[0] = 1;
	for (v = 1; v < PINSTAT_PINNER_NR_PIN_VIAS; v++) {
		if (v == PINSTAT_PINNER_MEMFD_PIN_FOLIOS)
			continue;	/* below, with a memfd */
		ret = pin(self->f.pinner, mem, 1, v, 0, &p);
		if (pin_via_expected(v)) {
			EXPECT_EQ(0, ret) TH_LOG("%s", pin_via_names[v]);
			if (!ret) {
				EXPECT_EQ(0, unpin(self->f.pinner, p.id,
						   PINSTAT_PINNER_UNPIN_USER_PAGES, 0));
			}
		} else {
			EXPECT_EQ(-EOPNOTSUPP, ret) TH_LOG("%s", pin_via_names[v]);
		}
	}
	/* Long-term pins that may drop the mmap lock: 6.3+. */
	ret = pin(self->f.pinner, mem, 1, PINSTAT_PINNER_PIN_USER_PAGES_UNLOCKED,
		  PINSTAT_PINNER_LONGTERM, &p);
	if (kernel_version() >= KV(6, 3)) {
		EXPECT_EQ(0, ret);
		if (!ret) {
			EXPECT_EQ(0, unpin(self->f.pinner, p.id,
					   PINSTAT_PINNER_UNPIN_USER_PAGES, 0));
		}
	} else {
		EXPECT_EQ(-EOPNOTSUPP, ret);
	}
	ASSERT_EQ(0, pin(self->f.pinner, mem, 1,
			 PINSTAT_PINNER_PIN_USER_PAGES_FAST, 0, &p));
	for (v = 1; v < PINSTAT_PINNER_NR_UNPIN_VIAS; v++) {
		if (unpin_via_expected(v))
			continue;
		/* Checked before the id: the pin stays. */
		EXPECT_EQ(-EOPNOTSUPP, unpin(self->f.pinner, p.id, v, 0))
			TH_LOG("%s", unpin_via_names[v]);
		EXPECT_EQ(-EOPNOTSUPP, unpin(self->f.pinner, 12345, v, 0));
	}
	EXPECT_EQ(0, unpin(self->f.pinner, p.id,
			   PINSTAT_PINNER_UNPIN_USER_PAGES, 0));
	munmap(mem, PAGE_SZ);
}

/* Bad input, each with its errno, and nothing pinned by it. */
TEST_F(pinner_misc, errors)
{
	struct pinstat_pinner_pin p = { .nr_pages = 1,
		.via = PINSTAT_PINNER_PIN_USER_PAGES_FAST };
	struct pinstat_pinner_unpin u = { .via = PINSTAT_PINNER_UNPIN_USER_PAGES };
	struct pinstat_pinner_pin good;
	unsigned int v;
	char *mem;

	mem = mmap(NULL, 4 * PAGE_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	memset(mem, 1, 4 * PAGE_SZ);
	p.addr = (uintptr_t)mem;

	/* Unknown commands, a known number with the wrong size or direction. */
	EXPECT_EQ(-1, ioctl(self->f.pinner, _IOWR('J', 0x4f, struct pinstat_pinner_pin), &p));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->f.pinner, _IOWR('J', 0x40, struct pinstat_pinner_unpin), &u));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->f.pinner, _IOW('J', 0x40, struct pinstat_pinner_pin), &p));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->f.pinner, 0, &p));
	EXPECT_EQ(ENOTTY, errno);

	/* Reserved fields, flags, vias, sizes. */
	p.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(self->f.pinner, PINSTAT_PINNER_IOC_PIN, &p));
	EXPECT_EQ(EINVAL, errno);
	p.reserved[0] = 0;
	p.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(self->f.pinner, PINSTAT_PINNER_IOC_PIN, &p));
	EXPECT_EQ(EINVAL, errno);
	p.reserved[1] = 0;
	EXPECT_EQ(-EINVAL, pin(self->f.pinner, mem, 1,
			       PINSTAT_PINNER_PIN_USER_PAGES_FAST,
			       PINSTAT_PINNER_FLAGS_ALL + 1, NULL));
	EXPECT_EQ(-EINVAL, pin(self->f.pinner, mem, 1,
			       PINSTAT_PINNER_PIN_USER_PAGES_FAST,
			       PINSTAT_PINNER_FROM_LEFT |
			       PINSTAT_PINNER_FROM_RIGHT, NULL));
	EXPECT_EQ(-EINVAL, pin(self->f.pinner, mem, 1,
			       PINSTAT_PINNER_PIN_USER_PAGES,
			       PINSTAT_PINNER_FROM_LEFT, NULL));
	EXPECT_EQ(-EINVAL, pin(self->f.pinner, mem, 1, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, pin(self->f.pinner, mem, 1,
			       PINSTAT_PINNER_NR_PIN_VIAS, 0, NULL));
	EXPECT_EQ(-EINVAL, pin(self->f.pinner, mem, 0,
			       PINSTAT_PINNER_PIN_USER_PAGES_FAST, 0, NULL));
	EXPECT_EQ(-EINVAL, pin(self->f.pinner, mem, 1UL << 31,
			       PINSTAT_PINNER_PIN_USER_PAGES_FAST, 0, NULL));
	EXPECT_EQ(-EINVAL, pin(self->f.pinner, mem + 1, 1,
			       PINSTAT_PINNER_PIN_USER_PAGES_FAST, 0, NULL));
	EXPECT_EQ(-EOVERFLOW, pin(self->f.pinner, (void *)-PAGE_SZ, 2,
				  PINSTAT_PINNER_PIN_USER_PAGES_FAST, 0, NULL));
	p.memfd = 1;	/* only memfd_pin_folios() takes one */
	EXPECT_EQ(-1, ioctl(self->f.pinner, PINSTAT_PINNER_IOC_PIN, &p));
	EXPECT_EQ(EINVAL, errno);
	p.memfd = 0;

	ASSERT_EQ(0, pin(self->f.pinner, mem, 2,
			 PINSTAT_PINNER_PIN_USER_PAGES_FAST, 0, &good));
	u.id = good.id;
	u.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(self->f.pinner, PINSTAT_PINNER_IOC_UNPIN, &u));
	EXPECT_EQ(EINVAL, errno);
	u.reserved[0] = 0;
	u.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(self->f.pinner, PINSTAT_PINNER_IOC_UNPIN, &u));
	EXPECT_EQ(EINVAL, errno);
	u.reserved[1] = 0;
	EXPECT_EQ(-EINVAL, unpin(self->f.pinner, good.id, 0, 0));
	EXPECT_EQ(-EINVAL, unpin(self->f.pinner, good.id,
				 PINSTAT_PINNER_NR_UNPIN_VIAS, 0));
	EXPECT_EQ(-EINVAL, unpin(self->f.pinner, good.id,
				 PINSTAT_PINNER_UNPIN_USER_PAGES, 3));
	EXPECT_EQ(-ENOENT, unpin(self->f.pinner, good.id + 1,
				 PINSTAT_PINNER_UNPIN_USER_PAGES, 0));
	EXPECT_EQ(-ENOENT, unpin(self->f.pinner, 0,
				 PINSTAT_PINNER_UNPIN_USER_PAGES, 0));
	/* None of that released anything. */
	EXPECT_EQ(self->vm_pinned + 2, pinstat_vmstat_pinned());
	EXPECT_EQ(0, unpin(self->f.pinner, good.id,
			   PINSTAT_PINNER_UNPIN_USER_PAGES, 0));

	/* A partial pin is released and fails: pages 2 and 3 are gone. */
	ASSERT_EQ(0, munmap(mem + 2 * PAGE_SZ, 2 * PAGE_SZ));
	for (v = 1; v < PINSTAT_PINNER_NR_PIN_VIAS; v++) {
		if (v == PINSTAT_PINNER_MEMFD_PIN_FOLIOS || !pin_via_expected(v))
			continue;
		EXPECT_EQ(-EFAULT, pin(self->f.pinner, mem, 4, v, 0, NULL))
			TH_LOG("%s", pin_via_names[v]);
		EXPECT_EQ(self->vm_pinned, pinstat_vmstat_pinned())
			TH_LOG("%s left pages pinned", pin_via_names[v]);
	}
	/* Nothing is held: the next id answers -ENOENT. */
	EXPECT_EQ(-ENOENT, unpin(self->f.pinner, good.id + 1,
				 PINSTAT_PINNER_UNPIN_USER_PAGES, 0));
	munmap(mem, 2 * PAGE_SZ);
}

/*
 * memfd_pin_folios() of a memfd: @hugetlb 2 MiB pages (exact counts, one
 * pin per folio) or shmem's small pages.
 */
static void memfd_case(struct __test_metadata *_metadata, struct files *f,
		       long long vm_pinned, bool hugetlb)
{
	size_t len = hugetlb ? 2 * SZ_2M : 16 * PAGE_SZ;
	unsigned long nr_pages = len / PAGE_SZ;
	unsigned long nr_folios = hugetlb ? 2 : nr_pages;
	unsigned long per_folio = nr_pages / nr_folios;
	struct pinstat_pinner_pin p = {
		.addr = 0, .nr_pages = nr_pages,
		.via = PINSTAT_PINNER_MEMFD_PIN_FOLIOS,
	};
	unsigned int u;
	char *mem;
	int fd;

	fd = memfd_create("pinstat_pinner", hugetlb ? MFD_HUGETLB : 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, len))
		TH_LOG("no 2 MiB huge pages reserved?");
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, mem);
	memset(mem, 1, len);
	p.memfd = fd;

	if (!pin_via_expected(PINSTAT_PINNER_MEMFD_PIN_FOLIOS)) {
		EXPECT_EQ(-1, ioctl(f->pinner, PINSTAT_PINNER_IOC_PIN, &p));
		EXPECT_EQ(EOPNOTSUPP, errno);
		munmap(mem, len);
		close(fd);
		SKIP(return, "this kernel has no memfd_pin_folios()");
	}
	for (u = 1; u < PINSTAT_PINNER_NR_UNPIN_VIAS; u++) {
		bool folio_via = u >= PINSTAT_PINNER_UNPIN_FOLIO;

		ASSERT_EQ(0, ioctl(f->pinner, PINSTAT_PINNER_IOC_PIN, &p))
			TH_LOG("memfd_pin_folios: %s", strerror(errno));
		EXPECT_EQ(nr_folios, p.pinned);
		EXPECT_EQ(vm_pinned + (long long)nr_folios,
			  pinstat_vmstat_pinned());
		if (hugetlb) {
			EXPECT_EQ(1, folio_pincount(f, mem));
			EXPECT_EQ(1, folio_pincount(f, mem + SZ_2M));
		} else {
			expect_pins(_metadata, f, mem, nr_pages, false, 0);
		}
		if (!folio_via) {
			/* Page-array releases do not take folio pins. */
			EXPECT_EQ(-EINVAL, unpin(f->pinner, p.id, u, 0))
				TH_LOG("%s", unpin_via_names[u]);
			ASSERT_EQ(0, unpin(f->pinner, p.id,
					   PINSTAT_PINNER_UNPIN_FOLIOS, 0));
			continue;
		}
		/* One folio first, then the rest. */
		ASSERT_EQ(0, unpin(f->pinner, p.id, u, 1))
			TH_LOG("%s", unpin_via_names[u]);
		EXPECT_EQ(vm_pinned + (long long)nr_folios - 1,
			  pinstat_vmstat_pinned());
		if (hugetlb) {
			EXPECT_EQ(0, folio_pincount(f, mem));
			EXPECT_EQ(1, folio_pincount(f, mem + SZ_2M));
		} else {
			expect_pins(_metadata, f, mem, nr_pages, false, per_folio);
		}
		ASSERT_EQ(0, unpin(f->pinner, p.id, u, 0))
			TH_LOG("%s", unpin_via_names[u]);
		EXPECT_EQ(vm_pinned, pinstat_vmstat_pinned());
		if (!hugetlb)
			expect_pins(_metadata, f, mem, nr_pages, false, nr_pages);
		else
			EXPECT_EQ(0, folio_pincount(f, mem + SZ_2M));
		EXPECT_EQ(-ENOENT, unpin(f->pinner, p.id, u, 0));
	}
	/* memfd_pin_folios() takes no flags, and needs a file. */
	p.flags = PINSTAT_PINNER_WRITE;
	EXPECT_EQ(-1, ioctl(f->pinner, PINSTAT_PINNER_IOC_PIN, &p));
	EXPECT_EQ(EINVAL, errno);
	p.flags = 0;
	p.memfd = 1000;
	EXPECT_EQ(-1, ioctl(f->pinner, PINSTAT_PINNER_IOC_PIN, &p));
	EXPECT_EQ(EBADF, errno);
	munmap(mem, len);
	close(fd);
}

TEST_F(pinner_misc, memfd_hugetlb)
{
	memfd_case(_metadata, &self->f, self->vm_pinned, true);
}

TEST_F(pinner_misc, memfd_shmem)
{
	memfd_case(_metadata, &self->f, self->vm_pinned, false);
}

TEST_HARNESS_MAIN
