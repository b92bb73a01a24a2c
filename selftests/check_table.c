// SPDX-License-Identifier: GPL-2.0
#include "check_table.h"

#define PROG(...) \
	.prog = (const struct sock_filter[]){ __VA_ARGS__ }, \
	.len = sizeof((const struct sock_filter[]){ __VA_ARGS__ }) / \
	       sizeof(struct sock_filter)

/* A jump with jt = jf = 255 to the last of 257 instructions. */
static u32 build_jump_255(struct sock_filter *p)
{
	u32 i;

	p[0] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 7, 255, 255);
	for (i = 1; i < 256; i++)
		p[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, i);
	p[256] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_A, 0);
	return 257;
}

/* jt = 255 with only 255 instructions after it: one past the end. */
static u32 build_jump_255_short(struct sock_filter *p)
{
	return build_jump_255(p) - 1;
}

static u32 build_empty(struct sock_filter *p)
{
	(void)p;
	return 0;
}

static u32 build_filled(struct sock_filter *p, u32 len)
{
	u32 i;

	for (i = 0; i + 1 < len; i++)
		p[i] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, i);
	p[len - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_A, 0);
	return len;
}

static u32 build_max(struct sock_filter *p)
{
	return build_filled(p, SJ_MAXINSNS);
}

static u32 build_max_plus_one(struct sock_filter *p)
{
	return build_filled(p, SJ_MAXINSNS + 1);
}

const struct check_case check_cases[] = {
	/* Length. */
	{ "a single ret is a filter", PROG(BPF_STMT(BPF_RET | BPF_K, 0)),
	  .longest = 1, .uses = 0 },
	{ "an empty filter is rejected", .build = build_empty,
	  .diag = "filter: length 0 is outside 1..4096\n" },
	{ "4096 instructions are accepted", .build = build_max,
	  .longest = 4096, .uses = 0 },
	{ "4097 instructions are rejected", .build = build_max_plus_one,
	  .diag = "filter: length 4097 is outside 1..4096\n" },

	/* Opcodes. */
	{ "every seccomp opcode is accepted", PROG(
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0),
		BPF_STMT(BPF_LD | BPF_IMM, 1),
		BPF_STMT(BPF_LDX | BPF_IMM, 2),
		BPF_STMT(BPF_ST, 0),
		BPF_STMT(BPF_STX, 1),
		BPF_STMT(BPF_LD | BPF_MEM, 0),
		BPF_STMT(BPF_LDX | BPF_MEM, 1),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 1),
		BPF_STMT(BPF_ALU | BPF_SUB | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 3),
		BPF_STMT(BPF_ALU | BPF_MUL | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 3),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 3),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 3),
		BPF_STMT(BPF_ALU | BPF_OR | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, 3),
		BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 3),
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 3),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_NEG, 0),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_JMP | BPF_JA, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 1, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 1, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
		BPF_STMT(BPF_RET | BPF_A, 0),
		BPF_STMT(BPF_RET | BPF_K, 0)),
	  .longest = 41, .uses = SEALJIT_USES_NR | SEALJIT_USES_LEN },
	{ "an opcode outside classic BPF is rejected",
	  PROG(BPF_STMT(0xff, 0), BPF_STMT(BPF_RET | BPF_K, 0)),
	  .diag = "insn 0: code 0x00ff: unknown opcode\n" },
	{ "an opcode above 255 is rejected",
	  PROG(BPF_STMT(BPF_RET | BPF_K, 0), BPF_STMT(0x1206, 0)),
	  .diag = "insn 1: code 0x1206: unknown opcode\n" },
	{ "ret x is not classic BPF",
	  PROG(BPF_STMT(BPF_RET | BPF_X, 0)),
	  .diag = "insn 0: code 0x000e: unknown opcode\n" },
	{ "mod is refused as seccomp refuses it",
	  PROG(BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3), BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: mod (code 0x94): classic BPF opcode not allowed in seccomp filters\n" },
	{ "mod x is refused",
	  PROG(BPF_STMT(BPF_ALU | BPF_MOD | BPF_X, 0), BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: mod (code 0x9c): classic BPF opcode not allowed in seccomp filters\n" },
	{ "half-word loads are refused",
	  PROG(BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0), BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: ldh (code 0x28): classic BPF opcode not allowed in seccomp filters\n" },
	{ "byte loads are refused",
	  PROG(BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: ldb (code 0x30): classic BPF opcode not allowed in seccomp filters\n" },
	{ "indirect loads are refused",
	  PROG(BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0), BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: ld (code 0x40): classic BPF opcode not allowed in seccomp filters\n" },
	{ "msh loads are refused",
	  PROG(BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0), BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: ldxb (code 0xb1): classic BPF opcode not allowed in seccomp filters\n" },
	{ "ancillary loads are refused by their offset",
	  PROG(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
	       BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: ld (code 0x20): load offset 4294963200 is outside struct seccomp_data (64 bytes)\n" },

	/* Jumps. */
	{ "ja to the last instruction is accepted", PROG(
		BPF_STMT(BPF_JMP | BPF_JA, 1),
		BPF_STMT(BPF_RET | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_K, 2)), .longest = 2 },
	{ "ja one past the last instruction is rejected", PROG(
		BPF_STMT(BPF_JMP | BPF_JA, 2),
		BPF_STMT(BPF_RET | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_K, 2)),
	  .diag = "insn 0: ja (code 0x05): jump offset 2 goes past the end of the 3-instruction program\n" },
	{ "ja by 0xffffffff does not wrap around (CVE-2014-2889 class)", PROG(
		BPF_STMT(BPF_JMP | BPF_JA, 0xffffffff),
		BPF_STMT(BPF_RET | BPF_K, 1)),
	  .diag = "insn 0: ja (code 0x05): jump offset 4294967295 goes past the end of the 2-instruction program\n" },
	{ "ja by 0xfffffffe from the second insn does not wrap", PROG(
		BPF_STMT(BPF_LD | BPF_IMM, 0),
		BPF_STMT(BPF_JMP | BPF_JA, 0xfffffffe),
		BPF_STMT(BPF_RET | BPF_K, 1)),
	  .diag = "insn 1: ja (code 0x05): jump offset 4294967294 goes past the end of the 3-instruction program\n" },
	{ "jt and jf of 0 fall through", PROG(
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0),
		BPF_STMT(BPF_RET | BPF_K, 1)), .longest = 2 },
	{ "jt and jf of 255 reach the 257th instruction", .build = build_jump_255,
	  .longest = 2 },
	{ "jt of 255 one past the end is rejected", .build = build_jump_255_short,
	  .diag = "insn 0: jeq (code 0x15): jump offset 255 goes past the end of the 256-instruction program\n" },
	{ "jt past the end is rejected", PROG(
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 1)),
	  .diag = "insn 0: jgt (code 0x2d): jump offset 1 goes past the end of the 2-instruction program\n" },
	{ "jf past the end is rejected", PROG(
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0, 0, 9),
		BPF_STMT(BPF_RET | BPF_K, 1)),
	  .diag = "insn 0: jset (code 0x45): jump offset 9 goes past the end of the 2-instruction program\n" },
	{ "a conditional jump as the last instruction is rejected", PROG(
		BPF_STMT(BPF_RET | BPF_K, 1),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0, 0, 0)),
	  .diag = "insn 1: jge (code 0x35): jump offset 0 goes past the end of the 2-instruction program\n" },
	{ "falling off the end is rejected", PROG(
		BPF_STMT(BPF_RET | BPF_K, 1),
		BPF_STMT(BPF_LD | BPF_IMM, 0)),
	  .diag = "insn 1: ld (code 0x00): last instruction is not ret: execution could fall off the end\n" },

	/* Loads. */
	{ "loads at every aligned offset are accepted", PROG(
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 8),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 12),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 60),
		BPF_STMT(BPF_RET | BPF_A, 0)),
	  .uses = SEALJIT_USES_NR | SEALJIT_USES_ARCH | SEALJIT_USES_IP |
		  SEALJIT_USES_ARGS },
	{ "an unaligned load is rejected", PROG(
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
		BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: ld (code 0x20): load offset 2 is not 4-byte aligned\n" },
	{ "a load at offset 64 is rejected", PROG(
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64),
		BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: ld (code 0x20): load offset 64 is outside struct seccomp_data (64 bytes)\n" },
	{ "a load at offset 61 is out of range before it is unaligned", PROG(
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 61),
		BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: ld (code 0x20): load offset 61 is not 4-byte aligned\n" },

	/* ALU operands. */
	{ "division by constants 1 and 0xffffffff is accepted", PROG(
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 1),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0xffffffff),
		BPF_STMT(BPF_RET | BPF_A, 0)) },
	{ "division by constant 0 is rejected", PROG(
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: div (code 0x34): division by constant 0\n" },
	{ "shifts by constants 0 and 31 are accepted", PROG(
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 0),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 31),
		BPF_STMT(BPF_RET | BPF_A, 0)) },
	{ "lsh by constant 32 is rejected", PROG(
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32),
		BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: lsh (code 0x64): shift by constant 32 (must be below 32)\n" },
	{ "rsh by constant 0xffffffff is rejected", PROG(
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 0xffffffff),
		BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: rsh (code 0x74): shift by constant 4294967295 (must be below 32)\n" },

	/* Scratch memory. */
	{ "st M[16] is rejected", PROG(
		BPF_STMT(BPF_ST, 16), BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: st (code 0x02): scratch slot M[16] does not exist (M[0] to M[15])\n" },
	{ "stx M[0xffffffff] is rejected", PROG(
		BPF_STMT(BPF_STX, 0xffffffff), BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: stx (code 0x03): scratch slot M[4294967295] does not exist (M[0] to M[15])\n" },
	{ "ld M[16] is rejected", PROG(
		BPF_STMT(BPF_LD | BPF_MEM, 16), BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: ld (code 0x60): scratch slot M[16] does not exist (M[0] to M[15])\n" },
	{ "ldx M[16] is rejected", PROG(
		BPF_STMT(BPF_LDX | BPF_MEM, 16), BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: ldx (code 0x61): scratch slot M[16] does not exist (M[0] to M[15])\n" },
	{ "M[15] written then read is accepted", PROG(
		BPF_STMT(BPF_ST, 15), BPF_STMT(BPF_LDX | BPF_MEM, 15),
		BPF_STMT(BPF_RET | BPF_A, 0)) },
	{ "reading M[0] first is rejected", PROG(
		BPF_STMT(BPF_LD | BPF_MEM, 0), BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 0: ld (code 0x60): M[0] is read before it is written on every path to here\n" },
	{ "a write on one branch only is not enough", PROG(
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_LDX | BPF_MEM, 3),
		BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 2: ldx (code 0x61): M[3] is read before it is written on every path to here\n" },
	{ "writes on both branches are enough", PROG(
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2),
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_JMP | BPF_JA, 1),
		BPF_STMT(BPF_STX, 3),
		BPF_STMT(BPF_LD | BPF_MEM, 3),
		BPF_STMT(BPF_RET | BPF_A, 0)), .longest = 5 },
	{ "a write before a jump reaches its target", PROG(
		BPF_STMT(BPF_ST, 7),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_LD | BPF_MEM, 7),
		BPF_STMT(BPF_RET | BPF_A, 0)) },
	{ "state after a ret still flows on, as in seccomp", PROG(
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2),
		BPF_STMT(BPF_ST, 0),
		BPF_STMT(BPF_JMP | BPF_JA, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_LD | BPF_MEM, 0),
		BPF_STMT(BPF_RET | BPF_A, 0)),
	  .diag = "insn 4: ld (code 0x60): M[0] is read before it is written on every path to here\n" },
	{ "unreachable code after ja may read any slot, as in seccomp", PROG(
		BPF_STMT(BPF_JMP | BPF_JA, 1),
		BPF_STMT(BPF_LD | BPF_MEM, 5),
		BPF_STMT(BPF_RET | BPF_K, 0)), .longest = 2 },

	/* Facts. */
	{ "facts: the longest path and the fields read", PROG(
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 8),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 20),
		BPF_STMT(BPF_RET | BPF_A, 0)),
	  .longest = 5,
	  .uses = SEALJIT_USES_NR | SEALJIT_USES_IP | SEALJIT_USES_ARGS },
};

const unsigned int check_ncases = sizeof(check_cases) / sizeof(check_cases[0]);

const struct sock_filter *check_case_prog(const struct check_case *c,
					  struct sock_filter *buf, u32 *len)
{
	if (c->prog) {
		*len = c->len;
		return c->prog;
	}
	*len = c->build(buf);
	return buf;
}
