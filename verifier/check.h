/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checker: accepts exactly the classic-BPF programs that Linux's
 * seccomp accepts, and says which instruction is wrong and why.
 */
#ifndef SJ_CHECK_H
#define SJ_CHECK_H

#include "insn.h"

/**
 * struct sj_diag - one rejection
 * @reason: enum sealjit_reason
 * @insn: index of the offending instruction (0 for length errors)
 * @code: its opcode
 * @value: the operand at fault: jump offset, load offset, constant or
 *	slot; the program length for %SEALJIT_E_LEN_RANGE
 * @len: length of the program, for the message
 * @cause: for %SEALJIT_E_JIT and %SEALJIT_E_VALIDATE (failures of the
 *	module, not of the filter), what failed, NUL-terminated; unused
 *	otherwise
 */
struct sj_diag {
	u32 reason;
	u32 insn;
	u16 code;
	u32 value;
	u32 len;
	char cause[96];
};

/**
 * struct sj_facts - what an accepted program does, for later stages
 * @len: number of instructions
 * @longest_path: most instructions a single run can execute
 * @scratch_mask: bit i set if M[i] is read or written
 * @uses: SEALJIT_USES_* bits: which seccomp_data fields are read
 */
struct sj_facts {
	u32 len;
	u32 longest_path;
	u32 scratch_mask;
	u32 uses;
};

/*
 * Per-instruction working state, supplied by the caller so that the shared
 * code never allocates (16 KiB: the module kmallocs it per request).
 * @init[i] is the set of scratch slots written on every path reaching i.
 */
struct sj_check_work {
	u16 init[SJ_MAXINSNS];
	u16 longest[SJ_MAXINSNS];
};

/*@
 * // What sj_check() guarantees about a program it accepts (the contract
 * // of sj_check() in check.c), stated for the interpreter, the JIT and
 * // the proofs.  Instruction i of prog[0..n-1]:
 *
 * predicate sj_insn_ok{L}(struct sock_filter *prog, integer n, integer i) =
 *	\let c = prog[i].code; \let k = prog[i].k;
 *	sj_seccomp(c) &&
 *	(sj_ja(c) ==> i + 1 + k < n) &&
 *	(sj_jcond(c) ==>
 *		i + 1 + prog[i].jt < n && i + 1 + prog[i].jf < n) &&
 *	(c == (BPF_LD | BPF_W | BPF_ABS) ==>
 *		k < SJ_DATA_SIZE && k % 4 == 0) &&
 *	(c == (BPF_ALU | BPF_DIV | BPF_K) ==> k != 0) &&
 *	(c == (BPF_ALU | BPF_LSH | BPF_K) ==> k < 32) &&
 *	(c == (BPF_ALU | BPF_RSH | BPF_K) ==> k < 32) &&
 *	(c == (BPF_LD | BPF_MEM) || c == (BPF_LDX | BPF_MEM) ||
 *	 c == BPF_ST || c == BPF_STX ==> k < SJ_MEMWORDS);
 *
 * // 4-byte alignment as the checker tests it (proved by enumeration).
 * lemma sj_aligned: \forall integer k;
 *	0 <= k < SJ_DATA_SIZE ==> (k & 3) == 0 ==> k % 4 == 0;
 *
 * predicate sj_insns_ok{L}(struct sock_filter *prog, integer n) =
 *	\forall integer i; 0 <= i < n ==> sj_insn_ok(prog, n, i);
 *
 * // Scratch slots: slot s is in the set u16 m; what instruction i writes
 * // and reads.
 * predicate sj_slot_in(integer m, integer s) =
 *	0 <= s < SJ_MEMWORDS && (m & (1 << s)) != 0;
 *
 * lemma sj_slot_and: \forall integer a, b, s;
 *	sj_slot_in(a & b, s) ==> sj_slot_in(a, s) && sj_slot_in(b, s);
 * lemma sj_slot_or: \forall integer a, b, s;
 *	sj_slot_in(a | b, s) ==> sj_slot_in(a, s) || sj_slot_in(b, s);
 *
 * predicate sj_writes{L}(struct sock_filter *prog, integer i, integer s) =
 *	sj_mem_wr(prog[i].code) && s == prog[i].k;
 *
 * // The set m is within base + writes(i).
 * predicate sj_within{L}(struct sock_filter *prog, integer m, integer base,
 *		       integer i) =
 *	\forall integer s; sj_slot_in(m, s) ==>
 *		sj_slot_in(base, s) || sj_writes(prog, i, s);
 *
 * // Two states: P for the program (and the opcode table), I for init[],
 * // so that a proof about a pass that writes init[] never has to show,
 * // for every instruction, that the write missed the program.
 *
 * // Along the edge i -> j, init[j] is a subset of init[i] + writes(i).
 * predicate sj_flows{P, I}(struct sock_filter *prog, u16 *init,
 *			 integer i, integer j) =
 *	sj_within{P}(prog, \at(init[j], I), \at(init[i], I), i);
 *
 * // The edges of i: the jumps' targets; otherwise (RET included, as
 * // in the kernel) the next instruction, if below n.  reads(i) is in
 * // init[i].  With n = pc: what the pass has decided before pc.
 * predicate sj_scratch_at{P, I}(struct sock_filter *prog, integer n,
 *			      u16 *init, integer i) =
 *	\let c = \at(prog[i].code, P); \let k = \at(prog[i].k, P);
 *	(!sj_ja{P}(c) && !sj_jcond{P}(c) && i + 1 < n ==>
 *		sj_flows{P, I}(prog, init, i, i + 1)) &&
 *	(sj_ja{P}(c) ==>
 *		sj_flows{P, I}(prog, init, i, i + 1 + k)) &&
 *	(sj_jcond{P}(c) ==>
 *		sj_flows{P, I}(prog, init, i, i + 1 + \at(prog[i].jt, P)) &&
 *		sj_flows{P, I}(prog, init, i, i + 1 + \at(prog[i].jf, P))) &&
 *	(sj_mem_rd{P}(c) ==> sj_slot_in(\at(init[i], I), k));
 *
 * // Proved: sj_check() returns 0 only for programs that satisfy this.
 * predicate sj_checked{L}(struct sock_filter *prog, integer n) =
 *	1 <= n <= SJ_MAXINSNS &&
 *	sj_insns_ok(prog, n) &&
 *	sj_ret(prog[n - 1].code);
 *
 * // Proved: sj_check() returns 0 only for programs that satisfy this,
 * // with init[] the slot sets it leaves in its work area: the local
 * // facts from which "no read before a write on any path" follows
 * // (Documentation/checker.rst).
 * predicate sj_accepted{L}(struct sock_filter *prog, integer n, u16 *init) =
 *	sj_checked(prog, n) &&
 *	init[0] == 0 &&
 *	\forall integer i; 0 <= i < n ==>
 *		sj_scratch_at{L, L}(prog, n, init, i);
 */

int sj_check(const struct sock_filter *prog, u32 len,
	     struct sj_check_work *work, struct sj_facts *facts,
	     struct sj_diag *diag);

/* Text rendering, identical in the kernel log buffer and the tools. */
u32 sj_diag_format(char *buf, u32 size, const struct sj_diag *diag);
u32 sj_log_render(char *buf, u32 size, u32 level, const struct sj_diag *diag,
		  const struct sj_facts *facts, u32 image_size);

#endif /* SJ_CHECK_H */
