// SPDX-License-Identifier: GPL-2.0
/*
 * pinstat: pin user buffers on request through /dev/pinstat and report the
 * exact pin counts of their folios in debugfs.
 *
 * Like mm/gup_test.c, each ioctl copies its argument in, does the work and
 * copies the result out; unlike it, pins are owned by the open file and
 * live until UNPIN or close.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "pinstat_internal.h"

/* The ABI has no implicit padding: sizes are the sums of the fields. */
static_assert(sizeof(struct pinstat_pin_args) == 344);
static_assert(sizeof(struct pinstat_unpin_args) == 32);
static_assert(sizeof(struct pinstat_folio_record) == 64);
static_assert(sizeof(struct pinstat_inspect_args) == 64);
static_assert(sizeof(struct pinstat_report_args) == 48);

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

static long pinstat_ioctl_pin(struct pinstat_session *s, void __user *argp)
{
	struct pinstat_pin_args args;
	struct pinstat_unpin_args undo = {};
	int ret;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	ret = pinstat_session_pin(s, &args);
	if (ret)
		return ret;
	if (copy_to_user(argp, &args, sizeof(args))) {
		/* The caller cannot learn the handle: do not keep the pin. */
		undo.handle = args.handle;
		pinstat_session_unpin(s, &undo);
		return -EFAULT;
	}
	return 0;
}

static long pinstat_ioctl_unpin(struct pinstat_session *s, void __user *argp)
{
	struct pinstat_unpin_args args;
	int ret;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	/*
	 * All or nothing, as PIN: an answer that cannot be written leaves the
	 * pin held.  Writing back what was read proves the struct writable
	 * before anything is released.
	 */
	if (copy_to_user(argp, &args, sizeof(args)))
		return -EFAULT;
	ret = pinstat_session_unpin(s, &args);
	if (ret)
		return ret;
	if (copy_to_user(argp, &args, sizeof(args)))
		return -EFAULT;
	return 0;
}

static long pinstat_ioctl_inspect(void __user *argp)
{
	struct pinstat_inspect_args args;
	int ret;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	ret = pinstat_inspect(&args);
	if (ret)
		return ret;
	if (copy_to_user(argp, &args, sizeof(args)))
		return -EFAULT;
	return 0;
}

static long pinstat_ioctl_report(struct pinstat_session *s, void __user *argp)
{
	struct pinstat_report_args args;
	int ret;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	ret = pinstat_session_report(s, &args);
	/* -ENOSPC still tells the caller how many records there are. */
	if ((!ret || ret == -ENOSPC) && copy_to_user(argp, &args, sizeof(args)))
		return -EFAULT;
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
	struct pinstat_session *s = file->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	switch (cmd) {
	case PINSTAT_IOC_PIN:
		ret = pinstat_ioctl_pin(s, argp);
		break;
	case PINSTAT_IOC_UNPIN:
		ret = pinstat_ioctl_unpin(s, argp);
		break;
	case PINSTAT_IOC_REPORT:
		ret = pinstat_ioctl_report(s, argp);
		break;
	case PINSTAT_IOC_INSPECT:
		ret = pinstat_ioctl_inspect(argp);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
	pinstat_stats_call(cmd, ret);
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
	return 0;

remove_debugfs:
	pinstat_debugfs_exit();
	return ret;
}

static void __exit pinstat_exit(void)
{
	misc_deregister(&pinstat_misc);
	pinstat_debugfs_exit();
}

module_init(pinstat_init);
module_exit(pinstat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Pin user buffers on request and report exact pin statistics");
MODULE_VERSION("0.3.0");
