// SPDX-License-Identifier: GPL-2.0
/*
 * The residual program of a filter for one syscall: what is left of it
 * once the syscall number and the architecture are known (decide.h has
 * the table of constants; this is for the syscalls that are not).
 *
 * A forward pass over the program (jumps only go forward, so every
 * predecessor of an instruction is seen before it) computes, for each
 * instruction reachable with that nr and arch, what A, X and M[] hold on
 * every path there: a known value or unknown (two paths that disagree
 * make it unknown).  A conditional jump whose operands are known on every
 * path takes one branch only.  The residual program is the reachable
 * instructions, in their order and unchanged, but for jumps: those that
 * take one way only (such decided jumps, and "ja") are left out, and
 * every jump to one goes straight to where it leads (an instruction that
 * would fall into one is followed by a "ja" there); the others are
 * renumbered.
 *
 * Why it returns what the filter returns for every input with that nr
 * and arch: on such an input the filter's run only meets reachable
 * instructions, with the known values as the pass computed them (by
 * induction along the run), so at a decided jump it goes where the
 * residual goes; every other instruction is the same instruction.
 * The residual is a program sj_check() usually accepts: it starts at
 * where the first instruction leads (every path goes through it), it ends
 * with a ret (the last kept instruction has no later one to go on to),
 * its jumps go forward, and every path to a read of M[k] is a path
 * of the filter, which wrote M[k].  But seccomp's scratch check is a
 * linear pass in which a store flows past a ret, so dropping an
 * unreachable store can make a read look unwritten, and a jump whose new
 * target lies more than 255 instructions on has no residual: the module
 * checks every residual and runs the whole filter where it has none.
 */
#include "residual.h"

#define R_A		0
#define R_X		1
#define R_M(k)		(2 + (k))

static void st_known(struct sj_rstate *s, u32 r, u32 v)
{
	s->known |= 1U << r;
	s->val[r] = v;
}

static void st_unknown(struct sj_rstate *s, u32 r)
{
	s->known &= ~(1U << r);
	s->val[r] = 0;
}

static bool st_is_known(const struct sj_rstate *s, u32 r)
{
	return s->known & (1U << r);
}

static void st_copy(struct sj_rstate *s, u32 dst, u32 src)
{
	if (st_is_known(s, src))
		st_known(s, dst, s->val[src]);
	else
		st_unknown(s, dst);
}

/* @s flows into instruction @pc: the first path, or the join of paths. */
static void flow(struct sj_residual_work *w, u32 pc, const struct sj_rstate *s)
{
	struct sj_rstate *in = &w->in[pc];
	u32 r;

	if (!w->reach[pc]) {
		*in = *s;
		w->reach[pc] = 1;
		return;
	}
	for (r = 0; r < 2 + SJ_MEMWORDS; r++)
		if (st_is_known(in, r) &&
		    (!st_is_known(s, r) || s->val[r] != in->val[r]))
			st_unknown(in, r);
}

/* What instruction @insn leaves in @s (jumps and rets leave it alone). */
static void transfer(struct sj_rstate *s, const struct sock_filter *insn,
		     u32 arch, u32 nr)
{
	u32 k = insn->k, m = R_M(k % SJ_MEMWORDS);
	u32 v = insn->k;

	switch (insn->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		if (k == offsetof(struct seccomp_data, nr))
			st_known(s, R_A, nr);
		else if (k == offsetof(struct seccomp_data, arch))
			st_known(s, R_A, arch);
		else
			st_unknown(s, R_A);
		return;
	case BPF_LD | BPF_W | BPF_LEN:
		st_known(s, R_A, SJ_DATA_SIZE);
		return;
	case BPF_LDX | BPF_W | BPF_LEN:
		st_known(s, R_X, SJ_DATA_SIZE);
		return;
	case BPF_LD | BPF_IMM:
		st_known(s, R_A, k);
		return;
	case BPF_LDX | BPF_IMM:
		st_known(s, R_X, k);
		return;
	case BPF_LD | BPF_MEM:
		st_copy(s, R_A, m);
		return;
	case BPF_LDX | BPF_MEM:
		st_copy(s, R_X, m);
		return;
	case BPF_ST:
		st_copy(s, m, R_A);
		return;
	case BPF_STX:
		st_copy(s, m, R_X);
		return;
	case BPF_MISC | BPF_TAX:
		st_copy(s, R_X, R_A);
		return;
	case BPF_MISC | BPF_TXA:
		st_copy(s, R_A, R_X);
		return;
	}
	if (BPF_CLASS(insn->code) != BPF_ALU)
		return;
	if (BPF_SRC(insn->code) == BPF_X) {
		if (!st_is_known(s, R_X)) {
			st_unknown(s, R_A);
			return;
		}
		v = s->val[R_X];
	}
	/* A division by zero returns from the filter: A no longer matters. */
	if (st_is_known(s, R_A) && !(BPF_OP(insn->code) == BPF_DIV && v == 0))
		st_known(s, R_A, sj_alu(BPF_OP(insn->code), s->val[R_A], v));
	else
		st_unknown(s, R_A);
}

/*
 * The successors of a reachable conditional jump at @pc: 1 = only jt,
 * 2 = only jf, 3 = both.
 */
static u32 jump_ways(const struct sj_rstate *s, const struct sock_filter *insn)
{
	bool known = st_is_known(s, R_A);
	u32 v = insn->k;

	if (BPF_SRC(insn->code) == BPF_X) {
		known = known && st_is_known(s, R_X);
		v = s->val[R_X];
	}
	if (insn->jt == insn->jf || !known)
		return insn->jt == insn->jf ? 1 : 3;
	return sj_jump_taken(BPF_OP(insn->code), s->val[R_A], v) ? 1 : 2;
}

/* The forward pass: w->reach[], w->in[] and w->ways[] of every insn. */
static void reach_pass(const struct sock_filter *prog, u32 len, u32 arch,
		       u32 nr, struct sj_residual_work *w)
{
	struct sj_rstate s;
	u32 pc;

	memset(w->reach, 0, len);
	memset(&s, 0, sizeof(s));
	st_known(&s, R_A, 0);	/* A = X = 0 on entry */
	st_known(&s, R_X, 0);
	flow(w, 0, &s);
	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *insn = &prog[pc];

		w->ways[pc] = 0;
		if (!w->reach[pc])
			continue;
		s = w->in[pc];
		transfer(&s, insn, arch, nr);
		if (BPF_CLASS(insn->code) == BPF_RET)
			continue;
		if (insn->code == (BPF_JMP | BPF_JA)) {
			flow(w, pc + 1 + insn->k, &s);
		} else if (BPF_CLASS(insn->code) == BPF_JMP) {
			w->ways[pc] = (u8)jump_ways(&s, insn);
			if (w->ways[pc] & 1)
				flow(w, pc + 1 + insn->jt, &s);
			if (w->ways[pc] & 2)
				flow(w, pc + 1 + insn->jf, &s);
		} else if (pc + 1 < len) {
			flow(w, pc + 1, &s);
		}
	}
}

/* Reachable, and a jump that goes one way only: left out. */
static bool dropped(const struct sock_filter *insn, const struct sj_residual_work *w,
		    u32 pc)
{
	if (insn->code == (BPF_JMP | BPF_JA))
		return true;
	return BPF_CLASS(insn->code) == BPF_JMP && w->ways[pc] != 3;
}

/* Where a dropped jump at @pc leads. */
static u32 jump_to(const struct sock_filter *insn, const struct sj_residual_work *w,
		   u32 pc)
{
	if (insn->code == (BPF_JMP | BPF_JA))
		return pc + 1 + insn->k;
	return pc + 1 + (w->ways[pc] == 1 ? insn->jt : insn->jf);
}

/*
 * A kept instruction that goes on to the next one, where the next one is
 * a left-out jump: the residual needs a "ja" there.
 */
static bool falls_to_dropped(const struct sock_filter *insn,
			     const struct sj_residual_work *w, u32 pc)
{
	u16 class = BPF_CLASS(insn->code);

	return class != BPF_JMP && class != BPF_RET &&
	       w->next[pc + 1] != w->dest[pc + 1];
}

/**
 * sj_residual() - the residual program of a filter for one syscall
 * @prog: a filter accepted by sj_check()
 * @len: its length
 * @arch: seccomp_data.arch
 * @nr: seccomp_data.nr
 * @out: the residual program, at most @len instructions
 * @work: scratch memory
 *
 * Context: any; does not sleep or allocate.
 * Return: the residual's length (1..@len), or 0 if it has none (a jump
 * would have to go more than 255 instructions, or @prog was not checked).
 */
u32 sj_residual(const struct sock_filter *prog, u32 len, u32 arch, u32 nr,
		struct sock_filter *out, struct sj_residual_work *work)
{
	u32 pc, n = 0;

	if (!len || len > SJ_MAXINSNS)
		return 0;
	reach_pass(prog, len, arch, nr, work);
	work->next[len] = len;
	for (pc = len; pc-- > 0;) {
		bool keep = work->reach[pc] && !dropped(&prog[pc], work, pc);

		work->dest[pc] = work->reach[pc] && !keep ?
				 work->dest[jump_to(&prog[pc], work, pc)] : pc;
		work->next[pc] = keep ? pc : work->next[pc + 1];
	}
	/* Every path goes through instruction 0: nothing is kept before. */
	if (work->next[0] != work->dest[0])
		return 0;
	for (pc = 0; pc < len; pc++) {
		work->newpc[pc] = n;
		if (work->next[pc] != pc)
			continue;
		n++;
		if (falls_to_dropped(&prog[pc], work, pc))
			n++;	/* a ja to where the dropped jumps lead */
	}
	for (pc = 0; pc < len; pc++) {
		struct sock_filter insn = prog[pc];
		u32 at = work->newpc[pc], t, f;

		if (work->next[pc] != pc)
			continue;
		if (BPF_CLASS(insn.code) == BPF_JMP) {
			t = work->newpc[work->dest[pc + 1 + insn.jt]] - at - 1;
			f = work->newpc[work->dest[pc + 1 + insn.jf]] - at - 1;
			if (t > 255 || f > 255)
				return 0;
			insn.jt = (u8)t;
			insn.jf = (u8)f;
		}
		out[at] = insn;
		if (falls_to_dropped(&prog[pc], work, pc))
			out[at + 1] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA,
				work->newpc[work->dest[pc + 1]] - at - 2);
	}
	return n;
}
