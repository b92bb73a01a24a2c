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
 *
 * Every classic-BPF jump is forward (offsets are unsigned), so every
 * program that passes check_insn terminates, and a single pass in index
 * order visits each instruction after all of its predecessors.
 */
#include "check.h"

static int reject(struct sj_diag *diag, u32 reason, u32 pc,
		  const struct sock_filter *insn, u32 value)
{
	diag->reason = reason;
	diag->insn = pc;
	diag->code = insn ? insn->code : 0;
	diag->value = value;
	return -1;
}

static int check_length(u32 len, struct sj_diag *diag)
{
	if (len == 0 || len > SJ_MAXINSNS)
		return reject(diag, SEALJIT_E_LEN_RANGE, 0, NULL, len);
	return 0;
}

/* Opcode first: the operand of an opcode we do not know means nothing. */
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

static int check_operand(const struct sock_filter *insn, u32 pc,
			 struct sj_diag *diag)
{
	u32 k = insn->k;

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

static int check_insns(const struct sock_filter *prog, u32 len,
		       struct sj_diag *diag)
{
	u32 pc;

	for (pc = 0; pc < len; pc++) {
		if (check_opcode(&prog[pc], pc, diag) ||
		    check_jump(&prog[pc], pc, len, diag) ||
		    check_operand(&prog[pc], pc, diag))
			return -1;
	}
	return 0;
}

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
static int check_scratch(const struct sock_filter *prog, u32 len,
			 u16 *init, struct sj_diag *diag)
{
	u16 state = 0;
	u32 pc;

	for (pc = 0; pc < len; pc++)
		init[pc] = 0xffff;

	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *insn = &prog[pc];
		u16 flags = sj_op_flags(insn->code);

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
static void compute_facts(const struct sock_filter *prog, u32 len,
			  u16 *longest, struct sj_facts *facts)
{
	u32 pc = len;

	facts->len = len;
	facts->scratch_mask = 0;
	facts->uses = 0;
	while (pc-- > 0) {
		const struct sock_filter *insn = &prog[pc];
		u16 flags = sj_op_flags(insn->code);
		u16 next = 0;

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
	return 0;
}
