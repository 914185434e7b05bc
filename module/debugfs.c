// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/pinstat/{summary,pins,runs}; the ledger's
 * files are in ledger_debugfs.c, the census's in census_debugfs.c.
 *
 * Every file prints one record a line as key=value pairs (listed in
 * Documentation/pinstat/debugfs.rst).  "pins" and "runs" can be long, so
 * they are seq_files with a cursor (session id, handle, run) that survives
 * between read() calls: the next read resumes where the last stopped
 * instead of walking from the start, and a pin released in between is
 * simply skipped.  Records come from record.c, sessions from registry.c:
 * this file only formats them.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <kunit/visibility.h>

#include "ledger.h"
#include "pinstat_internal.h"

static struct dentry *pinstat_debugfs_dir;

/**
 * struct pinstat_iter - cursor of a "pins" or "runs" reader
 * @per_pin: one record per pin ("pins") rather than per run ("runs")
 * @pos: seq_file position of the record the cursor is at
 * @session_id: session of that record (or the first one after it)
 * @handle: its pin (or the first one after it)
 * @cur: its run within the pin
 * @s: the session, locked, between start and stop
 * @pin: the pin, between start and stop
 * @run: the run, between start and stop
 */
struct pinstat_iter {
	bool per_pin;
	loff_t pos;
	u64 session_id;
	unsigned long handle;
	struct pinstat_run_cursor cur;
	struct pinstat_session *s;
	struct pinstat_pin *pin;
	struct pinstat_run run;
};

static void pinstat_iter_unlock_session(struct pinstat_iter *it)
{
	if (it->s) {
		pinstat_registry_unlock_session(it->s);
		it->s = NULL;
	}
}

static bool pinstat_iter_lock_session(struct pinstat_iter *it)
{
	struct pinstat_session *s;

	s = pinstat_registry_lock_session_from(it->session_id);
	if (!s)
		return false;
	if (s->id != it->session_id) {
		it->session_id = s->id;
		it->handle = 0;
		it->cur = (struct pinstat_run_cursor){};
	}
	it->s = s;
	return true;
}

/* Move the cursor onto the first record at or after it. */
static bool pinstat_iter_settle(struct pinstat_iter *it)
{
	for (;;) {
		struct pinstat_run_cursor cur;
		unsigned long handle;
		struct pinstat_pin *pin;

		if (!it->s && !pinstat_iter_lock_session(it))
			return false;
		handle = it->handle;
		pin = xa_find(&it->s->pins, &handle, ULONG_MAX, XA_PRESENT);
		if (!pin) {
			pinstat_iter_unlock_session(it);
			it->session_id++;
			it->handle = 0;
			it->cur = (struct pinstat_run_cursor){};
			continue;
		}
		if (handle != it->handle) {
			it->handle = handle;
			it->cur = (struct pinstat_run_cursor){};
		}
		it->pin = pin;
		if (it->per_pin)
			return true;
		cur = it->cur;
		if (pinstat_pin_next_run(pin, &cur, &it->run))
			return true;
		it->handle++;
		it->cur = (struct pinstat_run_cursor){};
	}
}

static bool pinstat_iter_advance(struct pinstat_iter *it)
{
	if (it->per_pin)
		it->handle++;
	else
		pinstat_pin_next_run(it->pin, &it->cur, &it->run);
	return pinstat_iter_settle(it);
}

static void *pinstat_seq_start(struct seq_file *m, loff_t *pos)
{
	struct pinstat_iter *it = m->private;

	pinstat_registry_lock();
	it->s = NULL;
	if (*pos == 0 || *pos != it->pos) {
		it->pos = 0;
		it->session_id = 0;
		it->handle = 0;
		it->cur = (struct pinstat_run_cursor){};
	}
	if (!pinstat_iter_settle(it))
		return NULL;
	while (it->pos < *pos) {
		if (!pinstat_iter_advance(it))
			return NULL;
		it->pos++;
	}
	return it;
}

static void *pinstat_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct pinstat_iter *it = m->private;

	bool more;

	++*pos;
	more = pinstat_iter_advance(it);
	/* At the end too, so reading at EOF does not walk from the start. */
	it->pos = *pos;
	return more ? it : NULL;
}

static void pinstat_seq_stop(struct seq_file *m, void *v)
{
	struct pinstat_iter *it = m->private;

	pinstat_iter_unlock_session(it);
	pinstat_registry_unlock();
}

static const char *pinstat_pin_flags_name(u32 flags)
{
	switch (flags & PINSTAT_PIN_FLAGS_ALL) {
	case PINSTAT_PIN_WRITE | PINSTAT_PIN_LONGTERM:
		return "write,longterm";
	case PINSTAT_PIN_WRITE:
		return "write";
	case PINSTAT_PIN_LONGTERM:
		return "longterm";
	default:
		return "none";
	}
}

static const char *pinstat_pin_count_name(const struct pinstat_pin *pin)
{
	if (pin->nr_large == pin->nr_runs)
		return "exact";
	return pin->nr_large ? "mixed" : "estimate";
}

static int pinstat_pins_show(struct seq_file *m, void *v)
{
	struct pinstat_iter *it = v;
	const struct pinstat_pin *pin = it->pin;

	seq_printf(m,
		   "session=%llu handle=%u pid=%d addr=0x%lx len=%lu flags=%s pages=%u runs=%u bookkeeping=%zu pincount=%s comm=%s\n",
		   it->s->id, pin->handle, it->s->pid, pin->addr, pin->len,
		   pinstat_pin_flags_name(pin->flags), pin->nr_pages, pin->nr_runs,
		   pinstat_pin_bookkeeping(pin), pinstat_pin_count_name(pin),
		   it->s->comm);
	return 0;
}

static int pinstat_runs_show(struct seq_file *m, void *v)
{
	struct pinstat_iter *it = v;
	struct pinstat_run_cursor cur = it->cur;
	struct pinstat_folio_record rec;
	int ret;

	/* The record of it->run, the run at it->cur. */
	ret = pinstat_records_of_pin(it->pin, &cur, &rec, 1);
	if (ret <= 0)
		return ret;
	seq_printf(m,
		   "session=%llu handle=%u pid=%d addr=0x%llx pfn=0x%llx order=%u kind=%s first_page=%u pages=%u pincount=%llu exact=%d refcount=%u mapcount=%d maybe_dma_pinned=%d pin_headroom=%u own_pins=%u foreign_pins=%u\n",
		   it->s->id, it->pin->handle, it->s->pid, rec.addr, rec.pfn, rec.order,
		   pinstat_kind_name(rec.kind), rec.first_page, rec.nr_pages,
		   rec.pincount, !!(rec.flags & PINSTAT_FOLIO_EXACT),
		   rec.refcount, rec.mapcount,
		   !!(rec.flags & PINSTAT_FOLIO_MAYBE_DMA_PINNED),
		   rec.pin_headroom, rec.own_pins, rec.foreign_pins);
	return 0;
}

static const struct seq_operations pinstat_pins_seq_ops = {
	.start = pinstat_seq_start,
	.next = pinstat_seq_next,
	.stop = pinstat_seq_stop,
	.show = pinstat_pins_show,
};

static const struct seq_operations pinstat_runs_seq_ops = {
	.start = pinstat_seq_start,
	.next = pinstat_seq_next,
	.stop = pinstat_seq_stop,
	.show = pinstat_runs_show,
};

static int pinstat_iter_open(struct file *file,
			     const struct seq_operations *ops, bool per_pin)
{
	struct pinstat_iter *it;

	it = __seq_open_private(file, ops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->per_pin = per_pin;
	return 0;
}

static int pinstat_pins_open(struct inode *inode, struct file *file)
{
	return pinstat_iter_open(file, &pinstat_pins_seq_ops, true);
}

static int pinstat_runs_open(struct inode *inode, struct file *file)
{
	return pinstat_iter_open(file, &pinstat_runs_seq_ops, false);
}

/* Not static: the KUnit suite reads the files through their real code. */
const struct file_operations pinstat_pins_fops = {
	.owner = THIS_MODULE,
	.open = pinstat_pins_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};
EXPORT_SYMBOL_IF_KUNIT(pinstat_pins_fops);

const struct file_operations pinstat_runs_fops = {
	.owner = THIS_MODULE,
	.open = pinstat_runs_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};
EXPORT_SYMBOL_IF_KUNIT(pinstat_runs_fops);

static void pinstat_count_runs_by_order(const struct pinstat_pin *pin,
					void *by_order)
{
	struct pinstat_run_cursor cur = {};
	struct pinstat_run run;
	unsigned int order;

	while (pinstat_pin_next_run(pin, &cur, &run)) {
		order = folio_order(page_folio(run.page));
		((u64 *)by_order)[min_t(unsigned int, order,
					PINSTAT_NR_ORDERS - 1)]++;
	}
}

/* Runs per folio order are summed from the live pins only when asked. */
static void pinstat_show_runs_by_order(struct seq_file *m)
{
	u64 by_order[PINSTAT_NR_ORDERS] = {};
	unsigned int order;

	pinstat_registry_visit_pins(pinstat_count_runs_by_order, by_order);
	for (order = 0; order < PINSTAT_NR_ORDERS; order++)
		if (by_order[order])
			seq_printf(m, "runs_order%u=%llu\n", order,
				   by_order[order]);
}

static int pinstat_show_summary(struct seq_file *m, void *unused)
{
	pinstat_stats_show(m);
	pinstat_show_runs_by_order(m);
	seq_printf(m, "max_pins_per_session=%u\n",
		   READ_ONCE(pinstat_max_pins_per_session));
	seq_printf(m, "max_pages_per_session=%u\n",
		   READ_ONCE(pinstat_max_pages_per_session));
	pinstat_ledger_show_summary(m);
	return 0;
}

static int pinstat_summary_open(struct inode *inode, struct file *file)
{
	return single_open(file, pinstat_show_summary, NULL);
}

const struct file_operations pinstat_summary_fops = {
	.owner = THIS_MODULE,
	.open = pinstat_summary_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};
EXPORT_SYMBOL_IF_KUNIT(pinstat_summary_fops);

/**
 * pinstat_debugfs_init() - create /sys/kernel/debug/pinstat
 *
 * Return: 0, or -ENODEV when debugfs is not available.
 */
int pinstat_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("pinstat", NULL);

	if (IS_ERR(dir))
		return -ENODEV;
	pinstat_debugfs_dir = dir;
	debugfs_create_file("summary", 0400, dir, NULL, &pinstat_summary_fops);
	debugfs_create_file("pins", 0400, dir, NULL, &pinstat_pins_fops);
	debugfs_create_file("runs", 0400, dir, NULL, &pinstat_runs_fops);
	pinstat_ledger_debugfs_init(dir);
	pinstat_census_debugfs_init(dir);
	return 0;
}

/**
 * pinstat_debugfs_exit() - remove /sys/kernel/debug/pinstat
 */
void pinstat_debugfs_exit(void)
{
	debugfs_remove_recursive(pinstat_debugfs_dir);
	pinstat_debugfs_dir = NULL;
}
