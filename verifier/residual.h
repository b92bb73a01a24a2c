/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The residual program of a filter for one syscall number and
 * architecture (residual.c): the code that still runs once those are
 * known, for the syscalls whose result depends on their arguments.
 */
#ifndef SJ_RESIDUAL_H
#define SJ_RESIDUAL_H

#include "insn.h"
#include "interp.h"

/* What A, X and M[] hold at an instruction on every path there. */
struct sj_rstate {
	u32 known;			/* bit 0: A, 1: X, 2 + k: M[k] */
	u32 val[2 + SJ_MEMWORDS];
};

/**
 * struct sj_residual_work - scratch memory of sj_residual()
 * @in: per instruction, the state every path brings to it
 * @reach: per instruction, reachable with this nr and arch
 * @ways: per conditional jump: 1 only jt, 2 only jf, 3 both
 * @newpc: per instruction, its index in the residual program
 * @dest: per instruction, the first instruction that is kept from there
 *	on (itself, or where its decided jumps lead)
 * @next: per instruction, the first kept one at or after it in order
 */
struct sj_residual_work {
	struct sj_rstate in[SJ_MAXINSNS];
	u8 reach[SJ_MAXINSNS];
	u8 ways[SJ_MAXINSNS];
	u32 newpc[SJ_MAXINSNS];
	u32 dest[SJ_MAXINSNS];
	u32 next[SJ_MAXINSNS + 1];
};

u32 sj_residual(const struct sock_filter *prog, u32 len, u32 arch, u32 nr,
		struct sock_filter *out, struct sj_residual_work *work);
bool sj_residual_check(const struct sock_filter *prog, u32 len, u32 arch,
		       u32 nr, const struct sock_filter *res, u32 rlen,
		       struct sj_residual_work *work);

#endif /* SJ_RESIDUAL_H */
