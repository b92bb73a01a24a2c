// SPDX-License-Identifier: GPL-2.0
/*
 * What comes after a skipped syscall, kernel seccomp against sealjit: a
 * tracer at the syscall-exit stop (orig_rax and rax), and the restart of
 * the ERESTART* errnos when a signal arrives (the tracer injects it at
 * that stop, so its timing is exact).  Each case runs once under each
 * engine in a traced child; the two traces must be identical, and the
 * tracer must see the syscall's number in orig_rax, as seccomp leaves it.
 * And the core dump of KILL_PROCESS: its registers hold that number too.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/procfs.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "sj_test.h"

#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO		0x420e
#endif
#define SJ_SYSCALL_INFO_ENTRY		1
#define SJ_SYSCALL_INFO_EXIT		2

/* The head of struct ptrace_syscall_info, as far as used here. */
struct syscall_info_head {
	__u8 op;
	__u8 pad[3];
	__u32 arch;
	__u64 instruction_pointer;
	__u64 stack_pointer;
	__u64 nr;		/* entry: the number */
};

enum engine { KERNEL_SECCOMP, SEALJIT };

#define MAX_STOPS	8

/* What one run showed: the tracer's view and the child's. */
struct outcome {
	int stops;
	long entry_nr[MAX_STOPS];	/* each entry of the two syscalls */
	long exit_orig_rax[MAX_STOPS];	/* and its exit stop's registers */
	long exit_rax[MAX_STOPS];
	long ret;			/* what the child got */
	int err;
	int handled;			/* signals its handler took */
};

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	handled++;
}

static int attach(enum engine engine, unsigned int err)
{
	const struct sock_filter prog[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { .len = LEN(prog),
				    .filter = (struct sock_filter *)prog };

	if (sj_nnp())
		return -1;
	if (engine == KERNEL_SECCOMP)
		return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog);
	return sj_load(prog, LEN(prog)) ? -1 : 0;
}

/*
 * The child: traced, a SIGUSR1 handler (@sa_flags), the filter, then one
 * getppid; its result and the handler's count go to @out (shared).
 */
static void child(enum engine engine, unsigned int err, int sa_flags,
		  struct outcome *out)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = sa_flags };

	if (sigaction(SIGUSR1, &sa, NULL) ||
	    ptrace(PTRACE_TRACEME, 0, NULL, NULL) || raise(SIGSTOP) ||
	    attach(engine, err))
		_exit(2);
	out->ret = syscall(__NR_getppid);
	out->err = out->ret < 0 ? errno : 0;
	out->handled = handled;
	_exit(0);
}

/*
 * The tracer: at the exit stop of the first getppid it records the
 * registers and injects SIGUSR1; it records every entry and exit of
 * getppid and restart_syscall.  Return: the child's exit status, or -1.
 */
static int trace(pid_t pid, struct outcome *out)
{
	struct syscall_info_head info;
	struct user_regs_struct regs;
	long last_entry = -1;
	bool injected = false;
	int status, sig = 0;

	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, pid, NULL, PTRACE_O_TRACESYSGOOD))
		return -1;
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig) ||
		    waitpid(pid, &status, 0) != pid)
			return -1;
		sig = 0;
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (!WIFSTOPPED(status))
			return -1;
		if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			sig = WSTOPSIG(status);		/* pass it on */
			continue;
		}
		if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info),
			   &info) <= 0 ||
		    ptrace(PTRACE_GETREGS, pid, NULL, &regs))
			return -1;
		if (info.op == SJ_SYSCALL_INFO_ENTRY) {
			last_entry = (long)info.nr;
			continue;
		}
		if (info.op != SJ_SYSCALL_INFO_EXIT ||
		    (last_entry != __NR_getppid &&
		     last_entry != __NR_restart_syscall) ||
		    out->stops == MAX_STOPS)
			continue;
		out->entry_nr[out->stops] = last_entry;
		out->exit_orig_rax[out->stops] = (long)regs.orig_rax;
		out->exit_rax[out->stops] = (long)regs.rax;
		out->stops++;
		if (!injected && last_entry == __NR_getppid) {
			injected = true;
			sig = SIGUSR1;
		}
	}
}

static int run(enum engine engine, unsigned int err, int sa_flags,
	       struct outcome *result)
{
	struct outcome *out = mmap(NULL, sizeof(*out), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	int ret;

	if (out == MAP_FAILED)
		return -1;
	memset(out, 0, sizeof(*out));
	pid = fork();
	if (pid == 0)
		child(engine, err, sa_flags, out);
	ret = pid < 0 ? -1 : trace(pid, out);
	*result = *out;
	munmap(out, sizeof(*out));
	return ret;
}

static void show(struct __test_metadata *_metadata, const char *engine,
		 const struct outcome *o)
{
	int i;

	TH_LOG("%s: got %ld errno %d, handler ran %d times, %d exit stops:",
	       engine, o->ret, o->err, o->handled, o->stops);
	for (i = 0; i < o->stops; i++)
		TH_LOG("  syscall %ld: orig_rax %ld rax %ld", o->entry_nr[i],
		       o->exit_orig_rax[i], o->exit_rax[i]);
}

/* (errno the filter returns, sigaction flags of the handler) */
static const struct regs_case {
	unsigned int err;
	int sa_flags;
} cases[] = {
	{ 1, 0 },		/* EPERM */
	{ 512, SA_RESTART },	/* ERESTARTSYS: restarted */
	{ 512, 0 },		/* ERESTARTSYS: EINTR */
	{ 513, 0 },		/* ERESTARTNOINTR: always restarted */
	{ 514, SA_RESTART },	/* ERESTARTNOHAND: EINTR with a handler */
	{ 516, 0 },		/* ERESTART_RESTARTBLOCK: EINTR */
	{ 516, SA_RESTART },
};

TEST(a_tracer_and_the_restart_logic_see_what_they_see_under_seccomp)
{
	struct outcome kernel, ours;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct regs_case *c = &cases[i];

		TH_LOG("errno %u, sa_flags 0x%x", c->err, c->sa_flags);
		ASSERT_EQ(0, run(KERNEL_SECCOMP, c->err, c->sa_flags, &kernel));
		ASSERT_EQ(0, run(SEALJIT, c->err, c->sa_flags, &ours));
		ASSERT_LE(1, ours.stops);
		EXPECT_EQ(__NR_getppid, ours.exit_orig_rax[0]);
		EXPECT_EQ(-(long)c->err, ours.exit_rax[0]);
		EXPECT_EQ(0, memcmp(&kernel, &ours, sizeof(kernel)));
		if (memcmp(&kernel, &ours, sizeof(kernel))) {
			show(_metadata, "seccomp", &kernel);
			show(_metadata, "sealjit", &ours);
		}
	}
}

#define CORE_PATTERN	"/proc/sys/kernel/core_pattern"
#define CORE_USES_PID	"/proc/sys/kernel/core_uses_pid"
#define CORE_FILE	"/tmp/sj-core"

/* orig_rax of the first NT_PRSTATUS note of the core file, or -2. */
static long core_orig_rax(const char *path)
{
	static char core[1 << 20];
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)core;
	ssize_t size;
	int fd, i;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -2;
	size = read(fd, core, sizeof(core));
	close(fd);
	if (size < (ssize_t)sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return -2;
	for (i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(core + eh->e_phoff +
							    i * eh->e_phentsize);
		size_t at = ph->p_offset, end = ph->p_offset + ph->p_filesz;

		if (ph->p_type != PT_NOTE || end > (size_t)size)
			continue;
		while (at + sizeof(Elf64_Nhdr) <= end) {
			const Elf64_Nhdr *nh = (const Elf64_Nhdr *)(core + at);
			size_t desc = at + sizeof(*nh) + ((nh->n_namesz + 3) & ~3U);

			if (nh->n_type == NT_PRSTATUS &&
			    desc + sizeof(struct elf_prstatus) <= end) {
				const struct elf_prstatus *st =
					(const void *)(core + desc);

				return (long)st->pr_reg[offsetof(struct user_regs_struct,
							 orig_rax) / 8];
			}
			at = desc + ((nh->n_descsz + 3) & ~3U);
		}
	}
	return -2;
}

/* A child killed by KILL_PROCESS for getppid under @engine: its core's orig_rax. */
static long killed_core(enum engine engine)
{
	const struct sock_filter prog[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { .len = LEN(prog),
				    .filter = (struct sock_filter *)prog };
	struct rlimit core = { RLIM_INFINITY, RLIM_INFINITY };
	int status;
	pid_t pid;

	unlink(CORE_FILE);
	pid = fork();
	if (pid == 0) {
		if (setrlimit(RLIMIT_CORE, &core) || sj_nnp() ||
		    (engine == KERNEL_SECCOMP ?
		     prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) :
		     sj_load(prog, LEN(prog))))
			_exit(2);
		syscall(__NR_getppid);
		_exit(3);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS ||
	    !WCOREDUMP(status))
		return -3;
	return core_orig_rax(CORE_FILE);
}

TEST(a_kill_process_core_dump_holds_the_syscall_number_as_under_seccomp)
{
	char saved[256] = "";
	long kernel, ours, uses_pid;
	ssize_t n;
	int fd;

	fd = open(CORE_PATTERN, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, saved, sizeof(saved) - 1);
	close(fd);
	ASSERT_LT(0, n);
	uses_pid = sj_read_number(CORE_USES_PID);
	ASSERT_EQ(0, sj_write_file(CORE_PATTERN, CORE_FILE));
	ASSERT_EQ(0, sj_write_file(CORE_USES_PID, "0"));
	kernel = killed_core(KERNEL_SECCOMP);
	ours = killed_core(SEALJIT);
	sj_write_file(CORE_PATTERN, saved);
	sj_write_file(CORE_USES_PID, uses_pid > 0 ? "1" : "0");
	unlink(CORE_FILE);
	TH_LOG("orig_rax in the core: seccomp %ld, sealjit %ld", kernel, ours);
	EXPECT_EQ(__NR_getppid, kernel);
	EXPECT_EQ(__NR_getppid, ours);
}

TEST_HARNESS_MAIN
