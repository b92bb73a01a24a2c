// SPDX-License-Identifier: GPL-2.0
/*
 * sealjit: seccomp filters through checked, JIT-compiled, sealed native
 * code, enforced from the raw_syscalls:sys_enter tracepoint.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/workqueue.h>

#include "../validator/validate.h"
#include "compat.h"
#include "ksyms.h"
#include "sealjit.h"

struct workqueue_struct *sj_wq;

/*
 * What the shared code, the uapi and the kernel must agree on, checked
 * when the module is built rather than assumed.
 */
static void __init build_checks(void)
{
	/* Each uapi struct is exactly its latest published size. */
	BUILD_BUG_ON(sizeof(struct sealjit_version) !=
		     SEALJIT_VERSION_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct sealjit_filter_args) !=
		     SEALJIT_FILTER_ARGS_SIZE_VER1);
	BUILD_BUG_ON(offsetof(struct sealjit_filter_args, pid) !=
		     SEALJIT_FILTER_ARGS_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct sealjit_status) != SEALJIT_STATUS_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct sealjit_stats) != SEALJIT_STATS_SIZE_VER0);
	/* seccomp's scratch memory, input and length limit. */
	BUILD_BUG_ON(SJ_MEMWORDS != 16);
	BUILD_BUG_ON(sizeof(struct seccomp_data) != SJ_DATA_SIZE);
	BUILD_BUG_ON(SJ_MAXINSNS != BPF_MAXINSNS);
	BUILD_BUG_ON(SEALJIT_MAXINSNS != BPF_MAXINSNS);
	/* The validator accepts every image the JIT can make, and no more. */
	BUILD_BUG_ON(SJ_VAL_MAXINSNS != SJ_MAXINSNS);
	BUILD_BUG_ON(SJ_VAL_MAX_IMAGE != SJ_JIT_MAX_IMAGE);
}

static int __init sealjit_init(void)
{
	int err;

	build_checks();
	err = sj_ksyms_init();
	if (err)
		return err;
	err = sj_hook_init();
	if (err)
		return err;
	sj_image_init();
	err = sj_task_init();
	if (err)
		return err;
	sj_wq = alloc_workqueue("sealjit", 0, 0);
	if (!sj_wq) {
		err = -ENOMEM;
		goto fail_wq;
	}
	sj_debugfs_init();
	err = sj_dev_init();
	if (err) {
		pr_err("cannot register /dev/sealjit: %d\n", err);
		goto fail_dev;
	}
	pr_info("loaded, version " SJ_RELEASE "\n");
	return 0;

fail_dev:
	sj_debugfs_exit();
	destroy_workqueue(sj_wq);
fail_wq:
	sj_task_exit_module();
	return err;
}

/*
 * rmmod -f (CONFIG_MODULE_FORCE_UNLOAD, which Debian enables) runs the exit
 * while filters are attached, their images and probes live.  Fail closed:
 * every filtered task is killed, since none may go on unfiltered, and the
 * exit waits until their chains, task works and images are all gone,
 * however long that takes, saying so every 10 s.  Only then can the probes
 * go and the module's code with them.
 */
static void release_forced(void)
{
	unsigned long next = jiffies + 10 * HZ;
	int killed, filters;

	pr_crit("forced unload with %d filters attached: killing every filtered task\n",
		atomic_read(&sj_stats.filters));
	while ((filters = atomic_read(&sj_stats.filters))) {
		killed = sj_task_kill_all();
		if (time_after_eq(jiffies, next)) {
			pr_crit("forced unload: still %d filters, %d tasks to end\n",
				filters, killed);
			next = jiffies + 10 * HZ;
		}
		msleep(20);
	}
	pr_crit("forced unload: every filtered task has ended; unregistering\n");
}

/*
 * Normally runs only when no filter exists (each pins the module); the
 * probes may still be registered (idle, see hook_idle_ms), and what may
 * be in flight is the tail of the last filter's free work and RCU
 * callbacks freeing task records.  Under rmmod -f, release_forced() first
 * brings it to that state.
 */
static void __exit sealjit_exit(void)
{
	sj_dev_exit();
	sj_cgroup_exit();
	if (atomic_read(&sj_stats.filters))
		release_forced();
	sj_hook_exit();
	sj_debugfs_exit();
	destroy_workqueue(sj_wq);
	sj_filter_exit();
	sj_image_exit();
	sj_task_exit_module();
	pr_info("unloaded\n");
}

module_init(sealjit_init);
module_exit(sealjit_exit);

MODULE_DESCRIPTION("seccomp filters through checked, JIT-compiled, sealed native code");
MODULE_LICENSE("GPL");
MODULE_VERSION(SJ_RELEASE);
