// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs files of the pin ledger, in /sys/kernel/debug/pinstat/:
 *
 *   ledger_enable  0 or 1; writing turns the ledger off or on
 *   ledger         one line per entry (a pin call whose pins are held)
 *   holds          one line per entry's hold on a folio, by pfn
 *   stacks         each distinct pinner stack, symbolised
 *
 * The formats are in Documentation/pinstat/debugfs.rst.  A read from the
 * start reconciles the book first; the cursor (an id or a pfn) survives
 * between read() calls as in the other files.  Nothing is copied to user
 * memory with the book locked: seq_file copies after ->stop().
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <kunit/visibility.h>

#include "ledger.h"

/**
 * struct pinstat_ledger_iter - cursor of a ledger file's reader
 * @pos: seq_file position of the record at the cursor
 * @key: id (entries, stacks) or pfn (holds) of that record
 * @nth: index of the hold within its folio (holds)
 * @locked: the book is locked (between start and stop)
 * @record: the record at the cursor
 */
struct pinstat_ledger_iter {
	loff_t pos;
	unsigned long key;
	u32 nth;
	bool locked;
	void *record;
};

/* Per file: put @it on its record at or after @it->key (and nth). */
typedef bool (*pinstat_ledger_settle_t)(struct pinstat_ledger_iter *it);

static bool pinstat_entry_settle(struct pinstat_ledger_iter *it)
{
	it->record = pinstat_ledger_entry_from(&it->key);
	return it->record;
}

static bool pinstat_stack_settle(struct pinstat_ledger_iter *it)
{
	it->record = pinstat_ledger_stack_from(&it->key);
	return it->record;
}

static bool pinstat_hold_settle(struct pinstat_ledger_iter *it)
{
	struct pinstat_ledger_folio *lf;
	struct pinstat_ledger_hold *h;
	unsigned long pfn = it->key;
	u32 n;

	for (;;) {
		lf = pinstat_ledger_folio_from(&pfn);
		if (!lf)
			return false;
		if (pfn != it->key) {
			it->key = pfn;
			it->nth = 0;
		}
		n = 0;
		list_for_each_entry(h, &lf->holds, folio_node) {
			if (n++ == it->nth) {
				it->record = h;
				return true;
			}
		}
		if (pfn == ULONG_MAX)
			return false;
		it->key = ++pfn;
		it->nth = 0;
	}
}

/* Per file: step @it past its record. */
typedef void (*pinstat_ledger_step_t)(struct pinstat_ledger_iter *it);

static void pinstat_entry_step(struct pinstat_ledger_iter *it)
{
	it->key++;
}

static void pinstat_stack_step(struct pinstat_ledger_iter *it)
{
	it->key++;
}

static void pinstat_hold_step(struct pinstat_ledger_iter *it)
{
	it->nth++;
}

static void *pinstat_ledger_seq_start(struct seq_file *m, loff_t *pos,
				      pinstat_ledger_settle_t settle,
				      pinstat_ledger_step_t step)
{
	struct pinstat_ledger_iter *it = m->private;
	int ret;

	if (*pos == 0) {
		ret = pinstat_ledger_lock_reconciled();
		if (ret)
			return ERR_PTR(ret);
	} else {
		pinstat_ledger_lock();
	}
	it->locked = true;
	if (*pos == 0 || *pos != it->pos) {
		it->pos = 0;
		it->key = 0;
		it->nth = 0;
	}
	for (;;) {
		if (!settle(it))
			return NULL;
		if (it->pos == *pos)
			return it;
		step(it);
		it->pos++;
	}
}

static void *pinstat_ledger_seq_next(struct seq_file *m, void *v, loff_t *pos,
				     pinstat_ledger_settle_t settle,
				     pinstat_ledger_step_t step)
{
	struct pinstat_ledger_iter *it = v;

	step(it);
	*pos = ++it->pos;
	return settle(it) ? it : NULL;
}

static void pinstat_ledger_seq_stop(struct seq_file *m, void *v)
{
	struct pinstat_ledger_iter *it = m->private;

	if (it->locked)
		pinstat_ledger_unlock();
	it->locked = false;
}

static const char *pinstat_ledger_flags_name(u32 flags)
{
	static const char * const names[] = {
		"none", "write", "longterm", "write,longterm",
		"truncated", "write,truncated", "longterm,truncated",
		"write,longterm,truncated",
	};

	return names[flags & 7];
}

static u64 pinstat_ledger_age_ms(u64 t_ns)
{
	return div_u64(ktime_get_mono_fast_ns() - t_ns, NSEC_PER_MSEC);
}

static int pinstat_entry_show(struct seq_file *m, void *v)
{
	struct pinstat_ledger_iter *it = v;
	struct pinstat_ledger_entry *e = it->record;

	seq_printf(m,
		   "id=%u tgid=%d pid=%d flags=%s via=%s age_ms=%llu pins=%llu pages=%llu folios=%u stack=%u comm=%s\n",
		   e->id, e->tgid, e->pid, pinstat_ledger_flags_name(e->flags),
		   pinstat_ledger_via_name(e->via),
		   pinstat_ledger_age_ms(e->t_ns), e->nr_pins, e->nr_pages,
		   e->nr_folios, e->stack ? e->stack->id : 0, e->comm);
	return 0;
}

static int pinstat_hold_show(struct seq_file *m, void *v)
{
	struct pinstat_ledger_iter *it = v;
	struct pinstat_ledger_hold *h = it->record;
	struct pinstat_ledger_folio *lf = h->folio;

	seq_printf(m,
		   "pfn=0x%lx order=%u id=%u tgid=%d first_page=%u pages=%u pins=%u folio_foreign_pins=%u folio_unattributed=%u comm=%s\n",
		   lf->pfn, lf->order, h->entry->id, h->entry->tgid,
		   h->first_page, h->nr_pages, h->pins, lf->foreign,
		   lf->foreign - min(lf->foreign, lf->pins), h->entry->comm);
	return 0;
}

static int pinstat_stack_show(struct seq_file *m, void *v)
{
	struct pinstat_ledger_iter *it = v;
	struct pinstat_ledger_stack *st = it->record;
	u32 i;

	seq_printf(m, "stack=%u entries=%u frames=%u\n", st->id, st->users,
		   st->nr_frames);
	for (i = 0; i < st->nr_frames; i++)
		seq_printf(m, "  %pS\n", (void *)st->frames[i]);
	return 0;
}

/* Seq operations and file operations of one ledger file. */
#define PINSTAT_LEDGER_FILE(name)					\
static void *pinstat_##name##_start(struct seq_file *m, loff_t *pos)	\
{									\
	return pinstat_ledger_seq_start(m, pos, pinstat_##name##_settle, \
					pinstat_##name##_step);		\
}									\
static void *pinstat_##name##_next(struct seq_file *m, void *v,		\
				   loff_t *pos)				\
{									\
	return pinstat_ledger_seq_next(m, v, pos,			\
				       pinstat_##name##_settle,		\
				       pinstat_##name##_step);		\
}									\
static const struct seq_operations pinstat_##name##_seq_ops = {	\
	.start = pinstat_##name##_start,				\
	.next = pinstat_##name##_next,					\
	.stop = pinstat_ledger_seq_stop,				\
	.show = pinstat_##name##_show,					\
};									\
static int pinstat_##name##_open(struct inode *inode, struct file *file) \
{									\
	return seq_open_private(file, &pinstat_##name##_seq_ops,	\
				sizeof(struct pinstat_ledger_iter));	\
}									\
const struct file_operations pinstat_##name##_fops = {			\
	.owner = THIS_MODULE,						\
	.open = pinstat_##name##_open,					\
	.read = seq_read,						\
	.llseek = seq_lseek,						\
	.release = seq_release_private,					\
};									\
EXPORT_SYMBOL_IF_KUNIT(pinstat_##name##_fops)

/* Not static: the KUnit suite reads the files through their real code. */
PINSTAT_LEDGER_FILE(entry);
PINSTAT_LEDGER_FILE(hold);
PINSTAT_LEDGER_FILE(stack);

static ssize_t pinstat_ledger_enable_read(struct file *file, char __user *buf,
					  size_t count, loff_t *ppos)
{
	char val[3] = { pinstat_ledger_enabled() ? '1' : '0', '\n' };

	return simple_read_from_buffer(buf, count, ppos, val, 2);
}

static ssize_t pinstat_ledger_enable_write(struct file *file,
					   const char __user *buf,
					   size_t count, loff_t *ppos)
{
	bool on;
	int ret;

	ret = kstrtobool_from_user(buf, count, &on);
	if (ret)
		return ret;
	if (on) {
		ret = pinstat_ledger_enable();
		if (ret)
			return ret;
	} else {
		pinstat_ledger_disable();
	}
	return count;
}

static const struct file_operations pinstat_ledger_enable_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = pinstat_ledger_enable_read,
	.write = pinstat_ledger_enable_write,
	.llseek = default_llseek,
};

/**
 * pinstat_ledger_debugfs_init() - create the ledger's files
 * @dir: /sys/kernel/debug/pinstat
 */
void pinstat_ledger_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("ledger_enable", 0600, dir, NULL,
			    &pinstat_ledger_enable_fops);
	debugfs_create_file("ledger", 0400, dir, NULL, &pinstat_entry_fops);
	debugfs_create_file("holds", 0400, dir, NULL, &pinstat_hold_fops);
	debugfs_create_file("stacks", 0400, dir, NULL, &pinstat_stack_fops);
}
