// SPDX-License-Identifier: GPL-2.0
/*
 * Decision tables (decide.h): building one entry by entry, and combining a
 * filter's table with the table of the chain it joins, with seccomp's
 * precedence.  Proved with Frama-C WP (scripts/prove.sh, the "decisions"
 * run): a constant entry of a table sj_table_combine() returns is
 * constant in both tables it comes from and holds what
 * seccomp_run_filters() makes of their results (sj_prec below);
 * sj_table_set() keeps every action already there; no run-time error;
 * termination.
 */
#include "decide.h"

/*@
 * // seccomp's ACTION_ONLY(): the action bits, compared as signed.
 * logic integer sj_aonly(integer r) = (s32)(r & 0xffff0000);
 *
 * // seccomp_run_filters(): starting from ALLOW, newest first, a result
 * // replaces the one so far only if its action is strictly more severe.
 * // So of a newer filter's result and the older filters' combined one,
 * // the newer wins if its action is more severe, or as severe and not
 * // ALLOW (the older one is then exactly ALLOW, or the newer came later).
 * logic integer sj_prec(integer newer, integer older) =
 *	sj_aonly(newer) < sj_aonly(older) ||
 *	(sj_aonly(newer) == sj_aonly(older) &&
 *	 sj_aonly(newer) != 0x7fff0000) ? newer : older;
 *
 * predicate sj_tok{L}(struct sj_table *t) =
 *	\valid(t) && t->nactions <= SJ_MAX_ACTIONS;
 * predicate sj_tok_read{L}(struct sj_table *t) =
 *	\valid_read(t) && t->nactions <= SJ_MAX_ACTIONS;
 *
 * predicate sj_const{L}(struct sj_table *t, integer r, integer i) =
 *	t->entry[r][i] < t->nactions;
 * logic integer sj_val{L}(struct sj_table *t, integer r, integer i) =
 *	t->action[t->entry[r][i]];
 *
 * // Actions already there stay where they are.
 * predicate sj_grows{L1, L2}(struct sj_table *t) =
 *	\at(t->nactions, L1) <= \at(t->nactions, L2) &&
 *	\forall integer k; 0 <= k < \at(t->nactions, L1) ==>
 *		\at(t->action[k], L1) == \at(t->action[k], L2);
 *
 * // Every entry is an action's index or SJ_ENTRY_RUN (which no table
 * // ever has that many actions to reach).
 * predicate sj_entries_ok{L}(struct sj_table *t) =
 *	\forall integer r, c; 0 <= r < SJ_NROWS && 0 <= c < SJ_TABLE_NR ==>
 *		t->entry[r][c] < t->nactions ||
 *		t->entry[r][c] == SJ_ENTRY_RUN;

 */

/* Index of @v in @t's actions, added if new; SJ_ENTRY_RUN if full. */
/*@
 * requires sj_tok(t);
 * assigns t->nactions, t->action[0 .. SJ_MAX_ACTIONS - 1];
 * ensures sj_tok(t) && sj_grows{Pre, Post}(t);
 * ensures \result == SJ_ENTRY_RUN ||
 *	(\result < t->nactions && t->action[\result] == v);
 */
static u8 intern(struct sj_table *t, u32 v)
{
	u32 i;

	/*@
	 * loop invariant 0 <= i <= t->nactions;
	 * loop assigns i;
	 * loop variant t->nactions - i;
	 */
	for (i = 0; i < t->nactions; i++)
		if (t->action[i] == v)
			return (u8)i;
	if (t->nactions >= SJ_MAX_ACTIONS)
		return SJ_ENTRY_RUN;
	t->action[t->nactions] = v;
	return (u8)t->nactions++;
}

/*@
 * requires \valid(t);
 * assigns *t;
 * ensures sj_tok(t) && t->nactions == 0 && t->constant == 0;
 * ensures sj_entries_ok(t);
 */
/**
 * sj_table_init() - an empty table: every entry runs the filters
 * @t: the table
 */
void sj_table_init(struct sj_table *t)
{
	u32 r, i;

	/*@
	 * loop invariant 0 <= r <= SJ_NROWS;
	 * loop invariant \forall integer a, c; 0 <= a < r &&
	 *	0 <= c < SJ_TABLE_NR ==> t->entry[a][c] == SJ_ENTRY_RUN;
	 * loop assigns r, i, t->entry[0 .. SJ_NROWS - 1][0 .. SJ_TABLE_NR - 1];
	 * loop variant SJ_NROWS - r;
	 */
	for (r = 0; r < SJ_NROWS; r++)
		/*@
		 * loop invariant 0 <= i <= SJ_TABLE_NR;
		 * loop invariant \forall integer a, c; 0 <= a < r &&
		 *	0 <= c < SJ_TABLE_NR ==> t->entry[a][c] == SJ_ENTRY_RUN;
		 * loop invariant \forall integer c; 0 <= c < i ==>
		 *	t->entry[r][c] == SJ_ENTRY_RUN;
		 * loop assigns i, t->entry[r][0 .. SJ_TABLE_NR - 1];
		 * loop variant SJ_TABLE_NR - i;
		 */
		for (i = 0; i < SJ_TABLE_NR; i++)
			t->entry[r][i] = SJ_ENTRY_RUN;
	t->nactions = 0;
	t->constant = 0;
}

/*@
 * requires sj_tok(t) && row < SJ_NROWS && i < SJ_TABLE_NR;
 * requires sj_entries_ok(t);
 * assigns t->nactions, t->action[0 .. SJ_MAX_ACTIONS - 1],
 *	t->entry[row][i];
 * ensures sj_tok(t) && sj_grows{Pre, Post}(t) && sj_entries_ok(t);
 * ensures sj_const(t, row, i) ==> known && sj_val(t, row, i) == v;
 */
/**
 * sj_table_set() - set one entry
 * @t: the table
 * @row: enum sj_table_row
 * @i: the column
 * @known: the entry is a constant
 * @v: that constant
 *
 * An entry whose constant no longer fits in @t->action runs the filters.
 */
void sj_table_set(struct sj_table *t, u32 row, u32 i, bool known, u32 v)
{
	t->entry[row][i] = known ? intern(t, v) : SJ_ENTRY_RUN;
}

/*@
 * requires sj_tok(t);
 * assigns t->constant;
 * ensures sj_tok(t);
 */
/**
 * sj_table_count() - count the constant entries into @t->constant
 * @t: the table
 */
void sj_table_count(struct sj_table *t)
{
	u32 r, i, n = 0;

	/*@
	 * loop invariant 0 <= r <= SJ_NROWS;
	 * loop invariant n <= r * SJ_TABLE_NR;
	 * loop assigns r, i, n;
	 * loop variant SJ_NROWS - r;
	 */
	for (r = 0; r < SJ_NROWS; r++)
		/*@
		 * loop invariant 0 <= i <= SJ_TABLE_NR;
		 * loop invariant n <= r * SJ_TABLE_NR + i;
		 * loop assigns i, n;
		 * loop variant SJ_TABLE_NR - i;
		 */
		for (i = 0; i < SJ_TABLE_NR; i++)
			n += t->entry[r][i] < t->nactions;
	t->constant = n;
}

/*@
 * assigns \nothing;
 * ensures \result == sj_prec(newer, older);
 */
/**
 * sj_precedence() - what a chain returns, from its newest filter's result
 *	and the result of the filters before it
 * @newer: the newest filter's result
 * @older: the older filters' combined result (SECCOMP_RET_ALLOW if none)
 *
 * As seccomp_run_filters(): starting from ALLOW, newest first, a result
 * replaces the one so far only if its action is strictly more severe, so
 * the newest of the most severe wins, and an ALLOW carrying data is plain
 * ALLOW.
 * Return: the chain's result.
 */
u32 sj_precedence(u32 newer, u32 older)
{
	s32 n = (s32)(newer & SECCOMP_RET_ACTION_FULL);
	s32 o = (s32)(older & SECCOMP_RET_ACTION_FULL);

	if (n < o || (n == o && n != (s32)SECCOMP_RET_ALLOW))
		return newer;
	return older;
}

/*@
 * // Entry (r, i) of a combined table is right: constant only where both
 * // tables are, and then what seccomp makes of their results.
 * predicate sj_combined{L}(struct sj_table *out, struct sj_table *newer,
 *			    struct sj_table *older, integer r, integer i) =
 *	sj_const(out, r, i) ==>
 *	sj_const(newer, r, i) &&
 *	(older != \null ==> sj_const(older, r, i)) &&
 *	sj_val(out, r, i) == sj_prec(sj_val(newer, r, i),
 *				    older != \null ? sj_val(older, r, i) :
 *						     SECCOMP_RET_ALLOW);
 */

/* Entry (@row, @i) of @out, from the same entry of @newer and @older. */
/*@
 * requires sj_tok(out) && sj_entries_ok(out) && sj_tok_read(newer);
 * requires older != \null ==> sj_tok_read(older);
 * requires \separated(out, newer);
 * requires older != \null ==> \separated(out, older);
 * requires row < SJ_NROWS && i < SJ_TABLE_NR;
 * assigns out->nactions, out->action[0 .. SJ_MAX_ACTIONS - 1],
 *	out->entry[row][i];
 * ensures sj_tok(out) && sj_entries_ok(out) && sj_grows{Pre, Post}(out);
 * ensures sj_combined(out, newer, older, row, i);
 */
static void combine_entry(struct sj_table *out, const struct sj_table *newer,
			  const struct sj_table *older, u32 row, u32 i)
{
	u8 n = newer->entry[row][i];
	u8 o = older ? older->entry[row][i] : 0;

	if (n >= newer->nactions || (older && o >= older->nactions))
		sj_table_set(out, row, i, false, 0);
	else
		sj_table_set(out, row, i, true,
			     sj_precedence(newer->action[n],
					   older ? older->action[o] :
						   SECCOMP_RET_ALLOW));
}

/*
 * Whether every entry of @out is right (sj_combined()).  A read-only pass
 * after the writing one, so that the proof needs no frame property of the
 * loop that writes: the provers time out on "a later entry's write keeps
 * every earlier entry right", and an independent re-check is as good.
 */
/*@
 * requires sj_tok_read(out) && sj_tok_read(newer);
 * requires older != \null ==> sj_tok_read(older);
 * assigns \nothing;
 * ensures \result ==> \forall integer r, c; 0 <= r < SJ_NROWS &&
 *	0 <= c < SJ_TABLE_NR ==> sj_combined(out, newer, older, r, c);
 */
static bool combined_ok(const struct sj_table *out,
			const struct sj_table *newer,
			const struct sj_table *older)
{
	u32 row, i;

	/*@
	 * loop invariant 0 <= row <= SJ_NROWS;
	 * loop invariant \forall integer r, c; 0 <= r < row &&
	 *	0 <= c < SJ_TABLE_NR ==> sj_combined(out, newer, older, r, c);
	 * loop assigns row, i;
	 * loop variant SJ_NROWS - row;
	 */
	for (row = 0; row < SJ_NROWS; row++)
		/*@
		 * loop invariant 0 <= i <= SJ_TABLE_NR;
		 * loop invariant \forall integer r, c; 0 <= r < row &&
		 *	0 <= c < SJ_TABLE_NR ==>
		 *	sj_combined(out, newer, older, r, c);
		 * loop invariant \forall integer c; 0 <= c < i ==>
		 *	sj_combined(out, newer, older, row, c);
		 * loop assigns i;
		 * loop variant SJ_TABLE_NR - i;
		 */
		for (i = 0; i < SJ_TABLE_NR; i++) {
			u8 e = out->entry[row][i];
			u8 n = newer->entry[row][i];
			u8 o = older ? older->entry[row][i] : 0;

			if (e >= out->nactions)
				continue;
			if (n >= newer->nactions ||
			    (older && o >= older->nactions) ||
			    out->action[e] !=
			    sj_precedence(newer->action[n],
					  older ? older->action[o] :
						  SECCOMP_RET_ALLOW))
				return false;
		}
	return true;
}

/*@
 * requires \valid(out) && sj_tok_read(newer);
 * requires older != \null ==> sj_tok_read(older);
 * requires \separated(out, newer);
 * requires older != \null ==> \separated(out, older);
 * assigns *out;
 * ensures sj_tok(out) && sj_entries_ok(out);
 * ensures \forall integer r, c; 0 <= r < SJ_NROWS && 0 <= c < SJ_TABLE_NR ==>
 *	sj_combined(out, newer, older, r, c);
 */
/**
 * sj_table_combine() - the table of a chain
 * @out: the chain's table
 * @newer: the table of the chain's newest filter
 * @older: the table of the chain before it, or NULL if there is none
 *
 * An entry is constant only if it is constant in both; its result is then
 * what seccomp's precedence makes of the two (combine_entry()).  The whole
 * table is checked again before it is used (combined_ok()); were it ever
 * wrong, the chain would get a table that decides nothing.
 * Context: any; does not sleep or allocate.
 */
void sj_table_combine(struct sj_table *out, const struct sj_table *newer,
		      const struct sj_table *older)
{
	u32 row, i;

	sj_table_init(out);
	/*@
	 * loop invariant 0 <= row <= SJ_NROWS;
	 * loop invariant sj_tok(out) && sj_entries_ok(out);
	 * loop assigns row, i, out->nactions,
	 *	out->action[0 .. SJ_MAX_ACTIONS - 1],
	 *	out->entry[0 .. SJ_NROWS - 1][0 .. SJ_TABLE_NR - 1];
	 * loop variant SJ_NROWS - row;
	 */
	for (row = 0; row < SJ_NROWS; row++)
		/*@
		 * loop invariant 0 <= i <= SJ_TABLE_NR;
		 * loop invariant sj_tok(out) && sj_entries_ok(out);
		 * loop assigns i, out->nactions,
		 *	out->action[0 .. SJ_MAX_ACTIONS - 1],
		 *	out->entry[row][0 .. SJ_TABLE_NR - 1];
		 * loop variant SJ_TABLE_NR - i;
		 */
		for (i = 0; i < SJ_TABLE_NR; i++)
			combine_entry(out, newer, older, row, i);
	if (!combined_ok(out, newer, older)) {
		sj_table_init(out);
		/*@ assert \forall integer r, c; 0 <= r < SJ_NROWS &&
		 *	0 <= c < SJ_TABLE_NR ==> !sj_const(out, r, c);
		 */
	}
	/*@ assert \forall integer r, c; 0 <= r < SJ_NROWS &&
	 *	0 <= c < SJ_TABLE_NR ==> sj_combined(out, newer, older, r, c);
	 */
	sj_table_count(out);
}
