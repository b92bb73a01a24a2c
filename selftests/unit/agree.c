// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "../../verifier/interp.h"
#include "agree.h"

/* splitmix64: tiny, good enough, and replayable from a printed seed. */
u64 sj_rand64(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void fill_words(struct seccomp_data *in, u32 v)
{
	u32 *w = (u32 *)in;
	u32 i;

	for (i = 0; i < SJ_DATA_SIZE / 4; i++)
		w[i] = v;
}

/*
 * Every word equal to 0, 1, 0x7fffffff, 0x80000000, 0xffffffff, and to
 * each constant k of the program, k - 1 and k + 1: so each comparison of
 * the program is seen both ways and at its edge.
 */
u32 sj_boundary_inputs(const struct sock_filter *prog, u32 len,
		       struct seccomp_data *in, u32 max)
{
	static const u32 fixed[] = { 0, 1, 0x7fffffff, 0x80000000, 0xffffffff };
	u32 n = 0, i, d;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && n < max; i++)
		fill_words(&in[n++], fixed[i]);
	for (i = 0; i < len && n + 3 <= max; i++) {
		if (BPF_CLASS(prog[i].code) != BPF_JMP &&
		    BPF_CLASS(prog[i].code) != BPF_ALU)
			continue;
		for (d = 0; d < 3; d++)
			fill_words(&in[n++], prog[i].k + d - 1);
	}
	return n;
}

void sj_random_input(u64 *state, const struct sock_filter *prog, u32 len,
		     struct seccomp_data *in)
{
	u32 *w = (u32 *)in;
	u32 i;

	for (i = 0; i < SJ_DATA_SIZE / 4; i++) {
		u64 r = sj_rand64(state);

		/* Half the words hit a constant of the program. */
		if ((r & 1) && len)
			w[i] = prog[(r >> 8) % len].k + (u32)((r >> 40) % 3) - 1;
		else
			w[i] = (u32)(r >> 16);
	}
}

/* Return: 0 if JIT and interpreter agree on every input, else -1. */
int sj_agree(const struct sj_native *n, const struct sock_filter *prog,
	     u32 len, const struct seccomp_data *in, u32 count, u32 *bad)
{
	u32 i;

	for (i = 0; i < count; i++) {
		u32 want = sj_interp(prog, len, &in[i]);
		u32 got = sj_native_run(n, &in[i]);

		if (want != got) {
			*bad = i;
			printf("# input %u: interpreter 0x%08x, jit 0x%08x\n",
			       i, want, got);
			return -1;
		}
	}
	return 0;
}

void sj_print_prog(const struct sock_filter *prog, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		printf("#   { 0x%02x, %u, %u, 0x%08x },\n", prog[i].code,
		       prog[i].jt, prog[i].jf, prog[i].k);
}
