// SPDX-License-Identifier: GPL-2.0
/*
 * The check that a residual program is the filter, for its syscall: for
 * every input with that number and architecture, the two return the same
 * value.  Written apart from residual.c (which builds residual programs)
 * and sharing none of its code: a bug there is caught here, not mirrored.
 *
 * It runs the two programs side by side, forward (jumps only go forward,
 * so every way into an instruction is seen before it).  A pair (p, q) says
 * that a run of the filter at instruction p has a run of the residual at
 * q with the same A, X and M[]; with it travels what those hold on every
 * path there, as known values (nr and arch, constants, what is computed
 * from them) or unknown.  A jump whose way is known from that ("ja", equal
 * targets, known operands) is followed on its own side alone; once
 * neither side is at one, both must be at the same instruction (same code
 * and operand): an instruction that is not a jump takes both to the next
 * ones, a conditional jump to the pairs of its two targets, a ret ends
 * both runs with the same value.  Paths that meet at p must bring the same
 * q, and their knowledge is joined (a value stays known only where every
 * path knows the same).
 *
 * Why that is enough: on an input with this nr and arch, the filter's run
 * visits instructions where the joined knowledge is true of the run (by
 * induction along it), so every jump taken alone is taken that way, and
 * at each instruction both runs execute the same instruction on the same
 * A, X and M[]: they reach the same ret with the same A.
 */
#include "residual.h"

#define RC_A		0
#define RC_X		1
#define RC_M(k)		(2 + (k))
#define RC_NONE		0xffffffffU

/*@
 * requires \valid(s) && r < 2 + SJ_MEMWORDS;
 * assigns s->known, s->val[r];
 */
static void set_val(struct sj_rstate *s, u32 r, bool known, u32 v)
{
	if (known) {
		s->known |= 1U << r;
		s->val[r] = v;
	} else {
		s->known &= ~(1U << r);
		s->val[r] = 0;
	}
}

/*@ requires \valid_read(s) && r < 2 + SJ_MEMWORDS; assigns \nothing; */
static bool has_val(const struct sj_rstate *s, u32 r)
{
	return s->known & (1U << r);
}

/* What a non-jump, non-ret instruction does to the knowledge @s. */
/*@
 * requires \valid(s) && \valid_read(insn) && \separated(s, insn);
 * assigns s->known, s->val[0 .. 2 + SJ_MEMWORDS - 1];
 */
static void step(struct sj_rstate *s, const struct sock_filter *insn,
		 u32 arch, u32 nr)
{
	u32 k = insn->k, slot = RC_M(k % SJ_MEMWORDS), op;

	switch (BPF_CLASS(insn->code)) {
	case BPF_LD:
	case BPF_LDX: {
		u32 r = BPF_CLASS(insn->code) == BPF_LD ? RC_A : RC_X;

		if (BPF_MODE(insn->code) == BPF_MEM)
			set_val(s, r, has_val(s, slot), s->val[slot]);
		else if (BPF_MODE(insn->code) == BPF_LEN)
			set_val(s, r, true, SJ_DATA_SIZE);
		else if (BPF_MODE(insn->code) == BPF_IMM)
			set_val(s, r, true, k);
		else	/* ld [k]: only nr and arch are known */
			set_val(s, r, k == 0 || k == 4, k == 0 ? nr : arch);
		return;
	}
	case BPF_ST:
		set_val(s, slot, has_val(s, RC_A), s->val[RC_A]);
		return;
	case BPF_STX:
		set_val(s, slot, has_val(s, RC_X), s->val[RC_X]);
		return;
	case BPF_MISC:
		if (BPF_MISCOP(insn->code) == BPF_TAX)
			set_val(s, RC_X, has_val(s, RC_A), s->val[RC_A]);
		else
			set_val(s, RC_A, has_val(s, RC_X), s->val[RC_X]);
		return;
	case BPF_ALU:
		op = BPF_OP(insn->code);
		if (BPF_SRC(insn->code) == BPF_X) {
			if (!has_val(s, RC_X)) {
				set_val(s, RC_A, false, 0);
				return;
			}
			k = s->val[RC_X];
		}
		/* A division by zero ends both runs alike: A is moot. */
		if (!has_val(s, RC_A) || (op == BPF_DIV && !k))
			set_val(s, RC_A, false, 0);
		else
			set_val(s, RC_A, true, sj_alu(op, s->val[RC_A], k));
		return;
	}
}

/*
 * Where the jump @insn at @pc goes if its way is known from @s, or
 * RC_NONE (not a jump, or a conditional jump it cannot tell).
 */
/*@
 * requires \valid_read(s) && \valid_read(insn) && pc < SJ_MAXINSNS;
 * assigns \nothing;
 */
static u32 known_way(const struct sj_rstate *s, const struct sock_filter *insn,
		     u32 pc)
{
	u32 v;

	if (BPF_CLASS(insn->code) != BPF_JMP)
		return RC_NONE;
	if (BPF_OP(insn->code) == BPF_JA)
		return pc + 1 + insn->k;
	if (insn->jt == insn->jf)
		return pc + 1 + insn->jt;
	if (!has_val(s, RC_A))
		return RC_NONE;
	if (BPF_SRC(insn->code) == BPF_X) {
		if (!has_val(s, RC_X))
			return RC_NONE;
		v = s->val[RC_X];
	} else {
		v = insn->k;
	}
	return pc + 1 + (sj_jump_taken(BPF_OP(insn->code), s->val[RC_A], v) ?
			 insn->jt : insn->jf);
}

/*
 * The residual's side of pair (@p, @q) with knowledge @s: past its "ja"s
 * (what it puts where the filter had jumps it leaves out), into
 * work->newpc[@p], and @s joined into work->in[@p].  Its conditional
 * jumps are followed where the filter's are, with the knowledge joined
 * at @p.
 * Return: false if paths to @p disagree on where the residual is.
 */
/*@
 * requires \valid(w) && \valid_read(s) && p < SJ_MAXINSNS;
 * requires 0 < rlen <= SJ_MAXINSNS && \valid_read(res + (0 .. rlen - 1));
 * requires \separated(w, s) && \separated(w, res + (0 .. rlen - 1));
 * assigns w->reach[p], w->newpc[p], w->in[p];
 */
static bool meet(struct sj_residual_work *w, const struct sock_filter *res,
		 u32 rlen, u32 p, u32 q, const struct sj_rstate *s)
{
	struct sj_rstate *in = &w->in[p];
	u32 r, to;

	/*@
	 * loop assigns q, to;
	 * loop variant rlen - q;
	 */
	while (q < rlen && res[q].code == (BPF_JMP | BPF_JA)) {
		to = q + 1 + res[q].k;
		if (to <= q)	/* not forward: not a checked program */
			return false;
		q = to;
	}
	if (q >= rlen)
		return false;
	if (!w->reach[p]) {
		w->reach[p] = 1;
		w->newpc[p] = q;
		*in = *s;
		return true;
	}
	if (w->newpc[p] != q)
		return false;
	/*@
	 * loop invariant 0 <= r <= 2 + SJ_MEMWORDS;
	 * loop assigns r, in->known, in->val[0 .. 2 + SJ_MEMWORDS - 1];
	 * loop variant 2 + SJ_MEMWORDS - r;
	 */
	for (r = 0; r < 2 + SJ_MEMWORDS; r++)
		if (has_val(in, r) &&
		    (!has_val(s, r) || s->val[r] != in->val[r]))
			set_val(in, r, false, 0);
	return true;
}

/*@
 * requires \valid(work);
 * requires 0 < len <= SJ_MAXINSNS ==> \valid_read(prog + (0 .. len - 1));
 * requires 0 < rlen <= len ==> \valid_read(res + (0 .. rlen - 1));
 * requires \separated(work, prog + (0 .. SJ_MAXINSNS - 1),
 *	res + (0 .. SJ_MAXINSNS - 1));
 * assigns work->reach[0 .. SJ_MAXINSNS - 1],
 *	work->newpc[0 .. SJ_MAXINSNS - 1], work->in[0 .. SJ_MAXINSNS - 1];
 */
/**
 * sj_residual_check() - is @res the filter @prog for syscall @nr of @arch?
 * @prog: a filter accepted by sj_check()
 * @len: its length
 * @arch: seccomp_data.arch
 * @nr: seccomp_data.nr
 * @res: a program accepted by sj_check(), said to be @prog's residual
 * @rlen: its length
 * @work: scratch memory (sj_residual()'s may be reused once it returned)
 *
 * Context: any; does not sleep or allocate.
 * Return: true if, for every input with this @nr and @arch, @res returns
 * what @prog returns; false if that could not be shown.
 */
bool sj_residual_check(const struct sock_filter *prog, u32 len, u32 arch,
		       u32 nr, const struct sock_filter *res, u32 rlen,
		       struct sj_residual_work *work)
{
	struct sj_rstate s = { .known = 0 };
	u32 p, q, to;

	if (!len || len > SJ_MAXINSNS || !rlen || rlen > len)
		return false;
	/*@
	 * loop invariant 0 <= p <= len;
	 * loop invariant \forall integer i; 0 <= i < p ==> !work->reach[i];
	 * loop assigns p, work->reach[0 .. len - 1];
	 * loop variant len - p;
	 */
	for (p = 0; p < len; p++)
		work->reach[p] = 0;
	set_val(&s, RC_A, true, 0);	/* A = X = 0 on entry */
	set_val(&s, RC_X, true, 0);
	if (!meet(work, res, rlen, 0, 0, &s))
		return false;
	/*@
	 * loop invariant 0 <= p <= len;
	 * loop assigns p, q, to, s, work->reach[0 .. len - 1],
	 *	work->newpc[0 .. len - 1], work->in[0 .. len - 1];
	 * loop variant len - p;
	 */
	for (p = 0; p < len; p++) {
		const struct sock_filter *a = &prog[p], *b;

		if (!work->reach[p])
			continue;
		s = work->in[p];
		q = work->newpc[p];
		if (q >= rlen)	/* meet() leaves none such */
			return false;
		b = &res[q];
		to = known_way(&s, a, p);
		if (to != RC_NONE) {
			/*
			 * The filter's jump goes one way: if the residual kept
			 * it, and it goes one way there too, follow it.
			 */
			if (a->code == b->code && a->k == b->k &&
			    BPF_OP(a->code) != BPF_JA &&
			    known_way(&s, b, q) != RC_NONE)
				q = known_way(&s, b, q);
			if (to <= p || to >= len ||
			    !meet(work, res, rlen, to, q, &s))
				return false;
			continue;
		}
		if (a->code != b->code || a->k != b->k)
			return false;
		if (BPF_CLASS(a->code) == BPF_RET)
			continue;
		if (BPF_CLASS(a->code) == BPF_JMP) {
			if (p + 1 + a->jt >= len || p + 1 + a->jf >= len ||
			    !meet(work, res, rlen, p + 1 + a->jt,
				  q + 1 + b->jt, &s) ||
			    !meet(work, res, rlen, p + 1 + a->jf,
				  q + 1 + b->jf, &s))
				return false;
			continue;
		}
		step(&s, a, arch, nr);
		if (p + 1 >= len || !meet(work, res, rlen, p + 1, q + 1, &s))
			return false;
	}
	return true;
}
