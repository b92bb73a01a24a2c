// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runner.h"

static struct sj_jit_work jit_work;
static u32 key_state = 0x2545f491;

/*
 * As the module builds images: constants blinded with a key that changes
 * from image to image (a plain ret stands for the return thunk, which
 * userspace does not have).  Return: 0, or -1 if the JIT refused or the
 * mapping failed.
 */
int sj_native_build(struct sj_native *n, const struct sock_filter *prog,
		    u32 len)
{
	struct sj_jit_opts opts = { .blind = true };

	key_state = key_state * 1103515245 + 12345;
	opts.key = key_state | 1;
	return sj_native_build_opts(n, prog, len, &opts);
}

int sj_native_build_opts(struct sj_native *n, const struct sock_filter *prog,
			 u32 len, const struct sj_jit_opts *opts)
{
	long page = sysconf(_SC_PAGESIZE);
	u32 image_len;

	if (sj_jit_compile(prog, len, opts, NULL, 0, &image_len, &jit_work))
		return -1;
	n->size = (image_len + page - 1) / page * page;
	n->mem = mmap(NULL, n->size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (n->mem == MAP_FAILED)
		return -1;
	if (sj_jit_compile(prog, len, opts, n->mem, n->size, &n->image_len,
			   &jit_work) ||
	    mprotect(n->mem, n->size, PROT_READ | PROT_EXEC)) {
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
