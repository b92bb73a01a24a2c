// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runner.h"

static struct sj_jit_work jit_work;

/*
 * As the module builds images: every constant read from the constant pool
 * (a plain ret stands for the return thunk, which userspace does not have).
 * Return: 0, or -1 if the JIT refused or the mapping failed.
 */
int sj_native_build(struct sj_native *n, const struct sock_filter *prog,
		    u32 len)
{
	const struct sj_jit_opts opts = { .pool = true };

	return sj_native_build_opts(n, prog, len, &opts);
}

/*
 * The image in pages of its own, read-execute once written; with
 * opts->pool, the pool in the pages after them, read-only (their addresses
 * replace opts->base and opts->pool_addr).
 */
int sj_native_build_opts(struct sj_native *n, const struct sock_filter *prog,
			 u32 len, const struct sj_jit_opts *opts)
{
	long page = sysconf(_SC_PAGESIZE);
	struct sj_jit_opts at = *opts;
	u32 image_len;
	size_t pool_size = 0;

	if (sj_jit_compile(prog, len, opts, NULL, 0, &image_len, &jit_work))
		return -1;
	n->size = (image_len + page - 1) / page * page;
	if (opts->pool)
		pool_size = (4 * len + page - 1) / page * page;
	n->mem = mmap(NULL, n->size + pool_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (n->mem == MAP_FAILED)
		return -1;
	n->pool = opts->pool ? (u32 *)((u8 *)n->mem + n->size) : NULL;
	at.base = (uintptr_t)n->mem;
	at.pool_addr = (uintptr_t)n->pool;
	if (n->pool)
		sj_jit_fill_pool(prog, len, n->pool);
	n->size += pool_size;
	if (sj_jit_compile(prog, len, &at, n->mem, n->size - pool_size,
			   &n->image_len, &jit_work) ||
	    mprotect(n->mem, n->size - pool_size, PROT_READ | PROT_EXEC) ||
	    (pool_size && mprotect(n->pool, pool_size, PROT_READ))) {
		munmap(n->mem, n->size);
		return -1;
	}
	n->passes = jit_work.passes;
	return 0;
}

u32 sj_native_run(const struct sj_native *n, const struct seccomp_data *sd)
{
	sj_image_fn fn = (sj_image_fn)n->mem;

	return fn(sd);
}

void sj_native_free(struct sj_native *n)
{
	munmap(n->mem, n->size);
}
