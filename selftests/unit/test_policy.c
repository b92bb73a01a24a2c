// SPDX-License-Identifier: GPL-2.0
/*
 * The policy language, its compiler and the independent check of the
 * translation (tools/policy*.c):
 *
 *  - a table of (policy, input, expected action), each row run through
 *    the specification (sj_policy_eval) and through the compiled filter
 *    (the reference interpreter), with every compiled filter confirmed;
 *  - a table of (policy text, expected error), file:line:column included;
 *  - random policies: each parses, compiles to a filter the checker
 *    accepts and the confirmation accepts, and agrees with the
 *    specification on sampled inputs;
 *  - mutants of compiled filters (jump targets, swapped actions, off-by-one
 *    constants, a high half read as the low half): every one that sampling
 *    shows to change behaviour must be refused by the confirmation, and
 *    none it confirms may show a difference.
 */
#include <errno.h>
#include <linux/audit.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/policy.h"
#include "../../verifier/check.h"
#include "../../verifier/interp.h"
#include "tap.h"

#define X86	AUDIT_ARCH_X86_64
#define I386	AUDIT_ARCH_I386
#define ALLOW	SECCOMP_RET_ALLOW
#define KILLP	SECCOMP_RET_KILL_PROCESS
#define KILLT	SECCOMP_RET_KILL_THREAD
#define ERRNO(e) (SECCOMP_RET_ERRNO | (e))
#define TRAP(d)	(SECCOMP_RET_TRAP | (d))
#define X32(nr)	(SJ_X32_BIT | (nr))

static const char *const policies[] = {
	/* 0: the basics, x86-64 only */
	"# comment\n"
	"default errno EPERM;\n"
	"allow read, write;\n"
	"allow personality if arg0 in {0, 8, 0x20000, 0xffffffff};\n"
	"kill-process ptrace;\n"
	"trap 7 kill if arg1 == 9;\n",
	/* 1: 64-bit compares, both halves; masks; and/or/not */
	"default allow;\n"
	"errno EACCES openat if arg2 & 3 != 0;\n"
	"errno E2BIG mmap if arg1 > 0x100000000;\n"
	"errno EBADF close if arg0 >= 0x100000000 and not arg0 == 0x100000005;\n"
	"errno ENOENT dup if arg0 < 2 or arg0 & 0xffffffff00000000 == 0x700000000;\n"
	"errno EIO dup2 if arg1 <= 0xffffffff;\n",
	/* 2: classes, sections, unknown syscalls */
	"arches x86_64 x32 i386;\n"
	"default kill-thread;\n"
	"unknown-syscalls errno ENOSYS;\n"
	"allow getppid;\n"
	"arch i386 { default errno EPERM; allow socketcall; }\n"
	"arch x32 { unknown-syscalls errno EPERM; }\n",
	/* 3: groups, first match wins */
	"other-arches errno EXDEV;\n"
	"group @mine = read, @network;\n"
	"default errno EPERM;\n"
	"errno EBUSY socket if arg0 == 2;\n"
	"allow @mine;\n"
	"kill-process socket;\n",
};

#define ANY	{ 0, 0, 0, 0, 0, 0 }

static const struct {
	unsigned int policy;
	uint32_t arch, nr;
	uint64_t args[6];
	uint32_t expect;
	const char *what;
} rows[] = {
	{ 0, X86, 0, ANY, ALLOW, "read is allowed" },
	{ 0, X86, 2, ANY, ERRNO(1), "open takes the default" },
	{ 0, X86, 135, { 8 }, ALLOW, "personality(8) is in the set" },
	{ 0, X86, 135, { 9 }, ERRNO(1), "personality(9) is not" },
	{ 0, X86, 135, { 0x1ffffffffull }, ERRNO(1),
	  "personality(0x1ffffffff): the high half counts" },
	{ 0, X86, 135, { 0xffffffff }, ALLOW, "personality(0xffffffff)" },
	{ 0, X86, 101, ANY, KILLP, "ptrace kills the process" },
	{ 0, X86, 62, { 0, 9 }, TRAP(7), "kill(_, 9) traps with data 7" },
	{ 0, X86, 62, { 0, 0x900000009ull }, ERRNO(1),
	  "kill(_, 0x900000009) does not" },
	{ 0, I386, 3, ANY, KILLP, "i386 is not covered: killed" },
	{ 0, X86, X32(0), ANY, KILLP, "x32 read is not covered: killed" },
	{ 0, 0x1234, 0, ANY, KILLP, "an unknown arch is killed" },
	{ 1, X86, 257, { 0, 0, 4 }, ALLOW, "openat(_, _, 4)" },
	{ 1, X86, 257, { 0, 0, 0x100000001ull }, ERRNO(EACCES),
	  "openat(_, _, 0x100000001): mask 3 sees the low bit" },
	{ 1, X86, 9, { 0, 0x100000000ull }, ALLOW, "mmap len 2^32: not above" },
	{ 1, X86, 9, { 0, 0x100000001ull }, ERRNO(E2BIG), "mmap len 2^32+1" },
	{ 1, X86, 9, { 0, 0x200000000ull }, ERRNO(E2BIG), "mmap len 2^33" },
	{ 1, X86, 9, { 0, 0xffffffffull }, ALLOW, "mmap len 2^32-1" },
	{ 1, X86, 3, { 0x100000005ull }, ALLOW, "close: the excluded value" },
	{ 1, X86, 3, { 0x100000004ull }, ERRNO(EBADF), "close: 2^32+4" },
	{ 1, X86, 3, { 0xffffffffull }, ALLOW, "close: below 2^32" },
	{ 1, X86, 32, { 1 }, ERRNO(ENOENT), "dup(1)" },
	{ 1, X86, 32, { 2 }, ALLOW, "dup(2)" },
	{ 1, X86, 32, { 0x700000002ull }, ERRNO(ENOENT), "dup: masked high half" },
	{ 1, X86, 33, { 0, 0xffffffffull }, ERRNO(EIO), "dup2 <= 2^32-1" },
	{ 1, X86, 33, { 0, 0x100000000ull }, ALLOW, "dup2 2^32" },
	{ 2, X86, 110, ANY, ALLOW, "x86-64 getppid" },
	{ 2, X86, 111, ANY, KILLT, "x86-64 getpgrp: default" },
	{ 2, X86, 1000, ANY, ERRNO(ENOSYS), "x86-64 1000: unknown" },
	{ 2, X86, 0x3fffffff, ANY, ERRNO(ENOSYS), "x86-64 0x3fffffff: unknown" },
	{ 2, X86, 0x80000000u, ANY, ERRNO(EPERM), "nr 0x80000000 is in the x32 class" },
	{ 2, X86, X32(110), ANY, ALLOW, "x32 getppid" },
	{ 2, X86, X32(111), ANY, KILLT, "x32 getpgrp: default" },
	{ 2, X86, X32(1000), ANY, ERRNO(EPERM), "x32 1000: its own unknown" },
	{ 2, X86, 0xffffffffu, ANY, ERRNO(ENOSYS), "nr -1 is in the x86-64 class" },
	{ 2, X86, 0xfffffffeu, ANY, ERRNO(EPERM), "nr -2 is in the x32 class" },
	{ 2, I386, 64, ANY, ALLOW, "i386 getppid" },
	{ 2, I386, 102, ANY, ALLOW, "i386 socketcall" },
	{ 2, I386, 20, ANY, ERRNO(EPERM), "i386 default" },
	{ 2, I386, 1000, ANY, ERRNO(ENOSYS), "i386 1000: unknown" },
	{ 2, 0, 110, ANY, KILLP, "arch 0: killed" },
	{ 3, X86, 41, { 2 }, ERRNO(EBUSY), "socket(2): the first rule" },
	{ 3, X86, 41, { 10 }, ALLOW, "socket(10): in @mine" },
	{ 3, X86, 0, ANY, ALLOW, "read: in @mine" },
	{ 3, X86, 42, ANY, ALLOW, "connect: in @network" },
	{ 3, X86, 1, ANY, ERRNO(EPERM), "write: default" },
	{ 3, I386, 0, ANY, ERRNO(EXDEV), "i386: other-arches" },
};

static const struct {
	const char *text;
	const char *error;
} errors[] = {
	{ "allow read;\n", "t:1:1: no default action for x86_64 (add 'default ACTION;')" },
	{ "default allow;\nallow reed;\n", "t:2:7: no system call 'reed' on the architectures this rule covers" },
	{ "default allow;\nallow read\n", "t:3:1: expected ',', 'if' or ';', found end of file" },
	{ "default allow;\nallow read if arg6 == 1;\n", "t:2:15: expected an argument (arg0 to arg5), 'not' or '(', found 'arg6'" },
	{ "default allow;\nallow read if arg0 =< 1;\n", "t:2:20: expected a comparison (==, !=, <, <=, >, >=) or 'in', found '='" },
	{ "default allow;\nerrno EWHAT read;\n", "t:2:7: expected an errno name (such as EPERM) or a number up to 4095, found 'EWHAT'" },
	{ "default allow;\nerrno 4096 read;\n", "t:2:7: expected an errno name (such as EPERM) or a number up to 4095, found a number" },
	{ "default allow;\ndefault kill;\n", "t:2:1: default already set at t:1" },
	{ "default allow;\nallow read if arg0 == 0x10000000000000000;\n", "t:2:23: number does not fit in 64 bits" },
	{ "default allow;\nallow read if arg0 in {1, 2;\n", "t:2:28: expected ',', found ';'" },
	{ "default allow;\nallow @nothing;\n", "t:2:7: no group @nothing" },
	{ "default allow;\narch mips { }\n", "t:2:6: expected an architecture (x86_64, x32 or i386), found 'mips'" },
	{ "default allow;\nallow read;\narches i386;\n", "t:3:1: 'arches' must come once, before any rule" },
	{ "default allow;\ninclude \"/nonexistent.policy\";\n", "t:2:1: cannot read included file /nonexistent.policy" },
	{ "default allow;\nallow read $\n", "t:2:12: unexpected character '$'" },
	{ "default allow;\nallow read if arg0 == 0x1g;\n", "t:2:23: malformed number" },
	{ "arches i386;\ndefault allow;\nallow arch_prctl, mmap2;\nallow epoll_wait_old;\n", "t:4:7: no system call 'epoll_wait_old' on the architectures this rule covers" },
	{ "group @a = @a;\ndefault allow;\nallow @a;\n", "t:1:12: groups nest deeper than 16 (a cycle?)" },
	{ "default allow;\nfrobnicate;\n", "t:2:1: expected a rule (an action, then system calls) or default, unknown-syscalls, other-arches, arches, group, include, arch, found 'frobnicate'" },
	{ "default allow;\nallow read if \"x\";\n", "t:2:15: expected an argument (arg0 to arg5), 'not' or '(', found a string" },
};

static struct sj_check_work check_work;

/* Compiles @pol; the filter must pass the checker and be confirmed. */
static int compile_checked(const struct sj_policy *pol, struct sock_filter **p,
			   uint32_t *len, char *err, size_t size)
{
	struct sj_facts facts;
	struct sj_diag diag;

	if (sj_policy_compile(pol, p, len, NULL, err, size))
		return -1;
	if (sj_check(*p, *len, &check_work, &facts, &diag)) {
		snprintf(err, size, "checker: insn %u: %s", diag.insn,
			 diag.cause);
		return -1;
	}
	return sj_policy_confirm(pol, *p, *len, NULL, err, size) == 1 ? 0 : -1;
}

static void table_rows(void)
{
	struct sj_policy pol[sizeof(policies) / sizeof(policies[0])];
	struct sock_filter *prog[sizeof(policies) / sizeof(policies[0])];
	uint32_t len[sizeof(policies) / sizeof(policies[0])];
	struct seccomp_data sd;
	unsigned int i;
	uint32_t e, g;
	char err[512];

	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		bool ok;

		*err = 0;
		len[i] = 0;
		ok = !sj_policy_parse("t", policies[i], strlen(policies[i]),
				      &pol[i], err, sizeof(err)) &&
		     !compile_checked(&pol[i], &prog[i], &len[i], err,
				      sizeof(err));
		if (!tap_ok(ok, "policy %u parses, compiles (%u instructions) and is confirmed%s%s",
			    i, len[i], *err ? ": " : "", err))
			return;
	}
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&sd, 0, sizeof(sd));
		sd.arch = rows[i].arch;
		sd.nr = rows[i].nr;
		memcpy(sd.args, rows[i].args, sizeof(sd.args));
		e = sj_policy_eval(&pol[rows[i].policy], &sd);
		g = sj_interp(prog[rows[i].policy], len[rows[i].policy], &sd);
		tap_ok(e == rows[i].expect && g == rows[i].expect,
		       "policy %u: %s (expected %#x, specification %#x, filter %#x)",
		       rows[i].policy, rows[i].what, rows[i].expect, e, g);
	}
	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		sj_policy_free(&pol[i]);
		free(prog[i]);
	}
}

static void error_rows(void)
{
	struct sj_policy pol;
	unsigned int i;
	char err[512];
	int ret;

	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		*err = 0;
		ret = sj_policy_parse("t", errors[i].text, strlen(errors[i].text),
				      &pol, err, sizeof(err));
		tap_ok(ret && !strcmp(err, errors[i].error),
		       "error %u: \"%s\" (got \"%s\")", i, errors[i].error,
		       ret ? err : "no error");
	}
}

/* ---- random policies ------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned int pick(unsigned int n)
{
	return rnd() % n;
}

/* On all three classes, so that any of them may be covered alone. */
static const char *const pool_calls[] = {
	"read", "write", "close", "personality", "getppid", "ptrace", "brk",
	"kill", "ioctl", "fcntl", "socket", "clone",
};

static const uint64_t pool_values[] = {
	0, 1, 2, 7, 8, 0xff, 0x20000, 0x7fffffff, 0x80000000, 0xffffffff,
	0x100000000ull, 0x100000001ull, 0x7ffffffffull, 0xffffffff00000000ull,
	~0ull,
};

static const uint64_t pool_masks[] = {
	0xff, 0x3, 0xffffffff, 0xffffffff00000000ull, 0x100000001ull,
	0xf0000000f0ull,
};

static const char *const pool_actions[] = {
	"allow", "log", "kill-process", "kill-thread", "errno EPERM",
	"errno 0", "errno ENOSYS", "trap", "trap 3", "trace 9", "notify",
};

struct text {
	char buf[8192];
	size_t n;
};

static void __attribute__((format(printf, 2, 3)))
put(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	t->n += vsnprintf(t->buf + t->n, sizeof(t->buf) - t->n, fmt, ap);
	va_end(ap);
	if (t->n >= sizeof(t->buf))
		t->n = sizeof(t->buf) - 1;
}

static void random_cond(struct text *t, int depth)
{
	unsigned int i, n, k = pick(depth ? 10 : 6);
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };

	if (k >= 8) {
		put(t, "(");
		random_cond(t, depth - 1);
		put(t, k == 8 ? " and " : " or ");
		random_cond(t, depth - 1);
		put(t, ")");
		return;
	}
	if (k == 6 && depth) {
		put(t, "not ");
		random_cond(t, depth - 1);
		return;
	}
	put(t, "arg%u", pick(6));
	if (!pick(3))
		put(t, " & %#llx", (unsigned long long)pool_masks[pick(6)]);
	if (k == 7) {
		n = 1 + pick(4);
		put(t, " in {");
		for (i = 0; i < n; i++)
			put(t, "%s%#llx", i ? ", " : "",
			    (unsigned long long)pool_values[pick(15)]);
		put(t, "}");
		return;
	}
	put(t, " %s %#llx", ops[pick(6)],
	    (unsigned long long)pool_values[pick(15)]);
}

static void random_rule(struct text *t)
{
	unsigned int i, n = 1 + pick(3);

	put(t, "%s ", pool_actions[pick(11)]);
	for (i = 0; i < n; i++)
		put(t, "%s%s", i ? ", " : "",
		    pick(12) ? pool_calls[pick(12)] : "@network");
	if (pick(5) < 3) {
		put(t, " if ");
		random_cond(t, 2);
	}
	put(t, ";\n");
}

static void random_policy(struct text *t)
{
	static const char *const arch[] = { "x86_64", "x32", "i386" };
	unsigned int i, n, mask = 0;

	t->n = 0;
	if (pick(2)) {
		mask = 1 + pick(7);
		put(t, "arches");
		for (i = 0; i < 3; i++)
			if (mask & (1 << i))
				put(t, " %s", arch[i]);
		put(t, ";\n");
	}
	put(t, "default %s;\n", pool_actions[pick(11)]);
	if (pick(2))
		put(t, "unknown-syscalls %s;\n", pool_actions[pick(11)]);
	if (!pick(3))
		put(t, "other-arches %s;\n", pool_actions[pick(11)]);
	n = pick(12);
	for (i = 0; i < n; i++)
		random_rule(t);
	if (!pick(3)) {
		put(t, "arch %s {\n", arch[pick(3)]);
		if (pick(2))
			put(t, "default %s;\n", pool_actions[pick(11)]);
		n = pick(4);
		for (i = 0; i < n; i++)
			random_rule(t);
		put(t, "}\n");
	}
}

static uint64_t random_arg(void)
{
	uint64_t v = pool_values[pick(15)];

	switch (pick(6)) {
	case 0:
		return v + 1;
	case 1:
		return v - 1;
	case 2:
		return rnd();
	case 3:
		return v ^ (1ull << pick(64));
	default:
		return v;
	}
}

static void random_input(struct seccomp_data *sd)
{
	static const uint32_t arches[] = { X86, X86, I386, 0x40000028 };
	int a;

	memset(sd, 0, sizeof(*sd));
	sd->arch = arches[pick(4)];
	a = sd->arch == I386 ? SJ_ARCH_I386 : pick(2) ? SJ_ARCH_X86_64 : SJ_ARCH_X32;
	switch (pick(5)) {
	case 0:
		sd->nr = sj_syscall_max(a) + pick(3) - 1;
		break;
	case 1:
		sd->nr = rnd();
		break;
	default:
		sd->nr = sj_syscall_nr(a, pool_calls[pick(12)]) + pick(3) - 1;
		if (!pick(8))
			sd->nr = sj_syscall_nr(a, "connect");
	}
	for (a = 0; a < 6; a++)
		sd->args[a] = random_arg();
	sd->instruction_pointer = rnd();
}

/*
 * How many of @samples random inputs the compiler's map of rets to
 * statements (@origin) attributes to another statement than the
 * specification does.  Which ret the filter reaches comes from running a
 * copy of it whose every ret returns its own index, as the module does.
 */
static unsigned int misattributed(const struct sj_policy *pol,
				  const struct sock_filter *prog, uint32_t len,
				  const int *origin, unsigned int samples)
{
	struct sock_filter *marked = malloc(len * sizeof(*marked));
	char want[256], got[256];
	struct seccomp_data sd;
	unsigned int i, n = 0;
	uint32_t pc;

	for (pc = 0; pc < len; pc++)
		marked[pc] = BPF_CLASS(prog[pc].code) == BPF_RET ?
			     (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, pc) :
			     prog[pc];
	for (i = 0; i < samples; i++) {
		random_input(&sd);
		sj_policy_decide(pol, &sd, want, sizeof(want));
		pc = sj_interp(marked, len, &sd);
		sj_policy_origin_str(pol, pc < len ? origin[pc] : SJ_ORIGIN_NONE,
				     sd.arch, sd.nr, got, sizeof(got));
		if (strcmp(want, got) && n++ < 3)
			tap_diag("arch %#x nr %#x: the specification says %s, the map %s",
				 sd.arch, sd.nr, want, got);
	}
	free(marked);
	return n;
}

/* How many of @samples random inputs tell @prog from @pol. */
static unsigned int differences(const struct sj_policy *pol,
				const struct sock_filter *prog, uint32_t len,
				unsigned int samples)
{
	struct seccomp_data sd;
	unsigned int i, n = 0;

	for (i = 0; i < samples; i++) {
		random_input(&sd);
		n += sj_interp(prog, len, &sd) != sj_policy_eval(pol, &sd);
	}
	return n;
}

#define RANDOM_POLICIES	1500
#define SAMPLES		400

static void random_policies(void)
{
	unsigned int i, bad_parse = 0, bad_compile = 0, diffs = 0, wrong = 0;
	int *origin;
	unsigned long long insns = 0;
	struct sock_filter *prog;
	struct sj_policy pol;
	struct text t;
	uint32_t len;
	char err[512];

	for (i = 0; i < RANDOM_POLICIES; i++) {
		random_policy(&t);
		if (sj_policy_parse("random", t.buf, t.n, &pol, err,
				    sizeof(err))) {
			if (!bad_parse++)
				tap_diag("%s\n%s", err, t.buf);
			continue;
		}
		if (compile_checked(&pol, &prog, &len, err, sizeof(err))) {
			if (!bad_compile++)
				tap_diag("%s\n%s", err, t.buf);
		} else {
			insns += len;
			diffs += differences(&pol, prog, len, SAMPLES);
			free(prog);
			sj_policy_compile(&pol, &prog, &len, &origin, err,
					  sizeof(err));
			wrong += misattributed(&pol, prog, len, origin,
					       SAMPLES / 4);
			free(prog);
			free(origin);
		}
		sj_policy_free(&pol);
	}
	tap_ok(!bad_parse, "%u random policies parse (%u do not)",
	       RANDOM_POLICIES, bad_parse);
	tap_ok(!bad_compile,
	       "each compiles to a filter the checker accepts and the confirmation confirms (%u not; %llu instructions on average)",
	       bad_compile, insns / RANDOM_POLICIES);
	tap_ok(!diffs,
	       "compiled filters agree with the specification on %u sampled inputs each (%u differences)",
	       SAMPLES, diffs);
	tap_ok(!wrong,
	       "the ret each input reaches is mapped to the statement the specification names, on %u inputs each (%u not)",
	       SAMPLES / 4, wrong);
}

/* ---- mutants -------------------------------------------------------- */

enum mutation { M_JT, M_JF, M_ACTION, M_CONST, M_HIGH_HALF, M_KINDS };

static const char *const mutation_name[] = {
	"true target moved", "false target moved", "action swapped",
	"constant off by one", "high half read as the low half",
};

/* Mutates one instruction of @p; false if this kind does not apply. */
static bool mutate(struct sock_filter *p, uint32_t len, enum mutation m)
{
	uint32_t i, tries, rets[64], nrets = 0;

	for (i = 0; i < len && nrets < 64; i++)
		if (p[i].code == (BPF_RET | BPF_K))
			rets[nrets++] = p[i].k;
	for (tries = 0; tries < 64; tries++) {
		struct sock_filter *in = &p[pick(len)];
		bool cond = BPF_CLASS(in->code) == BPF_JMP &&
			    BPF_OP(in->code) != BPF_JA;

		switch (m) {
		case M_JT:
		case M_JF:
			if (!cond)
				continue;
			if (m == M_JT)
				in->jt += in->jt && pick(2) ? -1 : 1;
			else
				in->jf += in->jf && pick(2) ? -1 : 1;
			return true;
		case M_ACTION:
			if (in->code != (BPF_RET | BPF_K))
				continue;
			i = rets[pick(nrets)];
			if (i == in->k)
				continue;
			in->k = i;
			return true;
		case M_CONST:
			if (!cond)
				continue;
			in->k += pick(2) ? 1 : -1;
			return true;
		case M_HIGH_HALF:
			if (in->code != (BPF_LD | BPF_W | BPF_ABS) ||
			    in->k < 16 || !(in->k & 4))
				continue;
			in->k -= 4;
			return true;
		default:
			return false;
		}
	}
	return false;
}

#define MUTANT_POLICIES	300

static void mutants(void)
{
	unsigned int changed[M_KINDS] = { 0 }, caught[M_KINDS] = { 0 };
	unsigned int unsound = 0, refused_same = 0, total = 0, i, m, k;
	unsigned int false_witness = 0, refused_dont_know = 0;
	struct seccomp_data wit;
	struct sock_filter *prog, *mut;
	struct sj_facts facts;
	struct sj_diag diag;
	struct sj_policy pol;
	struct text t;
	uint32_t len;
	char err[512];
	int ret;

	for (i = 0; i < MUTANT_POLICIES; i++) {
		do {
			random_policy(&t);
		} while (sj_policy_parse("random", t.buf, t.n, &pol, err,
					 sizeof(err)));
		if (compile_checked(&pol, &prog, &len, err, sizeof(err))) {
			sj_policy_free(&pol);
			continue;
		}
		mut = malloc(len * sizeof(*mut));
		for (m = 0; m < M_KINDS; m++)
			for (k = 0; k < 4; k++) {
				memcpy(mut, prog, len * sizeof(*mut));
				if (!mutate(mut, len, m) ||
				    sj_check(mut, len, &check_work, &facts, &diag))
					continue;
				ret = sj_policy_confirm(&pol, mut, len, &wit,
							err, sizeof(err));
				total++;
				/* A refusal names an input that really differs. */
				if (!ret && sj_interp(mut, len, &wit) ==
					    sj_policy_eval(&pol, &wit))
					false_witness++;
				refused_dont_know += ret < 0;
				if (differences(&pol, mut, len, 2000)) {
					changed[m]++;
					caught[m] += ret != 1;
					unsound += ret == 1;
				} else {
					refused_same += ret != 1;
				}
			}
		free(mut);
		free(prog);
		sj_policy_free(&pol);
	}
	for (m = 0, i = 0, k = 0; m < M_KINDS; m++) {
		tap_diag("%s: %u of %u behaviour-changing mutants refused",
			 mutation_name[m], caught[m], changed[m]);
		i += caught[m];
		k += changed[m];
	}
	tap_ok(k > 1000 && i * 100ull >= k * 99ull,
	       "the confirmation refuses >= 99%% of %u mutants that sampling shows to change behaviour (refused %u, %.2f%%)",
	       k, i, k ? 100.0 * i / k : 0);
	tap_ok(!unsound,
	       "it confirms no mutant that sampling shows to differ (%u did)",
	       unsound);
	tap_ok(!false_witness,
	       "every refusal names an input where the mutant and the policy really differ (%u did not)",
	       false_witness);
	tap_diag("%u mutants in all; %u refused with no difference sampling could find, but with a real one named; %u refused as not followed",
		 total, refused_same, refused_dont_know);
}

/* ---- groups ---------------------------------------------------------- */

static void groups(void)
{
	static const char *const names[] = {
		"static-start", "io", "network", "process",
	};
	struct sj_policy pol;
	unsigned int i;
	char text[128], err[512];

	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof(text),
			 "arches x86_64 x32 i386;\ndefault allow;\nerrno 1 @%s;\n",
			 names[i]);
		if (sj_policy_parse("t", text, strlen(text), &pol, err,
				    sizeof(err))) {
			tap_ok(0, "group @%s resolves: %s", names[i], err);
			continue;
		}
		tap_ok(pol.rules[0].nnr[SJ_ARCH_X86_64] >= 4,
		       "group @%s resolves on every class (%u calls on x86_64, %u on x32, %u on i386)",
		       names[i], pol.rules[0].nnr[SJ_ARCH_X86_64],
		       pol.rules[0].nnr[SJ_ARCH_X32],
		       pol.rules[0].nnr[SJ_ARCH_I386]);
		sj_policy_free(&pol);
	}
}

int main(int argc, char **argv)
{
	rng_state = argc > 1 ? strtoull(argv[1], NULL, 0) : 0x5eed5eedull;
	tap_diag("seed %#llx", (unsigned long long)rng_state);
	table_rows();
	error_rows();
	groups();
	random_policies();
	mutants();
	return tap_done();
}
