/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pin ledger: who holds the pins on a folio.
 *
 *   ledger_probe.c  kprobes on the exported pin and unpin functions; each
 *                   call becomes one event in this CPU's ring
 *   ledger_stack.c  the pin function's caller's stack, unwound once while
 *                   it stays the same
 *   ledger_ring.c   per-CPU rings of events: written by the probes in any
 *                   context without locks or allocation, read by the drain
 *   ledger.c        the book: entries (one per pin call), their holds on
 *                   folios, stacks; the drain that applies events in
 *                   order, the reconciliation with the folios' own pin
 *                   counts, turning the ledger on and off
 *   ledger_debugfs.c  ledger, holds, stacks and ledger_enable files
 *   ledger_holders.c  PINSTAT_IOC_HOLDERS: the holders of one folio
 */
#ifndef _PINSTAT_LEDGER_H
#define _PINSTAT_LEDGER_H

#include <linux/list.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/pinstat.h>

struct pinstat_session;
struct folio;
struct pt_regs;
struct seq_file;

/* Frames kept of a pinner's stack, from the pin function's caller up. */
#define PINSTAT_LEDGER_FRAMES	16

/* The entry points, in events and in the "via" of an entry: enum pinstat_via. */
const char *pinstat_ledger_via_name(unsigned int via);

/* Event kinds; a pad fills the end of a ring before it wraps. */
enum pinstat_ledger_event_kind {
	PINSTAT_EVENT_PAD,
	PINSTAT_EVENT_PIN,
	PINSTAT_EVENT_UNPIN,
};

/* Flags of an event and of an entry: those of a holder in the ABI */
#define PINSTAT_LEDGER_WRITE		PINSTAT_HOLDER_WRITE
#define PINSTAT_LEDGER_LONGTERM		PINSTAT_HOLDER_LONGTERM
/* Not every pin of the call is in the ledger (page cap, ring, bytes). */
#define PINSTAT_LEDGER_TRUNCATED	PINSTAT_HOLDER_TRUNCATED

/* Page index of an unpin that names only the folio. */
#define PINSTAT_LEDGER_PAGE_UNKNOWN	U32_MAX

/**
 * struct pinstat_ledger_run - pins of one call on one folio
 * @pfn: pfn of the folio's first page
 * @order: the folio's order when the call saw it
 * @first_page: index in the folio of the first page, or
 *	PINSTAT_LEDGER_PAGE_UNKNOWN
 * @nr_pages: pages from @first_page
 * @pins: pins in the unit of the folio's pin count (a page pinned once
 *	is one pin; memfd_pin_folios() pins a folio once)
 */
struct pinstat_ledger_run {
	u64 pfn;
	u32 order;
	u32 first_page;
	u32 nr_pages;
	u32 pins;
};

/**
 * struct pinstat_ledger_event - one pin or unpin call, in a ring
 * @size: bytes of the event, runs and frames included, a multiple of 8
 * @kind: enum pinstat_ledger_event_kind
 * @via: enum pinstat_ledger_via
 * @flags: PINSTAT_LEDGER_* flags
 * @nr_frames: return addresses in @frames (pins only)
 * @nr_runs: runs after the frames
 * @seq: position in the order of all events: a pin's is taken when the
 *	call has returned, an unpin's before it releases anything
 * @t_ns: ktime_get_mono_fast_ns() at @seq
 * @tgid: thread group of the caller (0 outside a task)
 * @pid: thread of the caller
 * @comm: its command name
 * @frames: return addresses, innermost (the pin function's caller) first,
 *	followed by the runs
 */
struct pinstat_ledger_event {
	u32 size;
	u8 kind;
	u8 via;
	u8 flags;
	u8 nr_frames;
	u32 nr_runs;
	u32 unused;
	u64 seq;
	u64 t_ns;
	pid_t tgid;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	unsigned long frames[];
};

static inline struct pinstat_ledger_run *
pinstat_ledger_event_runs(struct pinstat_ledger_event *ev)
{
	return (struct pinstat_ledger_run *)&ev->frames[ev->nr_frames];
}

static inline size_t pinstat_ledger_event_size(unsigned int nr_frames,
					       unsigned int nr_runs)
{
	return sizeof(struct pinstat_ledger_event) +
	       nr_frames * sizeof(unsigned long) +
	       nr_runs * sizeof(struct pinstat_ledger_run);
}

/**
 * struct pinstat_ledger_stack - one distinct pinner stack
 * @node: entry in the stack hash table
 * @id: number shown for it, never reused while the module is loaded
 * @hash: hash of @frames
 * @users: entries that have this stack
 * @nr_frames: return addresses in @frames
 * @frames: innermost first
 */
struct pinstat_ledger_stack {
	struct hlist_node node;
	u32 id;
	u32 hash;
	u32 users;
	u32 nr_frames;
	unsigned long frames[];
};

/**
 * struct pinstat_ledger_entry - one pin call whose pins are (partly) held
 * @holds: its struct pinstat_ledger_hold, in the order the call pinned
 * @stack: the caller's stack, or NULL when it could not be kept
 * @seq: the event's position in the order of all events
 * @t_ns: when the call returned, ktime_get_mono_fast_ns()
 * @nr_pins: pins still held, in the folios' pin count units
 * @nr_pages: pages of the holds
 * @id: number shown for it, never 0
 * @nr_folios: holds (one per folio)
 * @tgid: thread group of the caller
 * @pid: thread of the caller
 * @flags: PINSTAT_LEDGER_* flags
 * @via: enum pinstat_ledger_via
 * @comm: the caller's command name
 */
struct pinstat_ledger_entry {
	struct list_head holds;
	struct pinstat_ledger_stack *stack;
	u64 seq;
	u64 t_ns;
	u64 nr_pins;
	u64 nr_pages;
	u32 id;
	u32 nr_folios;
	pid_t tgid;
	pid_t pid;
	u32 flags;
	u32 via;
	char comm[TASK_COMM_LEN];
};

/**
 * struct pinstat_ledger_folio - the holds on one folio
 * @holds: its struct pinstat_ledger_hold, oldest first
 * @pfn: pfn of its first page
 * @order: its order
 * @pins: pins of @holds together
 * @foreign: the folio's pins that are not pinstat's own, at the last
 *	reconciliation (an estimate on a small folio)
 * @counted: the reconciliation that read @foreign
 */
struct pinstat_ledger_folio {
	struct list_head holds;
	unsigned long pfn;
	u32 order;
	u32 pins;
	u32 foreign;
	u64 counted;
};

/**
 * struct pinstat_ledger_hold - the pins one entry holds on one folio
 * @entry_node: in the entry's list
 * @folio_node: in the folio's list
 * @entry: the entry
 * @folio: the folio
 * @first_page: index in the folio of the first pinned page
 * @nr_pages: pages from there
 * @pins: pins held
 */
struct pinstat_ledger_hold {
	struct list_head entry_node;
	struct list_head folio_node;
	struct pinstat_ledger_entry *entry;
	struct pinstat_ledger_folio *folio;
	u32 first_page;
	u32 nr_pages;
	u32 pins;
};

/**
 * struct pinstat_ledger_counts - what the ledger did and could not do
 * @events: events applied to the book
 * @pin_calls: pin calls among them
 * @unpin_calls: unpin calls among them
 * @dropped_events: events lost because a ring was full
 * @dropped_pins: pins not recorded: rings full, the page cap of a call,
 *	the byte limit
 * @probe_missed: calls the probes did not see (kprobe nmissed: another
 *	probe handler ran on the CPU, or no free return instance)
 * @stack_unwinds: pin calls whose stack was unwound
 * @stack_reuses: pin calls whose stack their CPU remembered
 * @unmatched_pins: unpinned pins no entry held (pinned before the ledger
 *	was on, or by a path it cannot see)
 * @trimmed_pins: pins entries claimed that the folios no longer have
 *	(released by a path the ledger cannot see)
 * @entries: live entries
 * @folios: folios with holds
 * @pins: pins of all entries
 * @stacks: distinct stacks kept
 * @bytes: memory the book uses
 */
struct pinstat_ledger_counts {
	u64 events;
	u64 pin_calls;
	u64 unpin_calls;
	u64 dropped_events;
	u64 dropped_pins;
	u64 probe_missed;
	u64 stack_unwinds;
	u64 stack_reuses;
	u64 unmatched_pins;
	u64 trimmed_pins;
	u64 entries;
	u64 folios;
	u64 pins;
	u64 stacks;
	u64 bytes;
};

/* ledger_ring.c: written by the probes, read by the drain */
int pinstat_ledger_rings_alloc(size_t bytes_per_cpu);
void pinstat_ledger_rings_free(void);
struct pinstat_ledger_event *pinstat_ledger_ring_reserve(size_t min,
							 size_t *room);
void pinstat_ledger_ring_commit(struct pinstat_ledger_event *ev);
bool pinstat_ledger_rings_half_full(void);
void pinstat_ledger_rings_drain(u64 up_to_seq,
				void (*apply)(struct pinstat_ledger_event *ev));

/*
 * ledger_probe.c, built where kretprobes keep their instances as return
 * hooks of the task (every kernel since 5.19 that has kretprobes)
 */
#ifdef CONFIG_KRETPROBE_ON_RETHOOK
int pinstat_ledger_probes_register(void);
void pinstat_ledger_probes_unregister(void);
u64 pinstat_ledger_probes_missed(void);
u32 pinstat_ledger_stack(struct pt_regs *regs, unsigned long *frames);
void pinstat_ledger_stack_counts(u64 *unwinds, u64 *reuses);
#else
static inline int pinstat_ledger_probes_register(void)
{
	return -EOPNOTSUPP;
}

static inline void pinstat_ledger_probes_unregister(void)
{
}

static inline u64 pinstat_ledger_probes_missed(void)
{
	return 0;
}

static inline void pinstat_ledger_stack_counts(u64 *unwinds, u64 *reuses)
{
	*unwinds = 0;
	*reuses = 0;
}
#endif

/* limits.c */
extern bool pinstat_ledger_at_load;
extern unsigned long pinstat_ledger_max_bytes;
extern unsigned int pinstat_ledger_ring_bytes;
extern unsigned int pinstat_ledger_max_pages_per_call;

/* ledger.c */
u64 pinstat_ledger_next_seq(void);
void pinstat_ledger_event_dropped(u64 events, u64 pins);
void pinstat_ledger_kick(void);
void pinstat_ledger_apply(struct pinstat_ledger_event *ev);
bool pinstat_ledger_enabled(void);
int pinstat_ledger_enable(void);
void pinstat_ledger_disable(void);
int pinstat_ledger_init(void);
void pinstat_ledger_exit(void);
int pinstat_ledger_lock_reconciled(void);
void pinstat_ledger_lock(void);
int pinstat_ledger_holders(struct pinstat_session *s, void *data);
void pinstat_ledger_unlock(void);
struct pinstat_ledger_entry *pinstat_ledger_entry_from(unsigned long *id);
struct pinstat_ledger_folio *pinstat_ledger_folio_from(unsigned long *pfn);
struct pinstat_ledger_folio *pinstat_ledger_folio_of(unsigned long pfn);
struct folio *pinstat_ledger_folio_at(unsigned long pfn);
u32 pinstat_ledger_foreign_pins(struct folio *folio);
struct pinstat_ledger_stack *pinstat_ledger_stack_from(unsigned long *id);
void pinstat_ledger_counts(struct pinstat_ledger_counts *c);
void pinstat_ledger_show_summary(struct seq_file *m);

/* ledger_debugfs.c */
struct dentry;
void pinstat_ledger_debugfs_init(struct dentry *dir);
extern const struct file_operations pinstat_entry_fops;
extern const struct file_operations pinstat_hold_fops;
extern const struct file_operations pinstat_stack_fops;

#endif /* _PINSTAT_LEDGER_H */
