// SPDX-License-Identifier: GPL-2.0
/*
 * pinstat-fuzz: a bounded, seeded ioctl fuzzer for /dev/pinstat.
 *
 *   pinstat-fuzz [-n ITERATIONS] [-s SEED]
 *
 * Each iteration issues one ioctl with a random command (mostly pinstat's
 * own, INSPECT of this and other processes and CENSUS of physical memory
 * included, also wrong sizes,
 * directions and numbers), a random argument
 * pointer (valid, NULL, kernel, read-only, running into PROT_NONE) and
 * random fields (addresses in and out of the mappings, lengths up to
 * wrapping around, flags, handles, reserved fields, record arrays).  A
 * second thread keeps unmapping, remapping and mprotecting a window that
 * the pins aim at, so ranges vanish while they are being pinned.  Files
 * are closed with their pins and reopened now and then.
 *
 * Checked: every call returns 0 or an errno the uapi header documents;
 * afterwards nothing is pinned, in pinstat's counters or the kernel's.
 * The sequence of calls is reproducible from the seed; its interleaving
 * with the unmapping thread is not.  Prints TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libpinstat.h"

#define POOL_SZ		(8UL << 20)
#define WINDOW_SZ	(2UL << 20)
#define NR_FDS		3
#define NR_HANDLES	64
#define KERNEL_ADDR	0xffff888000000000ULL

static uint64_t rng;

/* xorshift64*: the same sequence for the same seed everywhere. */
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* Memory the fuzzer aims at. */
static char *pool;		/* POOL_SZ of anonymous memory, THP allowed */
static char *window;		/* WINDOW_SZ that the other thread churns */
static char *ro_page;		/* readable, not writable */
static char *guard;		/* a readable page followed by PROT_NONE */
static struct pinstat_buf hugetlb;
static atomic_bool stop;

static void *churn_main(void *arg)
{
	unsigned int seed = (uintptr_t)arg;

	while (!stop) {
		switch (rand_r(&seed) % 4) {
		case 0:
			munmap(window, WINDOW_SZ);
			break;
		case 1:
			mmap(window, WINDOW_SZ, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
			     MAP_POPULATE, -1, 0);
			break;
		case 2:
			mprotect(window, WINDOW_SZ,
				 rand_r(&seed) % 2 ? PROT_READ : PROT_NONE);
			break;
		default:
			madvise(window, WINDOW_SZ, MADV_DONTNEED);
			break;
		}
		usleep(rand_r(&seed) % 2000);
	}
	return NULL;
}

static uint64_t fuzz_addr(void)
{
	switch (below(12)) {
	case 0: return 0;
	case 1: return KERNEL_ADDR + below(1 << 20);
	case 2: return rnd();
	case 3: return (uintptr_t)ro_page + below(PAGE_SZ);
	case 4: return (uintptr_t)guard + below(2 * PAGE_SZ);
	case 5: return 0x7ffffffff000ULL - below(4) * PAGE_SZ;
	case 6: return hugetlb.addr ? (uintptr_t)hugetlb.addr + below(SZ_2M) :
				      (uintptr_t)pool;
	case 7: case 8: return (uintptr_t)window + below(WINDOW_SZ);
	default: return (uintptr_t)pool + below(POOL_SZ);
	}
}

static uint64_t fuzz_len(uint64_t addr)
{
	switch (below(10)) {
	case 0: return 0;
	case 1: return rnd();
	case 2: return -addr;			/* reaches 2^64 exactly */
	case 3: return -addr + 1 + below(PAGE_SZ);	/* wraps */
	case 4: return 1ULL << (20 + below(24));
	case 5: return below(POOL_SZ + PAGE_SZ);
	default: return 1 + below(16 * PAGE_SZ);
	}
}

struct fd_state {
	int fd;
	unsigned int handles[NR_HANDLES];
	unsigned int nr;
};

static unsigned int fuzz_handle(struct fd_state *f)
{
	switch (below(6)) {
	case 0: return 0;
	case 1: return rnd();
	default: return f->nr ? f->handles[below(f->nr)] : 1 + below(8);
	}
}

/* Where the argument struct goes: mostly a real buffer. */
static void *fuzz_argp(void *buf, size_t size)
{
	switch (below(20)) {
	case 0: return NULL;
	case 1: return (void *)(uintptr_t)(KERNEL_ADDR + below(PAGE_SZ));
	case 2: return ro_page;				/* copy out fails */
	case 3: return guard + PAGE_SZ - below(size);	/* runs into PROT_NONE */
	case 4: return window + below(WINDOW_SZ - size);	/* may vanish */
	default: return buf;
	}
}

static unsigned int fuzz_cmd(void)
{
	static const unsigned int real[] = {
		PINSTAT_IOC_PIN, PINSTAT_IOC_UNPIN, PINSTAT_IOC_REPORT,
		PINSTAT_IOC_INSPECT, PINSTAT_IOC_HOLDERS, PINSTAT_IOC_CENSUS,
	};
	unsigned int type;

	switch (below(10)) {
	case 0:	/* a real number with another size or direction */
		return _IOC(below(4), PINSTAT_IOC_MAGIC, 1 + below(4), below(512));
	case 1:	/* another number of ours */
		return _IOC(below(4), PINSTAT_IOC_MAGIC, below(256),
			    below(2) ? below(512) : sizeof(struct pinstat_pin_args));
	case 2:
		/*
		 * Another driver's number.  Types the VFS serves itself for
		 * every file (FIOCLEX, FIFREEZE, FS_IOC_*, FICLONE, ...) are
		 * left out: they are not pinstat's to answer.
		 */
		do {
			type = below(256);
		} while (type == 0 || type == 'T' || type == 'X' || type == 'f' ||
			 type == 0x94 || type == 0x15 || type == PINSTAT_IOC_MAGIC);
		return _IOC(below(4), type, below(256), below(512));
	default:
		return real[below(ARRAY_SIZE(real))];
	}
}

static void fill_pin(struct pinstat_pin_args *a)
{
	memset(a, 0, sizeof(*a));
	a->addr = fuzz_addr();
	a->len = fuzz_len(a->addr);
	a->flags = below(5) ? below(4) : (uint32_t)rnd();
	if (!below(10))
		a->reserved[below(sizeof(a->reserved) /
				  sizeof(a->reserved[0]))] = rnd();
	if (!below(10))
		a->handle = rnd();	/* an out field: ignored */
}

static void fill_unpin(struct pinstat_unpin_args *a, struct fd_state *f)
{
	memset(a, 0, sizeof(*a));
	a->handle = fuzz_handle(f);
	if (!below(10))
		a->flags = rnd();
	if (!below(10))
		a->reserved = rnd();
}

static void fill_report(struct pinstat_report_args *a, struct fd_state *f)
{
	memset(a, 0, sizeof(*a));
	a->handle = fuzz_handle(f);
	a->records = below(4) ? (uintptr_t)pool + below(POOL_SZ / 2) :
				fuzz_addr();
	a->nr_records = below(3) ? below(4096) : (uint32_t)rnd();
	a->record_size = below(10) ? sizeof(struct pinstat_folio_record) :
				     below(128);
	if (!below(10))
		a->flags = rnd();
	if (!below(10))
		a->reserved[below(2)] = rnd();
}

static void fill_inspect(struct pinstat_inspect_args *a)
{
	memset(a, 0, sizeof(*a));
	/* Mostly this process (the pool, the churning window), or others. */
	a->pid = below(4) ? getpid() : (below(2) ? 1 : (int32_t)rnd());
	a->flags = below(8) ? (below(4) ? 0 : PINSTAT_INSPECT_ALL) : (uint32_t)rnd();
	a->start = fuzz_addr();
	a->end = below(4) ? a->start + fuzz_len(a->start) : fuzz_addr();
	a->cursor = below(4) ? 0 : a->start + below(POOL_SZ);
	a->records = below(4) ? (uintptr_t)pool + below(POOL_SZ / 2) : fuzz_addr();
	a->nr_records = below(4) ? 1 + below(256) : (uint32_t)rnd();
	a->record_size = below(10) ? sizeof(struct pinstat_folio_record) :
				     below(128);
	if (!below(10))
		a->reserved[below(3)] = rnd();
}

static void fill_holders(struct pinstat_holders_args *a)
{
	memset(a, 0, sizeof(*a));
	/* Low pfns are memory in the guests; any 64-bit value otherwise. */
	a->pfn = below(4) ? below(1U << 20) : rnd();
	a->holders = below(4) ? (uintptr_t)pool + below(POOL_SZ / 2) : fuzz_addr();
	a->nr_holders = below(4) ? below(64) : (uint32_t)rnd();
	a->holder_size = below(10) ? sizeof(struct pinstat_holder) : below(128);
	if (!below(10))
		a->flags = rnd();
	if (!below(10))
		a->reserved[below(2)] = rnd();
}

static bool documented(int err)
{
	switch (err) {
	case EINVAL: case EFAULT: case ENOMEM: case EACCES: case EMFILE:
	case EDQUOT: case EPERM: case EXDEV: case ETOOMANYREFS: case EINTR:
	case ENOENT: case ENOSPC: case ENOTTY: case EOVERFLOW: case ESRCH:
		return true;
	}
	return false;
}

/* Every argument struct, and room for what a wrong size reads. */
static void fill_census(struct pinstat_census_args *a)
{
	memset(a, 0, sizeof(*a));
	/*
	 * Mostly a few thousand pfns of the guests' RAM (a call may scan
	 * 2^18 of them, long under KASAN); now and then all of it, or any
	 * 64-bit range.
	 */
	a->start_pfn = below(4) ? below(1U << 21) : rnd();
	a->end_pfn = below(16) ? a->start_pfn + below(1U << 12) : rnd();
	a->flags = below(128) ? (below(16) ? 0 : (uint32_t)rnd()) :
				PINSTAT_CENSUS_ALL;
	a->cursor = below(4) ? 0 : a->start_pfn + below(1U << 12);
	a->records = below(4) ? (uintptr_t)pool + below(POOL_SZ / 2) : fuzz_addr();
	a->nr_records = below(4) ? 1 + below(256) : (uint32_t)rnd();
	a->record_size = below(10) ? sizeof(struct pinstat_census_record) :
				     below(128);
	if (!below(10))
		a->reserved0 = rnd();
	if (!below(10))
		a->reserved[below(2)] = rnd();
}

union fuzz_arg {
	struct pinstat_pin_args pin;
	struct pinstat_unpin_args unpin;
	struct pinstat_report_args report;
	struct pinstat_inspect_args inspect;
	struct pinstat_holders_args holders;
	struct pinstat_census_args census;
	char raw[512];
};

static union fuzz_arg *args;

static void *map_populated(size_t len, int prot)
{
	return mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		    -1, 0);
}

/* The memory the fuzzer aims at; -1 when it cannot be mapped. */
static int map_targets(void)
{
	pool = map_populated(POOL_SZ, PROT_READ | PROT_WRITE);
	window = map_populated(WINDOW_SZ, PROT_READ | PROT_WRITE);
	ro_page = map_populated(PAGE_SZ, PROT_READ);
	guard = map_populated(2 * PAGE_SZ, PROT_READ | PROT_WRITE);
	args = map_populated(sizeof(*args), PROT_READ | PROT_WRITE);
	if (pool == MAP_FAILED || window == MAP_FAILED || ro_page == MAP_FAILED ||
	    guard == MAP_FAILED || args == MAP_FAILED ||
	    mprotect(guard + PAGE_SZ, PAGE_SZ, PROT_NONE))
		return -1;
	if (pinstat_buf_alloc(&hugetlb, BUF_HUGETLB_2M, SZ_2M))
		hugetlb.addr = NULL;
	return 0;
}

struct results {
	long long calls, ok_calls, bad;
	long errs[256];		/* calls by errno (& 255), 0 for success */
};

/* Random bytes, then the fields of @cmd's struct where it is ours. */
static void fill_arg(unsigned int cmd, struct fd_state *f)
{
	size_t j;

	for (j = 0; j < sizeof(args->raw); j++)
		args->raw[j] = rnd();
	if (cmd == PINSTAT_IOC_PIN)
		fill_pin(&args->pin);
	else if (cmd == PINSTAT_IOC_UNPIN)
		fill_unpin(&args->unpin, f);
	else if (cmd == PINSTAT_IOC_REPORT)
		fill_report(&args->report, f);
	else if (cmd == PINSTAT_IOC_INSPECT)
		fill_inspect(&args->inspect);
	else if (cmd == PINSTAT_IOC_HOLDERS)
		fill_holders(&args->holders);
	else if (cmd == PINSTAT_IOC_CENSUS)
		fill_census(&args->census);
}

/* Iteration @i: one ioctl on one of @fds; -1 when a reopen failed. */
static int fuzz_one(struct fd_state *fds, unsigned long i, struct results *r)
{
	struct fd_state *f = &fds[below(NR_FDS)];
	unsigned int cmd = fuzz_cmd();
	void *argp;
	int ret, err;

	/* Now and then a file goes away with its pins. */
	if (!below(500)) {
		close(f->fd);
		f->fd = pinstat_open();
		f->nr = 0;
		if (f->fd < 0)
			return -1;
	}
	fill_arg(cmd, f);
	argp = fuzz_argp(args, _IOC_SIZE(cmd) ? _IOC_SIZE(cmd) : 8);

	ret = ioctl(f->fd, cmd, argp);
	err = ret ? errno : 0;
	r->calls++;
	if (ret == 0) {
		r->ok_calls++;
		if (cmd == PINSTAT_IOC_PIN && argp == args) {
			if (f->nr < NR_HANDLES)
				f->handles[f->nr++] = args->pin.handle;
			else
				f->handles[below(NR_HANDLES)] = args->pin.handle;
		}
	} else if (ret != -1 || !documented(err)) {
		if (!r->bad++)
			printf("# iteration %lu: cmd %#x returned %d (%s)\n",
			       i, cmd, ret, strerror(err));
	}
	r->errs[err & 255]++;
	return 0;
}

static void print_errnos(const long *errs)
{
	int e;

	printf("# errnos:");
	for (e = 1; e < 256; e++)
		if (errs[e])
			printf(" %s=%ld", strerrorname_np(e) ? strerrorname_np(e) : "?",
			       errs[e]);
	printf("\n");
}

int main(int argc, char **argv)
{
	unsigned long iterations = 20000, i;
	struct fd_state fds[NR_FDS];
	struct results r = {};
	unsigned int seed = 1;
	long long vm0, t0, ns;
	pthread_t churn;
	int opt, j, clean;

	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		switch (opt) {
		case 'n':
			iterations = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-n ITERATIONS] [-s SEED]\n", argv[0]);
			return 2;
		}
	}
	rng = 0x9e3779b97f4a7c15ULL * (seed + 1);
	printf("TAP version 13\n1..2\n");
	if (map_targets()) {
		printf("not ok 1 - fuzz: cannot map memory\n");
		return 1;
	}

	vm0 = pinstat_vmstat_pinned();
	for (j = 0; j < NR_FDS; j++) {
		fds[j].fd = pinstat_open();
		fds[j].nr = 0;
		if (fds[j].fd < 0) {
			printf("not ok 1 - fuzz: open %s: %s\n", PINSTAT_DEV,
			       strerror(-fds[j].fd));
			return 1;
		}
	}
	pthread_create(&churn, NULL, churn_main, (void *)(uintptr_t)seed);
	t0 = pinstat_now_ns();
	for (i = 0; i < iterations; i++)
		if (fuzz_one(fds, i, &r))
			break;
	stop = true;
	pthread_join(churn, NULL);
	ns = pinstat_now_ns() - t0;

	printf("# seed %u: %llu ioctls in %.1f s (%.0f/s), %llu succeeded\n",
	       seed, r.calls, ns / 1e9, r.calls / (ns / 1e9), r.ok_calls);
	print_errnos(r.errs);
	fprintf(stdout,
		"%sok 1 - fuzz: %lu iterations, every call succeeded or failed with a documented errno (%lld did not)\n",
		r.bad || i < iterations ? "not " : "", i, r.bad);

	for (j = 0; j < NR_FDS; j++)
		close(fds[j].fd);
	clean = pinstat_summary("pins") == 0 && pinstat_summary("pages") == 0 &&
		pinstat_vmstat_pinned() == vm0;
	printf("%sok 2 - fuzz: after close nothing is pinned (pinstat's counters, nr_foll_pin_*)\n",
	       clean ? "" : "not ");
	return r.bad || !clean || i < iterations;
}
