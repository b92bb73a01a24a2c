/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checker's table: every acceptance rule and every rejection class,
 * each with the exact diagnostic text (NULL: accepted).  One table, run
 * against the userspace checker (unit/test_check.c) and against the
 * module's CHECK request in the VM (kernel/dev_test.c).
 */
#ifndef SJ_CHECK_TABLE_H
#define SJ_CHECK_TABLE_H

#include "../verifier/check.h"

struct check_case {
	const char *name;
	const struct sock_filter *prog;
	u32 len;
	u32 (*build)(struct sock_filter *out);	/* used if prog is NULL */
	const char *diag;			/* NULL: must be accepted */
	u32 longest;				/* 0: don't care */
	u32 uses;				/* SEALJIT_USES_* expected */
};

extern const struct check_case check_cases[];
extern const unsigned int check_ncases;

/* The program of @c, built into @buf (SJ_MAXINSNS + 1 entries) if need be. */
const struct sock_filter *check_case_prog(const struct check_case *c,
					  struct sock_filter *buf, u32 *len);

#endif /* SJ_CHECK_TABLE_H */
