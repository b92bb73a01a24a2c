// SPDX-License-Identifier: GPL-2.0
/*
 * Random valid programs: the checker must accept every one, and the JIT
 * must agree with the interpreter on every input.  A failure prints the
 * seed and the program index: `test_random -s SEED -n COUNT` replays it.
 */
#include <getopt.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../../verifier/check.h"
#include "../../verifier/interp.h"
#include "agree.h"
#include "gen.h"
#include "tap.h"

#define INPUTS_PER_PROG 16

int main(int argc, char **argv)
{
	static struct sock_filter prog[SJ_MAXINSNS];
	static struct sj_check_work work;
	static u16 incoming[SJ_MAXINSNS];
	struct seccomp_data in[INPUTS_PER_PROG];
	u64 seed = (u64)time(NULL) ^ ((u64)getpid() << 32), rng;
	u32 count = 100000, i, j, bad, rejected = 0, mismatches = 0;
	u64 insns = 0, runs = 0, passes = 0;
	struct timespec t0, t1;
	double secs;
	int c;

	while ((c = getopt(argc, argv, "n:s:")) != -1) {
		if (c == 'n')
			count = (u32)strtoul(optarg, NULL, 0);
		else if (c == 's')
			seed = strtoull(optarg, NULL, 0);
		else
			return fprintf(stderr, "usage: %s [-n COUNT] [-s SEED]\n",
				       argv[0]), 2;
	}
	printf("# random programs: seed 0x%016llx, count %u (replay: -s 0x%016llx -n %u)\n",
	       (unsigned long long)seed, count, (unsigned long long)seed, count);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rng = seed;
	for (i = 0; i < count && mismatches + rejected < 5; i++) {
		struct sj_jit_opts opts = { 0 };
		struct sj_facts facts;
		struct sj_native n;
		struct sj_diag diag;
		u32 len = sj_gen_program(&rng, prog, incoming);
		char text[256];

		insns += len;
		if (sj_check(prog, len, &work, &facts, &diag)) {
			sj_diag_format(text, sizeof(text), &diag);
			printf("# program %u rejected: %s", i, text);
			sj_print_prog(prog, len);
			rejected++;
			continue;
		}
		/* Every emitter path: pool (the module's), blinded, plain. */
		switch (sj_rand64(&rng) % 3) {
		case 0:
			opts.pool = true;
			break;
		case 1:
			opts.blind = true;
			break;
		}
		opts.key = (u32)sj_rand64(&rng) | 1;
		if (sj_native_build_opts(&n, prog, len, &opts)) {
			printf("# program %u: the jit refused it\n", i);
			sj_print_prog(prog, len);
			mismatches++;
			continue;
		}
		passes += n.passes;
		for (j = 0; j < INPUTS_PER_PROG; j++)
			sj_random_input(&rng, prog, len, &in[j]);
		runs += INPUTS_PER_PROG;
		if (sj_agree(&n, prog, len, in, INPUTS_PER_PROG, &bad)) {
			printf("# program %u (seed 0x%016llx) disagrees on input %u\n",
			       i, (unsigned long long)seed, bad);
			sj_print_prog(prog, len);
			mismatches++;
		}
		sj_native_free(&n);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# %u programs, %llu instructions, %llu runs, %.1f sizing passes on average, %.1f s (%.0f programs/s)\n",
	       i, (unsigned long long)insns, (unsigned long long)runs,
	       i ? (double)passes / i : 0.0, secs, secs > 0 ? i / secs : 0.0);
	tap_ok(rejected == 0, "the checker accepts all %u generated programs", i);
	tap_ok(mismatches == 0 && i == count,
	       "random: %u programs, %u mismatches between jit and interpreter",
	       i, mismatches);
	return tap_done();
}
