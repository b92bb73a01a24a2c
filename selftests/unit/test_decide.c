// SPDX-License-Identifier: GPL-2.0
/*
 * Decisions computed at load (verifier/decide.c) against the interpreter:
 *
 *  - a table of (program, arch, nr, expected decision) rows, every row
 *    with a constant checked again on boundary and random arguments;
 *  - random programs, half of them shaped like libseccomp's output (arch
 *    check, a dispatch on nr, argument tests): wherever sj_decide() says
 *    "constant", the interpreter must return that constant on the
 *    arguments and instruction pointers the program compares against (and
 *    one either side) and on random ones;
 *  - random chains of two and three filters: every constant entry of the
 *    combined table equals what seccomp_run_filters() makes of the
 *    filters' results, computed here by its own loop, not by
 *    sj_precedence();
 *  - residual programs of 100,000 random programs (four syscalls each):
 *    the interpreter on the program and on the residual, the program's
 *    native image and the residual's, all agree.
 *
 * `test_decide -s SEED -n COUNT -r RESIDUAL_PROGRAMS` replays a run.
 */
#include <getopt.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../../verifier/check.h"
#include "../../verifier/decide.h"
#include "../../verifier/interp.h"
#include "../../verifier/residual.h"
#include "agree.h"
#include "gen.h"
#include "runner.h"
#include "tap.h"

#define S(c, k)		((struct sock_filter)BPF_STMT(c, k))
#define J(c, k, t, f)	((struct sock_filter)BPF_JUMP(c, k, t, f))
#define LD(off)		S(BPF_LD | BPF_W | BPF_ABS, off)
#define RET(k)		S(BPF_RET | BPF_K, k)
#define ALLOW		SECCOMP_RET_ALLOW
#define ERRNO(e)	(SECCOMP_RET_ERRNO | (e))
#define KILL		SECCOMP_RET_KILL_PROCESS
#define X86		SJ_ARCH_X86_64
#define I386		SJ_ARCH_I386
#define RUN		SJ_DECIDE_RUN
#define MAXP		64

static struct sj_decide_work *dwork;
static struct sj_check_work cwork;
static u64 rng;

struct row {
	const char *what;
	struct sock_filter prog[MAXP];
	u32 len;
	u32 arch;
	u32 nr;
	long want;
};

/* Docker-like: arch check, x32 check, nr dispatch, an argument test. */
#define LIBSECCOMP_LIKE \
	LD(4), J(BPF_JMP | BPF_JEQ | BPF_K, X86, 1, 0), RET(KILL), \
	LD(0), J(BPF_JMP | BPF_JGE | BPF_K, SJ_X32_SYSCALL_BIT, 0, 1), \
	RET(ERRNO(38)), \
	J(BPF_JMP | BPF_JEQ | BPF_K, 110, 0, 1), RET(ALLOW), \
	J(BPF_JMP | BPF_JEQ | BPF_K, 135, 0, 4), LD(16), \
	J(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff, 1, 0), RET(ERRNO(1)), \
	RET(ALLOW), RET(ERRNO(1))

static const struct row rows[] = {
	{ "allow-all is ALLOW everywhere", { RET(ALLOW) }, 1, X86, 7, ALLOW },
	{ "...also i386", { RET(ALLOW) }, 1, I386, 511, ALLOW },
	{ "...but numbers past the table always run", { RET(ALLOW) }, 1, X86,
	  512, RUN },
	{ "libseccomp-like: getppid is allowed", { LIBSECCOMP_LIKE }, 14, X86,
	  110, ALLOW },
	{ "libseccomp-like: personality depends on arg0",
	  { LIBSECCOMP_LIKE }, 14, X86, 135, RUN },
	{ "libseccomp-like: an unlisted nr takes the default",
	  { LIBSECCOMP_LIKE }, 14, X86, 103, ERRNO(1) },
	{ "libseccomp-like: x32 numbers get ENOSYS", { LIBSECCOMP_LIKE }, 14,
	  X86, SJ_X32_SYSCALL_BIT + 110, ERRNO(38) },
	{ "libseccomp-like: i386 is killed", { LIBSECCOMP_LIKE }, 14, I386,
	  110, KILL },
	{ "ret a after loading an argument depends on it",
	  { LD(16), S(BPF_RET | BPF_A, 0) }, 2, X86, 0, RUN },
	{ "the instruction pointer is unknown",
	  { LD(8), J(BPF_JMP | BPF_JGT | BPF_K, 5, 0, 1), RET(KILL), RET(ALLOW) },
	  4, X86, 0, RUN },
	{ "both branches of an argument test agree: constant",
	  { LD(24), J(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1), RET(ERRNO(5)),
	    RET(ERRNO(5)) }, 4, X86, 3, ERRNO(5) },
	{ "arithmetic makes A unknown (fewer constants, never a wrong one)",
	  { LD(0), S(BPF_ALU | BPF_MUL | BPF_K, 3),
	    S(BPF_ALU | BPF_ADD | BPF_K, 1), S(BPF_RET | BPF_A, 0) }, 4, X86,
	  100, RUN },
	{ "...so does scratch memory",
	  { LD(0), S(BPF_ST, 5), S(BPF_LDX | BPF_MEM, 5),
	    S(BPF_MISC | BPF_TXA, 0), J(BPF_JMP | BPF_JEQ | BPF_K, 9, 0, 1),
	    RET(ERRNO(9)), RET(ALLOW) }, 7, X86, 9, RUN },
	{ "nr through X",
	  { LD(0), S(BPF_MISC | BPF_TAX, 0), S(BPF_LD | BPF_IMM, 9),
	    J(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1), RET(ERRNO(9)),
	    RET(ALLOW) }, 6, X86, 9, RUN },
	{ "ret a of the number is each number",
	  { LD(0), S(BPF_RET | BPF_A, 0) }, 2, X86, SJ_X32_SYSCALL_BIT + 7,
	  SJ_X32_SYSCALL_BIT + 7 },
	{ "jgt on the number splits the row",
	  { LD(0), J(BPF_JMP | BPF_JGT | BPF_K, 200, 0, 1), RET(KILL),
	    RET(ALLOW) }, 4, I386, 201, KILL },
	{ "...at its boundary", { LD(0),
	  J(BPF_JMP | BPF_JGT | BPF_K, 200, 0, 1), RET(KILL), RET(ALLOW) },
	  4, I386, 200, ALLOW },
	{ "a known X compares like a constant",
	  { S(BPF_LDX | BPF_IMM, 300), LD(0),
	    J(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 1), RET(KILL), RET(ALLOW) },
	  5, X86, 300, KILL },
	{ "ways that meet keep what they agree on",
	  { LD(24), J(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 2),
	    S(BPF_LD | BPF_IMM, 7), S(BPF_JMP | BPF_JA, 1),
	    S(BPF_LD | BPF_IMM, 7), S(BPF_RET | BPF_A, 0) }, 6, X86, 3, 7 },
	{ "...and lose what they do not",
	  { LD(24), J(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 2),
	    S(BPF_LD | BPF_IMM, 7), S(BPF_JMP | BPF_JA, 1),
	    S(BPF_LD | BPF_IMM, 8), S(BPF_RET | BPF_A, 0) }, 6, X86, 3, RUN },
	{ "div x by an unknown X may return 0",
	  { LD(16), S(BPF_MISC | BPF_TAX, 0), S(BPF_LD | BPF_IMM, 8),
	    S(BPF_ALU | BPF_DIV | BPF_X, 0), RET(ALLOW) }, 5, X86, 0, RUN },
	{ "div x by a known zero returns 0, not found (ALLOW seems reachable)",
	  { S(BPF_ALU | BPF_DIV | BPF_X, 0), RET(ALLOW) }, 2, X86, 0, RUN },
	{ "div x by a known nonzero X goes on",
	  { S(BPF_LDX | BPF_IMM, 3), S(BPF_ALU | BPF_DIV | BPF_X, 0),
	    RET(ALLOW) }, 3, X86, 0, ALLOW },
	{ "ld #len is 64", { S(BPF_LD | BPF_W | BPF_LEN, 0),
			    S(BPF_RET | BPF_A, 0) }, 2, I386, 4, 64 },
	{ "ALLOW with data is returned as it is (precedence strips it)",
	  { RET(ALLOW | 5) }, 1, X86, 0, ALLOW | 5 },
};

static void random_input(struct seccomp_data *sd, u32 arch, u32 nr,
			 const struct sock_filter *prog, u32 len)
{
	u32 *w = (u32 *)sd, i;

	for (i = 0; i < SJ_DATA_SIZE / 4; i++) {
		u32 pc = sj_gen_pick(&rng, len);

		switch (sj_gen_pick(&rng, 4)) {
		case 0:
			w[i] = sj_gen_constant(&rng);
			break;
		case 1:	/* a constant of the program, or one either side */
			w[i] = prog[pc].k + sj_gen_pick(&rng, 3) - 1;
			break;
		default:
			w[i] = (u32)sj_rand64(&rng);
		}
	}
	sd->nr = (int)nr;
	sd->arch = arch;
}

/* The interpreter returns @want on @n inputs with this arch and nr. */
static int agrees(const struct sock_filter *prog, u32 len, u32 arch, u32 nr,
		  u32 want, int n)
{
	struct seccomp_data sd;
	int i;

	for (i = 0; i < n; i++) {
		random_input(&sd, arch, nr, prog, len);
		if (sj_interp(prog, len, &sd) != want)
			return 0;
	}
	return 1;
}

static void table_rows(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct sj_facts facts;
		struct sj_diag diag;
		long got;

		if (!tap_ok(!sj_check(r->prog, r->len, &cwork, &facts, &diag),
			    "%s: the checker accepts it", r->what))
			continue;
		got = sj_decide(r->prog, r->len, r->arch, r->nr, dwork);
		if (!tap_ok(got == r->want, "%s", r->what))
			tap_diag("decided %ld, want %ld", got, r->want);
		if (got != RUN)
			tap_ok(agrees(r->prog, r->len, r->arch, r->nr, (u32)got,
				      1000),
			       "%s: the interpreter agrees on 1000 inputs",
			       r->what);
	}
}

/* A random program, half the time behind a libseccomp-like dispatch. */
static u32 random_program(struct sock_filter *prog, u16 *incoming)
{
	static const u32 nrs[] = { 0, 1, 3, 39, 110, 135, 450, 511 };
	u32 len, head = 0, i, n;

	if (sj_gen_pick(&rng, 2)) {
		len = sj_gen_program(&rng, prog, incoming);
		return len;
	}
	/* ld arch; jeq ARCH ? next : ret; ld nr; jeq n1, ... into a body */
	n = 1 + sj_gen_pick(&rng, 4);
	prog[head++] = LD(4);
	prog[head++] = J(BPF_JMP | BPF_JEQ | BPF_K,
			 sj_gen_pick(&rng, 2) ? X86 : I386, 1, 0);
	prog[head++] = RET(sj_gen_pick(&rng, 2) ? KILL : ERRNO(1));
	prog[head++] = LD(0);
	for (i = 0; i < n; i++)
		prog[head++] = J(BPF_JMP | BPF_JEQ | BPF_K,
				 nrs[sj_gen_pick(&rng, 8)], (u8)(n - i), 0);
	prog[head++] = RET(sj_gen_pick(&rng, 2) ? ALLOW : ERRNO(13));
	len = sj_gen_program_len(&rng, prog + head,
				 8 + sj_gen_pick(&rng, 40), incoming);
	return head + len;
}

static void random_programs(u32 count)
{
	static struct sock_filter prog[SJ_MAXINSNS];
	static u16 incoming[SJ_MAXINSNS];
	static const u32 nrs[] = { 0, 1, 3, 39, 110, 135, 450, 511 };
	u64 decisions = 0, constant = 0, wrong = 0, rejected = 0;
	u32 i, j;

	for (i = 0; i < count && wrong < 5; i++) {
		struct sj_facts facts;
		struct sj_diag diag;
		u32 len = random_program(prog, incoming);

		if (sj_check(prog, len, &cwork, &facts, &diag)) {
			rejected++;
			continue;
		}
		for (j = 0; j < 6; j++) {
			u32 arch = sj_gen_pick(&rng, 3) ? X86 : I386;
			u32 nr = j < 4 ? nrs[sj_gen_pick(&rng, 8)] :
				 (u32)sj_rand64(&rng);
			long d = sj_decide(prog, len, arch, nr, dwork);

			decisions++;
			if (d == RUN)
				continue;
			constant++;
			if (!agrees(prog, len, arch, nr, (u32)d, 16)) {
				wrong++;
				tap_diag("program %u, arch 0x%x nr %u: decided 0x%lx, the interpreter differs",
					 i, arch, nr, d);
				sj_print_prog(prog, len);
			}
		}
	}
	tap_ok(!rejected, "%u random programs, all accepted by the checker", i);
	tap_ok(!wrong, "%llu decisions, %llu constant, each equal to the interpreter on 16 inputs (%llu differ)",
	       (unsigned long long)decisions, (unsigned long long)constant,
	       (unsigned long long)wrong);
	tap_ok(constant * 4 > decisions && constant < decisions,
	       "the random decisions include constants and non-constants");
}

/* A random set bit of @s, or -1. */
static int pick_bit(const struct sj_nrset *s)
{
	int c, n = 0, want;

	for (c = 0; c < SJ_TABLE_NR; c++)
		n += !!(s->w[c / 64] & (1ULL << (c % 64)));
	if (!n)
		return -1;
	want = (int)sj_gen_pick(&rng, (u32)n);
	for (c = 0; c < SJ_TABLE_NR; c++)
		if ((s->w[c / 64] & (1ULL << (c % 64))) && !want--)
			return c;
	return -1;
}

/*
 * The certificates of random programs: sj_cert_check() accepts every one
 * sj_decide_row() makes (or the analysis would lose whole rows), and
 * refuses each made wrong in one place: a decided column's value, a
 * column taken out of a set it reaches, an unknown register made known.
 * Every such change breaks a fact some instruction needs, since each set
 * and register of a certificate is exactly the join of what flows in.
 */
static void certificates(u32 count)
{
	static struct sock_filter prog[SJ_MAXINSNS];
	static u16 incoming[SJ_MAXINSNS];
	u64 rows = 0, refused = 0, tried[3] = { 0 }, caught[3] = { 0 };
	u32 i, row;

	for (i = 0; i < count; i++) {
		struct sj_facts facts;
		struct sj_diag diag;
		u32 len = random_program(prog, incoming), pc, kind;
		int c;

		if (sj_check(prog, len, &cwork, &facts, &diag))
			continue;
		row = sj_gen_pick(&rng, SJ_NROWS);
		sj_decide_row(prog, len, row, dwork);
		rows++;
		if (!sj_cert_check(prog, len, row, dwork->st, &dwork->decided,
				   dwork->value)) {
			refused++;
			continue;
		}
		kind = sj_gen_pick(&rng, 3);
		pc = 1 + sj_gen_pick(&rng, len > 1 ? len - 1 : 1);
		if (kind == 0) {
			c = pick_bit(&dwork->decided);
			if (c < 0)
				continue;
			dwork->value[c] ^= 1 + sj_gen_pick(&rng, 0xffff);
		} else if (kind == 1) {
			if (pc >= len || !dwork->st[pc].reached)
				continue;
			c = pick_bit(&dwork->st[pc].set);
			if (c < 0)
				continue;
			dwork->st[pc].set.w[c / 64] &= ~(1ULL << (c % 64));
		} else {
			if (pc >= len || !dwork->st[pc].reached ||
			    dwork->st[pc].ak != SJ_AV_UNKNOWN ||
			    pick_bit(&dwork->st[pc].set) < 0)
				continue;
			dwork->st[pc].ak = SJ_AV_KNOWN;
			dwork->st[pc].av = sj_gen_constant(&rng);
		}
		tried[kind]++;
		caught[kind] += !sj_cert_check(prog, len, row, dwork->st,
					       &dwork->decided, dwork->value);
	}
	tap_ok(rows > count / 2 && !refused,
	       "%llu certificates of random programs, all accepted (%llu refused)",
	       (unsigned long long)rows, (unsigned long long)refused);
	tap_ok(tried[0] > 100 && caught[0] == tried[0],
	       "a decided column's value changed: %llu of %llu refused",
	       (unsigned long long)caught[0], (unsigned long long)tried[0]);
	tap_ok(tried[1] > 100 && caught[1] == tried[1],
	       "a column taken out of a set it reaches: %llu of %llu refused",
	       (unsigned long long)caught[1], (unsigned long long)tried[1]);
	tap_ok(tried[2] > 100 && caught[2] == tried[2],
	       "an unknown A made known: %llu of %llu refused",
	       (unsigned long long)caught[2], (unsigned long long)tried[2]);
	{
		static struct sj_table t;
		const struct sock_filter allow[] = { RET(ALLOW) };

		tap_ok(sj_decide_table(allow, 1, &t, dwork, true) ==
		       SJ_NROWS && t.constant == 0,
		       "fault injection: every row refused, nothing decided");
		tap_ok(!sj_decide_table(allow, 1, &t, dwork, false) &&
		       t.constant == SJ_NROWS * SJ_TABLE_NR,
		       "...and without it, allow-all decides every entry");
	}
}

/* Mutation scores of sj_residual_check(), over residual programs. */
struct mutant_score {
	u64 tried;	/* mutants the checker accepts as programs */
	u64 differ;	/* of those, seen to return something else */
	u64 caught;	/* of those, refused by sj_residual_check() */
	u64 missed;	/* confirmed yet differing: a soundness bug */
};

/*
 * One mutant of residual @res (@rlen) of @prog for (@arch, @nr): an
 * operand, a jump offset or an opcode changed.  The check must refuse
 * every mutant that returns something else on one of 32 inputs, and
 * confirm none that does.
 */
static void residual_mutant(const struct sock_filter *prog, u32 len, u32 arch,
			    u32 nr, const struct sock_filter *res, u32 rlen,
			    struct sj_residual_work *rwork,
			    struct mutant_score *score)
{
	static const u16 codes[] = {
		BPF_RET | BPF_K, BPF_RET | BPF_A, BPF_LD | BPF_IMM,
		BPF_ALU | BPF_ADD | BPF_K, BPF_JMP | BPF_JGT | BPF_K,
		BPF_JMP | BPF_JEQ | BPF_K, BPF_LD | BPF_W | BPF_ABS,
	};
	static struct sock_filter mut[SJ_MAXINSNS];
	u32 at = sj_gen_pick(&rng, rlen), k;
	struct seccomp_data sd;
	struct sj_facts facts;
	struct sj_diag diag;
	bool differs = false, confirmed;

	memcpy(mut, res, rlen * sizeof(*mut));
	switch (sj_gen_pick(&rng, 4)) {
	case 0:
		mut[at].k += sj_gen_pick(&rng, 2) ? 1 : -1;
		break;
	case 1:
		mut[at].jt ^= 1;
		break;
	case 2:
		mut[at].jf += 1;
		break;
	default:
		mut[at].code = codes[sj_gen_pick(&rng, ARRAY_SIZE(codes))];
		break;
	}
	if (sj_check(mut, rlen, &cwork, &facts, &diag))
		return;
	score->tried++;
	for (k = 0; k < 32 && !differs; k++) {
		random_input(&sd, arch, nr, prog, len);
		differs = sj_interp(prog, len, &sd) != sj_interp(mut, rlen, &sd);
	}
	confirmed = sj_residual_check(prog, len, arch, nr, mut, rlen, rwork);
	score->differ += differs;
	score->caught += differs && !confirmed;
	if (differs && confirmed && score->missed++ < 3) {
		tap_diag("a mutant residual confirmed, yet it differs (arch 0x%x nr %u):",
			 arch, nr);
		sj_print_prog(prog, len);
		sj_print_prog(mut, rlen);
	}
}

/*
 * Residual programs: for every (arch, nr) of random programs, what is left
 * once nr and arch are known is accepted by the checker, no longer than
 * the program, and returns what the program returns on 32 inputs, as the
 * module runs both: interpreted, and compiled in the module's form (the
 * whole program's image and the residual's) and run natively.
 */
static void residuals(u32 count)
{
	struct sj_native full, part;
	static struct sock_filter prog[SJ_MAXINSNS], res[SJ_MAXINSNS];
	static struct sj_residual_work rwork;
	static u16 incoming[SJ_MAXINSNS];
	static const u32 nrs[] = { 0, 1, 3, 39, 110, 135, 450, 511 };
	u64 total = 0, kept = 0, wrong = 0, rejected = 0, unconfirmed = 0;
	struct mutant_score score = { 0 };
	u32 i, j;

	for (i = 0; i < count && wrong < 5; i++) {
		struct sj_facts facts;
		struct sj_diag diag;
		u32 len = random_program(prog, incoming), rlen;

		if (sj_check(prog, len, &cwork, &facts, &diag))
			continue;
		if (sj_native_build(&full, prog, len)) {
			wrong++;
			tap_diag("program %u: the JIT refused it", i);
			continue;
		}
		for (j = 0; j < 4; j++) {
			u32 arch = sj_gen_pick(&rng, 3) ? X86 : I386;
			u32 nr = j < 3 ? nrs[sj_gen_pick(&rng, 8)] :
				 (u32)sj_rand64(&rng);
			struct seccomp_data sd;
			int k;

			rlen = sj_residual(prog, len, arch, nr, res, &rwork);
			total += len;
			kept += rlen;
			if (!rlen) {	/* none: a jump past 255 */
				rejected++;
				continue;
			}
			if (rlen > len) {
				wrong++;
				tap_diag("program %u, arch 0x%x nr %u: a residual of %u insns",
					 i, arch, nr, rlen);
				continue;
			}
			/*
			 * seccomp's scratch check is a linear pass in which a
			 * store flows past a ret: dropping an unreachable store
			 * can make a read look uninitialised.  The module then
			 * runs the whole filter for that syscall.
			 */
			if (sj_check(res, rlen, &cwork, &facts, &diag)) {
				rejected++;
				continue;
			}
			if (!sj_residual_check(prog, len, arch, nr, res, rlen,
					       &rwork) && unconfirmed++ < 3) {
				tap_diag("program %u, arch 0x%x nr %u: its residual not confirmed",
					 i, arch, nr);
				sj_print_prog(prog, len);
				sj_print_prog(res, rlen);
			}
			residual_mutant(prog, len, arch, nr, res, rlen, &rwork,
					&score);
			if (sj_native_build(&part, res, rlen)) {
				wrong++;
				tap_diag("program %u: the JIT refused a residual", i);
				continue;
			}
			for (k = 0; k < 32; k++) {
				u32 want;

				random_input(&sd, arch, nr, prog, len);
				want = sj_interp(prog, len, &sd);
				if (want != sj_interp(res, rlen, &sd) ||
				    want != sj_native_run(&full, &sd) ||
				    want != sj_native_run(&part, &sd)) {
					wrong++;
					tap_diag("program %u, arch 0x%x nr %u: the residual or an image differs",
						 i, arch, nr);
					sj_print_prog(prog, len);
					break;
				}
			}
			sj_native_free(&part);
		}
		sj_native_free(&full);
	}
	tap_ok(!wrong, "%u random programs: every residual program the checker accepts returns what the program returns on 32 inputs, interpreted and as native images of both (%llu of %llu instructions kept)",
	       i, (unsigned long long)kept, (unsigned long long)total);
	tap_ok(rejected * 20 < 4ULL * i,
	       "at least 95%% of the syscalls have a residual program the checker accepts (%llu of %u have none)",
	       (unsigned long long)rejected, 4 * i);
	tap_ok(kept < total, "residual programs are shorter");
	/*
	 * Completeness, not safety: a residual the check cannot confirm is
	 * not used (that syscall runs the whole filter).  Random programs
	 * reach a few the check's joins lose (seed 0x000001706b11f711: 4 of
	 * about 400,000).
	 */
	tap_ok(unconfirmed * 10000 <= 4ULL * i,
	       "sj_residual_check() confirms all but at most 1 in 10,000 residual programs (%llu not)",
	       (unsigned long long)unconfirmed);
	tap_ok(!score.missed && score.differ > 1000,
	       "sj_residual_check() refuses every mutant residual seen to differ (%llu of %llu; %llu mutants in all, %llu missed)",
	       (unsigned long long)score.caught,
	       (unsigned long long)score.differ,
	       (unsigned long long)score.tried,
	       (unsigned long long)score.missed);
}

/* seccomp_run_filters() over @n results, newest first: its own loop. */
static u32 seccomp_combine(const u32 *results, int n)
{
	u32 ret = SECCOMP_RET_ALLOW;
	int i;

	for (i = n - 1; i >= 0; i--)
		if ((s32)(results[i] & SECCOMP_RET_ACTION_FULL) <
		    (s32)(ret & SECCOMP_RET_ACTION_FULL))
			ret = results[i];
	return ret;
}

static void random_chains(u32 count)
{
	static struct sock_filter progs[3][SJ_MAXINSNS];
	static u16 incoming[SJ_MAXINSNS];
	static struct sj_table own[3], chain[3];
	u64 entries = 0, constant = 0, wrong = 0;
	u32 i;
	int f, n;

	for (i = 0; i < count && wrong < 5; i++) {
		u32 len[3], row, col, results[3];

		n = 2 + (int)sj_gen_pick(&rng, 2);
		for (f = 0; f < n; f++) {
			struct sj_facts facts;
			struct sj_diag diag;

			do {
				len[f] = random_program(progs[f], incoming);
			} while (sj_check(progs[f], len[f], &cwork, &facts,
					  &diag));
			sj_decide_table(progs[f], len[f], &own[f], dwork, false);
			sj_table_combine(&chain[f], &own[f],
					 f ? &chain[f - 1] : NULL);
		}
		for (row = 0; row < SJ_NROWS; row++) {
			for (col = 0; col < SJ_TABLE_NR; col += 1 + sj_gen_pick(&rng, 8)) {
				u32 arch = row == SJ_ROW_I386 ? I386 : X86;
				u32 nr = (row == SJ_ROW_X32 ? SJ_X32_SYSCALL_BIT : 0) + col;
				struct seccomp_data sd;
				u32 want, got;
				int k;

				entries++;
				if (!sj_table_lookup(&chain[n - 1], arch, nr, &got))
					continue;
				constant++;
				for (k = 0; k < 4; k++) {
					random_input(&sd, arch, nr, progs[n - 1],
						     len[n - 1]);
					for (f = 0; f < n; f++)
						results[f] = sj_interp(progs[f], len[f], &sd);
					want = seccomp_combine(results, n);
					if (want != got) {
						wrong++;
						tap_diag("chain %u, arch 0x%x nr 0x%x: table 0x%x, seccomp 0x%x",
							 i, arch, nr, got, want);
						break;
					}
				}
			}
		}
	}
	tap_ok(!wrong, "%u random chains of 2 or 3: %llu entries looked at, %llu constant, each equal to seccomp's precedence on 4 inputs",
	       i, (unsigned long long)entries, (unsigned long long)constant);
	tap_ok(constant > 0 && constant < entries,
	       "the chains' tables include constant and running entries");
}

/* Precedence corner cases, against the same loop. */
static void precedence(void)
{
	static const u32 v[] = {
		ALLOW, ALLOW | 5, SECCOMP_RET_LOG, SECCOMP_RET_LOG | 1,
		SECCOMP_RET_TRACE | 2, SECCOMP_RET_USER_NOTIF, ERRNO(1), ERRNO(2),
		SECCOMP_RET_TRAP | 3, SECCOMP_RET_KILL_THREAD, KILL, 0x10000000,
		0x7ffe0000, 0x80010000,
	};
	u32 i, j, bad = 0, n = sizeof(v) / sizeof(v[0]);

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			u32 r[2] = { v[i], v[j] };	/* older, newer */
			u32 want = seccomp_combine(r, 2);
			u32 got = sj_precedence(v[j], sj_precedence(v[i], ALLOW));

			bad += want != got;
		}
	}
	tap_ok(!bad, "sj_precedence() equals seccomp's loop on %u pairs of results", n * n);
}

int main(int argc, char **argv)
{
	u64 seed = (u64)time(NULL) ^ ((u64)getpid() << 32);
	u32 count = 20000, chains = 200, nresidual = 100000;
	int c;

	while ((c = getopt(argc, argv, "n:r:s:")) != -1) {
		if (c == 'n')
			count = (u32)strtoul(optarg, NULL, 0);
		else if (c == 'r')
			nresidual = (u32)strtoul(optarg, NULL, 0);
		else if (c == 's')
			seed = strtoull(optarg, NULL, 0);
		else
			return fprintf(stderr, "usage: %s [-n COUNT] [-r RESIDUAL_PROGRAMS] [-s SEED]\n",
				       argv[0]), 2;
	}
	printf("# decisions: seed 0x%016llx (replay: -s 0x%016llx -n %u -r %u)\n",
	       (unsigned long long)seed, (unsigned long long)seed, count,
	       nresidual);
	rng = seed;
	dwork = calloc(1, sj_decide_work_size(SJ_MAXINSNS));
	if (!dwork)
		return 2;
	table_rows();
	precedence();
	random_programs(count);
	certificates(count / 4);
	random_chains(chains);
	residuals(nresidual);
	return tap_done();
}
