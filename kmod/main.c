// SPDX-License-Identifier: GPL-2.0
/*
 * sealjit: seccomp-format filters, checked, compiled to x86-64 and sealed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "compat.h"
#include "ksyms.h"
#include "sealjit.h"

static int __init sealjit_init(void)
{
	int err;

	err = sj_ksyms_init();
	if (err)
		return err;
	err = sj_dev_init();
	if (err) {
		pr_err("cannot register /dev/sealjit: %d\n", err);
		return err;
	}
	pr_info("loaded, version " SJ_RELEASE "\n");
	return 0;
}

static void __exit sealjit_exit(void)
{
	sj_dev_exit();
	pr_info("unloaded\n");
}

module_init(sealjit_init);
module_exit(sealjit_exit);

MODULE_DESCRIPTION("seccomp filters through checked, JIT-compiled, sealed native code");
MODULE_LICENSE("GPL");
MODULE_VERSION(SJ_RELEASE);
