// SPDX-License-Identifier: GPL-2.0
/*
 * Module-wide counters for debugfs "summary".  Atomics, not a lock: they are
 * bumped from every session and read as a snapshot that may be mid-update.
 */

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/vmstat.h>
#include <kunit/visibility.h>

#include "pinstat_internal.h"

/* The errnos pinstat returns; anything else is counted as "other". */
static const struct {
	int err;
	const char *name;
} pinstat_errnos[] = {
	{ EINVAL, "EINVAL" },	{ EFAULT, "EFAULT" },	{ ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },	{ ENOENT, "ENOENT" },	{ ENOSPC, "ENOSPC" },
	{ EMFILE, "EMFILE" },	{ EDQUOT, "EDQUOT" },	{ EOVERFLOW, "EOVERFLOW" },
	{ ENOTTY, "ENOTTY" },	{ EINTR, "EINTR" },	{ EBUSY, "EBUSY" },
	{ EAGAIN, "EAGAIN" },	{ EOPNOTSUPP, "EOPNOTSUPP" },
	{ EPERM, "EPERM" },	{ EXDEV, "EXDEV" },	{ ETOOMANYREFS, "ETOOMANYREFS" },
	{ ESRCH, "ESRCH" },
};

static struct {
	atomic64_t sessions;
	atomic64_t pins;
	atomic64_t pages;
	atomic64_t runs;
	atomic64_t bookkeeping;
	atomic64_t pin_ns;
	atomic64_t calls[PINSTAT_NR_IOCTLS];
	atomic64_t failures[ARRAY_SIZE(pinstat_errnos) + 1];
} pinstat_stats;

/**
 * pinstat_stats_read() - take a snapshot of the counters
 * @snap: filled; the fields are read one by one, not atomically together
 */
void pinstat_stats_read(struct pinstat_stats_snapshot *snap)
{
	size_t i;

	snap->sessions = atomic64_read(&pinstat_stats.sessions);
	snap->pins = atomic64_read(&pinstat_stats.pins);
	snap->pages = atomic64_read(&pinstat_stats.pages);
	snap->runs = atomic64_read(&pinstat_stats.runs);
	snap->bookkeeping = atomic64_read(&pinstat_stats.bookkeeping);
	snap->failures = 0;
	for (i = 0; i < ARRAY_SIZE(pinstat_stats.failures); i++)
		snap->failures += atomic64_read(&pinstat_stats.failures[i]);
}
EXPORT_SYMBOL_IF_KUNIT(pinstat_stats_read);

/**
 * pinstat_stats_session() - count a session opened (1) or closed (-1)
 * @delta: 1 or -1
 */
void pinstat_stats_session(int delta)
{
	atomic64_add(delta, &pinstat_stats.sessions);
}

static void pinstat_stats_pin_delta(const struct pinstat_pin *pin, int sign)
{
	atomic64_add(sign, &pinstat_stats.pins);
	atomic64_add(sign * (s64)pin->nr_pages, &pinstat_stats.pages);
	atomic64_add(sign * (s64)pin->nr_runs, &pinstat_stats.runs);
	atomic64_add(sign * (s64)pinstat_pin_bookkeeping(pin),
		     &pinstat_stats.bookkeeping);
}

/**
 * pinstat_stats_pinned() - account a new pin
 * @pin: the pin, fully built
 * @pin_ns: time it took
 */
void pinstat_stats_pinned(const struct pinstat_pin *pin, u64 pin_ns)
{
	pinstat_stats_pin_delta(pin, 1);
	atomic64_add(pin_ns, &pinstat_stats.pin_ns);
}

/**
 * pinstat_stats_unpinned() - account a pin about to be released
 * @pin: the pin, still holding its pages
 */
void pinstat_stats_unpinned(const struct pinstat_pin *pin)
{
	pinstat_stats_pin_delta(pin, -1);
}

/**
 * pinstat_stats_call() - count an ioctl and its failure, if any
 * @nr: _IOC_NR() of the command, 0 for an unknown one
 * @ret: its result, 0 or a negative errno
 */
void pinstat_stats_call(unsigned int nr, int ret)
{
	size_t i;

	atomic64_inc(&pinstat_stats.calls[nr < PINSTAT_NR_IOCTLS ? nr : 0]);
	if (ret >= 0)
		return;
	for (i = 0; i < ARRAY_SIZE(pinstat_errnos); i++)
		if (pinstat_errnos[i].err == -ret)
			break;
	atomic64_inc(&pinstat_stats.failures[i]);
}

#define PINSTAT_SHOW(m, name) \
	seq_printf(m, #name "=%lld\n", atomic64_read(&pinstat_stats.name))

/**
 * pinstat_stats_show() - print the counters, one key=value a line
 * @m: the seq_file of debugfs "summary"
 */
void pinstat_stats_show(struct seq_file *m)
{
	size_t i;

	PINSTAT_SHOW(m, sessions);
	PINSTAT_SHOW(m, pins);
	PINSTAT_SHOW(m, pages);
	seq_printf(m, "bytes_pinned=%lld\n",
		   atomic64_read(&pinstat_stats.pages) << PAGE_SHIFT);
	PINSTAT_SHOW(m, runs);
	PINSTAT_SHOW(m, bookkeeping);
	PINSTAT_SHOW(m, pin_ns);
	for (i = 1; i < PINSTAT_NR_IOCTLS; i++)
		seq_printf(m, "%s_calls=%lld\n", pinstat_ioctl_name(i),
			   atomic64_read(&pinstat_stats.calls[i]));
	seq_printf(m, "other_calls=%lld\n",
		   atomic64_read(&pinstat_stats.calls[0]));
	for (i = 0; i < ARRAY_SIZE(pinstat_errnos); i++)
		seq_printf(m, "failures_%s=%lld\n", pinstat_errnos[i].name,
			   atomic64_read(&pinstat_stats.failures[i]));
	seq_printf(m, "failures_other=%lld\n",
		   atomic64_read(&pinstat_stats.failures[i]));
	seq_printf(m, "nr_foll_pin_acquired=%lu\n",
		   global_node_page_state(NR_FOLL_PIN_ACQUIRED));
	seq_printf(m, "nr_foll_pin_released=%lu\n",
		   global_node_page_state(NR_FOLL_PIN_RELEASED));
}
