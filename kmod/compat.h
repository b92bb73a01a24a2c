/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version glue, in one place.  sealjit targets x86-64 kernels with
 * kprobes (for symbol resolution); each hard requirement fails the build
 * here rather than somewhere deep in the module.
 */
#ifndef SJ_COMPAT_H
#define SJ_COMPAT_H

#ifndef CONFIG_X86_64
#error "sealjit emits x86-64 code: build it for CONFIG_X86_64 kernels only"
#endif
#ifndef CONFIG_KPROBES
#error "sealjit resolves unexported symbols through a kprobe: CONFIG_KPROBES is required"
#endif

/*
 * Since v5.19 (commit 0b53c374b9ef, "x86/retpoline: Use -mfunction-return")
 * a CONFIG_RETHUNK kernel returns through __x86_return_thunk; images do the
 * same so that the return mitigation covers them too.
 */
#ifdef CONFIG_RETHUNK
#include <asm/nospec-branch.h>

static inline unsigned long sj_return_thunk(void)
{
	return (unsigned long)__x86_return_thunk;
}
#else
static inline unsigned long sj_return_thunk(void)
{
	return 0;
}
#endif

#endif /* SJ_COMPAT_H */
