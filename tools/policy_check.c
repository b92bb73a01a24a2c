// SPDX-License-Identifier: GPL-2.0
/*
 * The policy check: decide, exactly, whether a filter returns what a policy
 * says on every struct seccomp_data.  It shares no code with the compiler
 * (policy_compile.c) nor with the policy's own evaluator, so that a mistake
 * in one is caught by the other rather than repeated.
 *
 * Both sides become multi-terminal BDDs over the 512 input bits, terminals
 * holding the 32-bit result.  The variable order is fixed: arch, nr, then
 * each argument high half before low half, then the instruction pointer,
 * every word most significant bit first, which keeps the class split, the
 * syscall tests and the 64-bit comparisons small.  Nodes are hash-consed,
 * so two functions are equal exactly when their root ids are; when they are
 * not, one walk down the two diagrams yields an input where they differ.
 *
 * The filter is followed symbolically.  Classic BPF only jumps forwards, so
 * a forward pass collects every (pc, abstract state) that is reached, and a
 * backward pass gives each one its result function.  A state holds A, X and
 * M[] as constants or as "input word w & mask m", which is all a filter
 * comparing words of seccomp_data with constants needs; anything else is
 * refused rather than approximated.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>

#include "bdd.h"
#include "../verifier/interp.h"

#define MAX_ENTS	BIT(18)
#define MAX_COND_DEPTH	64	/* nesting of different operators */

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

/*
 * The set @v[0..@n) (sorted, sharing the bits above @bit) as a predicate
 * on bits @bit..0 of the 64-bit value (@hw:@lw) & @mask.  Bits outside the
 * mask are 0 in every member, so they are not tested.
 */
static u32 set_rec(struct bdd *b, const uint64_t *v, u32 n, int bit,
		   u32 hw, u32 lw, u64 mask)
{
	u32 j = 0, var, lo, hi;

	if (!n)
		return BDD_F;
	if (bit < 0)
		return BDD_T;
	if (!(mask >> bit & 1))
		return set_rec(b, v, n, bit - 1, hw, lw, mask);
	while (j < n && !(v[j] >> bit & 1))
		j++;
	var = bit >= 32 ? bdd_bvar(hw, bit - 32) : bdd_bvar(lw, bit);
	lo = set_rec(b, v, j, bit - 1, hw, lw, mask);
	hi = set_rec(b, v + j, n - j, bit - 1, hw, lw, mask);
	return bdd_mk(b, var, lo, hi);
}

/* Whether (@hw:@lw) & @mask is in @vals[0..@n), @bits wide (32 or 64). */
static u32 set_bdd(struct bdd *b, const uint64_t *vals, u32 n, int bits,
		   u32 hw, u32 lw, u64 mask)
{
	uint64_t *v = malloc(sizeof(*v) * (n ? n : 1));
	u32 i, m = 0, r;

	if (!v) {
		b->fail = true;
		return BDD_F;
	}
	/* A member with bits outside the mask is never equal to it. */
	for (i = 0; i < n; i++)
		if (!(vals[i] & ~mask))
			v[m++] = vals[i];
	qsort(v, m, sizeof(*v), cmp_u64);
	r = set_rec(b, v, m, bits - 1, hw, lw, mask);
	free(v);
	return r;
}

/* Whether nr is one of @nr[0..@n). */
static u32 nr_set(struct bdd *b, const uint32_t *nr, u32 n)
{
	uint64_t *v = malloc(sizeof(*v) * (n ? n : 1));
	u32 i, r;

	if (!v) {
		b->fail = true;
		return BDD_F;
	}
	for (i = 0; i < n; i++)
		v[i] = nr[i];
	r = set_bdd(b, v, n, 32, W_NR, W_NR, 0xffffffffu);
	free(v);
	return r;
}

static int cond_bdd(struct bdd *b, const struct sj_cond *c, u64 argmask,
		    u32 depth, u32 *out);

/*
 * A tree of ANDs (or of ORs) at @c, its operands gathered with a stack of
 * our own: a long "a or b or c ..." must not cost a frame per operand.
 */
static int cond_nary(struct bdd *b, const struct sj_cond *c, u64 argmask,
		     u32 depth, u32 *out)
{
	enum sj_cond_kind kind = c->kind;
	u32 n = 0, cap = 16, acc = kind == SJ_COND_AND ? BDD_T : BDD_F, x;
	const struct sj_cond **stk = malloc(sizeof(*stk) * cap), **p;

	if (!stk)
		return -1;
	stk[n++] = c;
	while (n) {
		c = stk[--n];
		if (c && c->kind == kind) {
			if (n + 2 > cap) {
				cap *= 2;
				p = realloc(stk, sizeof(*stk) * cap);
				if (!p)
					goto fail;
				stk = p;
			}
			stk[n++] = c->r;
			stk[n++] = c->l;
			continue;
		}
		if (cond_bdd(b, c, argmask, depth + 1, &x))
			goto fail;
		acc = kind == SJ_COND_AND ? bdd_and(b, acc, x) :
		      bdd_or(b, acc, x);
	}
	free(stk);
	*out = acc;
	return 0;
fail:
	free(stk);
	return -1;
}

/*
 * @c as a predicate on the arguments, each seen through @argmask (i386 and
 * x32 see the low halves only); -1 if it is malformed.
 */
static int cond_bdd(struct bdd *b, const struct sj_cond *c, u64 argmask,
		    u32 depth, u32 *out)
{
	u32 l;

	if (!c) {
		*out = BDD_T;
		return 0;
	}
	if (depth > MAX_COND_DEPTH)
		return -1;
	switch (c->kind) {
	case SJ_COND_CMP:
	case SJ_COND_IN:
		if (c->arg > 5)
			return -1;
		*out = c->kind == SJ_COND_CMP ?
		       bdd_arg_cmp(b, c->arg, c->mask & argmask, c->op, c->value) :
		       set_bdd(b, c->set, c->nset, 64, W_ARG_HI(c->arg),
			       W_ARG_LO(c->arg), c->mask & argmask);
		return 0;
	case SJ_COND_NOT:
		if (cond_bdd(b, c->l, argmask, depth + 1, &l))
			return -1;
		*out = bdd_not(b, l);
		return 0;
	case SJ_COND_AND:
	case SJ_COND_OR:
		return cond_nary(b, c, argmask, depth, out);
	}
	return -1;
}

/* What the policy returns for class @cls, given the rules' conditions. */
static u32 class_bdd(struct bdd *b, const struct sj_policy *pol,
		     enum sj_arch cls, const u32 *conds)
{
	u32 r, i;

	if (!pol->covers[cls])
		return bdd_term(b, pol->other_action);
	r = bdd_term(b, pol->default_action[cls]);
	if (pol->has_unknown[cls])
		r = bdd_ite(b, bdd_word_gt(b, W_NR, ~0u, sj_syscall_max(cls), false),
			    bdd_term(b, pol->unknown_action[cls]), r);
	/* The first matching rule wins: fold from the last one up. */
	for (i = pol->nrules; i-- > 0;) {
		const struct sj_pol_rule *rule = &pol->rules[i];
		u32 sel;

		if (!rule->nnr[cls] || !rule->nr[cls])
			continue;
		sel = bdd_and(b, nr_set(b, rule->nr[cls], rule->nnr[cls]),
			      conds[i]);
		r = bdd_ite(b, sel, bdd_term(b, rule->action), r);
	}
	return r;
}

/* The policy's function, straight from the semantics in policy.h. */
static int policy_bdd(struct bdd *b, const struct sj_policy *pol, u32 *root,
		      char *err, size_t errsize)
{
	u32 n = pol->nrules ? pol->nrules : 1;
	u32 *conds = calloc(2 * n, sizeof(*conds)), *conds32 = conds + n;
	u32 cls[SJ_NARCHES], x86, i386, i;

	if (!conds) {
		b->fail = true;
		return 0;
	}
	for (i = 0; i < pol->nrules; i++) {
		if (cond_bdd(b, pol->rules[i].cond, ~0ull, 0, &conds[i]) ||
		    cond_bdd(b, pol->rules[i].cond, 0xffffffffull, 0,
			     &conds32[i])) {
			snprintf(err, errsize,
				 "%s:%u: condition nested too deeply or malformed",
				 pol->rules[i].file ? pol->rules[i].file : "?",
				 pol->rules[i].line);
			free(conds);
			return -1;
		}
	}
	for (i = 0; i < SJ_NARCHES; i++)
		cls[i] = class_bdd(b, pol, i,
				   i == SJ_ARCH_X86_64 ? conds : conds32);
	free(conds);
	/* x32 is x86-64's arch with nr at or above the x32 bit, but not -1. */
	x86 = bdd_ite(b, bdd_and(b, bdd_word_gt(b, W_NR, ~0u, SJ_X32_BIT, true),
				 bdd_not(b, bdd_word_eq(b, W_NR, ~0u, ~0u))),
		      cls[SJ_ARCH_X32], cls[SJ_ARCH_X86_64]);
	i386 = bdd_ite(b, bdd_word_eq(b, W_ARCH, ~0u, AUDIT_ARCH_I386),
		       cls[SJ_ARCH_I386], bdd_term(b, pol->other_action));
	*root = bdd_ite(b, bdd_word_eq(b, W_ARCH, ~0u, AUDIT_ARCH_X86_64), x86,
			i386);
	return 0;
}

/*
 * The filter.  An abstract value is packed in a u64 so that states compare
 * and hash as plain arrays: kind in bits 40.., word index in 32..39, and the
 * constant or the mask in 0..31.  0 is "never written" (M[] on entry).
 */
#define AV_UNDEF	0ull
#define AV_CONST	1ull
#define AV_WORD		2ull
#define NSLOTS		(2 + SJ_MEMWORDS)	/* A, X, M[] */
#define SLOT_A		0
#define SLOT_X		1
#define SLOT_M(k)	(2 + (k))

static u64 av_const(u32 k)
{
	return AV_CONST << 40 | k;
}

/* Input word @w & @m; a zero mask leaves the constant 0. */
static u64 av_word(u32 w, u32 m)
{
	return m ? AV_WORD << 40 | (u64)w << 32 | m : av_const(0);
}

static u64 av_kind(u64 x)
{
	return x >> 40;
}

static u32 av_val(u64 x)
{
	return (u32)x;
}

static u32 av_w(u64 x)
{
	return (x >> 32) & 0xff;
}

enum { FE_NONE, FE_RET, FE_GO, FE_BR };

/**
 * struct fent - one reached (pc, state)
 * @st: A, X, M[]
 * @pc: the instruction
 * @next: the next entry at the same pc, + 1 (0: none)
 * @kind: FE_RET, FE_GO or FE_BR
 * @cond: FE_BR: the condition, a BDD
 * @t: FE_RET: the value returned; FE_GO: the entry it continues as;
 *	FE_BR: the entry taken if @cond holds
 * @f: FE_BR: the entry taken if it does not
 * @res: its result function, set by the backward pass
 */
struct fent {
	u64 st[NSLOTS];
	u32 pc, next;
	u32 kind, cond, t, f, res;
};

/* What one instruction does to one state. */
struct fstep {
	u32 kind, val, cond, tpc, fpc;
};

struct chk {
	struct bdd b;
	const struct sock_filter *prog;
	u32 len;
	struct fent *ents;
	u32 nents, capents;
	u32 *ehash;		/* entry + 1, 0: empty */
	u32 emask;
	u32 *head;		/* per pc: first entry + 1 */
	char *err;
	size_t errsize;
};

static __printf(3, 4) int insn_fail(struct chk *c, u32 pc, const char *fmt,
				    ...)
{
	size_t n;
	va_list ap;

	if (!c->err || !c->errsize)
		return -1;
	snprintf(c->err, c->errsize, "insn %u: ", pc);
	n = strlen(c->err);
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errsize - n, fmt, ap);
	va_end(ap);
	return -1;
}

static u32 state_hash(u32 pc, const u64 *st)
{
	u64 h = pc * 0x9e3779b97f4a7c15ull;
	u32 i;

	for (i = 0; i < NSLOTS; i++) {
		h ^= st[i] + 0x7f4a7c15u + (h << 6) + (h >> 2);
		h *= 0xc2b2ae3d27d4eb4full;
	}
	return (u32)(h >> 32) ^ (u32)h;
}

static int ents_rehash(struct chk *c, u32 size)
{
	u32 *t = calloc(size, sizeof(*t));
	u32 e, i;

	if (!t)
		return -1;
	for (e = 0; e < c->nents; e++) {
		i = state_hash(c->ents[e].pc, c->ents[e].st) & (size - 1);
		while (t[i])
			i = (i + 1) & (size - 1);
		t[i] = e + 1;
	}
	free(c->ehash);
	c->ehash = t;
	c->emask = size - 1;
	return 0;
}

static int ents_add(struct chk *c, u32 slot, u32 pc, const u64 *st, u32 *id)
{
	struct fent *e;

	if (c->nents == c->capents) {
		u32 cap = c->capents ? 2 * c->capents : 1024;

		if (cap > MAX_ENTS)
			return insn_fail(c, pc, "too many filter states");
		e = realloc(c->ents, sizeof(*e) * cap);
		if (!e)
			return insn_fail(c, pc, "out of memory");
		c->ents = e;
		c->capents = cap;
	}
	*id = c->nents++;
	e = &c->ents[*id];
	memset(e, 0, sizeof(*e));
	memcpy(e->st, st, sizeof(e->st));
	e->pc = pc;
	e->next = c->head[pc];
	c->head[pc] = *id + 1;
	c->ehash[slot] = *id + 1;
	if (2 * c->nents > c->emask && ents_rehash(c, 2 * (c->emask + 1)))
		return insn_fail(c, pc, "out of memory");
	return 0;
}

/* The entry for (@pc, @st), made if new.  @from: the jumping insn. */
static int ents_get(struct chk *c, u32 from, u64 pc, const u64 *st, u32 *id)
{
	u32 i, e;

	if (pc >= c->len)
		return insn_fail(c, from, "jumps or runs past the end");
	i = state_hash(pc, st) & c->emask;
	while ((e = c->ehash[i])) {
		if (c->ents[e - 1].pc == pc &&
		    !memcmp(c->ents[e - 1].st, st, sizeof(c->ents[0].st))) {
			*id = e - 1;
			return 0;
		}
		i = (i + 1) & c->emask;
	}
	return ents_add(c, i, pc, st, id);
}

static int step_ld(struct chk *c, u32 pc, const struct sock_filter *in,
		   u64 *st)
{
	u32 k = in->k, dst = BPF_CLASS(in->code) == BPF_LD ? SLOT_A : SLOT_X;

	switch (in->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		if (k >= SJ_DATA_SIZE || k % 4)
			return insn_fail(c, pc, "load at offset %u", k);
		st[dst] = av_word(k / 4, ~0u);
		return 0;
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
		st[dst] = av_const(k);
		return 0;
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
		st[dst] = av_const(SJ_DATA_SIZE);
		return 0;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
		if (k >= SJ_MEMWORDS)
			return insn_fail(c, pc, "M[%u] out of range", k);
		if (st[SLOT_M(k)] == AV_UNDEF)
			return insn_fail(c, pc, "reads M[%u] before writing it",
					 k);
		st[dst] = st[SLOT_M(k)];
		return 0;
	}
	return insn_fail(c, pc, "load opcode 0x%02x not supported", in->code);
}

static int step_st(struct chk *c, u32 pc, const struct sock_filter *in,
		   u64 *st)
{
	if (in->k >= SJ_MEMWORDS)
		return insn_fail(c, pc, "M[%u] out of range", in->k);
	st[SLOT_M(in->k)] = st[in->code == BPF_ST ? SLOT_A : SLOT_X];
	return 0;
}

/* Whether A op @v leaves A as it is, whatever A is. */
static bool alu_identity(u16 op, u32 v)
{
	switch (op) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_OR:
	case BPF_XOR:
	case BPF_LSH:
	case BPF_RSH:
		return v == 0;
	case BPF_MUL:
	case BPF_DIV:
		return v == 1;
	case BPF_AND:
		return v == ~0u;
	}
	return false;
}

static int step_alu(struct chk *c, u32 pc, const struct sock_filter *in,
		    u64 *st, struct fstep *out)
{
	u16 op = BPF_OP(in->code);
	u64 a = st[SLOT_A];
	u64 o = BPF_SRC(in->code) == BPF_X ? st[SLOT_X] : av_const(in->k);

	if (op == BPF_NEG)
		o = av_const(0);
	if (av_kind(a) == AV_CONST && av_kind(o) == AV_CONST) {
		if (op == BPF_DIV && !av_val(o)) {
			if (BPF_SRC(in->code) == BPF_K)
				return insn_fail(c, pc, "division by 0");
			/* The kernel returns 0 from the whole filter. */
			*out = (struct fstep){ .kind = FE_RET, .val = 0 };
			return 0;
		}
		st[SLOT_A] = av_const(sj_alu(op, av_val(a), av_val(o)));
		return 0;
	}
	if (op == BPF_AND && av_kind(o) == AV_CONST) {
		st[SLOT_A] = av_word(av_w(a), av_val(a) & av_val(o));
		return 0;
	}
	if (op == BPF_AND && av_kind(a) == AV_CONST) {
		st[SLOT_A] = av_word(av_w(o), av_val(o) & av_val(a));
		return 0;
	}
	if (op != BPF_NEG && av_kind(o) == AV_CONST &&
	    alu_identity(op, av_val(o)))
		return 0;
	if (av_kind(a) == AV_CONST)
		return insn_fail(c, pc, "ALU op other than AND on X, an input word");
	if (av_kind(o) == AV_WORD)
		return insn_fail(c, pc, "ALU op on two input words");
	return insn_fail(c, pc, "ALU op on the loaded word other than AND");
}

/* The condition of a jump comparing input word @x with constant @k. */
static u32 jump_cond(struct bdd *b, u16 op, u64 x, u32 k)
{
	switch (op) {
	case BPF_JEQ:
		return bdd_word_eq(b, av_w(x), av_val(x), k);
	case BPF_JGT:
		return bdd_word_gt(b, av_w(x), av_val(x), k, false);
	case BPF_JGE:
		return bdd_word_gt(b, av_w(x), av_val(x), k, true);
	case BPF_JSET:
		return bdd_word_any(b, av_w(x), av_val(x) & k);
	}
	return BDD_F;
}

/* The same with the word on the right: k op x. */
static u32 jump_cond_rev(struct bdd *b, u16 op, u64 x, u32 k)
{
	switch (op) {
	case BPF_JGT:	/* k > x: not x >= k */
		return bdd_not(b, jump_cond(b, BPF_JGE, x, k));
	case BPF_JGE:	/* k >= x: not x > k */
		return bdd_not(b, jump_cond(b, BPF_JGT, x, k));
	}
	return jump_cond(b, op, x, k);
}

static int step_jmp(struct chk *c, u32 pc, const struct sock_filter *in,
		    const u64 *st, struct fstep *out)
{
	u16 op = BPF_OP(in->code);
	u64 a = st[SLOT_A];
	u64 o = BPF_SRC(in->code) == BPF_X ? st[SLOT_X] : av_const(in->k);
	u32 cond;

	if (op == BPF_JA) {
		if ((u64)pc + 1 + in->k >= c->len)
			return insn_fail(c, pc, "jumps past the end");
		out->tpc = pc + 1 + in->k;
		return 0;
	}
	if (pc + 1 + in->jt >= c->len || pc + 1 + in->jf >= c->len)
		return insn_fail(c, pc, "jumps past the end");
	if (av_kind(a) == AV_CONST && av_kind(o) == AV_CONST)
		cond = sj_jump_taken(op, av_val(a), av_val(o)) ? BDD_T : BDD_F;
	else if (av_kind(o) == AV_CONST)
		cond = jump_cond(&c->b, op, a, av_val(o));
	else if (av_kind(a) == AV_CONST)
		cond = jump_cond_rev(&c->b, op, o, av_val(a));
	else
		return insn_fail(c, pc, "jump comparing two input words");
	out->tpc = pc + 1 + (cond == BDD_F ? in->jf : in->jt);
	if (cond != BDD_T && cond != BDD_F && in->jt != in->jf) {
		*out = (struct fstep){ .kind = FE_BR, .cond = cond,
				       .tpc = pc + 1 + in->jt,
				       .fpc = pc + 1 + in->jf };
	}
	return 0;
}

static int step_ret(struct chk *c, u32 pc, const struct sock_filter *in,
		    const u64 *st, struct fstep *out)
{
	u32 v = in->k;

	if (BPF_RVAL(in->code) == BPF_A) {
		if (av_kind(st[SLOT_A]) != AV_CONST)
			return insn_fail(c, pc, "returns A holding an input word");
		v = av_val(st[SLOT_A]);
	} else if (BPF_RVAL(in->code) != BPF_K) {
		return insn_fail(c, pc, "return opcode 0x%02x not supported",
				 in->code);
	}
	*out = (struct fstep){ .kind = FE_RET, .val = v };
	return 0;
}

static int step_misc(struct chk *c, u32 pc, const struct sock_filter *in,
		     u64 *st)
{
	if (in->code == (BPF_MISC | BPF_TAX))
		st[SLOT_X] = st[SLOT_A];
	else if (in->code == (BPF_MISC | BPF_TXA))
		st[SLOT_A] = st[SLOT_X];
	else
		return insn_fail(c, pc, "opcode 0x%02x not supported",
				 in->code);
	return 0;
}

/* What instruction @pc does to state @st: *@out, @st updated. */
static int step(struct chk *c, u32 pc, u64 *st, struct fstep *out)
{
	const struct sock_filter *in = &c->prog[pc];

	*out = (struct fstep){ .kind = FE_GO, .tpc = pc + 1 };
	if (!sj_is_seccomp_op(in->code))
		return insn_fail(c, pc, "opcode 0x%02x is not one seccomp accepts",
				 in->code);
	switch (BPF_CLASS(in->code)) {
	case BPF_LD:
	case BPF_LDX:
		return step_ld(c, pc, in, st);
	case BPF_ST:
	case BPF_STX:
		return step_st(c, pc, in, st);
	case BPF_ALU:
		return step_alu(c, pc, in, st, out);
	case BPF_JMP:
		return step_jmp(c, pc, in, st, out);
	case BPF_RET:
		return step_ret(c, pc, in, st, out);
	case BPF_MISC:
		return step_misc(c, pc, in, st);
	}
	return insn_fail(c, pc, "opcode 0x%02x not supported", in->code);
}

/* Find entry @e's successors, making their entries. */
static int fwd_one(struct chk *c, u32 e)
{
	u32 pc = c->ents[e].pc, t = 0, f = 0;
	u64 st[NSLOTS];
	struct fstep s;

	memcpy(st, c->ents[e].st, sizeof(st));
	if (step(c, pc, st, &s))
		return -1;
	if (s.kind == FE_RET)
		t = s.val;
	else if (ents_get(c, pc, s.tpc, st, &t))
		return -1;
	if (s.kind == FE_BR && ents_get(c, pc, s.fpc, st, &f))
		return -1;
	c->ents[e].kind = s.kind;
	c->ents[e].cond = s.cond;
	c->ents[e].t = t;
	c->ents[e].f = f;
	return 0;
}

/* The result of entry @e, its successors' being known. */
static u32 bwd_one(struct chk *c, u32 e)
{
	const struct fent *x = &c->ents[e];

	switch (x->kind) {
	case FE_RET:
		return bdd_term(&c->b, x->t);
	case FE_GO:
		return c->ents[x->t].res;
	}
	return bdd_ite(&c->b, x->cond, c->ents[x->t].res, c->ents[x->f].res);
}

/*
 * Forward, in pc order, every reached state finds its successors (jumps
 * only go forward, so all states at a pc are known when it is reached);
 * backward, each gets its result from theirs.  No recursion on pc.
 */
static int filter_bdd(struct chk *c, u32 *root)
{
	u64 st[NSLOTS] = { av_const(0), av_const(0) };	/* A = X = 0 */
	u32 pc, e, id;

	c->head = calloc(c->len, sizeof(*c->head));
	if (!c->head || ents_rehash(c, 1024))
		return insn_fail(c, 0, "out of memory");
	if (ents_get(c, 0, 0, st, &id))
		return -1;
	for (pc = 0; pc < c->len; pc++)
		for (e = c->head[pc]; e; e = c->ents[e - 1].next)
			if (fwd_one(c, e - 1))
				return -1;
	for (pc = c->len; pc-- > 0;)
		for (e = c->head[pc]; e; e = c->ents[e - 1].next)
			c->ents[e - 1].res = bwd_one(c, e - 1);
	*root = c->ents[0].res;
	return 0;
}

/* Readable name of a return value, for the message. */
static void action_str(u32 v, char *buf, size_t size)
{
	u32 data = v & SECCOMP_RET_DATA;

	switch (v & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
		snprintf(buf, size, "kill_process");
		break;
	case SECCOMP_RET_KILL_THREAD:
		snprintf(buf, size, "kill_thread");
		break;
	case SECCOMP_RET_TRAP:
		snprintf(buf, size, "trap %u", data);
		break;
	case SECCOMP_RET_ERRNO:
		snprintf(buf, size, "errno %u", data);
		break;
	case SECCOMP_RET_USER_NOTIF:
		snprintf(buf, size, "user_notif");
		break;
	case SECCOMP_RET_TRACE:
		snprintf(buf, size, "trace %u", data);
		break;
	case SECCOMP_RET_LOG:
		snprintf(buf, size, "log");
		break;
	case SECCOMP_RET_ALLOW:
		snprintf(buf, size, "allow");
		break;
	default:
		snprintf(buf, size, "unknown action");
	}
}

static u64 word64(const u32 *words, u32 lo)
{
	return (u64)words[lo + 1] << 32 | words[lo];
}

/* "x86_64 nr=59 (execve)" for the input @words. */
static void where_str(const u32 *words, char *buf, size_t size)
{
	u32 arch = words[W_ARCH], nr = words[W_NR];
	const char *name = NULL;
	char an[16];
	int cls = -1;

	snprintf(an, sizeof(an), "0x%08x", arch);
	if (arch == AUDIT_ARCH_X86_64) {
		cls = nr & SJ_X32_BIT ? SJ_ARCH_X32 : SJ_ARCH_X86_64;
		snprintf(an, sizeof(an), "x86_64");
	} else if (arch == AUDIT_ARCH_I386) {
		cls = SJ_ARCH_I386;
		snprintf(an, sizeof(an), "i386");
	}
	if (cls >= 0)
		name = sj_syscall_name(cls, nr);
	/* x32 numbers read better in hex, with their bit 30 visible */
	snprintf(buf, size, cls == SJ_ARCH_X32 ? "%s nr=0x%x%s%s%s" :
		 "%s nr=%u%s%s%s", an, nr, name ? " (" : "",
		 name ? name : "", name ? ")" : "");
}

static void report(struct chk *c, u32 froot, u32 proot,
		   struct seccomp_data *witness)
{
	u32 words[NWORDS], fv, pv;
	char where[96], fa[32], pa[32];

	bdd_find_diff(&c->b, froot, proot, words, &fv, &pv);
	if (witness)
		memcpy(witness, words, sizeof(*witness));
	if (!c->err || !c->errsize)
		return;
	where_str(words, where, sizeof(where));
	action_str(fv, fa, sizeof(fa));
	action_str(pv, pa, sizeof(pa));
	snprintf(c->err, c->errsize,
		 "filter and policy differ at arch=%s arg0=0x%llx arg1=0x%llx arg2=0x%llx arg3=0x%llx arg4=0x%llx arg5=0x%llx ip=0x%llx: filter returns 0x%08x (%s), policy says 0x%08x (%s)",
		 where, (unsigned long long)word64(words, W_ARG_LO(0)),
		 (unsigned long long)word64(words, W_ARG_LO(1)),
		 (unsigned long long)word64(words, W_ARG_LO(2)),
		 (unsigned long long)word64(words, W_ARG_LO(3)),
		 (unsigned long long)word64(words, W_ARG_LO(4)),
		 (unsigned long long)word64(words, W_ARG_LO(5)),
		 (unsigned long long)word64(words, W_IP), fv, fa, pv, pa);
}

static int confirm(struct chk *c, const struct sj_policy *pol,
		   struct seccomp_data *witness)
{
	u32 froot = 0, proot = 0;

	if (!c->prog || !c->len)
		return insn_fail(c, 0, "empty filter");
	if (bdd_init(&c->b))
		return insn_fail(c, 0, "out of memory");
	if (filter_bdd(c, &froot))
		return -1;
	if (policy_bdd(&c->b, pol, &proot, c->err, c->err ? c->errsize : 0))
		return -1;
	if (c->b.fail) {
		snprintf(c->err, c->err ? c->errsize : 0,
			 "out of memory or too many BDD nodes");
		return -1;
	}
	if (froot == proot)
		return 1;
	report(c, froot, proot, witness);
	return 0;
}

int sj_policy_confirm(const struct sj_policy *pol,
		      const struct sock_filter *prog, uint32_t len,
		      struct seccomp_data *witness, char *err, size_t errsize)
{
	struct chk c = { .prog = prog, .len = len, .err = err,
			 .errsize = errsize };
	int ret;

	if (err && errsize)
		err[0] = '\0';
	ret = confirm(&c, pol, witness);
	bdd_free(&c.b);
	free(c.ents);
	free(c.ehash);
	free(c.head);
	return ret;
}
