// SPDX-License-Identifier: GPL-2.0
/*
 * Execution table: (program, input, expected result), run through the
 * interpreter and through the JIT natively; then every program also runs
 * on boundary inputs, where the JIT must agree with the interpreter.
 * Programs shaped after real JIT bugs are built at the end.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>

#include "../../verifier/check.h"
#include "../../verifier/interp.h"
#include "agree.h"
#include "tap.h"

#define PROG(...) \
	.prog = (const struct sock_filter[]){ __VA_ARGS__ }, \
	.len = sizeof((const struct sock_filter[]){ __VA_ARGS__ }) / \
	       sizeof(struct sock_filter)
#define S(code, k)		BPF_STMT(code, k)
#define J(code, k, jt, jf)	BPF_JUMP(code, k, jt, jf)
#define RET_A			S(BPF_RET | BPF_A, 0)
#define LD_IMM(k)		S(BPF_LD | BPF_IMM, k)
#define LDX_IMM(k)		S(BPF_LDX | BPF_IMM, k)
#define ALU_K(op, k)		S(BPF_ALU | (op) | BPF_K, k)
#define ALU_X(op)		S(BPF_ALU | (op) | BPF_X, 0)
#define LD_ABS(k)		S(BPF_LD | BPF_W | BPF_ABS, k)

struct exec_case {
	const char *name;
	const struct sock_filter *prog;
	u32 len;
	struct seccomp_data in;
	u32 expect;
};

/* Two-instruction programs: A = a, then op with K or with X = x. */
#define BIN_K(name, a, op, k, want) \
	{ name, PROG(LD_IMM(a), ALU_K(op, k), RET_A), .expect = (want) }
#define BIN_X(name, a, op, x, want) \
	{ name, PROG(LD_IMM(a), LDX_IMM(x), ALU_X(op), RET_A), .expect = (want) }
/* A = a; jump on K: returns 1 if taken, 2 if not. */
#define JMP_K(name, a, op, k, want) \
	{ name, PROG(LD_IMM(a), J(BPF_JMP | (op) | BPF_K, k, 0, 1), \
		     S(BPF_RET | BPF_K, 1), S(BPF_RET | BPF_K, 2)), \
	  .expect = (want) }
#define JMP_X(name, a, op, x, want) \
	{ name, PROG(LD_IMM(a), LDX_IMM(x), J(BPF_JMP | (op) | BPF_X, 0, 0, 1), \
		     S(BPF_RET | BPF_K, 1), S(BPF_RET | BPF_K, 2)), \
	  .expect = (want) }

static const struct exec_case cases[] = {
	/* Entry state, returns. */
	{ "ret #k returns k", PROG(S(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1)),
	  .expect = SECCOMP_RET_ERRNO | 1 },
	{ "ret a as the first instruction returns 0 (A = 0 on entry)",
	  PROG(RET_A), .expect = 0 },
	{ "X is 0 on entry", PROG(S(BPF_MISC | BPF_TXA, 0), RET_A), .expect = 0 },

	/* Loads: every field, both halves, native byte order. */
	{ "ld [0] loads nr", PROG(LD_ABS(0), RET_A), .in = { .nr = -1 },
	  .expect = 0xffffffff },
	{ "ld [4] loads arch", PROG(LD_ABS(4), RET_A),
	  .in = { .arch = AUDIT_ARCH_X86_64 }, .expect = AUDIT_ARCH_X86_64 },
	{ "ld [8] loads the low half of the ip", PROG(LD_ABS(8), RET_A),
	  .in = { .instruction_pointer = 0x1122334455667788ULL },
	  .expect = 0x55667788 },
	{ "ld [12] loads the high half of the ip", PROG(LD_ABS(12), RET_A),
	  .in = { .instruction_pointer = 0x1122334455667788ULL },
	  .expect = 0x11223344 },
	{ "ld [16] loads the low half of args[0]", PROG(LD_ABS(16), RET_A),
	  .in = { .args = { 0xdeadbeefcafef00dULL } }, .expect = 0xcafef00d },
	{ "ld [20] loads the high half of args[0]", PROG(LD_ABS(20), RET_A),
	  .in = { .args = { 0xdeadbeefcafef00dULL } }, .expect = 0xdeadbeef },
	{ "ld [56] loads the low half of args[5]", PROG(LD_ABS(56), RET_A),
	  .in = { .args = { 0, 0, 0, 0, 0, 0x0123456789abcdefULL } },
	  .expect = 0x89abcdef },
	{ "ld [60] loads the high half of args[5]", PROG(LD_ABS(60), RET_A),
	  .in = { .args = { 0, 0, 0, 0, 0, 0x0123456789abcdefULL } },
	  .expect = 0x01234567 },
	{ "ld #len is 64", PROG(S(BPF_LD | BPF_W | BPF_LEN, 0), RET_A),
	  .expect = 64 },
	{ "ldx #len is 64", PROG(S(BPF_LDX | BPF_W | BPF_LEN, 0),
				  S(BPF_MISC | BPF_TXA, 0), RET_A), .expect = 64 },
	{ "ld #k", PROG(LD_IMM(0x80000000), RET_A), .expect = 0x80000000 },
	{ "ldx #k, txa", PROG(LDX_IMM(7), S(BPF_MISC | BPF_TXA, 0), RET_A),
	  .expect = 7 },
	{ "tax copies A to X", PROG(LD_IMM(9), S(BPF_MISC | BPF_TAX, 0),
				    LD_IMM(0), S(BPF_MISC | BPF_TXA, 0), RET_A),
	  .expect = 9 },
	{ "st and ld M[] round trip through every slot", PROG(
		LD_IMM(1), S(BPF_ST, 0), LD_IMM(2), S(BPF_ST, 1),
		LD_IMM(4), S(BPF_ST, 2), LD_IMM(8), S(BPF_ST, 3),
		LD_IMM(16), S(BPF_ST, 4), LD_IMM(32), S(BPF_ST, 5),
		LD_IMM(64), S(BPF_ST, 6), LD_IMM(128), S(BPF_ST, 7),
		LDX_IMM(256), S(BPF_STX, 8), LDX_IMM(512), S(BPF_STX, 9),
		LDX_IMM(1024), S(BPF_STX, 10), LDX_IMM(2048), S(BPF_STX, 11),
		LDX_IMM(4096), S(BPF_STX, 12), LDX_IMM(8192), S(BPF_STX, 13),
		LDX_IMM(16384), S(BPF_STX, 14), LDX_IMM(32768), S(BPF_STX, 15),
		LD_IMM(0),
		S(BPF_LDX | BPF_MEM, 0), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 1), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 2), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 3), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 4), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 5), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 6), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 7), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 8), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 9), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 10), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 11), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 12), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 13), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 14), ALU_X(BPF_ADD),
		S(BPF_LDX | BPF_MEM, 15), ALU_X(BPF_ADD),
		S(BPF_ST, 0), LD_IMM(0), S(BPF_LD | BPF_MEM, 0),
		RET_A), .expect = 0xffff },

	/* Arithmetic is unsigned 32-bit and wraps. */
	BIN_K("add #k wraps", 0xffffffff, BPF_ADD, 2, 1),
	BIN_X("add x wraps", 0xffffffff, BPF_ADD, 2, 1),
	BIN_K("add #k with a negative imm8", 5, BPF_ADD, 0xffffffff, 4),
	BIN_K("sub #k wraps", 0, BPF_SUB, 1, 0xffffffff),
	BIN_X("sub x wraps", 0, BPF_SUB, 1, 0xffffffff),
	BIN_K("mul #k wraps to 0", 0x10000, BPF_MUL, 0x10000, 0),
	BIN_X("mul x keeps the low 32 bits", 0xffffffff, BPF_MUL, 0xffffffff, 1),
	BIN_K("mul #k by an imm8", 3, BPF_MUL, 5, 15),
	BIN_K("div #k truncates", 7, BPF_DIV, 2, 3),
	BIN_K("div by constant 1", 0xfffffffe, BPF_DIV, 1, 0xfffffffe),
	BIN_K("div by constant 0xffffffff (max)", 0xffffffff, BPF_DIV,
	      0xffffffff, 1),
	BIN_K("div by constant 0xffffffff (below)", 0xfffffffe, BPF_DIV,
	      0xffffffff, 0),
	BIN_K("div is unsigned", 0x80000000, BPF_DIV, 2, 0x40000000),
	BIN_X("div x", 100, BPF_DIV, 7, 14),
	BIN_X("div x by 0xffffffff", 0xffffffff, BPF_DIV, 0xffffffff, 1),
	{ "div x by 0 makes the filter return 0, whatever follows", PROG(
		LD_IMM(5), LDX_IMM(0), ALU_X(BPF_DIV),
		S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)), .expect = 0 },
	BIN_K("and #k", 0xf0f0f0f0, BPF_AND, 0xff00ff00, 0xf000f000),
	BIN_X("and x", 0xf0f0f0f0, BPF_AND, 0x0ff00ff0, 0x00f000f0),
	BIN_K("or #k", 0xf0000000, BPF_OR, 0x0000000f, 0xf000000f),
	BIN_X("or x", 1, BPF_OR, 0x80000000, 0x80000001),
	BIN_K("xor #k", 0xffffffff, BPF_XOR, 0x0f0f0f0f, 0xf0f0f0f0),
	BIN_X("xor x", 0x1234, BPF_XOR, 0x1234, 0),
	BIN_K("lsh by constant 0", 0x12345678, BPF_LSH, 0, 0x12345678),
	BIN_K("lsh by constant 31", 3, BPF_LSH, 31, 0x80000000),
	BIN_K("rsh by constant 31", 0x80000000, BPF_RSH, 31, 1),
	BIN_K("rsh is logical", 0x80000000, BPF_RSH, 4, 0x08000000),
	BIN_X("lsh by x = 0", 5, BPF_LSH, 0, 5),
	BIN_X("lsh by x = 32 shifts by 0 (count masked to 5 bits)", 5,
	      BPF_LSH, 32, 5),
	BIN_X("lsh by x = 33 shifts by 1", 5, BPF_LSH, 33, 10),
	BIN_X("rsh by x = 0xffffffff shifts by 31", 0x80000000, BPF_RSH,
	      0xffffffff, 1),
	BIN_X("rsh by x = 31", 0xffffffff, BPF_RSH, 31, 1),
	{ "neg 1", PROG(LD_IMM(1), S(BPF_ALU | BPF_NEG, 0), RET_A),
	  .expect = 0xffffffff },
	{ "neg 0", PROG(S(BPF_ALU | BPF_NEG, 0), RET_A), .expect = 0 },
	{ "neg 0x80000000", PROG(LD_IMM(0x80000000), S(BPF_ALU | BPF_NEG, 0),
				 RET_A), .expect = 0x80000000 },

	/* Jumps: unsigned comparisons, both outcomes. */
	JMP_K("jeq #k taken", 5, BPF_JEQ, 5, 1),
	JMP_K("jeq #k not taken", 5, BPF_JEQ, 6, 2),
	JMP_X("jeq x taken", 0xffffffff, BPF_JEQ, 0xffffffff, 1),
	JMP_K("jgt #k is unsigned", 0xffffffff, BPF_JGT, 1, 1),
	JMP_K("jgt #0x80000000 is unsigned", 0x80000001, BPF_JGT, 0x80000000, 1),
	JMP_K("jgt #0xffffffff is never taken", 0xffffffff, BPF_JGT,
	      0xffffffff, 2),
	JMP_K("jgt #k equal is not taken", 7, BPF_JGT, 7, 2),
	JMP_X("jgt x is unsigned", 0x80000000, BPF_JGT, 0x7fffffff, 1),
	JMP_K("jge #k equal is taken", 7, BPF_JGE, 7, 1),
	JMP_K("jge #0xffffffff", 0xffffffff, BPF_JGE, 0xffffffff, 1),
	JMP_K("jge #k below is not taken", 6, BPF_JGE, 7, 2),
	JMP_X("jge x", 0, BPF_JGE, 1, 2),
	JMP_K("jset #k taken", 0x80000000, BPF_JSET, 0x80000001, 1),
	JMP_K("jset #k not taken", 0x7fffffff, BPF_JSET, 0x80000000, 2),
	JMP_X("jset x taken", 3, BPF_JSET, 2, 1),
	JMP_X("jset x not taken", 4, BPF_JSET, 3, 2),
	{ "ja skips", PROG(S(BPF_JMP | BPF_JA, 1), S(BPF_RET | BPF_K, 1),
			   S(BPF_RET | BPF_K, 2)), .expect = 2 },
	{ "ja 0 falls through", PROG(S(BPF_JMP | BPF_JA, 0),
				     S(BPF_RET | BPF_K, 3)), .expect = 3 },
	{ "jt = jf goes there either way", PROG(
		J(BPF_JMP | BPF_JEQ | BPF_K, 1, 1, 1), S(BPF_RET | BPF_K, 1),
		S(BPF_RET | BPF_K, 2)), .expect = 2 },
	{ "jt and jf both non-zero (true)", PROG(
		J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 2), S(BPF_RET | BPF_K, 1),
		S(BPF_RET | BPF_K, 2), S(BPF_RET | BPF_K, 3)), .expect = 2 },
	{ "jt and jf both non-zero (false)", PROG(
		J(BPF_JMP | BPF_JEQ | BPF_K, 1, 1, 2), S(BPF_RET | BPF_K, 1),
		S(BPF_RET | BPF_K, 2), S(BPF_RET | BPF_K, 3)), .expect = 3 },
	{ "a typical allow-list filter allows read", PROG(
		LD_ABS(4), J(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		S(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		LD_ABS(0), J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		S(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1)),
	  .in = { .nr = 0, .arch = AUDIT_ARCH_X86_64 },
	  .expect = SECCOMP_RET_ALLOW },
	{ "a typical allow-list filter kills a foreign arch", PROG(
		LD_ABS(4), J(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		S(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		LD_ABS(0), J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		S(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1)),
	  .in = { .nr = 0, .arch = AUDIT_ARCH_I386 },
	  .expect = SECCOMP_RET_KILL_PROCESS },
};

static struct sj_check_work check_work;
static struct seccomp_data inputs[SJ_AGREE_MAX_INPUTS + 64];

static void agree_on_inputs(const char *name, const struct sock_filter *prog,
			    u32 len, const struct sj_native *n, u64 seed)
{
	u32 count, bad, i;

	count = sj_boundary_inputs(prog, len, inputs, SJ_AGREE_MAX_INPUTS);
	for (i = 0; i < 64; i++)
		sj_random_input(&seed, prog, len, &inputs[count++]);
	if (!tap_ok(!sj_agree(n, prog, len, inputs, count, &bad),
		    "jit agrees with the interpreter on %u inputs: %s",
		    count, name))
		sj_print_prog(prog, len);
}

static void run_case(const struct exec_case *c)
{
	struct sj_facts facts;
	struct sj_native n;
	struct sj_diag diag;
	u32 got;

	if (!tap_ok(!sj_check(c->prog, c->len, &check_work, &facts, &diag),
		    "checker accepts: %s", c->name))
		return;
	got = sj_interp(c->prog, c->len, &c->in);
	if (!tap_ok(got == c->expect, "interpreter: %s", c->name))
		tap_diag("expected 0x%08x, got 0x%08x", c->expect, got);
	if (!tap_ok(!sj_native_build(&n, c->prog, c->len), "jit compiles: %s",
		    c->name))
		return;
	got = sj_native_run(&n, &c->in);
	if (!tap_ok(got == c->expect, "jit: %s", c->name))
		tap_diag("expected 0x%08x, got 0x%08x", c->expect, got);
	agree_on_inputs(c->name, c->prog, c->len, &n, 1);
	sj_native_free(&n);
}

static struct sock_filter big[SJ_MAXINSNS];

/* Compiles, checks and compares a built program; returns the native image. */
static int build_and_agree(const char *name, u32 len, struct sj_native *n)
{
	struct sj_facts facts;
	struct sj_diag diag;

	if (!tap_ok(!sj_check(big, len, &check_work, &facts, &diag),
		    "checker accepts: %s", name) ||
	    !tap_ok(!sj_native_build(n, big, len), "jit compiles: %s", name))
		return -1;
	agree_on_inputs(name, big, len, n, len);
	return 0;
}

/*
 * jeq #0 with jf = 0 and jt over fillers of 2 bytes (add x) and 3 bytes
 * (lsh #0): the branch displacement is exactly @disp bytes, so the form
 * must switch from jcc rel8 to jcc rel32 between 127 and 128 (the class of
 * CVE-2014-2889, an off-by-one in exactly this choice).  Built with plain
 * immediates so that the bytes can be checked; in the module's form, it
 * must still agree.
 */
static void test_branch_boundary(u32 disp, bool ja)
{
	const struct sj_jit_opts plain = { .blind = false };
	u32 threes = disp % 2, twos = (disp - 3 * threes) / 2, i, len = 0;
	u32 fill = twos + threes;
	struct sj_native n;
	char name[96];
	const u8 *img;
	u32 at;

	big[len++] = (struct sock_filter)LD_ABS(0);
	if (ja)
		big[len++] = (struct sock_filter)S(BPF_JMP | BPF_JA, fill);
	else
		big[len++] = (struct sock_filter)J(BPF_JMP | BPF_JEQ | BPF_K, 0,
						    (u8)fill, 0);
	for (i = 0; i < twos; i++)
		big[len++] = (struct sock_filter)ALU_X(BPF_ADD);
	for (i = 0; i < threes; i++)
		big[len++] = (struct sock_filter)ALU_K(BPF_LSH, 0);
	big[len++] = (struct sock_filter)RET_A;
	snprintf(name, sizeof(name), "%s over exactly %u bytes", ja ? "ja" : "jeq",
		 disp);
	if (build_and_agree(name, len, &n))
		return;
	sj_native_free(&n);
	if (!tap_ok(!sj_native_build_opts(&n, big, len, &plain),
		    "plain-immediate jit compiles: %s", name))
		return;
	/* prologue 8 bytes (push, mov, 2 xor), ld 3 bytes, cmp #0 3 bytes. */
	img = n.mem;
	at = 8 + 3 + (ja ? 0 : 3);
	if (disp <= 127)
		tap_ok(img[at] == (ja ? 0xeb : 0x74) && img[at + 1] == disp,
		       "%s uses the rel8 form", name);
	else
		tap_ok(img[at] == (ja ? 0xe9 : 0x0f) &&
		       (ja || img[at + 1] == 0x84) &&
		       !memcmp(&img[at + (ja ? 1 : 2)], &disp, 4),
		       "%s uses the rel32 form", name);
	sj_native_free(&n);
}

/* Does the image hold @v as 4 consecutive bytes anywhere? */
static bool image_holds(const struct sj_native *n, u32 v)
{
	const u8 *img = n->mem;
	u32 i;

	for (i = 0; i + 4 <= n->image_len; i++)
		if (!memcmp(&img[i], &v, 4))
			return true;
	return false;
}

/* Does the pool of @n hold @v in a slot? */
static bool pool_holds(const struct sj_native *n, u32 len, u32 v)
{
	u32 i;

	for (i = 0; n->pool && i < len; i++)
		if (n->pool[i] == v)
			return true;
	return false;
}

/*
 * Constants chosen as x86 code (ret; ret; ret; ret and a nop sled) in
 * every instruction that carries one must not appear in the image, in the
 * module's form (read from the non-executable pool, which does hold them)
 * nor blinded; as plain immediates, they do (the control).
 */
static void test_blinding(void)
{
	static const u32 planted[] = { 0xc3c3c3c3, 0x90909090, 0xccc3c390 };
	const struct sj_jit_opts plain = { .blind = false };
	const struct sj_jit_opts blind = { .blind = true, .key = 0x5a5a1234 };
	struct sj_native n;
	u32 i, len;

	for (i = 0; i < sizeof(planted) / sizeof(planted[0]); i++) {
		u32 k = planted[i];
		const struct sock_filter prog[] = {
			LD_IMM(k), LDX_IMM(k), ALU_K(BPF_ADD, k), ALU_K(BPF_SUB, k),
			ALU_K(BPF_MUL, k), ALU_K(BPF_DIV, k), ALU_K(BPF_AND, k),
			ALU_K(BPF_OR, k), ALU_K(BPF_XOR, k),
			J(BPF_JMP | BPF_JEQ | BPF_K, k, 0, 0),
			J(BPF_JMP | BPF_JGT | BPF_K, k, 0, 0),
			J(BPF_JMP | BPF_JGE | BPF_K, k, 0, 0),
			J(BPF_JMP | BPF_JSET | BPF_K, k, 0, 1),
			S(BPF_RET | BPF_K, k), S(BPF_RET | BPF_K, k),
		};

		len = sizeof(prog) / sizeof(prog[0]);
		if (tap_ok(!sj_native_build(&n, prog, len),
			   "jit compiles constant 0x%08x from the pool", k)) {
			tap_ok(!image_holds(&n, k) && pool_holds(&n, len, k),
			       "no 0x%08x in the image of 15 instructions carrying it, only in its pool",
			       k);
			agree_on_inputs("planted constants from the pool", prog,
					len, &n, k);
			sj_native_free(&n);
		}
		if (tap_ok(!sj_native_build_opts(&n, prog, len, &blind),
			   "blinded jit compiles constant 0x%08x", k)) {
			tap_ok(!image_holds(&n, k),
			       "no 0x%08x in the blinded image of 15 instructions carrying it",
			       k);
			agree_on_inputs("blinded planted constants", prog, len,
					&n, k);
			sj_native_free(&n);
		}
		if (!sj_native_build_opts(&n, prog, len, &plain)) {
			tap_ok(image_holds(&n, k),
			       "control: the plain image holds 0x%08x", k);
			sj_native_free(&n);
		}
	}
}

/*
 * A staircase of jumps to the final ret, each over a 100-byte block: every
 * jump's form depends on the ones after it, so sizing needs many passes.
 */
static void test_many_passes(void)
{
	u32 len = 0, i, j;
	struct sj_native n;

	for (i = 0; i < 40; i++) {
		big[len++] = (struct sock_filter)J(BPF_JMP | BPF_JGT | BPF_K, i,
						    0, (u8)(40 - i) * 2 - 1);
		big[len++] = (struct sock_filter)LD_ABS(4 * (i % 16));
	}
	big[len++] = (struct sock_filter)RET_A;
	if (build_and_agree("a staircase of 40 jumps to the end", len, &n))
		return;
	tap_ok(n.passes >= 3, "the staircase needed %u sizing passes", n.passes);
	sj_native_free(&n);

	/* Many long jumps: ja chains across the whole 4096-insn program. */
	len = 0;
	for (i = 0; i < 64; i++) {
		big[len++] = (struct sock_filter)J(BPF_JMP | BPF_JSET | BPF_K,
						    1U << (i % 32), 0, 0);
		big[len++] = (struct sock_filter)S(BPF_JMP | BPF_JA,
						   SJ_MAXINSNS - 2 - 2 * i - 1 - 64);
		(void)j;
	}
	while (len < SJ_MAXINSNS - 1)
		big[len++] = (struct sock_filter)ALU_K(BPF_MUL, len);
	big[len++] = (struct sock_filter)RET_A;
	if (!build_and_agree("64 ja over 4000 instructions", len, &n))
		sj_native_free(&n);
}

/* Every insn a conditional jump with jt and jf both 255 or to the end. */
static void test_jump_heavy(void)
{
	u32 len = SJ_MAXINSNS, i;
	struct sj_native n;

	for (i = 0; i + 1 < len; i++) {
		u32 room = len - i - 2;
		u8 jt = room < 255 ? (u8)room : 255, jf = jt > 7 ? jt - 7 : 0;

		big[i] = (struct sock_filter)J(BPF_JMP | (i % 2 ? BPF_JGE : BPF_JEQ) |
					       BPF_K, i * 0x01010101U, jt, jf);
	}
	big[len - 1] = (struct sock_filter)S(BPF_RET | BPF_K, 0x7fff0000);
	if (!build_and_agree("4095 conditional jumps with jt, jf up to 255",
			     len, &n))
		sj_native_free(&n);
	for (i = 0; i + 1 < len; i++)
		big[i] = (struct sock_filter)ALU_X(BPF_DIV);
	big[len - 1] = (struct sock_filter)RET_A;
	if (!build_and_agree("4095 div x: the largest image", len, &n)) {
		tap_diag("image %u bytes", n.image_len);
		sj_native_free(&n);
	}
}

/*
 * Each way a compile can fail, and the cause and instruction it reports:
 * (program, length, buffer size or 0 for sizing only, addrs to corrupt
 * before emitting or -1, expected cause, expected pc).
 */
static const struct sock_filter two[] = {
	LD_ABS(0), S(BPF_RET | BPF_K, 0x7fff0000),
};
static const struct sock_filter unchecked[] = {
	LD_ABS(0), ALU_K(BPF_MOD, 3), RET_A,	/* MOD: classic, not seccomp */
};
static const struct jit_failure {
	const char *name;
	const struct sock_filter *prog;
	u32 len;
	u32 cap;
	int corrupt;
	u32 err;
	u32 err_pc;
} jit_failures[] = {
	{ "length 0", two, 0, 0, -1, SJ_JIT_E_LEN, 0 },
	{ "length over 4096", two, SJ_MAXINSNS + 1, 0, -1, SJ_JIT_E_LEN, 0 },
	{ "an opcode seccomp refuses", unchecked, 3, 0, -1, SJ_JIT_E_INSN, 1 },
	{ "a buffer too small", two, 2, 8, -1, SJ_JIT_E_SPACE, 2 },
	{ "offsets out of order", two, 2, 256, 1, SJ_JIT_E_LAYOUT, 1 },
	{ "accepted", two, 2, 256, -1, SJ_JIT_OK, 0 },
};

static void test_jit_failures(void)
{
	static const struct sj_jit_opts form = SJ_JIT_OPTS_KERNEL_FORM;
	static struct sj_jit_work work;
	static u8 buf[256];
	size_t i;

	for (i = 0; i < sizeof(jit_failures) / sizeof(jit_failures[0]); i++) {
		const struct jit_failure *f = &jit_failures[i];
		u32 image_len;
		int ret;

		work.err_pc = 0xdead;
		ret = sj_jit_compile(f->prog, f->len, &form, NULL, 0,
				     &image_len, &work);
		if (!ret && f->cap) {
			if (f->corrupt >= 0)
				work.addrs[f->corrupt] = work.addrs[f->len] + 1;
			ret = sj_jit_emit(f->prog, f->len, &form, buf, f->cap,
					  &image_len, &work);
		}
		if (!tap_ok((ret == 0) == (f->err == SJ_JIT_OK) &&
			    work.err == f->err &&
			    (f->err == SJ_JIT_OK || work.err_pc == f->err_pc),
			    "jit failure: %s: %s", f->name,
			    sj_jit_err_text(f->err)))
			tap_diag("returned %d, cause %u (%s) at insn %u", ret,
				 work.err, sj_jit_err_text(work.err),
				 work.err_pc);
	}
}

/* Programs the checker refuses: the interpreter still fails closed. */
static const struct exec_case unchecked_cases[] = {
	{ "mod (classic, not seccomp)", PROG(LD_IMM(7), ALU_K(BPF_MOD, 3),
	  RET_A), .expect = SECCOMP_RET_KILL_PROCESS },
	{ "ldb (classic, not seccomp)", PROG(S(BPF_LD | BPF_B | BPF_ABS, 0),
	  RET_A), .expect = SECCOMP_RET_KILL_PROCESS },
	{ "load past seccomp_data", PROG(LD_ABS(64), RET_A),
	  .expect = SECCOMP_RET_KILL_PROCESS },
	{ "unaligned load", PROG(LD_ABS(2), RET_A),
	  .expect = SECCOMP_RET_KILL_PROCESS },
	{ "scratch slot 16", PROG(S(BPF_ST, 16), RET_A),
	  .expect = SECCOMP_RET_KILL_PROCESS },
	{ "unknown opcode 0xff", PROG(S(0xff, 0), RET_A),
	  .expect = SECCOMP_RET_KILL_PROCESS },
	{ "falls off the end", PROG(LD_IMM(1)),
	  .expect = SECCOMP_RET_KILL_PROCESS },
};

static void test_unchecked(void)
{
	struct seccomp_data in = { 0 };
	size_t i;

	for (i = 0; i < sizeof(unchecked_cases) / sizeof(unchecked_cases[0]);
	     i++) {
		const struct exec_case *c = &unchecked_cases[i];
		u32 got = sj_interp(c->prog, c->len, &in);

		if (!tap_ok(got == c->expect,
			    "interpreter fails closed: %s", c->name))
			tap_diag("got 0x%08x", got);
	}
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	test_branch_boundary(127, false);
	test_branch_boundary(128, false);
	test_branch_boundary(127, true);
	test_branch_boundary(128, true);
	test_blinding();
	test_many_passes();
	test_jump_heavy();
	test_jit_failures();
	test_unchecked();
	return tap_done();
}
