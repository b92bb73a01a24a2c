/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Facts about classic-BPF opcodes, in one table shared by the checker, the
 * interpreter, the JIT, the disassembler and the assembler.
 */
#ifndef SJ_INSN_H
#define SJ_INSN_H

#include "sj_env.h"

#define SJ_MAXINSNS	BPF_MAXINSNS	/* 4096, as seccomp */
#define SJ_MEMWORDS	BPF_MEMWORDS	/* 16 scratch words M[0..15] */
#define SJ_DATA_SIZE	64		/* sizeof(struct seccomp_data) */
#define SJ_NCODES	256		/* every classic opcode is < 256 */

/* sj_op.flags */
#define SJ_OP_CLASSIC	BIT(0)	/* the kernel's classic BPF knows it */
#define SJ_OP_SECCOMP	BIT(1)	/* ...and seccomp accepts it */
#define SJ_OP_JCOND	BIT(2)	/* conditional jump via jt/jf */
#define SJ_OP_JA	BIT(3)	/* unconditional jump via k */
#define SJ_OP_RET	BIT(4)
#define SJ_OP_MEM_RD	BIT(5)	/* reads M[k] */
#define SJ_OP_MEM_WR	BIT(6)	/* writes M[k] */

/* How the operand is written in the text form (sj_op.operand). */
enum sj_operand {
	SJ_OPND_NONE,	/* neg, tax, txa */
	SJ_OPND_K,	/* #k */
	SJ_OPND_X,	/* x */
	SJ_OPND_A,	/* a (ret a) */
	SJ_OPND_ABS,	/* [k] */
	SJ_OPND_IND,	/* [x + k] */
	SJ_OPND_MEM,	/* M[k] */
	SJ_OPND_LEN,	/* #len */
	SJ_OPND_MSH,	/* 4*([k]&0xf) */
};

/**
 * struct sj_op - what one opcode is
 * @name: mnemonic in bpf_asm's syntax, NULL if not a classic opcode
 * @flags: SJ_OP_* bits
 * @operand: enum sj_operand
 */
struct sj_op {
	const char *name;
	u16 flags;
	u8 operand;
};

extern const struct sj_op sj_ops[SJ_NCODES];

/*@
 * // The proofs (scripts/prove.sh) read the table through these.
 * logic integer sj_flags{L}(integer code) =
 *	0 <= code < SJ_NCODES ? sj_ops[code].flags : 0;
 *
 * predicate sj_seccomp{L}(integer c) = (sj_flags(c) & SJ_OP_SECCOMP) != 0;
 * predicate sj_ja{L}(integer c) = (sj_flags(c) & SJ_OP_JA) != 0;
 * predicate sj_jcond{L}(integer c) = (sj_flags(c) & SJ_OP_JCOND) != 0;
 * predicate sj_ret{L}(integer c) = (sj_flags(c) & SJ_OP_RET) != 0;
 * predicate sj_mem_rd{L}(integer c) = (sj_flags(c) & SJ_OP_MEM_RD) != 0;
 * predicate sj_mem_wr{L}(integer c) = (sj_flags(c) & SJ_OP_MEM_WR) != 0;
 *
 * lemma sj_seccomp_code{L}: \forall integer c;
 *	sj_seccomp(c) ==> 0 <= c < SJ_NCODES;
 */

/*@ ghost
 * /@
 *  @ // What the proofs need to know about the table (proved in check.c):
 *  @ // how seccomp's opcodes decode, by class, into the flags.
 *  @ requires 0 <= code < SJ_NCODES;
 *  @ assigns \nothing;
 *  @ ensures (sj_flags(code) & SJ_OP_SECCOMP) != 0 &&
 *  @	BPF_CLASS(code) == BPF_ST ==> code == BPF_ST;
 *  @ ensures (sj_flags(code) & SJ_OP_SECCOMP) != 0 &&
 *  @	BPF_CLASS(code) == BPF_STX ==> code == BPF_STX;
 *  @ ensures (sj_flags(code) & SJ_OP_SECCOMP) != 0 &&
 *  @	BPF_CLASS(code) == BPF_JMP && BPF_OP(code) == BPF_JA ==>
 *  @	(sj_flags(code) & SJ_OP_JA) != 0;
 *  @ ensures (sj_flags(code) & SJ_OP_SECCOMP) != 0 &&
 *  @	BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA ==>
 *  @	(sj_flags(code) & SJ_OP_JCOND) != 0;
 *  @ ensures (sj_flags(code) & SJ_OP_SECCOMP) != 0 &&
 *  @	BPF_CLASS(code) != BPF_JMP ==>
 *  @	(sj_flags(code) & SJ_OP_JA) == 0 &&
 *  @	(sj_flags(code) & SJ_OP_JCOND) == 0;
 *  @ ensures (sj_flags(code) & SJ_OP_JA) == 0 ||
 *  @	(sj_flags(code) & SJ_OP_JCOND) == 0;
 *  @ ensures (sj_flags(code) & SJ_OP_MEM_WR) != 0 ==>
 *  @	code == BPF_ST || code == BPF_STX;
 *  @ ensures (sj_flags(code) & SJ_OP_MEM_RD) != 0 ==>
 *  @	code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM);
 *  @ ensures code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM) ||
 *  @	code == BPF_ST || code == BPF_STX <==>
 *  @	(sj_flags(code) & (SJ_OP_MEM_RD | SJ_OP_MEM_WR)) != 0;
 *  @/
 * void sj_op_decode(u16 code);
 */

/* sj_op_flags() - flags of @code, 0 for anything that is not classic BPF. */
/*@
 * assigns \nothing;
 * ensures \result == sj_flags(code);
 */
static inline u16 sj_op_flags(u16 code)
{
	return code < SJ_NCODES ? sj_ops[code].flags : 0;
}

/*@
 * assigns \nothing;
 * ensures \result != 0 <==> sj_seccomp(code);
 */
static inline bool sj_is_seccomp_op(u16 code)
{
	return sj_op_flags(code) & SJ_OP_SECCOMP;
}

#endif /* SJ_INSN_H */
