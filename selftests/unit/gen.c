// SPDX-License-Identifier: GPL-2.0
/*
 * Random valid programs (moved here from test_random.c, unchanged, so
 * that old seeds replay the same programs).
 */
#include "agree.h"
#include "gen.h"

static const u32 interesting[] = {
	0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 33, 63, 64, 127, 128, 255, 256,
	0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x80000001,
	0xfffffffe, 0xffffffff, SECCOMP_RET_ALLOW, SECCOMP_RET_KILL_PROCESS,
	SECCOMP_RET_ERRNO | 1, SECCOMP_RET_TRAP,
};

static u32 pick(u64 *rng, u32 n)
{
	return (u32)(sj_rand64(rng) % n);
}

static u32 constant(u64 *rng)
{
	if (pick(rng, 3))
		return interesting[pick(rng, sizeof(interesting) / sizeof(u32))];
	return (u32)sj_rand64(rng);
}

u32 sj_gen_pick(u64 *rng, u32 n)
{
	return pick(rng, n);
}

/* 0, 1, boundaries and return values two times in three, else random. */
u32 sj_gen_constant(u64 *rng)
{
	return constant(rng);
}

/* A slot written on every path here, or -1 if none. */
static int written_slot(u64 *rng, u16 state)
{
	u32 start = pick(rng, SJ_MEMWORDS), i;

	for (i = 0; i < SJ_MEMWORDS; i++)
		if (state & (1U << ((start + i) % SJ_MEMWORDS)))
			return (int)((start + i) % SJ_MEMWORDS);
	return -1;
}

static u32 jump_offset(u64 *rng, u32 room, u32 max)
{
	u32 limit = room < max ? room : max;

	if (pick(rng, 4) == 0)
		return limit;	/* as far as allowed: boundary cases */
	return pick(rng, (limit < 16 ? limit : 16) + 1);
}

static const u16 alu_ops[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND,
			       BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH };
static const u16 jmp_ops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };

static struct sock_filter gen_one(u64 *rng, u32 pc, u32 len, u16 *state)
{
	u32 room = len - pc - 2;	/* insns after pc, the last excluded */
	u16 op;
	int slot;

	switch (pick(rng, 16)) {
	case 0: case 1:
		return (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						    4 * pick(rng, 16));
	case 2:
		return (struct sock_filter)BPF_STMT(
			pick(rng, 2) ? BPF_LD | BPF_IMM : BPF_LDX | BPF_IMM,
			constant(rng));
	case 3:
		return (struct sock_filter)BPF_STMT(pick(rng, 2) ?
			BPF_LD | BPF_W | BPF_LEN : BPF_LDX | BPF_W | BPF_LEN, 0);
	case 4:
		slot = written_slot(rng, *state);
		if (slot >= 0)
			return (struct sock_filter)BPF_STMT(pick(rng, 2) ?
				BPF_LD | BPF_MEM : BPF_LDX | BPF_MEM, (u32)slot);
		/* none written yet: write one instead */
		__attribute__((fallthrough));
	case 5:
		slot = (int)pick(rng, SJ_MEMWORDS);
		*state |= (u16)(1U << slot);
		return (struct sock_filter)BPF_STMT(pick(rng, 2) ? BPF_ST : BPF_STX,
						    (u32)slot);
	case 6: case 7: case 8:
		op = alu_ops[pick(rng, sizeof(alu_ops) / sizeof(u16))];
		if (pick(rng, 2))
			return (struct sock_filter)BPF_STMT(BPF_ALU | op | BPF_X, 0);
		if (op == BPF_LSH || op == BPF_RSH)
			return (struct sock_filter)BPF_STMT(BPF_ALU | op | BPF_K,
							    pick(rng, 32));
		return (struct sock_filter)BPF_STMT(BPF_ALU | op | BPF_K,
			op == BPF_DIV ? constant(rng) | (pick(rng, 2) ? 1 : 0x100) :
					constant(rng));
	case 9:
		return (struct sock_filter)BPF_STMT(BPF_ALU | BPF_NEG, 0);
	case 10:
		return (struct sock_filter)BPF_STMT(BPF_MISC |
			(pick(rng, 2) ? BPF_TAX : BPF_TXA), 0);
	case 11:
		return (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA,
						    jump_offset(rng, room, room));
	case 12:
		return (struct sock_filter)BPF_STMT(BPF_RET |
			(pick(rng, 2) ? BPF_A : BPF_K), constant(rng));
	default:
		op = jmp_ops[pick(rng, sizeof(jmp_ops) / sizeof(u16))];
		return (struct sock_filter)BPF_JUMP(BPF_JMP | op |
			(pick(rng, 2) ? BPF_X : BPF_K), constant(rng),
			(u8)jump_offset(rng, room, 255),
			(u8)jump_offset(rng, room, 255));
	}
}

/*
 * A program of @len instructions the checker must accept: the scratch
 * state is tracked exactly as the checker computes it, so that loads only
 * read slots written on every path.  @incoming: @len entries of scratch.
 */
u32 sj_gen_program_len(u64 *rng, struct sock_filter *prog, u32 len,
		       u16 *incoming)
{
	u16 state = 0;
	u32 pc;

	for (pc = 0; pc < len; pc++)
		incoming[pc] = 0xffff;
	for (pc = 0; pc + 1 < len; pc++) {
		struct sock_filter *insn = &prog[pc];
		u16 flags;

		state &= incoming[pc];
		*insn = gen_one(rng, pc, len, &state);
		flags = sj_op_flags(insn->code);
		if (flags & SJ_OP_JA) {
			incoming[pc + 1 + insn->k] &= state;
			state = 0xffff;
		} else if (flags & SJ_OP_JCOND) {
			incoming[pc + 1 + insn->jt] &= state;
			incoming[pc + 1 + insn->jf] &= state;
			state = 0xffff;
		}
	}
	prog[len - 1] = (struct sock_filter)BPF_STMT(BPF_RET |
		(pick(rng, 2) ? BPF_A : BPF_K), constant(rng));
	return len;
}

/* A program of 1 to 4096 instructions, mostly short. */
u32 sj_gen_program(u64 *rng, struct sock_filter *prog, u16 *incoming)
{
	u32 r = pick(rng, 100), len;

	len = r < 70 ? 1 + pick(rng, 32) : r < 97 ? 33 + pick(rng, 300) :
	      300 + pick(rng, SJ_MAXINSNS - 300 + 1);
	return sj_gen_program_len(rng, prog, len, incoming);
}
