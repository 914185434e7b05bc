// SPDX-License-Identifier: GPL-2.0
/*
 * The limits root sets as module parameters, the pin ledger's among them.
 * Each is read once per use with READ_ONCE(), so a change applies to the
 * next call (the ledger's ring size to the next time it is turned on).
 */

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <kunit/visibility.h>

#include "ledger.h"
#include "pinstat_internal.h"

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

bool pinstat_ledger_at_load;
module_param_named(ledger, pinstat_ledger_at_load, bool, 0444);
MODULE_PARM_DESC(ledger,
		 "Turn the pin ledger on at load (debugfs ledger_enable turns it on and off later)");

unsigned long pinstat_ledger_max_bytes = 64UL << 20;
module_param_named(ledger_max_bytes, pinstat_ledger_max_bytes, ulong, 0644);
MODULE_PARM_DESC(ledger_max_bytes,
		 "Memory the ledger's book may use; pins beyond are counted in ledger_dropped_pins (default 64 MiB)");

unsigned int pinstat_ledger_ring_bytes = 1U << 20;
module_param_named(ledger_ring_bytes, pinstat_ledger_ring_bytes, uint, 0644);
MODULE_PARM_DESC(ledger_ring_bytes,
		 "Size of each CPU's ring of ledger events, when the ledger is turned on (default 1 MiB)");

unsigned int pinstat_ledger_max_pages_per_call = 65536;
module_param_named(ledger_max_pages_per_call,
		   pinstat_ledger_max_pages_per_call, uint, 0644);
MODULE_PARM_DESC(ledger_max_pages_per_call,
		 "Pages of one pin or unpin call the ledger records; the rest of a longer call is counted in ledger_dropped_pins (default 65536)");
