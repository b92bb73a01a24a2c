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
 * a CONFIG_RETHUNK kernel's returns are jumps to a return thunk, and since
 * v6.5 (the SRSO series, "x86/returnthunk: Allow different return thunks";
 * in 6.1.y since its backport) the thunk in force is the pointer
 * x86_return_thunk, chosen at boot for the CPU: the exported
 * __x86_return_thunk is only its default, a bare ret.  Images return the
 * way the kernel's own BPF JIT does (emit_return() in
 * arch/x86/net/bpf_jit_comp.c): a jump to x86_return_thunk where the CPU
 * wants return thunks (X86_FEATURE_RETHUNK), ret; int3 elsewhere.
 */
#ifdef CONFIG_RETHUNK
#include <asm/cpufeature.h>

static inline bool sj_kernel_has_return_thunk_ptr(void)
{
	return true;
}

static inline bool sj_cpu_wants_return_thunk(void)
{
	return cpu_feature_enabled(X86_FEATURE_RETHUNK);
}
#else
static inline bool sj_kernel_has_return_thunk_ptr(void)
{
	return false;
}

static inline bool sj_cpu_wants_return_thunk(void)
{
	return false;
}
#endif

/*
 * With indirect branch tracking (v5.18, "x86/ibt: Base IBT bits") the
 * target of an indirect call must begin with endbr64, as the kernel's BPF
 * JIT's images do (EMIT_ENDBR()).  kCFI (CONFIG_CFI_CLANG)
 * would also want a type hash before the entry, which images do not carry.
 */
#ifdef CONFIG_CFI_CLANG
#error "sealjit images carry no kCFI type hash: CONFIG_CFI_CLANG kernels are not supported"
#endif

static inline bool sj_kernel_wants_endbr(void)
{
	return IS_ENABLED(CONFIG_X86_KERNEL_IBT);
}

#endif /* SJ_COMPAT_H */
