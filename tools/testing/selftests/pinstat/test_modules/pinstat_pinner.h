/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pinstat_pinner: a test module that pins a user buffer through each
 * exported GUP pin entry point and releases it through each exported unpin
 * function, or behind every probe's back.  Its ioctl ABI, shared by the
 * module and the selftests.
 *
 * Each open file of /dev/pinstat_pinner holds the pins taken through it;
 * closing the file releases what is left of them with unpin_user_pages()
 * (unpin_folios() for memfd_pin_folios() pins).
 *
 * Errors common to both ioctls:
 *   -ENOTTY      unknown command
 *   -EFAULT      the argument struct cannot be copied
 *   -EINVAL      a reserved field is non-zero, an unknown flag or via
 *   -EOPNOTSUPP  the running kernel lacks the entry point @via names
 */
#ifndef _PINSTAT_PINNER_H
#define _PINSTAT_PINNER_H

#include <linux/ioctl.h>
#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/build_bug.h>
#else
#include <assert.h>
#endif

#define PINSTAT_PINNER_DEV	"/dev/pinstat_pinner"

/**
 * enum pinstat_pinner_pin_via - the entry point PIN pins through
 * @PINSTAT_PINNER_PIN_USER_PAGES: pin_user_pages(), mmap read lock held
 * @PINSTAT_PINNER_PIN_USER_PAGES_FAST: pin_user_pages_fast()
 * @PINSTAT_PINNER_PIN_USER_PAGES_FAST_ONLY: pin_user_pages_fast_only()
 *	(gone in 6.3: -EOPNOTSUPP there)
 * @PINSTAT_PINNER_PIN_USER_PAGES_REMOTE: pin_user_pages_remote() of the
 *	caller's own mm, mmap read lock held, which GUP may drop (@locked)
 * @PINSTAT_PINNER_PIN_USER_PAGES_UNLOCKED: pin_user_pages_unlocked()
 *	(with PINSTAT_PINNER_LONGTERM only from 6.3: -EOPNOTSUPP before)
 * @PINSTAT_PINNER_MEMFD_PIN_FOLIOS: memfd_pin_folios() (6.10+) of the file
 *	offset range [@addr, @addr + @nr_pages pages) of memfd @memfd
 * @PINSTAT_PINNER_NR_PIN_VIAS: number of vias, not one
 */
enum pinstat_pinner_pin_via {
	PINSTAT_PINNER_PIN_USER_PAGES = 1,
	PINSTAT_PINNER_PIN_USER_PAGES_FAST = 2,
	PINSTAT_PINNER_PIN_USER_PAGES_FAST_ONLY = 3,
	PINSTAT_PINNER_PIN_USER_PAGES_REMOTE = 4,
	PINSTAT_PINNER_PIN_USER_PAGES_UNLOCKED = 5,
	PINSTAT_PINNER_MEMFD_PIN_FOLIOS = 6,
	PINSTAT_PINNER_NR_PIN_VIAS
};

/**
 * enum pinstat_pinner_unpin_via - how UNPIN releases
 * @PINSTAT_PINNER_UNPIN_USER_PAGE: unpin_user_page(), once per page
 * @PINSTAT_PINNER_UNPIN_USER_PAGES: unpin_user_pages()
 * @PINSTAT_PINNER_UNPIN_USER_PAGES_DIRTY_LOCK:
 *	unpin_user_pages_dirty_lock(), make_dirty true
 * @PINSTAT_PINNER_UNPIN_USER_PAGES_DIRTY_LOCK_CLEAN:
 *	unpin_user_pages_dirty_lock(), make_dirty false
 * @PINSTAT_PINNER_UNPIN_USER_PAGE_RANGE_DIRTY_LOCK:
 *	unpin_user_page_range_dirty_lock(), make_dirty true, once per run of
 *	pages of one folio at consecutive indexes
 * @PINSTAT_PINNER_UNPIN_FOLIO: unpin_folio() (6.10+), once per page, or
 *	once per folio of a memfd_pin_folios() pin
 * @PINSTAT_PINNER_UNPIN_FOLIOS: unpin_folios() (6.10+) of the folio of
 *	each page, or of the folios of a memfd_pin_folios() pin
 * @PINSTAT_PINNER_UNPIN_USER_FOLIO: unpin_user_folio() (6.11+), once per
 *	run of pages of one folio with the run's length, or once per folio
 *	of a memfd_pin_folios() pin
 * @PINSTAT_PINNER_UNPIN_INVISIBLE: what mm/gup.c's gup_put_folio() does
 *	for FOLL_PIN, done by the module itself without calling any exported
 *	unpin function: no probe on those functions sees this release
 * @PINSTAT_PINNER_NR_UNPIN_VIAS: number of vias, not one
 *
 * The page-array vias (the first five) release page pins only.
 */
enum pinstat_pinner_unpin_via {
	PINSTAT_PINNER_UNPIN_USER_PAGE = 1,
	PINSTAT_PINNER_UNPIN_USER_PAGES = 2,
	PINSTAT_PINNER_UNPIN_USER_PAGES_DIRTY_LOCK = 3,
	PINSTAT_PINNER_UNPIN_USER_PAGES_DIRTY_LOCK_CLEAN = 4,
	PINSTAT_PINNER_UNPIN_USER_PAGE_RANGE_DIRTY_LOCK = 5,
	PINSTAT_PINNER_UNPIN_FOLIO = 6,
	PINSTAT_PINNER_UNPIN_FOLIOS = 7,
	PINSTAT_PINNER_UNPIN_USER_FOLIO = 8,
	PINSTAT_PINNER_UNPIN_INVISIBLE = 9,
	PINSTAT_PINNER_NR_UNPIN_VIAS
};

/* Flags for struct pinstat_pinner_pin.flags (page pins only) */
#define PINSTAT_PINNER_WRITE		0x1U	/* FOLL_WRITE */
#define PINSTAT_PINNER_LONGTERM		0x2U	/* FOLL_LONGTERM */
/*
 * PINSTAT_PINNER_PIN_USER_PAGES_FAST only, one of the two: call it through
 * pinner_fast_left() or pinner_fast_right(), twins that reach it through
 * pinner_fast_common() at the same stack depth, for the ledger's stacks.
 */
#define PINSTAT_PINNER_FROM_LEFT	0x4U
#define PINSTAT_PINNER_FROM_RIGHT	0x8U
#define PINSTAT_PINNER_FLAGS_ALL	(PINSTAT_PINNER_WRITE |		\
					 PINSTAT_PINNER_LONGTERM |	\
					 PINSTAT_PINNER_FROM_LEFT |	\
					 PINSTAT_PINNER_FROM_RIGHT)

/**
 * struct pinstat_pinner_pin - argument of PINSTAT_PINNER_IOC_PIN
 * @addr: in: user address of the first page, or for
 *	PINSTAT_PINNER_MEMFD_PIN_FOLIOS the file offset in bytes; page aligned
 * @nr_pages: in: pages to pin (1 .. INT_MAX)
 * @via: in: enum pinstat_pinner_pin_via
 * @flags: in: PINSTAT_PINNER_* flags; zero for memfd_pin_folios() (which
 *	pins long-term anyway)
 * @memfd: in: the memfd for PINSTAT_PINNER_MEMFD_PIN_FOLIOS, else zero
 * @id: out: the pin's id in this file, never 0
 * @pinned: out: pages pinned, or folios for memfd_pin_folios()
 * @reserved: must be zero
 *
 * A held pin is always complete: when the entry point pins fewer pages
 * than asked, the module releases them and fails with -EFAULT.
 * Errors besides the common ones:
 *   -EINVAL     @nr_pages 0 or above INT_MAX, @addr not page aligned, a
 *               non-zero @memfd or (for memfd_pin_folios) @flags, both
 *               PINSTAT_PINNER_FROM_* or one with another @via
 *   -EOVERFLOW  the range wraps around
 *   -EFAULT     fewer pages (or folios covering less) than asked, or the
 *               entry point's own -EFAULT
 *   -EBADF      @memfd is not an open file
 *   -ENOMEM     out of memory
 *   any other error the entry point returns
 */
struct pinstat_pinner_pin {
	__u64 addr;
	__u64 nr_pages;
	__u32 via;
	__u32 flags;
	__s32 memfd;
	__u32 id;
	__u64 pinned;
	__u64 reserved[2];
};

/**
 * struct pinstat_pinner_unpin - argument of PINSTAT_PINNER_IOC_UNPIN
 * @id: in: the pin to release from
 * @via: in: enum pinstat_pinner_unpin_via
 * @nr_pages: in: 0 to release all that remains of the pin, else how many
 *	entries (pages, or folios of a memfd_pin_folios() pin) to release
 *	from the start of what remains; the pin is gone once nothing remains
 * @reserved: must be zero
 *
 * Errors besides the common ones:
 *   -ENOENT  no pin with that @id in this file
 *   -EINVAL  @nr_pages above what remains, or a page-array @via for a
 *            memfd_pin_folios() pin
 *   -ENOMEM  out of memory (PINSTAT_PINNER_UNPIN_FOLIOS' folio array);
 *            nothing was released
 */
struct pinstat_pinner_unpin {
	__u32 id;
	__u32 via;
	__u64 nr_pages;
	__u64 reserved[2];
};

/* The structs have no implicit padding: their sizes are the fields' sums. */
static_assert(sizeof(struct pinstat_pinner_pin) == 56,
	      "struct pinstat_pinner_pin has padding");
static_assert(sizeof(struct pinstat_pinner_unpin) == 32,
	      "struct pinstat_pinner_unpin has padding");

/* 'J' is pinstat's; 0x40 and up are the test module's */
#define PINSTAT_PINNER_IOC_MAGIC	'J'
#define PINSTAT_PINNER_IOC_PIN		\
	_IOWR(PINSTAT_PINNER_IOC_MAGIC, 0x40, struct pinstat_pinner_pin)
#define PINSTAT_PINNER_IOC_UNPIN	\
	_IOWR(PINSTAT_PINNER_IOC_MAGIC, 0x41, struct pinstat_pinner_unpin)

#endif /* _PINSTAT_PINNER_H */
