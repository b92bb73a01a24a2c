// SPDX-License-Identifier: GPL-2.0
/*
 * The node store and the word comparisons of the policy check (bdd.h).
 *
 * Proved with Frama-C WP (scripts/prove.sh, the policy-check run), against
 * bdd_eval, the meaning of a node on an input, in bdd.h: a comparison
 * returns a node that is 1 exactly on the inputs where the comparison
 * holds, and 0 elsewhere; making a node never changes what an existing id
 * means (nodes are only appended, and each node's children are older
 * than itself).  Stated and trusted, not proved: the contracts of
 * bdd_add() and of the three helpers that allocate (bdd_grow_nodes(),
 * bdd_rehash(), bdd_grow_cache()).  Not stated: bdd_init(), bdd_ite()
 * with its memo and what is built from it (bdd_arg_cmp()).
 */
#include <stdlib.h>

#include "bdd.h"

/* Position of each input word (by offset / 4) in the variable order. */
static const u8 word_rank[NWORDS] = {
	1, 0, 15, 14, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12
};

static const u8 rank_word[NWORDS] = {
	1, 0, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14, 3, 2
};

/*@
 * requires w < NWORDS && bit < 32;
 * assigns \nothing;
 * ensures \result == word_rank[w] * 32 + 31 - bit && \result < TERM_VAR;
 */
/**
 * bdd_bvar() - the variable of a bit of an input word
 * @w: the word, by offset / 4 in struct seccomp_data
 * @bit: the bit, 0: least significant
 *
 * Return: its variable, below TERM_VAR.
 */
u32 bdd_bvar(u32 w, u32 bit)
{
	return word_rank[w] * 32 + 31 - bit;
}

/*@ assigns \nothing; */
static u32 hash3(u32 a, u32 b, u32 c)
{
	u64 h = ((u64)a << 32 | b) * 0x9e3779b97f4a7c15ull;

	h ^= (c + (h >> 29)) * 0xc2b2ae3d27d4eb4full;
	return (u32)(h >> 32) ^ (u32)h;
}

/*
 * A unique table of @size slots (a power of two, above 2 n) for the nodes
 * there are.  Trusted (it allocates): on success, a new valid table whose
 * entries are ids + 1 of existing nodes or 0, nothing else changed.
 */
/*@
 * requires bdd_ok(b);
 * assigns b->table, b->tmask;
 * ensures bdd_ok(b);
 */
static int bdd_rehash(struct bdd *b, u32 size)
{
	u32 *t = calloc(size, sizeof(*t));
	u32 id, i;

	if (!t)
		return -1;
	for (id = 0; id < b->n; id++) {
		const struct node *x = &b->nodes[id];

		i = hash3(x->var, x->lo, x->hi) & (size - 1);
		while (t[i])
			i = (i + 1) & (size - 1);
		t[i] = id + 1;
	}
	free(b->table);
	b->table = t;
	b->tmask = size - 1;
	return 0;
}

/*
 * The memo only speeds things up: keep it about as large as the store.
 * Trusted (it allocates): the memo may be replaced by an empty one.
 */
/*@
 * requires bdd_ok(b);
 * assigns b->cache, b->cmask;
 * ensures bdd_ok(b);
 */
static void bdd_grow_cache(struct bdd *b)
{
	u32 size = (b->cmask + 1) * 2;
	struct ite_slot *c;

	if (size > MAX_CACHE || b->n < size)
		return;
	c = calloc(size, sizeof(*c));
	if (!c)
		return;
	free(b->cache);
	b->cache = c;
	b->cmask = size - 1;
}

/*
 * Twice the room for nodes.  Trusted (it reallocates): on success the
 * nodes there are, unchanged, in a block with room for more.
 */
/*@
 * requires bdd_ok(b) && b->n == b->cap;
 * assigns b->nodes, b->cap;
 * ensures bdd_ok(b);
 * ensures \result == 0 ==> b->n < b->cap;
 * ensures \forall integer id; 0 <= id < b->n ==>
 *	b->nodes[id] == \old(b->nodes[id]);
 */
static int bdd_grow_nodes(struct bdd *b)
{
	struct node *p;

	if (b->cap >= MAX_NODES)
		return -1;
	p = realloc(b->nodes, 2 * sizeof(*p) * b->cap);
	if (!p)
		return -1;
	b->nodes = p;
	b->cap *= 2;
	return 0;
}

/*
 * Add the node at slot @i of the unique table.  Its children are older,
 * so no node's meaning changes: the ghost loop goes id by id, oldest
 * first (the induction bdd_kept needs).  Stated, not yet proved: WP
 * does not close this function (see verification.rst).
 */
/*@
 * requires bdd_ok(b) && !b->fail && i <= b->tmask;
 * requires var == TERM_VAR || (var < TERM_VAR && lo < b->n && hi < b->n);
 * ensures bdd_grows{Pre, Post}(b) && \result < b->n;
 * ensures !b->fail ==> b->nodes[\result].var == var &&
 *	b->nodes[\result].lo == lo && b->nodes[\result].hi == hi;
 */
static u32 bdd_add(struct bdd *b, u32 i, u32 var, u32 lo, u32 hi)
{
	u32 id = BDD_F;
	/*@ ghost u32 n0 = b->n; */

	if (b->n < b->cap || !bdd_grow_nodes(b)) {
		id = b->n++;
		b->nodes[id] = (struct node){ .var = var, .lo = lo, .hi = hi };
		b->table[i] = id + 1;
		if (2 * b->n > b->tmask &&
		    bdd_rehash(b, 2 * (b->tmask + 1)))
			b->fail = true;
		bdd_grow_cache(b);
	} else {
		b->fail = true;
	}
	/*@
	 * assert \forall integer k; 0 <= k < n0 ==>
	 *	b->nodes[k] == \at(b->nodes[k], Pre);
	 */
	/*@ ghost
	 * /@ loop invariant 0 <= j <= n0;
	 *    loop invariant \forall integer k, sj_input x; 0 <= k < j ==>
	 *	bdd_eval(b->nodes, k, x) ==
	 *	bdd_eval{Pre}(\at(b->nodes, Pre), k, x);
	 *    loop assigns j;
	 *    loop variant n0 - j; @/
	 * for (u32 j = 0; j < n0; j++)
	 *	;
	 */
	return id;
}

/* The unique node (@var, @lo, @hi), without the reduction rule. */
/*@
 * requires bdd_ok(b);
 * requires var == TERM_VAR || (var < TERM_VAR && lo < b->n && hi < b->n);
 * ensures bdd_grows{Pre, Post}(b) && \result < b->n;
 * ensures !b->fail ==> b->nodes[\result].var == var &&
 *	b->nodes[\result].lo == lo && b->nodes[\result].hi == hi;
 */
static u32 bdd_node(struct bdd *b, u32 var, u32 lo, u32 hi)
{
	u32 i, id, probes;

	if (b->fail)
		return BDD_F;
	/*
	 * The size is a power of two, so % is & here; WP bounds a remainder,
	 * not an and.  The table is kept at most half full, so a free slot
	 * comes first; were it ever full, the store fails (closed).
	 */
	i = hash3(var, lo, hi) % (b->tmask + 1);
	/*@
	 * loop invariant 0 <= probes <= b->tmask + 1 && i <= b->tmask;
	 * loop assigns probes, i, id;
	 * loop variant b->tmask + 1 - probes;
	 */
	for (probes = 0; probes <= b->tmask; probes++) {
		const struct node *x;

		id = b->table[i];
		if (!id)
			return bdd_add(b, i, var, lo, hi);
		x = &b->nodes[id - 1];
		if (x->var == var && x->lo == lo && x->hi == hi)
			return id - 1;
		i = i == b->tmask ? 0 : i + 1;
	}
	b->fail = true;
	return BDD_F;
}

/*@
 * requires bdd_ok(b) && var < TERM_VAR && lo < b->n && hi < b->n;
 * ensures bdd_grows{Pre, Post}(b) && \result < b->n;
 * ensures !b->fail ==> bdd_tests(b, \result, var, lo, hi);
 */
/**
 * bdd_mk() - the node testing a variable, reduced
 * @b: the store
 * @var: the variable, below TERM_VAR
 * @lo: the node where it is 0
 * @hi: the node where it is 1
 *
 * Return: @lo if it is @hi, else the unique node (@var, @lo, @hi);
 * BDD_F once @b has failed.
 */
u32 bdd_mk(struct bdd *b, u32 var, u32 lo, u32 hi)
{
	return lo == hi ? lo : bdd_node(b, var, lo, hi);
}

/*@
 * requires bdd_ok(b);
 * ensures bdd_grows{Pre, Post}(b) && \result < b->n;
 * ensures !b->fail ==> \forall sj_input x;
 *	bdd_eval(b->nodes, \result, x) == value;
 */
/**
 * bdd_term() - the terminal node of a value
 * @b: the store
 * @value: the value
 *
 * Return: its id; BDD_F once @b has failed.
 */
u32 bdd_term(struct bdd *b, u32 value)
{
	return bdd_node(b, TERM_VAR, value, 0);
}

/**
 * bdd_init() - an empty store, with its terminals 0 and 1
 * @b: the store
 *
 * Return: 0, or -1 if out of memory (bdd_free() it all the same).
 */
int bdd_init(struct bdd *b)
{
	b->cap = 1u << 16;
	b->nodes = malloc(sizeof(*b->nodes) * b->cap);
	b->cmask = (1u << 16) - 1;
	b->cache = calloc(b->cmask + 1, sizeof(*b->cache));
	if (!b->nodes || !b->cache || bdd_rehash(b, 1u << 17))
		return -1;
	bdd_term(b, 0);		/* BDD_F */
	bdd_term(b, 1);		/* BDD_T */
	return b->fail ? -1 : 0;
}

/**
 * bdd_free() - release a store
 * @b: the store, from bdd_init()
 */
void bdd_free(struct bdd *b)
{
	free(b->nodes);
	free(b->table);
	free(b->cache);
}

/**
 * bdd_var() - the variable a node tests
 * @b: the store
 * @x: the node
 *
 * Return: its variable, TERM_VAR for a terminal.
 */
u32 bdd_var(const struct bdd *b, u32 x)
{
	return b->nodes[x].var;
}

/**
 * bdd_cof() - a node with a variable set
 * @b: the store
 * @x: the node, testing nothing above @v
 * @v: the variable
 * @side: its value
 *
 * Return: the node that @x is where @v is @side.
 */
u32 bdd_cof(const struct bdd *b, u32 x, u32 v, bool side)
{
	const struct node *n = &b->nodes[x];

	if (n->var != v)
		return x;
	return side ? n->hi : n->lo;
}

/**
 * bdd_ite() - if-then-else
 * @b: the store
 * @f: a node returning 0 or 1
 * @g: the node where @f is 1
 * @h: the node where @f is 0
 *
 * Recursion depth is bounded by the NVARS variables.
 *
 * Return: the node that is @g where @f is 1, @h where it is 0.
 */
u32 bdd_ite(struct bdd *b, u32 f, u32 g, u32 h)
{
	struct ite_slot *s;
	u32 v, lo, hi, r;

	if (f == BDD_T || g == h)
		return g;
	if (f == BDD_F)
		return h;
	if (g == BDD_T && h == BDD_F)
		return f;
	if (b->fail)
		return BDD_F;
	s = &b->cache[hash3(f, g, h) & b->cmask];
	if (s->f == f && s->g == g && s->h == h)
		return s->r;
	v = min(bdd_var(b, f), min(bdd_var(b, g), bdd_var(b, h)));
	lo = bdd_ite(b, bdd_cof(b, f, v, 0), bdd_cof(b, g, v, 0),
		     bdd_cof(b, h, v, 0));
	hi = bdd_ite(b, bdd_cof(b, f, v, 1), bdd_cof(b, g, v, 1),
		     bdd_cof(b, h, v, 1));
	r = bdd_mk(b, v, lo, hi);
	/* The cache may have been replaced meanwhile. */
	s = &b->cache[hash3(f, g, h) & b->cmask];
	*s = (struct ite_slot){ .f = f, .g = g, .h = h, .r = r };
	return r;
}

/**
 * bdd_and() - conjunction
 * @b: the store
 * @f: a node returning 0 or 1
 * @g: another
 *
 * Return: the node returning 1 where both do.
 */
u32 bdd_and(struct bdd *b, u32 f, u32 g)
{
	return bdd_ite(b, f, g, BDD_F);
}

/**
 * bdd_or() - disjunction
 * @b: the store
 * @f: a node returning 0 or 1
 * @g: another
 *
 * Return: the node returning 1 where either does.
 */
u32 bdd_or(struct bdd *b, u32 f, u32 g)
{
	return bdd_ite(b, f, BDD_T, g);
}

/**
 * bdd_not() - negation
 * @b: the store
 * @f: a node returning 0 or 1
 *
 * Return: the node returning 1 where @f returns 0.
 */
u32 bdd_not(struct bdd *b, u32 f)
{
	return bdd_ite(b, f, BDD_F, BDD_T);
}

/*
 * Word-level predicates, built from the least significant bit up so that
 * each node is made once its lower part exists.
 */

/*@
 * requires bdd_ok(b) && w < NWORDS;
 * ensures bdd_grows{Pre, Post}(b) && \result < b->n;
 * ensures !b->fail ==> \forall sj_input x;
 *	bdd_01(b, \result, x) &&
 *	(bdd_one(b, \result, x) <==>
 *	 sj_word_eq(x, \old(word_rank[w]) * 32 + 31, m, k));
 */
/**
 * bdd_word_eq() - (word & mask) == constant
 * @b: the store
 * @w: the word, by offset / 4 in struct seccomp_data
 * @m: the mask
 * @k: the constant
 *
 * Return: the node returning 1 where (word @w & @m) == @k, else 0.
 */
u32 bdd_word_eq(struct bdd *b, u32 w, u32 m, u32 k)
{
	u32 top = bdd_bvar(w, 0), r = BDD_T, bit;

	if (k & ~m)
		return BDD_F;
	/*@
	 * loop invariant b == \at(b, Pre) && w == \at(w, Pre) &&
	 *	top == \at(word_rank[w], Pre) * 32 + 31 &&
	 *	m == \at(m, Pre) && k == \at(k, Pre);
	 * loop invariant 0 <= bit <= 32 && r < b->n;
	 * loop invariant bdd_grows{Pre, Here}(b);
	 * loop invariant !b->fail ==> \forall sj_input x; bdd_01(b, r, x) &&
	 *	(bdd_one(b, r, x) <==> sj_eq_below(x, top, m, k, bit));
	 * loop variant 32 - bit;
	 */
	for (bit = 0; bit < 32; bit++) {
		if (!(m >> bit & 1))
			continue;
		if (k >> bit & 1) {
			r = bdd_mk(b, top - bit, BDD_F, r);
			/*@
			 * assert !b->fail ==> \forall sj_input x;
			 *	bdd_val(b, r, x) == (sj_var(x, top - bit) ?
			 *	bdd_val{LoopCurrent}(b, \at(r, LoopCurrent), x) :
			 *	0);
			 */
		} else {
			r = bdd_mk(b, top - bit, r, BDD_F);
			/*@
			 * assert !b->fail ==> \forall sj_input x;
			 *	bdd_val(b, r, x) == (sj_var(x, top - bit) ?
			 *	0 :
			 *	bdd_val{LoopCurrent}(b, \at(r, LoopCurrent), x));
			 */
		}
	}
	return r;
}

/*@
 * requires bdd_ok(b) && w < NWORDS;
 * ensures bdd_grows{Pre, Post}(b) && \result < b->n;
 * ensures !b->fail ==> \forall sj_input x;
 *	bdd_01(b, \result, x) &&
 *	(bdd_one(b, \result, x) <==>
 *	 sj_any_below(x, \old(word_rank[w]) * 32 + 31, s, 32));
 */
/**
 * bdd_word_any() - (word & bits) != 0
 * @b: the store
 * @w: the word, by offset / 4 in struct seccomp_data
 * @s: the bits
 *
 * Return: the node returning 1 where (word @w & @s) != 0, else 0.
 */
u32 bdd_word_any(struct bdd *b, u32 w, u32 s)
{
	u32 top = bdd_bvar(w, 0), r = BDD_F, bit;

	/*@
	 * loop invariant b == \at(b, Pre) && w == \at(w, Pre) &&
	 *	top == \at(word_rank[w], Pre) * 32 + 31 &&
	 *	s == \at(s, Pre);
	 * loop invariant 0 <= bit <= 32 && r < b->n;
	 * loop invariant bdd_grows{Pre, Here}(b);
	 * loop invariant !b->fail ==> \forall sj_input x; bdd_01(b, r, x) &&
	 *	(bdd_one(b, r, x) <==> sj_any_below(x, top, s, bit));
	 * loop variant 32 - bit;
	 */
	for (bit = 0; bit < 32; bit++) {
		if (!(s >> bit & 1))
			continue;
		r = bdd_mk(b, top - bit, r, BDD_T);
		/*@
		 * assert !b->fail ==> \forall sj_input x;
		 *	bdd_val(b, r, x) == (sj_var(x, top - bit) ? 1 :
		 *	bdd_val{LoopCurrent}(b, \at(r, LoopCurrent), x));
		 */
	}
	return r;
}

/*@
 * requires bdd_ok(b) && w < NWORDS;
 * ensures bdd_grows{Pre, Post}(b) && \result < b->n;
 * ensures !b->fail ==> \forall sj_input x;
 *	bdd_01(b, \result, x) &&
 *	(bdd_one(b, \result, x) <==>
 *	 sj_gt_below(x, \old(word_rank[w]) * 32 + 31, m, k, or_eq, 32));
 */
/**
 * bdd_word_gt() - (word & mask) > constant, or >=, unsigned
 * @b: the store
 * @w: the word, by offset / 4 in struct seccomp_data
 * @m: the mask
 * @k: the constant
 * @or_eq: >= rather than >
 *
 * Going up, r is the answer for the bits below; a higher bit that differs
 * overrides it.
 *
 * Return: the node returning 1 where (word @w & @m) > @k (>= with
 * @or_eq), else 0.
 */
u32 bdd_word_gt(struct bdd *b, u32 w, u32 m, u32 k, bool or_eq)
{
	u32 top = bdd_bvar(w, 0), r = or_eq ? BDD_T : BDD_F, bit;

	/*@
	 * loop invariant b == \at(b, Pre) && w == \at(w, Pre) &&
	 *	top == \at(word_rank[w], Pre) * 32 + 31 &&
	 *	m == \at(m, Pre) && k == \at(k, Pre) &&
	 *	or_eq == \at(or_eq, Pre);
	 * loop invariant 0 <= bit <= 32 && r < b->n;
	 * loop invariant bdd_grows{Pre, Here}(b);
	 * loop invariant !b->fail ==> \forall sj_input x; bdd_01(b, r, x);
	 * loop invariant !b->fail ==> \forall sj_input x;
	 *	bdd_one(b, r, x) <==> sj_gt_below(x, top, m, k, or_eq, bit);
	 * loop variant 32 - bit;
	 */
	for (bit = 0; bit < 32; bit++) {
		bool kb = k >> bit & 1;

		/*@ assert kb != 0 <==> sj_bit(k, bit); */
		if (!(m >> bit & 1)) {
			/*@ assert !sj_bit(m, bit); */
			r = kb ? BDD_F : r;
			/*@
			 * assert !b->fail ==> \forall sj_input x;
			 *	bdd_val(b, r, x) == (kb ? 0 :
			 *	bdd_val{LoopCurrent}(b, \at(r, LoopCurrent), x));
			 */
		} else if (kb) {
			/*@ assert sj_bit(m, bit); */
			r = bdd_mk(b, top - bit, BDD_F, r);
			/*@
			 * assert !b->fail ==> \forall sj_input x;
			 *	bdd_val(b, r, x) == (sj_var(x, top - bit) ?
			 *	bdd_val{LoopCurrent}(b, \at(r, LoopCurrent), x) :
			 *	0);
			 */
		} else {
			/*@ assert sj_bit(m, bit); */
			r = bdd_mk(b, top - bit, r, BDD_T);
			/*@
			 * assert !b->fail ==> \forall sj_input x;
			 *	bdd_val(b, r, x) == (sj_var(x, top - bit) ?
			 *	1 :
			 *	bdd_val{LoopCurrent}(b, \at(r, LoopCurrent), x));
			 */
		}
		/*@
		 * assert !b->fail ==> \forall sj_input x; bdd_one(b, r, x) <==>
		 *	sj_gt_below(x, top, m, k, or_eq, bit + 1);
		 */
	}
	return r;
}

/**
 * bdd_arg_cmp() - a 64-bit argument compared with a constant
 * @b: the store
 * @arg: the argument, 0 to 5
 * @mask: the mask
 * @op: the comparison
 * @value: the constant
 *
 * Return: the node returning 1 where (args[@arg] & @mask) @op @value,
 * all 64 bits, unsigned, else 0.
 */
u32 bdd_arg_cmp(struct bdd *b, u32 arg, u64 mask, enum sj_cmp op,
		u64 value)
{
	u32 hw = W_ARG_HI(arg), lw = W_ARG_LO(arg);
	u32 mh = mask >> 32, ml = (u32)mask;
	u32 vh = value >> 32, vl = (u32)value;
	u32 eqh = bdd_word_eq(b, hw, mh, vh);

	switch (op) {
	case SJ_CMP_EQ:
		return bdd_and(b, eqh, bdd_word_eq(b, lw, ml, vl));
	case SJ_CMP_NE:
		return bdd_not(b, bdd_and(b, eqh, bdd_word_eq(b, lw, ml, vl)));
	case SJ_CMP_GT:
	case SJ_CMP_LE:
	case SJ_CMP_GE:
	case SJ_CMP_LT: {
		/* a > v: the high halves say so, or tie and the low ones do */
		bool ge = op == SJ_CMP_GE || op == SJ_CMP_LT;
		u32 r = bdd_or(b, bdd_word_gt(b, hw, mh, vh, false),
			       bdd_and(b, eqh, bdd_word_gt(b, lw, ml, vl, ge)));

		return op == SJ_CMP_GT || op == SJ_CMP_GE ? r : bdd_not(b, r);
	}
	}
	return BDD_F;
}

/**
 * bdd_find_diff() - an input where two nodes differ
 * @b: the store
 * @f: a node
 * @g: another, not @f
 * @words: the input, NWORDS words by offset / 4 in struct seccomp_data
 * @fv: what @f returns on it
 * @gv: what @g returns on it
 *
 * Walk @f and @g down together to terminals that differ.  Where both
 * cofactors differ either will do; variables never tested stay 0.
 */
void bdd_find_diff(const struct bdd *b, u32 f, u32 g, u32 *words,
		   u32 *fv, u32 *gv)
{
	memset(words, 0, NWORDS * sizeof(*words));
	while (bdd_var(b, f) != TERM_VAR || bdd_var(b, g) != TERM_VAR) {
		u32 v = min(bdd_var(b, f), bdd_var(b, g));
		u32 f0 = bdd_cof(b, f, v, 0), g0 = bdd_cof(b, g, v, 0);

		if (f0 != g0) {
			f = f0;
			g = g0;
			continue;
		}
		f = bdd_cof(b, f, v, 1);
		g = bdd_cof(b, g, v, 1);
		words[rank_word[v / 32]] |= 1u << (31 - v % 32);
	}
	*fv = b->nodes[f].lo;
	*gv = b->nodes[g].lo;
}
