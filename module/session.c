// SPDX-License-Identifier: GPL-2.0
/*
 * A session is one open file of /dev/pinstat.  It owns its pins, keyed by
 * handle, and enforces the per-session quota.  Pinning runs without the
 * session lock: the quota is taken first and the pin is published only
 * when it is complete, so a failed pin is never visible.  The session lock
 * is never held across a copy to user memory (see registry.c for the lock
 * order).
 */

#include <linux/errno.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "pinstat_internal.h"

/**
 * pinstat_session_create() - a new session for current, listed in debugfs
 *
 * Pins are charged to current's mm (see account.c); only current's
 * process can pin through the session, the others it is handed to can
 * release and report.
 *
 * Return: the session, or NULL when out of memory.
 */
struct pinstat_session *pinstat_session_create(void)
{
	struct pinstat_session *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return NULL;
	mutex_init(&s->lock);
	xa_init_flags(&s->pins, XA_FLAGS_ALLOC1);
	s->pid = task_tgid_nr(current);
	get_task_comm(s->comm, current);
	s->mm = current->mm;
	if (s->mm)
		mmgrab(s->mm);

	pinstat_registry_add(s);
	pinstat_stats_session(1);
	return s;
}
EXPORT_SYMBOL_IF_KUNIT(pinstat_session_create);

/* Release a pin that is no longer published. */
static void pinstat_pin_free(struct pinstat_session *s,
			     struct pinstat_pin *pin)
{
	pinstat_stats_unpinned(pin);
	pinstat_registry_pin_release(pin);
	pinstat_uncharge_pinned(s->mm, pin->nr_pages);
	kfree(pin);
}

/**
 * pinstat_session_destroy() - release every pin of a session and free it
 * @s: the session; nobody else may use it any more
 */
void pinstat_session_destroy(struct pinstat_session *s)
{
	struct pinstat_pin *pin;
	unsigned long handle;

	pinstat_registry_remove(s);
	xa_for_each(&s->pins, handle, pin)
		pinstat_pin_free(s, pin);
	xa_destroy(&s->pins);
	mutex_destroy(&s->lock);
	if (s->mm)
		mmdrop(s->mm);
	kfree(s);
	pinstat_stats_session(-1);
}
EXPORT_SYMBOL_IF_KUNIT(pinstat_session_destroy);

/*
 * GUP says -EFAULT for every range it cannot pin.  Look at the VMAs first so
 * the common mistakes get an errno that names them, as mlock(2) does.
 */
static int pinstat_check_vmas(unsigned long start, unsigned long end,
			      bool write)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	int ret = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	while (start < end) {
		vma = find_vma(mm, start);
		if (!vma || vma->vm_start > start) {
			ret = -ENOMEM;
			break;
		}
		if (!vma_is_accessible(vma) ||
		    (write && !(vma->vm_flags & VM_WRITE))) {
			ret = -EACCES;
			break;
		}
		start = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return ret;
}

/* Count a pin of @nr_pages against the session's quota, or refuse it. */
static int pinstat_quota_take(struct pinstat_session *s,
			      unsigned long nr_pages)
{
	int ret = 0;

	mutex_lock(&s->lock);
	if (s->nr_pins >= READ_ONCE(pinstat_max_pins_per_session)) {
		ret = -EMFILE;
	} else if (s->nr_pages > READ_ONCE(pinstat_max_pages_per_session) ||
		   nr_pages > READ_ONCE(pinstat_max_pages_per_session) -
			      s->nr_pages) {
		ret = -EDQUOT;
	} else {
		s->nr_pins++;
		s->nr_pages += nr_pages;
	}
	mutex_unlock(&s->lock);
	return ret;
}

static void pinstat_quota_return(struct pinstat_session *s,
				 unsigned long nr_pages)
{
	mutex_lock(&s->lock);
	s->nr_pins--;
	s->nr_pages -= nr_pages;
	mutex_unlock(&s->lock);
}

/**
 * pinstat_session_pin() - PINSTAT_IOC_PIN on a session
 * @s: the session
 * @data: struct pinstat_pin_args, copied in; the out fields are filled
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int pinstat_session_pin(struct pinstat_session *s, void *data)
{
	struct pinstat_pin_args *args = data;
	unsigned long nr_pages;
	struct pinstat_pin *pin;
	u64 start_ns, pin_ns;
	u32 handle;
	size_t i;
	int ret;

	if (args->flags & ~PINSTAT_PIN_FLAGS_ALL || !args->len)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(args->reserved); i++)
		if (args->reserved[i])
			return -EINVAL;
	if (args->addr + args->len < args->addr)
		return -EOVERFLOW;
	if (args->addr != (unsigned long)args->addr ||
	    args->len != (unsigned long)args->len ||
	    !access_ok(u64_to_user_ptr(args->addr), args->len))
		return -EFAULT;
	/* A kernel thread has no user memory to pin. */
	if (!current->mm)
		return -EFAULT;
	if (current->mm != s->mm)
		return -EXDEV;
	nr_pages = pinstat_span_pages(args->addr, args->len);

	ret = pinstat_quota_take(s, nr_pages);
	if (ret)
		return ret;
	ret = pinstat_charge_pinned(s->mm, nr_pages);
	if (ret)
		goto return_quota;
	ret = pinstat_check_vmas(args->addr & PAGE_MASK,
				 PAGE_ALIGN(args->addr + args->len),
				 args->flags & PINSTAT_PIN_WRITE);
	if (ret)
		goto uncharge;

	pin = kzalloc(sizeof(*pin), GFP_KERNEL_ACCOUNT);
	if (!pin) {
		ret = -ENOMEM;
		goto uncharge;
	}
	memset(args->runs_by_order, 0, sizeof(args->runs_by_order));
	start_ns = ktime_get_ns();
	ret = pinstat_pin_range(pin, args->addr, args->len, args->flags,
				args->runs_by_order,
				READ_ONCE(pinstat_refcount_limit),
				&args->bookkeeping_peak_bytes);
	pin_ns = ktime_get_ns() - start_ns;
	if (ret)
		goto free_pin;

	/*
	 * Once published, another thread may UNPIN and free it: fill the
	 * answer first and count it first, so the counters never go below 0.
	 */
	args->nr_pages = nr_pages;
	args->nr_runs = pin->nr_runs;
	args->pin_ns = pin_ns;
	args->bookkeeping_bytes = pinstat_pin_bookkeeping(pin);
	pinstat_stats_pinned(pin, pin_ns);
	pinstat_registry_pin_added(pin);
	mutex_lock(&s->lock);
	ret = xa_alloc_cyclic(&s->pins, &handle, pin, xa_limit_32b,
			      &s->next_handle, GFP_KERNEL_ACCOUNT);
	if (ret >= 0)
		pin->handle = handle;
	mutex_unlock(&s->lock);
	if (ret < 0)
		goto uncount;

	args->handle = handle;
	return 0;

uncount:
	pinstat_stats_unpinned(pin);
	pinstat_registry_pin_release(pin);
free_pin:
	kfree(pin);
uncharge:
	pinstat_uncharge_pinned(s->mm, nr_pages);
return_quota:
	pinstat_quota_return(s, nr_pages);
	return ret;
}

/**
 * pinstat_session_unpin() - PINSTAT_IOC_UNPIN on a session
 * @s: the session
 * @data: struct pinstat_unpin_args, copied in; @nr_pages and @unpin_ns
 *	are filled
 *
 * Return: 0, -EINVAL for non-zero flags or reserved fields, -ENOENT for an
 * unknown handle.
 */
int pinstat_session_unpin(struct pinstat_session *s, void *data)
{
	struct pinstat_unpin_args *args = data;
	struct pinstat_pin *pin;
	u64 start_ns;

	if (args->flags || args->reserved)
		return -EINVAL;

	mutex_lock(&s->lock);
	pin = args->handle ? xa_erase(&s->pins, args->handle) : NULL;
	if (pin) {
		s->nr_pins--;
		s->nr_pages -= pin->nr_pages;
	}
	mutex_unlock(&s->lock);
	if (!pin)
		return -ENOENT;

	args->nr_pages = pin->nr_pages;
	start_ns = ktime_get_ns();
	pinstat_pin_free(s, pin);
	args->unpin_ns = ktime_get_ns() - start_ns;
	return 0;
}

/* Records are built and copied out a page at a time. */
#define PINSTAT_REPORT_BATCH \
	(PAGE_SIZE / sizeof(struct pinstat_folio_record))

/**
 * pinstat_session_report() - PINSTAT_IOC_REPORT on a session
 * @s: the session
 * @data: struct pinstat_report_args, copied in; @nr_runs and @nr_records
 *	are filled
 *
 * Each batch is built under the session's lock and copied out after it is
 * dropped, so a copy that waits (userfaultfd, FUSE) holds up nobody else.
 * An UNPIN of the pin meanwhile ends the call with -ENOENT.
 *
 * Return: 0 or a negative errno as documented in the uapi header; on
 * -ENOSPC @nr_runs is valid.
 */
int pinstat_session_report(struct pinstat_session *s, void *data)
{
	struct pinstat_report_args *args = data;
	struct pinstat_folio_record __user *out = u64_to_user_ptr(args->records);
	struct pinstat_run_cursor cur = {};
	struct pinstat_folio_record *recs;
	struct pinstat_pin *pin;
	u32 nr_runs;
	size_t n;
	int ret = 0;

	if (args->flags || args->reserved[0] || args->reserved[1] ||
	    args->record_size != sizeof(struct pinstat_folio_record))
		return -EINVAL;
	recs = kmalloc_array(PINSTAT_REPORT_BATCH, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return -ENOMEM;

	mutex_lock(&s->lock);
	pin = args->handle ? xa_load(&s->pins, args->handle) : NULL;
	if (!pin) {
		ret = -ENOENT;
		goto unlock;
	}
	nr_runs = pin->nr_runs;
	args->nr_runs = nr_runs;
	if (!args->nr_records)
		goto unlock;
	if (args->nr_records < nr_runs) {
		ret = -ENOSPC;
		goto unlock;
	}
	for (;;) {
		/* With the session locked, so the pin stays. */
		ret = pinstat_records_of_pin(pin, &cur, recs,
					     PINSTAT_REPORT_BATCH);
		mutex_unlock(&s->lock);
		if (ret < 0)
			goto free_recs;
		n = ret;
		if (!n)
			break;
		if (copy_to_user(out, recs, n * sizeof(*recs))) {
			ret = -EFAULT;
			goto free_recs;
		}
		out += n;
		mutex_lock(&s->lock);
		/*
		 * Still the same pin: handles are allocated cyclically, so a
		 * freed pin's handle comes back only after nearly 2^32 others.
		 */
		if (xa_load(&s->pins, args->handle) != pin) {
			ret = -ENOENT;
			goto unlock;
		}
	}
	args->nr_records = nr_runs;
	kfree(recs);
	return 0;

unlock:
	mutex_unlock(&s->lock);
free_recs:
	kfree(recs);
	return ret;
}
