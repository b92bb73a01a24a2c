/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs JIT images natively in userspace, W^X as in the kernel: the image is
 * written into a read-write mapping which is then made read-execute, and
 * its constant pool, if it has one, follows it read-only.
 */
#ifndef SJ_RUNNER_H
#define SJ_RUNNER_H

#include "../../jit/jit.h"

struct sj_native {
	void *mem;
	size_t size;	/* of the mapping: image pages, then pool pages */
	u32 *pool;	/* the constant pool, or NULL */
	u32 image_len;
	u32 passes;
};

int sj_native_build(struct sj_native *n, const struct sock_filter *prog,
		    u32 len);
int sj_native_build_opts(struct sj_native *n, const struct sock_filter *prog,
			 u32 len, const struct sj_jit_opts *opts);
u32 sj_native_run(const struct sj_native *n, const struct seccomp_data *sd);
void sj_native_free(struct sj_native *n);

#endif /* SJ_RUNNER_H */
