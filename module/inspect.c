// SPDX-License-Identifier: GPL-2.0
/*
 * PINSTAT_IOC_INSPECT: describe the pages another process has mapped,
 * without pinning them, faulting them in or changing its memory.  This is
 * how pins that other kernel code holds (io_uring fixed buffers, RDMA,
 * VFIO, vmsplice) are found: by the folios' pin counts.
 *
 * Pages are looked up with get_user_pages_remote(FOLL_NOFAULT) (hugetlb
 * entries looked at first where GUP would fault them in regardless, see
 * pinstat_gup_nofault_safe()), which takes a plain reference on each for
 * as long as it is described; those references are subtracted from the
 * refcounts reported.  Lookups of up to
 * a page of page pointers are described and released under the target's
 * mmap lock, a folio larger than one lookup extending its record; a batch
 * of up to PINSTAT_INSPECT_RECORDS records is then given pinstat's own pin
 * counts (the registry's lock is never taken inside an mmap lock) and
 * copied out with no lock held.
 */

#include <linux/bits.h>
#include <linux/capability.h>
#include <linux/hash.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "pinstat_compat.h"
#include "pinstat_internal.h"

#define PINSTAT_INSPECT_PAGES	(PAGE_SIZE / sizeof(struct page *))
/*
 * Records per batch (256 KiB): each batch takes the target's mmap lock and
 * the registry's own-pin lock once, and is copied out with neither held.
 */
#define PINSTAT_INSPECT_RECORDS	4096U
/* Lookups per batch, absent pages included, before the lock is dropped. */
#define PINSTAT_INSPECT_STEPS	4096
/* Pages of one NOT_PRESENT record at most (the field is 32 bits). */
#define PINSTAT_ABSENT_MAX	BIT(20)

/* Folios of one lookup, at most PINSTAT_INSPECT_PAGES, in twice the slots. */
#define PINSTAT_HELD_BITS	(PAGE_SHIFT - 3 + 1)

struct pinstat_held_count {
	struct folio *folio;
	unsigned int nr;
};

struct pinstat_inspect_batch {
	struct mm_struct *mm;
	struct page **pages;		/* one lookup's pages */
	struct pinstat_held_count *held; /* references per folio */
	u16 *used;			/* slots of @held in use */
	unsigned int nr_used;
	struct pinstat_folio_record *recs;
	u32 nr_recs;
	u32 max_recs;
	u32 nr_vmas;
	unsigned long last_vma_start;	/* of the VMA counted last */
};

/* Does the last record stand for absent pages that end at @addr? */
static bool pinstat_inspect_absent_ends_at(const struct pinstat_inspect_batch *b,
					   unsigned long addr)
{
	const struct pinstat_folio_record *last;

	if (!b->nr_recs)
		return false;
	last = &b->recs[b->nr_recs - 1];
	return last->flags == PINSTAT_FOLIO_NOT_PRESENT &&
	       last->addr + ((u64)last->nr_pages << PAGE_SHIFT) == addr;
}

/* Add absent pages at @addr; false when there is no record left for them. */
static bool pinstat_inspect_absent(struct pinstat_inspect_batch *b,
				   unsigned long addr, unsigned long nr)
{
	struct pinstat_folio_record *last = b->nr_recs ?
					    &b->recs[b->nr_recs - 1] : NULL;

	if (pinstat_inspect_absent_ends_at(b, addr) &&
	    last->nr_pages + nr <= PINSTAT_ABSENT_MAX) {
		last->nr_pages += nr;
		return true;
	}
	if (b->nr_recs == b->max_recs)
		return false;
	last = &b->recs[b->nr_recs++];
	memset(last, 0, sizeof(*last));
	last->addr = addr;
	last->nr_pages = nr;
	last->flags = PINSTAT_FOLIO_NOT_PRESENT;
	return true;
}

/*
 * References the lookup holds on a folio: one per page of it, which may be
 * many (a large folio, the zero page or a KSM page mapped at many places).
 * Counted per folio in a small open-addressing table, cleared slot by slot
 * after each lookup.
 */
static void pinstat_held_add(struct pinstat_inspect_batch *b,
			     struct folio *folio, unsigned int nr)
{
	unsigned long slot = hash_ptr(folio, PINSTAT_HELD_BITS);

	while (b->held[slot].folio && b->held[slot].folio != folio)
		slot = (slot + 1) & (BIT(PINSTAT_HELD_BITS) - 1);
	if (!b->held[slot].folio) {
		b->held[slot].folio = folio;
		b->used[b->nr_used++] = slot;
	}
	b->held[slot].nr += nr;
}

static unsigned int pinstat_held(const struct pinstat_inspect_batch *b,
				 struct folio *folio)
{
	unsigned long slot = hash_ptr(folio, PINSTAT_HELD_BITS);

	while (b->held[slot].folio != folio)
		slot = (slot + 1) & (BIT(PINSTAT_HELD_BITS) - 1);
	return b->held[slot].nr;
}

static void pinstat_held_clear(struct pinstat_inspect_batch *b)
{
	while (b->nr_used)
		b->held[b->used[--b->nr_used]] =
			(struct pinstat_held_count){};
}

/* Pages from @i on that continue pages[@i] in its folio. */
static unsigned long pinstat_inspect_run_len(const struct pinstat_inspect_batch *b,
					     unsigned long i, unsigned long got)
{
	struct page *first = b->pages[i];
	unsigned long j;

	for (j = i + 1; j < got; j++)
		if (b->pages[j] != nth_page(first, j - i) ||
		    page_folio(b->pages[j]) != page_folio(first))
			break;
	return j - i;
}

/* Does @run continue the last record (same folio, next pages)? */
static bool pinstat_inspect_extends(const struct pinstat_inspect_batch *b,
				    const struct pinstat_run *run)
{
	const struct pinstat_folio_record *last;
	struct folio *folio = page_folio(run->page);

	if (!b->nr_recs)
		return false;
	last = &b->recs[b->nr_recs - 1];
	return !(last->flags & PINSTAT_FOLIO_NOT_PRESENT) &&
	       last->pfn == folio_pfn(folio) &&
	       last->addr + ((u64)last->nr_pages << PAGE_SHIFT) == run->addr &&
	       last->first_page + last->nr_pages ==
			folio_page_idx(folio, run->page);
}

/* Pages of the last record's folio that may follow at @addr, else 0. */
static unsigned long pinstat_inspect_folio_left(const struct pinstat_inspect_batch *b,
						unsigned long addr)
{
	const struct pinstat_folio_record *last;
	u64 end;

	if (!b->nr_recs)
		return 0;
	last = &b->recs[b->nr_recs - 1];
	end = (u64)last->first_page + last->nr_pages;
	if (last->flags & PINSTAT_FOLIO_NOT_PRESENT ||
	    last->addr + ((u64)last->nr_pages << PAGE_SHIFT) != addr ||
	    end >= BIT_ULL(last->order))
		return 0;
	return BIT_ULL(last->order) - end;
}

/*
 * Describe the @got pages one lookup found at @addr as runs, a run that
 * continues the last record (a folio larger than one lookup) extending it,
 * and drop the lookup's references.  Returns the pages described.
 */
static unsigned long pinstat_inspect_runs(struct pinstat_inspect_batch *b,
					  unsigned long got, unsigned long addr)
{
	struct pinstat_folio_record *last;
	struct pinstat_run run;
	unsigned long i, j;

	for (i = 0; i < got; i += j) {
		j = pinstat_inspect_run_len(b, i, got);
		pinstat_held_add(b, page_folio(b->pages[i]), j);
	}
	for (i = 0; i < got; i += run.nr_pages) {
		run.page = b->pages[i];
		run.nr_pages = pinstat_inspect_run_len(b, i, got);
		run.addr = addr + (i << PAGE_SHIFT);
		if (pinstat_inspect_extends(b, &run)) {
			last = &b->recs[b->nr_recs - 1];
			last->nr_pages += run.nr_pages;
			pinstat_record_set_headroom(last);
		} else if (b->nr_recs < b->max_recs) {
			pinstat_record_describe(&run,
						pinstat_held(b, page_folio(run.page)),
						&b->recs[b->nr_recs++]);
		} else {
			break;
		}
	}
	pinstat_held_clear(b);
	for (j = 0; j < got; j++)
		put_page(b->pages[j]);
	return i;
}

/* One batch from *@addrp under the mmap lock; *@addrp moves past it. */
static int pinstat_inspect_fill(struct pinstat_inspect_batch *b,
				unsigned long *addrp, unsigned long end)
{
	unsigned long addr = *addrp, vend, want, done, more;
	struct vm_area_struct *vma;
	unsigned int steps = 0;
	long got;

	if (mmap_read_lock_killable(b->mm))
		return -EINTR;
	/* Full records stop the walk where a new record would be needed. */
	while (addr < end && steps++ < PINSTAT_INSPECT_STEPS) {
		vma = find_vma(b->mm, addr);
		if (!vma || vma->vm_start >= end) {
			addr = end;
			break;
		}
		/* By address: the lock is dropped between batches. */
		if (!b->nr_vmas || vma->vm_start != b->last_vma_start) {
			b->last_vma_start = vma->vm_start;
			b->nr_vmas++;
		}
		addr = max(addr, vma->vm_start);
		vend = min(vma->vm_end, end);
		/* No struct pages behind these: nothing to look up. */
		if (vma->vm_flags & (VM_IO | VM_PFNMAP)) {
			want = min((vend - addr) >> PAGE_SHIFT, PINSTAT_ABSENT_MAX);
			if (!pinstat_inspect_absent(b, addr, want))
				break;
			addr += want << PAGE_SHIFT;
			continue;
		}
		/*
		 * A hugetlb page is present or absent as a whole: one lookup
		 * never runs into the next, and an absent one is skipped whole.
		 */
		if (is_vm_hugetlb_page(vma))
			vend = min(vend, ALIGN(addr + 1, vma_kernel_pagesize(vma)));
		want = min((vend - addr) >> PAGE_SHIFT, PINSTAT_INSPECT_PAGES);
		/*
		 * Pages that find no free record would be dropped and looked
		 * up again by the next batch: ask for the rest of the last
		 * record's folio, or for no more pages than free records.
		 * With none free, a page at the end of an absent run may still
		 * extend it: one page is looked at.
		 */
		more = pinstat_inspect_folio_left(b, addr);
		if (more)
			want = min(want, more);
		else if (b->nr_recs < b->max_recs)
			want = min_t(unsigned long, want,
				     b->max_recs - b->nr_recs);
		else if (pinstat_inspect_absent_ends_at(b, addr))
			want = 1;
		else
			break;
		got = 0;
		if (pinstat_gup_nofault_safe(vma, addr))
			got = pinstat_get_user_pages_remote(b->mm, addr, want,
							    FOLL_NOFAULT,
							    b->pages);
		if (got <= 0) {
			/* Not present (or not for GUP). */
			want = is_vm_hugetlb_page(vma) ?
			       (vend - addr) >> PAGE_SHIFT : 1;
			if (!pinstat_inspect_absent(b, addr, want))
				break;
			addr += want << PAGE_SHIFT;
			continue;
		}
		done = pinstat_inspect_runs(b, got, addr);
		addr += done << PAGE_SHIFT;
		if (done < got)
			break;
	}
	mmap_read_unlock(b->mm);
	*addrp = min(addr, end);
	return 0;
}

static struct mm_struct *pinstat_inspect_get_mm(pid_t nr)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *pid;

	pid = find_get_pid(nr);
	if (!pid)
		return NULL;
	task = get_pid_task(pid, PIDTYPE_TGID);
	put_pid(pid);
	if (!task)
		return NULL;
	mm = get_task_mm(task);
	put_task_struct(task);
	return mm;
}

/* Check the arguments; the range and where this call starts in it. */
static int pinstat_inspect_range(const struct pinstat_inspect_args *args,
				 unsigned long *start, unsigned long *end,
				 unsigned long *addr)
{
	if (args->flags & ~PINSTAT_INSPECT_FLAGS_ALL || !args->nr_records ||
	    args->reserved[0] || args->reserved[1] || args->reserved[2] ||
	    args->record_size != sizeof(struct pinstat_folio_record))
		return -EINVAL;
	if (args->flags & PINSTAT_INSPECT_ALL) {
		*start = 0;
		*end = TASK_SIZE_MAX;
	} else {
		if (args->start >= args->end || args->end > TASK_SIZE_MAX)
			return -EINVAL;
		*start = args->start & PAGE_MASK;
		*end = PAGE_ALIGN(args->end);
	}
	*addr = args->cursor ? args->cursor & PAGE_MASK : *start;
	if (*addr < *start || *addr >= *end)
		return -EINVAL;
	return 0;
}

/**
 * pinstat_inspect_mm() - INSPECT of an address space
 * @mm: the address space, held by the caller (mmget)
 * @args: as for PINSTAT_IOC_INSPECT, but @pid is not looked at
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int pinstat_inspect_mm(struct mm_struct *mm, struct pinstat_inspect_args *args)
{
	struct pinstat_folio_record __user *out = u64_to_user_ptr(args->records);
	struct pinstat_inspect_batch b = { .mm = mm };
	unsigned long start, end, addr;
	u32 written = 0, carry;
	int ret;

	ret = pinstat_inspect_range(args, &start, &end, &addr);
	if (ret)
		return ret;
	b.pages = kmalloc(PAGE_SIZE, GFP_KERNEL);
	b.held = kcalloc(BIT(PINSTAT_HELD_BITS), sizeof(*b.held), GFP_KERNEL);
	b.used = kmalloc_array(PINSTAT_INSPECT_PAGES, sizeof(*b.used),
			       GFP_KERNEL);
	b.recs = kvmalloc_array(min(args->nr_records, PINSTAT_INSPECT_RECORDS),
				sizeof(*b.recs), GFP_KERNEL);
	if (!b.pages || !b.held || !b.used || !b.recs) {
		ret = -ENOMEM;
		goto free_batch;
	}

	while (addr < end && written < args->nr_records) {
		b.max_recs = min_t(u32, args->nr_records - written,
				   PINSTAT_INSPECT_RECORDS);
		ret = pinstat_inspect_fill(&b, &addr, end);
		if (!ret)
			ret = pinstat_records_set_owners(b.recs, b.nr_recs);
		if (ret)
			goto free_batch;
		/*
		 * A batch ends after so many lookups: an absent run or a
		 * folio it ends in may go on, so while the caller has room
		 * its last record goes on into the next batch.
		 */
		carry = addr < end && written + b.nr_recs < args->nr_records &&
			(pinstat_inspect_absent_ends_at(&b, addr) ||
			 pinstat_inspect_folio_left(&b, addr));
		if (copy_to_user(out + written, b.recs,
				 (b.nr_recs - carry) * sizeof(*b.recs))) {
			ret = -EFAULT;
			goto free_batch;
		}
		written += b.nr_recs - carry;
		if (carry)
			b.recs[0] = b.recs[b.nr_recs - 1];
		b.nr_recs = carry;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto free_batch;
		}
	}
	args->nr_records = written;
	args->cursor = addr < end ? addr : 0;
	args->nr_vmas = b.nr_vmas;

free_batch:
	kvfree(b.recs);
	kfree(b.used);
	kfree(b.held);
	kfree(b.pages);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(pinstat_inspect_mm);

/**
 * pinstat_inspect() - PINSTAT_IOC_INSPECT
 * @s: the caller's session, not used: INSPECT takes no pin
 * @data: struct pinstat_inspect_args, copied in; @cursor, @nr_records and
 *	@nr_vmas are filled
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int pinstat_inspect(struct pinstat_session *s, void *data)
{
	struct pinstat_inspect_args *args = data;
	unsigned long start, end, addr;
	struct mm_struct *mm;
	int ret;

	ret = pinstat_inspect_range(args, &start, &end, &addr);
	if (ret)
		return ret;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	mm = pinstat_inspect_get_mm(args->pid);
	if (!mm)
		return -ESRCH;
	ret = pinstat_inspect_mm(mm, args);
	mmput(mm);
	return ret;
}
