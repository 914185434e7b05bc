/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpinstat: the user side of /dev/pinstat and its debugfs files, shared
 * by the demo and the selftests.  Functions return 0 or a negative errno.
 */
#ifndef LIBPINSTAT_H
#define LIBPINSTAT_H

#include <stddef.h>
#include <linux/pinstat.h>

#define PINSTAT_DEV		"/dev/pinstat"
#define PINSTAT_DEBUGFS		"/sys/kernel/debug/pinstat"
#define PINSTAT_PARAMS		"/sys/module/pinstat/parameters"

#define SZ_4K	(4096UL)
#define SZ_64K	(64UL << 10)
#define SZ_2M	(2UL << 20)
#define SZ_1G	(1024UL << 20)

#define PAGE_SZ	SZ_4K		/* x86-64's base page */

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

int pinstat_open(void);
int pinstat_pin(int fd, const void *addr, size_t len, unsigned int flags,
		struct pinstat_pin_args *out);
int pinstat_unpin(int fd, unsigned int handle);
/* Fills *recs (malloc'd, caller frees) and *nr with every record of a pin. */
int pinstat_report(int fd, unsigned int handle,
		   struct pinstat_folio_record **recs, size_t *nr);
const char *pinstat_kind_str(unsigned int kind);
/*
 * INSPECT @pid's range [start, end) (or every VMA if @all) without pinning:
 * fills *recs (malloc'd, caller frees) and *nr with every record, asking
 * @batch records per ioctl (the cursor is followed).
 */
int pinstat_inspect(int fd, int pid, unsigned long start, unsigned long end,
		    int all, unsigned int batch,
		    struct pinstat_folio_record **recs, size_t *nr);
/*
 * CENSUS of the pfns [start_pfn, end_pfn) (of all RAM if @all): fills *recs
 * (malloc'd, caller frees) and *nr with every record, asking @batch
 * records per ioctl (the cursor is followed); *@scanned (if not NULL) gets
 * the pfns looked at.
 */
int pinstat_census(int fd, unsigned long long start_pfn,
		   unsigned long long end_pfn, int all, unsigned int batch,
		   struct pinstat_census_record **recs, size_t *nr,
		   unsigned long long *scanned);
const char *pinstat_zone_str(unsigned int zone);
/* The pfns of memory block @block (/sys/devices/system/memory/memoryN). */
int pinstat_block_pfns(unsigned int block, unsigned long long *start,
		       unsigned long long *end);
/*
 * The pfns zone @zone ("Normal", "Movable", ...; NULL: every zone) of node
 * @nid (-1: every node) spans, from /proc/zoneinfo; -ENOENT if none.
 */
int pinstat_zone_pfns(int nid, const char *zone, unsigned long long *start,
		      unsigned long long *end);

/*
 * A debugfs line: "key=value" pairs separated by single spaces; comm= is
 * last and runs to the end of the line.  Summary lines hold one pair.
 */
struct pinstat_kv {
	char *key;
	char *value;
};

struct pinstat_line {
	struct pinstat_kv *kv;
	size_t nr;
};

/*
 * Every line of debugfs @file ("summary", "pins", "runs", "ledger",
 * "holds"; not "stacks"); frees with below.
 */
int pinstat_debugfs_lines(const char *file, struct pinstat_line **lines,
			  size_t *nr);
void pinstat_lines_free(struct pinstat_line *lines, size_t nr);
/* Value of @key in @line, or NULL. */
const char *pinstat_line_get(const struct pinstat_line *line, const char *key);

/* A stack of debugfs "stacks": its number and symbolised frames. */
struct pinstat_stack {
	unsigned int id;
	char **frames;	/* "symbol+0x1c/0x80 [module]", innermost first */
	size_t nr;
};

/* Every stack of debugfs "stacks"; frees with pinstat_stacks_free(). */
int pinstat_debugfs_stacks(struct pinstat_stack **stacks, size_t *nr);
void pinstat_stacks_free(struct pinstat_stack *stacks, size_t nr);

/* debugfs "summary" value of @key, or -1 when it cannot be read. */
long long pinstat_summary(const char *key);
/* The same of "census_summary" (a census of all RAM at each call). */
long long pinstat_census_summary(const char *key);
/* Lines of a debugfs file that contain @needle (all lines if NULL). */
long pinstat_debugfs_count(const char *file, const char *needle);
/* Module parameter read and write. */
long long pinstat_param_get(const char *name);
int pinstat_param_set(const char *name, long long value);
/* nr_foll_pin_acquired - nr_foll_pin_released, per-cpu counts folded. */
long long pinstat_vmstat_pinned(void);
/*
 * Drain every CPU's LRU batches, whose plain references on freshly faulted
 * pages come and go: compaction starts with lru_add_drain_all().  (It may
 * park file pages it failed to migrate in a batch again.)
 */
int pinstat_drain_lru(void);
/* CLOCK_MONOTONIC in nanoseconds. */
long long pinstat_now_ns(void);
/* "VmPin:"-style field of /proc/self/status in kB, or -1. */
long long pinstat_status_kb(const char *field);
/* PFN mapped at @addr in this process (/proc/self/pagemap, needs root). */
int pinstat_pagemap_pfn(const void *addr, unsigned long long *pfn);
/* Pages of [addr, addr + len) present in this process (pagemap bit 63). */
long pinstat_pagemap_present(const void *addr, size_t len);

/*
 * PINSTAT_IOC_HOLDERS of the folio with page @pfn: up to @nr holders into
 * @holders, the answer in *@args; 0 or -errno.
 */
int pinstat_holders(int fd, unsigned long long pfn,
		    struct pinstat_holders_args *args,
		    struct pinstat_holder *holders, unsigned int nr);

/* Turn the pin ledger on (1) or off (0) through debugfs; 0 or -errno. */
int pinstat_ledger_set(int on);

/*
 * A new io_uring with [buf, buf + len) registered as its fixed buffer (a
 * long-term pin of other kernel code): the ring's fd, or -errno.
 */
int pinstat_ring_register(void *buf, size_t len);
/* Unregister the ring's buffers (the ring stays open); 0 or -errno. */
int pinstat_ring_unregister(int ring);

/* Kinds of buffer the tools know how to make. */
enum pinstat_buf_kind {
	BUF_ANON,	/* 4 KiB anonymous pages, THP off */
	BUF_THP,	/* 2 MiB aligned anonymous memory, MADV_HUGEPAGE */
	BUF_HUGETLB_2M,
	BUF_HUGETLB_1G,
	BUF_SHMEM,	/* memfd */
	BUF_FILE,	/* a file on ramfs, mapped shared: page cache */
	BUF_ZERO,	/* read-only anonymous memory backed by the zero page */
	BUF_MTHP_64K,	/* one 64 KiB anonymous folio (6.8+) */
	BUF_THP_UNALIGNED,	/* THP advised, mapped 512 KiB past a 2 MiB boundary */
};

struct pinstat_buf {
	enum pinstat_buf_kind kind;
	void *addr;	/* aligned start the caller uses */
	size_t len;
	void *map;	/* what to munmap */
	size_t map_len;
};

const char *pinstat_buf_kind_str(enum pinstat_buf_kind kind);
/*
 * Map and populate @len bytes of @kind.  Returns 0, -errno, or -EOPNOTSUPP
 * when this kernel or configuration cannot provide that kind (no huge pages
 * reserved, no THP, no mTHP sysfs, no ramfs mount).
 */
int pinstat_buf_alloc(struct pinstat_buf *buf, enum pinstat_buf_kind kind,
		      size_t len);
void pinstat_buf_free(struct pinstat_buf *buf);
/*
 * THP-advised anonymous memory whose mapping starts @off bytes past a 2 MiB
 * boundary, as malloc's large buffers and gup_test's own do: the partial
 * 2 MiB regions at both ends cannot be huge pages.  Sets buf->addr, len,
 * map, map_len (not kind).
 */
int pinstat_buf_alloc_thp_offset(struct pinstat_buf *buf, size_t len,
				 size_t off);

/* Where BUF_FILE creates its files: a ramfs mount (page cache, no disk). */
#define PINSTAT_RAMFS		"/tmp/pinstat-ramfs"

#endif /* LIBPINSTAT_H */
