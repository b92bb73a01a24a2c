// SPDX-License-Identifier: GPL-2.0
/*
 * Decisions computed at load (see decide.h).
 *
 * The analysis runs a checked filter on an abstract seccomp_data whose
 * arch is known, whose nr is one of a set of syscall numbers (a row of the
 * table), and whose instruction pointer and arguments are unknown.  Each
 * of A, X and M[k] holds a known value, "the syscall number", or an
 * unknown value.  Loads of arch and #len are known, of nr the syscall
 * number, of anything else unknown; an operation on known values is
 * computed exactly as the interpreter does (sj_alu(), sj_jump_taken()).
 * A comparison of the syscall number with a known value splits the set:
 * the numbers for which the interpreter would take the jump go one way,
 * the others the other way.  An operation that needs the number's value
 * (arithmetic on it, ret a) splits off one number at a time, which is
 * then known.  A conditional jump on an unknown value follows both
 * branches with the same set.  A syscall number's result is a constant
 * if every path whose set holds it ends in the same known value.
 *
 * Why that is sound: fix a concrete input with syscall number n.  By
 * induction over the interpreter's run, there is an explored path whose
 * set holds n and which is at the same instruction with every known value
 * equal to the concrete one and "the syscall number" standing for n:
 * known values are only produced from known values by the interpreter's
 * own operations; a split on n sends n the way the interpreter goes; both
 * branches are explored where the choice is unknown.  So the run's result
 * is one that path ended in: the constant.  "div x" with X unknown may be
 * a division by zero, which makes the filter return 0: that path ends in 0
 * as well as going on with A unknown.
 *
 * The sets make a linear filter (a chain of "jeq #nr" in libseccomp's
 * linear layout) cost one walk for the whole row, not one per number.
 * Work is bounded: once SJ_DECIDE_BUDGET instructions have been
 * interpreted for a row, every number still on a pending path gets no
 * constant (its filters then run at every call, which is always correct).
 */
#include "decide.h"
#include "interp.h"

#define R_A		0
#define R_X		1
#define R_M(k)		(2 + (k))
#define NREGS		(2 + SJ_MEMWORDS)

enum { V_UNKNOWN, V_KNOWN, V_NR };

/* Instructions interpreted per row before giving up on the rest. */
#define SJ_DECIDE_BUDGET(len)	(8 * (len) + 16384)

/* What the analysis of one row needs besides the path it is on. */
struct row_ctx {
	const struct sock_filter *prog;
	u32 len;
	u32 arch;
	u32 base;	/* the syscall number of column 0 */
	struct sj_decide_work *w;
	u32 depth;	/* paths on w->stack */
	u32 budget;
};

/* --- sets of columns ------------------------------------------------------- */

static bool set_has(const struct sj_nrset *s, u32 i)
{
	return s->w[i / 64] & (1ULL << (i % 64));
}

static void set_add(struct sj_nrset *s, u32 i)
{
	s->w[i / 64] |= 1ULL << (i % 64);
}

static bool set_empty(const struct sj_nrset *s)
{
	u32 i;

	for (i = 0; i < SJ_NRSET_WORDS; i++)
		if (s->w[i])
			return false;
	return true;
}

/* The lowest column of @s at or after @i, or SJ_TABLE_NR if none. */
static u32 set_next(const struct sj_nrset *s, u32 i)
{
	while (i < SJ_TABLE_NR) {
		u64 word = s->w[i / 64] >> (i % 64);

		if (!word) {
			i = (i / 64 + 1) * 64;
			continue;
		}
		return i + sj_ctz64(word);
	}
	return SJ_TABLE_NR;
}

/* The lowest column of a non-empty set. */
static u32 set_first(const struct sj_nrset *s)
{
	return set_next(s, 0);
}

/* The columns lo <= i < hi. */
static void set_range(struct sj_nrset *s, u64 lo, u64 hi)
{
	u32 i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < SJ_NRSET_WORDS; i++) {
		u64 wlo = i * 64ULL, whi = wlo + 64;
		u64 a = max(lo, wlo), b = min(hi, whi);

		if (a >= b)
			continue;
		s->w[i] = (b - a == 64 ? ~0ULL : ((1ULL << (b - a)) - 1)) <<
			  (a - wlo);
	}
}

static u32 set_count(const struct sj_nrset *s)
{
	u32 i, n = 0;

	for (i = 0; i < SJ_NRSET_WORDS; i++)
		n += sj_popcount64(s->w[i]);
	return n;
}

static bool set_single(const struct sj_nrset *s)
{
	u32 i, n = 0;

	for (i = 0; i < SJ_NRSET_WORDS && n < 2; i++)
		if (s->w[i])
			n += (s->w[i] & (s->w[i] - 1)) ? 2 : 1;
	return n == 1;
}

/* --- abstract values ------------------------------------------------------- */

static void set_known(struct sj_decide_state *s, u32 r, u32 v)
{
	s->kind[r] = V_KNOWN;
	s->val[r] = v;
}

static void set_unknown(struct sj_decide_state *s, u32 r)
{
	s->kind[r] = V_UNKNOWN;
	s->val[r] = 0;
}

static void copy_reg(struct sj_decide_state *s, u32 dst, u32 src)
{
	s->kind[dst] = s->kind[src];
	s->val[dst] = s->val[src];
}

/* The syscall number of a one-column path is known: say so everywhere. */
static void settle_nr(struct sj_decide_state *s, const struct row_ctx *c)
{
	u32 r, n;

	if (!set_single(&s->set))
		return;
	n = c->base + set_first(&s->set);
	for (r = 0; r < NREGS; r++)
		if (s->kind[r] == V_NR)
			set_known(s, r, n);
}

/* --- ends of paths ------------------------------------------------------ */

/* Every column of @s ends in @v (@known), or is no constant. */
static void path_ends(struct row_ctx *c, const struct sj_nrset *set,
		      bool known, u32 v)
{
	struct sj_decide_work *w = c->w;
	u32 i;

	for (i = set_first(set); i < SJ_TABLE_NR; i = set_next(set, i + 1)) {
		if (set_has(&w->run, i))
			continue;
		if (!known || (set_has(&w->have, i) && w->value[i] != v)) {
			set_add(&w->run, i);
			continue;
		}
		set_add(&w->have, i);
		w->value[i] = v;
	}
}

/* --- one instruction ------------------------------------------------------ */

enum step { STEP_ON, STEP_END, STEP_SPLIT, STEP_FULL };

static void step_load(struct sj_decide_state *s, const struct sock_filter *insn,
		      const struct row_ctx *c)
{
	u32 k = insn->k, m = R_M(k % SJ_MEMWORDS);

	switch (insn->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		if (k == offsetof(struct seccomp_data, nr)) {
			s->kind[R_A] = V_NR;
			s->val[R_A] = 0;
			settle_nr(s, c);
		} else if (k == offsetof(struct seccomp_data, arch)) {
			set_known(s, R_A, c->arch);
		} else {
			set_unknown(s, R_A);
		}
		break;
	case BPF_LD | BPF_W | BPF_LEN:
		set_known(s, R_A, SJ_DATA_SIZE);
		break;
	case BPF_LDX | BPF_W | BPF_LEN:
		set_known(s, R_X, SJ_DATA_SIZE);
		break;
	case BPF_LD | BPF_IMM:
		set_known(s, R_A, k);
		break;
	case BPF_LDX | BPF_IMM:
		set_known(s, R_X, k);
		break;
	case BPF_LD | BPF_MEM:
		copy_reg(s, R_A, m);
		break;
	case BPF_LDX | BPF_MEM:
		copy_reg(s, R_X, m);
		break;
	case BPF_ST:
		copy_reg(s, m, R_A);
		break;
	case BPF_STX:
		copy_reg(s, m, R_X);
		break;
	}
}

/* An ALU instruction; a division by zero ends the path in 0. */
static enum step step_alu(struct sj_decide_state *s,
			  const struct sock_filter *insn, struct row_ctx *c)
{
	u16 op = BPF_OP(insn->code);
	u8 src = V_KNOWN;
	u32 v = insn->k;

	if (BPF_SRC(insn->code) == BPF_X) {
		src = s->kind[R_X];
		v = s->val[R_X];
	}
	if (src == V_NR || (s->kind[R_A] == V_NR && op != BPF_NEG &&
			    !(src == V_UNKNOWN && op != BPF_DIV)) ||
	    (s->kind[R_A] == V_NR && op == BPF_NEG))
		return STEP_SPLIT;
	if (op == BPF_DIV && (src == V_UNKNOWN || v == 0)) {
		/* X may be 0: that path returns 0. */
		path_ends(c, &s->set, true, 0);
		if (src == V_KNOWN)
			return STEP_END;
		set_unknown(s, R_A);
		return STEP_ON;
	}
	if (src == V_KNOWN && s->kind[R_A] == V_KNOWN)
		set_known(s, R_A, sj_alu(op, s->val[R_A], v));
	else
		set_unknown(s, R_A);
	return STEP_ON;
}

static enum step push(struct row_ctx *c, const struct sj_decide_state *s,
		      u32 pc, const struct sj_nrset *set)
{
	struct sj_decide_state *p;

	if (c->depth >= ARRAY_SIZE(c->w->stack))
		return STEP_FULL;
	p = &c->w->stack[c->depth++];
	*p = *s;
	p->pc = pc;
	p->set = *set;
	settle_nr(p, c);
	return STEP_ON;
}

/*
 * The columns of @set whose syscall number n makes the jump @op taken
 * against the known @v (n op v if @nr_left, else v op n): a range of
 * numbers for jeq, jgt and jge, number by number for jset.
 */
static void taken_set(const struct row_ctx *c, u16 op, u32 v, bool nr_left,
		      const struct sj_nrset *set, struct sj_nrset *t)
{
	u64 lo = 0, hi = 1ULL << 32;	/* the numbers n with lo <= n < hi */
	u32 i;

	switch (op) {
	case BPF_JEQ:
		lo = v;
		hi = (u64)v + 1;
		break;
	case BPF_JGT:
		if (nr_left)
			lo = (u64)v + 1;
		else
			hi = v;
		break;
	case BPF_JGE:
		if (nr_left)
			lo = v;
		else
			hi = (u64)v + 1;
		break;
	default:
		memset(t, 0, sizeof(*t));
		for (i = set_first(set); i < SJ_TABLE_NR; i = set_next(set, i + 1))
			if (sj_jump_taken(op, nr_left ? c->base + i : v,
					  nr_left ? v : c->base + i))
				set_add(t, i);
		return;
	}
	lo = lo > c->base ? lo - c->base : 0;
	hi = hi > c->base ? hi - c->base : 0;
	set_range(t, lo, hi);
	for (i = 0; i < SJ_NRSET_WORDS; i++)
		t->w[i] &= set->w[i];
}

/*
 * A conditional jump whose one operand is the syscall number and the
 * other the known @v (@nr_left: the number is A): the set splits.
 */
static enum step split_jump(struct sj_decide_state *s,
			    const struct sock_filter *insn, struct row_ctx *c,
			    u32 v, bool nr_left)
{
	struct sj_nrset t, f;
	u32 i;

	taken_set(c, BPF_OP(insn->code), v, nr_left, &s->set, &t);
	for (i = 0; i < SJ_NRSET_WORDS; i++)
		f.w[i] = s->set.w[i] & ~t.w[i];
	if (set_empty(&t)) {
		s->pc += insn->jf;
	} else if (set_empty(&f)) {
		s->pc += insn->jt;
	} else if (set_single(&t) ||
		   (!set_single(&f) && set_count(&t) <= set_count(&f))) {
		/*
		 * Go on with the smaller part, which usually ends soon (one
		 * number of a jeq chain): the stack stays shallow.
		 */
		if (push(c, s, s->pc + insn->jf, &f) == STEP_FULL)
			return STEP_FULL;
		s->pc += insn->jt;
		s->set = t;
		settle_nr(s, c);
	} else {
		if (push(c, s, s->pc + insn->jt, &t) == STEP_FULL)
			return STEP_FULL;
		s->pc += insn->jf;
		s->set = f;
		settle_nr(s, c);
	}
	return STEP_ON;
}

/* A jump; s->pc is already past it. */
static enum step step_jump(struct sj_decide_state *s,
			   const struct sock_filter *insn, struct row_ctx *c)
{
	u16 op = BPF_OP(insn->code);
	u8 a = s->kind[R_A], src = V_KNOWN;
	u32 v = insn->k;

	if (op == BPF_JA) {
		s->pc += insn->k;
		return STEP_ON;
	}
	if (BPF_SRC(insn->code) == BPF_X) {
		src = s->kind[R_X];
		v = s->val[R_X];
	}
	if (insn->jt == insn->jf) {
		s->pc += insn->jt;
		return STEP_ON;
	}
	if (a == V_KNOWN && src == V_KNOWN) {
		s->pc += sj_jump_taken(op, s->val[R_A], v) ? insn->jt : insn->jf;
		return STEP_ON;
	}
	if (a == V_UNKNOWN || src == V_UNKNOWN) {
		if (push(c, s, s->pc + insn->jt, &s->set) == STEP_FULL)
			return STEP_FULL;
		s->pc += insn->jf;
		return STEP_ON;
	}
	if (a == V_NR && src == V_NR)
		return STEP_SPLIT;
	return split_jump(s, insn, c, a == V_NR ? v : s->val[R_A], a == V_NR);
}

static enum step step(struct sj_decide_state *s, struct row_ctx *c)
{
	const struct sock_filter *insn = &c->prog[s->pc];

	s->pc++;
	switch (BPF_CLASS(insn->code)) {
	case BPF_LD: case BPF_LDX: case BPF_ST: case BPF_STX:
		step_load(s, insn, c);
		return STEP_ON;
	case BPF_ALU:
		return step_alu(s, insn, c);
	case BPF_JMP:
		return step_jump(s, insn, c);
	case BPF_RET:
		if (BPF_RVAL(insn->code) == BPF_A && s->kind[R_A] == V_NR)
			return STEP_SPLIT;
		if (BPF_RVAL(insn->code) == BPF_K)
			path_ends(c, &s->set, true, insn->k);
		else
			path_ends(c, &s->set, s->kind[R_A] == V_KNOWN,
				  s->val[R_A]);
		return STEP_END;
	case BPF_MISC:
		if (BPF_MISCOP(insn->code) == BPF_TAX)
			copy_reg(s, R_X, R_A);
		else
			copy_reg(s, R_A, R_X);
		return STEP_ON;
	}
	return STEP_FULL;
}

/*
 * The instruction at s->pc needs the syscall number's value: leave the
 * rest of the set for later, at the same instruction, and go on with its
 * first number alone.
 */
static enum step split_one(struct sj_decide_state *s, struct row_ctx *c)
{
	struct sj_nrset rest = s->set;
	u32 i = set_first(&s->set);

	rest.w[i / 64] &= ~(1ULL << (i % 64));
	if (push(c, s, s->pc, &rest) == STEP_FULL)
		return STEP_FULL;
	memset(&s->set, 0, sizeof(s->set));
	set_add(&s->set, i);
	settle_nr(s, c);
	return STEP_ON;
}

/* Give up: no column on a pending path is a constant. */
static void give_up(struct row_ctx *c, const struct sj_decide_state *s)
{
	u32 d, i;

	for (i = 0; i < SJ_NRSET_WORDS; i++)
		c->w->run.w[i] |= s->set.w[i];
	for (d = 0; d < c->depth; d++)
		for (i = 0; i < SJ_NRSET_WORDS; i++)
			c->w->run.w[i] |= c->w->stack[d].set.w[i];
}

/* Explore every path of the row from @s (A = X = 0, pc 0). */
static void explore(struct row_ctx *c, struct sj_decide_state *s)
{
	struct sj_decide_work *w = c->w;

	for (;;) {
		enum step r = STEP_FULL;

		if (s->pc < c->len && ++w->steps <= c->budget) {
			u32 pc = s->pc;

			r = step(s, c);
			if (r == STEP_SPLIT) {
				s->pc = pc;
				r = split_one(s, c);
			}
		}
		if (r == STEP_FULL) {
			give_up(c, s);
			return;
		}
		if (r == STEP_END) {
			if (!c->depth)
				return;
			*s = w->stack[--c->depth];
		}
	}
}

/* Decide the columns of @set in one row; results in c->w. */
static void decide_row(struct row_ctx *c, const struct sj_nrset *set)
{
	struct sj_decide_state s;
	u32 r;

	memset(&s, 0, sizeof(s));
	for (r = 0; r < NREGS; r++)
		set_unknown(&s, r);
	/* A = X = 0 on entry; M[] is never read before it is written. */
	set_known(&s, R_A, 0);
	set_known(&s, R_X, 0);
	s.set = *set;
	memset(&c->w->have, 0, sizeof(c->w->have));
	memset(&c->w->run, 0, sizeof(c->w->run));
	c->w->steps = 0;
	c->depth = 0;
	c->budget = SJ_DECIDE_BUDGET(c->len);
	explore(c, &s);
}

/* Column @i's decision after decide_row(). */
static long column(const struct sj_decide_work *w, u32 i)
{
	if (set_has(&w->run, i) || !set_has(&w->have, i))
		return SJ_DECIDE_RUN;
	return w->value[i];
}

static u32 row_base(u32 arch, u32 nr)
{
	if (arch == SJ_ARCH_X86_64 && nr >= SJ_X32_SYSCALL_BIT)
		return SJ_X32_SYSCALL_BIT;
	return 0;
}

/**
 * sj_decide() - the constant result of a filter for one syscall, if any
 * @prog: a filter accepted by sj_check()
 * @len: its length
 * @arch: seccomp_data.arch
 * @nr: seccomp_data.nr, one with a table entry (sj_table_row())
 * @work: scratch memory
 *
 * Context: any; does not sleep or allocate.
 * Return: the filter's result for (@arch, @nr) if it is the same for every
 * instruction pointer and argument value, else SJ_DECIDE_RUN (also for a
 * syscall without a table entry).
 */
long sj_decide(const struct sock_filter *prog, u32 len, u32 arch, u32 nr,
	       struct sj_decide_work *work)
{
	struct row_ctx c = { .prog = prog, .len = len, .arch = arch,
			     .base = row_base(arch, nr), .w = work };
	struct sj_nrset one = { { 0 } };
	u32 row, index;

	if (!sj_table_row(arch, nr, &row, &index))
		return SJ_DECIDE_RUN;
	set_add(&one, index);
	decide_row(&c, &one);
	return column(work, index);
}

/**
 * sj_decide_table() - the decisions of one filter for every table entry
 * @prog: a filter accepted by sj_check()
 * @len: its length
 * @t: out: its table
 * @work: scratch memory
 *
 * Context: any; does not sleep or allocate.
 */
void sj_decide_table(const struct sock_filter *prog, u32 len,
		     struct sj_table *t, struct sj_decide_work *work)
{
	static const u32 arch_of[SJ_NROWS] = {
		[SJ_ROW_X86_64] = SJ_ARCH_X86_64,
		[SJ_ROW_X32] = SJ_ARCH_X86_64,
		[SJ_ROW_I386] = SJ_ARCH_I386,
	};
	struct sj_nrset all;
	u32 row, i;

	memset(&all, 0xff, sizeof(all));
	sj_table_init(t);
	for (row = 0; row < SJ_NROWS; row++) {
		struct row_ctx c = {
			.prog = prog, .len = len, .arch = arch_of[row],
			.base = row == SJ_ROW_X32 ? SJ_X32_SYSCALL_BIT : 0,
			.w = work,
		};

		decide_row(&c, &all);
		for (i = 0; i < SJ_TABLE_NR; i++) {
			long r = column(work, i);

			sj_table_set(t, row, i, r != SJ_DECIDE_RUN, (u32)r);
		}
	}
	sj_table_count(t);
}
