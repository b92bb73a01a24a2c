/* SPDX-License-Identifier: GPL-2.0 */
/* `sealjit jit`: a JIT image listed against the instructions it came from. */
#ifndef SJ_LISTING_H
#define SJ_LISTING_H

#include "../verifier/insn.h"

int sj_print_listing(const struct sock_filter *prog, u32 len,
		     const u8 *image, u32 image_len, const u32 *addrs,
		     bool hex);

#endif /* SJ_LISTING_H */
