/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decisions computed at load: what a checked filter returns for each
 * syscall number of each architecture when that return does not depend on
 * the arguments or the instruction pointer, and the per-chain table that
 * combines them with seccomp's precedence.
 */
#ifndef SJ_DECIDE_H
#define SJ_DECIDE_H

#include "insn.h"

/* The architectures a filter can see on x86-64 (AUDIT_ARCH_*). */
#define SJ_ARCH_X86_64		0xc000003eU
#define SJ_ARCH_I386		0x40000003U
#define SJ_X32_SYSCALL_BIT	0x40000000U

/*
 * Table rows: x86-64 numbers 0..SJ_TABLE_NR-1, the same with the x32 bit
 * (arch still x86-64), and i386 numbers.  Any other number (negative, or
 * past the rows) runs the filters.
 */
enum sj_table_row { SJ_ROW_X86_64, SJ_ROW_X32, SJ_ROW_I386, SJ_NROWS };
#define SJ_TABLE_NR		512

/* An entry that is not a constant: the filters must run. */
#define SJ_ENTRY_RUN		0xff
#define SJ_MAX_ACTIONS		64	/* distinct constant results kept */

/**
 * struct sj_table - the decisions of one filter, or of a whole chain
 * @entry: per row and number, an index into @action, or SJ_ENTRY_RUN
 * @action: the distinct constant results, in order of first appearance
 * @nactions: how many
 * @constant: entries that are not SJ_ENTRY_RUN
 *
 * Immutable once built; a chain's table is shared by every task holding
 * that chain.
 */
struct sj_table {
	u8 entry[SJ_NROWS][SJ_TABLE_NR];
	u32 action[SJ_MAX_ACTIONS];
	u32 nactions;
	u32 constant;
};

/* A set of table columns (syscall numbers of one row). */
#define SJ_NRSET_WORDS		(SJ_TABLE_NR / 64)
struct sj_nrset {
	u64 w[SJ_NRSET_WORDS];
};

/* What the analysis knows of A or X on the columns of a state. */
enum sj_aval {
	SJ_AV_UNKNOWN,	/* nothing */
	SJ_AV_KNOWN,	/* the value in av / xv, on every column */
	SJ_AV_NR,	/* each column's own syscall number */
};

/**
 * struct sj_dstate - what holds when a run of one row reaches an instruction
 * @set: the columns (syscalls) of the row some run brings here
 * @av: A's value when @ak is SJ_AV_KNOWN
 * @xv: X's value when @xk is SJ_AV_KNOWN
 * @ak: enum sj_aval for A
 * @xk: enum sj_aval for X
 * @reached: some run comes here; if 0, @set and the rest mean nothing
 *	(so that a row's analysis need not clear what the last row left)
 *
 * Nothing is known of M[] (a filter that keeps the number in scratch
 * memory gets fewer constants, never a wrong one).
 */
struct sj_dstate {
	struct sj_nrset set;
	u32 av;
	u32 xv;
	u8 ak;
	u8 xk;
	u8 reached;
};

/**
 * struct sj_decide_work - one row's analysis: its certificate and results
 * @decided: the columns whose result is a constant
 * @value: that constant, per column of @decided
 * @st: per instruction of the filter, what holds there (allocate
 *	sj_decide_work_size(len) bytes)
 *
 * sj_cert_check() re-checks @st, @decided and @value against the program
 * before any of it is used: the analysis that fills them is not trusted.
 */
struct sj_decide_work {
	struct sj_nrset decided;
	u32 value[SJ_TABLE_NR];
	struct sj_dstate st[];
};

static inline size_t sj_decide_work_size(u32 len)
{
	return sizeof(struct sj_decide_work) + len * sizeof(struct sj_dstate);
}

/*@
 * // The meaning of a certificate (proved: verifier/decide_check.c finds
 * // it, and the interpreter's "decided" behaviour, verifier/interp.c,
 * // follows from it).  Column c of row r is the syscall whose arch is
 * // sj_row_arch(r) and whose number is sj_row_base(r) + c.
 *
 * predicate sj_bit(integer w, integer i) = ((w >> i) & 1) != 0;
 * predicate sj_in{L}(struct sj_nrset *s, integer c) =
 *	0 <= c < SJ_TABLE_NR && sj_bit(s->w[c / 64], c % 64);
 *
 * lemma sj_bit_and: \forall integer a, b, i; 0 <= a && 0 <= b &&
 *	0 <= i < 64 ==> (sj_bit(a & b, i) <==> sj_bit(a, i) && sj_bit(b, i));
 * lemma sj_bit_sub: \forall integer a, b, i; 0 <= a && 0 <= b &&
 *	0 <= i < 64 ==> (a & ~b) == 0 ==> sj_bit(a, i) ==> sj_bit(b, i);
 * lemma sj_bit_zero: \forall integer i; 0 <= i < 64 ==> !sj_bit(0, i);
 * lemma sj_bit_shr: \forall integer w, b, i; 0 <= w && 0 <= b < 64 &&
 *	0 <= i < 64 ==> (sj_bit(w >> b, i) <==> sj_bit(w, i + b));
 * lemma sj_bit_low: \forall integer d, b, i; 0 <= d && 0 <= b < 64 &&
 *	0 <= i < b ==> (d >> b) << b == d ==> !sj_bit(d, i);
 *
 * logic integer sj_row_arch(integer r) =
 *	r == SJ_ROW_I386 ? SJ_ARCH_I386 : SJ_ARCH_X86_64;
 * logic integer sj_row_base(integer r) =
 *	r == SJ_ROW_X32 ? SJ_X32_SYSCALL_BIT : 0;
 *
 * // (kind, v) holds of the concrete value x on column c of row r.
 * predicate sj_holds(integer r, integer c, integer kind, integer v,
 *		   integer x) =
 *	kind == SJ_AV_UNKNOWN || (kind == SJ_AV_KNOWN && x == v) ||
 *	(kind == SJ_AV_NR && x == sj_row_base(r) + c);
 *
 * // (ks, vs) holds wherever (kp, vp) does.
 * predicate sj_sub(integer kp, integer vp, integer ks, integer vs) =
 *	ks == SJ_AV_UNKNOWN || (ks == SJ_AV_NR && kp == SJ_AV_NR) ||
 *	(ks == SJ_AV_KNOWN && kp == SJ_AV_KNOWN && vs == vp);
 *
 * lemma sj_sub_holds: \forall integer r, c, kp, vp, ks, vs, x;
 *	sj_sub(kp, vp, ks, vs) ==> sj_holds(r, c, kp, vp, x) ==>
 *	sj_holds(r, c, ks, vs, x);
 *
 * // Column c reaches instruction pc.
 * predicate sj_at{L}(struct sj_dstate *st, integer pc, integer c) =
 *	st[pc].reached != 0 && sj_in(&st[pc].set, c);
 *
 * // Column c goes on to instruction s with A = (ka, va), X = (kx, vx).
 * predicate sj_flows{L}(struct sj_dstate *st, integer len, integer s,
 *		      integer c, integer ka, integer va, integer kx,
 *		      integer vx) =
 *	s < len && sj_at(st, s, c) &&
 *	sj_sub(ka, va, st[s].ak, st[s].av) &&
 *	sj_sub(kx, vx, st[s].xk, st[s].xv);
 *
 * // What ld [k] makes of A: the number, the arch, or unknown.
 * logic integer sj_ldk(integer k) =
 *	k == 0 ? SJ_AV_NR : k == 4 ? SJ_AV_KNOWN : SJ_AV_UNKNOWN;
 * logic integer sj_ldv(integer r, integer k) = k == 4 ? sj_row_arch(r) : 0;
 *
 * logic boolean sj_taken(integer op, integer a, integer v) =
 *	op == BPF_JEQ ? a == v : op == BPF_JGT ? a > v : a >= v;
 *
 * // A conditional jump whose way the state fixes for column c.
 * predicate sj_fixed{L}(struct sock_filter *p, struct sj_dstate *st,
 *		      integer pc) =
 *	(BPF_OP(p[pc].code) == BPF_JEQ || BPF_OP(p[pc].code) == BPF_JGT ||
 *	 BPF_OP(p[pc].code) == BPF_JGE) &&
 *	(st[pc].ak == SJ_AV_KNOWN || st[pc].ak == SJ_AV_NR) &&
 *	(BPF_SRC(p[pc].code) != BPF_X || st[pc].xk == SJ_AV_KNOWN);
 * logic boolean sj_way{L}(struct sock_filter *p, struct sj_dstate *st,
 *		       integer pc, integer r, integer c) =
 *	sj_taken(BPF_OP(p[pc].code),
 *		 st[pc].ak == SJ_AV_KNOWN ? st[pc].av : sj_row_base(r) + c,
 *		 BPF_SRC(p[pc].code) == BPF_X ? st[pc].xv : p[pc].k);
 *
 * // A conditional jump: column c goes to jt unless the state fixes the
 * // way and it is jf, and likewise to jf.
 * predicate sj_jcond_ok{L}(struct sock_filter *p, integer len, integer r,
 *			 struct sj_dstate *st, integer pc, integer c) =
 *	((!sj_fixed(p, st, pc) || sj_way(p, st, pc, r, c)) ==>
 *	 sj_flows(st, len, pc + 1 + p[pc].jt, c, st[pc].ak, st[pc].av,
 *		  st[pc].xk, st[pc].xv)) &&
 *	((!sj_fixed(p, st, pc) || !sj_way(p, st, pc, r, c)) ==>
 *	 sj_flows(st, len, pc + 1 + p[pc].jf, c, st[pc].ak, st[pc].av,
 *		  st[pc].xk, st[pc].xv));
 *
 * predicate sj_is_jcond(integer code) =
 *	BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
 *
 * // Every other instruction, mirroring sj_interp_words() class by class.
 * predicate sj_other_ok{L}(struct sock_filter *p, integer len, integer r,
 *			 struct sj_dstate *st, integer pc, integer c) =
 *	\let code = p[pc].code; \let k = p[pc].k;
 *	\let ak = st[pc].ak; \let av = st[pc].av;
 *	\let xk = st[pc].xk; \let xv = st[pc].xv;
 *	(BPF_CLASS(code) == BPF_LD ==>
 *	 (code == (BPF_LD | BPF_W | BPF_ABS) &&
 *	  sj_flows(st, len, pc + 1, c, sj_ldk(k), sj_ldv(r, k), xk, xv)) ||
 *	 (code == (BPF_LD | BPF_W | BPF_LEN) &&
 *	  sj_flows(st, len, pc + 1, c, SJ_AV_KNOWN, SJ_DATA_SIZE, xk, xv)) ||
 *	 (code == (BPF_LD | BPF_IMM) &&
 *	  sj_flows(st, len, pc + 1, c, SJ_AV_KNOWN, k, xk, xv)) ||
 *	 (code == (BPF_LD | BPF_MEM) &&
 *	  sj_flows(st, len, pc + 1, c, SJ_AV_UNKNOWN, 0, xk, xv))) &&
 *	(BPF_CLASS(code) == BPF_LDX ==>
 *	 (code == (BPF_LDX | BPF_W | BPF_LEN) &&
 *	  sj_flows(st, len, pc + 1, c, ak, av, SJ_AV_KNOWN, SJ_DATA_SIZE)) ||
 *	 (code == (BPF_LDX | BPF_IMM) &&
 *	  sj_flows(st, len, pc + 1, c, ak, av, SJ_AV_KNOWN, k)) ||
 *	 (code == (BPF_LDX | BPF_MEM) &&
 *	  sj_flows(st, len, pc + 1, c, ak, av, SJ_AV_UNKNOWN, 0))) &&
 *	(BPF_CLASS(code) == BPF_ST || BPF_CLASS(code) == BPF_STX ==>
 *	 sj_flows(st, len, pc + 1, c, ak, av, xk, xv)) &&
 *	(BPF_CLASS(code) == BPF_ALU ==>
 *	 sj_flows(st, len, pc + 1, c, SJ_AV_UNKNOWN, 0, xk, xv)) &&
 *	(BPF_CLASS(code) == BPF_JMP ==>
 *	 sj_flows(st, len, pc + 1 + k, c, ak, av, xk, xv)) &&
 *	(BPF_CLASS(code) == BPF_MISC ==>
 *	 (code == (BPF_MISC | BPF_TAX) &&
 *	  sj_flows(st, len, pc + 1, c, ak, av, ak, av)) ||
 *	 (code == (BPF_MISC | BPF_TXA) &&
 *	  sj_flows(st, len, pc + 1, c, xk, xv, xk, xv)));
 *
 * // Where column c goes from instruction pc, and with what.
 * predicate sj_step_ok{L}(struct sock_filter *p, integer len, integer r,
 *			struct sj_dstate *st, integer pc, integer c) =
 *	(sj_is_jcond(p[pc].code) ==> sj_jcond_ok(p, len, r, st, pc, c)) &&
 *	(!sj_is_jcond(p[pc].code) ==> sj_other_ok(p, len, r, st, pc, c));
 *
 * // Where column c can end at pc, it ends in v: ret, and the 0 of a
 * // division by zero.
 * predicate sj_end_ok{L}(struct sock_filter *p, integer r,
 *		       struct sj_dstate *st, integer pc, integer c,
 *		       integer v) =
 *	\let code = p[pc].code;
 *	(BPF_CLASS(code) == BPF_RET && BPF_RVAL(code) == BPF_A ==>
 *	 (st[pc].ak == SJ_AV_KNOWN && st[pc].av == v) ||
 *	 (st[pc].ak == SJ_AV_NR && sj_row_base(r) + c == v)) &&
 *	(BPF_CLASS(code) == BPF_RET && BPF_RVAL(code) != BPF_A ==>
 *	 p[pc].k == v) &&
 *	(BPF_CLASS(code) == BPF_ALU && BPF_OP(code) == BPF_DIV ==>
 *	 v == 0 ||
 *	 (BPF_SRC(code) == BPF_X ?
 *	  st[pc].xk == SJ_AV_KNOWN && st[pc].xv != 0 : p[pc].k != 0));
 *
 * // A certificate for row r of prog[0 .. len - 1]: every decided column
 * // starts at instruction 0 with A = X = 0; every step is accounted for;
 * // and every decided column ends only in its value.
 * predicate sj_cert_ok{L}(struct sock_filter *p, integer len, integer r,
 *			struct sj_dstate *st, struct sj_nrset *decided,
 *			u32 *value) =
 *	(\forall integer c; sj_in(decided, c) ==> sj_at(st, 0, c)) &&
 *	st[0].ak == SJ_AV_KNOWN && st[0].av == 0 &&
 *	st[0].xk == SJ_AV_KNOWN && st[0].xv == 0 &&
 *	\forall integer pc, c; 0 <= pc < len ==> sj_at(st, pc, c) ==>
 *		sj_step_ok(p, len, r, st, pc, c) &&
 *		(sj_in(decided, c) ==> sj_end_ok(p, r, st, pc, c, value[c]));
 */

bool sj_cert_check(const struct sock_filter *prog, u32 len, u32 row,
		   const struct sj_dstate *st, const struct sj_nrset *decided,
		   const u32 *value);
void sj_decide_row(const struct sock_filter *prog, u32 len, u32 row,
		   struct sj_decide_work *work);

/* Result of sj_decide() that is not a constant. */
#define SJ_DECIDE_RUN		(-1)

long sj_decide(const struct sock_filter *prog, u32 len, u32 arch, u32 nr,
	       struct sj_decide_work *work);
u32 sj_decide_table(const struct sock_filter *prog, u32 len,
		    struct sj_table *t, struct sj_decide_work *work,
		    bool corrupt);
void sj_table_init(struct sj_table *t);
void sj_table_set(struct sj_table *t, u32 row, u32 i, bool known, u32 v);
void sj_table_count(struct sj_table *t);
void sj_table_combine(struct sj_table *out, const struct sj_table *newer,
		      const struct sj_table *older);
u32 sj_precedence(u32 newer, u32 older);

/**
 * sj_table_row() - where a syscall sits in a table
 * @arch: seccomp_data.arch
 * @nr: seccomp_data.nr
 * @row: out: enum sj_table_row
 * @index: out: the column
 *
 * Return: false if the syscall has no entry (its filters always run).
 */
static inline bool sj_table_row(u32 arch, u32 nr, u32 *row, u32 *index)
{
	if (arch == SJ_ARCH_X86_64 && nr < SJ_TABLE_NR) {
		*row = SJ_ROW_X86_64;
		*index = nr;
		return true;
	}
	if (arch == SJ_ARCH_X86_64 && nr - SJ_X32_SYSCALL_BIT < SJ_TABLE_NR) {
		*row = SJ_ROW_X32;
		*index = nr - SJ_X32_SYSCALL_BIT;
		return true;
	}
	if (arch == SJ_ARCH_I386 && nr < SJ_TABLE_NR) {
		*row = SJ_ROW_I386;
		*index = nr;
		return true;
	}
	return false;
}

/* The syscall of table entry (@row, @index): its arch and nr. */
static inline void sj_table_syscall(u32 row, u32 index, u32 *arch, u32 *nr)
{
	*arch = row == SJ_ROW_I386 ? SJ_ARCH_I386 : SJ_ARCH_X86_64;
	*nr = (row == SJ_ROW_X32 ? SJ_X32_SYSCALL_BIT : 0) + index;
}

/**
 * sj_table_lookup() - the constant decision for a syscall, if there is one
 * @t: a chain's table
 * @arch: seccomp_data.arch
 * @nr: seccomp_data.nr
 * @ret: out: the chain's result, when the return value is true
 *
 * Context: any; the syscall path.
 * Return: true if the chain's result for (@arch, @nr) is the constant
 * *@ret whatever the arguments and instruction pointer.
 */
static inline bool sj_table_lookup(const struct sj_table *t, u32 arch, u32 nr,
				   u32 *ret)
{
	u32 row, index;
	u8 e;

	if (!sj_table_row(arch, nr, &row, &index))
		return false;
	e = t->entry[row][index];
	if (e >= t->nactions)
		return false;
	*ret = t->action[e];
	return true;
}

#endif /* SJ_DECIDE_H */
