// SPDX-License-Identifier: GPL-2.0
/*
 * pinstat_pinner: a test module for pinstat's pin ledger.  It pins a user
 * buffer through each exported GUP pin entry point and releases it
 * through each exported unpin function, or, as the ledger's blind spot,
 * the way mm/gup.c's static gup_put_folio() does, calling none of them.
 *
 * Like mm/gup_test.c, each ioctl copies its argument in, does the work in
 * a plain loop and copies the result out; unlike gup_test, every open file
 * holds its own pins, by id, until UNPIN or close.  The ABI is in
 * pinstat_pinner.h.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmstat.h>
#include <linux/xarray.h>

#include "pinstat_pinner.h"

/*
 * Compat: every difference between the kernels this module builds
 * against, chosen by conftest.sh from the kernel's headers (PINNER_HAVE_*),
 * never by version.  An entry point a kernel lacks is marked absent in
 * pinner_pin_have[] or pinner_unpin_have[] (the ioctl answers -EOPNOTSUPP
 * before doing anything) and has a stub here that is never reached.
 */

static long pinner_pin_user_pages(unsigned long start, unsigned long nr_pages,
				  unsigned int gup_flags, struct page **pages)
{
#ifdef PINNER_HAVE_PIN_USER_PAGES_VMAS
	/* Up to 6.4: a vmas array, not wanted here. */
	return pin_user_pages(start, nr_pages, gup_flags, pages, NULL);
#else
	return pin_user_pages(start, nr_pages, gup_flags, pages);
#endif
}

/*
 * The caller holds @mm's mmap read lock; GUP may drop it while it waits
 * for a fault, and then clears *@locked.
 */
static long pinner_pin_user_pages_remote(struct mm_struct *mm,
					 unsigned long start,
					 unsigned long nr_pages,
					 unsigned int gup_flags,
					 struct page **pages, int *locked)
{
#ifdef PINNER_HAVE_LONGTERM_NOT_UNLOCKABLE
	/*
	 * Up to 6.2, FOLL_LONGTERM with @locked is refused (WARN, -EINVAL):
	 * the lock is then held throughout.
	 */
	if (gup_flags & FOLL_LONGTERM)
		locked = NULL;
#endif
#ifdef PINNER_HAVE_PIN_USER_PAGES_REMOTE_VMAS
	/* Up to 6.4: a vmas array, not wanted here. */
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL, locked);
#else
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     locked);
#endif
}

/*
 * Up to 6.2, pin_user_pages_unlocked() refuses FOLL_LONGTERM (WARN,
 * -EINVAL): that pin does not exist there.
 */
#ifdef PINNER_HAVE_LONGTERM_NOT_UNLOCKABLE
#define PINNER_HAS_UNLOCKED_LONGTERM	false
#else
#define PINNER_HAS_UNLOCKED_LONGTERM	true
#endif

#ifdef PINNER_HAVE_PIN_USER_PAGES_FAST_ONLY
#define PINNER_HAS_FAST_ONLY	true
/* Up to 6.2.  Never fails: 0 pages when none could be had without a fault. */
static long pinner_pin_user_pages_fast_only(unsigned long start, int nr_pages,
					    unsigned int gup_flags,
					    struct page **pages)
{
	return pin_user_pages_fast_only(start, nr_pages, gup_flags, pages);
}
#else
#define PINNER_HAS_FAST_ONLY	false
static long pinner_pin_user_pages_fast_only(unsigned long start, int nr_pages,
					    unsigned int gup_flags,
					    struct page **pages)
{
	return -EOPNOTSUPP;
}
#endif

/*
 * Two paths to pin_user_pages_fast() that differ only in their middle
 * frame and reach it at the same stack depth: a ledger that remembers
 * stacks by depth alone would name the wrong one.  The barrier() after
 * each call keeps it a call (a tail call would leave no frame), the
 * write keeps the compiler from folding the twins into one function.
 */
static int pinner_twin_path;

static noinline long pinner_fast_common(unsigned long start, int nr_pages,
					unsigned int gup_flags,
					struct page **pages)
{
	long ret = pin_user_pages_fast(start, nr_pages, gup_flags, pages);

	barrier();
	return ret;
}

static noinline long pinner_fast_left(unsigned long start, int nr_pages,
				      unsigned int gup_flags,
				      struct page **pages)
{
	long ret;

	WRITE_ONCE(pinner_twin_path, 1);
	ret = pinner_fast_common(start, nr_pages, gup_flags, pages);
	barrier();
	return ret;
}

static noinline long pinner_fast_right(unsigned long start, int nr_pages,
				       unsigned int gup_flags,
				       struct page **pages)
{
	long ret;

	WRITE_ONCE(pinner_twin_path, 2);
	ret = pinner_fast_common(start, nr_pages, gup_flags, pages);
	barrier();
	return ret;
}

#if defined(PINNER_HAVE_MEMFD_PIN_FOLIOS) && defined(PINNER_HAVE_UNPIN_FOLIOS)
#define PINNER_HAS_MEMFD_PIN_FOLIOS	true
/* 6.10+; its pins are released with unpin_folios(), also 6.10+. */
static long pinner_memfd_pin_folios(struct file *memfd, loff_t start,
				    loff_t end, struct folio **folios,
				    unsigned int max_folios, pgoff_t *offset)
{
	return memfd_pin_folios(memfd, start, end, folios, max_folios, offset);
}
#else
#define PINNER_HAS_MEMFD_PIN_FOLIOS	false
static long pinner_memfd_pin_folios(struct file *memfd, loff_t start,
				    loff_t end, struct folio **folios,
				    unsigned int max_folios, pgoff_t *offset)
{
	return -EOPNOTSUPP;
}
#endif

#ifdef PINNER_HAVE_UNPIN_FOLIO
#define PINNER_HAS_UNPIN_FOLIO	true
/* 6.10+ */
static void pinner_unpin_folio(struct folio *folio)
{
	unpin_folio(folio);
}
#else
#define PINNER_HAS_UNPIN_FOLIO	false
static void pinner_unpin_folio(struct folio *folio)
{
	WARN_ON_ONCE(1);
}
#endif

#ifdef PINNER_HAVE_UNPIN_FOLIOS
#define PINNER_HAS_UNPIN_FOLIOS	true
/* 6.10+ */
static void pinner_unpin_folios(struct folio **folios, unsigned long nr)
{
	unpin_folios(folios, nr);
}
#else
#define PINNER_HAS_UNPIN_FOLIOS	false
static void pinner_unpin_folios(struct folio **folios, unsigned long nr)
{
	WARN_ON_ONCE(1);
}
#endif

#ifdef PINNER_HAVE_UNPIN_USER_FOLIO
#define PINNER_HAS_UNPIN_USER_FOLIO	true
/* 6.11+ */
static void pinner_unpin_user_folio(struct folio *folio, unsigned long npages)
{
	unpin_user_folio(folio, npages);
}
#else
#define PINNER_HAS_UNPIN_USER_FOLIO	false
static void pinner_unpin_user_folio(struct folio *folio, unsigned long npages)
{
	WARN_ON_ONCE(1);
}
#endif

/* ZONE_DEVICE pages hand their last references back to their driver. */
static bool pinner_put_devmap_managed_refs(struct folio *folio, int refs)
{
#if defined(PINNER_HAVE_PUT_DEVMAP_MANAGED_FOLIO_REFS)
	/* 6.10+ */
	return put_devmap_managed_folio_refs(folio, refs);
#elif defined(PINNER_HAVE_PUT_DEVMAP_MANAGED_PAGE_REFS)
	/* Up to 6.9 */
	return put_devmap_managed_page_refs(&folio->page, refs);
#else
	return false;
#endif
}

/* End of compat. */

static const bool pinner_pin_have[PINSTAT_PINNER_NR_PIN_VIAS] = {
	[PINSTAT_PINNER_PIN_USER_PAGES] = true,
	[PINSTAT_PINNER_PIN_USER_PAGES_FAST] = true,
	[PINSTAT_PINNER_PIN_USER_PAGES_FAST_ONLY] = PINNER_HAS_FAST_ONLY,
	[PINSTAT_PINNER_PIN_USER_PAGES_REMOTE] = true,
	[PINSTAT_PINNER_PIN_USER_PAGES_UNLOCKED] = true,
	[PINSTAT_PINNER_MEMFD_PIN_FOLIOS] = PINNER_HAS_MEMFD_PIN_FOLIOS,
};

static const bool pinner_unpin_have[PINSTAT_PINNER_NR_UNPIN_VIAS] = {
	[PINSTAT_PINNER_UNPIN_USER_PAGE] = true,
	[PINSTAT_PINNER_UNPIN_USER_PAGES] = true,
	[PINSTAT_PINNER_UNPIN_USER_PAGES_DIRTY_LOCK] = true,
	[PINSTAT_PINNER_UNPIN_USER_PAGES_DIRTY_LOCK_CLEAN] = true,
	[PINSTAT_PINNER_UNPIN_USER_PAGE_RANGE_DIRTY_LOCK] = true,
	[PINSTAT_PINNER_UNPIN_FOLIO] = PINNER_HAS_UNPIN_FOLIO,
	[PINSTAT_PINNER_UNPIN_FOLIOS] = PINNER_HAS_UNPIN_FOLIOS,
	[PINSTAT_PINNER_UNPIN_USER_FOLIO] = PINNER_HAS_UNPIN_USER_FOLIO,
	[PINSTAT_PINNER_UNPIN_INVISIBLE] = true,
};

/**
 * struct pinner_pin - one held pin
 * @folio_pin: taken by memfd_pin_folios(): @folios, else @pages
 * @first: index of the first entry not released yet
 * @nr: entries the pin was taken with
 * @pages: the pinned pages, as the entry point returned them
 * @folios: the pinned folios of a memfd_pin_folios() pin
 */
struct pinner_pin {
	bool folio_pin;
	unsigned long first;
	unsigned long nr;
	union {
		struct page **pages;
		struct folio **folios;
	};
};

/**
 * struct pinner_file - what an open file holds
 * @pins: id -> struct pinner_pin
 * @lock: serialises releases: a pin's @first, and its removal from @pins
 */
struct pinner_file {
	struct xarray pins;
	struct mutex lock;	/* a pin's @first, and its removal from @pins */
};

static void pinner_pin_free(struct pinner_pin *pin)
{
	kvfree(pin->pages);
	kfree(pin);
}

/* What remains of @pin, released the usual way. */
static void pinner_release_rest(struct pinner_pin *pin)
{
	unsigned long rest = pin->nr - pin->first;

	if (pin->folio_pin)
		pinner_unpin_folios(pin->folios + pin->first, rest);
	else
		unpin_user_pages(pin->pages + pin->first, rest);
	pin->first = pin->nr;
}

static int pinner_pin_pages(const struct pinstat_pinner_pin *args,
			    struct pinner_pin *pin)
{
	unsigned long start = args->addr, nr = args->nr_pages;
	struct mm_struct *mm = current->mm;
	unsigned int gup_flags = 0;
	int locked = 1;
	long ret;

	if (args->flags & PINSTAT_PINNER_WRITE)
		gup_flags |= FOLL_WRITE;
	if (args->flags & PINSTAT_PINNER_LONGTERM)
		gup_flags |= FOLL_LONGTERM;
	pin->pages = kvmalloc_array(nr, sizeof(*pin->pages), GFP_KERNEL);
	if (!pin->pages)
		return -ENOMEM;

	switch (args->via) {
	case PINSTAT_PINNER_PIN_USER_PAGES:
		if (mmap_read_lock_killable(mm)) {
			ret = -EINTR;
			break;
		}
		ret = pinner_pin_user_pages(start, nr, gup_flags, pin->pages);
		mmap_read_unlock(mm);
		break;
	case PINSTAT_PINNER_PIN_USER_PAGES_FAST:
		if (args->flags & PINSTAT_PINNER_FROM_LEFT)
			ret = pinner_fast_left(start, nr, gup_flags, pin->pages);
		else if (args->flags & PINSTAT_PINNER_FROM_RIGHT)
			ret = pinner_fast_right(start, nr, gup_flags,
						pin->pages);
		else
			ret = pin_user_pages_fast(start, nr, gup_flags,
						  pin->pages);
		break;
	case PINSTAT_PINNER_PIN_USER_PAGES_FAST_ONLY:
		ret = pinner_pin_user_pages_fast_only(start, nr, gup_flags,
						      pin->pages);
		break;
	case PINSTAT_PINNER_PIN_USER_PAGES_REMOTE:
		if (mmap_read_lock_killable(mm)) {
			ret = -EINTR;
			break;
		}
		ret = pinner_pin_user_pages_remote(mm, start, nr, gup_flags,
						   pin->pages, &locked);
		if (locked)
			mmap_read_unlock(mm);
		break;
	case PINSTAT_PINNER_PIN_USER_PAGES_UNLOCKED:
		ret = pin_user_pages_unlocked(start, nr, pin->pages, gup_flags);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	if (ret >= 0 && ret < nr) {
		/* A held pin is complete: give back what a short pin took. */
		unpin_user_pages(pin->pages, ret);
		ret = -EFAULT;
	}
	if (ret < 0) {
		kvfree(pin->pages);
		pin->pages = NULL;
		return ret;
	}
	pin->nr = nr;
	return 0;
}

static int pinner_pin_memfd(const struct pinstat_pinner_pin *args,
			    struct pinner_pin *pin)
{
	loff_t start = args->addr;
	loff_t end = start + (args->nr_pages << PAGE_SHIFT) - 1;
	unsigned long covered = 0, i;
	struct file *memfd;
	pgoff_t offset = 0;
	long ret;

	memfd = fget(args->memfd);
	if (!memfd)
		return -EBADF;
	/* One folio per page at most: small folios. */
	pin->folios = kvmalloc_array(args->nr_pages, sizeof(*pin->folios),
				     GFP_KERNEL);
	if (!pin->folios) {
		ret = -ENOMEM;
		goto put_file;
	}
	ret = pinner_memfd_pin_folios(memfd, start, end, pin->folios,
				      args->nr_pages, &offset);
	if (ret < 0)
		goto free_folios;
	for (i = 0; i < ret; i++)
		covered += folio_size(pin->folios[i]);
	if (covered - offset < args->nr_pages << PAGE_SHIFT) {
		/* A held pin is complete: give back what a short pin took. */
		pinner_unpin_folios(pin->folios, ret);
		ret = -EFAULT;
		goto free_folios;
	}
	pin->folio_pin = true;
	pin->nr = ret;
	fput(memfd);
	return 0;

free_folios:
	kvfree(pin->folios);
	pin->folios = NULL;
put_file:
	fput(memfd);
	return ret;
}

static int pinner_ioc_pin(struct pinner_file *pf, void __user *uarg)
{
	struct pinstat_pinner_pin args;
	struct pinner_pin *pin, *gone;
	u32 id;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.reserved[0] || args.reserved[1] ||
	    args.flags & ~PINSTAT_PINNER_FLAGS_ALL ||
	    !args.via || args.via >= PINSTAT_PINNER_NR_PIN_VIAS ||
	    !args.nr_pages || args.nr_pages > INT_MAX ||
	    !PAGE_ALIGNED(args.addr))
		return -EINVAL;
	if ((args.flags & (PINSTAT_PINNER_FROM_LEFT | PINSTAT_PINNER_FROM_RIGHT)) &&
	    (args.via != PINSTAT_PINNER_PIN_USER_PAGES_FAST ||
	     ((args.flags & PINSTAT_PINNER_FROM_LEFT) &&
	      (args.flags & PINSTAT_PINNER_FROM_RIGHT))))
		return -EINVAL;
	/* memfd_pin_folios() takes no flags; the others take no memfd. */
	if (args.via == PINSTAT_PINNER_MEMFD_PIN_FOLIOS) {
		if (args.flags)
			return -EINVAL;
	} else if (args.memfd) {
		return -EINVAL;
	}
	/* nr_pages <= INT_MAX: the length itself fits; a file offset is signed. */
	if (args.addr + (args.nr_pages << PAGE_SHIFT) < args.addr ||
	    args.addr + (args.nr_pages << PAGE_SHIFT) > S64_MAX)
		return -EOVERFLOW;
	if (!pinner_pin_have[args.via])
		return -EOPNOTSUPP;
	if (args.via == PINSTAT_PINNER_PIN_USER_PAGES_UNLOCKED &&
	    args.flags & PINSTAT_PINNER_LONGTERM && !PINNER_HAS_UNLOCKED_LONGTERM)
		return -EOPNOTSUPP;

	pin = kzalloc(sizeof(*pin), GFP_KERNEL);
	if (!pin)
		return -ENOMEM;
	if (args.via == PINSTAT_PINNER_MEMFD_PIN_FOLIOS)
		ret = pinner_pin_memfd(&args, pin);
	else
		ret = pinner_pin_pages(&args, pin);
	if (ret)
		goto free_pin;

	ret = xa_alloc(&pf->pins, &id, pin, xa_limit_32b, GFP_KERNEL);
	if (ret)
		goto release_pin;
	args.id = id;
	args.pinned = pin->nr;
	if (copy_to_user(uarg, &args, sizeof(args))) {
		/* The caller cannot know the id: take the pin back, if still there. */
		mutex_lock(&pf->lock);
		gone = xa_erase(&pf->pins, id);
		if (gone)
			pinner_release_rest(gone);
		mutex_unlock(&pf->lock);
		if (gone)
			pinner_pin_free(gone);
		return -EFAULT;
	}
	return 0;

release_pin:
	pinner_release_rest(pin);
	pinner_pin_free(pin);
	return ret;
free_pin:
	kfree(pin);
	return ret;
}

/*
 * What mm/gup.c's static gup_put_folio(folio, refs, FOLL_PIN) does, in both
 * 6.1 and 6.12, so that no exported unpin function runs.
 */
static void pinner_put_pinned_folio(struct folio *folio, int refs)
{
	/* GUP takes no pin on the zero page. */
	if (is_zero_folio(folio))
		return;
	node_stat_mod_folio(folio, NR_FOLL_PIN_RELEASED, refs);
	if (folio_test_large(folio))
		atomic_sub(refs, &folio->_pincount);
	else
		refs *= GUP_PIN_COUNTING_BIAS;
	if (!pinner_put_devmap_managed_refs(folio, refs))
		folio_put_refs(folio, refs);
}

/* Entries from @i on that are pages of one folio: the length of that run. */
static unsigned long pinner_folio_run(struct page **pages, unsigned long i,
				      unsigned long end)
{
	struct folio *folio = page_folio(pages[i]);
	unsigned long j;

	for (j = i + 1; j < end; j++)
		if (page_folio(pages[j]) != folio)
			break;
	return j - i;
}

/* ... that are also at consecutive indexes of their folio. */
static unsigned long pinner_range_run(struct page **pages, unsigned long i,
				      unsigned long end)
{
	unsigned long j, n = pinner_folio_run(pages, i, end);

	for (j = 1; j < n; j++)
		if (pages[i + j] != nth_page(pages[i], j))
			break;
	return j;
}

/*
 * Release the @n pinned @pages through @via; @folios has room for @n for
 * PINSTAT_PINNER_UNPIN_FOLIOS.
 */
static void pinner_unpin_pages(struct page **pages, unsigned long n,
			       unsigned int via, struct folio **folios)
{
	unsigned long i, run;

	switch (via) {
	case PINSTAT_PINNER_UNPIN_USER_PAGE:
		for (i = 0; i < n; i++)
			unpin_user_page(pages[i]);
		break;
	case PINSTAT_PINNER_UNPIN_USER_PAGES:
		unpin_user_pages(pages, n);
		break;
	case PINSTAT_PINNER_UNPIN_USER_PAGES_DIRTY_LOCK:
		unpin_user_pages_dirty_lock(pages, n, true);
		break;
	case PINSTAT_PINNER_UNPIN_USER_PAGES_DIRTY_LOCK_CLEAN:
		unpin_user_pages_dirty_lock(pages, n, false);
		break;
	case PINSTAT_PINNER_UNPIN_USER_PAGE_RANGE_DIRTY_LOCK:
		for (i = 0; i < n; i += run) {
			run = pinner_range_run(pages, i, n);
			unpin_user_page_range_dirty_lock(pages[i], run, true);
		}
		break;
	case PINSTAT_PINNER_UNPIN_FOLIO:
		for (i = 0; i < n; i++)
			pinner_unpin_folio(page_folio(pages[i]));
		break;
	case PINSTAT_PINNER_UNPIN_FOLIOS:
		for (i = 0; i < n; i++)
			folios[i] = page_folio(pages[i]);
		pinner_unpin_folios(folios, n);
		break;
	case PINSTAT_PINNER_UNPIN_USER_FOLIO:
		for (i = 0; i < n; i += run) {
			run = pinner_folio_run(pages, i, n);
			pinner_unpin_user_folio(page_folio(pages[i]), run);
		}
		break;
	case PINSTAT_PINNER_UNPIN_INVISIBLE:
		for (i = 0; i < n; i += run) {
			run = pinner_folio_run(pages, i, n);
			pinner_put_pinned_folio(page_folio(pages[i]), run);
		}
		break;
	}
}

/* Release @n entries of a memfd_pin_folios() pin through @via. */
static void pinner_unpin_folio_pin(struct folio **folios, unsigned long n,
				   unsigned int via)
{
	unsigned long i;

	switch (via) {
	case PINSTAT_PINNER_UNPIN_FOLIO:
		for (i = 0; i < n; i++)
			pinner_unpin_folio(folios[i]);
		break;
	case PINSTAT_PINNER_UNPIN_FOLIOS:
		pinner_unpin_folios(folios, n);
		break;
	case PINSTAT_PINNER_UNPIN_USER_FOLIO:
		for (i = 0; i < n; i++)
			pinner_unpin_user_folio(folios[i], 1);
		break;
	case PINSTAT_PINNER_UNPIN_INVISIBLE:
		for (i = 0; i < n; i++)
			pinner_put_pinned_folio(folios[i], 1);
		break;
	}
}

static bool pinner_unpin_takes_folio_pin(unsigned int via)
{
	return via == PINSTAT_PINNER_UNPIN_FOLIO ||
	       via == PINSTAT_PINNER_UNPIN_FOLIOS ||
	       via == PINSTAT_PINNER_UNPIN_USER_FOLIO ||
	       via == PINSTAT_PINNER_UNPIN_INVISIBLE;
}

static int pinner_ioc_unpin(struct pinner_file *pf, void __user *uarg)
{
	struct pinstat_pinner_unpin args;
	struct folio **folios = NULL;
	struct pinner_pin *pin;
	unsigned long n;
	int ret = 0;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.reserved[0] || args.reserved[1] ||
	    !args.via || args.via >= PINSTAT_PINNER_NR_UNPIN_VIAS)
		return -EINVAL;
	if (!pinner_unpin_have[args.via])
		return -EOPNOTSUPP;

	mutex_lock(&pf->lock);
	pin = xa_load(&pf->pins, args.id);
	if (!pin) {
		ret = -ENOENT;
		goto unlock;
	}
	n = args.nr_pages ? args.nr_pages : pin->nr - pin->first;
	if (n > pin->nr - pin->first ||
	    (pin->folio_pin && !pinner_unpin_takes_folio_pin(args.via))) {
		ret = -EINVAL;
		goto unlock;
	}
	if (pin->folio_pin) {
		pinner_unpin_folio_pin(pin->folios + pin->first, n, args.via);
	} else {
		if (args.via == PINSTAT_PINNER_UNPIN_FOLIOS) {
			folios = kvmalloc_array(n, sizeof(*folios), GFP_KERNEL);
			if (!folios) {
				ret = -ENOMEM;
				goto unlock;
			}
		}
		pinner_unpin_pages(pin->pages + pin->first, n, args.via, folios);
		kvfree(folios);
	}
	pin->first += n;
	if (pin->first == pin->nr)
		xa_erase(&pf->pins, args.id);
	else
		pin = NULL;
unlock:
	mutex_unlock(&pf->lock);
	if (!ret && pin)
		pinner_pin_free(pin);
	return ret;
}

static long pinner_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct pinner_file *pf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case PINSTAT_PINNER_IOC_PIN:
		return pinner_ioc_pin(pf, uarg);
	case PINSTAT_PINNER_IOC_UNPIN:
		return pinner_ioc_unpin(pf, uarg);
	}
	return -ENOTTY;
}

static int pinner_open(struct inode *inode, struct file *file)
{
	struct pinner_file *pf = kzalloc(sizeof(*pf), GFP_KERNEL);

	if (!pf)
		return -ENOMEM;
	xa_init_flags(&pf->pins, XA_FLAGS_ALLOC1);
	mutex_init(&pf->lock);
	file->private_data = pf;
	return 0;
}

static int pinner_release(struct inode *inode, struct file *file)
{
	struct pinner_file *pf = file->private_data;
	struct pinner_pin *pin;
	unsigned long id;

	xa_for_each(&pf->pins, id, pin) {
		pinner_release_rest(pin);
		pinner_pin_free(pin);
	}
	xa_destroy(&pf->pins);
	mutex_destroy(&pf->lock);
	kfree(pf);
	return 0;
}

static const struct file_operations pinner_fops = {
	.owner = THIS_MODULE,
	.open = pinner_open,
	.release = pinner_release,
	.unlocked_ioctl = pinner_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice pinner_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pinstat_pinner",
	.fops = &pinner_fops,
	.mode = 0600,
};

module_misc_device(pinner_dev);

MODULE_DESCRIPTION("Pins and unpins user pages through every exported GUP entry point, for pinstat's tests");
MODULE_LICENSE("GPL");
