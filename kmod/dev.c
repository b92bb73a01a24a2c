// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/sealjit: the ioctl ABI of uapi/linux/sealjit.h.  The handler is a
 * thin switch; each command copies its extensible struct in, does one
 * thing, and copies the struct back out.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "sealjit.h"

/*
 * Open files of the device.  Each pins the module, except under rmmod -f,
 * whose exit must then wait for them: their f_op is this file's code.
 */
static atomic_t sj_open_files = ATOMIC_INIT(0);
static bool sj_going;

/*
 * The size bits of a command are not part of its identity: the size is
 * taken from the struct's own @size member, so that old and new binaries
 * interoperate.  Type, number and direction bits must all match.
 */
#define SJ_IOC_KEY(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

/*
 * Copy an extensible struct in, openat2-style: @size must cover the first
 * version; an unknown tail must be zero (E2BIG otherwise).
 */
static int copy_args_in(void *kargs, size_t ksize, size_t ver0,
			const void __user *uargs, u32 *usize)
{
	u32 size;
	int err;

	if (get_user(size, (const u32 __user *)uargs))
		return -EFAULT;
	if (size < ver0)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	err = copy_struct_from_user(kargs, ksize, uargs, size);
	if (err)
		return err;
	*usize = size;
	return 0;
}

/* Output members beyond the caller's struct are not written. */
static int copy_args_out(void __user *uargs, const void *kargs, size_t ksize,
			 u32 usize)
{
	if (copy_to_user(uargs, kargs, min_t(size_t, ksize, usize)))
		return -EFAULT;
	return 0;
}

static long cmd_version(void __user *uargs)
{
	struct sealjit_version v;
	u32 usize;
	int err;

	err = copy_args_in(&v, sizeof(v), SEALJIT_VERSION_SIZE_VER0, uargs,
			   &usize);
	if (err)
		return err;
	if (v.flags)
		return -EINVAL;
	v.abi_major = SEALJIT_ABI_MAJOR;
	v.abi_minor = SEALJIT_ABI_MINOR;
	v.max_insns = SEALJIT_MAXINSNS;
	v.features = SEALJIT_FEAT_CHECK | SEALJIT_FEAT_JIT_X86_64 |
		     SEALJIT_FEAT_LOAD | SEALJIT_FEAT_STATUS |
		     SEALJIT_FEAT_TSYNC | SEALJIT_FEAT_STATS |
		     SEALJIT_FEAT_ATTACH_PID | SEALJIT_FEAT_ATTACH_CGROUP;
	strscpy(v.release, SJ_RELEASE, sizeof(v.release));
	return copy_args_out(uargs, &v, sizeof(v), usize);
}

static long cmd_status(void __user *uargs)
{
	struct sealjit_status st;
	u32 usize;
	int err;

	err = copy_args_in(&st, sizeof(st), SEALJIT_STATUS_SIZE_VER0, uargs,
			   &usize);
	if (err)
		return err;
	if (st.flags || st.reserved || st.pid < 0)
		return -EINVAL;
	err = sj_task_status(st.pid, &st.filters);
	if (err)
		return err;
	st.mode = st.filters ? SEALJIT_MODE_FILTER : SEALJIT_MODE_NONE;
	return copy_args_out(uargs, &st, sizeof(st), usize);
}

static long cmd_stats(void __user *uargs)
{
	struct sealjit_stats st;
	u32 usize;
	int err;

	err = copy_args_in(&st, sizeof(st), SEALJIT_STATS_SIZE_VER0, uargs,
			   &usize);
	if (err)
		return err;
	if (st.flags || st.reserved || st.pid < 0)
		return -EINVAL;
	st.filters = 0;
	st.filter = 0;
	st.cached = 0;
	st.runs = 0;
	memset(st.actions, 0, sizeof(st.actions));
	err = sj_task_stats(&st);
	if (err)
		return err;
	return copy_args_out(uargs, &st, sizeof(st), usize);
}

static int check_filter(struct sealjit_filter_args *args)
{
	struct sj_prepared prep;
	int err;

	err = sj_filter_prepare(args, &prep, false);
	sj_filter_release(&prep);
	return err;
}

/*
 * CHECK and LOAD: the same request; a rejected filter still says why, and
 * so does a failure of the JIT or the validator (EIO, with a reason).  A
 * filter that @op attached (@attaches: LOAD) stays attached, so the
 * request then succeeds even if its output members cannot be written back
 * (the struct made read-only or unmapped meanwhile): EFAULT would make the
 * caller believe it is not filtered.  (The log is written before the
 * filter is attached, and a failure there fails the LOAD.)
 */
static long cmd_filter(void __user *uargs,
		       int (*op)(struct sealjit_filter_args *args),
		       bool attaches)
{
	struct sealjit_filter_args args;
	u32 usize;
	int err, out_err;

	err = copy_args_in(&args, sizeof(args), SEALJIT_FILTER_ARGS_SIZE_VER0,
			   uargs, &usize);
	if (err)
		return err;
	args.err_reason = SEALJIT_OK;	/* out only: ignore what was there */
	err = op(&args);
	if (err && err != -EINVAL && args.err_reason == SEALJIT_OK)
		return err;
	out_err = copy_args_out(uargs, &args, sizeof(args), usize);
	if (!err && attaches)
		return 0;
	return err ? err : out_err;
}

static int sj_open(struct inode *inode, struct file *file)
{
	atomic_inc(&sj_open_files);
	return 0;
}

static int sj_release(struct inode *inode, struct file *file)
{
	atomic_dec(&sj_open_files);
	return 0;
}

static long sj_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uargs = (void __user *)arg;

	/* A forced unload is under way: no new filter. */
	if (READ_ONCE(sj_going))
		return -ENODEV;

	switch (SJ_IOC_KEY(cmd)) {
	case SJ_IOC_KEY(SEALJIT_IOC_VERSION):
		return cmd_version(uargs);
	case SJ_IOC_KEY(SEALJIT_IOC_CHECK):
		return cmd_filter(uargs, check_filter, false);
	case SJ_IOC_KEY(SEALJIT_IOC_LOAD):
		return cmd_filter(uargs, sj_filter_load, true);
	case SJ_IOC_KEY(SEALJIT_IOC_STATUS):
		return cmd_status(uargs);
	case SJ_IOC_KEY(SEALJIT_IOC_STATS):
		return cmd_stats(uargs);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations sj_fops = {
	.owner = THIS_MODULE,
	.open = sj_open,
	.release = sj_release,
	.unlocked_ioctl = sj_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice sj_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "sealjit",
	.fops = &sj_fops,
	.mode = 0666,	/* like seccomp(2): any process may filter itself */
};

int __init sj_dev_init(void)
{
	return misc_register(&sj_misc);
}

/*
 * No new open, and no request once this returns.  Normally no file is
 * open (each pins the module); under rmmod -f, wait for the last to close,
 * however long: a request on one after the module has gone would run
 * freed code.
 */
void sj_dev_exit(void)
{
	unsigned long next = jiffies;
	int n;

	WRITE_ONCE(sj_going, true);
	misc_deregister(&sj_misc);
	while ((n = atomic_read(&sj_open_files))) {
		if (time_after_eq(jiffies, next)) {
			pr_crit("forced unload: waiting for %d open /dev/sealjit file%s to be closed\n",
				n, n == 1 ? "" : "s");
			next = jiffies + 10 * HZ;
		}
		msleep(100);
	}
}
