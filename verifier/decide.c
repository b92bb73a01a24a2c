// SPDX-License-Identifier: GPL-2.0
/*
 * Decisions computed at load (see decide.h).
 *
 * For each row of the table (x86-64, x32, i386) the analysis runs a
 * checked filter forward over an abstract seccomp_data whose arch is the
 * row's, whose number is any of the row's 512, and whose instruction
 * pointer and arguments are unknown.  Per instruction it keeps the set of
 * columns that some run brings there and what is known of A and X on all
 * of them: a value, "each column's own number", or nothing (struct
 * sj_dstate).  Jumps only go forward, so one pass in program order sees
 * every way into an instruction before it leaves it; where ways meet, the
 * sets are joined and a register keeps only what all of them agree on.  A
 * jump on the number with a known operand sends each column its own way;
 * a jump on anything unknown sends every column both ways; ALU results and
 * scratch memory are unknown.  A column's result is a constant if every
 * ret (or division by a possible zero, which returns 0) that it reaches
 * gives the same known value.
 *
 * None of this is trusted: what the pass leaves (decide.h's certificate)
 * is re-checked by sj_cert_check() (decide_check.c, proved), and only a
 * certificate that holds is used; the interpreter's "decided" behaviour
 * (interp.c, proved) is what a certificate that holds guarantees.  Work is
 * a few word operations per instruction and row, and per column only at
 * the rets it reaches.
 */
#include "decide.h"
#include "interp.h"

static bool set_empty(const struct sj_nrset *s)
{
	u32 j;

	for (j = 0; j < SJ_NRSET_WORDS; j++)
		if (s->w[j])
			return false;
	return true;
}

/* What a register is known to be where two ways meet. */
static void join(u8 *k, u32 *v, u8 k2, u32 v2)
{
	if (*k != k2 || (k2 == SJ_AV_KNOWN && *v != v2)) {
		*k = SJ_AV_UNKNOWN;
		*v = 0;
	}
}

/* The columns of @set go on to instruction @s with A and X as given. */
static void flow(const struct sj_nrset *set, struct sj_dstate *st, u32 len,
		 u64 s, u8 ak, u32 av, u8 xk, u32 xv)
{
	struct sj_dstate *d;
	u32 j;

	/* s >= len only in a program sj_check() refused. */
	if (s >= len || set_empty(set))
		return;
	d = &st[s];
	if (!d->reached) {
		d->reached = 1;
		d->set = *set;
		d->ak = ak;
		d->av = av;
		d->xk = xk;
		d->xv = xv;
		return;
	}
	for (j = 0; j < SJ_NRSET_WORDS; j++)
		d->set.w[j] |= set->w[j];
	join(&d->ak, &d->av, ak, av);
	join(&d->xk, &d->xv, xk, xv);
}

/* Results of one row so far: a column's first result, and conflicts. */
struct ends {
	struct sj_nrset have;
	struct sj_nrset run;
};

/* Column @c ends in @v. */
static void end_one(struct ends *e, u32 *value, u32 c, u32 v)
{
	u64 bit = 1ULL << (c % 64);

	if (!(e->have.w[c / 64] & bit)) {
		e->have.w[c / 64] |= bit;
		value[c] = v;
	} else if (value[c] != v) {
		e->run.w[c / 64] |= bit;
	}
}

/*
 * The columns of @set end here: in @v, or, if @own_nr, each in its own
 * number (ret a with A the number).
 */
static void end_set(struct ends *e, u32 *value, const struct sj_nrset *set,
		    bool own_nr, u32 base, u32 v)
{
	u32 j;

	for (j = 0; j < SJ_NRSET_WORDS; j++) {
		u64 w = set->w[j];

		while (w) {
			u32 c = 64 * j + sj_ctz64(w);

			end_one(e, value, c, own_nr ? base + c : v);
			w &= w - 1;
		}
	}
}

/* Columns c of word @j (of a row starting at @base) with c + base op v. */
static u64 taken_word(u16 op, u32 base, u32 v, u32 j)
{
	u64 lo = 64 * j, t0;

	if (op == BPF_JEQ) {
		if (v < base || (u64)v - base < lo || (u64)v - base >= lo + 64)
			return 0;
		return 1ULL << ((u64)v - base - lo);
	}
	/* The first column taken: c >= t0. */
	t0 = op == BPF_JGT ? (u64)v + 1 : v;
	t0 = t0 < base ? 0 : t0 - base;
	if (t0 <= lo)
		return ~0ULL;
	if (t0 >= lo + 64)
		return 0;
	return ~0ULL << (t0 - lo);
}

static void step_jcond(const struct sock_filter *insn, struct sj_dstate *st,
		       u32 len, u32 pc, u32 base)
{
	const struct sj_dstate *s = &st[pc];
	u16 op = BPF_OP(insn->code);
	u64 t = (u64)pc + 1 + insn->jt, f = (u64)pc + 1 + insn->jf;
	struct sj_nrset yes, no;
	u32 v, j;

	if (!(op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE) ||
	    !(s->ak == SJ_AV_KNOWN || s->ak == SJ_AV_NR) ||
	    !(BPF_SRC(insn->code) != BPF_X || s->xk == SJ_AV_KNOWN)) {
		flow(&s->set, st, len, t, s->ak, s->av, s->xk, s->xv);
		flow(&s->set, st, len, f, s->ak, s->av, s->xk, s->xv);
		return;
	}
	v = BPF_SRC(insn->code) == BPF_X ? s->xv : insn->k;
	if (s->ak == SJ_AV_KNOWN) {
		flow(&s->set, st, len, sj_jump_taken(op, s->av, v) ? t : f,
		     s->ak, s->av, s->xk, s->xv);
		return;
	}
	for (j = 0; j < SJ_NRSET_WORDS; j++) {
		u64 m = s->set.w[j] ? taken_word(op, base, v, j) : 0;

		yes.w[j] = s->set.w[j] & m;
		no.w[j] = s->set.w[j] & ~m;
	}
	flow(&yes, st, len, t, s->ak, s->av, s->xk, s->xv);
	flow(&no, st, len, f, s->ak, s->av, s->xk, s->xv);
}

static void step(const struct sock_filter *insn, struct sj_dstate *st,
		 u32 len, u32 pc, u32 row, struct ends *e, u32 *value)
{
	const struct sj_dstate *s = &st[pc];
	u32 base = row == SJ_ROW_X32 ? SJ_X32_SYSCALL_BIT : 0;
	u32 arch = row == SJ_ROW_I386 ? SJ_ARCH_I386 : SJ_ARCH_X86_64;
	u16 code = insn->code;
	u32 k = insn->k;
	u64 next = (u64)pc + 1;

	switch (BPF_CLASS(code)) {
	case BPF_LD:
		if (code == (BPF_LD | BPF_W | BPF_ABS))
			flow(&s->set, st, len, next,
			     k == 0 ? SJ_AV_NR :
			     k == 4 ? SJ_AV_KNOWN : SJ_AV_UNKNOWN,
			     k == 4 ? arch : 0, s->xk, s->xv);
		else if (code == (BPF_LD | BPF_W | BPF_LEN))
			flow(&s->set, st, len, next, SJ_AV_KNOWN, SJ_DATA_SIZE,
			     s->xk, s->xv);
		else if (code == (BPF_LD | BPF_IMM))
			flow(&s->set, st, len, next, SJ_AV_KNOWN, k, s->xk,
			     s->xv);
		else
			flow(&s->set, st, len, next, SJ_AV_UNKNOWN, 0, s->xk,
			     s->xv);
		return;
	case BPF_LDX:
		if (code == (BPF_LDX | BPF_W | BPF_LEN))
			flow(&s->set, st, len, next, s->ak, s->av, SJ_AV_KNOWN,
			     SJ_DATA_SIZE);
		else if (code == (BPF_LDX | BPF_IMM))
			flow(&s->set, st, len, next, s->ak, s->av, SJ_AV_KNOWN,
			     k);
		else
			flow(&s->set, st, len, next, s->ak, s->av,
			     SJ_AV_UNKNOWN, 0);
		return;
	case BPF_ST:
	case BPF_STX:
		flow(&s->set, st, len, next, s->ak, s->av, s->xk, s->xv);
		return;
	case BPF_ALU:
		/* A division by a possible zero returns 0, and goes on. */
		if (BPF_OP(code) == BPF_DIV &&
		    (BPF_SRC(code) == BPF_X ?
		     !(s->xk == SJ_AV_KNOWN && s->xv != 0) : k == 0))
			end_set(e, value, &s->set, false, base, 0);
		flow(&s->set, st, len, next, SJ_AV_UNKNOWN, 0, s->xk, s->xv);
		return;
	case BPF_JMP:
		if (BPF_OP(code) == BPF_JA)
			flow(&s->set, st, len, next + k, s->ak, s->av, s->xk,
			     s->xv);
		else
			step_jcond(insn, st, len, pc, base);
		return;
	case BPF_RET:
		if (BPF_RVAL(code) != BPF_A)
			end_set(e, value, &s->set, false, base, k);
		else if (s->ak == SJ_AV_KNOWN)
			end_set(e, value, &s->set, false, base, s->av);
		else if (s->ak == SJ_AV_NR)
			end_set(e, value, &s->set, true, base, 0);
		else
			for (k = 0; k < SJ_NRSET_WORDS; k++)
				e->run.w[k] |= s->set.w[k];
		return;
	case BPF_MISC:
		if (code == (BPF_MISC | BPF_TAX))
			flow(&s->set, st, len, next, s->ak, s->av, s->ak,
			     s->av);
		else
			flow(&s->set, st, len, next, s->xk, s->xv, s->xk,
			     s->xv);
		return;
	}
}

/**
 * sj_decide_row() - the certificate of one row of a filter's table
 * @prog: a filter accepted by sj_check()
 * @len: its length
 * @row: enum sj_table_row
 * @w: out: the certificate; only what sj_cert_check() accepts may be used
 *
 * Context: any; does not sleep or allocate.
 */
void sj_decide_row(const struct sock_filter *prog, u32 len, u32 row,
		   struct sj_decide_work *w)
{
	struct ends e;
	u32 pc, j;

	for (pc = 0; pc < len; pc++)
		w->st[pc].reached = 0;
	memset(&e, 0, sizeof(e));
	memset(&w->st[0].set, 0xff, sizeof(w->st[0].set));
	w->st[0].ak = SJ_AV_KNOWN;
	w->st[0].av = 0;
	w->st[0].xk = SJ_AV_KNOWN;
	w->st[0].xv = 0;
	w->st[0].reached = 1;
	for (pc = 0; pc < len; pc++)
		if (w->st[pc].reached)
			step(&prog[pc], w->st, len, pc, row, &e, w->value);
	for (j = 0; j < SJ_NRSET_WORDS; j++)
		w->decided.w[j] = e.have.w[j] & ~e.run.w[j];
}

/*
 * Row @row's decisions, checked; false (nothing decided) if refused.
 * @corrupt (fault injection) makes the certificate wrong first: every
 * column seems to start elsewhere than instruction 0.
 */
static bool decide_checked(const struct sock_filter *prog, u32 len, u32 row,
			   struct sj_decide_work *w, bool corrupt)
{
	sj_decide_row(prog, len, row, w);
	if (corrupt) {
		memset(&w->decided, 0xff, sizeof(w->decided));
		w->st[0].reached = 0;
	}
	if (sj_cert_check(prog, len, row, w->st, &w->decided, w->value))
		return true;
	memset(&w->decided, 0, sizeof(w->decided));
	return false;
}

static bool decided(const struct sj_decide_work *w, u32 c)
{
	return w->decided.w[c / 64] & (1ULL << (c % 64));
}

/**
 * sj_decide() - the constant result of a filter for one syscall, if any
 * @prog: a filter accepted by sj_check()
 * @len: its length
 * @arch: seccomp_data.arch
 * @nr: seccomp_data.nr, one with a table entry (sj_table_row())
 * @work: scratch memory, sj_decide_work_size(@len) bytes
 *
 * Context: any; does not sleep or allocate.
 * Return: the filter's result for (@arch, @nr) if the analysis shows it is
 * the same for every instruction pointer and argument value, else
 * SJ_DECIDE_RUN (also for a syscall without a table entry).
 */
long sj_decide(const struct sock_filter *prog, u32 len, u32 arch, u32 nr,
	       struct sj_decide_work *work)
{
	u32 row, index;

	if (!sj_table_row(arch, nr, &row, &index))
		return SJ_DECIDE_RUN;
	decide_checked(prog, len, row, work, false);
	if (!decided(work, index))
		return SJ_DECIDE_RUN;
	return work->value[index];
}

/**
 * sj_decide_table() - the decisions of one filter for every table entry
 * @prog: a filter accepted by sj_check()
 * @len: its length
 * @t: out: its table
 * @work: scratch memory, sj_decide_work_size(@len) bytes
 * @corrupt: fault injection: every row's certificate is made wrong before
 *	it is checked, so that every row must be refused
 *
 * Context: any; does not sleep or allocate.
 * Return: the number of rows whose certificate sj_cert_check() refused (0
 * unless the analysis is wrong, or @corrupt; those rows run the filter).
 */
u32 sj_decide_table(const struct sock_filter *prog, u32 len,
		    struct sj_table *t, struct sj_decide_work *work,
		    bool corrupt)
{
	u32 row, i, refused = 0;

	sj_table_init(t);
	for (row = 0; row < SJ_NROWS; row++) {
		if (!decide_checked(prog, len, row, work, corrupt))
			refused++;
		for (i = 0; i < SJ_TABLE_NR; i++)
			sj_table_set(t, row, i, decided(work, i),
				     decided(work, i) ? work->value[i] : 0);
	}
	sj_table_count(t);
	return refused;
}
