// SPDX-License-Identifier: GPL-2.0
/*
 * The reference interpreter: the executable definition of what a filter
 * returns, matching Linux 6.1's seccomp on x86-64 (which converts classic
 * BPF to eBPF in bpf_convert_filter() and runs that) in every corner:
 *
 *  - A = X = 0 on entry; M[] is undefined, and the checker guarantees no
 *    slot is read before it is written.
 *  - All arithmetic is unsigned 32-bit and wraps; comparisons are unsigned
 *    (the kernel zero-extends negative constants before comparing).
 *  - ld [k] reads the 32-bit word at byte offset k of struct seccomp_data in
 *    the machine's byte order (little-endian here), so args[i] is two words:
 *    the low half at 16 + 8i, the high half at 20 + 8i.
 *  - ld #len / ldx #len load 64, sizeof(struct seccomp_data).
 *  - div x with X = 0 makes the whole filter return 0 (the kernel emits
 *    "if X == 0 return 0"), which is SECCOMP_RET_KILL_THREAD.
 *  - lsh x / rsh x shift by X & 31, as eBPF's 32-bit shifts do (and as
 *    x86's shl/shr by cl do); constant shifts >= 32 are rejected.
 *  - ret a returns A; ret #k returns k.
 */
#include "decide.h"
#include "interp.h"

/*@
 * // An instruction's class is one of the eight (proved by enumeration).
 * lemma sj_class_range: \forall integer c; 0 <= c < SJ_NCODES ==>
 *	BPF_CLASS(c) == 0 || BPF_CLASS(c) == 1 || BPF_CLASS(c) == 2 ||
 *	BPF_CLASS(c) == 3 || BPF_CLASS(c) == 4 || BPF_CLASS(c) == 5 ||
 *	BPF_CLASS(c) == 6 || BPF_CLASS(c) == 7;
 */

/*@ ghost
 * // The certificate the "decided" behaviour below speaks of: a row, a
 * // column of it, and the certificate's parts (decide.h).
 * const struct sj_dstate *sj_g_st;
 * const struct sj_nrset *sj_g_decided;
 * const u32 *sj_g_value;
 * u32 sj_g_row;
 * u32 sj_g_col;
 */

/*@
 * // Proved (scripts/prove.sh): on a program sj_check() accepted, every
 * // access is in bounds, no operation is undefined, and the run ends
 * // within len steps.
 * requires 1 <= len <= SJ_MAXINSNS && sj_insns_ok(prog, len);
 * requires \valid_read(prog + (0 .. len - 1));
 * requires \valid_read(data + (0 .. SJ_DATA_SIZE / 4 - 1));
 * assigns \nothing;
 *
 * // Proved: the soundness of the decisions computed at load.  Whatever
 * // certificate sj_cert_check() accepts, on every input whose arch and
 * // number are those of a decided column, whatever its arguments and
 * // instruction pointer, the filter returns that column's value.
 * behavior decided:
 *	assumes sj_g_row < SJ_NROWS;
 *	assumes sj_cert_ok(prog, len, sj_g_row, sj_g_st, sj_g_decided,
 *			   sj_g_value);
 *	assumes sj_in(sj_g_decided, sj_g_col);
 *	assumes data[0] == sj_row_base(sj_g_row) + sj_g_col;
 *	assumes data[1] == sj_row_arch(sj_g_row);
 *	ensures \result == sj_g_value[sj_g_col];
 */
/**
 * sj_interp_words() - run a filter accepted by sj_check()
 * @prog: the filter
 * @len: its length
 * @data: struct seccomp_data as 16 native-endian 32-bit words
 *
 * Context: any.  The program must have been accepted by sj_check(): the
 * interpreter relies on its guarantees (opcodes, jump ranges, offsets,
 * scratch indices) and returns SECCOMP_RET_KILL_PROCESS if it ever meets
 * anything else, so that a broken caller fails closed.
 * Return: the filter's 32-bit result.
 */
u32 sj_interp_words(const struct sock_filter *prog, u32 len, const u32 *data)
{
	u32 mem[SJ_MEMWORDS];
	u32 a = 0, x = 0, pc = 0;
	bool taken;

	/*@
	 * loop invariant 0 <= pc <= len;
	 * for decided: loop invariant pc < len &&
	 *	sj_at(sj_g_st, pc, sj_g_col) &&
	 *	sj_holds(sj_g_row, sj_g_col, sj_g_st[pc].ak, sj_g_st[pc].av, a) &&
	 *	sj_holds(sj_g_row, sj_g_col, sj_g_st[pc].xk, sj_g_st[pc].xv, x);
	 * loop assigns pc, a, x, taken, mem[0 .. SJ_MEMWORDS - 1];
	 * loop variant len - pc;
	 */
	while (pc < len) {
		const struct sock_filter *insn = &prog[pc];
		u32 k = insn->k;

		/*@ assert sj_insn_ok(prog, len, pc); */
		/*@ ghost sj_op_decode(insn->code); */
		/*@ ghost u32 opc = pc; */
		/*@ for decided: assert
		 *	sj_step_ok(prog, len, sj_g_row, sj_g_st, pc, sj_g_col);
		 */
		/*@ for decided: assert sj_end_ok(prog, sj_g_row, sj_g_st, pc,
		 *	sj_g_col, sj_g_value[sj_g_col]);
		 */
		pc++;
		/* Unreachable for a checked program: fail closed. */
		if (!sj_is_seccomp_op(insn->code) ||
		    ((sj_op_flags(insn->code) & (SJ_OP_MEM_RD | SJ_OP_MEM_WR)) &&
		     k >= SJ_MEMWORDS) ||
		    (insn->code == (BPF_LD | BPF_W | BPF_ABS) &&
		     (k >= SJ_DATA_SIZE || k % 4)))
			return SECCOMP_RET_KILL_PROCESS;
		switch (BPF_CLASS(insn->code)) {
		case BPF_LD:
			if (insn->code == (BPF_LD | BPF_W | BPF_ABS))
				a = data[k / 4];
			else if (insn->code == (BPF_LD | BPF_W | BPF_LEN))
				a = SJ_DATA_SIZE;
			else if (insn->code == (BPF_LD | BPF_MEM))
				a = mem[k];
			else if (insn->code == (BPF_LD | BPF_IMM))
				a = k;
			else
				return SECCOMP_RET_KILL_PROCESS;
			break;
		case BPF_LDX:
			if (insn->code == (BPF_LDX | BPF_W | BPF_LEN))
				x = SJ_DATA_SIZE;
			else if (insn->code == (BPF_LDX | BPF_MEM))
				x = mem[k];
			else if (insn->code == (BPF_LDX | BPF_IMM))
				x = k;
			else
				return SECCOMP_RET_KILL_PROCESS;
			break;
		case BPF_ST:
			mem[k] = a;
			break;
		case BPF_STX:
			mem[k] = x;
			break;
		case BPF_ALU:
			if (BPF_SRC(insn->code) == BPF_X)
				k = x;
			if (BPF_OP(insn->code) == BPF_DIV && k == 0)
				return 0;
			a = sj_alu(BPF_OP(insn->code), a, k);
			break;
		case BPF_JMP:
			if (BPF_OP(insn->code) == BPF_JA) {
				pc += k;
				/*@ for decided: assert pc < len &&
				 *	sj_at(sj_g_st, pc, sj_g_col) &&
				 *	sj_sub(sj_g_st[opc].ak, sj_g_st[opc].av,
				 *	       sj_g_st[pc].ak, sj_g_st[pc].av) &&
				 *	sj_sub(sj_g_st[opc].xk, sj_g_st[opc].xv,
				 *	       sj_g_st[pc].xk, sj_g_st[pc].xv);
				 */
				break;
			}
			if (BPF_SRC(insn->code) == BPF_X)
				k = x;
			/*@ for decided: assert
			 *	sj_fixed(prog, sj_g_st, opc) ==>
			 *	k == (BPF_SRC(insn->code) == BPF_X ?
			 *	      sj_g_st[opc].xv : insn->k) &&
			 *	a == (sj_g_st[opc].ak == SJ_AV_KNOWN ?
			 *	      sj_g_st[opc].av :
			 *	      sj_row_base(sj_g_row) + sj_g_col);
			 */
			taken = sj_jump_taken(BPF_OP(insn->code), a, k);
			/*@ for decided: assert
			 *	sj_fixed(prog, sj_g_st, opc) ==>
			 *	(taken <==> sj_way(prog, sj_g_st, opc,
			 *			   sj_g_row, sj_g_col));
			 */
			/*@ for decided: assert sj_jcond_ok(prog, len, sj_g_row,
			 *	sj_g_st, opc, sj_g_col);
			 */
			if (taken) {
				pc += insn->jt;
				/*@ for decided: assert pc < len &&
				 *	sj_at(sj_g_st, pc, sj_g_col) &&
				 *	sj_sub(sj_g_st[opc].ak, sj_g_st[opc].av,
				 *	       sj_g_st[pc].ak, sj_g_st[pc].av) &&
				 *	sj_sub(sj_g_st[opc].xk, sj_g_st[opc].xv,
				 *	       sj_g_st[pc].xk, sj_g_st[pc].xv);
				 */
			} else {
				pc += insn->jf;
				/*@ for decided: assert pc < len &&
				 *	sj_at(sj_g_st, pc, sj_g_col) &&
				 *	sj_sub(sj_g_st[opc].ak, sj_g_st[opc].av,
				 *	       sj_g_st[pc].ak, sj_g_st[pc].av) &&
				 *	sj_sub(sj_g_st[opc].xk, sj_g_st[opc].xv,
				 *	       sj_g_st[pc].xk, sj_g_st[pc].xv);
				 */
			}
			break;
		case BPF_RET:
			return BPF_RVAL(insn->code) == BPF_A ? a : k;
		case BPF_MISC:
			if (insn->code == (BPF_MISC | BPF_TAX))
				x = a;
			else if (insn->code == (BPF_MISC | BPF_TXA))
				a = x;
			else
				return SECCOMP_RET_KILL_PROCESS;
			break;
		default:
			return SECCOMP_RET_KILL_PROCESS;
		}
	}
	return SECCOMP_RET_KILL_PROCESS;
}

/**
 * sj_interp() - run a checked filter on a struct seccomp_data
 * @prog: the filter, accepted by sj_check()
 * @len: its length
 * @sd: the input
 *
 * Return: the filter's 32-bit result.
 */
u32 sj_interp(const struct sock_filter *prog, u32 len,
	      const struct seccomp_data *sd)
{
	u32 words[SJ_DATA_SIZE / 4];

	memcpy(words, sd, sizeof(words));
	return sj_interp_words(prog, len, words);
}
