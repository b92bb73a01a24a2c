/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Random programs the checker must accept, for the random differential
 * test and the validator's tests.  Every choice comes from a splitmix64
 * state (sj_rand64()), so a printed seed replays a run.
 */
#ifndef SJ_GEN_H
#define SJ_GEN_H

#include "../../verifier/insn.h"

u32 sj_gen_pick(u64 *rng, u32 n);
u32 sj_gen_constant(u64 *rng);
u32 sj_gen_program_len(u64 *rng, struct sock_filter *prog, u32 len,
		       u16 *incoming);
u32 sj_gen_program(u64 *rng, struct sock_filter *prog, u16 *incoming);

#endif /* SJ_GEN_H */
