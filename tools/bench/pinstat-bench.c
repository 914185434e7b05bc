// SPDX-License-Identifier: GPL-2.0
/*
 * pinstat-bench: pinstat against the kernel's own gup_test and against
 * what user space can read without pinstat.  One key=value line per
 * measurement; scripts/bench.sh runs it in a guest and
 * scripts/bench/bench-report.py turns the lines into tables.
 *
 * usage: pinstat-bench -k KIND [-m MiB] [-o KiB] [-r ROUNDS]
 *        pinstat-bench -I [-m MiB] [-r ROUNDS] [-P ROUNDS] [-F] [-T]
 *        pinstat-bench -L -k KIND [-m MiB] [-r ROUNDS]
 *        pinstat-bench -S
 *
 * -k: PIN + UNPIN against gup_test's PIN_FAST_BENCHMARK on the very same
 * buffer of KIND (anon-4k, thp, hugetlb-2m, hugetlb-1g), mapped once: the
 * ioctl of /sys/kernel/debug/gup_test is driven from here, so both sides
 * pin the same pages.  Which side goes first alternates every round.
 * -o (thp only): the mapping itself starts KiB past a 2 MiB boundary, as
 * malloc's and gup_test -t's buffers do, so its ends are small pages.
 *
 * -I: a child process holds MiB of 4 KiB pages and MiB of THP, populated
 * and not pinned; PINSTAT_IOC_INSPECT of each range is timed against
 * reading it the way page-types does (/proc/PID/pagemap, then
 * /proc/kpagecount and /proc/kpageflags of the PFNs).  -P then times
 * ROUNDS INSPECTs of the 4 KiB range while the child pins it through its
 * own /dev/pinstat file, and fails unless every record counts that pin as
 * pinstat's own and none as foreign.  -F also times a read of debugfs
 * "runs" while the child pins each range; -T traces one more INSPECT of
 * each range with the function_graph tracer (tracefs mounted at
 * /sys/kernel/tracing) and prints the trace.
 *
 * -L: the cost of pinstat's pin ledger to other kernel code: gup_test's
 * PIN_FAST_BENCHMARK on a buffer of KIND, with the ledger off, on, and
 * off again (debugfs ledger_enable), the order of the first two
 * alternating every round; the second "off" measures the noise.
 *
 * -S: how much of one second a busy loop lost in stalls of 1 ms or more.
 *
 * Both sides take read pins, as gup_test -W does (FOLL_PIN without
 * FOLL_WRITE), and release them without dirtying.  Timings only: nothing
 * here fails on a figure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/kernel-page-flags.h>

#include "libpinstat.h"
/* From the source of the kernel gup_test.ko was built for (tools/Makefile). */
#include "mm/gup_test.h"

#define GUP_TEST_FILE	"/sys/kernel/debug/gup_test"
/* gup_test -n 512: pages per pin_user_pages_fast() call */
#define GUP_PAGES_PER_CALL	512

#define BIT_ULL(nr)	(1ULL << (nr))

/* /proc/PID/pagemap: bit 63 present, bits 0-54 the PFN. */
#define PM_PRESENT	BIT_ULL(63)
#define PM_PFN_MASK	(BIT_ULL(55) - 1)
/* Entries per pread, as page-types reads pagemap and kpageflags. */
#define PM_BATCH	65536UL

/* Records per INSPECT call in the batched variant (pinstat's own batch). */
#define INSPECT_BATCH	4096U

struct row {
	const char *name;
	enum pinstat_buf_kind kind;
	size_t offset;		/* mapping start past a 2 MiB boundary */
};

static int parse_kind(const char *s, enum pinstat_buf_kind *kind)
{
	static const enum pinstat_buf_kind kinds[] = {
		BUF_ANON, BUF_THP, BUF_HUGETLB_2M, BUF_HUGETLB_1G,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (!strcmp(s, pinstat_buf_kind_str(kinds[i]))) {
			*kind = kinds[i];
			return 0;
		}
	}
	return -EINVAL;
}

struct side {
	long long kernel_ns;	/* timed by the kernel */
	long long wall_ns;	/* around the ioctl(s), from here */
	long long a_ns, b_ns;	/* get/put or pin/unpin, kernel-timed */
	long long a_wall_ns, b_wall_ns;
};

static int run_gup(int gfd, const struct pinstat_buf *buf, struct side *s)
{
	struct gup_test g = {
		.addr = (uintptr_t)buf->addr,
		.size = buf->len,
		.nr_pages_per_call = GUP_PAGES_PER_CALL,
		/* No FOLL_WRITE: a read pin (gup_test -W). */
		.gup_flags = 0,
	};
	long long t0, t1;

	t0 = pinstat_now_ns();
	if (ioctl(gfd, PIN_FAST_BENCHMARK, &g))
		return -errno;
	t1 = pinstat_now_ns();
	/* gup_test stops early, without an error, where a pin fails. */
	if (g.size != buf->len)
		return -EFAULT;
	s->a_ns = g.get_delta_usec * 1000;
	s->b_ns = g.put_delta_usec * 1000;
	s->kernel_ns = s->a_ns + s->b_ns;
	s->wall_ns = t1 - t0;
	s->a_wall_ns = 0;
	s->b_wall_ns = 0;
	return 0;
}

/*
 * What gup_test leaves out of its own timing: allocating (kvcalloc, zeroed)
 * and freeing its page array.  A PIN_FAST_BENCHMARK of a PROT_NONE range of
 * @len bytes does just that, its first pin failing at once; the syscall
 * itself is counted in too.  Returns the wall nanoseconds, or -errno.
 */
static long long run_gup_array_only(int gfd, void *none, size_t len)
{
	struct gup_test g = {
		.addr = (uintptr_t)none,
		.size = len,
		.nr_pages_per_call = GUP_PAGES_PER_CALL,
	};
	long long t0 = pinstat_now_ns();

	if (ioctl(gfd, PIN_FAST_BENCHMARK, &g))
		return -errno;
	return g.size ? -EFAULT : pinstat_now_ns() - t0;
}

static int run_pinstat(int fd, const struct pinstat_buf *buf, struct side *s,
		       struct pinstat_pin_args *pin)
{
	struct pinstat_unpin_args un = { 0 };
	long long t0, t1, t2, t3;

	memset(pin, 0, sizeof(*pin));
	pin->addr = (uintptr_t)buf->addr;
	pin->len = buf->len;
	t0 = pinstat_now_ns();
	if (ioctl(fd, PINSTAT_IOC_PIN, pin))
		return -errno;
	t1 = pinstat_now_ns();
	un.handle = pin->handle;
	t2 = pinstat_now_ns();
	if (ioctl(fd, PINSTAT_IOC_UNPIN, &un))
		return -errno;
	t3 = pinstat_now_ns();
	s->a_ns = pin->pin_ns;
	s->b_ns = un.unpin_ns;
	s->kernel_ns = s->a_ns + s->b_ns;
	s->a_wall_ns = t1 - t0;
	s->b_wall_ns = t3 - t2;
	s->wall_ns = s->a_wall_ns + s->b_wall_ns;
	return 0;
}

static void print_layout(const struct row *r, const struct pinstat_buf *buf,
			 const struct pinstat_pin_args *pin)
{
	unsigned int o;

	printf("layout row=%s bytes=%zu start_in_2m=%lu pages=%llu folios=%llu",
	       r->name, buf->len, (unsigned long)((uintptr_t)buf->addr % SZ_2M),
	       (unsigned long long)pin->nr_pages,
	       (unsigned long long)pin->nr_runs);
	for (o = 0; o < PINSTAT_NR_ORDERS; o++)
		if (pin->runs_by_order[o])
			printf(" order%u=%llu", o,
			       (unsigned long long)pin->runs_by_order[o]);
	printf("\n");
}

static void print_round(const struct row *r, int round, int gup_first,
			const struct side *g, const struct side *p,
			const struct pinstat_pin_args *pin, long long array_ns)
{
	printf("pin row=%s round=%d first=%s", r->name, round,
	       gup_first ? "gup_test" : "pinstat");
	printf(" gup_kernel_ns=%lld gup_wall_ns=%lld gup_get_ns=%lld gup_put_ns=%lld",
	       g->kernel_ns, g->wall_ns, g->a_ns, g->b_ns);
	printf(" pinstat_kernel_ns=%lld pinstat_wall_ns=%lld pin_ns=%lld unpin_ns=%lld",
	       p->kernel_ns, p->wall_ns, p->a_ns, p->b_ns);
	printf(" pin_wall_ns=%lld unpin_wall_ns=%lld bookkeeping=%llu gup_array_ns=%lld\n",
	       p->a_wall_ns, p->b_wall_ns,
	       (unsigned long long)pin->bookkeeping_bytes, array_ns);
	fflush(stdout);
}

/*
 * One buffer, @rounds rounds of gup_test and pinstat on it, the side that
 * goes first alternating; one untimed round of each first, so that neither
 * pays for first touches (its page array, page tables in the cache).
 */
static int bench_pin(const struct row *r, size_t len, int rounds)
{
	struct side g, p;
	struct pinstat_pin_args pin;
	struct pinstat_buf buf;
	int fd, gfd, ret, i;
	void *none;

	fd = pinstat_open();
	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", PINSTAT_DEV, strerror(-fd));
		return 1;
	}
	gfd = open(GUP_TEST_FILE, O_RDWR | O_CLOEXEC);
	if (gfd < 0) {
		perror("open " GUP_TEST_FILE);
		return 1;
	}
	if (r->offset) {
		memset(&buf, 0, sizeof(buf));
		buf.kind = BUF_THP;
		ret = pinstat_buf_alloc_thp_offset(&buf, len, r->offset);
	} else {
		ret = pinstat_buf_alloc(&buf, r->kind, len);
	}
	if (ret) {
		fprintf(stderr, "%s: %s\n", r->name, strerror(-ret));
		return 1;
	}
	ret = run_gup(gfd, &buf, &g);
	if (!ret)
		ret = run_pinstat(fd, &buf, &p, &pin);
	if (ret) {
		fprintf(stderr, "%s: warm-up: %s\n", r->name, strerror(-ret));
		return 1;
	}
	print_layout(r, &buf, &pin);
	none = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		    MAP_NORESERVE, -1, 0);
	if (none == MAP_FAILED) {
		perror("mmap PROT_NONE");
		return 1;
	}
	for (i = 0; i < rounds; i++) {
		int gup_first = !(i & 1);
		long long array_ns;

		if (gup_first)
			ret = run_gup(gfd, &buf, &g);
		if (!ret)
			ret = run_pinstat(fd, &buf, &p, &pin);
		if (!ret && !gup_first)
			ret = run_gup(gfd, &buf, &g);
		array_ns = ret ? 0 : run_gup_array_only(gfd, none, len);
		if (array_ns < 0)
			ret = array_ns;
		if (ret) {
			fprintf(stderr, "%s: round %d: %s\n", r->name, i,
				strerror(-ret));
			return 1;
		}
		print_round(r, i, gup_first, &g, &p, &pin, array_ns);
	}
	munmap(none, len);
	pinstat_buf_free(&buf);
	close(gfd);
	close(fd);
	return 0;
}

static int run_gup_ledger(int gfd, const struct pinstat_buf *buf, int on,
			  struct side *s)
{
	int ret = pinstat_ledger_set(on);

	return ret ? ret : run_gup(gfd, buf, s);
}

/*
 * gup_test with the ledger off and on, alternating which goes first, and
 * off again; one untimed round of each first.
 */
static int bench_ledger(const struct row *r, size_t len, int rounds)
{
	struct side off, on, off2;
	struct pinstat_buf buf;
	int gfd, ret, i;

	gfd = open(GUP_TEST_FILE, O_RDWR | O_CLOEXEC);
	if (gfd < 0) {
		perror("open " GUP_TEST_FILE);
		return 1;
	}
	ret = pinstat_buf_alloc(&buf, r->kind, len);
	if (ret) {
		fprintf(stderr, "%s: %s\n", r->name, strerror(-ret));
		return 1;
	}
	ret = run_gup_ledger(gfd, &buf, 1, &on);
	if (!ret)
		ret = run_gup_ledger(gfd, &buf, 0, &off);
	for (i = 0; !ret && i < rounds; i++) {
		int on_first = i & 1;

		if (on_first)
			ret = run_gup_ledger(gfd, &buf, 1, &on);
		if (!ret)
			ret = run_gup_ledger(gfd, &buf, 0, &off);
		if (!ret && !on_first)
			ret = run_gup_ledger(gfd, &buf, 1, &on);
		if (!ret)
			ret = run_gup_ledger(gfd, &buf, 0, &off2);
		if (ret)
			break;
		printf("ledger row=%s round=%d first=%s bytes=%zu", r->name, i,
		       on_first ? "on" : "off", len);
		printf(" off_ns=%lld on_ns=%lld off2_ns=%lld", off.kernel_ns,
		       on.kernel_ns, off2.kernel_ns);
		printf(" on_get_ns=%lld on_put_ns=%lld off_get_ns=%lld off_put_ns=%lld\n",
		       on.a_ns, on.b_ns, off.a_ns, off.b_ns);
		fflush(stdout);
	}
	if (ret)
		fprintf(stderr, "%s: ledger: %s\n", r->name, strerror(-ret));
	pinstat_ledger_set(0);
	pinstat_buf_free(&buf);
	close(gfd);
	return !!ret;
}

/* What one pass over a range saw: both ways must agree on it. */
struct seen {
	unsigned long present;	/* pages */
	unsigned long thp;	/* pages of THP folios */
	unsigned long folios;	/* INSPECT records / compound heads + small */
	unsigned long calls;	/* ioctls or preads */
	unsigned long mapped;	/* kpagecount: mappings of those pages */
	unsigned long own, foreign;	/* INSPECT: own_pins, foreign_pins */
	unsigned long own_off;	/* records whose own_pins is not nr_pages */
};

/*
 * INSPECT [start, start + len) of @pid, @batch records per call into
 * @recs (pre-faulted, at least @batch long).
 */
static int inspect_range(int fd, int pid, uintptr_t start, size_t len,
			 struct pinstat_folio_record *recs, unsigned int batch,
			 struct seen *s)
{
	struct pinstat_inspect_args a = {
		.pid = pid,
		.start = start,
		.end = start + len,
		.records = (uintptr_t)recs,
		.record_size = sizeof(*recs),
	};
	unsigned int i;

	memset(s, 0, sizeof(*s));
	do {
		a.nr_records = batch;
		if (ioctl(fd, PINSTAT_IOC_INSPECT, &a))
			return -errno;
		s->calls++;
		for (i = 0; i < a.nr_records; i++) {
			if (recs[i].flags & PINSTAT_FOLIO_NOT_PRESENT)
				continue;
			s->present += recs[i].nr_pages;
			s->folios++;
			s->own += recs[i].own_pins;
			s->foreign += recs[i].foreign_pins;
			/* One pin of pinstat's a page, if the range is pinned once. */
			if (recs[i].own_pins != recs[i].nr_pages)
				s->own_off++;
			if (recs[i].kind == PINSTAT_KIND_ANON_THP &&
			    recs[i].order == 9)
				s->thp += recs[i].nr_pages;
		}
	} while (a.cursor);
	return 0;
}

static int pread_all(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	if (n == (ssize_t)len)
		return 0;
	return n < 0 ? -errno : -EIO;
}

struct pagemap_fds {
	int pagemap, count, flags;
	uint64_t *ent, *cnt, *flg;	/* PM_BATCH entries each */
};

/*
 * The page-types way: pagemap entries PM_BATCH at a time, then kpagecount
 * and kpageflags for each run of consecutive PFNs in one pread each.
 * @kpage 0 reads pagemap alone, to split the time.
 */
static int pagemap_range(struct pagemap_fds *f, uintptr_t start, size_t len,
			 int kpage, struct seen *s)
{
	unsigned long pages = len / PAGE_SZ, done, n, i, j, k;
	uint64_t pfn;
	int ret;

	memset(s, 0, sizeof(*s));
	for (done = 0; done < pages; done += n) {
		n = pages - done < PM_BATCH ? pages - done : PM_BATCH;
		ret = pread_all(f->pagemap, f->ent, n * 8,
				(start / PAGE_SZ + done) * 8);
		if (ret)
			return ret;
		s->calls++;
		for (i = 0; i < n; i = j) {
			if (!(f->ent[i] & PM_PRESENT)) {
				j = i + 1;
				continue;
			}
			pfn = f->ent[i] & PM_PFN_MASK;
			for (j = i + 1; j < n; j++)
				if (!(f->ent[j] & PM_PRESENT) ||
				    (f->ent[j] & PM_PFN_MASK) != pfn + j - i)
					break;
			s->present += j - i;
			if (!kpage)
				continue;
			ret = pread_all(f->count, f->cnt, (j - i) * 8, pfn * 8);
			if (!ret)
				ret = pread_all(f->flags, f->flg, (j - i) * 8,
						pfn * 8);
			if (ret)
				return ret;
			s->calls += 2;
			for (k = 0; k < j - i; k++) {
				if (f->flg[k] & BIT_ULL(KPF_THP))
					s->thp++;
				s->mapped += f->cnt[k];
				/* A tail page continues its head's folio. */
				if (f->flg[k] & BIT_ULL(KPF_COMPOUND_HEAD) ||
				    !(f->flg[k] & BIT_ULL(KPF_THP)))
					s->folios++;
			}
		}
	}
	return 0;
}

/* Child: hold the memory, pin or unpin it on request, until told to go. */
static void holder(int cmd, int ans, size_t len)
{
	struct pinstat_buf bufs[2];
	uintptr_t addrs[2];
	unsigned int handle = 0;
	int fd = -1, i, ret = 0;
	char c;

	for (i = 0; i < 2; i++) {
		ret = pinstat_buf_alloc(&bufs[i], i ? BUF_THP : BUF_ANON, len);
		if (ret) {
			fprintf(stderr, "holding memory: %s\n",
				strerror(-ret));
			_exit(1);
		}
		addrs[i] = (uintptr_t)bufs[i].addr;
	}
	if (write(ans, addrs, sizeof(addrs)) != sizeof(addrs))
		_exit(1);
	while (read(cmd, &c, 1) == 1 && c != 'q') {
		struct pinstat_pin_args pin;

		if (fd < 0)
			fd = pinstat_open();
		if (fd < 0)
			ret = fd;
		else if (c == 'u')
			ret = pinstat_unpin(fd, handle);
		else
			ret = pinstat_pin(fd, bufs[c == 't'].addr, len, 0, &pin);
		if (!ret && c != 'u')
			handle = pin.handle;
		if (write(ans, &ret, sizeof(ret)) != sizeof(ret))
			_exit(1);
	}
	_exit(0);
}

static int ask(int cmd, int ans, char c)
{
	int ret;

	if (write(cmd, &c, 1) != 1 || read(ans, &ret, sizeof(ret)) != sizeof(ret))
		return -EPIPE;
	return ret;
}

/* Read all of debugfs "runs"; returns the bytes read. */
static long long read_folios(void)
{
	static char buf[1 << 16];
	long long total = 0;
	ssize_t n;
	int fd = open(PINSTAT_DEBUGFS "/runs", O_RDONLY);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	close(fd);
	return total;
}

static int bench_inspect_kind(int fd, pid_t pid, const char *kind,
			      uintptr_t addr, size_t len, int round,
			      struct pinstat_folio_record *recs,
			      unsigned int nr_recs, struct pagemap_fds *f)
{
	long long t0, pm_ns = 0, one_ns, bat_ns, pmo_ns;
	struct seen one, bat, pm, pmo;
	int ret = 0, pm_first = round & 1;

	/* Which way reads the range first alternates every round. */
	if (pm_first) {
		t0 = pinstat_now_ns();
		ret = pagemap_range(f, addr, len, 1, &pm);
		pm_ns = pinstat_now_ns() - t0;
	}
	t0 = pinstat_now_ns();
	if (!ret)
		ret = inspect_range(fd, pid, addr, len, recs, nr_recs, &one);
	one_ns = pinstat_now_ns() - t0;
	t0 = pinstat_now_ns();
	if (!ret)
		ret = inspect_range(fd, pid, addr, len, recs, INSPECT_BATCH,
				    &bat);
	bat_ns = pinstat_now_ns() - t0;
	if (!pm_first && !ret) {
		t0 = pinstat_now_ns();
		ret = pagemap_range(f, addr, len, 1, &pm);
		pm_ns = pinstat_now_ns() - t0;
	}
	t0 = pinstat_now_ns();
	if (!ret)
		ret = pagemap_range(f, addr, len, 0, &pmo);
	pmo_ns = pinstat_now_ns() - t0;
	if (ret) {
		fprintf(stderr, "inspect %s: %s\n", kind, strerror(-ret));
		return ret;
	}
	printf("inspect kind=%s round=%d first=%s bytes=%zu", kind, round,
	       pm_first ? "pagemap" : "inspect", len);
	printf(" inspect_ns=%lld inspect_calls=%lu records=%lu batched_ns=%lld batched_calls=%lu",
	       one_ns, one.calls, one.folios, bat_ns, bat.calls);
	printf(" pagemap_ns=%lld pagemap_preads=%lu pagemap_only_ns=%lld",
	       pm_ns, pm.calls, pmo_ns);
	printf(" present=%lu thp_pages=%lu pagemap_present=%lu pagemap_thp_pages=%lu",
	       one.present, one.thp, pm.present, pm.thp);
	printf(" pagemap_folios=%lu pagemap_mapcount=%lu\n", pm.folios,
	       pm.mapped);
	fflush(stdout);
	/* The same pages, seen both ways, or the comparison means nothing. */
	if (one.present != len / PAGE_SZ || pm.present != one.present ||
	    bat.present != one.present || pm.thp != one.thp ||
	    pm.folios != one.folios) {
		fprintf(stderr, "inspect %s: INSPECT and pagemap disagree\n",
			kind);
		return -EIO;
	}
	return 0;
}

/* Each of @pages pages a small folio of its own, pinned once by pinstat. */
static int pinned_once(const struct seen *s, unsigned long pages)
{
	return s->present == pages && s->folios == pages && s->own == pages &&
	       !s->own_off && !s->foreign;
}

/*
 * INSPECT of the 4 KiB range while the holder pins it through its own
 * /dev/pinstat file, so that every record's own_pins is counted: all
 * records in one call, then 4096 a call, @rounds times.
 */
static int bench_inspect_pinned(int fd, pid_t pid, int cmd, int ans,
				uintptr_t addr, size_t len, int rounds,
				struct pinstat_folio_record *recs,
				unsigned int nr_recs)
{
	unsigned long pages = len / SZ_4K;
	long long t0, one_ns, bat_ns;
	struct seen one, bat;
	int i, ret, unpin;

	ret = ask(cmd, ans, 'a');
	if (ret) {
		fprintf(stderr, "inspect pinned: pin: %s\n", strerror(-ret));
		return ret;
	}
	for (i = 0; i < rounds && !ret; i++) {
		t0 = pinstat_now_ns();
		ret = inspect_range(fd, pid, addr, len, recs, nr_recs, &one);
		one_ns = pinstat_now_ns() - t0;
		t0 = pinstat_now_ns();
		if (!ret)
			ret = inspect_range(fd, pid, addr, len, recs,
					    INSPECT_BATCH, &bat);
		bat_ns = pinstat_now_ns() - t0;
		if (ret) {
			fprintf(stderr, "inspect pinned: %s\n", strerror(-ret));
			break;
		}
		printf("inspect_pinned kind=anon-4k round=%d bytes=%zu pins=%lu",
		       i, len, pages);
		printf(" inspect_ns=%lld inspect_calls=%lu records=%lu",
		       one_ns, one.calls, one.folios);
		printf(" batched_ns=%lld batched_calls=%lu", bat_ns, bat.calls);
		printf(" own_pins=%lu foreign_pins=%lu own_pins_off=%lu\n",
		       one.own, one.foreign, one.own_off + bat.own_off);
		fflush(stdout);
		if (!pinned_once(&one, pages) || !pinned_once(&bat, pages)) {
			fprintf(stderr,
				"inspect pinned: %lu pages pinned once each by pinstat, INSPECT says %lu/%lu records, %lu/%lu own pins, %lu/%lu foreign, %lu/%lu records without one own pin a page (one call/4096 a call)\n",
				pages, one.folios, bat.folios, one.own, bat.own,
				one.foreign, bat.foreign, one.own_off,
				bat.own_off);
			ret = -EIO;
		}
	}
	unpin = ask(cmd, ans, 'u');
	return ret ? ret : unpin;
}

#define TRACEFS		"/sys/kernel/tracing"

static int tracefs_open_write(const char *file, int flags, const char *s)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_CLOEXEC | flags);
	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

static int tracefs_write(const char *file, const char *s)
{
	return tracefs_open_write(file, O_TRUNC, s);
}

/*
 * Trace INSPECT itself, the lookups it makes and its batch-wise lookup of
 * pinstat's own pins (pinstat_records_set_owners(), not the registry calls
 * it makes per record: a traced call costs about a microsecond);
 * everything else it does is the remainder.  One name a write: a name the
 * kernel cannot trace fails alone.
 */
static int trace_filter(void)
{
	static const char *const funcs[] = {
		"pinstat_inspect", "get_user_pages_remote",
		"pinstat_records_set_owners",
	};
	size_t i;
	int ret;

	ret = tracefs_write("set_ftrace_filter", "");
	for (i = 0; i < ARRAY_SIZE(funcs) && !ret; i++)
		if (tracefs_open_write("set_ftrace_filter", O_APPEND, funcs[i]))
			printf("trace: cannot trace %s\n", funcs[i]);
	return ret;
}

/* Print the trace, one "ftrace" line per line, comments left out. */
static void tracefs_dump(void)
{
	FILE *f = fopen(TRACEFS "/trace", "r");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#')
			printf("ftrace %s", line);
	fclose(f);
}

/*
 * One more INSPECT of each range, untimed here, under the function_graph
 * tracer, a marker before each: where its time goes, from the kernel's
 * own clock.  Tracing adds a little to each traced call.
 */
static int trace_inspect(int fd, pid_t pid, const char *const *kinds,
			 const uintptr_t *addrs, size_t len,
			 struct pinstat_folio_record *recs, unsigned int nr_recs)
{
	struct seen one;
	char marker[64];
	int k, ret;

	ret = tracefs_write("tracing_on", "0");
	if (!ret)
		ret = trace_filter();
	if (!ret)
		ret = tracefs_write("current_tracer", "function_graph");
	if (!ret)
		ret = tracefs_write("trace", "");
	/* A closing brace names its function: calls can be told apart. */
	if (!ret)
		ret = tracefs_write("trace_options", "funcgraph-tail");
	if (ret) {
		printf("trace: unavailable: %s\n", strerror(-ret));
		return 0;
	}
	tracefs_write("tracing_on", "1");
	for (k = 0; k < 2 && !ret; k++) {
		snprintf(marker, sizeof(marker), "bench inspect kind=%s",
			 kinds[k]);
		tracefs_write("trace_marker", marker);
		ret = inspect_range(fd, pid, addrs[k], len, recs, nr_recs, &one);
	}
	tracefs_write("tracing_on", "0");
	tracefs_dump();
	tracefs_write("current_tracer", "nop");
	tracefs_write("set_ftrace_filter", "");
	return ret;
}

/*
 * The holder of the memory INSPECT looks at: a child, run by commands on
 * @cmd[1] and answering on @ans[0].  Fills @addrs; the pid, or -1.
 */
static pid_t start_holder(int cmd[2], int ans[2], size_t len,
			  uintptr_t addrs[2])
{
	pid_t pid;

	if (pipe(cmd) || pipe(ans))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(cmd[1]);
		close(ans[0]);
		holder(cmd[0], ans[1], len);
	}
	close(cmd[0]);
	close(ans[1]);
	if (read(ans[0], addrs, 2 * sizeof(*addrs)) != 2 * sizeof(*addrs)) {
		fprintf(stderr, "inspect: the holder did not start\n");
		return -1;
	}
	return pid;
}

/*
 * @pid's pagemap and the kpage files, with their buffers: allocated and
 * faulted in now, not while timed.
 */
static int pagemap_open(struct pagemap_fds *f, pid_t pid)
{
	char path[64];

	f->ent = malloc(3 * PM_BATCH * sizeof(uint64_t));
	if (!f->ent)
		return -ENOMEM;
	memset(f->ent, 0, 3 * PM_BATCH * sizeof(uint64_t));
	f->cnt = f->ent + PM_BATCH;
	f->flg = f->cnt + PM_BATCH;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	f->pagemap = open(path, O_RDONLY | O_CLOEXEC);
	f->count = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	f->flags = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (f->pagemap < 0 || f->count < 0 || f->flags < 0) {
		perror("open /proc");
		return -EIO;
	}
	return 0;
}

/* Read debugfs "runs" while the holder pins each range. */
static int bench_runs_read(int cmd, int ans, const char *const *kinds,
			   size_t len)
{
	long long t0, t1, bytes;
	int k, ret = 0;

	for (k = 0; k < 2 && !ret; k++) {
		ret = ask(cmd, ans, k ? 't' : 'a');
		if (ret)
			break;
		t0 = pinstat_now_ns();
		bytes = read_folios();
		t1 = pinstat_now_ns();
		ret = ask(cmd, ans, 'u');
		printf("runs_read kind=%s bytes=%zu read_ns=%lld read_bytes=%lld\n",
		       kinds[k], len, t1 - t0, bytes);
		if (bytes < 0)
			ret = bytes;
	}
	return ret;
}

static int bench_inspect(size_t len, int rounds, int pinned, int folios,
			 int trace)
{
	static const char *const kinds[2] = { "anon-4k", "thp" };
	struct pagemap_fds f = { 0 };
	struct pinstat_folio_record *recs;
	int cmd[2], ans[2], fd, i, k, ret, status;
	unsigned int nr_recs = len / PAGE_SZ + 1;
	uintptr_t addrs[2];
	pid_t pid;

	pid = start_holder(cmd, ans, len, addrs);
	if (pid < 0)
		return 1;
	fd = pinstat_open();
	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", PINSTAT_DEV, strerror(-fd));
		return 1;
	}
	/*
	 * Every page may be a record.  Faulted in now, not while timed, and
	 * after the fork, which would make them copy-on-write.
	 */
	recs = malloc((size_t)nr_recs * sizeof(*recs));
	if (!recs)
		return 1;
	memset(recs, 0, (size_t)nr_recs * sizeof(*recs));
	ret = pagemap_open(&f, pid);
	for (i = 0; i < rounds && !ret; i++)
		for (k = 0; k < 2 && !ret; k++)
			ret = bench_inspect_kind(fd, pid, kinds[k], addrs[k],
						 len, i, recs, nr_recs, &f);
	if (pinned && !ret)
		ret = bench_inspect_pinned(fd, pid, cmd[1], ans[0], addrs[0],
					   len, pinned, recs, nr_recs);
	if (folios && !ret)
		ret = bench_runs_read(cmd[1], ans[0], kinds, len);
	if (trace && !ret)
		ret = trace_inspect(fd, pid, kinds, addrs, len, recs, nr_recs);
	if (write(cmd[1], "q", 1) != 1)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (ret)
		fprintf(stderr, "inspect: %s\n", strerror(ret < 0 ? -ret : EIO));
	return ret ? 1 : 0;
}

/*
 * A second of reading the clock in a loop: gaps of a millisecond or more
 * are time the guest's CPU did not run this loop, mostly the host running
 * something else (QEMU's TCG vCPUs are host threads).  It says how much
 * the figures of this run may be disturbed.
 */
static int stall_gauge(void)
{
	long long start = pinstat_now_ns(), prev = start, t, gap, lost = 0;
	unsigned long stalls = 0;

	while ((t = pinstat_now_ns()) - start < 1000000000LL) {
		gap = t - prev;
		if (gap >= 1000000) {
			stalls++;
			lost += gap;
		}
		prev = t;
	}
	printf("stalls over_ms=%lu lost_ns=%lld of_ns=%lld\n", stalls, lost,
	       t - start);
	return 0;
}

int main(int argc, char **argv)
{
	struct row r = { .name = NULL, .kind = BUF_ANON };
	int opt, rounds = 7, inspect = 0, pinned = 0, folios = 0, trace = 0;
	int ledger = 0;
	size_t mib = 256, off_kib = 0;
	static char name[32];

	while ((opt = getopt(argc, argv, "k:m:o:r:IP:FTLS")) != -1) {
		switch (opt) {
		case 'k':
			if (parse_kind(optarg, &r.kind)) {
				fprintf(stderr, "unknown kind %s\n", optarg);
				return 2;
			}
			r.name = optarg;
			break;
		case 'm':
			mib = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			off_kib = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'I':
			inspect = 1;
			break;
		case 'P':
			pinned = atoi(optarg);
			break;
		case 'F':
			folios = 1;
			break;
		case 'T':
			trace = 1;
			break;
		case 'L':
			ledger = 1;
			break;
		case 'S':
			return stall_gauge();
		default:
			goto usage;
		}
	}
	if (inspect)
		return bench_inspect(mib << 20, rounds, pinned, folios, trace);
	if (!r.name || !mib || rounds < 1 ||
	    (off_kib && (r.kind != BUF_THP || off_kib % 4 ||
			 off_kib << 10 >= SZ_2M)))
		goto usage;
	if (off_kib) {
		r.offset = off_kib << 10;
		snprintf(name, sizeof(name), "thp-off%zuk", off_kib);
		r.name = name;
	}
	if (ledger)
		return bench_ledger(&r, mib << 20, rounds);
	return bench_pin(&r, mib << 20, rounds);
usage:
	fprintf(stderr,
		"usage: %s -k KIND [-m MiB] [-o KiB] [-r ROUNDS]\n"
		"       %s -I [-m MiB] [-r ROUNDS] [-P ROUNDS] [-F] [-T]\n"
		"       %s -L -k KIND [-m MiB] [-r ROUNDS]\n"
		"       %s -S\n", argv[0], argv[0], argv[0], argv[0]);
	return 2;
}
