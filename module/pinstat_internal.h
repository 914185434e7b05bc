/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinstat internals shared by the module's files and its KUnit suite.
 *
 * Layers, bottom up:
 *   limits.c    module parameters that bound sessions and refcounts
 *   pin.c       pin a user range, keep it as folio runs, release it
 *   account.c   charge pinned pages to mm->pinned_vm (RLIMIT_MEMLOCK)
 *   registry.c  the list of sessions, its lock and the lock order, and
 *               the index of pinstat's own pins per folio
 *   record.c    the one builder of folio records (REPORT, INSPECT, debugfs)
 *   inspect.c   describe another process's pages without pinning them
 *   census.c    find the pinned folios of a physical range
 *   stats.c     module-wide counters
 *   session.c   one open file: its pins, quota, PIN, UNPIN and REPORT
 *   debugfs.c   summary, pins and runs files (formatting only)
 *   census_debugfs.c  the census and census_summary files
 *   ledger*.c   the pin ledger: who holds the pins (see ledger.h)
 *   main.c      misc device, the ioctl table
 */
#ifndef _PINSTAT_INTERNAL_H
#define _PINSTAT_INTERNAL_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <linux/pinstat.h>

struct dentry;
struct folio;
struct mm_struct;
struct page;
struct seq_file;

/**
 * struct pinstat_pin - one pinned user range, stored as folio runs
 * @entries: the runs in address order.  A run of one page is the page
 *	pointer itself; a longer run (pages of one folio at consecutive
 *	addresses) is the first page pointer with bit 0 set, followed by the
 *	page count.  So small folios cost 8 bytes a page, like a page array,
 *	and a large folio 16 bytes however big it is.
 * @addr: user address the pin was asked for
 * @len: length the pin was asked for
 * @unindexed: entry in the registry's list of pins whose runs are not yet
 *	in its index of own pins; empty once they are
 * @handle: handle within the session
 * @flags: PINSTAT_PIN_* flags
 * @nr_entries: used slots of @entries
 * @capacity: allocated slots of @entries
 * @nr_runs: runs in @entries
 * @nr_large: runs on large folios, whose pin counts are exact
 * @nr_pages: pages the range touches, all pinned (at most
 *	max_pages_per_session, a u32)
 */
struct pinstat_pin {
	unsigned long *entries;
	unsigned long addr;
	unsigned long len;
	struct list_head unindexed;
	u32 handle;
	u32 flags;
	u32 nr_entries;
	u32 capacity;
	u32 nr_runs;
	u32 nr_large;
	u32 nr_pages;
};

/**
 * struct pinstat_run - one run of a pin, as produced by pinstat_pin_next_run()
 * @page: first pinned page of the run
 * @nr_pages: pages in the run, all in the folio of @page
 * @addr: user address @page was pinned at
 */
struct pinstat_run {
	struct page *page;
	unsigned long nr_pages;
	unsigned long addr;
};

/**
 * struct pinstat_run_cursor - position in a pin's runs
 * @entry: index in &pinstat_pin.entries of the next run
 * @page_off: pages of the pin before that run
 */
struct pinstat_run_cursor {
	u32 entry;
	unsigned long page_off;
};

/* pin.c */
unsigned long pinstat_span_pages(unsigned long addr, unsigned long len);
int pinstat_pin_range(struct pinstat_pin *pin, unsigned long addr,
		      unsigned long len, u32 flags,
		      u64 runs_by_order[PINSTAT_NR_ORDERS],
		      unsigned int refcount_limit, u64 *peak_bytes);
void pinstat_unpin_range(struct pinstat_pin *pin);
bool pinstat_pin_next_run(const struct pinstat_pin *pin,
			  struct pinstat_run_cursor *cur,
			  struct pinstat_run *run);
size_t pinstat_pin_bookkeeping(const struct pinstat_pin *pin);

/* limits.c */
extern unsigned int pinstat_max_pins_per_session;
extern unsigned int pinstat_max_pages_per_session;
extern unsigned int pinstat_refcount_limit;

/* record.c */
void pinstat_record_describe(const struct pinstat_run *run, unsigned int held,
			     struct pinstat_folio_record *rec);
void pinstat_record_set_headroom(struct pinstat_folio_record *rec);
void pinstat_record_split_own(struct pinstat_folio_record *rec);
int pinstat_records_set_owners(struct pinstat_folio_record *recs, size_t nr);
int pinstat_records_of_pin(const struct pinstat_pin *pin,
			   struct pinstat_run_cursor *cur,
			   struct pinstat_folio_record *recs, size_t max);
const char *pinstat_kind_name(u32 kind);

/* account.c */
int pinstat_charge_pinned(struct mm_struct *mm, unsigned long nr_pages);
void pinstat_uncharge_pinned(struct mm_struct *mm, unsigned long nr_pages);

/**
 * struct pinstat_stats_snapshot - module-wide counters at one moment
 * @sessions: open sessions
 * @pins: live pins
 * @pages: pages they hold
 * @runs: folio runs (records) they hold
 * @bookkeeping: bytes held for them
 * @failures: failed ioctl calls so far
 */
struct pinstat_stats_snapshot {
	s64 sessions;
	s64 pins;
	s64 pages;
	s64 runs;
	s64 bookkeeping;
	s64 failures;
};

/*
 * Slots of the ioctl table and its call counters: the uapi header numbers
 * the commands 1 to 6; slot 0 counts unknown commands.
 */
#define PINSTAT_NR_IOCTLS	7

/* stats.c */
void pinstat_stats_read(struct pinstat_stats_snapshot *snap);
void pinstat_stats_session(int delta);
void pinstat_stats_pinned(const struct pinstat_pin *pin, u64 pin_ns);
void pinstat_stats_unpinned(const struct pinstat_pin *pin);
void pinstat_stats_call(unsigned int nr, int ret);
void pinstat_stats_show(struct seq_file *m);

/**
 * struct pinstat_session - one open file of /dev/pinstat
 * @node: entry in the registry's list of sessions
 * @lock: protects @pins, @nr_pins, @nr_pages
 * @pins: handle -> struct pinstat_pin
 * @next_handle: cursor for cyclic handle allocation
 * @nr_pins: pins held, including ones being pinned
 * @nr_pages: pages held, including ones being pinned
 * @mm: address space of the opener, which pins are taken in and charged
 *	to; a reference on the mm_struct only (mmgrab), NULL for a kernel
 *	thread
 * @id: module-wide session number, given by the registry, increasing,
 *	never reused
 * @pid: thread group of the task that opened the file
 * @comm: its command name
 */
struct pinstat_session {
	struct list_head node;
	struct mutex lock;	/* protects pins, nr_pins, nr_pages */
	struct xarray pins;
	u32 next_handle;
	u32 nr_pins;
	unsigned long nr_pages;
	struct mm_struct *mm;
	u64 id;
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

/* registry.c */
void pinstat_registry_add(struct pinstat_session *s);
void pinstat_registry_exit(void);
void pinstat_registry_remove(struct pinstat_session *s);
void pinstat_registry_lock(void);
void pinstat_registry_unlock(void);
struct pinstat_session *pinstat_registry_lock_session_from(u64 id);
void pinstat_registry_unlock_session(struct pinstat_session *s);
void pinstat_registry_visit_pins(void (*fn)(const struct pinstat_pin *pin, void *arg),
				 void *arg);
void pinstat_registry_pin_added(struct pinstat_pin *pin);
void pinstat_registry_pin_release(struct pinstat_pin *pin);
int pinstat_registry_own_begin(void);
u32 pinstat_registry_own_pins(unsigned long pfn);
void pinstat_registry_own_end(void);

/*
 * The ioctl handlers, each given its argument struct copied in; the
 * session is the file's (INSPECT does not use it).
 */
/* inspect.c; pinstat_inspect_mm() is also driven by the KUnit suite */
int pinstat_inspect(struct pinstat_session *s, void *data);
int pinstat_inspect_mm(struct mm_struct *mm, struct pinstat_inspect_args *args);

/* Records of one census batch (11 KiB of them). */
#define PINSTAT_CENSUS_RECORDS	128U
/*
 * Pfns a census looks at between two looks for a fatal signal, and one
 * PINSTAT_IOC_CENSUS call at most (1 GiB).
 */
#define PINSTAT_CENSUS_PFNS	BIT(18)

/**
 * struct pinstat_census_scan - a census in progress over a range of pfns
 * @start: first pfn of the range
 * @end: past its last pfn (and no further than RAM)
 * @pfn: the next pfn to look at
 * @scanned: pfns looked at so far
 * @recs: the batch of records, the caller's
 * @nr_recs: records in it
 * @max_recs: its capacity, at most PINSTAT_CENSUS_RECORDS
 */
struct pinstat_census_scan {
	unsigned long start;
	unsigned long end;
	unsigned long pfn;
	unsigned long scanned;
	struct pinstat_census_record *recs;
	u32 nr_recs;
	u32 max_recs;
};

/**
 * struct pinstat_census_totals - a census of all RAM, summed
 * @folios: folios with pins or unexplained references
 * @pinned_folios: those with pins
 * @unexplained_folios: those with unexplained references and no pins
 * @pins: pins found, in the unit of the kernel's nr_foll_pin_* counters
 * @pins_unmapped: those on folios no process maps
 * @pins_movable: those in ZONE_MOVABLE
 * @scanned: pfns looked at
 * @ns: time the census took
 */
struct pinstat_census_totals {
	u64 folios;
	u64 pinned_folios;
	u64 unexplained_folios;
	u64 pins;
	u64 pins_unmapped;
	u64 pins_movable;
	u64 scanned;
	u64 ns;
};

/* census.c */
int pinstat_census(struct pinstat_session *s, void *data);
void pinstat_census_begin(struct pinstat_census_scan *sc, unsigned long start,
			  unsigned long end, unsigned long pfn);
void pinstat_census_begin_all(struct pinstat_census_scan *sc);
void pinstat_census_fill(struct pinstat_census_scan *sc, unsigned long budget);
int pinstat_census_next(struct pinstat_census_scan *sc, unsigned long budget);
int pinstat_census_totals(struct pinstat_census_totals *t);
const char *pinstat_zone_name(u32 zone);

/* census_debugfs.c */
void pinstat_census_debugfs_init(struct dentry *dir);

/* session.c */
struct pinstat_session *pinstat_session_create(void);
void pinstat_session_destroy(struct pinstat_session *s);
int pinstat_session_pin(struct pinstat_session *s, void *data);
int pinstat_session_unpin(struct pinstat_session *s, void *data);
int pinstat_session_report(struct pinstat_session *s, void *data);

/* main.c: the ioctl entry point, also driven by the KUnit suite */
long pinstat_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
const char *pinstat_ioctl_name(unsigned int nr);

/* debugfs.c */
extern const struct file_operations pinstat_summary_fops;
extern const struct file_operations pinstat_pins_fops;
extern const struct file_operations pinstat_runs_fops;
int pinstat_debugfs_init(void);
void pinstat_debugfs_exit(void);

#endif /* _PINSTAT_INTERNAL_H */
