/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86-64 JIT: classic BPF straight to native code.
 *
 * The image is one function in the kernel (System V) calling convention:
 *	u32 image(const struct seccomp_data *sd);
 * A lives in %eax, X in %ecx, the context pointer stays in %rdi, %edx and
 * %esi are temporaries, M[] is a 64-byte frame below %rbp.  Only
 * caller-saved registers are touched, %rbp is saved and restored.
 */
#ifndef SJ_JIT_H
#define SJ_JIT_H

#include "../verifier/insn.h"

#define SJ_JIT_PROLOGUE_MAX	16	/* bytes, upper bound */
#define SJ_JIT_INSN_MAX		32	/* bytes per BPF insn, upper bound */
#define SJ_JIT_FRAME		(SJ_MEMWORDS * 4)
#define SJ_JIT_MAX_IMAGE	(SJ_JIT_PROLOGUE_MAX + SJ_MAXINSNS * SJ_JIT_INSN_MAX)

/* addrs[i]: native offset where BPF insn i starts; addrs[len]: the end. */
struct sj_jit_work {
	u32 addrs[SJ_MAXINSNS + 1];
	u32 passes;	/* sizing passes the last compile needed */
};

typedef u32 (*sj_image_fn)(const struct seccomp_data *sd);

int sj_jit_compile(const struct sock_filter *prog, u32 len, u8 *buf, u32 cap,
		   u32 *image_len, struct sj_jit_work *work);

#endif /* SJ_JIT_H */
