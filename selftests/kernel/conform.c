// SPDX-License-Identifier: GPL-2.0
/*
 * Differential conformance: the same filters under the kernel's seccomp and
 * under sealjit, the same syscall battery, every outcome compared.
 *
 *   conform [-v] [-r COUNT] [-s SEED] FILTER[+FILTER...]|A=B...
 *
 * Each argument is a filter file, or several joined with '+' to be stacked
 * (oldest first), or two joined with '=' that must behave the same (each
 * is compared across engines, then A with B under each engine).  -r adds
 * COUNT generated filters.  For each filter and
 * each engine a child installs, before the filter, a guard filter that
 * returns TRACE for every syscall: with no tracer attached that skips the
 * call with ENOSYS in both engines, so no battery syscall ever runs (exit,
 * kill or reboot are harmless).  TRACE ranks just above LOG and ALLOW, so
 * it masks only those two ("would have run" reads as ENOSYS); every other
 * action, unknown ones included, still decides.  Because the guard is the
 * oldest filter, a tie in action keeps the tested filter's value.  The
 * guard lets only its own loader and the final exit_group(GUARD_MAGIC)
 * through.
 *
 * Outcome of a case: the raw return value (errno or "would have run"), or
 * for TRAP every siginfo field and the return value the interrupted code
 * would see after its handler (the ucontext's rax), or for a kill the
 * signal that ended the child.  A killed child is replaced by a new one
 * that continues with the next case.
 *
 * Prints TAP: one line per filter, and "conformance: N cases, M differences".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sealjit.h>

#define GUARD_ERRNO	ENOSYS		/* TRACE without a tracer */
#define GUARD_MAGIC	0x5ea1
#define LOADER_FD	977		/* the device, dup()ed out of the way */
#define MAX_CASES	12000
#define MAX_STACK	4
#define MAX_PROG	(4096 + 8)
#define X32_BIT		0x40000000

enum engine { KERNEL_SECCOMP, SEALJIT };
enum kind { CASE_NATIVE, CASE_X32, CASE_COMPAT };

struct syscase {
	int kind;
	long nr;
	unsigned long args[6];
};

enum state { NOT_RUN, RETURNED, TRAPPED, KILLED };

struct outcome {
	int state;
	long ret;
	int signo, code, err, sysno;
	unsigned int arch;
	unsigned long call_addr;
	long uc_rax;
	int killsig;
};

struct shared {
	volatile int current;
	volatile int done;
	volatile int setup_failed;
	struct outcome out[MAX_CASES];
};

struct filter {
	struct sock_filter insns[MAX_PROG];
	unsigned short len;
};

static struct syscase cases[MAX_CASES];
static int ncases;
static struct filter stack[MAX_STACK];
static int nstack;
static struct shared *shm;
static sigjmp_buf trap_env;
static int verbose;

/* --- raw syscalls: no libc wrapper, no errno ---------------------------- */

static long raw_syscall(long nr, const unsigned long *a)
{
	register unsigned long r10 asm("r10") = a[3];
	register unsigned long r8 asm("r8") = a[4];
	register unsigned long r9 asm("r9") = a[5];
	long ret;

	asm volatile("syscall" : "=a"(ret)
		     : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10),
		       "r"(r8), "r"(r9)
		     : "rcx", "r11", "memory");
	return ret;
}

/* i386 convention: ebx, ecx, edx, esi, edi, ebp (this file: no red zone). */
static long raw_int80(long nr, const unsigned long *a)
{
	long ret;

	asm volatile("push %%rbp\n\tmov %7, %%rbp\n\tint $0x80\n\tpop %%rbp"
		     : "=a"(ret)
		     : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]),
		       "D"(a[4]), "m"(a[5])
		     : "memory");
	return ret;
}

static void trap_handler(int sig __attribute__((unused)), siginfo_t *info,
			 void *uctx)
{
	struct outcome *o = &shm->out[shm->current];
	ucontext_t *uc = uctx;

	/* The filter traps the final exit_group: end without a syscall. */
	if (shm->done)
		__builtin_trap();
	o->state = TRAPPED;
	o->signo = info->si_signo;
	o->code = info->si_code;
	o->err = info->si_errno;
	o->sysno = info->si_syscall;
	o->arch = info->si_arch;
	o->call_addr = (unsigned long)info->si_call_addr;
	o->uc_rax = uc->uc_mcontext.gregs[REG_RAX];
	/* No sigreturn: that is a syscall the filter may not allow. */
	siglongjmp(trap_env, 1);
}

/* --- installing filters ------------------------------------------------- */

static struct sock_fprog loader_prog;

/*
 * The guard: exit_group(GUARD_MAGIC), and the loader's own syscall (the
 * LOAD ioctl on LOADER_FD, or seccomp() with loader_prog), are allowed;
 * everything else is ERRNO(GUARD_ERRNO).
 */
static unsigned short build_guard(struct sock_filter *g, enum engine e)
{
	__u32 loader_nr = e == SEALJIT ? __NR_ioctl : __NR_seccomp;
	__u32 loader_arg = e == SEALJIT ? 16 : 32;	/* fd, or the fprog */
	__u32 loader_val = e == SEALJIT ? LOADER_FD :
			   (__u32)(unsigned long)&loader_prog;
	const struct sock_filter guard[] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 7),
		/* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit_group, 0, 2),
		/* 4 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16),
		/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, GUARD_MAGIC, 4, 3),
		/* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, loader_nr, 0, 2),
		/* 7 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, loader_arg),
		/* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, loader_val, 1, 0),
		/* 9 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		/* 10 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	memcpy(g, guard, sizeof(guard));
	return sizeof(guard) / sizeof(guard[0]);
}

static int install(enum engine e, const struct sock_filter *insns,
		   unsigned short len)
{
	loader_prog.len = len;
	loader_prog.filter = (struct sock_filter *)insns;
	if (e == KERNEL_SECCOMP)
		return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0,
			       &loader_prog) ? -1 : 0;
	{
		struct sealjit_filter_args args = {
			.size = sizeof(args), .fprog = (uintptr_t)&loader_prog,
		};

		return ioctl(LOADER_FD, SEALJIT_IOC_LOAD, &args) ? -1 : 0;
	}
}

/*
 * Every filter but the newest gets a prologue that lets the loader through,
 * so that the next one can still be installed: loader syscall -> ALLOW,
 * anything else -> A = 0 and on into the filter, unchanged (its jumps are
 * relative; X and M[] are untouched).  No battery case is the loader's.
 */
#define PROLOGUE_LEN 8

static void add_loader_prologue(struct filter *f, enum engine e)
{
	__u32 loader_nr = e == SEALJIT ? __NR_ioctl : __NR_seccomp;
	__u32 loader_arg = e == SEALJIT ? 16 : 32;
	__u32 loader_val = e == SEALJIT ? LOADER_FD :
			   (__u32)(unsigned long)&loader_prog;
	const struct sock_filter prologue[PROLOGUE_LEN] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 5),
		/* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, loader_nr, 0, 3),
		/* 4 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, loader_arg),
		/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, loader_val, 0, 1),
		/* 6 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 7 */ BPF_STMT(BPF_LD | BPF_IMM, 0),
	};

	memmove(&f->insns[PROLOGUE_LEN], f->insns, f->len * sizeof(f->insns[0]));
	memcpy(f->insns, prologue, sizeof(prologue));
	f->len += PROLOGUE_LEN;
}

/* --- the child: runs cases from @start until done or killed ------------ */

static void run_child(enum engine e, int start)
{
	struct sock_filter guard[16];
	struct rlimit no_core = { 0, 0 };
	struct sigaction sa = { .sa_sigaction = trap_handler,
				.sa_flags = SA_SIGINFO | SA_NODEFER };
	unsigned short glen = build_guard(guard, e);
	volatile int i;
	int s;

	setrlimit(RLIMIT_CORE, &no_core);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSYS, &sa, NULL);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || install(e, guard, glen))
		shm->setup_failed = 1;
	for (s = 0; s < nstack && !shm->setup_failed; s++) {
		if (s + 1 < nstack)
			add_loader_prologue(&stack[s], e);
		if (install(e, stack[s].insns, stack[s].len))
			shm->setup_failed = 2 + s;
	}
	/* Exit itself may be denied by now: end without a syscall. */
	if (shm->setup_failed)
		__builtin_trap();
	for (i = start; i < ncases; i++) {
		const struct syscase *c = &cases[i];
		long r;

		shm->current = i;
		if (sigsetjmp(trap_env, 0))
			continue;
		if (c->kind == CASE_COMPAT)
			r = raw_int80(c->nr, c->args);
		else
			r = raw_syscall(c->nr, c->args);
		shm->out[i].state = RETURNED;
		shm->out[i].ret = r;
	}
	shm->done = 1;
	{
		unsigned long a[6] = { GUARD_MAGIC };

		raw_syscall(__NR_exit_group, a);
	}
	/* The filter refused exit_group: end without a syscall. */
	__builtin_trap();
}

/* Runs every case under @e; outcomes land in @out.  Return: -1 on error. */
static int run_engine(enum engine e, struct outcome *out)
{
	int start = 0, status;

	memset(shm, 0, sizeof(*shm));
	while (start < ncases) {
		pid_t pid;

		shm->current = start;
		shm->done = 0;
		pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0)
			run_child(e, start);
		if (waitpid(pid, &status, 0) != pid)
			return -1;
		if (shm->done)
			break;
		if (shm->setup_failed || WIFEXITED(status)) {
			fprintf(stderr, "conform: %s child could not set up (step %d)\n",
				e == SEALJIT ? "sealjit" : "seccomp",
				shm->setup_failed);
			return -1;
		}
		shm->out[shm->current].state = KILLED;
		shm->out[shm->current].killsig = WIFSIGNALED(status) ?
						 WTERMSIG(status) : -1;
		start = shm->current + 1;
	}
	memcpy(out, shm->out, sizeof(struct outcome) * ncases);
	return 0;
}

/* --- the battery -------------------------------------------------------- */

static void add_case(int kind, long nr, const unsigned long *args)
{
	if (ncases == MAX_CASES)
		return;
	cases[ncases].kind = kind;
	cases[ncases].nr = nr;
	memcpy(cases[ncases].args, args, sizeof(cases[ncases].args));
	ncases++;
}

/*
 * Argument values that reach each branch: for every constant a filter
 * compares an argument half with (ld [16 + 8i (+4)], then jXX #k), the
 * values k - 1, k, k + 1 in that half.
 */
static int arg_variants(unsigned long (*v)[6], int max)
{
	int n = 0, s, pc;

	memset(v[n++], 0, sizeof(v[0]));
	for (s = 0; s < nstack; s++) {
		int loaded = -1;

		for (pc = 0; pc < stack[s].len; pc++) {
			const struct sock_filter *f = &stack[s].insns[pc];
			int d;

			if (f->code == (BPF_LD | BPF_W | BPF_ABS))
				loaded = f->k >= 16 ? (int)f->k : -1;
			else if (BPF_CLASS(f->code) == BPF_JMP &&
				 BPF_SRC(f->code) == BPF_K && loaded >= 16)
				for (d = -1; d <= 1 && n < max; d++) {
					int arg = (loaded - 16) / 8;
					unsigned long val = (__u32)(f->k + d);

					memset(v[n], 0, sizeof(v[0]));
					v[n][arg] = loaded % 8 ? val << 32 : val;
					n++;
				}
		}
	}
	return n;
}

static void build_battery(int full)
{
	static unsigned long v[64][6];
	static const long extra[] = { 451, 500, 1000, 4096, 0x7fffffff, -1 };
	int nv = arg_variants(v, full ? 64 : 8), i, j;
	long nr;

	ncases = 0;
	for (j = 0; j < nv; j++) {
		for (nr = 0; nr <= 450; nr += full || j == 0 ? 1 : 7)
			add_case(CASE_NATIVE, nr, v[j]);
		for (i = 0; i < (int)(sizeof(extra) / sizeof(extra[0])); i++)
			add_case(CASE_NATIVE, extra[i], v[j]);
		if (j > 0 && !full)
			continue;
		for (nr = 0; nr <= 547; nr += 13)
			add_case(CASE_X32, X32_BIT | nr, v[j]);
		for (nr = 0; nr <= 450; nr += full ? 1 : 5)
			add_case(CASE_COMPAT, nr, v[j]);
	}
}

/* --- comparison --------------------------------------------------------- */

static const char *describe(const struct outcome *o, char *buf, size_t size)
{
	switch (o->state) {
	case RETURNED:
		snprintf(buf, size, "returned %ld", o->ret);
		break;
	case TRAPPED:
		snprintf(buf, size, "SIGSYS signo %d code %d errno %d syscall %d arch 0x%x addr 0x%lx rax %ld",
			 o->signo, o->code, o->err, o->sysno,
			 o->arch, o->call_addr, o->uc_rax);
		break;
	case KILLED:
		snprintf(buf, size, "killed by signal %d", o->killsig);
		break;
	default:
		snprintf(buf, size, "not run");
	}
	return buf;
}

static bool same(const struct outcome *a, const struct outcome *b)
{
	if (a->state != b->state)
		return false;
	switch (a->state) {
	case RETURNED:
		return a->ret == b->ret;
	case TRAPPED:
		return a->signo == b->signo && a->code == b->code &&
		       a->err == b->err &&
		       a->sysno == b->sysno &&
		       a->arch == b->arch &&
		       a->call_addr == b->call_addr &&
		       a->uc_rax == b->uc_rax;
	case KILLED:
		return a->killsig == b->killsig;
	default:
		return true;
	}
}

static struct outcome out_k[MAX_CASES], out_s[MAX_CASES];
static struct outcome out_k2[MAX_CASES], out_s2[MAX_CASES];
static long total_cases, total_diffs;
static int tap_n, tap_failed;

/* Case by case, @a (called @la) against @b (@lb). */
static void compare_runs(const char *name, const char *la,
			 const struct outcome *a, const char *lb,
			 const struct outcome *b)
{
	int i, diffs = 0, ran = 0, errnos = 0, traps = 0, kills = 0;
	char da[160], db[160];

	for (i = 0; i < ncases; i++) {
		const struct outcome *k = &a[i];

		ran += k->state == RETURNED && k->ret == -GUARD_ERRNO;
		errnos += k->state == RETURNED && k->ret != -GUARD_ERRNO;
		traps += k->state == TRAPPED;
		kills += k->state == KILLED;
		if (same(k, &b[i]))
			continue;
		if (diffs++ < 10)
			printf("# %s: case %d (%s nr %ld args %lx %lx %lx %lx %lx %lx): %s %s, %s %s\n",
			       name, i, cases[i].kind == CASE_COMPAT ? "i386" :
			       cases[i].kind == CASE_X32 ? "x32" : "x86-64",
			       cases[i].nr, cases[i].args[0], cases[i].args[1],
			       cases[i].args[2], cases[i].args[3], cases[i].args[4],
			       cases[i].args[5], la, describe(k, da, sizeof(da)),
			       lb, describe(&b[i], db, sizeof(db)));
	}
	total_cases += ncases;
	total_diffs += diffs;
	printf("%sok %d - %s: %d cases (%d allowed or ENOSYS, %d errno, %d trap, %d kill), %d differences\n",
	       diffs ? "not " : "", ++tap_n, name, ncases, ran, errnos, traps,
	       kills, diffs);
	tap_failed += diffs != 0;
}

static void compare(const char *name)
{
	compare_runs(name, "seccomp", out_k, "sealjit", out_s);
}

/* --- filters ------------------------------------------------------------ */

static int read_filter(const char *path, struct filter *f)
{
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp)
		return -1;
	n = fread(f->insns, sizeof(struct sock_filter), MAX_PROG - PROLOGUE_LEN, fp);
	fclose(fp);
	f->len = (unsigned short)n;
	return n ? 0 : -1;
}

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng >> 33) % n;
}

static uint32_t random_action(void)
{
	static const uint32_t actions[] = {
		SECCOMP_RET_ALLOW, SECCOMP_RET_LOG, SECCOMP_RET_ERRNO | 1,
		SECCOMP_RET_ERRNO | 13, SECCOMP_RET_ERRNO | 4095,
		SECCOMP_RET_ERRNO | 0xffff, SECCOMP_RET_TRAP | 7,
		SECCOMP_RET_TRACE | 3, SECCOMP_RET_USER_NOTIF,
		SECCOMP_RET_KILL_THREAD, SECCOMP_RET_KILL_PROCESS, 0x10000000,
	};

	return actions[rnd(sizeof(actions) / sizeof(actions[0]))];
}

/*
 * A generated filter: a chain of tests on nr, arch and argument halves
 * (every jump form, constants and X), each leading to a random action.
 */
static void generate(struct filter *f)
{
	static const uint16_t ops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };
	int tests = 2 + (int)rnd(10), t, n = 0;

	for (t = 0; t < tests; t++) {
		uint32_t field = rnd(4) == 0 ? 4 * rnd(16) : 0;
		uint32_t k = field == 0 ? rnd(460) :
			     field == 4 ? (rnd(2) ? AUDIT_ARCH_X86_64 : AUDIT_ARCH_I386) :
			     rnd(3) == 0 ? 0xffffffff : rnd(64);
		uint16_t op = ops[rnd(4)];

		f->insns[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
							     field);
		if (rnd(4) == 0) {
			f->insns[n++] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_IMM, k);
			f->insns[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | op | BPF_X,
								     0, 0, 1);
		} else {
			f->insns[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | op | BPF_K,
								     k, 0, 1);
		}
		f->insns[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
							     random_action());
	}
	f->insns[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						     random_action());
	f->len = (unsigned short)n;
}

static int run_both(const char *name, struct outcome *k, struct outcome *s)
{
	if (run_engine(KERNEL_SECCOMP, k) || run_engine(SEALJIT, s)) {
		printf("not ok %d - %s: could not run\n", ++tap_n, name);
		tap_failed++;
		return -1;
	}
	return 0;
}

static int test_current(const char *name, int full)
{
	build_battery(full);
	if (run_both(name, out_k, out_s))
		return -1;
	compare(name);
	return 0;
}

/*
 * "A=B": two filters meant to be the same function (a policy compiled by
 * sealjit and by libseccomp, say).  One battery from both filters'
 * constants; each filter under both engines; then A against B under each.
 */
static int test_equal(const char *a, const char *b)
{
	char name[512];

	nstack = 2;
	if (read_filter(a, &stack[0]) || read_filter(b, &stack[1])) {
		printf("not ok %d - %s=%s: cannot read\n", ++tap_n, a, b);
		return -1;
	}
	build_battery(1);
	nstack = 1;
	if (run_both(a, out_k, out_s))
		return -1;
	compare(a);
	stack[0] = stack[1];
	if (run_both(b, out_k2, out_s2))
		return -1;
	compare(b);
	snprintf(name, sizeof(name), "%s and %s under the kernel's seccomp", a, b);
	compare_runs(name, a, out_k, b, out_k2);
	snprintf(name, sizeof(name), "%s and %s under sealjit", a, b);
	compare_runs(name, a, out_s, b, out_s2);
	return 0;
}

int main(int argc, char **argv)
{
	int c, i, generated = 0, fd;
	char name[64];

	rng = 0x5eed;
	while ((c = getopt(argc, argv, "vr:s:")) != -1) {
		if (c == 'v')
			verbose = 1;
		else if (c == 'r')
			generated = atoi(optarg);
		else if (c == 's')
			rng = strtoull(optarg, NULL, 0);
		else
			return 2;
	}
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	fd = open(SEALJIT_DEVICE, O_RDWR);
	if (shm == MAP_FAILED || fd < 0 || dup2(fd, LOADER_FD) != LOADER_FD) {
		perror("conform: setup");
		return 1;
	}
	close(fd);
	for (i = optind; i < argc; i++) {
		char *spec = strdup(argv[i]), *part, *save = NULL;

		part = strchr(spec, '=');
		if (part) {
			*part = '\0';
			test_equal(spec, part + 1);
			free(spec);
			continue;
		}

		nstack = 0;
		for (part = strtok_r(spec, "+", &save); part && nstack < MAX_STACK;
		     part = strtok_r(NULL, "+", &save)) {
			if (read_filter(part, &stack[nstack++])) {
				printf("not ok %d - %s: cannot read\n", ++tap_n, part);
				return 1;
			}
		}
		test_current(argv[i], 1);
		free(spec);
	}
	for (i = 0; i < generated; i++) {
		nstack = 1 + (rnd(4) == 0);
		generate(&stack[0]);
		if (nstack > 1)
			generate(&stack[1]);
		snprintf(name, sizeof(name), "generated filter %d%s", i,
			 nstack > 1 ? " (stack of 2)" : "");
		test_current(name, 0);
	}
	printf("# conformance: %ld cases, %ld differences\n", total_cases,
	       total_diffs);
	printf("%sok %d - conformance: %ld cases, %ld differences\n",
	       total_diffs ? "not " : "", ++tap_n, total_cases, total_diffs);
	printf("1..%d\n", tap_n);
	return tap_failed || total_diffs ? 1 : 0;
}
