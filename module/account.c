// SPDX-License-Identifier: GPL-2.0
/*
 * Charge pinned pages to the pinning process, the way RDMA's ib_umem_get()
 * does: mm->pinned_vm (VmPin in /proc/<pid>/status) grows by every page
 * pinned and must stay within RLIMIT_MEMLOCK unless the caller has
 * CAP_IPC_LOCK.  The session holds a reference on the mm_struct (not on
 * the address space), so the charge is returned also after the process
 * that pinned has exited.
 */

#include <linux/capability.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>

#include "pinstat_internal.h"

/**
 * pinstat_charge_pinned() - charge pages about to be pinned to an mm
 * @mm: the address space the pages are pinned in
 * @nr_pages: pages to charge
 *
 * Return: 0, or -EPERM when the charge would take @mm->pinned_vm beyond
 * RLIMIT_MEMLOCK and current lacks CAP_IPC_LOCK (nothing is charged then).
 */
int pinstat_charge_pinned(struct mm_struct *mm, unsigned long nr_pages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	s64 pinned;

	pinned = atomic64_add_return(nr_pages, &mm->pinned_vm);
	if ((u64)pinned > limit && !capable(CAP_IPC_LOCK)) {
		atomic64_sub(nr_pages, &mm->pinned_vm);
		return -EPERM;
	}
	return 0;
}

/**
 * pinstat_uncharge_pinned() - return a charge taken by pinstat_charge_pinned()
 * @mm: the address space charged
 * @nr_pages: pages charged
 */
void pinstat_uncharge_pinned(struct mm_struct *mm, unsigned long nr_pages)
{
	atomic64_sub(nr_pages, &mm->pinned_vm);
}
