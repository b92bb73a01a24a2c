// SPDX-License-Identifier: GPL-2.0
/*
 * The check of a decision certificate (decide.h): sj_decide_row() fills
 * one in, this file says whether it holds, and only a certificate that
 * holds is used.  Proved (scripts/prove.sh, the decide-check run):
 * sj_cert_check() returns true only if sj_cert_ok() holds, with no
 * runtime error, reading only inside the program and the certificate.
 * What sj_cert_ok() buys is proved in verifier/interp.c: on every input
 * whose arch and number are a decided column's, the interpreter returns
 * that column's value.
 *
 * The sets are checked a word at a time (64 columns), so that a row costs
 * a few word operations per instruction; only the word of a jump on the
 * number that the jump splits, and the columns that end at a ret, are
 * looked at one by one.
 */
#include "decide.h"
#include "interp.h"

/*@
 * requires \valid_read(s) && \valid_read(t);
 * assigns \nothing;
 * ensures \result ==> \forall integer c; sj_in(s, c) ==> sj_in(t, c);
 */
static bool set_sub(const struct sj_nrset *s, const struct sj_nrset *t)
{
	u32 j;

	/*@
	 * loop invariant 0 <= j <= SJ_NRSET_WORDS;
	 * loop invariant \forall integer c; 0 <= c < 64 * j ==>
	 *	sj_in(s, c) ==> sj_in(t, c);
	 * loop assigns j;
	 * loop variant SJ_NRSET_WORDS - j;
	 */
	for (j = 0; j < SJ_NRSET_WORDS; j++)
		if (s->w[j] & ~t->w[j])
			return false;
	return true;
}

/*@
 * assigns \nothing;
 * ensures \result <==> sj_sub(kp, vp, ks, vs);
 */
static bool val_sub(u8 kp, u32 vp, u8 ks, u32 vs)
{
	return ks == SJ_AV_UNKNOWN || (ks == SJ_AV_NR && kp == SJ_AV_NR) ||
	       (ks == SJ_AV_KNOWN && kp == SJ_AV_KNOWN && vs == vp);
}

/*@
 * requires 1 <= len <= SJ_MAXINSNS && pc < len;
 * requires \valid_read(st + (0 .. len - 1));
 * assigns \nothing;
 * ensures \result ==> \forall integer c; sj_in(&st[pc].set, c) ==>
 *	sj_flows(st, len, s, c, ka, va, kx, vx);
 */
static bool flow_all(const struct sj_dstate *st, u32 len, u32 pc, u64 s,
		     u8 ka, u32 va, u8 kx, u32 vx)
{
	return s < len && st[s].reached &&
	       set_sub(&st[pc].set, &st[s].set) &&
	       val_sub(ka, va, st[s].ak, st[s].av) &&
	       val_sub(kx, vx, st[s].xk, st[s].xv);
}

/*@
 * requires 1 <= len <= SJ_MAXINSNS;
 * requires \valid_read(st + (0 .. len - 1));
 * assigns \nothing;
 * ensures \result ==> s < len && st[s].reached != 0 &&
 *	sj_sub(ka, va, st[s].ak, st[s].av) &&
 *	sj_sub(kx, vx, st[s].xk, st[s].xv);
 */
static bool vals_to(const struct sj_dstate *st, u32 len, u64 s, u8 ka,
		    u32 va, u8 kx, u32 vx)
{
	return s < len && st[s].reached &&
	       val_sub(ka, va, st[s].ak, st[s].av) &&
	       val_sub(kx, vx, st[s].xk, st[s].xv);
}

/*@
 * assigns \nothing;
 * ensures op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE ==>
 *	(\result <==> sj_taken(op, a, v));
 */
static bool taken(u16 op, u64 a, u32 v)
{
	if (op == BPF_JEQ)
		return a == v;
	if (op == BPF_JGT)
		return a > v;
	return a >= v;
}

/* Whether bits a .. b - 1 of d are all clear. */
/*@
 * requires a <= b <= 64;
 * assigns \nothing;
 * ensures \result ==> \forall integer i; a <= i < b ==> !sj_bit(d, i);
 */
static bool bits_clear(u64 d, u32 a, u32 b)
{
	u64 x;

	if (a >= b)
		return true;
	x = d >> a;
	/*@ assert \forall integer i; a <= i < 64 ==>
	 *	(sj_bit(x, i - a) <==> sj_bit(d, i));
	 */
	if (b - a >= 64)
		return x == 0;
	return ((x >> (b - a)) << (b - a)) == x;
}

/*
 * Where "jop A, #v", with A each column's own number base + c, changes its
 * answer inside the word of columns lo .. lo + 63: for jeq, the one bit
 * that jumps to jt (64: none); for jgt and jge (monotonic in c), the
 * first bit that does (64: none).
 */
/*@
 * requires op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE;
 * requires base <= SJ_X32_SYSCALL_BIT && lo <= SJ_TABLE_NR - 64;
 * assigns \nothing;
 * ensures \result <= 64;
 * ensures op == BPF_JEQ ==> \forall integer c; lo <= c < lo + 64 ==>
 *	(sj_taken(op, base + c, v) <==> c - lo == \result);
 * ensures op != BPF_JEQ ==> \forall integer c; lo <= c < lo + 64 ==>
 *	(sj_taken(op, base + c, v) <==> c - lo >= \result);
 */
static u32 word_edge(u16 op, u64 base, u32 v, u64 lo)
{
	u64 first = op == BPF_JGT ? (u64)v + 1 : v;

	if (op == BPF_JEQ && (v < base + lo || v > base + lo + 63))
		return 64;
	if (first <= base + lo)
		return 0;
	if (first >= base + lo + 64)
		return 64;
	return (u32)(first - base - lo);
}

/*
 * A conditional jump comparing each column's own number (A is the number)
 * with the known operand v: a word at a time, the columns that go to jt
 * must be in jt's set and the others in jf's; what A and X are known to
 * be must hold at a target only if some column goes there.
 */
/*@
 * requires 1 <= len <= SJ_MAXINSNS && pc < len && r < SJ_NROWS;
 * requires \valid_read(st + (0 .. len - 1));
 * requires op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE;
 * assigns \nothing;
 * ensures \result ==> \forall integer c; sj_in(&st[pc].set, c) ==>
 *	(sj_taken(op, sj_row_base(r) + c, v) ==>
 *	 sj_flows(st, len, t, c, ak, av, xk, xv)) &&
 *	(!sj_taken(op, sj_row_base(r) + c, v) ==>
 *	 sj_flows(st, len, f, c, ak, av, xk, xv));
 */
static bool split_nr(const struct sj_dstate *st, u32 len, u32 pc, u32 r,
		     u16 op, u32 v, u64 t, u64 f, u8 ak, u32 av, u8 xk,
		     u32 xv)
{
	const struct sj_nrset *s = &st[pc].set;
	u64 base = r == SJ_ROW_X32 ? SJ_X32_SYSCALL_BIT : 0;
	bool any_t = false, any_f = false;
	u32 j;

	if (t >= len || f >= len)
		return false;
	/*@ assert base == sj_row_base(r); */
	/*@
	 * loop invariant 0 <= j <= SJ_NRSET_WORDS;
	 * loop invariant \forall integer c; 0 <= c < 64 * j ==>
	 *	sj_in(s, c) ==>
	 *	(sj_taken(op, sj_row_base(r) + c, v) ==>
	 *	 sj_in(&st[t].set, c) && any_t) &&
	 *	(!sj_taken(op, sj_row_base(r) + c, v) ==>
	 *	 sj_in(&st[f].set, c) && any_f);
	 * loop assigns j, any_t, any_f;
	 * loop variant SJ_NRSET_WORDS - j;
	 */
	for (j = 0; j < SJ_NRSET_WORDS; j++) {
		u64 w = s->w[j], lo = (u64)j * 64, dt, df;
		u32 e;

		/*@ assert lo == 64 * j; */
		/*@ assert \forall integer c; 64 * j <= c < 64 * j + 64 ==>
		 *	c / 64 == j && c % 64 == c - 64 * j;
		 */
		if (!w) {
			/*@ assert \forall integer i; 0 <= i < 64 ==>
			 *	!sj_bit(w, i);
			 */
			continue;
		}
		dt = w & ~st[t].set.w[j];
		df = w & ~st[f].set.w[j];
		e = word_edge(op, base, v, lo);
		/*@ assert \forall integer i; 0 <= i < 64 ==>
		 *	(sj_bit(dt, i) <==> sj_bit(w, i) &&
		 *	 !sj_bit(st[t].set.w[j], i)) &&
		 *	(sj_bit(df, i) <==> sj_bit(w, i) &&
		 *	 !sj_bit(st[f].set.w[j], i));
		 */
		if (op == BPF_JEQ) {
			/* jt: bit e alone; jf: every other bit */
			if (!bits_clear(df, 0, e) ||
			    (e < 64 && (!bits_clear(df, e + 1, 64) ||
					!bits_clear(dt, e, e + 1))))
				return false;
			if (e < 64 && !bits_clear(w, e, e + 1))
				any_t = true;
			if (!bits_clear(w, 0, e) ||
			    (e < 64 && !bits_clear(w, e + 1, 64)))
				any_f = true;
		} else {
			/* jt: bits e and up; jf: the bits below */
			if (!bits_clear(dt, e, 64) || !bits_clear(df, 0, e))
				return false;
			if (!bits_clear(w, e, 64))
				any_t = true;
			if (!bits_clear(w, 0, e))
				any_f = true;
		}
	}
	return (!any_t || vals_to(st, len, t, ak, av, xk, xv)) &&
	       (!any_f || vals_to(st, len, f, ak, av, xk, xv));
}

/* Where a conditional jump's columns go: see sj_step_ok(). */
/*@
 * requires 1 <= len <= SJ_MAXINSNS && pc < len && r < SJ_NROWS;
 * requires \valid_read(p + (0 .. len - 1));
 * requires \valid_read(st + (0 .. len - 1));
 * requires sj_is_jcond(p[pc].code);
 * assigns \nothing;
 * behavior free:
 *	assumes !sj_fixed(p, st, pc);
 *	ensures \result ==> \forall integer c; sj_in(&st[pc].set, c) ==>
 *		sj_jcond_ok(p, len, r, st, pc, c);
 * behavior known:
 *	assumes sj_fixed(p, st, pc) && st[pc].ak == SJ_AV_KNOWN;
 *	ensures \result ==> \forall integer c; sj_in(&st[pc].set, c) ==>
 *		sj_jcond_ok(p, len, r, st, pc, c);
 * behavior nr:
 *	assumes sj_fixed(p, st, pc) && st[pc].ak != SJ_AV_KNOWN;
 *	ensures \result ==> \forall integer c; sj_in(&st[pc].set, c) ==>
 *		sj_jcond_ok(p, len, r, st, pc, c);
 * complete behaviors;
 * disjoint behaviors;
 */
static bool check_jcond(const struct sock_filter *p, u32 len, u32 r,
			const struct sj_dstate *st, u32 pc)
{
	const struct sj_dstate *s = &st[pc];
	u16 op = BPF_OP(p[pc].code);
	u64 t = (u64)pc + 1 + p[pc].jt, f = (u64)pc + 1 + p[pc].jf;
	bool ok;
	u32 v;

	if (!(op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE) ||
	    !(s->ak == SJ_AV_KNOWN || s->ak == SJ_AV_NR) ||
	    !(BPF_SRC(p[pc].code) != BPF_X || s->xk == SJ_AV_KNOWN)) {
		/*@ assert !sj_fixed(p, st, pc); */
		ok = flow_all(st, len, pc, t, s->ak, s->av, s->xk, s->xv) &&
		     flow_all(st, len, pc, f, s->ak, s->av, s->xk, s->xv);
		/*@ assert ok ==> \forall integer c; sj_in(&st[pc].set, c) ==>
		 *	sj_flows(st, len, pc + 1 + p[pc].jt, c, st[pc].ak,
		 *		 st[pc].av, st[pc].xk, st[pc].xv) &&
		 *	sj_flows(st, len, pc + 1 + p[pc].jf, c, st[pc].ak,
		 *		 st[pc].av, st[pc].xk, st[pc].xv);
		 */
		return ok;
	}
	/*@ assert sj_fixed(p, st, pc); */
	v = BPF_SRC(p[pc].code) == BPF_X ? s->xv : p[pc].k;
	if (s->ak == SJ_AV_KNOWN) {
		/*@ assert \forall integer c;
		 *	sj_way(p, st, pc, r, c) <==> sj_taken(op, s->av, v);
		 */
		if (taken(op, s->av, v))
			return flow_all(st, len, pc, t, s->ak, s->av, s->xk,
					s->xv);
		return flow_all(st, len, pc, f, s->ak, s->av, s->xk, s->xv);
	}
	/*@ assert \forall integer c; sj_way(p, st, pc, r, c) <==>
	 *	sj_taken(op, sj_row_base(r) + c, v);
	 */
	ok = split_nr(st, len, pc, r, op, v, t, f, s->ak, s->av, s->xk,
		      s->xv);
	/*@ assert ok ==> \forall integer c; sj_in(&st[pc].set, c) ==>
	 *	(sj_way(p, st, pc, r, c) ==>
	 *	 sj_flows(st, len, pc + 1 + p[pc].jt, c, st[pc].ak,
	 *		  st[pc].av, st[pc].xk, st[pc].xv)) &&
	 *	(!sj_way(p, st, pc, r, c) ==>
	 *	 sj_flows(st, len, pc + 1 + p[pc].jf, c, st[pc].ak,
	 *		  st[pc].av, st[pc].xk, st[pc].xv));
	 */
	return ok;
}

/* Everything but a conditional jump: see sj_step_ok(). */
/*@
 * requires 1 <= len <= SJ_MAXINSNS && pc < len && r < SJ_NROWS;
 * requires \valid_read(p + (0 .. len - 1));
 * requires \valid_read(st + (0 .. len - 1));
 * requires !sj_is_jcond(p[pc].code);
 * assigns \nothing;
 * ensures \result ==> \forall integer c; sj_in(&st[pc].set, c) ==>
 *	sj_other_ok(p, len, r, st, pc, c);
 */
static bool check_other(const struct sock_filter *p, u32 len, u32 r,
			const struct sj_dstate *st, u32 pc)
{
	const struct sj_dstate *s = &st[pc];
	u16 code = p[pc].code;
	u32 k = p[pc].k;
	u64 next = (u64)pc + 1;

	switch (BPF_CLASS(code)) {
	case BPF_LD:
		if (code == (BPF_LD | BPF_W | BPF_ABS))
			return flow_all(st, len, pc, next,
					k == 0 ? SJ_AV_NR :
					k == 4 ? SJ_AV_KNOWN : SJ_AV_UNKNOWN,
					k == 4 ? (r == SJ_ROW_I386 ?
						  SJ_ARCH_I386 :
						  SJ_ARCH_X86_64) : 0,
					s->xk, s->xv);
		if (code == (BPF_LD | BPF_W | BPF_LEN))
			return flow_all(st, len, pc, next, SJ_AV_KNOWN,
					SJ_DATA_SIZE, s->xk, s->xv);
		if (code == (BPF_LD | BPF_IMM))
			return flow_all(st, len, pc, next, SJ_AV_KNOWN, k,
					s->xk, s->xv);
		if (code == (BPF_LD | BPF_MEM))
			return flow_all(st, len, pc, next, SJ_AV_UNKNOWN, 0,
					s->xk, s->xv);
		return false;
	case BPF_LDX:
		if (code == (BPF_LDX | BPF_W | BPF_LEN))
			return flow_all(st, len, pc, next, s->ak, s->av,
					SJ_AV_KNOWN, SJ_DATA_SIZE);
		if (code == (BPF_LDX | BPF_IMM))
			return flow_all(st, len, pc, next, s->ak, s->av,
					SJ_AV_KNOWN, k);
		if (code == (BPF_LDX | BPF_MEM))
			return flow_all(st, len, pc, next, s->ak, s->av,
					SJ_AV_UNKNOWN, 0);
		return false;
	case BPF_ST:
	case BPF_STX:
		return flow_all(st, len, pc, next, s->ak, s->av, s->xk, s->xv);
	case BPF_ALU:
		return flow_all(st, len, pc, next, SJ_AV_UNKNOWN, 0, s->xk,
				s->xv);
	case BPF_JMP:	/* ja */
		return flow_all(st, len, pc, next + k, s->ak, s->av, s->xk,
				s->xv);
	case BPF_RET:
		return true;
	case BPF_MISC:
		if (code == (BPF_MISC | BPF_TAX))
			return flow_all(st, len, pc, next, s->ak, s->av,
					s->ak, s->av);
		if (code == (BPF_MISC | BPF_TXA))
			return flow_all(st, len, pc, next, s->xk, s->xv,
					s->xk, s->xv);
		return false;
	}
	return false;
}

/* Whether column c of row r ends at pc only in v: see sj_end_ok(). */
/*@
 * requires r < SJ_NROWS && c < SJ_TABLE_NR;
 * requires \valid_read(p + pc) && \valid_read(st + pc);
 * assigns \nothing;
 * ensures \result ==> sj_end_ok(p, r, st, pc, c, v);
 */
static bool end_ok(const struct sock_filter *p, u32 r,
		   const struct sj_dstate *st, u32 pc, u32 c, u32 v)
{
	const struct sj_dstate *s = &st[pc];
	u16 code = p[pc].code;
	u64 nr = (r == SJ_ROW_X32 ? SJ_X32_SYSCALL_BIT : 0) + (u64)c;

	if (BPF_CLASS(code) == BPF_RET && BPF_RVAL(code) == BPF_A)
		return (s->ak == SJ_AV_KNOWN && s->av == v) ||
		       (s->ak == SJ_AV_NR && nr == v);
	if (BPF_CLASS(code) == BPF_RET)
		return p[pc].k == v;
	if (BPF_CLASS(code) == BPF_ALU && BPF_OP(code) == BPF_DIV)
		return v == 0 ||
		       (BPF_SRC(code) == BPF_X ?
			s->xk == SJ_AV_KNOWN && s->xv != 0 : p[pc].k != 0);
	return true;
}

/* The decided columns that reach pc end there only in their value. */
/*@
 * requires r < SJ_NROWS;
 * requires \valid_read(p + pc) && \valid_read(st + pc);
 * requires \valid_read(decided) && \valid_read(value + (0 .. SJ_TABLE_NR - 1));
 * assigns \nothing;
 * ensures \result ==> \forall integer c; sj_in(&st[pc].set, c) ==>
 *	sj_in(decided, c) ==> sj_end_ok(p, r, st, pc, c, value[c]);
 */
static bool check_ends(const struct sock_filter *p, u32 r,
		       const struct sj_dstate *st,
		       const struct sj_nrset *decided, const u32 *value,
		       u32 pc)
{
	u16 code = p[pc].code;
	u32 j, i;

	if (BPF_CLASS(code) != BPF_RET &&
	    !(BPF_CLASS(code) == BPF_ALU && BPF_OP(code) == BPF_DIV))
		return true;
	/*@
	 * loop invariant 0 <= j <= SJ_NRSET_WORDS;
	 * loop invariant \forall integer c; 0 <= c < 64 * j ==>
	 *	sj_in(&st[pc].set, c) ==> sj_in(decided, c) ==>
	 *	sj_end_ok(p, r, st, pc, c, value[c]);
	 * loop assigns j, i;
	 * loop variant SJ_NRSET_WORDS - j;
	 */
	for (j = 0; j < SJ_NRSET_WORDS; j++) {
		u64 w = st[pc].set.w[j] & decided->w[j];

		if (!w)
			continue;
		/*@
		 * loop invariant 0 <= i <= 64;
		 * loop invariant \forall integer c; 0 <= c < 64 * j + i ==>
		 *	sj_in(&st[pc].set, c) ==> sj_in(decided, c) ==>
		 *	sj_end_ok(p, r, st, pc, c, value[c]);
		 * loop assigns i;
		 * loop variant 64 - i;
		 */
		for (i = 0; i < 64; i++)
			if (((w >> i) & 1) &&
			    !end_ok(p, r, st, pc, 64 * j + i,
				    value[64 * j + i]))
				return false;
	}
	return true;
}

/*@
 * requires 1 <= len <= SJ_MAXINSNS && row < SJ_NROWS;
 * requires \valid_read(prog + (0 .. len - 1));
 * requires \valid_read(st + (0 .. len - 1));
 * requires \valid_read(decided) && \valid_read(value + (0 .. SJ_TABLE_NR - 1));
 * assigns \nothing;
 * ensures \result ==> sj_cert_ok(prog, len, row, st, decided, value);
 */
/**
 * sj_cert_check() - whether a decision certificate holds
 * @prog: a filter accepted by sj_check()
 * @len: its length
 * @row: enum sj_table_row
 * @st: what the certificate says holds at each instruction
 * @decided: the columns it says are constants
 * @value: their constants
 *
 * Context: any; reads only.
 * Return: true if sj_cert_ok() holds, so that the filter returns @value[c]
 * for every decided column c, whatever its arguments and instruction
 * pointer.
 */
bool sj_cert_check(const struct sock_filter *prog, u32 len, u32 row,
		   const struct sj_dstate *st, const struct sj_nrset *decided,
		   const u32 *value)
{
	u32 pc;

	if (!st[0].reached || !set_sub(decided, &st[0].set) ||
	    st[0].ak != SJ_AV_KNOWN ||
	    st[0].av != 0 || st[0].xk != SJ_AV_KNOWN || st[0].xv != 0)
		return false;
	/*@
	 * loop invariant 0 <= pc <= len;
	 * loop invariant \forall integer q, c; 0 <= q < pc ==>
	 *	sj_at(st, q, c) ==>
	 *	sj_step_ok(prog, len, row, st, q, c) &&
	 *	(sj_in(decided, c) ==>
	 *	 sj_end_ok(prog, row, st, q, c, value[c]));
	 * loop assigns pc;
	 * loop variant len - pc;
	 */
	for (pc = 0; pc < len; pc++) {
		if (!st[pc].reached)
			continue;
		if (BPF_CLASS(prog[pc].code) == BPF_JMP &&
		    BPF_OP(prog[pc].code) != BPF_JA) {
			/*@ assert sj_is_jcond(prog[pc].code); */
			if (!check_jcond(prog, len, row, st, pc))
				return false;
		} else if (!check_other(prog, len, row, st, pc)) {
			return false;
		}
		if (!check_ends(prog, row, st, decided, value, pc))
			return false;
	}
	return true;
}
