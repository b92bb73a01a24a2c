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

/*
 * One path of the analysis: where it is, the columns it stands for, and
 * what A, X and M[] hold: a known value, "the syscall number" (whichever
 * of the set's), or unknown.
 */
struct sj_decide_state {
	u32 pc;
	u8 kind[2 + SJ_MEMWORDS];
	u32 val[2 + SJ_MEMWORDS];
	struct sj_nrset set;
};

/*
 * Paths pending at once.  libseccomp's layouts need a few (a linear chain
 * of jeq one, a binary tree its depth); a filter that branches on
 * unknown values more deeply than this gets fewer constants, never a
 * wrong one.
 */
#define SJ_DECIDE_DEPTH		128

/**
 * struct sj_decide_work - scratch memory of the analysis
 * @stack: paths still to explore; when it is full the analysis gives up
 *	on the numbers of the pending paths (they are then no constant)
 * @value: per column, the result some path ended in
 * @have: columns with a @value
 * @run: columns that are no constant
 * @steps: instructions interpreted for the last row (for tests)
 */
struct sj_decide_work {
	struct sj_decide_state stack[SJ_DECIDE_DEPTH];
	u32 value[SJ_TABLE_NR];
	struct sj_nrset have;
	struct sj_nrset run;
	u32 steps;
};

/* Result of sj_decide() that is not a constant. */
#define SJ_DECIDE_RUN		(-1)

long sj_decide(const struct sock_filter *prog, u32 len, u32 arch, u32 nr,
	       struct sj_decide_work *work);
void sj_decide_table(const struct sock_filter *prog, u32 len,
		     struct sj_table *t, struct sj_decide_work *work);
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
