// SPDX-License-Identifier: GPL-2.0
/*
 * The checker, as small passes run in order:
 *
 *   check_length     1 <= len <= 4096
 *   check_insn       per instruction: opcode in seccomp's subset, then its
 *                    operand (jump range, load offset, divisor, shift
 *                    count, scratch index)
 *   check_final_ret  the last instruction is RET, so with every jump in
 *                    range no run can fall off the end
 *   check_scratch    no M[k] read before a write on every path
 *   compute_facts    longest path, scratch slots and seccomp_data fields used
 *   check_slot_facts the local facts of check_scratch()'s result, the ones
 *                    the proof of "no read before a write" rests on
 *
 * Every classic-BPF jump is forward (offsets are unsigned), so every
 * program that passes check_insn terminates, and a single pass in index
 * order visits each instruction after all of its predecessors.
 */
#include "check.h"

/*
 * The ACSL annotations (the comments that open with an @) are the contracts
 * that scripts/prove.sh has Frama-C WP prove: sj_check() accepts only
 * programs satisfying sj_checked() (check.h), never fails at run time
 * and always terminates.
 */

/*@ ghost
 * // The opcode table as its specification: sj_ops[] (insn.c) holds
 * // exactly these flags.  The proof compares the two code by code.
 * void sj_op_decode(u16 code)
 * {
 *	/@ assert sj_ops[code].flags ==
 *	 @ (code == (BPF_LD | BPF_W | BPF_ABS) ? 3 :
 *	 @  code == (BPF_LD | BPF_H | BPF_ABS) ? 1 :
 *	 @  code == (BPF_LD | BPF_B | BPF_ABS) ? 1 :
 *	 @  code == (BPF_LD | BPF_W | BPF_IND) ? 1 :
 *	 @  code == (BPF_LD | BPF_H | BPF_IND) ? 1 :
 *	 @  code == (BPF_LD | BPF_B | BPF_IND) ? 1 :
 *	 @  code == (BPF_LD | BPF_W | BPF_LEN) ? 3 :
 *	 @  code == (BPF_LD | BPF_IMM) ? 3 :
 *	 @  code == (BPF_LD | BPF_MEM) ? 3 | SJ_OP_MEM_RD :
 *	 @  code == (BPF_LDX | BPF_W | BPF_LEN) ? 3 :
 *	 @  code == (BPF_LDX | BPF_B | BPF_MSH) ? 1 :
 *	 @  code == (BPF_LDX | BPF_IMM) ? 3 :
 *	 @  code == (BPF_LDX | BPF_MEM) ? 3 | SJ_OP_MEM_RD :
 *	 @  code == BPF_ST ? 3 | SJ_OP_MEM_WR :
 *	 @  code == BPF_STX ? 3 | SJ_OP_MEM_WR :
 *	 @  code == (BPF_ALU | BPF_ADD | BPF_K) ? 3 :
 *	 @  code == (BPF_ALU | BPF_ADD | BPF_X) ? 3 :
 *	 @  code == (BPF_ALU | BPF_SUB | BPF_K) ? 3 :
 *	 @  code == (BPF_ALU | BPF_SUB | BPF_X) ? 3 :
 *	 @  code == (BPF_ALU | BPF_MUL | BPF_K) ? 3 :
 *	 @  code == (BPF_ALU | BPF_MUL | BPF_X) ? 3 :
 *	 @  code == (BPF_ALU | BPF_DIV | BPF_K) ? 3 :
 *	 @  code == (BPF_ALU | BPF_DIV | BPF_X) ? 3 :
 *	 @  code == (BPF_ALU | BPF_MOD | BPF_K) ? 1 :
 *	 @  code == (BPF_ALU | BPF_MOD | BPF_X) ? 1 :
 *	 @  code == (BPF_ALU | BPF_AND | BPF_K) ? 3 :
 *	 @  code == (BPF_ALU | BPF_AND | BPF_X) ? 3 :
 *	 @  code == (BPF_ALU | BPF_OR | BPF_K) ? 3 :
 *	 @  code == (BPF_ALU | BPF_OR | BPF_X) ? 3 :
 *	 @  code == (BPF_ALU | BPF_XOR | BPF_K) ? 3 :
 *	 @  code == (BPF_ALU | BPF_XOR | BPF_X) ? 3 :
 *	 @  code == (BPF_ALU | BPF_LSH | BPF_K) ? 3 :
 *	 @  code == (BPF_ALU | BPF_LSH | BPF_X) ? 3 :
 *	 @  code == (BPF_ALU | BPF_RSH | BPF_K) ? 3 :
 *	 @  code == (BPF_ALU | BPF_RSH | BPF_X) ? 3 :
 *	 @  code == (BPF_ALU | BPF_NEG) ? 3 :
 *	 @  code == (BPF_JMP | BPF_JA) ? 3 | SJ_OP_JA :
 *	 @  code == (BPF_JMP | BPF_JEQ | BPF_K) ? 3 | SJ_OP_JCOND :
 *	 @  code == (BPF_JMP | BPF_JEQ | BPF_X) ? 3 | SJ_OP_JCOND :
 *	 @  code == (BPF_JMP | BPF_JGT | BPF_K) ? 3 | SJ_OP_JCOND :
 *	 @  code == (BPF_JMP | BPF_JGT | BPF_X) ? 3 | SJ_OP_JCOND :
 *	 @  code == (BPF_JMP | BPF_JGE | BPF_K) ? 3 | SJ_OP_JCOND :
 *	 @  code == (BPF_JMP | BPF_JGE | BPF_X) ? 3 | SJ_OP_JCOND :
 *	 @  code == (BPF_JMP | BPF_JSET | BPF_K) ? 3 | SJ_OP_JCOND :
 *	 @  code == (BPF_JMP | BPF_JSET | BPF_X) ? 3 | SJ_OP_JCOND :
 *	 @  code == (BPF_RET | BPF_K) ? 3 | SJ_OP_RET :
 *	 @  code == (BPF_RET | BPF_A) ? 3 | SJ_OP_RET :
 *	 @  code == (BPF_MISC | BPF_TAX) ? 3 :
 *	 @  code == (BPF_MISC | BPF_TXA) ? 3 :
 *	 @  0);
 *	 @/
 *	/@ assert sj_flags(code) == sj_ops[code].flags; @/
 * }
 */

/*@
 * requires \valid(diag);
 * requires insn == \null || \valid_read(insn);
 * assigns diag->reason, diag->insn, diag->code, diag->value;
 * ensures \result == -1;
 */
static int reject(struct sj_diag *diag, u32 reason, u32 pc,
		  const struct sock_filter *insn, u32 value)
{
	diag->reason = reason;
	diag->insn = pc;
	diag->code = insn ? insn->code : 0;
	diag->value = value;
	return -1;
}

/*@
 * requires \valid(diag);
 * assigns diag->reason, diag->insn, diag->code, diag->value;
 * ensures \result == 0 || \result == -1;
 * ensures \result == 0 <==> 1 <= len <= SJ_MAXINSNS;
 */
static int check_length(u32 len, struct sj_diag *diag)
{
	if (len == 0 || len > SJ_MAXINSNS)
		return reject(diag, SEALJIT_E_LEN_RANGE, 0, NULL, len);
	return 0;
}

/* Opcode first: the operand of an opcode we do not know means nothing. */
/*@
 * requires \valid_read(insn) && \valid(diag) && \separated(insn, diag);
 * assigns diag->reason, diag->insn, diag->code, diag->value;
 * ensures \result == 0 || \result == -1;
 * ensures \result == 0 ==> sj_seccomp(insn->code);
 */
static int check_opcode(const struct sock_filter *insn, u32 pc,
			struct sj_diag *diag)
{
	u16 flags = sj_op_flags(insn->code);

	if (!(flags & SJ_OP_CLASSIC))
		return reject(diag, SEALJIT_E_OPCODE_UNKNOWN, pc, insn, insn->code);
	if (!(flags & SJ_OP_SECCOMP))
		return reject(diag, SEALJIT_E_OPCODE_REFUSED, pc, insn, insn->code);
	return 0;
}

/*@
 * requires \valid_read(insn) && \valid(diag) && \separated(insn, diag);
 * requires pc < len;
 * assigns diag->reason, diag->insn, diag->code, diag->value;
 * ensures \result == 0 || \result == -1;
 * ensures \result == 0 ==> (sj_ja(insn->code) ==>
 *	pc + 1 + insn->k < len);
 * ensures \result == 0 ==> (sj_jcond(insn->code) ==>
 *	pc + 1 + insn->jt < len && pc + 1 + insn->jf < len);
 */
static int check_jump(const struct sock_filter *insn, u32 pc, u32 len,
		      struct sj_diag *diag)
{
	u16 flags = sj_op_flags(insn->code);
	u32 room = len - pc - 1;	/* instructions after pc */

	/* Compare offsets with room, never pc + 1 + k: k may be near 2^32. */
	if ((flags & SJ_OP_JA) && insn->k >= room)
		return reject(diag, SEALJIT_E_JUMP_RANGE, pc, insn, insn->k);
	if ((flags & SJ_OP_JCOND) && insn->jt >= room)
		return reject(diag, SEALJIT_E_JUMP_RANGE, pc, insn, insn->jt);
	if ((flags & SJ_OP_JCOND) && insn->jf >= room)
		return reject(diag, SEALJIT_E_JUMP_RANGE, pc, insn, insn->jf);
	return 0;
}

/*@
 * requires \valid_read(insn) && \valid(diag) && \separated(insn, diag);
 * requires sj_seccomp(insn->code);
 * assigns diag->reason, diag->insn, diag->code, diag->value;
 * ensures \result == 0 || \result == -1;
 * ensures \result == 0 ==> (insn->code == (BPF_LD | BPF_W | BPF_ABS) ==>
 *	insn->k < SJ_DATA_SIZE && insn->k % 4 == 0);
 * ensures \result == 0 ==> (insn->code == (BPF_ALU | BPF_DIV | BPF_K) ==>
 *	insn->k != 0);
 * ensures \result == 0 ==> (insn->code == (BPF_ALU | BPF_LSH | BPF_K) ==>
 *	insn->k < 32);
 * ensures \result == 0 ==> (insn->code == (BPF_ALU | BPF_RSH | BPF_K) ==>
 *	insn->k < 32);
 * ensures \result == 0 ==>
 *	(insn->code == (BPF_LD | BPF_MEM) ||
 *	 insn->code == (BPF_LDX | BPF_MEM) ||
 *	 insn->code == BPF_ST || insn->code == BPF_STX ==>
 *	insn->k < SJ_MEMWORDS);
 */
static int check_operand(const struct sock_filter *insn, u32 pc,
			 struct sj_diag *diag)
{
	u32 k = insn->k;

	/*@ ghost sj_op_decode(insn->code); */
	switch (insn->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		if (k >= SJ_DATA_SIZE)
			return reject(diag, SEALJIT_E_LOAD_RANGE, pc, insn, k);
		if (k & 3)
			return reject(diag, SEALJIT_E_LOAD_ALIGN, pc, insn, k);
		break;
	case BPF_ALU | BPF_DIV | BPF_K:
		if (k == 0)
			return reject(diag, SEALJIT_E_DIV_ZERO, pc, insn, k);
		break;
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
		if (k >= 32)
			return reject(diag, SEALJIT_E_SHIFT_RANGE, pc, insn, k);
		break;
	}
	if ((sj_op_flags(insn->code) & (SJ_OP_MEM_RD | SJ_OP_MEM_WR)) &&
	    k >= SJ_MEMWORDS)
		return reject(diag, SEALJIT_E_SCRATCH_INDEX, pc, insn, k);
	return 0;
}

/*@
 * requires 1 <= len <= SJ_MAXINSNS;
 * requires \valid_read(prog + (0 .. len - 1)) && \valid(diag);
 * requires \separated(prog + (0 .. len - 1), diag);
 * assigns diag->reason, diag->insn, diag->code, diag->value;
 * ensures \result == 0 || \result == -1;
 * ensures \result == 0 ==> \forall integer i; 0 <= i < len ==>
 *	sj_insn_ok(prog, len, i);
 */
static int check_insns(const struct sock_filter *prog, u32 len,
		       struct sj_diag *diag)
{
	u32 pc;

	/*@
	 * loop invariant 0 <= pc <= len;
	 * loop invariant \forall integer i; 0 <= i < pc ==>
	 *	sj_insn_ok(prog, len, i);
	 * loop assigns pc, diag->reason, diag->insn, diag->code,
	 *	diag->value;
	 * loop variant len - pc;
	 */
	for (pc = 0; pc < len; pc++) {
		if (check_opcode(&prog[pc], pc, diag) ||
		    check_jump(&prog[pc], pc, len, diag) ||
		    check_operand(&prog[pc], pc, diag))
			return -1;
	}
	return 0;
}

/*@
 * requires 1 <= len <= SJ_MAXINSNS;
 * requires \valid_read(prog + (0 .. len - 1)) && \valid(diag);
 * requires \separated(prog + (0 .. len - 1), diag);
 * requires \forall integer i; 0 <= i < len ==> sj_insn_ok(prog, len, i);
 * assigns diag->reason, diag->insn, diag->code, diag->value;
 * ensures \result == 0 || \result == -1;
 * ensures \result == 0 ==> sj_ret(prog[len - 1].code);
 * ensures \result == 0 ==> \forall integer i; 0 <= i < len ==>
 *	sj_insn_ok(prog, len, i);
 */
static int check_final_ret(const struct sock_filter *prog, u32 len,
			   struct sj_diag *diag)
{
	const struct sock_filter *last = &prog[len - 1];

	if (!(sj_op_flags(last->code) & SJ_OP_RET))
		return reject(diag, SEALJIT_E_NO_FINAL_RET, len - 1, last, 0);
	return 0;
}

/*
 * Forward dataflow over the scratch slots.  Entry state: nothing written
 * (A = X = 0, M[] undefined).  init[i] is the intersection of the states
 * flowing into i, so a slot in init[i] was written on every path to i.
 * Jumps are forward, so all of i's predecessors are processed before i.
 *
 * As in the kernel's check_load_and_stores(), the state after a RET still
 * flows into the next instruction.  That edge does not exist at run time;
 * keeping it only rejects more, and it keeps us rejecting exactly the
 * programs seccomp rejects.
 */
/*
 * Slot-set tests for check_slot_facts(), one bit operation each, so that
 * each proof goal holds one.
 */
/*@
 * requires k < SJ_MEMWORDS;
 * assigns \nothing;
 * ensures \result <==> sj_slot_in(set, k);
 */
static bool has_slot(u16 set, u32 k)
{
	return set & (1U << k);
}

/*@
 * assigns \nothing;
 * ensures \result ==> \forall integer s; sj_slot_in(a, s) ==>
 *	sj_slot_in(b, s) || (w >= 0 && s == w);
 */
static bool slots_within(u16 a, u16 b, s32 w)
{
	u16 out = b;

	if (w >= 0 && w < SJ_MEMWORDS)
		out |= (u16)(1U << w);
	return !(a & ~out);
}

/*
 * Forward dataflow over the scratch slots.  Entry state: nothing written
 * (A = X = 0, M[] undefined).  init[i] is the intersection of the states
 * flowing into i, so a slot in init[i] was written on every path to i.
 * Jumps are forward, so all of i's predecessors are processed before i.
 *
 * As in the kernel's check_load_and_stores(), the state after a RET still
 * flows into the next instruction.  That edge does not exist at run time;
 * keeping it only rejects more, and it keeps us rejecting exactly the
 * programs seccomp rejects.
 */
/*@
 * requires 1 <= len <= SJ_MAXINSNS;
 * requires \forall integer i; 0 <= i < len ==> sj_insn_ok(prog, len, i);
 * requires \valid_read(prog + (0 .. len - 1)) && \valid(diag);
 * requires \valid(init + (0 .. len - 1));
 * requires \separated(prog + (0 .. len - 1), init + (0 .. len - 1), diag);
 * requires sj_ret(prog[len - 1].code);
 * assigns init[0 .. len - 1];
 * assigns diag->reason, diag->insn, diag->code, diag->value;
 * ensures \result == 0 || \result == -1;
 * ensures \result == 0 ==> sj_ret(prog[len - 1].code);
 * ensures \result == 0 ==> \forall integer i; 0 <= i < len ==>
 *	sj_insn_ok(prog, len, i);
 */
static int check_scratch(const struct sock_filter *prog, u32 len,
			 u16 *init, struct sj_diag *diag)
{
	u16 state = 0;
	u32 pc;

	/*@
	 * loop invariant 0 <= pc <= len;
	 * loop invariant sj_ret(prog[len - 1].code);
	 * loop invariant \forall integer i; 0 <= i < len ==>
	 *	sj_insn_ok(prog, len, i);
	 * loop assigns pc, init[0 .. len - 1];
	 * loop variant len - pc;
	 */
	for (pc = 0; pc < len; pc++)
		init[pc] = 0xffff;

	/*@
	 * loop invariant 0 <= pc <= len;
	 * loop invariant sj_ret(prog[len - 1].code);
	 * loop invariant \forall integer i; 0 <= i < len ==>
	 *	sj_insn_ok(prog, len, i);
	 * loop assigns pc, state, init[0 .. len - 1];
	 * loop variant len - pc;
	 */
	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *insn = &prog[pc];
		u16 flags = sj_op_flags(insn->code);

		/*@ assert sj_insn_ok(prog, len, pc); */
		/*@ ghost sj_op_decode(insn->code); */

		state &= init[pc];
		init[pc] = state;

		if (flags & SJ_OP_MEM_WR)
			state |= (u16)(1U << insn->k);
		if ((flags & SJ_OP_MEM_RD) && !(state & (1U << insn->k)))
			return reject(diag, SEALJIT_E_SCRATCH_UNINIT, pc, insn,
				      insn->k);
		if (flags & SJ_OP_JA) {
			init[pc + 1 + insn->k] &= state;
			state = 0xffff;
		} else if (flags & SJ_OP_JCOND) {
			init[pc + 1 + insn->jt] &= state;
			init[pc + 1 + insn->jf] &= state;
			state = 0xffff;
		}
	}
	return 0;
}

/*@ assigns \nothing; */
static u32 data_field(u32 off)
{
	if (off < 4)
		return SEALJIT_USES_NR;
	if (off < 8)
		return SEALJIT_USES_ARCH;
	if (off < 16)
		return SEALJIT_USES_IP;
	return SEALJIT_USES_ARGS;
}

/* Backwards, because every successor of i has a larger index. */
/*@
 * requires 1 <= len <= SJ_MAXINSNS;
 * requires \forall integer i; 0 <= i < len ==> sj_insn_ok(prog, len, i);
 * requires sj_ret(prog[len - 1].code);
 * requires \valid_read(prog + (0 .. len - 1)) && \valid(facts);
 * requires \valid(longest + (0 .. len - 1));
 * requires \separated(prog + (0 .. len - 1), longest + (0 .. len - 1),
 *		      facts);
 * assigns longest[0 .. len - 1], *facts;
 * ensures sj_ret(prog[len - 1].code);
 * ensures \forall integer i; 0 <= i < len ==> sj_insn_ok(prog, len, i);
 */
static void compute_facts(const struct sock_filter *prog, u32 len,
			  u16 *longest, struct sj_facts *facts)
{
	u32 pc = len;

	facts->len = len;
	facts->scratch_mask = 0;
	facts->uses = 0;
	/*@
	 * loop invariant 0 <= pc <= len;
	 * loop invariant sj_ret(prog[len - 1].code);
	 * loop invariant \forall integer i; 0 <= i < len ==>
	 *	sj_insn_ok(prog, len, i);
	 * loop assigns pc, longest[0 .. len - 1], facts->scratch_mask,
	 *	facts->uses;
	 * loop variant pc;
	 */
	while (pc-- > 0) {
		const struct sock_filter *insn = &prog[pc];
		u16 flags = sj_op_flags(insn->code);
		u16 next = 0;

		/*@ assert sj_insn_ok(prog, len, pc); */
		/*@ ghost sj_op_decode(insn->code); */

		if (flags & SJ_OP_RET)
			next = 0;
		else if (flags & SJ_OP_JA)
			next = longest[pc + 1 + insn->k];
		else if (flags & SJ_OP_JCOND)
			next = max(longest[pc + 1 + insn->jt],
				   longest[pc + 1 + insn->jf]);
		else
			next = longest[pc + 1];
		longest[pc] = next + 1;

		if (flags & (SJ_OP_MEM_RD | SJ_OP_MEM_WR))
			facts->scratch_mask |= 1U << insn->k;
		if (insn->code == (BPF_LD | BPF_W | BPF_ABS))
			facts->uses |= data_field(insn->k);
		if (insn->code == (BPF_LD | BPF_W | BPF_LEN) ||
		    insn->code == (BPF_LDX | BPF_W | BPF_LEN))
			facts->uses |= SEALJIT_USES_LEN;
	}
	facts->longest_path = longest[0];
}

/*
 * A certificate check of check_scratch()'s result: init[0] is empty, every
 * edge i -> j has init[j] within init[i] plus what i writes, every read is
 * of a slot in init[i].  These local facts give "no read before a write on
 * any path" by induction on the steps of a run (Documentation/checker.rst).
 * The proof of this short pass, which only reads, is what carries the
 * guarantee; the forward pass that computes init[] only has to be good
 * enough never to fail it (so this pass never rejects on its own: a
 * rejection here would be a bug of check_scratch(), reported as the
 * uninitialised read it guards against).
 */
/*@
 * requires 1 <= len <= SJ_MAXINSNS;
 * requires \forall integer i; 0 <= i < len ==> sj_insn_ok(prog, len, i);
 * requires \valid_read(prog + (0 .. len - 1)) && \valid(diag);
 * requires \valid_read(init + (0 .. len - 1));
 * requires \separated(prog + (0 .. len - 1), init + (0 .. len - 1), diag);
 * requires sj_ret(prog[len - 1].code);
 * assigns diag->reason, diag->insn, diag->code, diag->value;
 * ensures \result == 0 || \result == -1;
 * ensures \result == 0 ==> init[0] == 0;
 * ensures \result == 0 ==> \forall integer i; 0 <= i < len ==>
 *	sj_scratch_at{Here, Here}(prog, len, init, i);
 * ensures \result == 0 ==> sj_accepted(prog, len, init);
 */
static int check_slot_facts(const struct sock_filter *prog, u32 len,
			    const u16 *init, struct sj_diag *diag)
{
	u32 pc;

	if (init[0])
		return reject(diag, SEALJIT_E_SCRATCH_UNINIT, 0, &prog[0], 0);
	/*@
	 * loop invariant 0 <= pc <= len;
	 * loop invariant \forall integer i; 0 <= i < pc ==>
	 *	sj_scratch_at{Here, Here}(prog, len, init, i);
	 * loop assigns pc;
	 * loop variant len - pc;
	 */
	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *insn = &prog[pc];
		u16 flags = sj_op_flags(insn->code);
		s32 w = flags & SJ_OP_MEM_WR ? (s32)insn->k : -1;
		u16 in = init[pc];
		u32 t = pc + 1, f = pc + 1;	/* the successors */

		/*@ assert sj_insn_ok(prog, len, pc); */
		/*@ ghost sj_op_decode(insn->code); */
		/*@ assert W: w >= 0 ==> sj_mem_wr(insn->code) && w == insn->k; */

		if (flags & SJ_OP_JA) {
			t = pc + 1 + insn->k;
			f = t;
		} else if (flags & SJ_OP_JCOND) {
			t = pc + 1 + insn->jt;
			f = pc + 1 + insn->jf;
		}
		if (t < len && !slots_within(init[t], in, w))
			goto uninit;
		if (f < len && !slots_within(init[f], in, w))
			goto uninit;
		if ((flags & SJ_OP_MEM_RD) && !has_slot(in, insn->k))
			goto uninit;
		/*@ assert T: t < len ==> sj_flows{Here, Here}(prog, init, pc, t); */
		/*@ assert F: f < len ==> sj_flows{Here, Here}(prog, init, pc, f); */
		/*@ assert sj_ja(insn->code) ==> t == pc + 1 + insn->k && f == t; */
		/*@ assert sj_jcond(insn->code) ==>
		 *	t == pc + 1 + insn->jt && f == pc + 1 + insn->jf;
		 */
		/*@ assert !sj_ja(insn->code) && !sj_jcond(insn->code) ==>
		 *	t == pc + 1;
		 */
		/*@ assert sj_mem_rd(insn->code) ==> sj_slot_in(in, insn->k); */
		/*@ assert sj_scratch_at{Here, Here}(prog, len, init, pc); */
	}
	return 0;
uninit:
	return reject(diag, SEALJIT_E_SCRATCH_UNINIT, pc, &prog[pc], prog[pc].k);
}

/*@
 * requires \valid(diag) && \valid(facts) && \valid(work);
 * requires \separated(diag, facts, work);
 * requires len <= SJ_MAXINSNS ==> \valid_read(prog + (0 .. len - 1));
 * requires len <= SJ_MAXINSNS ==>
 *	\separated(prog + (0 .. len - 1), diag, facts, work);
 * assigns *diag, *facts, work->init[0 .. SJ_MAXINSNS - 1],
 *	work->longest[0 .. SJ_MAXINSNS - 1];
 * ensures \result == 0 || \result == -1;
 * ensures \result == 0 ==> sj_checked(prog, len);
 * ensures \result == 0 ==> sj_accepted(prog, len, &work->init[0]);
 */
/**
 * sj_check() - decide whether @prog is a valid seccomp filter
 * @prog: the instructions
 * @len: how many
 * @work: scratch space, see struct sj_check_work
 * @facts: filled in when the program is accepted
 * @diag: filled in when it is rejected
 *
 * Context: any; does not sleep or allocate.
 * Return: 0 if accepted, -1 if rejected (the reason is in @diag).
 */
int sj_check(const struct sock_filter *prog, u32 len,
	     struct sj_check_work *work, struct sj_facts *facts,
	     struct sj_diag *diag)
{
	diag->reason = SEALJIT_OK;
	diag->insn = 0;
	diag->code = 0;
	diag->value = 0;
	diag->len = len;

	if (check_length(len, diag) ||
	    check_insns(prog, len, diag) ||
	    check_final_ret(prog, len, diag) ||
	    check_scratch(prog, len, work->init, diag))
		return -1;
	compute_facts(prog, len, work->longest, facts);
	return check_slot_facts(prog, len, work->init, diag);
}
