// SPDX-License-Identifier: GPL-2.0
/*
 * sealjit: seccomp filters through checked, JIT-compiled, sealed native
 * code, enforced from the raw_syscalls:sys_enter tracepoint.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "ksyms.h"
#include "sealjit.h"

struct workqueue_struct *sj_wq;

static int __init sealjit_init(void)
{
	int err;

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
 * Runs only when no filter exists (each pins the module); the probes may
 * still be registered (idle, see hook_idle_ms), and what may be in flight
 * is the tail of the last filter's free work and RCU callbacks freeing
 * task records.
 */
static void __exit sealjit_exit(void)
{
	sj_dev_exit();
	sj_hook_exit();
	sj_debugfs_exit();
	destroy_workqueue(sj_wq);
	sj_filter_exit();
	sj_task_exit_module();
	pr_info("unloaded\n");
}

module_init(sealjit_init);
module_exit(sealjit_exit);

MODULE_DESCRIPTION("seccomp filters through checked, JIT-compiled, sealed native code");
MODULE_LICENSE("GPL");
MODULE_VERSION(SJ_RELEASE);
