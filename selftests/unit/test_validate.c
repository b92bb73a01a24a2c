// SPDX-License-Identifier: GPL-2.0
/*
 * The validator of native code (validator/):
 *
 *  1. every JIT image is accepted: the execution table (test_exec.c, whose
 *     table this file includes), the checker's accepted table, programs
 *     shaped after JIT bugs and thousands of random programs, each in the
 *     eight forms (constants plain, blinded or read from the pool; ret
 *     or return thunk; endbr64);
 *  2. controls: images that must be rejected are, with the right reason;
 *     random byte strings never crash it;
 *  3. mutation testing: mutants of JIT images (byte flips, changed
 *     immediates, retargeted branches, dropped, duplicated and swapped
 *     instructions); every mutant the validator accepts must behave like
 *     the interpreter on every test input, run natively in a child that
 *     cannot hurt us (a timer, strict seccomp, stdio on /dev/null);
 *  4. the validator's cost per image and per BPF instruction.
 *
 * `test_validate -s SEED` replays a run; -n and -m set the number of random
 * programs and of mutants, -r how many rejected mutants are also run.
 */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* test_exec.c's execution table (cases[]), without its main(). */
#define main test_exec_main
#include "test_exec.c"
#undef main

#include "../../validator/validate.h"
#include "../check_table.h"
#include "gen.h"

/*
 * A kernel-like address for the image, a thunk within 2 GiB of it, and
 * where the constant pool goes: past any image, as in the module.
 */
#define FAKE_BASE	0xffffffffc0a00000ULL
#define FAKE_THUNK	0xffffffff81e04000ULL
#define POOL_AFTER	0x100000ULL

struct form {
	const char *name;
	bool blind;
	bool thunk;
	bool endbr;
	bool pool;
};

static const struct form forms[] = {
	{ "plain", false, false, false, false },
	{ "blinded", true, false, false, false },
	{ "plain, thunk", false, true, false, false },
	{ "blinded, thunk", true, true, false, false },
	{ "blinded, thunk, endbr64", true, true, true, false },
	{ "pool", false, false, false, true },
	{ "pool, thunk", false, true, false, true },  /* what the module emits */
	{ "pool, thunk, endbr64", false, true, true, true },	/* ... with IBT */
};

#define NFORMS (sizeof(forms) / sizeof(forms[0]))
#define KERNEL_FORM (&forms[6])

static struct sj_validate_work vwork;
static struct sj_jit_work jwork;
static u32 pool_k[SJ_MAXINSNS];	/* the pool of the last compile() */
static u8 image[SJ_JIT_MAX_IMAGE];
static u64 rng;

/* Validation cost, measured on every accepted kernel-form image. */
static u64 cost_ns, cost_images, cost_insns, jit_ns;

static u64 now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (u64)t.tv_sec * 1000000000ULL + (u64)t.tv_nsec;
}

static u32 random_key(void)
{
	u32 k;

	do {
		k = (u32)sj_rand64(&rng);
	} while (!k);
	return k;
}

/*
 * Compile @prog in form @f at a random 16-byte-aligned fake address, with
 * validator options to match (the pool, in pool_k[], at @base +
 * POOL_AFTER).  Return: 0, or -1 if the JIT refused.
 */
static int compile(const struct sock_filter *prog, u32 len,
		   const struct form *f, u64 base, u64 thunk, u32 *image_len,
		   struct sj_validate_opts *vo)
{
	struct sj_jit_opts jo = {
		.blind = f->blind, .key = random_key(), .base = base,
		.ret_thunk = f->thunk ? thunk : 0, .endbr = f->endbr,
		.pool = f->pool, .pool_addr = base + POOL_AFTER,
	};
	u64 t0 = now_ns();
	int ret;

	ret = sj_jit_compile(prog, len, &jo, image, sizeof(image), image_len,
			     &jwork);
	jit_ns += now_ns() - t0;
	vo->blind = f->blind;
	vo->base = base;
	vo->ret_thunk = jo.ret_thunk;
	vo->endbr = jo.endbr;
	vo->pool = f->pool;
	vo->pool_addr = jo.pool_addr;
	vo->pool_k = f->pool ? pool_k : NULL;
	if (f->pool && len <= SJ_MAXINSNS)
		sj_jit_fill_pool(prog, len, pool_k);
	return ret;
}

static void show_reject(const struct sj_validate_result *res)
{
	tap_diag("validator: %s at native offset %u, insn %d",
		 sj_validate_reason(res->reason), res->offset, (int)res->insn);
}

/* Return: 0 if every form of @prog compiles and is accepted. */
static int accept_all_forms(const struct sock_filter *prog, u32 len,
			    bool quiet)
{
	struct sj_validate_opts vo;
	struct sj_validate_result res;
	u32 i, image_len;
	u64 t0, dt;

	for (i = 0; i < NFORMS; i++) {
		u64 base = FAKE_BASE + 16 * (sj_rand64(&rng) % 256);

		if (compile(prog, len, &forms[i], base, FAKE_THUNK, &image_len,
			    &vo)) {
			tap_diag("the JIT refused the program (%s)", forms[i].name);
			return -1;
		}
		t0 = now_ns();
		if (sj_validate(prog, len, image, image_len, &vo, &vwork, &res)) {
			if (!quiet) {
				tap_diag("form %s rejected", forms[i].name);
				show_reject(&res);
				sj_print_prog(prog, len);
			}
			return -1;
		}
		dt = now_ns() - t0;
		if (&forms[i] == KERNEL_FORM) {
			cost_ns += dt;
			cost_images++;
			cost_insns += len;
		}
	}
	return 0;
}

/* --- 1. every JIT image is accepted ------------------------------------- */

static void accept_exec_table(void)
{
	u32 i, bad = 0, n = sizeof(cases) / sizeof(cases[0]);

	for (i = 0; i < n; i++)
		if (accept_all_forms(cases[i].prog, cases[i].len, false)) {
			tap_diag("exec case: %s", cases[i].name);
			bad++;
		}
	tap_ok(!bad, "execution table: %u programs x %zu forms accepted (%u rejected)",
	       n, NFORMS, bad);
}

static struct sock_filter table_buf[SJ_MAXINSNS + 1];

static void accept_check_table(void)
{
	u32 i, len, n = 0, bad = 0;

	for (i = 0; i < check_ncases; i++) {
		const struct check_case *c = &check_cases[i];
		const struct sock_filter *prog;

		if (c->diag)
			continue;
		prog = check_case_prog(c, table_buf, &len);
		n++;
		if (accept_all_forms(prog, len, false)) {
			tap_diag("check case: %s", c->name);
			bad++;
		}
	}
	tap_ok(!bad && n, "checker table: %u accepted programs x %zu forms accepted (%u rejected)",
	       n, NFORMS, bad);
}

/* Checked, then accepted in every form. */
static void accept_shaped(const char *name, const struct sock_filter *prog,
			  u32 len)
{
	struct sj_facts facts;
	struct sj_diag diag;

	char text[256];

	if (!tap_ok(!sj_check(prog, len, &check_work, &facts, &diag),
		    "checker accepts: %s", name)) {
		sj_diag_format(text, sizeof(text), &diag);
		tap_diag("%s", text);
		return;
	}
	tap_ok(!accept_all_forms(prog, len, false), "accepted in %zu forms: %s",
	       NFORMS, name);
}

/*
 * Programs shaped after JIT bugs and after the emitter's special cases:
 * rel8/rel32 boundaries, jumps with jt or jf next, equal or both far,
 * ja 0, ld #len next to ld #64, the largest images.
 */
static void accept_shapes(void)
{
	static const struct sock_filter specials[] = {
		S(BPF_ST, 15), S(BPF_LDX | BPF_MEM, 15),
		S(BPF_LD | BPF_W | BPF_LEN, 0), S(BPF_LD | BPF_IMM, 64),
		S(BPF_LDX | BPF_W | BPF_LEN, 0), S(BPF_LDX | BPF_IMM, 64),
		S(BPF_JMP | BPF_JA, 0), J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0),
		J(BPF_JMP | BPF_JGT | BPF_K, 2, 1, 1), S(BPF_JMP | BPF_JA, 0),
		J(BPF_JMP | BPF_JGE | BPF_X, 0, 2, 0), J(BPF_JMP | BPF_JSET | BPF_K, 8, 0, 1),
		J(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 0), ALU_X(BPF_DIV),
		S(BPF_ALU | BPF_DIV | BPF_K, 3), S(BPF_ALU | BPF_NEG, 0),
		ALU_K(BPF_LSH, 0), ALU_K(BPF_RSH, 31), ALU_K(BPF_ADD, 0x7f),
		ALU_K(BPF_ADD, 0x80), ALU_K(BPF_SUB, 0xffffff80), ALU_K(BPF_MUL, 3),
		J(BPF_JMP | BPF_JEQ | BPF_K, 0xffffff80, 1, 2),
		S(BPF_STX, 0), S(BPF_RET | BPF_K, 0x7fff0000),
		S(BPF_RET | BPF_A, 0),
	};
	u32 len, i, fill;
	char name[80];

	accept_shaped("every special case of the emitter", specials,
		      sizeof(specials) / sizeof(specials[0]));

	/* jcc and jmp over 62..66 two-byte fillers: rel8 to rel32 */
	for (fill = 62; fill <= 66; fill++) {
		len = 0;
		big[len++] = (struct sock_filter)LD_ABS(0);
		big[len++] = (struct sock_filter)J(BPF_JMP | BPF_JEQ | BPF_K,
						    0, (u8)fill, 0);
		big[len++] = (struct sock_filter)S(BPF_JMP | BPF_JA, fill - 1);
		for (i = 0; i < fill - 1; i++)
			big[len++] = (struct sock_filter)ALU_X(BPF_ADD);
		big[len++] = (struct sock_filter)RET_A;
		snprintf(name, sizeof(name), "jeq and ja over %u fillers", fill);
		accept_shaped(name, big, len);
	}

	/* 4095 conditional jumps, jt and jf up to 255, both far */
	len = SJ_MAXINSNS;
	for (i = 0; i + 1 < len; i++) {
		u32 room = len - i - 2;
		u8 jt = room < 255 ? (u8)room : 255, jf = jt > 7 ? jt - 7 : 0;

		big[i] = (struct sock_filter)J(BPF_JMP | (i % 2 ? BPF_JGE : BPF_JEQ) |
					       BPF_K, i * 0x01010101U, jt, jf);
	}
	big[len - 1] = (struct sock_filter)S(BPF_RET | BPF_K, 0x7fff0000);
	accept_shaped("4095 conditional jumps with jt, jf up to 255", big, len);

	/* the largest image: 4095 div x, each with its own return */
	for (i = 0; i + 1 < len; i++)
		big[i] = (struct sock_filter)ALU_X(BPF_DIV);
	big[len - 1] = (struct sock_filter)RET_A;
	accept_shaped("4095 div x: the largest image", big, len);

	/* ja chains over the whole program, long and short */
	for (i = 0; i + 1 < len; i++) {
		if (i % 3)
			big[i] = (struct sock_filter)ALU_K(BPF_MUL, i);
		else
			big[i] = (struct sock_filter)S(BPF_JMP | BPF_JA,
						       i % 2 ? 0 : len - i - 2);
	}
	big[len - 1] = (struct sock_filter)S(BPF_RET | BPF_K, 1);
	accept_shaped("ja 0 and ja to the end across 4096 instructions", big, len);
}

static struct sock_filter rprog[SJ_MAXINSNS];
static u16 incoming[SJ_MAXINSNS];

static void accept_random(u32 count)
{
	u32 i, bad = 0, len;
	u64 insns = 0;

	for (i = 0; i < count && bad < 5; i++) {
		len = sj_gen_program(&rng, rprog, incoming);
		insns += len;
		if (accept_all_forms(rprog, len, false)) {
			tap_diag("random program %u rejected", i);
			bad++;
		}
	}
	tap_ok(!bad && i == count,
	       "random: %u programs (%llu instructions) x %zu forms accepted, %u rejected",
	       i, (unsigned long long)insns, NFORMS, bad);
}

/* --- 2. controls ------------------------------------------------------------ */

static struct sj_validate_result res;
static void add_to_field(u8 *code, u32 at, u32 size, u32 delta);

/* Validate the last compiled image against @prog with @vo. */
static u32 reason_of(const struct sock_filter *prog, u32 len, u32 image_len,
		     const struct sj_validate_opts *vo)
{
	if (!sj_validate(prog, len, image, image_len, vo, &vwork, &res))
		return SJ_VAL_OK;
	return res.reason;
}

static void expect_reason(const char *what, u32 got, u32 want)
{
	if (!tap_ok(got == want, "rejected: %s (%s)", what,
		    sj_validate_reason(want)))
		tap_diag("got %s at offset %u, insn %d", sj_validate_reason(got),
			 res.offset, (int)res.insn);
}

/* Offset of the @nth (from 0) instruction of @kind in the image, or -1. */
static int find_kind(u32 image_len, u8 kind, u32 nth)
{
	struct sj_vx_insn d;
	u32 off = 0;

	while (off < image_len && !sj_vx_decode(image, image_len, off, &d)) {
		if (d.kind == kind && !nth--)
			return (int)off;
		off += d.len;
	}
	return -1;
}

/* Validator options that do not fit an image in the module's pool form. */
static void pool_next_slot(struct sj_validate_opts *vo)
{
	vo->pool_addr += 4;
}

static void pool_in_image(struct sj_validate_opts *vo)
{
	vo->pool_addr = vo->base + 8;
}

static void pool_and_blind(struct sj_validate_opts *vo)
{
	vo->blind = true;
}

static void no_pool(struct sj_validate_opts *vo)
{
	vo->pool = false;
}

static const struct {
	const char *what;
	void (*change)(struct sj_validate_opts *vo);
	u32 want;
} pool_options[] = {
	{ "operands that read the next instruction's slot", pool_next_slot,
	  SJ_VAL_E_POOL },
	{ "a pool inside the image", pool_in_image, SJ_VAL_E_ARGS },
	{ "a pool and blinding at once", pool_and_blind, SJ_VAL_E_ARGS },
	{ "pool operands where none is expected", no_pool, SJ_VAL_E_POOL },
};

static void controls(void)
{
	static const struct sock_filter prog[] = {
		LD_ABS(4), J(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 0),
		S(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS), LD_ABS(0),
		S(BPF_ST, 3), ALU_K(BPF_ADD, 0x12345), S(BPF_ALU | BPF_DIV | BPF_K, 7),
		J(BPF_JMP | BPF_JGT | BPF_K, 5, 0, 1),
		S(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1), S(BPF_LD | BPF_MEM, 3),
		S(BPF_RET | BPF_A, 0),
	};
	const u32 len = sizeof(prog) / sizeof(prog[0]);
	struct sock_filter other[sizeof(prog) / sizeof(prog[0])];
	struct sj_validate_opts vo, vo2;
	u32 image_len, i, n, bad;
	int at;

	compile(prog, len, &forms[1], FAKE_BASE, FAKE_THUNK, &image_len, &vo);
	expect_reason("the control is valid", reason_of(prog, len, image_len, &vo),
		      SJ_VAL_OK);

	memcpy(other, prog, sizeof(other));
	other[5].k++;
	expect_reason("another constant in add #k",
		      reason_of(other, len, image_len, &vo), SJ_VAL_E_CONST);
	memcpy(other, prog, sizeof(other));
	other[7].jf = 2;
	expect_reason("another jf", reason_of(other, len, image_len, &vo),
		      SJ_VAL_E_TARGET);
	memcpy(other, prog, sizeof(other));
	other[1].jt = 2;
	other[1].jf = 0;
	expect_reason("jt and jf exchanged", reason_of(other, len, image_len, &vo),
		      SJ_VAL_E_TARGET);
	memcpy(other, prog, sizeof(other));
	other[7].code = BPF_JMP | BPF_JGE | BPF_K;
	expect_reason("jge for jgt", reason_of(other, len, image_len, &vo),
		      SJ_VAL_E_OPCODE);
	memcpy(other, prog, sizeof(other));
	other[9].code = BPF_LDX | BPF_MEM;
	expect_reason("ldx M[] for ld M[]", reason_of(other, len, image_len, &vo),
		      SJ_VAL_E_OPCODE);
	memcpy(other, prog, sizeof(other));
	other[5].code = BPF_ALU | BPF_MOD | BPF_K;
	expect_reason("an opcode seccomp refuses (mod)",
		      reason_of(other, len, image_len, &vo), SJ_VAL_E_PROG);
	memcpy(other, prog, sizeof(other));
	other[1].jt = 200;
	expect_reason("a jump out of the program",
		      reason_of(other, len, image_len, &vo), SJ_VAL_E_PROG);

	vo2 = vo;
	vo2.blind = false;
	expect_reason("blinded image where plain constants are expected",
		      reason_of(prog, len, image_len, &vo2), SJ_VAL_E_SHAPE);
	vo2 = vo;
	vo2.ret_thunk = FAKE_THUNK;
	expect_reason("ret where the return thunk is expected",
		      reason_of(prog, len, image_len, &vo2), SJ_VAL_E_THUNK);
	vo2.ret_thunk = FAKE_BASE + 4;
	expect_reason("a thunk inside the image", reason_of(prog, len, image_len, &vo2),
		      SJ_VAL_E_ARGS);
	expect_reason("the image one byte short",
		      reason_of(prog, len, image_len - 1, &vo), SJ_VAL_E_END);
	image[image_len] = 0xcc;
	expect_reason("one int3 too many", reason_of(prog, len, image_len + 1, &vo),
		      SJ_VAL_E_TRAILING);

	compile(prog, len, &forms[0], FAKE_BASE, FAKE_THUNK, &image_len, &vo);
	vo2 = vo;
	vo2.blind = true;
	expect_reason("plain image where blinding is required",
		      reason_of(prog, len, image_len, &vo2), SJ_VAL_E_BLIND);

	compile(prog, len, &forms[3], FAKE_BASE, FAKE_THUNK, &image_len, &vo);
	expect_reason("the thunk control is valid",
		      reason_of(prog, len, image_len, &vo), SJ_VAL_OK);
	vo2 = vo;
	vo2.ret_thunk = FAKE_THUNK + 16;
	expect_reason("a jump to another thunk",
		      reason_of(prog, len, image_len, &vo2), SJ_VAL_E_THUNK);
	vo2 = vo;
	vo2.ret_thunk = 0;
	expect_reason("the thunk where ret is expected",
		      reason_of(prog, len, image_len, &vo2), SJ_VAL_E_EXIT);
	vo2 = vo;
	vo2.endbr = true;
	expect_reason("no endbr64 where IBT requires it",
		      reason_of(prog, len, image_len, &vo2), SJ_VAL_E_PROLOGUE);

	compile(prog, len, &forms[4], FAKE_BASE, FAKE_THUNK, &image_len, &vo);
	expect_reason("the endbr64 control is valid",
		      reason_of(prog, len, image_len, &vo), SJ_VAL_OK);
	vo2 = vo;
	vo2.endbr = false;
	expect_reason("endbr64 where none is expected",
		      reason_of(prog, len, image_len, &vo2), SJ_VAL_E_PROLOGUE);
	/* a second landing pad: endbr64; int3 over the first mov $imm */
	at = find_kind(image_len, SJ_VX_MOV_IMM, 0);
	if (at >= 0)
		memcpy(&image[at], "\xf3\x0f\x1e\xfa\xcc", 5);
	expect_reason("endbr64 inside the image",
		      reason_of(prog, len, image_len, &vo), SJ_VAL_E_SHAPE);

	/* blinding with key 0 leaves the constants in the image */
	{
		struct sj_jit_opts jo = { .blind = true, .key = 0 };

		sj_jit_compile(prog, len, &jo, image, sizeof(image), &image_len,
			       &jwork);
		vo2 = (struct sj_validate_opts){ .blind = true };
		expect_reason("blinding key 0", reason_of(prog, len, image_len, &vo2),
			      SJ_VAL_E_KEY);
	}

	/*
	 * Two keys: the second constant re-blinded with another key means
	 * the same, but every key must be the image's one key.
	 */
	compile(prog, len, &forms[1], FAKE_BASE, FAKE_THUNK, &image_len, &vo);
	at = find_kind(image_len, SJ_VX_MOV_IMM, 1);
	if (at >= 0 && image[at + 5] == 0x81) {
		image[at + 1] ^= 0x10;
		image[at + 7] ^= 0x10;
	}
	expect_reason("a second blinding key", reason_of(prog, len, image_len, &vo),
		      SJ_VAL_E_KEY);

	/* div #0 if the program was not checked: mov $0, %esi in the image */
	compile(prog, len, &forms[0], FAKE_BASE, FAKE_THUNK, &image_len, &vo);
	memcpy(other, prog, sizeof(other));
	other[6].k = 0;
	at = find_kind(image_len, SJ_VX_DIV, 0);
	if (at >= 9)
		memset(&image[at - 6], 0, 4);	/* be imm32; 31 d2; f7 f6 */
	expect_reason("div #0 of an unchecked program",
		      reason_of(other, len, image_len, &vo), SJ_VAL_E_DIV_ZERO);

	/* a backward branch */
	compile(prog, len, &forms[0], FAKE_BASE, FAKE_THUNK, &image_len, &vo);
	at = find_kind(image_len, SJ_VX_JCC, 0);
	if (at >= 0)
		image[at + 1] = 0xf0;
	expect_reason("a backward branch", reason_of(prog, len, image_len, &vo),
		      SJ_VAL_E_BRANCH);

	/* a load from outside seccomp_data */
	compile(prog, len, &forms[0], FAKE_BASE, FAKE_THUNK, &image_len, &vo);
	at = find_kind(image_len, SJ_VX_LOAD, 0);
	if (at >= 0)
		image[at + 2] = 64;
	expect_reason("a load past seccomp_data", reason_of(prog, len, image_len, &vo),
		      SJ_VAL_E_MEM);

	/* the pool: where the module's constants are */
	compile(prog, len, &forms[6], FAKE_BASE, FAKE_THUNK, &image_len, &vo);
	expect_reason("the pool control is valid",
		      reason_of(prog, len, image_len, &vo), SJ_VAL_OK);
	pool_k[5]++;
	expect_reason("a pool slot that is not the program's constant",
		      reason_of(prog, len, image_len, &vo), SJ_VAL_E_CONST);
	pool_k[5]--;
	for (i = 0; i < sizeof(pool_options) / sizeof(pool_options[0]); i++) {
		vo2 = vo;
		pool_options[i].change(&vo2);
		expect_reason(pool_options[i].what,
			      reason_of(prog, len, image_len, &vo2),
			      pool_options[i].want);
	}
	at = find_kind(image_len, SJ_VX_ALU_RIP, 0);
	if (at >= 0)
		add_to_field(image, at + 2, 4, 0x1000);
	expect_reason("a compare reading past the pool",
		      reason_of(prog, len, image_len, &vo), SJ_VAL_E_POOL);
	compile(prog, len, &forms[2], FAKE_BASE, FAKE_THUNK, &image_len, &vo);
	vo2 = vo;
	vo2.pool = true;
	vo2.pool_addr = FAKE_BASE + POOL_AFTER;
	vo2.pool_k = pool_k;
	sj_jit_fill_pool(prog, len, pool_k);
	expect_reason("plain constants where the pool is required",
		      reason_of(prog, len, image_len, &vo2), SJ_VAL_E_POOL);
	compile(prog, len, &forms[6], FAKE_BASE, FAKE_THUNK, &image_len, &vo);
	at = find_kind(image_len, SJ_VX_DIV_RIP, 0);
	memcpy(other, prog, sizeof(other));
	other[6].k = 0;
	pool_k[6] = 0;
	expect_reason("div by a pool slot holding 0 (unchecked program)",
		      reason_of(other, len, image_len, &vo), SJ_VAL_E_DIV_ZERO);
	/* a div reading the pool with no xor %edx, %edx before it */
	if (at >= 2)
		memcpy(&image[at - 2], "\x89\xc0", 2);	/* mov %eax, %eax */
	expect_reason("divl from the pool without clearing %edx",
		      reason_of(prog, len, image_len, &vo), SJ_VAL_E_DECODE);

	/* random bytes, and images that decode but make no sense */
	for (i = 0, n = 0, bad = 0; i < 200000; i++) {
		u32 l = 1 + (u32)(sj_rand64(&rng) % 64), j;

		for (j = 0; j < l; j++)
			image[j] = (u8)sj_rand64(&rng);
		if (i % 2)
			memcpy(image, "\x55\x48\x89\xe5\x31\xc0\x31\xc9", l < 8 ? l : 8);
		n++;
		if (!sj_validate(prog, 1 + i % len, image, l, &vo, &vwork, &res))
			bad++;
		if (res.reason >= SJ_VAL_E_COUNT)
			bad++;
	}
	tap_ok(!bad, "%u random byte strings rejected with a known reason", n);
}

/* --- 3. mutation testing ------------------------------------------------ */

#define MAX_INPUTS	(SJ_AGREE_MAX_INPUTS + 16)
#define MUT_MAX_LEN	64		/* instructions of a source program */
#define MUT_SOURCES	400

/* A source image, compiled to run at the start of the runner's region. */
struct source {
	struct sock_filter prog[MUT_MAX_LEN];
	u32 len;
	const struct form *form;
	struct sj_validate_opts vo;
	u32 pool[MUT_MAX_LEN];
	u8 *image;
	u32 image_len;
	struct seccomp_data in[MAX_INPUTS];
	u32 want[MAX_INPUTS];
	u32 ninputs;
};

static struct source *sources;
static u32 nsources;

/*
 * Where mutants run: RW here, copied and made RX only in a child; the
 * constant pool in the page after it, made read-only there.
 */
static u8 *region;
static size_t region_size, page_size;
#define THUNK_AT(r)	((r) + region_size - 16)	/* a bare ret */
#define POOL_AT(r)	((r) + region_size)

static int add_source(const struct sock_filter *prog, u32 len,
		      const struct form *f)
{
	struct source *s = &sources[nsources];
	u64 base = (u64)(unsigned long)region;
	u32 i;

	if (len > MUT_MAX_LEN || nsources >= MUT_SOURCES)
		return -1;
	memcpy(s->prog, prog, len * sizeof(*prog));
	s->len = len;
	s->form = f;
	if (compile(prog, len, f, base, (u64)(unsigned long)THUNK_AT(region),
		    &s->image_len, &s->vo))
		return -1;
	if (f->pool) {
		/* compile() put the pool at base + POOL_AFTER: move it */
		struct sj_jit_opts jo = {
			.pool = true, .base = base, .endbr = f->endbr,
			.pool_addr = (u64)(unsigned long)POOL_AT(region),
			.ret_thunk = s->vo.ret_thunk,
		};

		if (sj_jit_compile(prog, len, &jo, image, sizeof(image),
				   &s->image_len, &jwork))
			return -1;
		sj_jit_fill_pool(prog, len, s->pool);
		s->vo.pool_addr = jo.pool_addr;
		s->vo.pool_k = s->pool;
	}
	if (sj_validate(prog, len, image, s->image_len, &s->vo, &vwork, &res))
		return -1;
	s->image = malloc(s->image_len);
	if (!s->image)
		return -1;
	memcpy(s->image, image, s->image_len);
	s->ninputs = sj_boundary_inputs(prog, len, s->in, SJ_AGREE_MAX_INPUTS);
	for (i = 0; i < 16; i++)
		sj_random_input(&rng, prog, len, &s->in[s->ninputs++]);
	for (i = 0; i < s->ninputs; i++)
		s->want[i] = sj_interp(prog, len, &s->in[i]);
	nsources++;
	return 0;
}

/*
 * Run @code natively on every input of @s in a child: the image is copied
 * to the region (the return thunk a ret at its end), made read-execute,
 * then strict seccomp allows only write and exit, stdio goes to /dev/null
 * and a 200 ms timer ends loops.  Return: 0 if the child reported a result
 * equal to the interpreter's for every input; 1 if not, or if it crashed
 * or hung.
 */
static int run_differs(const struct source *s, const u8 *code, u32 code_len)
{
	u32 got[MAX_INPUTS], i;
	ssize_t n, total = 0;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds))
		return 1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		struct itimerval it = { .it_value = { .tv_usec = 200000 } };
		int nul = open("/dev/null", O_RDWR);
		sj_image_fn fn = (sj_image_fn)(void *)region;

		close(fds[0]);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		memset(region, 0xcc, region_size);
		memcpy(region, code, code_len);
		*THUNK_AT(region) = 0xc3;
		memcpy(POOL_AT(region), s->pool, sizeof(s->pool));
		if (mprotect(region, region_size, PROT_READ | PROT_EXEC) ||
		    mprotect(POOL_AT(region), page_size, PROT_READ))
			syscall(SYS_exit, 2);
		setitimer(ITIMER_REAL, &it, NULL);
		prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT);
		for (i = 0; i < s->ninputs; i++) {
			struct seccomp_data in = s->in[i];

			got[i] = fn(&in);
		}
		if (write(fds[1], got, s->ninputs * sizeof(u32)) < 0)
			syscall(SYS_exit, 3);
		syscall(SYS_exit, 0);
	}
	close(fds[1]);
	while ((n = read(fds[0], (char *)got + total,
			 sizeof(got) - total)) > 0)
		total += n;
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) ||
	    total != (ssize_t)(s->ninputs * sizeof(u32)))
		return 1;
	for (i = 0; i < s->ninputs; i++)
		if (got[i] != s->want[i])
			return 1;
	return 0;
}

enum mut_op { M_FLIP, M_IMM, M_BRANCH, M_DROP, M_DUP, M_SWAP, M_NOPS };

static const char * const mut_names[M_NOPS] = {
	"flip a byte", "change an immediate", "retarget a branch",
	"drop an instruction", "duplicate an instruction", "swap two instructions",
};

struct span {
	u32 off;
	u32 len;
	u8 kind;
	bool wide;
};

static struct span spans[SJ_JIT_MAX_IMAGE];

static u32 split(const u8 *code, u32 code_len)
{
	struct sj_vx_insn d;
	u32 off = 0, n = 0;

	while (off < code_len && !sj_vx_decode(code, code_len, off, &d)) {
		spans[n++] = (struct span){ off, d.len, d.kind, d.wide };
		off += d.len;
	}
	return n;
}

/* Where an instruction's immediate or displacement is, and its size. */
static bool field_of(const struct span *sp, u32 *at, u32 *size)
{
	switch (sp->kind) {
	case SJ_VX_MOV_IMM:
		*at = sp->off + 1;
		*size = 4;
		return true;
	case SJ_VX_ALU_IMM:
		*at = sp->off + 2;
		*size = sp->wide ? 4 : 1;
		return true;
	case SJ_VX_IMUL_IMM:
	case SJ_VX_TEST_IMM:
		*at = sp->off + 2;
		*size = 4;
		return true;
	case SJ_VX_SHIFT_IMM:
	case SJ_VX_LOAD:
	case SJ_VX_STORE:
		*at = sp->off + 2;
		*size = 1;
		return true;
	case SJ_VX_SUB_RSP:
		*at = sp->off + 3;
		*size = 1;
		return true;
	case SJ_VX_JCC:
		*at = sp->off + (sp->wide ? 2 : 1);
		*size = sp->wide ? 4 : 1;
		return true;
	case SJ_VX_JMP:
		*at = sp->off + 1;
		*size = sp->wide ? 4 : 1;
		return true;
	case SJ_VX_LOAD_RIP:
	case SJ_VX_ALU_RIP:
	case SJ_VX_DIV_RIP:
	case SJ_VX_TEST_RIP:
	case SJ_VX_IMUL_RIP:
		*at = sp->off + sp->len - 4;
		*size = 4;
		return true;
	default:
		return false;
	}
}

static void add_to_field(u8 *code, u32 at, u32 size, u32 delta)
{
	u32 v = 0, i;

	for (i = 0; i < size; i++)
		v |= (u32)code[at + i] << (8 * i);
	v += delta;
	for (i = 0; i < size; i++)
		code[at + i] = (u8)(v >> (8 * i));
}

/* A random branch, or instruction with a field; -1 if none found. */
static int pick_span(u32 n, bool branch)
{
	u32 tries, at, size;

	for (tries = 0; tries < 64; tries++) {
		u32 i = (u32)(sj_rand64(&rng) % n);
		bool is_branch = spans[i].kind == SJ_VX_JCC ||
				 spans[i].kind == SJ_VX_JMP;

		if (branch ? is_branch : !is_branch && field_of(&spans[i], &at, &size))
			return (int)i;
	}
	return -1;
}

/* Mutant of @s into @out by @op.  Return: its length, 0 if not possible. */
static u32 mutate(const struct source *s, enum mut_op op, u8 *out)
{
	u32 n = split(s->image, s->image_len), at, size, i, j, len = s->image_len;
	u32 delta = 1 + (u32)(sj_rand64(&rng) % 4);
	const struct span *a, *b;
	int k;

	memcpy(out, s->image, len);
	if (sj_rand64(&rng) & 1)
		delta = -delta;
	switch (op) {
	case M_FLIP:
		out[sj_rand64(&rng) % len] ^= (u8)(1 + sj_rand64(&rng) % 255);
		return len;
	case M_IMM:
	case M_BRANCH:
		k = pick_span(n, op == M_BRANCH);
		if (k < 0 || !field_of(&spans[k], &at, &size))
			return 0;
		switch (op == M_BRANCH ? 0 : sj_rand64(&rng) % 3) {
		case 0:
			add_to_field(out, at, size, delta);
			break;
		case 1:
			out[at + sj_rand64(&rng) % size] ^= (u8)(1 << (sj_rand64(&rng) % 8));
			break;
		default:
			for (i = 0; i < size; i++)
				out[at + i] = (u8)sj_rand64(&rng);
		}
		return len;
	case M_DROP:
		a = &spans[sj_rand64(&rng) % n];
		memmove(out + a->off, s->image + a->off + a->len,
			len - a->off - a->len);
		return len - a->len;
	case M_DUP:
		a = &spans[sj_rand64(&rng) % n];
		memcpy(out + a->off + a->len, s->image + a->off, len - a->off);
		return len + a->len;
	case M_SWAP:
		if (n < 2)
			return 0;
		i = (u32)(sj_rand64(&rng) % (n - 1));
		j = sj_rand64(&rng) & 1 ? i + 1 : i + 1 + (u32)(sj_rand64(&rng) % (n - 1 - i));
		a = &spans[i];
		b = &spans[j];
		at = a->off;
		memcpy(out + at, s->image + b->off, b->len);
		at += b->len;
		memcpy(out + at, s->image + a->off + a->len,
		       b->off - a->off - a->len);
		at += b->off - a->off - a->len;
		memcpy(out + at, s->image + a->off, a->len);
		return len;
	default:
		return 0;
	}
}

struct mut_stats {
	u32 made, rejected, acc_same, acc_diff, sampled, killed;
};

static void mutation_test(u32 count, u32 sample_rejected)
{
	static u8 mutant[SJ_JIT_MAX_IMAGE];
	struct mut_stats st[M_NOPS] = { 0 }, all = { 0 };
	u32 reasons[SJ_VAL_E_COUNT] = { 0 };
	u32 i, identical = 0, len, r;
	u64 t0 = now_ns();

	for (i = 0; i < count; i++) {
		const struct source *s = &sources[sj_rand64(&rng) % nsources];
		enum mut_op op = (enum mut_op)(sj_rand64(&rng) % M_NOPS);
		struct mut_stats *m = &st[op];

		len = mutate(s, op, mutant);
		if (!len) {
			i--;
			continue;
		}
		if (len == s->image_len && !memcmp(mutant, s->image, len)) {
			identical++;
			i--;
			continue;
		}
		m->made++;
		if (sj_validate(s->prog, s->len, mutant, len, &s->vo, &vwork,
				&res)) {
			m->rejected++;
			reasons[res.reason < SJ_VAL_E_COUNT ? res.reason : 0]++;
			/* how many rejected mutants the inputs would have caught */
			if (m->sampled < sample_rejected / M_NOPS) {
				m->sampled++;
				m->killed += run_differs(s, mutant, len);
			}
			continue;
		}
		if (run_differs(s, mutant, len)) {
			m->acc_diff++;
			tap_diag("ACCEPTED A DIFFERENT MUTANT (%s, form %s):",
				 mut_names[op], s->form->name);
			sj_print_prog(s->prog, s->len);
		} else {
			m->acc_same++;
		}
	}
	for (r = 0; r < M_NOPS; r++) {
		tap_diag("%-26s %5u mutants: %5u rejected, %u accepted-equivalent, %u accepted-different; rejected and run: %u of %u behave differently",
			 mut_names[r], st[r].made, st[r].rejected, st[r].acc_same,
			 st[r].acc_diff, st[r].killed, st[r].sampled);
		all.made += st[r].made;
		all.rejected += st[r].rejected;
		all.acc_same += st[r].acc_same;
		all.acc_diff += st[r].acc_diff;
		all.sampled += st[r].sampled;
		all.killed += st[r].killed;
	}
	for (r = 0; r < SJ_VAL_E_COUNT; r++)
		if (reasons[r])
			tap_diag("  rejected as \"%s\": %u", sj_validate_reason(r),
				 reasons[r]);
	tap_diag("%u mutants of %u source images (%u identical mutants skipped), %.1f s",
		 all.made, nsources, identical, (now_ns() - t0) / 1e9);
	tap_diag("mutation score: rejected / (rejected + accepted-but-different) = %u / %u = %.4f; accepted-equivalent %u",
		 all.rejected, all.rejected + all.acc_diff,
		 all.rejected + all.acc_diff ?
		 (double)all.rejected / (all.rejected + all.acc_diff) : 0.0,
		 all.acc_same);
	tap_diag("rejected mutants also run natively: %u, of which %u differ from the interpreter on the inputs (the rest are equivalent on them)",
		 all.sampled, all.killed);
	tap_ok(all.made >= 5000 && !all.acc_diff,
	       "mutation: %u mutants, none accepted that behaves differently (%u accepted-different)",
	       all.made, all.acc_diff);
}

static int setup_mutation(void)
{
	long page = sysconf(_SC_PAGESIZE);
	u32 i, n = sizeof(cases) / sizeof(cases[0]);

	/* big enough for any source image with a duplicated instruction */
	region_size = ((MUT_MAX_LEN * SJ_JIT_INSN_MAX + 64 + page) / page + 1) * page;
	page_size = page;
	region = mmap(NULL, region_size + page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sources = calloc(MUT_SOURCES, sizeof(*sources));
	if (region == MAP_FAILED || !sources)
		return -1;
	for (i = 0; i < n; i++)
		add_source(cases[i].prog, cases[i].len, &forms[i % NFORMS]);
	while (nsources < MUT_SOURCES) {
		u32 len = 1 + (u32)(sj_rand64(&rng) % MUT_MAX_LEN);

		sj_gen_program_len(&rng, rprog, len, incoming);
		add_source(rprog, len, &forms[nsources % NFORMS]);
	}
	return 0;
}

/*
 * The native runner itself: every unmutated source agrees with the
 * interpreter, and an image whose first byte is int3 does not.
 */
static void runner_control(void)
{
	static u8 broken[SJ_JIT_MAX_IMAGE];
	u32 i, differ = 0;

	for (i = 0; i < nsources; i++)
		differ += run_differs(&sources[i], sources[i].image,
				      sources[i].image_len);
	memcpy(broken, sources[0].image, sources[0].image_len);
	broken[0] = 0xcc;
	tap_ok(!differ && run_differs(&sources[0], broken, sources[0].image_len),
	       "native runner: %u sources agree unmutated (%u differ), a broken one does not",
	       nsources, differ);
}

int main(int argc, char **argv)
{
	u64 seed = (u64)time(NULL) ^ ((u64)getpid() << 32);
	u32 nrandom = 20000, nmutants = 20000, sample = 3000;
	int c;

	while ((c = getopt(argc, argv, "n:m:r:s:")) != -1) {
		if (c == 'n')
			nrandom = (u32)strtoul(optarg, NULL, 0);
		else if (c == 'm')
			nmutants = (u32)strtoul(optarg, NULL, 0);
		else if (c == 'r')
			sample = (u32)strtoul(optarg, NULL, 0);
		else if (c == 's')
			seed = strtoull(optarg, NULL, 0);
		else
			return fprintf(stderr, "usage: %s [-n RANDOM] [-m MUTANTS] [-r RUN_REJECTED] [-s SEED]\n",
				       argv[0]), 2;
	}
	printf("# validator: seed 0x%016llx (replay: -s 0x%016llx -n %u -m %u -r %u)\n",
	       (unsigned long long)seed, (unsigned long long)seed, nrandom,
	       nmutants, sample);
	rng = seed;

	accept_exec_table();
	accept_check_table();
	accept_shapes();
	cost_ns = 0;
	cost_images = 0;
	cost_insns = 0;
	jit_ns = 0;
	accept_random(nrandom);
	if (cost_images && cost_insns)
		tap_diag("cost per load (pool, thunk): %.0f ns per image, %.1f ns per BPF instruction (%llu images, %llu instructions; the JIT took %.0f ns per image in %zu forms)",
			 (double)cost_ns / cost_images, (double)cost_ns / cost_insns,
			 (unsigned long long)cost_images,
			 (unsigned long long)cost_insns,
			 (double)jit_ns / cost_images, NFORMS);
	controls();
	if (!tap_ok(!setup_mutation(), "mutation sources: %u images", nsources))
		return tap_done();
	runner_control();
	mutation_test(nmutants, sample);
	return tap_done();
}
