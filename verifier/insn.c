// SPDX-License-Identifier: GPL-2.0
/*
 * The opcode table.  SJ_OP_CLASSIC marks exactly the opcodes of the
 * kernel's chk_code_allowed() (net/core/filter.c); SJ_OP_SECCOMP exactly
 * those of seccomp_check_filter() (kernel/seccomp.c), so "refused" (classic
 * but not seccomp) and "unknown" diagnostics match what Linux would do.
 */
#include "insn.h"

#define OP(_name, _opnd, _flags) \
	{ .name = (_name), .operand = (_opnd), .flags = SJ_OP_CLASSIC | (_flags) }
#define SC SJ_OP_SECCOMP

const struct sj_op sj_ops[SJ_NCODES] = {
	[BPF_LD | BPF_W | BPF_ABS]	= OP("ld", SJ_OPND_ABS, SC),
	[BPF_LD | BPF_H | BPF_ABS]	= OP("ldh", SJ_OPND_ABS, 0),
	[BPF_LD | BPF_B | BPF_ABS]	= OP("ldb", SJ_OPND_ABS, 0),
	[BPF_LD | BPF_W | BPF_IND]	= OP("ld", SJ_OPND_IND, 0),
	[BPF_LD | BPF_H | BPF_IND]	= OP("ldh", SJ_OPND_IND, 0),
	[BPF_LD | BPF_B | BPF_IND]	= OP("ldb", SJ_OPND_IND, 0),
	[BPF_LD | BPF_W | BPF_LEN]	= OP("ld", SJ_OPND_LEN, SC),
	[BPF_LD | BPF_IMM]		= OP("ld", SJ_OPND_K, SC),
	[BPF_LD | BPF_MEM]		= OP("ld", SJ_OPND_MEM, SC | SJ_OP_MEM_RD),
	[BPF_LDX | BPF_W | BPF_LEN]	= OP("ldx", SJ_OPND_LEN, SC),
	[BPF_LDX | BPF_B | BPF_MSH]	= OP("ldxb", SJ_OPND_MSH, 0),
	[BPF_LDX | BPF_IMM]		= OP("ldx", SJ_OPND_K, SC),
	[BPF_LDX | BPF_MEM]		= OP("ldx", SJ_OPND_MEM, SC | SJ_OP_MEM_RD),
	[BPF_ST]			= OP("st", SJ_OPND_MEM, SC | SJ_OP_MEM_WR),
	[BPF_STX]			= OP("stx", SJ_OPND_MEM, SC | SJ_OP_MEM_WR),
	[BPF_ALU | BPF_ADD | BPF_K]	= OP("add", SJ_OPND_K, SC),
	[BPF_ALU | BPF_ADD | BPF_X]	= OP("add", SJ_OPND_X, SC),
	[BPF_ALU | BPF_SUB | BPF_K]	= OP("sub", SJ_OPND_K, SC),
	[BPF_ALU | BPF_SUB | BPF_X]	= OP("sub", SJ_OPND_X, SC),
	[BPF_ALU | BPF_MUL | BPF_K]	= OP("mul", SJ_OPND_K, SC),
	[BPF_ALU | BPF_MUL | BPF_X]	= OP("mul", SJ_OPND_X, SC),
	[BPF_ALU | BPF_DIV | BPF_K]	= OP("div", SJ_OPND_K, SC),
	[BPF_ALU | BPF_DIV | BPF_X]	= OP("div", SJ_OPND_X, SC),
	[BPF_ALU | BPF_MOD | BPF_K]	= OP("mod", SJ_OPND_K, 0),
	[BPF_ALU | BPF_MOD | BPF_X]	= OP("mod", SJ_OPND_X, 0),
	[BPF_ALU | BPF_AND | BPF_K]	= OP("and", SJ_OPND_K, SC),
	[BPF_ALU | BPF_AND | BPF_X]	= OP("and", SJ_OPND_X, SC),
	[BPF_ALU | BPF_OR | BPF_K]	= OP("or", SJ_OPND_K, SC),
	[BPF_ALU | BPF_OR | BPF_X]	= OP("or", SJ_OPND_X, SC),
	[BPF_ALU | BPF_XOR | BPF_K]	= OP("xor", SJ_OPND_K, SC),
	[BPF_ALU | BPF_XOR | BPF_X]	= OP("xor", SJ_OPND_X, SC),
	[BPF_ALU | BPF_LSH | BPF_K]	= OP("lsh", SJ_OPND_K, SC),
	[BPF_ALU | BPF_LSH | BPF_X]	= OP("lsh", SJ_OPND_X, SC),
	[BPF_ALU | BPF_RSH | BPF_K]	= OP("rsh", SJ_OPND_K, SC),
	[BPF_ALU | BPF_RSH | BPF_X]	= OP("rsh", SJ_OPND_X, SC),
	[BPF_ALU | BPF_NEG]		= OP("neg", SJ_OPND_NONE, SC),
	[BPF_JMP | BPF_JA]		= OP("ja", SJ_OPND_K, SC | SJ_OP_JA),
	[BPF_JMP | BPF_JEQ | BPF_K]	= OP("jeq", SJ_OPND_K, SC | SJ_OP_JCOND),
	[BPF_JMP | BPF_JEQ | BPF_X]	= OP("jeq", SJ_OPND_X, SC | SJ_OP_JCOND),
	[BPF_JMP | BPF_JGT | BPF_K]	= OP("jgt", SJ_OPND_K, SC | SJ_OP_JCOND),
	[BPF_JMP | BPF_JGT | BPF_X]	= OP("jgt", SJ_OPND_X, SC | SJ_OP_JCOND),
	[BPF_JMP | BPF_JGE | BPF_K]	= OP("jge", SJ_OPND_K, SC | SJ_OP_JCOND),
	[BPF_JMP | BPF_JGE | BPF_X]	= OP("jge", SJ_OPND_X, SC | SJ_OP_JCOND),
	[BPF_JMP | BPF_JSET | BPF_K]	= OP("jset", SJ_OPND_K, SC | SJ_OP_JCOND),
	[BPF_JMP | BPF_JSET | BPF_X]	= OP("jset", SJ_OPND_X, SC | SJ_OP_JCOND),
	[BPF_RET | BPF_K]		= OP("ret", SJ_OPND_K, SC | SJ_OP_RET),
	[BPF_RET | BPF_A]		= OP("ret", SJ_OPND_A, SC | SJ_OP_RET),
	[BPF_MISC | BPF_TAX]		= OP("tax", SJ_OPND_NONE, SC),
	[BPF_MISC | BPF_TXA]		= OP("txa", SJ_OPND_NONE, SC),
};
