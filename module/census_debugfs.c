// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs of the census: /sys/kernel/debug/pinstat/census, one line per
 * folio of all RAM that holds pins or unexplained references, and
 * census_summary, which sets the pins found against the kernel's own
 * count of pins held.  The formats are in
 * Documentation/pinstat/debugfs.rst.
 *
 * The census file's cursor is the next pfn to scan and a batch of records
 * kept between read() calls; a read that does not continue the last one
 * scans again from the start.  No lock is held across ->stop(), so
 * seq_file copies to user memory with none held.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmstat.h>

#include "pinstat_internal.h"

/**
 * struct pinstat_census_iter - cursor of a "census" reader
 * @sc: the scan, its batch of records
 * @next: index in the batch of the record at the cursor
 * @pos: seq_file position of that record
 */
struct pinstat_census_iter {
	struct pinstat_census_scan sc;
	u32 next;
	loff_t pos;
};

/* Put @it on its next record, scanning on when the batch is used up. */
static bool pinstat_census_iter_settle(struct pinstat_census_iter *it)
{
	while (it->next >= it->sc.nr_recs) {
		if (it->sc.pfn >= it->sc.end)
			return false;
		if (pinstat_census_next(&it->sc, PINSTAT_CENSUS_PFNS))
			return false;
		it->next = 0;
	}
	return true;
}

static void pinstat_census_iter_reset(struct pinstat_census_iter *it)
{
	pinstat_census_begin_all(&it->sc);
	it->next = 0;
	it->pos = 0;
}

static void *pinstat_census_seq_start(struct seq_file *m, loff_t *pos)
{
	struct pinstat_census_iter *it = m->private;

	if (*pos == 0 || *pos != it->pos)
		pinstat_census_iter_reset(it);
	while (pinstat_census_iter_settle(it)) {
		if (it->pos == *pos)
			return it;
		it->next++;
		it->pos++;
	}
	return NULL;
}

static void *pinstat_census_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct pinstat_census_iter *it = m->private;
	bool more;

	it->next++;
	more = pinstat_census_iter_settle(it);
	it->pos = ++*pos;
	return more ? it : NULL;
}

static void pinstat_census_seq_stop(struct seq_file *m, void *v)
{
}

static int pinstat_census_seq_show(struct seq_file *m, void *v)
{
	struct pinstat_census_iter *it = v;
	const struct pinstat_census_record *rec = &it->sc.recs[it->next];
	const struct pinstat_folio_record *f = &rec->folio;

	seq_printf(m,
		   "pfn=0x%llx order=%u kind=%s zone=%s nid=%u pincount=%llu exact=%d refcount=%u mapcount=%d unexplained=%u maybe_dma_pinned=%d own_pins=%u foreign_pins=%u pinned=%d mapped=%d\n",
		   f->pfn, f->order, pinstat_kind_name(f->kind),
		   pinstat_zone_name(rec->zone), rec->nid, f->pincount,
		   !!(f->flags & PINSTAT_FOLIO_EXACT), f->refcount, f->mapcount,
		   rec->unexplained,
		   !!(f->flags & PINSTAT_FOLIO_MAYBE_DMA_PINNED),
		   f->own_pins, f->foreign_pins,
		   !!(rec->flags & PINSTAT_CENSUS_PINNED),
		   !(rec->flags & PINSTAT_CENSUS_UNMAPPED));
	return 0;
}

static const struct seq_operations pinstat_census_seq_ops = {
	.start = pinstat_census_seq_start,
	.next = pinstat_census_seq_next,
	.stop = pinstat_census_seq_stop,
	.show = pinstat_census_seq_show,
};

static int pinstat_census_open(struct inode *inode, struct file *file)
{
	struct pinstat_census_iter *it;

	it = __seq_open_private(file, &pinstat_census_seq_ops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->sc.max_recs = PINSTAT_CENSUS_RECORDS;
	it->sc.recs = kmalloc_array(it->sc.max_recs, sizeof(*it->sc.recs),
				    GFP_KERNEL);
	if (!it->sc.recs) {
		seq_release_private(inode, file);
		return -ENOMEM;
	}
	pinstat_census_iter_reset(it);
	return 0;
}

static int pinstat_census_release(struct inode *inode, struct file *file)
{
	struct pinstat_census_iter *it =
		((struct seq_file *)file->private_data)->private;

	kfree(it->sc.recs);
	return seq_release_private(inode, file);
}

static const struct file_operations pinstat_census_fops = {
	.owner = THIS_MODULE,
	.open = pinstat_census_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = pinstat_census_release,
};

/*
 * census_summary: a census of all RAM, summed, beside the kernel's count
 * of the pins taken and not yet released (its per-CPU counts folded in as
 * they are).  Not in "summary": every test reads that, and a census of
 * all RAM costs 1.5 s under KASAN.
 */
static int pinstat_census_summary_show(struct seq_file *m, void *unused)
{
	struct pinstat_census_totals t;
	long held = global_node_page_state(NR_FOLL_PIN_ACQUIRED) -
		    global_node_page_state(NR_FOLL_PIN_RELEASED);
	int ret;

	ret = pinstat_census_totals(&t);
	if (ret)
		return ret;
	seq_printf(m, "census_kernel_pins=%ld\n", held);
	seq_printf(m, "census_pins=%llu\ncensus_pins_unmapped=%llu\ncensus_pins_movable=%llu\n",
		   t.pins, t.pins_unmapped, t.pins_movable);
	seq_printf(m, "census_pinned_folios=%llu\ncensus_unexplained_folios=%llu\n",
		   t.pinned_folios, t.unexplained_folios);
	seq_printf(m, "census_pfns=%llu\ncensus_ns=%llu\n", t.scanned, t.ns);
	return 0;
}

static int pinstat_census_summary_open(struct inode *inode, struct file *file)
{
	return single_open(file, pinstat_census_summary_show, NULL);
}

static const struct file_operations pinstat_census_summary_fops = {
	.owner = THIS_MODULE,
	.open = pinstat_census_summary_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

/**
 * pinstat_census_debugfs_init() - create the census and census_summary files
 * @dir: pinstat's debugfs directory
 */
void pinstat_census_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("census", 0400, dir, NULL, &pinstat_census_fops);
	debugfs_create_file("census_summary", 0400, dir, NULL,
			    &pinstat_census_summary_fops);
}
