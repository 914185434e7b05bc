// SPDX-License-Identifier: GPL-2.0
/*
 * pinstat: pin user buffers on request through /dev/pinstat and report the
 * exact pin counts of their folios in debugfs.
 *
 * Like mm/gup_test.c, each ioctl copies its argument in, does the work and
 * copies the result out, here through one table of commands as
 * drivers/gpu/drm/drm_ioctl.c does; unlike gup_test, pins are owned by the
 * open file and live until UNPIN or close.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "ledger.h"
#include "pinstat_internal.h"

/* The ABI has no implicit padding: sizes are the sums of the fields. */
static_assert(sizeof(struct pinstat_pin_args) == 344);
static_assert(sizeof(struct pinstat_unpin_args) == 32);
static_assert(sizeof(struct pinstat_folio_record) == 64);
static_assert(sizeof(struct pinstat_inspect_args) == 64);
static_assert(sizeof(struct pinstat_report_args) == 48);
static_assert(sizeof(struct pinstat_holder) == 64);
static_assert(sizeof(struct pinstat_holders_args) == 56);
static_assert(sizeof(struct pinstat_census_record) == 88);
static_assert(sizeof(struct pinstat_census_args) == 72);
static_assert(sizeof(struct pinstat_pin_args) >= sizeof(struct pinstat_unpin_args) &&
	      sizeof(struct pinstat_pin_args) >= sizeof(struct pinstat_report_args) &&
	      sizeof(struct pinstat_pin_args) >= sizeof(struct pinstat_inspect_args) &&
	      sizeof(struct pinstat_pin_args) >= sizeof(struct pinstat_holders_args) &&
	      sizeof(struct pinstat_pin_args) >= sizeof(struct pinstat_census_args));

/*
 * Who may open /dev/pinstat.  Pins are charged to the opener's VmPin and
 * held to its RLIMIT_MEMLOCK (account.c), so an administrator may open the
 * device to a group, e.g. mode=0660 and a udev rule setting GROUP.
 */
static ushort pinstat_dev_mode = 0600;
module_param_named(mode, pinstat_dev_mode, ushort, 0444);
MODULE_PARM_DESC(mode, "Permissions of /dev/pinstat (at most 0666, default 0600)");

static int pinstat_open(struct inode *inode, struct file *file)
{
	struct pinstat_session *s = pinstat_session_create();

	if (!s)
		return -ENOMEM;
	file->private_data = s;
	return 0;
}

static int pinstat_release(struct inode *inode, struct file *file)
{
	pinstat_session_destroy(file->private_data);
	return 0;
}

/* PIN's answer could not be written: the caller cannot learn the handle. */
static void pinstat_undo_pin(struct pinstat_session *s, void *data)
{
	struct pinstat_pin_args *args = data;
	struct pinstat_unpin_args undo = { .handle = args->handle };

	pinstat_session_unpin(s, &undo);
}

/**
 * struct pinstat_ioctl_desc - one command of /dev/pinstat
 * @cmd: PINSTAT_IOC_*; its size field is the argument struct's size
 * @name: the name its call counter has in debugfs "summary"
 * @handler: does the work on the argument struct copied in
 * @undo: undoes a call whose answer could not be copied out, if it must
 * @write_first: write the struct back before @handler runs, so a struct
 *	that cannot take the answer fails before anything is done
 * @answer_enospc: -ENOSPC still answers (REPORT: how many records)
 */
struct pinstat_ioctl_desc {
	unsigned int cmd;
	const char *name;
	int (*handler)(struct pinstat_session *s, void *data);
	void (*undo)(struct pinstat_session *s, void *data);
	bool write_first;
	bool answer_enospc;
};

/* All or nothing: a call that cannot answer keeps nothing it did. */
static const struct pinstat_ioctl_desc pinstat_ioctls[] = {
	[1] = { .cmd = PINSTAT_IOC_PIN, .name = "pin",
		.handler = pinstat_session_pin, .undo = pinstat_undo_pin },
	[2] = { .cmd = PINSTAT_IOC_UNPIN, .name = "unpin",
		.handler = pinstat_session_unpin, .write_first = true },
	[3] = { .cmd = PINSTAT_IOC_REPORT, .name = "report",
		.handler = pinstat_session_report, .answer_enospc = true },
	[4] = { .cmd = PINSTAT_IOC_INSPECT, .name = "inspect",
		.handler = pinstat_inspect },
	[5] = { .cmd = PINSTAT_IOC_HOLDERS, .name = "holders",
		.handler = pinstat_ledger_holders },
	[6] = { .cmd = PINSTAT_IOC_CENSUS, .name = "census",
		.handler = pinstat_census },
};

static_assert(ARRAY_SIZE(pinstat_ioctls) == PINSTAT_NR_IOCTLS);

/* The largest argument struct. */
#define PINSTAT_ARGS_MAX sizeof(struct pinstat_pin_args)

/**
 * pinstat_ioctl_name() - name of a command for its call counter
 * @nr: _IOC_NR() of the command, 0 for any unknown command
 *
 * Return: "pin", "unpin", "report", "inspect", "holders", "census", or
 * "other".
 */
const char *pinstat_ioctl_name(unsigned int nr)
{
	if (nr < ARRAY_SIZE(pinstat_ioctls) && pinstat_ioctls[nr].name)
		return pinstat_ioctls[nr].name;
	return "other";
}

static const struct pinstat_ioctl_desc *pinstat_ioctl_find(unsigned int cmd)
{
	unsigned int nr = _IOC_NR(cmd);

	if (_IOC_TYPE(cmd) != PINSTAT_IOC_MAGIC ||
	    nr >= ARRAY_SIZE(pinstat_ioctls) || pinstat_ioctls[nr].cmd != cmd)
		return NULL;
	return &pinstat_ioctls[nr];
}

static long pinstat_ioctl_call(const struct pinstat_ioctl_desc *desc,
			       struct pinstat_session *s, void __user *argp)
{
	u64 data[PINSTAT_ARGS_MAX / sizeof(u64)];
	size_t size = _IOC_SIZE(desc->cmd);
	int ret;

	if (copy_from_user(data, argp, size))
		return -EFAULT;
	if (desc->write_first && copy_to_user(argp, data, size))
		return -EFAULT;
	ret = desc->handler(s, data);
	if (ret && !(ret == -ENOSPC && desc->answer_enospc))
		return ret;
	if (copy_to_user(argp, data, size)) {
		if (!ret && desc->undo)
			desc->undo(s, data);
		return -EFAULT;
	}
	return ret;
}

/**
 * pinstat_ioctl() - ioctl entry point of /dev/pinstat
 * @file: an open file; its private_data is the session
 * @cmd: PINSTAT_IOC_*
 * @arg: user pointer to the command's argument struct
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
long pinstat_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	const struct pinstat_ioctl_desc *desc = pinstat_ioctl_find(cmd);
	long ret;

	ret = desc ? pinstat_ioctl_call(desc, file->private_data,
					(void __user *)arg) : -ENOTTY;
	pinstat_stats_call(desc ? _IOC_NR(cmd) : 0, ret);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(pinstat_ioctl);

static const struct file_operations pinstat_fops = {
	.owner = THIS_MODULE,
	.open = pinstat_open,
	.release = pinstat_release,
	.unlocked_ioctl = pinstat_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice pinstat_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pinstat",
	.fops = &pinstat_fops,
};

static int __init pinstat_init(void)
{
	int ret;

	if (pinstat_dev_mode & ~0666) {
		pr_err("mode=%#o: only read/write bits may be set\n",
		       pinstat_dev_mode);
		return -EINVAL;
	}
	pinstat_misc.mode = pinstat_dev_mode;
	ret = pinstat_debugfs_init();
	if (ret)
		return ret;
	ret = misc_register(&pinstat_misc);
	if (ret)
		goto remove_debugfs;
	pinstat_ledger_init();
	return 0;

remove_debugfs:
	pinstat_debugfs_exit();
	return ret;
}

static void __exit pinstat_exit(void)
{
	misc_deregister(&pinstat_misc);
	pinstat_ledger_exit();
	pinstat_debugfs_exit();
	pinstat_registry_exit();
}

module_init(pinstat_init);
module_exit(pinstat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Pin user buffers on request and report exact pin statistics");
MODULE_VERSION("0.5.0");
