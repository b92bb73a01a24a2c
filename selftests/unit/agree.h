/* SPDX-License-Identifier: GPL-2.0 */
/* Differential checks shared by the table and random tests. */
#ifndef SJ_AGREE_H
#define SJ_AGREE_H

#include "runner.h"

/* A seccomp_data built from the constants a program compares against. */
#define SJ_AGREE_MAX_INPUTS 64

u32 sj_boundary_inputs(const struct sock_filter *prog, u32 len,
		       struct seccomp_data *in, u32 max);
u64 sj_rand64(u64 *state);
void sj_random_input(u64 *state, const struct sock_filter *prog, u32 len,
		     struct seccomp_data *in);
int sj_agree(const struct sj_native *n, const struct sock_filter *prog,
	     u32 len, const struct seccomp_data *in, u32 count, u32 *bad);
void sj_print_prog(const struct sock_filter *prog, u32 len);

#endif /* SJ_AGREE_H */
