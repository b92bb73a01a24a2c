// SPDX-License-Identifier: GPL-2.0
/*
 * Policy to classic BPF.  The layout, for speed:
 *
 *   ld arch; jeq X86_64 / I386, else the other-arches action;
 *   x86-64: numbers from the x32 bit up, but -1, are the x32 class;
 *   per class: a binary search on the number over intervals of numbers
 *   with the same outcome (adjacent numbers that end alike are one
 *   interval), so a syscall costs log2(intervals) compares, whatever the
 *   order of the policy's rules;
 *   per leaf: the rules that list that number, in order, each a condition
 *   jumping to its ret, then the class's fallback.
 *
 * Code is generated with symbolic labels (all jumps go forward), then
 * laid out: a conditional jump whose target is more than 255 instructions
 * away goes through a `ja` placed right after it, relaxed until nothing
 * moves.  A load of the word the accumulator already holds on every path
 * in is left out.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>

#include "policy.h"

#define OFF_NR		0
#define OFF_ARCH	4
#define OFF_LO(i)	(16 + 8 * (i))
#define OFF_HI(i)	(20 + 8 * (i))

/* What the accumulator holds: a word's offset, or one of these. */
#define A_DEAD		-2	/* no path reaches here (yet) */
#define A_UNKNOWN	-1

struct ir {
	uint16_t code;
	uint32_t k;
	int jt, jf;		/* labels (jumps) */
	int origin;		/* ret: SJ_ORIGIN_* or the rule's index */
};

struct cc {
	struct ir *ir;
	unsigned int n, cap;
	int *lab;		/* label -> index of the insn it is before */
	int *lab_a;		/* label -> meet of A over the jumps to it */
	unsigned int nlab, labcap;
	int a;			/* A at the current point */
	int pending_ja;		/* a `ja` not emitted yet, or -1 */
	uint64_t argmask;	/* what the class's arguments are */
	const struct sj_policy *pol;
};

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		perror("sealjit");
		exit(2);
	}
	return p;
}

static int meet(int x, int y)
{
	if (x == A_DEAD)
		return y;
	if (y == A_DEAD)
		return x;
	return x == y ? x : A_UNKNOWN;
}

static int new_label(struct cc *cc)
{
	if (cc->nlab == cc->labcap) {
		cc->labcap = cc->labcap ? 2 * cc->labcap : 64;
		cc->lab = xrealloc(cc->lab, cc->labcap * sizeof(int));
		cc->lab_a = xrealloc(cc->lab_a, cc->labcap * sizeof(int));
	}
	cc->lab[cc->nlab] = -1;
	cc->lab_a[cc->nlab] = A_DEAD;
	return cc->nlab++;
}

static void push(struct cc *cc, uint16_t code, uint32_t k, int jt, int jf)
{
	if (cc->n == cc->cap) {
		cc->cap = cc->cap ? 2 * cc->cap : 256;
		cc->ir = xrealloc(cc->ir, cc->cap * sizeof(*cc->ir));
	}
	cc->ir[cc->n++] = (struct ir){ code, k, jt, jf, SJ_ORIGIN_NONE };
}

static void flush_ja(struct cc *cc)
{
	if (cc->pending_ja >= 0)
		push(cc, BPF_JMP | BPF_JA, 0, cc->pending_ja, -1);
	cc->pending_ja = -1;
}

static void emit(struct cc *cc, uint16_t code, uint32_t k)
{
	flush_ja(cc);
	push(cc, code, k, -1, -1);
}

static void place(struct cc *cc, int label)
{
	/* A `ja` to the very next instruction is no jump at all. */
	if (cc->pending_ja == label)
		cc->pending_ja = -1;
	flush_ja(cc);
	cc->lab[label] = cc->n;
	cc->a = meet(cc->a, cc->lab_a[label]);
}

static void emit_ja(struct cc *cc, int label)
{
	flush_ja(cc);
	cc->lab_a[label] = meet(cc->lab_a[label], cc->a);
	cc->pending_ja = label;
	cc->a = A_DEAD;
}

/* j<op> #k, T, F */
static void emit_jmp(struct cc *cc, uint16_t op, uint32_t k, int t, int f)
{
	flush_ja(cc);
	cc->lab_a[t] = meet(cc->lab_a[t], cc->a);
	cc->lab_a[f] = meet(cc->lab_a[f], cc->a);
	push(cc, BPF_JMP | op | BPF_K, k, t, f);
	cc->a = A_DEAD;
}

static void emit_ret(struct cc *cc, uint32_t action, int origin)
{
	emit(cc, BPF_RET | BPF_K, action);
	cc->ir[cc->n - 1].origin = origin;
	cc->a = A_DEAD;
}

/* ld [off], then and #mask unless it is all ones. */
static void emit_ld(struct cc *cc, unsigned int off, uint32_t mask)
{
	if (cc->a != (int)off)
		emit(cc, BPF_LD | BPF_W | BPF_ABS, off);
	cc->a = off;
	if (mask != ~0u) {
		emit(cc, BPF_ALU | BPF_AND | BPF_K, mask);
		cc->a = A_UNKNOWN;
	}
}

/* One 32-bit half: (word & m) == v goes to T, else F. */
static void half_eq(struct cc *cc, unsigned int off, uint32_t m, uint32_t v,
		    int t, int f)
{
	if (v & ~m) {
		emit_ja(cc, f);
	} else if (!m) {
		emit_ja(cc, t);
	} else {
		emit_ld(cc, off, m);
		emit_jmp(cc, BPF_JEQ, v, t, f);
	}
}

/*
 * One half of an unsigned compare, most significant first: above v goes
 * to GT, equal to EQ, below to LT.  @ge: the last half, where "equal"
 * counts as above (>=) or not (>).
 */
static void half_order(struct cc *cc, unsigned int off, uint32_t m,
		       uint32_t v, int gt, int eq, int lt)
{
	int next;

	if (!m) {	/* the half is 0 */
		emit_ja(cc, v ? lt : eq);
		return;
	}
	emit_ld(cc, off, m);
	if (eq == gt) {
		emit_jmp(cc, BPF_JGE, v, gt, lt);
	} else if (eq == lt) {
		emit_jmp(cc, BPF_JGT, v, gt, lt);
	} else {
		next = new_label(cc);
		emit_jmp(cc, BPF_JGT, v, gt, next);
		place(cc, next);
		emit_jmp(cc, BPF_JEQ, v, eq, lt);
	}
}

static void gen_cmp(struct cc *cc, const struct sj_cond *c, int t, int f)
{
	uint32_t mh = (c->mask & cc->argmask) >> 32, ml = c->mask;
	uint32_t vh = c->value >> 32;
	uint32_t vl = c->value;
	unsigned int hi = OFF_HI(c->arg), lo = OFF_LO(c->arg);
	int mid = new_label(cc);

	switch (c->op) {
	case SJ_CMP_EQ:
	case SJ_CMP_NE:
		if (c->op == SJ_CMP_NE) {
			int tmp = t;

			t = f;
			f = tmp;
		}
		half_eq(cc, hi, mh, vh, mid, f);
		place(cc, mid);
		half_eq(cc, lo, ml, vl, t, f);
		return;
	case SJ_CMP_GT:		/* x > v */
		half_order(cc, hi, mh, vh, t, mid, f);
		place(cc, mid);
		half_order(cc, lo, ml, vl, t, f, f);
		return;
	case SJ_CMP_GE:		/* x >= v */
		half_order(cc, hi, mh, vh, t, mid, f);
		place(cc, mid);
		half_order(cc, lo, ml, vl, t, t, f);
		return;
	case SJ_CMP_LT:		/* not x >= v */
		half_order(cc, hi, mh, vh, f, mid, t);
		place(cc, mid);
		half_order(cc, lo, ml, vl, f, f, t);
		return;
	case SJ_CMP_LE:		/* not x > v */
		half_order(cc, hi, mh, vh, f, mid, t);
		place(cc, mid);
		half_order(cc, lo, ml, vl, f, t, t);
		return;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* (x & m) in set: one compare of the high half per distinct high half. */
static void gen_in(struct cc *cc, const struct sj_cond *c, int t, int f)
{
	uint64_t mask = c->mask & cc->argmask;
	uint32_t mh = mask >> 32, ml = mask;
	uint64_t *v = xrealloc(NULL, (c->nset + 1) * sizeof(*v));
	unsigned int i, j, n = 0;
	int grp, nextgrp, nxt;

	for (i = 0; i < c->nset; i++)
		if (!(c->set[i] & ~mask))	/* others never match */
			v[n++] = c->set[i];
	qsort(v, n, sizeof(*v), cmp_u64);
	if (!n)
		emit_ja(cc, f);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j] >> 32 == v[i] >> 32; j++)
			;
		grp = new_label(cc);
		nextgrp = j < n ? new_label(cc) : f;
		half_eq(cc, OFF_HI(c->arg), mh, v[i] >> 32, grp, nextgrp);
		place(cc, grp);
		if (!ml) {	/* every low half is 0: the group matches */
			emit_ja(cc, t);
		} else {
			emit_ld(cc, OFF_LO(c->arg), ml);
			for (; i < j; i++) {
				nxt = i + 1 < j ? new_label(cc) : nextgrp;
				emit_jmp(cc, BPF_JEQ, (uint32_t)v[i], t, nxt);
				if (i + 1 < j)
					place(cc, nxt);
			}
		}
		if (j < n)
			place(cc, nextgrp);
	}
	free(v);
}

static void gen_cond(struct cc *cc, const struct sj_cond *c, int t, int f)
{
	int mid;

	switch (c->kind) {
	case SJ_COND_CMP:
		gen_cmp(cc, c, t, f);
		return;
	case SJ_COND_IN:
		gen_in(cc, c, t, f);
		return;
	case SJ_COND_AND:
	case SJ_COND_OR:
		/* The left side decides alone when false (and), true (or). */
		mid = new_label(cc);
		if (c->kind == SJ_COND_AND)
			gen_cond(cc, c->l, mid, f);
		else
			gen_cond(cc, c->l, t, mid);
		place(cc, mid);
		gen_cond(cc, c->r, t, f);
		return;
	case SJ_COND_NOT:
		gen_cond(cc, c->l, f, t);
		return;
	}
}

/*
 * What a number of one class comes to: the rules that list it, in order,
 * up to the first one without a condition, then @fallback.
 */
struct leaf {
	uint32_t lo, hi;	/* the numbers, inclusive */
	unsigned int *rules;
	unsigned int nrules;
	uint32_t fallback;
};

static bool lists(const struct sj_pol_rule *r, int a, uint32_t nr)
{
	unsigned int lo = 0, hi = r->nnr[a], mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->nr[a][mid] == nr)
			return true;
		if (r->nr[a][mid] < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static uint32_t gap_action(const struct sj_policy *pol, int a, uint32_t nr)
{
	if (pol->has_unknown[a] && nr > sj_syscall_max(a))
		return pol->unknown_action[a];
	return pol->default_action[a];
}

static struct leaf leaf_of(const struct sj_policy *pol, int a, uint32_t nr)
{
	struct leaf l = { nr, nr, NULL, 0, gap_action(pol, a, nr) };
	const struct sj_pol_rule *r;
	unsigned int i;

	for (i = 0; i < pol->nrules; i++) {
		r = &pol->rules[i];
		if (!lists(r, a, nr))
			continue;
		if (!r->cond) {
			l.fallback = r->action;
			break;
		}
		l.rules = xrealloc(l.rules, (l.nrules + 1) * sizeof(*l.rules));
		l.rules[l.nrules++] = i;
	}
	return l;
}

static bool same_outcome(const struct leaf *x, const struct leaf *y)
{
	return x->fallback == y->fallback && x->nrules == y->nrules &&
	       !memcmp(x->rules, y->rules, x->nrules * sizeof(*x->rules));
}

struct leaves {
	struct leaf *v;
	unsigned int n, cap;
};

/* Appends [lo, hi] with @l's outcome, merged into the last if alike. */
static void add_leaf(struct leaves *ls, struct leaf l, uint32_t lo,
		     uint32_t hi)
{
	struct leaf *last = ls->n ? &ls->v[ls->n - 1] : NULL;

	if (last && same_outcome(last, &l)) {
		last->hi = hi;
		free(l.rules);
		return;
	}
	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? 2 * ls->cap : 64;
		ls->v = xrealloc(ls->v, ls->cap * sizeof(*ls->v));
	}
	l.lo = lo;
	l.hi = hi;
	ls->v[ls->n++] = l;
}

/* [lo, hi] where no rule lists a number: default, or unknown above max. */
static void add_gap(struct leaves *ls, const struct sj_policy *pol, int a,
		    uint32_t lo, uint32_t hi)
{
	uint32_t max = sj_syscall_max(a);

	if (lo <= max && hi > max) {
		add_leaf(ls, leaf_of(pol, a, lo), lo, max);
		lo = max + 1;
	}
	add_leaf(ls, leaf_of(pol, a, lo), lo, hi);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The class's numbers, 0 to 0xffffffff, as intervals of one outcome. */
static void class_leaves(const struct sj_policy *pol, int a,
			 struct leaves *ls)
{
	uint32_t *nrs = NULL, next = 0;
	unsigned int i, j, n = 0;
	bool done = false;

	for (i = 0; i < pol->nrules; i++) {
		nrs = xrealloc(nrs, (n + pol->rules[i].nnr[a] + 1) * sizeof(*nrs));
		for (j = 0; j < pol->rules[i].nnr[a]; j++)
			nrs[n++] = pol->rules[i].nr[a][j];
	}
	qsort(nrs, n, sizeof(*nrs), cmp_u32);
	for (i = 0; i < n && !done; i++) {
		if (i && nrs[i] == nrs[i - 1])
			continue;
		if (next < nrs[i])
			add_gap(ls, pol, a, next, nrs[i] - 1);
		add_leaf(ls, leaf_of(pol, a, nrs[i]), nrs[i], nrs[i]);
		done = nrs[i] == UINT32_MAX;
		next = nrs[i] + 1;
	}
	if (!done)
		add_gap(ls, pol, a, next, UINT32_MAX);
	free(nrs);
}

static void gen_leaf(struct cc *cc, const struct leaf *l)
{
	const struct sj_pol_rule *r;
	unsigned int i;
	int t, f;

	for (i = 0; i < l->nrules; i++) {
		r = &cc->pol->rules[l->rules[i]];
		t = new_label(cc);
		f = new_label(cc);
		gen_cond(cc, r->cond, t, f);
		place(cc, t);
		emit_ret(cc, r->action, l->rules[i]);
		place(cc, f);
	}
	emit_ret(cc, l->fallback, SJ_ORIGIN_FALLBACK);
}

/* Binary search on the number (in A) over leaves [lo, hi]. */
static void gen_tree(struct cc *cc, const struct leaves *ls, unsigned int lo,
		     unsigned int hi)
{
	unsigned int mid = lo + (hi - lo + 1) / 2;
	int left, right;

	if (lo == hi) {
		gen_leaf(cc, &ls->v[lo]);
		return;
	}
	left = new_label(cc);
	right = new_label(cc);
	emit_jmp(cc, BPF_JGE, ls->v[mid].lo, right, left);
	place(cc, left);
	gen_tree(cc, ls, lo, mid - 1);
	place(cc, right);
	gen_tree(cc, ls, mid, hi);
}

static void gen_class(struct cc *cc, int a)
{
	struct leaves ls = { 0 };
	unsigned int i;

	if (!cc->pol->covers[a]) {
		emit_ret(cc, cc->pol->other_action, SJ_ORIGIN_OTHER);
		return;
	}
	class_leaves(cc->pol, a, &ls);
	/* i386 and x32 arguments are the low halves only (policy.h). */
	cc->argmask = a == SJ_ARCH_X86_64 ? ~0ull : 0xffffffffull;
	emit_ld(cc, OFF_NR, ~0u);
	gen_tree(cc, &ls, 0, ls.n - 1);
	for (i = 0; i < ls.n; i++)
		free(ls.v[i].rules);
	free(ls.v);
}

static void gen_policy(struct cc *cc)
{
	const struct sj_policy *pol = cc->pol;
	int x86 = new_label(cc), i386 = new_label(cc), x32 = new_label(cc);
	int x64 = new_label(cc), no = new_label(cc), no2 = new_label(cc);
	int minus1 = new_label(cc);

	emit_ld(cc, OFF_ARCH, ~0u);
	emit_jmp(cc, BPF_JEQ, AUDIT_ARCH_X86_64, x86, no);
	place(cc, no);
	emit_jmp(cc, BPF_JEQ, AUDIT_ARCH_I386, i386, no2);
	place(cc, no2);
	emit_ret(cc, pol->other_action, SJ_ORIGIN_OTHER);
	place(cc, x86);
	emit_ld(cc, OFF_NR, ~0u);
	emit_jmp(cc, BPF_JGE, SJ_X32_BIT, minus1, x64);
	place(cc, minus1);
	emit_jmp(cc, BPF_JEQ, UINT32_MAX, x64, x32);
	place(cc, x64);
	gen_class(cc, SJ_ARCH_X86_64);
	place(cc, x32);
	gen_class(cc, SJ_ARCH_X32);
	place(cc, i386);
	gen_class(cc, SJ_ARCH_I386);
}

/*
 * Lays the code out.  far[i] & 1 (2): insn i's true (false) target is
 * reached through a `ja` after it.  Only grows, so it ends.
 */
static int layout(struct cc *cc, struct sock_filter **prog, uint32_t *len,
		  int **origin, char *err, size_t errsize)
{
	unsigned int i, n = cc->n, *pos = xrealloc(NULL, (n + 1) * sizeof(*pos));
	uint8_t *far = calloc(n ? n : 1, 1);
	bool changed = true;
	struct sock_filter *p;
	const struct ir *in;
	uint32_t at, t, f;

	while (changed) {
		changed = false;
		for (i = 0, at = 0; i < n; i++) {
			pos[i] = at;
			at += 1 + !!(far[i] & 1) + !!(far[i] & 2);
		}
		pos[n] = at;
		for (i = 0; i < n; i++) {
			in = &cc->ir[i];
			if (BPF_CLASS(in->code) != BPF_JMP || BPF_OP(in->code) == BPF_JA)
				continue;
			t = pos[cc->lab[in->jt]] - pos[i] - 1;
			f = pos[cc->lab[in->jf]] - pos[i] - 1;
			if (t > 255 && !(far[i] & 1)) {
				far[i] |= 1;
				changed = true;
			}
			if (f > 255 && !(far[i] & 2)) {
				far[i] |= 2;
				changed = true;
			}
		}
	}
	if (pos[n] > BPF_MAXINSNS) {
		snprintf(err, errsize,
			 "the policy compiles to %u instructions, more than the %u a filter may hold",
			 pos[n], BPF_MAXINSNS);
		free(pos);
		free(far);
		return -1;
	}
	p = xrealloc(NULL, (pos[n] ? pos[n] : 1) * sizeof(*p));
	if (origin) {
		*origin = xrealloc(NULL, (pos[n] ? pos[n] : 1) * sizeof(int));
		for (i = 0; i < pos[n]; i++)
			(*origin)[i] = SJ_ORIGIN_NONE;
		for (i = 0; i < n; i++)
			(*origin)[pos[i]] = cc->ir[i].origin;
	}
	for (i = 0; i < n; i++) {
		struct sock_filter *o = &p[pos[i]];

		in = &cc->ir[i];
		*o = (struct sock_filter){ in->code, 0, 0, in->k };
		if (BPF_CLASS(in->code) != BPF_JMP)
			continue;
		t = pos[cc->lab[in->jt]];
		if (BPF_OP(in->code) == BPF_JA) {
			o->k = t - pos[i] - 1;
			continue;
		}
		f = pos[cc->lab[in->jf]];
		o->jt = far[i] & 1 ? 0 : t - pos[i] - 1;
		o->jf = far[i] & 2 ? !!(far[i] & 1) : f - pos[i] - 1;
		if (far[i] & 1)
			o[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, t - pos[i] - 2, 0, 0);
		if (far[i] & 2)
			o[1 + !!(far[i] & 1)] = (struct sock_filter)
				BPF_JUMP(BPF_JMP | BPF_JA, f - pos[i] - 2 - !!(far[i] & 1), 0, 0);
	}
	*prog = p;
	*len = pos[n];
	free(pos);
	free(far);
	return 0;
}

int sj_policy_compile(const struct sj_policy *pol, struct sock_filter **prog,
		      uint32_t *len, int **origin, char *err, size_t errsize)
{
	struct cc cc = { .a = A_UNKNOWN, .pending_ja = -1, .pol = pol };
	int ret;

	gen_policy(&cc);
	flush_ja(&cc);
	ret = layout(&cc, prog, len, origin, err, errsize);
	free(cc.ir);
	free(cc.lab);
	free(cc.lab_a);
	return ret;
}
