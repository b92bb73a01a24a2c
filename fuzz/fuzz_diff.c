// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the JIT against the interpreter on valid programs.
 * Raw bytes rarely make a valid filter, so they are decoded into one that
 * the checker must accept, and the fuzzer steers the program and its
 * input instead of fighting the checker.  The input bytes are:
 *
 *	0..63	the first struct seccomp_data the program runs on
 *	64	bit 0: blind the constants; bit 1: read them from the
 *		constant pool instead (the module's form)
 *	68..71	the blinding key
 *	72..	8 bytes per instruction (at most 4095), see decode_insn();
 *		a final "ret a" is appended, so every run returns
 *
 * Missing bytes read as zero.  For every input: the checker accepts the
 * program, the JIT translates it (sized, then emitted, as the module
 * does), and the native image returns what sj_interp() returns, on the
 * first input, on boundary inputs built from the program's constants and
 * on pseudo-random inputs seeded from the fuzz bytes.  Any difference
 * aborts with the program and the input printed.
 *
 * Replay a crash: build/fuzz/fuzz_diff CRASHFILE
 */
#include <stdint.h>
#include <stdlib.h>

#include "../verifier/check.h"
#include "../verifier/interp.h"
#include "../validator/validate.h"
#include "../selftests/unit/agree.h"
#include "fuzz_common.h"

#define OFF_INPUT	0
#define OFF_BLIND	64
#define OFF_KEY		68
#define OFF_INSNS	72
#define INSN_BYTES	8
#define MAX_INPUTS	25
#define RANDOM_INPUTS	8

static struct sj_check_work work;

/* Every opcode seccomp accepts, from the shared table. */
static u16 codes[SJ_NCODES];
static u32 ncodes;

static void init_codes(void)
{
	u32 c;

	for (c = 0; c < SJ_NCODES; c++)
		if (sj_is_seccomp_op(c))
			codes[ncodes++] = c;
}

static u32 bytes_word(const u8 *b)
{
	u32 w;

	memcpy(&w, b, sizeof(w));
	return w;
}

/*
 * Constants where encodings change, which random 32-bit values almost
 * never hit: the ends of the JIT's imm8 range, of 16 and 32 bits, shift
 * counts.
 */
static const u32 edges[] = {
	0, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
	0x10000, 0x7fffffff, 0x80000000, 0xffffffff,
};

/*
 * @sel bits 7-6: 0 or 1 keep the raw @k; 2 takes its low byte
 * sign-extended (-128..127); 3 takes edges[] by the low byte.  Bits 1-0
 * then add -1..2, to land on each side of an edge.
 */
static u32 near_edge(u8 sel, u32 k)
{
	u32 delta = (u32)(sel & 3) - 1;

	switch (sel >> 6) {
	case 2:
		return (u32)(s32)(s8)k + delta;
	case 3:
		return edges[(k & 0xff) % ARRAY_SIZE(edges)] + delta;
	default:
		return k;
	}
}

/*
 * One instruction from 8 bytes: b[0] picks the opcode, b[1] and b[2] are
 * jt and jf, b[4..7] is k, b[3] says where k comes from (near_edge()).
 * Operands are then bent into range: load offsets, divisors, shift counts, jump
 * offsets, scratch slots.  Fields an opcode ignores keep their raw bytes,
 * as a filter from userspace may.  @state: scratch slots written on every
 * path to here, as the checker computes it; a read of a slot not in it
 * reads the next one that is, or becomes a store when none is.
 */
static struct sock_filter decode_insn(const u8 *b, u32 room, u16 *state)
{
	struct sock_filter insn = {
		.code = codes[b[0] % ncodes], .jt = b[1], .jf = b[2],
		.k = bytes_word(b + 4),
	};
	u32 limit = min(room, 255U) + 1, i;
	u16 flags;

	insn.k = near_edge(b[3], insn.k);
	flags = sj_op_flags(insn.code);
	if ((flags & SJ_OP_MEM_RD) && !*state) {
		insn.code = insn.code == (BPF_LD | BPF_MEM) ? BPF_ST : BPF_STX;
		flags = sj_op_flags(insn.code);
	}
	if (flags & SJ_OP_MEM_RD) {
		for (i = 0; !(*state & (1U << ((insn.k + i) % SJ_MEMWORDS))); i++)
			;
		insn.k = (insn.k + i) % SJ_MEMWORDS;
	}
	if (flags & SJ_OP_MEM_WR) {
		insn.k %= SJ_MEMWORDS;
		*state |= 1U << insn.k;
	}
	if (flags & SJ_OP_JA)
		insn.k %= room + 1;
	if (flags & SJ_OP_JCOND) {
		insn.jt %= limit;
		insn.jf %= limit;
	}
	switch (insn.code) {
	case BPF_LD | BPF_W | BPF_ABS:
		insn.k &= SJ_DATA_SIZE - 4;
		break;
	case BPF_ALU | BPF_DIV | BPF_K:
		if (!insn.k)
			insn.k = 1;
		break;
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
		insn.k &= 31;
		break;
	}
	return insn;
}

/*
 * The scratch state flows as in the checker's check_scratch(): into each
 * instruction the intersection over its predecessors, with a jump's state
 * going to its targets only.
 */
static u32 decode(const u8 *bytes, u32 count, struct sock_filter *prog)
{
	static u16 incoming[SJ_MAXINSNS];
	u32 len = count + 1, pc;
	u16 state = 0, flags;

	for (pc = 0; pc < len; pc++)
		incoming[pc] = 0xffff;
	for (pc = 0; pc < count; pc++) {
		state &= incoming[pc];
		prog[pc] = decode_insn(bytes + INSN_BYTES * pc, len - pc - 2,
				       &state);
		flags = sj_op_flags(prog[pc].code);
		if (flags & SJ_OP_JA) {
			incoming[pc + 1 + prog[pc].k] &= state;
			state = 0xffff;
		} else if (flags & SJ_OP_JCOND) {
			incoming[pc + 1 + prog[pc].jt] &= state;
			incoming[pc + 1 + prog[pc].jf] &= state;
			state = 0xffff;
		}
	}
	prog[count] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_A, 0);
	return len;
}

static void build(struct sj_native *n, const struct sock_filter *prog,
		  u32 len, const struct sj_jit_opts *opts)
{
	if (sj_native_build_opts(n, prog, len, opts))
		fuzz_fail(prog, len, NULL,
			  "the JIT refused a checked program (pool %d, blind %d, key 0x%08x)",
			  opts->pool, opts->blind, opts->key);
	if (n->image_len > SJ_JIT_MAX_IMAGE)
		fuzz_fail(prog, len, NULL, "image of %u bytes", n->image_len);
}

int sj_fuzz_one(const u8 *data, size_t size)
{
	static u8 head[OFF_INSNS];
	static struct sock_filter prog[SJ_MAXINSNS];
	struct seccomp_data in[MAX_INPUTS];
	struct sj_jit_opts opts = { 0 };
	struct sj_native n;
	u64 rng = fuzz_hash(data, size);
	static struct sj_validate_work vwork;
	struct sj_validate_opts vopts = { 0 };
	struct sj_validate_result vres;
	struct sj_facts facts;
	struct sj_diag diag;
	u32 count = 0, len, nin, i;
	char text[256];

	if (!ncodes)
		init_codes();
	memset(head, 0, sizeof(head));
	memcpy(head, data, min(size, sizeof(head)));
	if (size > OFF_INSNS)
		count = min((size - OFF_INSNS) / INSN_BYTES,
			    (size_t)SJ_MAXINSNS - 1);
	len = decode(count ? data + OFF_INSNS : NULL, count, prog);

	if (sj_check(prog, len, &work, &facts, &diag)) {
		sj_diag_format(text, sizeof(text), &diag);
		fuzz_fail(prog, len, NULL,
			  "the checker rejects a generated program: %s", text);
	}

	opts.pool = head[OFF_BLIND] & 2;
	opts.blind = !opts.pool && (head[OFF_BLIND] & 1);
	opts.key = bytes_word(head + OFF_KEY);
	if (opts.blind && !opts.key)
		opts.key = 1;	/* as the module: a blinding key is never 0 */
	build(&n, prog, len, &opts);

	/*
	 * The independent validator must accept the image as a translation
	 * of prog (the module refuses to seal anything it does not).
	 */
	vopts.blind = opts.blind;
	vopts.pool = opts.pool;
	vopts.base = (uintptr_t)n.mem;
	vopts.pool_addr = (uintptr_t)n.pool;
	vopts.pool_k = n.pool;
	if (sj_validate(prog, len, n.mem, n.image_len, &vopts, &vwork, &vres))
		fuzz_fail(prog, len, NULL,
			  "the validator refuses the image at offset %u, insn %u: %s",
			  vres.offset, vres.insn, sj_validate_reason(vres.reason));

	memcpy(&in[0], head + OFF_INPUT, sizeof(in[0]));
	nin = 1 + sj_boundary_inputs(prog, len, &in[1],
				     MAX_INPUTS - 1 - RANDOM_INPUTS);
	while (nin < MAX_INPUTS)
		sj_random_input(&rng, prog, len, &in[nin++]);
	for (i = 0; i < nin; i++) {
		u32 want = sj_interp(prog, len, &in[i]);
		u32 got = sj_native_run(&n, &in[i]);

		if (want != got)
			fuzz_fail(prog, len, &in[i],
				  "interpreter 0x%08x, jit 0x%08x (input %u, pool %d, blind %d, key 0x%08x)",
				  want, got, i, opts.pool, opts.blind, opts.key);
	}
	sj_native_free(&n);
	return 0;
}
