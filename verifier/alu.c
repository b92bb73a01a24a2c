// SPDX-License-Identifier: GPL-2.0
/*
 * One ALU operation and one jump condition of classic BPF, exactly as
 * Linux 6.1's seccomp computes them (see interp.c for the corners): the
 * interpreter, the decision tables and the residual programs all compute
 * with these two, so they cannot disagree.  Apart from the interpreter
 * because the module needs them and not it.
 */
#include "interp.h"

/*@
 * lemma sj_mask31: \forall integer v; 0 <= v ==> 0 <= (v & 31) <= 31;
 */

/*@
 * requires op == BPF_DIV ==> v != 0;
 * assigns \nothing;
 */
/**
 * sj_alu() - one classic-BPF ALU operation, as the kernel computes it
 * @op: BPF_OP() of the instruction
 * @a: A
 * @v: the operand (k or X); not 0 for BPF_DIV
 *
 * Return: the new A.
 */
u32 sj_alu(u16 op, u32 a, u32 v)
{
	switch (op) {
	case BPF_ADD:
		return a + v;
	case BPF_SUB:
		return a - v;
	case BPF_MUL:
		return a * v;
	case BPF_DIV:
		return a / v;	/* v != 0: checked by the caller */
	case BPF_AND:
		return a & v;
	case BPF_OR:
		return a | v;
	case BPF_XOR:
		return a ^ v;
	case BPF_LSH:
		return a << (v & 31);
	case BPF_RSH:
		return a >> (v & 31);
	case BPF_NEG:
		return -a;
	}
	return 0;
}

/*@
 * assigns \nothing;
 * ensures op == BPF_JEQ ==> (\result <==> a == v);
 * ensures op == BPF_JGT ==> (\result <==> a > v);
 * ensures op == BPF_JGE ==> (\result <==> a >= v);
 */
/**
 * sj_jump_taken() - whether a conditional jump goes to its jt branch
 * @op: BPF_OP() of the instruction
 * @a: A
 * @v: the operand (k or X)
 *
 * Return: true for jt, false for jf.
 */
bool sj_jump_taken(u16 op, u32 a, u32 v)
{
	switch (op) {
	case BPF_JEQ:
		return a == v;
	case BPF_JGT:
		return a > v;
	case BPF_JGE:
		return a >= v;
	case BPF_JSET:
		return (a & v) != 0;
	}
	return false;
}
