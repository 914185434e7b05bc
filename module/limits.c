// SPDX-License-Identifier: GPL-2.0
/*
 * The limits root sets as module parameters.  Each is read once per use
 * with READ_ONCE(), so a change applies to the next call.
 */

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <kunit/visibility.h>

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
