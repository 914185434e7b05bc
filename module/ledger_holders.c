// SPDX-License-Identifier: GPL-2.0
/*
 * PINSTAT_IOC_HOLDERS: who holds the foreign pins of one folio, the one a
 * REPORT or INSPECT record (or a debugfs "runs" line) names by its pfn.
 * The ledger is reconciled first, as for every query; the answer is built
 * with the book locked and copied out after.
 */

#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "ledger.h"
#include "pinstat_internal.h"

/* Holders one call returns at most (64 KiB of them). */
#define PINSTAT_HOLDERS_MAX	1024

static void pinstat_holder_fill(struct pinstat_holder *out,
				const struct pinstat_ledger_hold *h, u64 now)
{
	const struct pinstat_ledger_entry *e = h->entry;

	*out = (struct pinstat_holder){
		.entry_id = e->id,
		.pins = h->pins,
		.tgid = e->tgid,
		.pid = e->pid,
		.flags = e->flags,
		.via = e->via,
		.first_page = h->first_page,
		.nr_pages = h->nr_pages,
		.age_ns = now - e->t_ns,
		.stack_id = e->stack ? e->stack->id : 0,
	};
	BUILD_BUG_ON(sizeof(out->comm) != TASK_COMM_LEN);
	memcpy(out->comm, e->comm, sizeof(out->comm));
}

/* Fill @args and @out from the book, locked and reconciled. */
static void pinstat_holders_of(struct pinstat_holders_args *args,
			       struct pinstat_holder *out, u32 max)
{
	struct pinstat_ledger_folio *lf = pinstat_ledger_folio_of(args->pfn);
	u64 now = ktime_get_mono_fast_ns();
	struct pinstat_ledger_hold *h;
	struct folio *folio;
	u32 held = 0;

	args->nr_holders = 0;
	args->total = 0;
	if (!lf) {
		/* No hold: its pins are read here, all unattributed. */
		folio = pinstat_ledger_folio_at(args->pfn);
		if (folio && !pinstat_registry_own_begin()) {
			args->foreign_pins = pinstat_ledger_foreign_pins(folio);
			pinstat_registry_own_end();
		}
		args->unattributed_pins = args->foreign_pins;
		return;
	}
	list_for_each_entry(h, &lf->holds, folio_node) {
		if (args->nr_holders < max)
			pinstat_holder_fill(&out[args->nr_holders++], h, now);
		args->total++;
		held += h->pins;
	}
	args->foreign_pins = lf->foreign;
	args->unattributed_pins = lf->foreign - min(lf->foreign, held);
}

/**
 * pinstat_ledger_holders() - PINSTAT_IOC_HOLDERS
 * @s: the caller's session (not used)
 * @data: struct pinstat_holders_args, copied in
 *
 * Return: 0 or a negative errno, as the uapi header documents.
 */
int pinstat_ledger_holders(struct pinstat_session *s, void *data)
{
	struct pinstat_holders_args *args = data;
	struct pinstat_holder *out = NULL;
	struct folio *folio;
	u32 max;
	int ret;

	if (args->flags || args->reserved[0] || args->reserved[1] ||
	    args->holder_size != sizeof(*out))
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	folio = pinstat_ledger_folio_at(args->pfn);
	if (!folio)
		return -EINVAL;
	args->pfn = folio_pfn(folio);
	args->foreign_pins = 0;
	max = min(args->nr_holders, PINSTAT_HOLDERS_MAX);
	if (max) {
		out = kvcalloc(max, sizeof(*out), GFP_KERNEL);
		if (!out)
			return -ENOMEM;
	}
	ret = pinstat_ledger_lock_reconciled();
	if (ret)
		goto free_out;
	if (pinstat_ledger_enabled())
		pinstat_holders_of(args, out, max);
	else
		ret = -ENOENT;
	pinstat_ledger_unlock();
	if (!ret && args->nr_holders &&
	    copy_to_user(u64_to_user_ptr(args->holders), out,
			 args->nr_holders * sizeof(*out)))
		ret = -EFAULT;

free_out:
	kvfree(out);
	return ret;
}
