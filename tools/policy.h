/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policies: the language of Documentation/policy.rst, parsed into the
 * resolved form below, compiled to a seccomp filter (policy_compile.c), and
 * the compiled filter checked against the policy by code of its own
 * (policy_check.c).
 *
 * What a policy means, for one struct seccomp_data d (the specification
 * both the compiler and the checker answer to; sj_policy_eval() is it,
 * written out):
 *
 *   class(d) = x32 if d.arch == AUDIT_ARCH_X86_64 and d.nr, unsigned, is
 *              at or above the x32 bit (0x40000000) but not 0xffffffff
 *              (-1, the number a tracer uses to skip a call); x86_64 for
 *              the other numbers of that arch (libseccomp divides them
 *              the same way); i386 if d.arch == AUDIT_ARCH_I386; none
 *              otherwise.
 *   If class(d) is none, or the policy does not cover that class:
 *              other_action.
 *   Else the first rule, in the order of the file (includes expanded where
 *   they stand), that covers the class, lists d.nr for it and whose
 *   condition holds on d.args: that rule's action.
 *   Else, if the class has an unknown-syscalls action and d.nr is above
 *   the highest number the class's table knows (unsigned): that action.
 *   Else the class's default action.
 *
 * Conditions compare full 64-bit arguments, unsigned; `argN & M OP V`
 * compares (argN & M) with V.  On i386 and x32 an argument is its low 32
 * bits, as libseccomp compares them: i386 system calls take nothing more,
 * while seccomp_data's high halves hold whatever a 64-bit program left in
 * its registers before int 0x80; x32 is an ILP32 ABI.  The instruction
 * pointer is never looked at.
 */
#ifndef SJ_POLICY_H
#define SJ_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../verifier/insn.h"
#include "syscalls.h"

#define SJ_X32_BIT 0x40000000u

enum sj_cmp { SJ_CMP_EQ, SJ_CMP_NE, SJ_CMP_LT, SJ_CMP_LE, SJ_CMP_GT,
	      SJ_CMP_GE };

enum sj_cond_kind {
	SJ_COND_CMP,	/* (args[arg] & mask) op value */
	SJ_COND_IN,	/* (args[arg] & mask) is one of set[0..nset) */
	SJ_COND_AND,	/* l and r */
	SJ_COND_OR,	/* l or r */
	SJ_COND_NOT,	/* not l */
};

struct sj_cond {
	enum sj_cond_kind kind;
	unsigned int arg;	/* CMP, IN: 0..5 */
	enum sj_cmp op;		/* CMP */
	uint64_t mask;		/* CMP, IN: ~0 unless masked */
	uint64_t value;		/* CMP */
	uint64_t *set;		/* IN */
	unsigned int nset;
	struct sj_cond *l, *r;
};

/**
 * struct sj_pol_rule - one rule, its syscalls resolved for each class
 * @action: the SECCOMP_RET_* value it returns, with its data
 * @nr: for each class the rule covers, its numbers (sorted, no
 *	duplicates); NULL for a class it does not cover
 * @nnr: how many, for each class
 * @cond: the condition on the arguments, or NULL for "always"
 * @file: where the rule was written
 * @line: its line there
 */
struct sj_pol_rule {
	uint32_t action;
	uint32_t *nr[SJ_NARCHES];
	unsigned int nnr[SJ_NARCHES];
	struct sj_cond *cond;
	const char *file;
	unsigned int line;
};

/**
 * struct sj_policy - a parsed, resolved policy
 * @covers: the classes the policy covers
 * @default_action: each covered class's default
 * @has_unknown: whether each class has an unknown-syscalls action
 * @unknown_action: that action
 * @other_action: for other architectures and classes not covered
 * @rules: in order
 * @nrules: how many
 * @priv: private to policy.c: what to free with the policy
 */
struct sj_policy {
	bool covers[SJ_NARCHES];
	uint32_t default_action[SJ_NARCHES];
	bool has_unknown[SJ_NARCHES];
	uint32_t unknown_action[SJ_NARCHES];
	uint32_t other_action;
	struct sj_pol_rule *rules;
	unsigned int nrules;
	void *priv;
};

/* Which class @arch/@nr fall in, or -1 for none. */
int sj_policy_class(uint32_t arch, uint32_t nr);

/*
 * Parse @path (with its includes) into @pol.  On error, returns -1 with
 * "file:line:column: what was expected" in @err.
 */
int sj_policy_parse_file(const char *path, struct sj_policy *pol, char *err,
			 size_t errsize);
/* The same, from @len bytes of @text, called @name in messages. */
int sj_policy_parse(const char *name, const char *text, size_t len,
		    struct sj_policy *pol, char *err, size_t errsize);
void sj_policy_free(struct sj_policy *pol);

/* @ret (a SECCOMP_RET_* value) as a policy writes it. */
void sj_policy_action_str(uint32_t ret, char *buf, size_t size);

/* The specification above: @pol's action for @sd. */
uint32_t sj_policy_eval(const struct sj_policy *pol,
			const struct seccomp_data *sd);
/*
 * The same, and which statement decided, in @by: "file:line", "default",
 * "unknown-syscalls" or "other-arches".
 */
uint32_t sj_policy_decide(const struct sj_policy *pol,
			  const struct seccomp_data *sd, char *by, size_t size);
bool sj_cond_eval(const struct sj_cond *c, const uint64_t *args);

/*
 * Where a ret of a compiled policy comes from, besides a rule's index:
 * not a ret; the fallback of an interval of numbers (the first
 * unconditional rule listing the number, else unknown-syscalls, else the
 * default); other-arches.
 */
#define SJ_ORIGIN_NONE		-1
#define SJ_ORIGIN_FALLBACK	-2
#define SJ_ORIGIN_OTHER		-3

/*
 * Compile @pol to a filter (malloc'ed into *@prog, *@len instructions);
 * with @origin, also where each instruction's ret comes from (malloc'ed,
 * *@len entries).  -1 with a message in @err if it does not fit
 * BPF_MAXINSNS.
 */
int sj_policy_compile(const struct sj_policy *pol, struct sock_filter **prog,
		      uint32_t *len, int **origin, char *err, size_t errsize);

/*
 * Which statement of @pol a compiled filter's ret of origin @origin gave
 * for syscall @nr of @arch: "file:line", "default", "unknown-syscalls" or
 * "other-arches", in @buf.
 */
void sj_policy_origin_str(const struct sj_policy *pol, int origin,
			  uint32_t arch, uint32_t nr, char *buf, size_t size);

/*
 * Decide, exactly, whether @prog takes @pol's action on every input
 * (every arch, nr and argument value; the instruction pointer too).
 * 1: it does.  0: it does not: one input where they differ is in
 * @witness (if not NULL) and described in @err.  -1: the filter uses
 * something the check cannot follow (message in @err); callers treat
 * that as "not confirmed".
 */
int sj_policy_confirm(const struct sj_policy *pol,
		      const struct sock_filter *prog, uint32_t len,
		      struct seccomp_data *witness, char *err, size_t errsize);

#endif /* SJ_POLICY_H */
