/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multi-terminal binary decision diagrams over the 512 bits of struct
 * seccomp_data, for the policy check (policy_check.c): the node store, and
 * the comparisons of input words and 64-bit arguments with constants.
 *
 * The variable order is fixed: arch, nr, then each argument high half
 * before low half, then the instruction pointer, every word most
 * significant bit first (word_rank[] in bdd.c).  Nodes are hash-consed, so
 * that two functions are equal exactly when their ids are.
 *
 * What a node means is written below in ACSL (bdd_eval), and the contracts
 * of the store and of the comparisons are proved against it by Frama-C WP
 * (scripts/prove.sh, the policy-check run).
 */
#ifndef SJ_TOOLS_BDD_H
#define SJ_TOOLS_BDD_H

#include "policy.h"

#define NWORDS		(SJ_DATA_SIZE / 4)
#define NVARS		(NWORDS * 32)
#define TERM_VAR	NVARS		/* the var of a terminal node */
#define BDD_F		0u		/* the terminals 0 and 1, made first */
#define BDD_T		1u
#define MAX_NODES	BIT(23)	/* refuse rather than exhaust memory */
#define MAX_CACHE	BIT(22)

#define W_NR		(offsetof(struct seccomp_data, nr) / 4)
#define W_ARCH		(offsetof(struct seccomp_data, arch) / 4)
#define W_IP		(offsetof(struct seccomp_data, instruction_pointer) / 4)
#define W_ARG_LO(i)	(offsetof(struct seccomp_data, args) / 4 + 2 * (i))
#define W_ARG_HI(i)	(W_ARG_LO(i) + 1)	/* little-endian */

/* A terminal has var TERM_VAR, its value in @lo and 0 in @hi. */
struct node {
	u32 var;
	u32 lo, hi;
};

struct ite_slot {
	u32 f, g, h, r;		/* f == BDD_F: empty, never a key */
};

/**
 * struct bdd - the node store
 * @nodes: the nodes, ids are indices
 * @n: how many are used
 * @cap: how many fit
 * @table: unique table, open addressing, id + 1 (0: empty)
 * @tmask: its size - 1
 * @cache: lossy memo of bdd_ite()
 * @cmask: its number of slots - 1
 * @fail: out of memory or of MAX_NODES; results are then meaningless
 */
struct bdd {
	struct node *nodes;
	u32 n, cap;
	u32 *table;
	u32 tmask;
	struct ite_slot *cache;
	u32 cmask;
	bool fail;
};

/*@
 * axiomatic sj_input {
 *	// An input (a struct seccomp_data) as its 512 bits, by variable:
 *	// nothing is assumed of it.
 *	type sj_input;
 *	logic boolean sj_var(sj_input x, integer v);
 * }
 *
 * // Bit i (0: least significant) of a word of the input, t the variable
 * // of its bit 0: for the word of rank r in the order, r * 32 + 31.
 * predicate sj_in(sj_input x, integer t, integer i) = sj_var(x, t - i);
 *
 * // Bit i of a number.
 * predicate sj_bit(integer v, integer i) = (v >> i & 1) != 0;
 *
 * // What node id of the nodes s returns on the input x: a terminal its
 * // value, any other node what its child on x's side of its variable
 * // returns.
 * logic integer bdd_eval{L}(struct node *s, integer id, sj_input x) =
 *	s[id].var >= TERM_VAR ? s[id].lo :
 *	sj_var(x, s[id].var) ? bdd_eval(s, s[id].hi, x) :
 *			       bdd_eval(s, s[id].lo, x);
 *
 * // The same, in the store b.
 * logic integer bdd_val{L}(struct bdd *b, integer id, sj_input x) =
 *	bdd_eval(b->nodes, id, x);
 *
 * // A node is a terminal, or tests a variable and has older children.
 * predicate bdd_node_ok{L}(struct node *s, integer id) =
 *	s[id].var == TERM_VAR ||
 *	(s[id].var < TERM_VAR && s[id].lo < id && s[id].hi < id);
 *
 * // The store: its nodes (0 and 1 the terminals 0 and 1, every node
 * // well formed), the unique table and the memo, each its own block.
 * predicate bdd_ok{L}(struct bdd *b) =
 *	\valid(b) && 2 <= b->n <= b->cap && b->cap <= MAX_NODES &&
 *	b->tmask < 0x7fffffff &&
 *	\valid(b->nodes + (0 .. b->cap - 1)) &&
 *	\valid(b->table + (0 .. b->tmask)) &&
 *	\valid(b->cache + (0 .. b->cmask)) &&
 *	\separated(b, b->nodes + (0 .. b->cap - 1),
 *		   b->table + (0 .. b->tmask), b->cache + (0 .. b->cmask)) &&
 *	b->nodes[0].var == TERM_VAR && b->nodes[0].lo == 0 &&
 *	b->nodes[1].var == TERM_VAR && b->nodes[1].lo == 1 &&
 *	(\forall integer id; 0 <= id < b->n ==> bdd_node_ok(b->nodes, id)) &&
 *	(\forall integer i; 0 <= i <= b->tmask ==> b->table[i] <= b->n);
 *
 * // Node id returns 0 or 1 on x; it returns 1.
 * predicate bdd_01{L}(struct bdd *b, integer id, sj_input x) =
 *	bdd_val(b, id, x) == 0 || bdd_val(b, id, x) == 1;
 * predicate bdd_one{L}(struct bdd *b, integer id, sj_input x) =
 *	bdd_val(b, id, x) == 1;
 *
 * // From L1 to L2 nodes are only added: every id of L1 means what it
 * // meant, on every input.
 * predicate bdd_kept{L1, L2}(struct bdd *b) =
 *	\at(b->n, L1) <= \at(b->n, L2) &&
 *	\forall integer id, sj_input x; 0 <= id < \at(b->n, L1) ==>
 *		bdd_eval{L2}(\at(b->nodes, L2), id, x) ==
 *		bdd_eval{L1}(\at(b->nodes, L1), id, x);
 *
 * // What every call that may add nodes keeps: a store, the old ids
 * // unchanged in meaning, a failure once set stays set.
 * predicate bdd_grows{L1, L2}(struct bdd *b) =
 *	bdd_ok{L2}(b) && bdd_kept{L1, L2}(b) &&
 *	(\at(b->fail, L1) ==> \at(b->fail, L2));
 *
 * // Node id of b tests variable v: on x it returns what hi returns if
 * // x's variable v is 1, else what lo returns.
 * predicate bdd_tests{L}(struct bdd *b, integer id, integer v,
 *			 integer lo, integer hi) =
 *	\forall sj_input x; bdd_eval(b->nodes, id, x) ==
 *		(sj_var(x, v) ? bdd_eval(b->nodes, hi, x) :
 *				bdd_eval(b->nodes, lo, x));
 *
 * // (word & m) == k, the word of rank r of x: k has no bit outside m,
 * // and the word has k's bits where m has bits (those below n).
 * predicate sj_eq_below(sj_input x, integer r, integer m, integer k,
 *			 integer n) =
 *	\forall integer i; 0 <= i < n ==> sj_bit(m, i) ==>
 *		(sj_in(x, r, i) <==> sj_bit(k, i));
 * predicate sj_word_eq(sj_input x, integer r, integer m, integer k) =
 *	(k & (u32)~m) == 0 && sj_eq_below(x, r, m, k, 32);
 *
 * // (word & s) != 0: a bit of s is set in the word (below n).
 * predicate sj_any_below(sj_input x, integer r, integer s, integer n) =
 *	\exists integer i; 0 <= i < n && sj_bit(s, i) && sj_in(x, r, i);
 *
 * // Bit i of (word & m).
 * predicate sj_inm(sj_input x, integer r, integer m, integer i) =
 *	sj_bit(m, i) && sj_in(x, r, i);
 * // (word & m) and k agree on bits lo .. n - 1.
 * predicate sj_agree(sj_input x, integer r, integer m, integer k,
 *		      integer lo, integer n) =
 *	\forall integer i; lo <= i < n ==>
 *		(sj_inm(x, r, m, i) <==> sj_bit(k, i));
 * // Unsigned (word & m) > k on bits 0 .. n - 1, or >= with or_eq: at the
 * // highest bit where they differ, (word & m) has 1 and k 0; or, with
 * // or_eq, they do not differ.
 * predicate sj_gt_below(sj_input x, integer r, integer m, integer k,
 *			 integer or_eq, integer n) =
 *	(\exists integer j; 0 <= j < n && sj_inm(x, r, m, j) &&
 *		!sj_bit(k, j) && sj_agree(x, r, m, k, j + 1, n)) ||
 *	(or_eq != 0 && sj_agree(x, r, m, k, 0, n));
 *
 * // One bit more, as the builders go up (proved in the policy-check
 * // run with the rest).
 * lemma sj_eq_step: \forall sj_input x, integer t, m, k, n; 0 <= n ==>
 *	(sj_eq_below(x, t, m, k, n + 1) <==> (sj_eq_below(x, t, m, k, n) &&
 *		(sj_bit(m, n) ==> (sj_in(x, t, n) <==> sj_bit(k, n)))));
 * lemma sj_any_step: \forall sj_input x, integer t, s, n; 0 <= n ==>
 *	(sj_any_below(x, t, s, n + 1) <==> (sj_any_below(x, t, s, n) ||
 *		(sj_bit(s, n) && sj_in(x, t, n))));
 * lemma sj_gt_step: \forall sj_input x, integer t, m, k, e, n; 0 <= n ==>
 *	(sj_gt_below(x, t, m, k, e, n + 1) <==>
 *		((sj_inm(x, t, m, n) && !sj_bit(k, n)) ||
 *		 ((sj_inm(x, t, m, n) <==> sj_bit(k, n)) &&
 *		  sj_gt_below(x, t, m, k, e, n))));
 */

u32 bdd_bvar(u32 w, u32 bit);
int bdd_init(struct bdd *b);
void bdd_free(struct bdd *b);
u32 bdd_mk(struct bdd *b, u32 var, u32 lo, u32 hi);
u32 bdd_term(struct bdd *b, u32 value);
u32 bdd_var(const struct bdd *b, u32 x);
u32 bdd_cof(const struct bdd *b, u32 x, u32 v, bool side);
u32 bdd_ite(struct bdd *b, u32 f, u32 g, u32 h);
u32 bdd_and(struct bdd *b, u32 f, u32 g);
u32 bdd_or(struct bdd *b, u32 f, u32 g);
u32 bdd_not(struct bdd *b, u32 f);
u32 bdd_word_eq(struct bdd *b, u32 w, u32 m, u32 k);
u32 bdd_word_any(struct bdd *b, u32 w, u32 s);
u32 bdd_word_gt(struct bdd *b, u32 w, u32 m, u32 k, bool or_eq);
u32 bdd_arg_cmp(struct bdd *b, u32 arg, u64 mask, enum sj_cmp op,
		u64 value);
void bdd_find_diff(const struct bdd *b, u32 f, u32 g, u32 *words,
		   u32 *fv, u32 *gv);

#endif /* SJ_TOOLS_BDD_H */
