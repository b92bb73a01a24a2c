/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SJ_INTERP_H
#define SJ_INTERP_H

#include "check.h"	/* the contract of sj_interp_words() */

u32 sj_alu(u16 op, u32 a, u32 v);
bool sj_jump_taken(u16 op, u32 a, u32 v);
u32 sj_interp_words(const struct sock_filter *prog, u32 len, const u32 *data);
u32 sj_interp(const struct sock_filter *prog, u32 len,
	      const struct seccomp_data *sd);

#endif /* SJ_INTERP_H */
