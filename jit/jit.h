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

#define SJ_JIT_PROLOGUE_MAX	16	/* bytes, upper bound: 12, and endbr64 */
#define SJ_JIT_INSN_MAX		32	/* bytes per BPF insn, upper bound */
#define SJ_JIT_FRAME		(SJ_MEMWORDS * 4)
#define SJ_JIT_MAX_IMAGE	(SJ_JIT_PROLOGUE_MAX + SJ_MAXINSNS * SJ_JIT_INSN_MAX)

/*
 * Why a compile failed.  A checked program reaching any of these is a JIT
 * bug: the module reports it as SEALJIT_E_JIT with the cause and the pc.
 */
enum sj_jit_err {
	SJ_JIT_OK = 0,
	SJ_JIT_E_LEN,		/* length outside 1..SJ_MAXINSNS */
	SJ_JIT_E_INSN,		/* an instruction could not be encoded */
	SJ_JIT_E_CONVERGE,	/* the sizing passes did not settle */
	SJ_JIT_E_SPACE,		/* the image does not fit the buffer */
	SJ_JIT_E_LAYOUT,	/* emitting did not follow the sizing */
	SJ_JIT_E_COUNT,
};

/**
 * struct sj_jit_work - scratch memory of a compile, and its verdict
 * @addrs: addrs[i]: native offset where BPF insn i starts; addrs[len]: the
 *	end
 * @passes: sizing passes the last compile needed
 * @err: enum sj_jit_err of the last compile or emit
 * @err_pc: the instruction being emitted when it failed (len: the end)
 */
struct sj_jit_work {
	u32 addrs[SJ_MAXINSNS + 1];
	u32 passes;
	u32 err;
	u32 err_pc;
};

typedef u32 (*sj_image_fn)(const struct seccomp_data *sd);

/**
 * struct sj_jit_opts - how to emit an image
 * @blind: blind every 32-bit constant of the filter with @key
 * @key: per-image random value; each constant k is emitted as k ^ key and
 *	restored with an xor at run time, so no constant the filter's author
 *	chose appears verbatim in executable memory
 * @base: the address the image will run at (for @ret_thunk)
 * @ret_thunk: address of the return thunk in force (the kernel's
 *	x86_return_thunk, where the CPU wants one), or 0 for a plain ret;
 *	when only sizing (no buffer), any non-zero value selects the thunk form
 * @endbr: begin with endbr64, the landing pad an IBT kernel
 *	(CONFIG_X86_KERNEL_IBT) requires at the target of an indirect call
 * @pool: read every constant of the filter from its constant pool instead
 *	(@blind is then ignored): ld #k is mov k(%rip), jeq #k is
 *	cmp k(%rip), %eax, and so on, so no constant costs an instruction
 *	of its own and none appears in the code
 * @pool_addr: the address of the pool: u32 slot i holds prog[i].k
 *	(sj_jit_fill_pool()), in memory that is never executable, within
 *	2 GiB of the code
 *
 * The image's size depends on @blind, @pool, @endbr and on whether
 * @ret_thunk is set, not on @key, @base or @pool_addr: sizing once and
 * emitting later at the final addresses gives the same layout.
 */
struct sj_jit_opts {
	bool blind;
	u32 key;
	u64 base;
	u64 ret_thunk;
	bool endbr;
	bool pool;
	u64 pool_addr;
};

/*
 * The form the module emits on a CONFIG_RETHUNK kernel (Debian's): what
 * userspace sizes with, so that its facts match the module's.
 */
#define SJ_JIT_OPTS_KERNEL_FORM { .pool = true, .ret_thunk = 1 }

int sj_jit_compile(const struct sock_filter *prog, u32 len,
		   const struct sj_jit_opts *opts, u8 *buf, u32 cap,
		   u32 *image_len, struct sj_jit_work *work);
void sj_jit_fill_pool(const struct sock_filter *prog, u32 len, u32 *pool);
int sj_jit_emit(const struct sock_filter *prog, u32 len,
		const struct sj_jit_opts *opts, u8 *buf, u32 cap,
		u32 *image_len, struct sj_jit_work *work);
const char *sj_jit_err_text(u32 err);

#endif /* SJ_JIT_H */
