// SPDX-License-Identifier: GPL-2.0
/*
 * A session is one open file of /dev/pinstat.  It owns its pins, keyed by
 * handle, and enforces the per-session limits.  Pinning runs without the
 * session lock: the limits are reserved first and the pin is published
 * only when it is complete, so a failed pin is never visible.
 *
 * Lock order: pinstat_sessions_lock, then a session's lock; never two
 * sessions' locks at once.
 */

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "pinstat_internal.h"

LIST_HEAD(pinstat_sessions);
/* Protects pinstat_sessions and pinstat_next_session_id. */
DEFINE_MUTEX(pinstat_sessions_lock);
static u64 pinstat_next_session_id;

unsigned int pinstat_max_pins_per_session = 4096;
EXPORT_SYMBOL_IF_KUNIT(pinstat_max_pins_per_session);
module_param_named(max_pins_per_session, pinstat_max_pins_per_session, uint,
		   0644);
MODULE_PARM_DESC(max_pins_per_session,
		 "Pins one open file may hold (PIN fails with EMFILE beyond)");

/* 1 << 20 pages is 4 GiB with 4 KiB pages. */
unsigned int pinstat_max_pages_per_session = 1U << 20;
EXPORT_SYMBOL_IF_KUNIT(pinstat_max_pages_per_session);
module_param_named(max_pages_per_session, pinstat_max_pages_per_session, uint,
		   0644);
MODULE_PARM_DESC(max_pages_per_session,
		 "Pages one open file may hold pinned (PIN fails with EDQUOT beyond)");

/*
 * Pins refused when they would take a folio's refcount beyond this.  Each
 * pin adds at most GUP_PIN_COUNTING_BIAS (small folio) or the pages of one
 * folio (at most 262144 for 1 GiB) to a refcount, so a limit of 2^30 keeps
 * every folio pinstat pins about 2^30 references short of INT_MAX.
 */
#define PINSTAT_REFCOUNT_LIMIT_MAX BIT(30)

unsigned int pinstat_refcount_limit = PINSTAT_REFCOUNT_LIMIT_MAX;
EXPORT_SYMBOL_IF_KUNIT(pinstat_refcount_limit);

static int pinstat_refcount_limit_set(const char *val,
				      const struct kernel_param *kp)
{
	unsigned int limit;
	int ret;

	ret = kstrtouint(val, 0, &limit);
	if (ret)
		return ret;
	if (limit < GUP_PIN_COUNTING_BIAS || limit > PINSTAT_REFCOUNT_LIMIT_MAX)
		return -EINVAL;
	WRITE_ONCE(pinstat_refcount_limit, limit);
	return 0;
}

static const struct kernel_param_ops pinstat_refcount_limit_ops = {
	.set = pinstat_refcount_limit_set,
	.get = param_get_uint,
};
module_param_cb(refcount_limit, &pinstat_refcount_limit_ops,
		&pinstat_refcount_limit, 0644);
MODULE_PARM_DESC(refcount_limit,
		 "Highest folio refcount a pin may leave (PIN fails with ETOOMANYREFS beyond); 1024 .. 2^30, default 2^30");

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

	mutex_lock(&pinstat_sessions_lock);
	s->id = ++pinstat_next_session_id;
	list_add_tail(&s->node, &pinstat_sessions);
	mutex_unlock(&pinstat_sessions_lock);
	pinstat_stats_session(1);
	return s;
}
EXPORT_SYMBOL_IF_KUNIT(pinstat_session_create);

static void pinstat_pin_free(struct pinstat_session *s,
			     struct pinstat_pin *pin)
{
	pinstat_stats_unpinned(pin);
	pinstat_unpin_range(pin);
	pinstat_uncharge_pinned(s->mm, pinstat_span_pages(pin->addr, pin->len));
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

	mutex_lock(&pinstat_sessions_lock);
	list_del(&s->node);
	mutex_unlock(&pinstat_sessions_lock);

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

static int pinstat_session_reserve(struct pinstat_session *s,
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

static void pinstat_session_unreserve(struct pinstat_session *s,
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
 * @args: the ioctl argument, copied in; the out fields are filled
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int pinstat_session_pin(struct pinstat_session *s,
			struct pinstat_pin_args *args)
{
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

	ret = pinstat_session_reserve(s, nr_pages);
	if (ret)
		return ret;
	ret = pinstat_charge_pinned(s->mm, nr_pages);
	if (ret)
		goto unreserve;
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
	pinstat_unpin_range(pin);
free_pin:
	kfree(pin);
uncharge:
	pinstat_uncharge_pinned(s->mm, nr_pages);
unreserve:
	pinstat_session_unreserve(s, nr_pages);
	return ret;
}

/**
 * pinstat_session_unpin() - PINSTAT_IOC_UNPIN on a session
 * @s: the session
 * @args: the ioctl argument, copied in; @nr_pages and @unpin_ns are filled
 *
 * Return: 0, -EINVAL for non-zero flags or reserved fields, -ENOENT for an
 * unknown handle.
 */
int pinstat_session_unpin(struct pinstat_session *s,
			  struct pinstat_unpin_args *args)
{
	struct pinstat_pin *pin;
	unsigned long nr_pages;
	u64 start_ns;

	if (args->flags || args->reserved)
		return -EINVAL;

	mutex_lock(&s->lock);
	pin = args->handle ? xa_erase(&s->pins, args->handle) : NULL;
	if (pin) {
		nr_pages = pinstat_span_pages(pin->addr, pin->len);
		s->nr_pins--;
		s->nr_pages -= nr_pages;
	}
	mutex_unlock(&s->lock);
	if (!pin)
		return -ENOENT;

	args->nr_pages = nr_pages;
	start_ns = ktime_get_ns();
	pinstat_pin_free(s, pin);
	args->unpin_ns = ktime_get_ns() - start_ns;
	return 0;
}

/* Records are copied out in batches of one page. */
#define PINSTAT_REPORT_BATCH \
	(PAGE_SIZE / sizeof(struct pinstat_folio_record))

static int pinstat_copy_records(const struct pinstat_pin *pin,
				const struct pinstat_owners *owners,
				struct pinstat_folio_record __user *out)
{
	struct pinstat_folio_record *buf;
	struct pinstat_run_cursor cur = {};
	struct pinstat_run run;
	size_t n = 0;
	int ret = 0;

	buf = kmalloc_array(PINSTAT_REPORT_BATCH, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (pinstat_pin_next_run(pin, &cur, &run)) {
		pinstat_describe_run(&run, 0, &buf[n]);
		pinstat_record_set_owners(&buf[n],
					  pinstat_owners_pins(owners, buf[n].pfn));
		n++;
		if (n == PINSTAT_REPORT_BATCH) {
			if (copy_to_user(out, buf, n * sizeof(*buf))) {
				ret = -EFAULT;
				goto free_buf;
			}
			out += n;
			n = 0;
		}
	}
	if (n && copy_to_user(out, buf, n * sizeof(*buf)))
		ret = -EFAULT;
free_buf:
	kfree(buf);
	return ret;
}

/**
 * pinstat_session_report() - PINSTAT_IOC_REPORT on a session
 * @s: the session
 * @args: the ioctl argument, copied in; @nr_runs and @nr_records are filled
 *
 * Return: 0 or a negative errno as documented in the uapi header; on
 * -ENOSPC @nr_runs is valid.
 */
int pinstat_session_report(struct pinstat_session *s,
			   struct pinstat_report_args *args)
{
	struct pinstat_run_cursor cur = {};
	struct pinstat_owners owners;
	struct pinstat_run run;
	struct pinstat_pin *pin;
	int ret = 0;

	if (args->flags || args->reserved[0] || args->reserved[1] ||
	    args->record_size != sizeof(struct pinstat_folio_record))
		return -EINVAL;

	mutex_lock(&s->lock);
	pin = args->handle ? xa_load(&s->pins, args->handle) : NULL;
	if (!pin) {
		ret = -ENOENT;
		goto unlock;
	}
	args->nr_runs = pin->nr_runs;
	if (!args->nr_records)
		goto unlock;
	if (args->nr_records < pin->nr_runs) {
		ret = -ENOSPC;
		goto unlock;
	}
	ret = pinstat_owners_init(&owners, pin->nr_runs);
	if (ret)
		goto unlock;
	while (pinstat_pin_next_run(pin, &cur, &run))
		pinstat_owners_add(&owners, folio_pfn(page_folio(run.page)));
	mutex_unlock(&s->lock);

	/* Every session's pins, this one's too, each under its own lock. */
	mutex_lock(&pinstat_sessions_lock);
	pinstat_owners_count(&owners);
	mutex_unlock(&pinstat_sessions_lock);

	mutex_lock(&s->lock);
	/* An UNPIN meanwhile freed it: handles are never reused. */
	if (xa_load(&s->pins, args->handle) != pin) {
		ret = -ENOENT;
		goto free_owners;
	}
	/*
	 * Copying out may fault, and a fault may wait for long (userfaultfd):
	 * only this session's lock is held.  No fault path takes a pinstat
	 * lock.
	 */
	ret = pinstat_copy_records(pin, &owners,
				   u64_to_user_ptr(args->records));
	if (!ret)
		args->nr_records = pin->nr_runs;
free_owners:
	pinstat_owners_free(&owners);
unlock:
	mutex_unlock(&s->lock);
	return ret;
}
