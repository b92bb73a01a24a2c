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
#include "tap.h"

#define INPUTS_PER_PROG 16

static const u32 interesting[] = {
	0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 33, 63, 64, 127, 128, 255, 256,
	0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x80000001,
	0xfffffffe, 0xffffffff, SECCOMP_RET_ALLOW, SECCOMP_RET_KILL_PROCESS,
	SECCOMP_RET_ERRNO | 1, SECCOMP_RET_TRAP,
};

static u32 pick(u64 *rng, u32 n)
{
	return (u32)(sj_rand64(rng) % n);
}

static u32 constant(u64 *rng)
{
	if (pick(rng, 3))
		return interesting[pick(rng, sizeof(interesting) / sizeof(u32))];
	return (u32)sj_rand64(rng);
}

/* A slot written on every path here, or -1 if none. */
static int written_slot(u64 *rng, u16 state)
{
	u32 start = pick(rng, SJ_MEMWORDS), i;

	for (i = 0; i < SJ_MEMWORDS; i++)
		if (state & (1U << ((start + i) % SJ_MEMWORDS)))
			return (int)((start + i) % SJ_MEMWORDS);
	return -1;
}

static u32 jump_offset(u64 *rng, u32 room, u32 max)
{
	u32 limit = room < max ? room : max;

	if (pick(rng, 4) == 0)
		return limit;	/* as far as allowed: boundary cases */
	return pick(rng, (limit < 16 ? limit : 16) + 1);
}

static const u16 alu_ops[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND,
			       BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH };
static const u16 jmp_ops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };

static struct sock_filter gen_one(u64 *rng, u32 pc, u32 len, u16 *state)
{
	u32 room = len - pc - 2;	/* insns after pc, the last excluded */
	u16 op;
	int slot;

	switch (pick(rng, 16)) {
	case 0: case 1:
		return (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						    4 * pick(rng, 16));
	case 2:
		return (struct sock_filter)BPF_STMT(
			pick(rng, 2) ? BPF_LD | BPF_IMM : BPF_LDX | BPF_IMM,
			constant(rng));
	case 3:
		return (struct sock_filter)BPF_STMT(pick(rng, 2) ?
			BPF_LD | BPF_W | BPF_LEN : BPF_LDX | BPF_W | BPF_LEN, 0);
	case 4:
		slot = written_slot(rng, *state);
		if (slot >= 0)
			return (struct sock_filter)BPF_STMT(pick(rng, 2) ?
				BPF_LD | BPF_MEM : BPF_LDX | BPF_MEM, (u32)slot);
		/* none written yet: write one instead */
		__attribute__((fallthrough));
	case 5:
		slot = (int)pick(rng, SJ_MEMWORDS);
		*state |= (u16)(1U << slot);
		return (struct sock_filter)BPF_STMT(pick(rng, 2) ? BPF_ST : BPF_STX,
						    (u32)slot);
	case 6: case 7: case 8:
		op = alu_ops[pick(rng, sizeof(alu_ops) / sizeof(u16))];
		if (pick(rng, 2))
			return (struct sock_filter)BPF_STMT(BPF_ALU | op | BPF_X, 0);
		if (op == BPF_LSH || op == BPF_RSH)
			return (struct sock_filter)BPF_STMT(BPF_ALU | op | BPF_K,
							    pick(rng, 32));
		return (struct sock_filter)BPF_STMT(BPF_ALU | op | BPF_K,
			op == BPF_DIV ? constant(rng) | (pick(rng, 2) ? 1 : 0x100) :
					constant(rng));
	case 9:
		return (struct sock_filter)BPF_STMT(BPF_ALU | BPF_NEG, 0);
	case 10:
		return (struct sock_filter)BPF_STMT(BPF_MISC |
			(pick(rng, 2) ? BPF_TAX : BPF_TXA), 0);
	case 11:
		return (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA,
						    jump_offset(rng, room, room));
	case 12:
		return (struct sock_filter)BPF_STMT(BPF_RET |
			(pick(rng, 2) ? BPF_A : BPF_K), constant(rng));
	default:
		op = jmp_ops[pick(rng, sizeof(jmp_ops) / sizeof(u16))];
		return (struct sock_filter)BPF_JUMP(BPF_JMP | op |
			(pick(rng, 2) ? BPF_X : BPF_K), constant(rng),
			(u8)jump_offset(rng, room, 255),
			(u8)jump_offset(rng, room, 255));
	}
}

/*
 * Generates a program the checker must accept: the scratch state is
 * tracked exactly as the checker computes it, so that loads only read
 * slots written on every path.
 */
static u32 gen_program(u64 *rng, struct sock_filter *prog, u16 *incoming)
{
	u32 r = pick(rng, 100), len, pc;
	u16 state = 0;

	len = r < 70 ? 1 + pick(rng, 32) : r < 97 ? 33 + pick(rng, 300) :
	      300 + pick(rng, SJ_MAXINSNS - 300 + 1);
	for (pc = 0; pc < len; pc++)
		incoming[pc] = 0xffff;
	for (pc = 0; pc + 1 < len; pc++) {
		struct sock_filter *insn = &prog[pc];
		u16 flags;

		state &= incoming[pc];
		*insn = gen_one(rng, pc, len, &state);
		flags = sj_op_flags(insn->code);
		if (flags & SJ_OP_JA) {
			incoming[pc + 1 + insn->k] &= state;
			state = 0xffff;
		} else if (flags & SJ_OP_JCOND) {
			incoming[pc + 1 + insn->jt] &= state;
			incoming[pc + 1 + insn->jf] &= state;
			state = 0xffff;
		}
	}
	prog[len - 1] = (struct sock_filter)BPF_STMT(BPF_RET |
		(pick(rng, 2) ? BPF_A : BPF_K), constant(rng));
	return len;
}

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
		u32 len = gen_program(&rng, prog, incoming);
		char text[256];

		insns += len;
		if (sj_check(prog, len, &work, &facts, &diag)) {
			sj_diag_format(text, sizeof(text), &diag);
			printf("# program %u rejected: %s", i, text);
			sj_print_prog(prog, len);
			rejected++;
			continue;
		}
		/* Both emitter paths: blinded (the module's) and plain. */
		opts.blind = sj_rand64(&rng) & 1;
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
