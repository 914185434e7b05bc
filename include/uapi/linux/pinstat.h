/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pinstat: pin user buffers on request and report exact pin statistics.
 *
 * Each open file of /dev/pinstat is a session that owns the pins taken
 * through it; closing the file releases them.  All ioctls take a pointer to
 * one of the argument structs below.  Reserved fields and flags bits that are
 * not defined must be zero.
 *
 * Errors common to every ioctl:
 *   -ENOTTY  unknown command
 *   -EFAULT  the argument struct, the record array of REPORT, INSPECT or
 *            CENSUS, or the holder array of HOLDERS, cannot be copied
 *   -EINVAL  a reserved field is non-zero, or an unknown flag is set
 */
#ifndef _UAPI_LINUX_PINSTAT_H
#define _UAPI_LINUX_PINSTAT_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Folio orders 0 .. PINSTAT_NR_ORDERS - 1 are counted separately. */
#define PINSTAT_NR_ORDERS	32

/* Flags for struct pinstat_pin_args.flags */
#define PINSTAT_PIN_WRITE	(1U << 0)	/* FOLL_WRITE: pages are dirtied on unpin */
#define PINSTAT_PIN_LONGTERM	(1U << 1)	/* FOLL_LONGTERM */
#define PINSTAT_PIN_FLAGS_ALL	(PINSTAT_PIN_WRITE | PINSTAT_PIN_LONGTERM)

/**
 * struct pinstat_pin_args - argument of PINSTAT_IOC_PIN
 * @addr: in: user address of the first byte to pin
 * @len: in: bytes to pin; every page touching [addr, addr + len) is pinned
 * @flags: in: PINSTAT_PIN_* flags
 * @handle: out: handle of the new pin, unique within the session, never 0
 * @nr_pages: out: pages pinned
 * @nr_runs: out: folio records (runs of pages of one folio at consecutive
 *	addresses); a folio mapped twice in the range counts twice
 * @pin_ns: out: time taken to pin the range and build the folio records
 * @bookkeeping_bytes: out: memory the module keeps for this pin
 * @runs_by_order: out: folio records per folio order
 * @bookkeeping_peak_bytes: out: the most memory the module held for this
 *	pin while taking it: one slot per page once a batch of pages turned
 *	out to be small folios, far less for large folios
 * @reserved: must be zero
 *
 * All or nothing: on any error no page stays pinned and no handle exists.
 * Errors:
 *   -EINVAL     @len is 0, or unknown @flags
 *   -EOVERFLOW  @addr + @len wraps around
 *   -EFAULT     the range is not a user address range (kernel or
 *               non-canonical address), or the kernel refused to pin a page
 *               (VM_IO/VM_PFNMAP mapping, a long-term write pin of a file
 *               that needs dirty tracking, which 6.12 refuses and 6.1 allows
 *               on ramfs, a page past the end of a file, a mapping that
 *               changed while pinning)
 *   -ENOMEM     part of the range is not mapped (as mlock(2) reports it), or
 *               out of memory
 *   -EACCES     part of the range is PROT_NONE, or PINSTAT_PIN_WRITE on a
 *               mapping without write permission
 *   -EMFILE     the session already holds the max_pins_per_session pins
 *   -EDQUOT     the session would hold more than max_pages_per_session pages
 *   -EPERM      the pages would take the process's pinned memory (VmPin,
 *               mm->pinned_vm) beyond RLIMIT_MEMLOCK, and the caller lacks
 *               CAP_IPC_LOCK
 *   -EXDEV      the caller's address space is not the one the file was
 *               opened in (another process, or the opener after execve):
 *               pins are taken in, and charged to, the opener's address
 *               space; others the file is passed to may unpin and report
 *   -ETOOMANYREFS  a folio of the range would be left with a refcount above
 *               the module's refcount_limit (see @pin_headroom of
 *               struct pinstat_folio_record)
 *   -EOPNOTSUPP PINSTAT_PIN_LONGTERM on a filesystem-DAX mapping
 *   -EBUSY      PINSTAT_PIN_LONGTERM of device memory that could not be
 *               migrated
 *   -EINTR      a fatal signal arrived while pinning
 */
struct pinstat_pin_args {
	__u64 addr;
	__u64 len;
	__u32 flags;
	__u32 handle;
	__u64 nr_pages;
	__u64 nr_runs;
	__u64 pin_ns;
	__u64 bookkeeping_bytes;
	__u64 runs_by_order[PINSTAT_NR_ORDERS];
	__u64 bookkeeping_peak_bytes;
	__u64 reserved[3];
};

/**
 * struct pinstat_unpin_args - argument of PINSTAT_IOC_UNPIN
 * @handle: in: the pin to release
 * @flags: in: must be zero
 * @nr_pages: out: pages released (dirtied first for a write pin)
 * @unpin_ns: out: time taken to release them and the folio records
 * @reserved: must be zero
 *
 * All or nothing, as PIN: when the struct cannot be read or written back
 * (-EFAULT) the pin is kept; it is released only if the struct is made
 * unwritable while the call runs.
 * Errors: -ENOENT no pin with that handle in this session.
 */
struct pinstat_unpin_args {
	__u32 handle;
	__u32 flags;
	__u64 nr_pages;
	__u64 unpin_ns;
	__u64 reserved;
};

/* Values of struct pinstat_folio_record.kind */
enum pinstat_folio_kind {
	PINSTAT_KIND_OTHER = 0,		/* none of the below (driver memory) */
	PINSTAT_KIND_ANON = 1,		/* anonymous, order 0 */
	PINSTAT_KIND_ANON_THP = 2,	/* anonymous, order > 0 (THP, mTHP) */
	PINSTAT_KIND_HUGETLB = 3,	/* hugetlbfs page of any size */
	PINSTAT_KIND_SHMEM = 4,		/* shmem, tmpfs, memfd */
	PINSTAT_KIND_PAGECACHE = 5,	/* page cache of a regular file */
	PINSTAT_KIND_ZERO = 6,		/* the shared zero page */
};

/* The names debugfs and the pinstat command give the kinds, by value. */
#define PINSTAT_KIND_NAMES {						\
	[PINSTAT_KIND_OTHER] = "other",					\
	[PINSTAT_KIND_ANON] = "anon",					\
	[PINSTAT_KIND_ANON_THP] = "anon_thp",				\
	[PINSTAT_KIND_HUGETLB] = "hugetlb",				\
	[PINSTAT_KIND_SHMEM] = "shmem",					\
	[PINSTAT_KIND_PAGECACHE] = "pagecache",				\
	[PINSTAT_KIND_ZERO] = "zero",					\
}

/* Bits of struct pinstat_folio_record.flags */
/* @pincount is the folio's own pin counter (large folio), not an estimate */
#define PINSTAT_FOLIO_EXACT		(1U << 0)
/* folio_maybe_dma_pinned() was true */
#define PINSTAT_FOLIO_MAYBE_DMA_PINNED	(1U << 1)
/* @mapcount is valid */
#define PINSTAT_FOLIO_MAPCOUNT_VALID	(1U << 2)
/*
 * INSPECT only: @nr_pages pages from @addr have no page the kernel can see
 * without a fault (never touched, swapped out, or in a mapping GUP does
 * not read: VM_IO/VM_PFNMAP, no read permission (PROT_NONE),
 * memfd_secret); the other fields are zero.
 */
#define PINSTAT_FOLIO_NOT_PRESENT	(1U << 3)

/**
 * struct pinstat_folio_record - one run of pinned pages within one folio
 * @addr: user address the first page of the run was pinned at
 * @pfn: page frame number of the folio's first page
 * @first_page: index in the folio of the first pinned page of the run
 * @nr_pages: pages of the folio this pin holds in this run
 * @order: folio order (0 for a small page, 9 for 2 MiB on x86-64)
 * @kind: enum pinstat_folio_kind
 * @pincount: large folio: the kernel's exact pin count of the folio (all
 *	pinners together); small folio: refcount / GUP_PIN_COUNTING_BIAS, an
 *	estimate (1024 plain references look like one pin).  The kernel does
 *	not pin the zero page, so its estimate says nothing about pins.
 * @refcount: folio reference count
 * @mapcount: folio map count (valid when PINSTAT_FOLIO_MAPCOUNT_VALID)
 * @flags: PINSTAT_FOLIO_* bits
 * @pin_headroom: how many more pins of this run's pages the folio can take
 *	before PIN refuses with -ETOOMANYREFS: (refcount_limit - @refcount)
 *	divided by what one such pin adds to the refcount (1024 for a small
 *	folio, @nr_pages for a large one)
 * @own_pins: pins pinstat holds on the folio, all sessions together, in
 *	the unit of @pincount (pages pinned on a large folio, pins on a small
 *	one); none on the zero page, which the kernel does not pin
 * @foreign_pins: @pincount - @own_pins (0 if negative): pins someone else
 *	holds (io_uring, RDMA, VFIO, ...); exact when PINSTAT_FOLIO_EXACT,
 *	else an estimate.  A pin of pinstat's being taken on the folio at the
 *	moment (and, for INSPECT, one being released) shows here for that
 *	record.
 */
struct pinstat_folio_record {
	__u64 addr;
	__u64 pfn;
	__u32 first_page;
	__u32 nr_pages;
	__u32 order;
	__u32 kind;
	__u64 pincount;
	__u32 refcount;
	__s32 mapcount;
	__u32 flags;
	__u32 pin_headroom;
	__u32 own_pins;
	__u32 foreign_pins;
};

/**
 * struct pinstat_report_args - argument of PINSTAT_IOC_REPORT
 * @handle: in: the pin to report
 * @flags: in: must be zero
 * @records: in: user pointer to an array of struct pinstat_folio_record
 * @nr_records: in: capacity of @records; out: records written
 * @record_size: in: sizeof(struct pinstat_folio_record) as the caller knows it
 * @nr_runs: out: records the pin has (0 capacity asks for this alone)
 * @reserved: must be zero
 *
 * Records come in address order, one per run of pages of one folio.
 * Errors:
 *   -ENOENT  no pin with that handle in this session, or it was unpinned
 *            (by another thread) while the records were copied out; the
 *            records written by then are not to be used
 *   -EINVAL  @record_size is not the size of struct pinstat_folio_record
 *   -ENOSPC  @nr_records is non-zero but below @nr_runs; @nr_runs is
 *            still written back so the caller can size the array
 *   -ENOMEM  out of memory (for a page of records, or for the module's
 *            index of its own pins)
 */
struct pinstat_report_args {
	__u32 handle;
	__u32 flags;
	__u64 records;
	__u32 nr_records;
	__u32 record_size;
	__u64 nr_runs;
	__u64 reserved[2];
};

/* Flags for struct pinstat_inspect_args.flags */
#define PINSTAT_INSPECT_ALL	(1U << 0)	/* every VMA; @start, @end ignored */
#define PINSTAT_INSPECT_FLAGS_ALL	PINSTAT_INSPECT_ALL

/**
 * struct pinstat_inspect_args - argument of PINSTAT_IOC_INSPECT
 * @pid: in: process to look at (a thread group id)
 * @flags: in: PINSTAT_INSPECT_* flags
 * @start: in: first address of the range, rounded down to a page
 * @end: in: end of the range (exclusive), rounded up to a page
 * @cursor: in: address to resume from, 0 to begin at @start; out: where
 *	the next call resumes, 0 when the range is done
 * @records: in: user pointer to an array of struct pinstat_folio_record
 * @nr_records: in: capacity of @records (at least 1); out: records written
 * @record_size: in: sizeof(struct pinstat_folio_record) as the caller knows it
 * @nr_vmas: out: VMAs this call looked at
 * @reserved: must be zero
 *
 * Describes the pages mapped in another process, without pinning them,
 * faulting them in or changing its memory (the kernel's lookup sets the
 * accessed bit of what it finds): one record per run of present pages of
 * one folio, one PINSTAT_FOLIO_NOT_PRESENT record per run of absent
 * pages (of at most 2^20 pages; a call whose @records fill up may end
 * one early, at @cursor); gaps between VMAs are skipped.  The references the lookup holds while
 * describing a folio are not counted in @refcount.  Answers as many
 * records as fit and a @cursor to continue from.
 * Errors:
 *   -EPERM   the caller lacks CAP_SYS_ADMIN (as for /proc/kpageflags)
 *   -ESRCH   no such process, or it has no address space
 *   -EINVAL  @start >= @end or @end beyond the user address space
 *            without PINSTAT_INSPECT_ALL, @cursor outside the range,
 *            @nr_records 0, unknown flags, wrong @record_size
 *   -ENOMEM  out of memory
 *   -EINTR   a fatal signal arrived
 */
struct pinstat_inspect_args {
	__s32 pid;
	__u32 flags;
	__u64 start;
	__u64 end;
	__u64 cursor;
	__u64 records;
	__u32 nr_records;
	__u32 record_size;
	__u32 nr_vmas;
	__u32 reserved[3];
};

/**
 * enum pinstat_via - the kernel function a ledger entry's pins came from
 * @PINSTAT_VIA_PIN_USER_PAGES: pin_user_pages()
 * @PINSTAT_VIA_PIN_USER_PAGES_FAST: pin_user_pages_fast()
 * @PINSTAT_VIA_PIN_USER_PAGES_FAST_ONLY: pin_user_pages_fast_only() (6.1)
 * @PINSTAT_VIA_PIN_USER_PAGES_REMOTE: pin_user_pages_remote()
 * @PINSTAT_VIA_PIN_USER_PAGES_UNLOCKED: pin_user_pages_unlocked()
 * @PINSTAT_VIA_MEMFD_PIN_FOLIOS: memfd_pin_folios() (6.12)
 * @PINSTAT_VIA_UNPIN_USER_PAGE: unpin_user_page()
 * @PINSTAT_VIA_UNPIN_USER_PAGES: unpin_user_pages()
 * @PINSTAT_VIA_UNPIN_USER_PAGES_DIRTY_LOCK: unpin_user_pages_dirty_lock()
 * @PINSTAT_VIA_UNPIN_USER_PAGE_RANGE_DIRTY_LOCK:
 *	unpin_user_page_range_dirty_lock()
 * @PINSTAT_VIA_UNPIN_FOLIO: unpin_folio() (6.12)
 * @PINSTAT_VIA_UNPIN_FOLIOS: unpin_folios() (6.12)
 * @PINSTAT_VIA_UNPIN_USER_FOLIO: unpin_user_folio() (6.12)
 * @PINSTAT_NR_VIAS: the number of them
 *
 * Entries come from the pin functions; the unpin functions are the ones
 * the ledger sees releases through.
 */
enum pinstat_via {
	PINSTAT_VIA_PIN_USER_PAGES,
	PINSTAT_VIA_PIN_USER_PAGES_FAST,
	PINSTAT_VIA_PIN_USER_PAGES_FAST_ONLY,
	PINSTAT_VIA_PIN_USER_PAGES_REMOTE,
	PINSTAT_VIA_PIN_USER_PAGES_UNLOCKED,
	PINSTAT_VIA_MEMFD_PIN_FOLIOS,
	PINSTAT_VIA_UNPIN_USER_PAGE,
	PINSTAT_VIA_UNPIN_USER_PAGES,
	PINSTAT_VIA_UNPIN_USER_PAGES_DIRTY_LOCK,
	PINSTAT_VIA_UNPIN_USER_PAGE_RANGE_DIRTY_LOCK,
	PINSTAT_VIA_UNPIN_FOLIO,
	PINSTAT_VIA_UNPIN_FOLIOS,
	PINSTAT_VIA_UNPIN_USER_FOLIO,
	PINSTAT_NR_VIAS
};

/* The names debugfs and the pinstat command give them, by value. */
#define PINSTAT_VIA_NAMES {						\
	[PINSTAT_VIA_PIN_USER_PAGES] = "pin_user_pages",		\
	[PINSTAT_VIA_PIN_USER_PAGES_FAST] = "pin_user_pages_fast",	\
	[PINSTAT_VIA_PIN_USER_PAGES_FAST_ONLY] = "pin_user_pages_fast_only", \
	[PINSTAT_VIA_PIN_USER_PAGES_REMOTE] = "pin_user_pages_remote",	\
	[PINSTAT_VIA_PIN_USER_PAGES_UNLOCKED] = "pin_user_pages_unlocked", \
	[PINSTAT_VIA_MEMFD_PIN_FOLIOS] = "memfd_pin_folios",		\
	[PINSTAT_VIA_UNPIN_USER_PAGE] = "unpin_user_page",		\
	[PINSTAT_VIA_UNPIN_USER_PAGES] = "unpin_user_pages",		\
	[PINSTAT_VIA_UNPIN_USER_PAGES_DIRTY_LOCK] =			\
		"unpin_user_pages_dirty_lock",				\
	[PINSTAT_VIA_UNPIN_USER_PAGE_RANGE_DIRTY_LOCK] =		\
		"unpin_user_page_range_dirty_lock",			\
	[PINSTAT_VIA_UNPIN_FOLIO] = "unpin_folio",			\
	[PINSTAT_VIA_UNPIN_FOLIOS] = "unpin_folios",			\
	[PINSTAT_VIA_UNPIN_USER_FOLIO] = "unpin_user_folio",		\
}

/* Bits of struct pinstat_holder.flags */
#define PINSTAT_HOLDER_WRITE		(1U << 0)	/* FOLL_WRITE */
#define PINSTAT_HOLDER_LONGTERM		(1U << 1)	/* FOLL_LONGTERM */
/* Not every pin of the call is in the ledger (see the ledger's bounds) */
#define PINSTAT_HOLDER_TRUNCATED	(1U << 2)

/**
 * struct pinstat_holder - a pin call whose pins a folio holds
 * @entry_id: its ledger entry (debugfs "ledger" id=), never 0
 * @pins: its pins on the folio, in the unit of the folio's pin count
 * @tgid: thread group of the task that made the call, 0 if none
 * @pid: that thread
 * @flags: PINSTAT_HOLDER_* flags
 * @via: the pin function, enum pinstat_via
 * @first_page: index in the folio of the first page it holds
 * @nr_pages: pages from there
 * @age_ns: time since the call returned
 * @stack_id: its stack in debugfs "stacks", 0 if none was kept
 * @reserved: zero
 * @comm: the task's command name, NUL-padded (16 bytes)
 */
struct pinstat_holder {
	__u32 entry_id;
	__u32 pins;
	__s32 tgid;
	__s32 pid;
	__u32 flags;
	__u32 via;
	__u32 first_page;
	__u32 nr_pages;
	__u64 age_ns;
	__u32 stack_id;
	__u32 reserved;
	__u64 comm[2];
};

/**
 * struct pinstat_holders_args - argument of PINSTAT_IOC_HOLDERS
 * @pfn: in: any pfn of a folio (records give the first); out: the first
 * @holders: in: user address of an array of struct pinstat_holder
 * @nr_holders: in: its length; out: holders written, oldest first (at
 *	most 1024 a call)
 * @total: out: holders the folio has (more than @nr_holders: ask again
 *	with a longer array)
 * @foreign_pins: out: the folio's pins that are not pinstat's own (an
 *	estimate on a small folio, as in records), read when this call
 *	reconciled the ledger
 * @unattributed_pins: out: those no holder accounts for (pins taken before
 *	the ledger was on, or through a path it does not see)
 * @flags: in: zero
 * @holder_size: in: sizeof(struct pinstat_holder)
 * @reserved: zero
 *
 * Who holds the foreign pins of a folio a REPORT or INSPECT record (or a
 * debugfs "runs" line) describes, from the pin ledger, reconciled with the
 * folio's pin count first.  Needs CAP_SYS_ADMIN, as INSPECT does.
 * Errors:
 *   -EPERM   the caller lacks CAP_SYS_ADMIN
 *   -ENOENT  the ledger is off (debugfs ledger_enable)
 *   -EINVAL  @pfn is not memory's, unknown @flags, wrong @holder_size
 *   -ENOMEM  out of memory
 */
struct pinstat_holders_args {
	__u64 pfn;
	__u64 holders;
	__u32 nr_holders;
	__u32 total;
	__u32 foreign_pins;
	__u32 unattributed_pins;
	__u32 flags;
	__u32 holder_size;
	__u64 reserved[2];
};

/* Flags for struct pinstat_census_args.flags */
#define PINSTAT_CENSUS_ALL	(1U << 0)	/* all RAM; @start_pfn, @end_pfn ignored */
#define PINSTAT_CENSUS_FLAGS_ALL	PINSTAT_CENSUS_ALL

/* Values of struct pinstat_census_record.zone */
enum pinstat_zone {
	PINSTAT_ZONE_OTHER = 0,		/* none of the below */
	PINSTAT_ZONE_DMA = 1,
	PINSTAT_ZONE_DMA32 = 2,
	PINSTAT_ZONE_NORMAL = 3,
	PINSTAT_ZONE_MOVABLE = 4,	/* ZONE_MOVABLE: memory that can go offline */
};

/* The names debugfs and the pinstat command give the zones, by value. */
#define PINSTAT_ZONE_NAMES {						\
	[PINSTAT_ZONE_OTHER] = "other",					\
	[PINSTAT_ZONE_DMA] = "DMA",					\
	[PINSTAT_ZONE_DMA32] = "DMA32",					\
	[PINSTAT_ZONE_NORMAL] = "Normal",				\
	[PINSTAT_ZONE_MOVABLE] = "Movable",				\
}

/* Bits of struct pinstat_census_record.flags */
/* The folio holds pins (@folio.pincount is not 0) */
#define PINSTAT_CENSUS_PINNED		(1U << 0)
/* The folio holds references its mappings and page cache do not explain */
#define PINSTAT_CENSUS_UNEXPLAINED	(1U << 1)
/* No process maps the folio (@folio.mapcount is 0) */
#define PINSTAT_CENSUS_UNMAPPED		(1U << 2)

/**
 * struct pinstat_census_record - one folio found by PINSTAT_IOC_CENSUS
 * @folio: the folio, described as REPORT and INSPECT describe theirs:
 *	@folio.addr is 0, @folio.first_page 0 and @folio.nr_pages the
 *	folio's pages; the census's own reference on the folio while it was
 *	described is not counted in @folio.refcount
 * @unexplained: references beyond those the folio's mappings, its page
 *	cache (or swap cache) entries and its private data explain: the
 *	kernel's test for whether a folio can be migrated or split
 *	(mm/migrate.c folio_expected_refs(), mm/huge_memory.c
 *	can_split_folio()).  Pins are among them, and so are short-lived
 *	references (I/O in flight, a lookup in progress).
 * @zone: enum pinstat_zone of the folio's zone
 * @nid: the folio's NUMA node
 * @flags: PINSTAT_CENSUS_* bits
 * @reserved: zero
 */
struct pinstat_census_record {
	struct pinstat_folio_record folio;
	__u32 unexplained;
	__u32 zone;
	__u32 nid;
	__u32 flags;
	__u64 reserved;
};

/**
 * struct pinstat_census_args - argument of PINSTAT_IOC_CENSUS
 * @start_pfn: in: first pfn of the range
 * @end_pfn: in: end of the range (exclusive); the part beyond the last
 *	pfn of RAM is not scanned
 * @cursor: in: pfn to resume from, 0 to begin at @start_pfn; out: where
 *	the next call resumes, 0 when the range is done
 * @records: in: user pointer to an array of struct pinstat_census_record
 * @nr_records: in: capacity of @records (at least 1); out: records written
 * @record_size: in: sizeof(struct pinstat_census_record) as the caller
 *	knows it
 * @flags: in: PINSTAT_CENSUS_* flags
 * @reserved0: must be zero
 * @nr_scanned: out: pfns this call looked at
 * @reserved: must be zero
 *
 * A census of physical memory: walks the pfns of a range of online memory
 * (offline memory and holes are skipped) without holding a lock, and
 * answers one record per folio of user memory (on an LRU list, a hugetlb
 * page in use, or a pinned folio of a process or file off the LRU for a
 * moment) that holds pins or references its mappings and page cache do
 * not explain; a folio is reported at its first pfn in the range.  It
 * finds pins no process maps any more (a buffer still registered with
 * io_uring, RDMA or VFIO after munmap), which INSPECT cannot.  Each call
 * looks at 2^18 pfns (1 GiB) at most and stops early
 * when @records fill up; loop on @cursor.  The census takes a reference
 * on each folio of user memory for as long as it describes it.
 * Errors:
 *   -EPERM   the caller lacks CAP_SYS_ADMIN (as for /proc/kpageflags)
 *   -EINVAL  @start_pfn >= @end_pfn without PINSTAT_CENSUS_ALL, @cursor
 *            outside the range, @nr_records 0, unknown flags, wrong
 *            @record_size
 *   -ENOMEM  out of memory
 *   -EINTR   a fatal signal arrived
 */
struct pinstat_census_args {
	__u64 start_pfn;
	__u64 end_pfn;
	__u64 cursor;
	__u64 records;
	__u32 nr_records;
	__u32 record_size;
	__u32 flags;
	__u32 reserved0;
	__u64 nr_scanned;
	__u64 reserved[2];
};

/* 'J' is free in Documentation/userspace-api/ioctl/ioctl-number.rst */
#define PINSTAT_IOC_MAGIC	'J'
#define PINSTAT_IOC_PIN		_IOWR(PINSTAT_IOC_MAGIC, 1, struct pinstat_pin_args)
#define PINSTAT_IOC_UNPIN	_IOWR(PINSTAT_IOC_MAGIC, 2, struct pinstat_unpin_args)
#define PINSTAT_IOC_REPORT	_IOWR(PINSTAT_IOC_MAGIC, 3, struct pinstat_report_args)
#define PINSTAT_IOC_INSPECT	_IOWR(PINSTAT_IOC_MAGIC, 4, struct pinstat_inspect_args)
#define PINSTAT_IOC_HOLDERS	_IOWR(PINSTAT_IOC_MAGIC, 5, struct pinstat_holders_args)
#define PINSTAT_IOC_CENSUS	_IOWR(PINSTAT_IOC_MAGIC, 6, struct pinstat_census_args)

#endif /* _UAPI_LINUX_PINSTAT_H */
