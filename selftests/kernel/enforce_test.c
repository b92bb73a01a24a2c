// SPDX-License-Identifier: GPL-2.0
/*
 * Enforcement in a real kernel: every action as seccomp applies it,
 * precedence across stacked filters, inheritance, the privilege gate,
 * lifetime, compat syscalls and a stress run.  Each TEST runs in its own
 * child (the harness forks), so filters never leak between tests.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>

#include "kselftest_harness.h"
#include "sj_test.h"

#define ERRNO(e)	(SECCOMP_RET_ERRNO | (e))
#define UNKNOWN_ACTION	0x10000000U
#ifndef SYS_SECCOMP
#define SYS_SECCOMP	1	/* si_code of seccomp's SIGSYS */
#endif
#define OUT_ZERO	201	/* the syscall returned 0 */
#define OUT_ALLOWED	200	/* it returned something else: it ran */
#define OUT_SIGNAL(s)	(1000 + (s))

/*
 * Stacks @actions (oldest first) for getppid in a child, calls getppid and
 * reports: its errno, OUT_ZERO, OUT_ALLOWED, or OUT_SIGNAL(the signal that
 * ended the child).
 */
static int outcome(const unsigned int *actions, int n)
{
	pid_t pid = fork();
	int status, i;

	if (pid == 0) {
		long r;

		if (sj_nnp())
			_exit(250);
		for (i = 0; i < n; i++)
			if (sj_load_for(__NR_getppid, actions[i]))
				_exit(251);
		r = syscall(__NR_getppid);
		_exit(r == -1 ? errno : r == 0 ? OUT_ZERO : OUT_ALLOWED);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return OUT_SIGNAL(WTERMSIG(status));
	return WEXITSTATUS(status);
}

#define OUTCOME(...) outcome((const unsigned int[]){ __VA_ARGS__ }, \
	sizeof((const unsigned int[]){ __VA_ARGS__ }) / sizeof(unsigned int))

/*
 * A LOAD whose request struct turns read-only before the answer is
 * written back: the filter is attached, so LOAD succeeds (EFAULT would
 * tell the caller it is unfiltered while it is).  Control: CHECK of the
 * same read-only struct does fail with EFAULT.
 */
TEST(a_load_that_cannot_write_its_answer_back_still_reports_success)
{
	const struct sock_filter prog[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		STMT(BPF_RET | BPF_K, ERRNO(7)),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { .len = LEN(prog),
				    .filter = (struct sock_filter *)prog };
	struct sealjit_filter_args *args;
	int fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sj_nnp());
	args = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, args);
	args->size = sizeof(*args);
	args->fprog = (uintptr_t)&fprog;
	ASSERT_EQ(0, mprotect(args, 4096, PROT_READ));
	EXPECT_EQ(-1, ioctl(fd, SEALJIT_IOC_CHECK, args));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_NE(-1, syscall(__NR_getppid));
	EXPECT_EQ(0, ioctl(fd, SEALJIT_IOC_LOAD, args)) {
		TH_LOG("LOAD: %s", strerror(errno));
	}
	EXPECT_EQ(-1, syscall(__NR_getppid));
	EXPECT_EQ(7, errno);
	close(fd);
}

TEST(allow_lets_the_syscall_run)
{
	EXPECT_EQ(OUT_ALLOWED, OUTCOME(SECCOMP_RET_ALLOW));
}

TEST(errno_fails_the_syscall_with_the_data)
{
	EXPECT_EQ(7, OUTCOME(ERRNO(7)));
	EXPECT_EQ(OUT_ZERO, OUTCOME(ERRNO(0)));
}

/* errno values above 255 do not fit an exit status: check in place. */
TEST(errno_is_capped_at_4095)
{
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, ERRNO(0xffff)));
	ASSERT_EQ(0, sj_load_for(__NR_getpid, ERRNO(4095)));
	ASSERT_EQ(0, sj_load_for(__NR_gettid, ERRNO(4094)));
	EXPECT_EQ(-4095, syscall(__NR_getppid) == -1 ? -errno : 0);
	EXPECT_EQ(-4095, syscall(__NR_getpid) == -1 ? -errno : 0);
	EXPECT_EQ(-4094, syscall(__NR_gettid) == -1 ? -errno : 0);
}

TEST(trace_and_user_notif_act_as_enosys)
{
	EXPECT_EQ(ENOSYS, OUTCOME(SECCOMP_RET_TRACE | 5));
	EXPECT_EQ(ENOSYS, OUTCOME(SECCOMP_RET_USER_NOTIF));
}

TEST(kill_actions_end_the_process_with_sigsys)
{
	EXPECT_EQ(OUT_SIGNAL(SIGSYS), OUTCOME(SECCOMP_RET_KILL_PROCESS));
	EXPECT_EQ(OUT_SIGNAL(SIGSYS), OUTCOME(SECCOMP_RET_KILL_THREAD));
	EXPECT_EQ(OUT_SIGNAL(SIGSYS), OUTCOME(SECCOMP_RET_TRAP));
}

TEST(an_unknown_action_kills)
{
	EXPECT_EQ(OUT_SIGNAL(SIGSYS), OUTCOME(UNKNOWN_ACTION));
	EXPECT_EQ(OUT_SIGNAL(SIGSYS), OUTCOME(0x00010000));	/* below TRAP */
	EXPECT_EQ(OUT_SIGNAL(SIGSYS), OUTCOME(0x7ffe0000));	/* below ALLOW */
	/* The low 16 bits are data, not action: this is ALLOW. */
	EXPECT_EQ(OUT_ALLOWED, OUTCOME(SECCOMP_RET_ALLOW | 1));
}

/* seccomp compares actions as signed 32-bit values: 0x10000000 > ERRNO. */
TEST(an_unknown_action_loses_to_errno_and_beats_log_and_allow)
{
	EXPECT_EQ(5, OUTCOME(UNKNOWN_ACTION, ERRNO(5)));
	EXPECT_EQ(5, OUTCOME(ERRNO(5), UNKNOWN_ACTION));
	EXPECT_EQ(OUT_SIGNAL(SIGSYS), OUTCOME(UNKNOWN_ACTION, SECCOMP_RET_LOG));
	EXPECT_EQ(OUT_SIGNAL(SIGSYS), OUTCOME(SECCOMP_RET_ALLOW, UNKNOWN_ACTION));
}

TEST(precedence_with_two_filters_in_either_order)
{
	EXPECT_EQ(5, OUTCOME(SECCOMP_RET_ALLOW, ERRNO(5)));
	EXPECT_EQ(5, OUTCOME(ERRNO(5), SECCOMP_RET_ALLOW));
	EXPECT_EQ(5, OUTCOME(SECCOMP_RET_LOG, ERRNO(5)));
	EXPECT_EQ(5, OUTCOME(ERRNO(5), SECCOMP_RET_LOG));
	EXPECT_EQ(OUT_SIGNAL(SIGSYS), OUTCOME(ERRNO(5), SECCOMP_RET_TRAP));
	EXPECT_EQ(OUT_SIGNAL(SIGSYS), OUTCOME(SECCOMP_RET_TRAP, ERRNO(5)));
	EXPECT_EQ(ENOSYS, OUTCOME(SECCOMP_RET_TRACE, SECCOMP_RET_LOG));
	EXPECT_EQ(5, OUTCOME(SECCOMP_RET_TRACE, ERRNO(5)));
	EXPECT_EQ(OUT_SIGNAL(SIGSYS),
		  OUTCOME(SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP));
}

TEST(with_equal_actions_the_newest_filter_wins)
{
	EXPECT_EQ(6, OUTCOME(ERRNO(5), ERRNO(6)));
	EXPECT_EQ(5, OUTCOME(ERRNO(6), ERRNO(5)));
}

TEST(precedence_with_three_filters_in_any_order)
{
	EXPECT_EQ(3, OUTCOME(SECCOMP_RET_ALLOW, SECCOMP_RET_LOG, ERRNO(3)));
	EXPECT_EQ(3, OUTCOME(ERRNO(3), SECCOMP_RET_ALLOW, SECCOMP_RET_LOG));
	EXPECT_EQ(3, OUTCOME(SECCOMP_RET_LOG, ERRNO(3), SECCOMP_RET_ALLOW));
	EXPECT_EQ(OUT_SIGNAL(SIGSYS),
		  OUTCOME(ERRNO(3), SECCOMP_RET_TRAP, SECCOMP_RET_LOG));
	EXPECT_EQ(OUT_SIGNAL(SIGSYS),
		  OUTCOME(SECCOMP_RET_KILL_PROCESS, ERRNO(3), SECCOMP_RET_ALLOW));
	EXPECT_EQ(OUT_ALLOWED,
		  OUTCOME(SECCOMP_RET_ALLOW, SECCOMP_RET_LOG, SECCOMP_RET_ALLOW));
}

TEST(filters_cannot_be_removed_or_relaxed)
{
	const struct sock_filter allow_all[] = {
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };

	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, ERRNO(9)));
	ASSERT_EQ(0, sj_load(allow_all, LEN(allow_all)));
	EXPECT_EQ(-1, syscall(__NR_getppid));
	EXPECT_EQ(9, errno);
}

TEST(closing_the_device_leaves_the_filter_enforced)
{
	int fd = open(SEALJIT_DEVICE, O_RDWR);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, ERRNO(9)));
	close(fd);
	EXPECT_EQ(-1, syscall(__NR_getppid));
	EXPECT_EQ(9, errno);
	EXPECT_EQ(getpid(), syscall(__NR_getpid));
}

TEST(load_needs_no_new_privs_or_cap_sys_admin)
{
	ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	EXPECT_EQ(EACCES, sj_load_for(__NR_getppid, ERRNO(9)));
	EXPECT_NE(-1, syscall(__NR_getppid));
	ASSERT_EQ(0, sj_nnp());
	EXPECT_EQ(0, sj_load_for(__NR_getppid, ERRNO(9)));
	EXPECT_EQ(-1, syscall(__NR_getppid));
}

TEST(root_may_load_without_no_new_privs)
{
	ASSERT_EQ(0, geteuid());
	EXPECT_EQ(0, sj_load_for(__NR_getppid, ERRNO(9)));
	EXPECT_EQ(-1, syscall(__NR_getppid));
}

TEST(a_rejected_filter_is_einval_and_attaches_nothing)
{
	const struct sock_filter bad[] = {
		STMT(BPF_LD | BPF_MEM, 0), STMT(BPF_RET | BPF_A, 0) };

	ASSERT_EQ(0, sj_nnp());
	EXPECT_EQ(EINVAL, sj_load(bad, LEN(bad)));
	EXPECT_NE(-1, syscall(__NR_getppid));
}

/*
 * Beside the kernel's seccomp: the kernel runs its own filters first
 * (syscall_trace_enter()) and sealjit's only if they allow the call.  So
 * a denial by either wins over an allow by the other; when both deny, the
 * kernel's verdict is the one applied (Documentation/conformance.rst).
 */
static int kernel_filter_for(int nr, unsigned int action)
{
	struct sock_filter prog[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)nr, 0, 1),
		STMT(BPF_RET | BPF_K, action),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { .len = LEN(prog), .filter = prog };

	return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) ? errno : 0;
}

static int both(unsigned int kernel_action, unsigned int sealjit_action)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		long r;

		if (sj_nnp() || kernel_filter_for(__NR_getppid, kernel_action) ||
		    sj_load_for(__NR_getppid, sealjit_action))
			_exit(250);
		r = syscall(__NR_getppid);
		_exit(r == -1 ? errno : OUT_ALLOWED);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? OUT_SIGNAL(WTERMSIG(status)) :
				     WEXITSTATUS(status);
}

TEST(a_denial_by_the_kernels_seccomp_or_by_sealjit_wins_over_an_allow)
{
	EXPECT_EQ(OUT_ALLOWED, both(SECCOMP_RET_ALLOW, SECCOMP_RET_ALLOW));
	EXPECT_EQ(5, both(SECCOMP_RET_ALLOW, ERRNO(5)));
	EXPECT_EQ(6, both(ERRNO(6), SECCOMP_RET_ALLOW));
	EXPECT_EQ(OUT_SIGNAL(SIGSYS), both(SECCOMP_RET_ALLOW,
					   SECCOMP_RET_KILL_PROCESS));
	EXPECT_EQ(OUT_SIGNAL(SIGSYS), both(SECCOMP_RET_KILL_PROCESS, ERRNO(5)));
	/* Both deny: the kernel's verdict applies, sealjit never sees it. */
	EXPECT_EQ(6, both(ERRNO(6), SECCOMP_RET_KILL_PROCESS));
}

/* Inheritance. */
static int child_sees_errno(void)
{
	return syscall(__NR_getppid) == -1 && errno == 9 ? 0 : 1;
}

TEST(fork_inherits_the_chain)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, ERRNO(9)));
	pid = fork();
	if (pid == 0)
		_exit(child_sees_errno());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(vfork_inherits_the_chain)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, ERRNO(9)));
	pid = vfork();
	if (pid == 0)
		_exit(syscall(__NR_getppid) == -1 ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void *thread_getppid(void *arg)
{
	return (void *)(long)child_sees_errno();
}

TEST(threads_inherit_the_chain)
{
	pthread_t t;
	void *ret;

	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, ERRNO(9)));
	ASSERT_EQ(0, pthread_create(&t, NULL, thread_getppid, NULL));
	ASSERT_EQ(0, pthread_join(t, &ret));
	EXPECT_EQ(0, (long)ret);
}

TEST(a_thread_filters_only_itself_and_what_it_creates)
{
	pthread_t t;
	void *ret;

	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, pthread_create(&t, NULL, thread_getppid, NULL));
	ASSERT_EQ(0, pthread_join(t, &ret));
	EXPECT_EQ(1, (long)ret);	/* created before the load */
	ASSERT_EQ(0, sj_load_for(__NR_getppid, ERRNO(9)));
	EXPECT_EQ(0, child_sees_errno());
}

static char self_exe[4096];

TEST(execve_keeps_the_chain)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, ERRNO(9)));
	pid = fork();
	if (pid == 0) {
		execl(self_exe, self_exe, "--child-getppid", NULL);
		_exit(3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

static void *thread_exec(void *arg)
{
	execl(self_exe, self_exe, "--child-getppid", NULL);
	return NULL;
}

/* de_thread() gives the exec'ing thread the leader's pid: keyed by task. */
TEST(execve_from_a_non_leader_thread_keeps_the_chain)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, sj_nnp());
	pid = fork();
	if (pid == 0) {
		pthread_t t;

		if (sj_load_for(__NR_getppid, ERRNO(9)) ||
		    pthread_create(&t, NULL, thread_exec, NULL))
			_exit(4);
		for (;;)
			pause();
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* TRAP. */
static volatile siginfo_t trap_info;
static volatile long trap_rax, trap_rip;
static volatile int traps;

static void trap_handler(int sig, siginfo_t *info, void *uctx)
{
	ucontext_t *uc = uctx;

	trap_info = *info;
	trap_rax = uc->uc_mcontext.gregs[REG_RAX];
	trap_rip = uc->uc_mcontext.gregs[REG_RIP];
	traps++;
}

static void install_trap_handler(void)
{
	struct sigaction sa = { .sa_sigaction = trap_handler,
				.sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSYS, &sa, NULL);
}

TEST(trap_delivers_sigsys_with_seccomp_siginfo)
{
	long r;

	install_trap_handler();
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, SECCOMP_RET_TRAP | 0x1234));
	r = syscall(__NR_getppid, 1, 2, 3);
	ASSERT_EQ(1, traps);
	EXPECT_EQ(SIGSYS, trap_info.si_signo);
	EXPECT_EQ(SYS_SECCOMP, trap_info.si_code);
	EXPECT_EQ(0x1234, trap_info.si_errno);
	EXPECT_EQ(__NR_getppid, trap_info.si_syscall);
	EXPECT_EQ(AUDIT_ARCH_X86_64, trap_info.si_arch);
	EXPECT_EQ(trap_rip, (long)trap_info.si_call_addr);
	/* Registers rolled back: the handler and the caller see the number. */
	EXPECT_EQ(__NR_getppid, trap_rax);
	EXPECT_EQ(__NR_getppid, r);
}

static int trap_with_sigsys(int how)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		sigset_t set;

		if (how == 0) {
			signal(SIGSYS, SIG_IGN);
		} else {
			sigemptyset(&set);
			sigaddset(&set, SIGSYS);
			sigprocmask(SIG_BLOCK, &set, NULL);
		}
		if (sj_nnp() || sj_load_for(__NR_getppid, SECCOMP_RET_TRAP))
			_exit(2);
		syscall(__NR_getppid);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? WTERMSIG(status) : -WEXITSTATUS(status);
}

TEST(trap_is_delivered_even_when_sigsys_is_ignored_or_blocked)
{
	EXPECT_EQ(SIGSYS, trap_with_sigsys(0));
	EXPECT_EQ(SIGSYS, trap_with_sigsys(1));
}

/* KILL_THREAD and KILL_PROCESS with threads. */
static volatile int survived;

static void *thread_killed(void *arg)
{
	syscall(__NR_getppid);
	survived = 1;
	return NULL;
}

TEST(kill_thread_ends_only_the_calling_thread)
{
	pthread_t t;

	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, SECCOMP_RET_KILL_THREAD));
	ASSERT_EQ(0, pthread_create(&t, NULL, thread_killed, NULL));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, survived);
	EXPECT_EQ(getpid(), syscall(__NR_getpid));
}

static void *spin(void *arg)
{
	for (;;)
		syscall(__NR_getpid);
	return NULL;
}

TEST(kill_process_ends_every_thread_and_nothing_runs_after)
{
	int fds[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	if (pid == 0) {
		pthread_t t[3];
		int i;

		close(fds[0]);
		for (i = 0; i < 3; i++)
			pthread_create(&t[i], NULL, spin, NULL);
		if (sj_nnp() ||
		    sj_load_for(__NR_getppid, SECCOMP_RET_KILL_PROCESS))
			_exit(2);
		syscall(__NR_getppid);
		/* Must never run: the killed task makes no further syscall. */
		if (write(fds[1], "x", 1) != 1)
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGSYS, WTERMSIG(status));
	EXPECT_EQ(0, read(fds[0], &c, 1));
}

/* LOG. */
TEST(log_allows_and_writes_a_kernel_log_line)
{
	static char buf[1 << 17];
	char want[64];
	int n;

	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, SECCOMP_RET_LOG));
	EXPECT_EQ(getppid(), syscall(__NR_getppid));
	snprintf(want, sizeof(want), "pid=%d comm=", getpid());
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_NE(NULL, strstr(buf, want)) {
		TH_LOG("no line with '%s'", want);
	}
	EXPECT_NE(NULL, strstr(buf, "syscall=110 arch=0xc000003e")) {
		TH_LOG("no line for getppid");
	}
	EXPECT_NE(NULL, strstr(buf, "action=log"));
}

/* What the filter sees. */
#define ARGS_LEN (2 + 6 * 4 + 3)

TEST(the_filter_sees_the_real_arguments)
{
	static const unsigned long long a[6] = {
		0x1111111122222222ULL, 0x33333333fffffffeULL, 0,
		0xffffffffffffffffULL, 0x8000000000000001ULL, 42 };
	const unsigned int match = ARGS_LEN - 3, mismatch = ARGS_LEN - 2,
			   other = ARGS_LEN - 1;
	struct sock_filter prog[ARGS_LEN];
	unsigned int i, n = 0;

	prog[n] = STMT(BPF_LD | BPF_W | BPF_ABS, 0);
	n++;
	prog[n] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1000, 0, other - n - 1);
	n++;
	for (i = 0; i < 12; i++) {
		__u32 word = i % 2 ? (__u32)(a[i / 2] >> 32) : (__u32)a[i / 2];

		prog[n] = STMT(BPF_LD | BPF_W | BPF_ABS, 16 + 4 * i);
		n++;
		prog[n] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, word, 0,
			       mismatch - n - 1);
		n++;
	}
	ASSERT_EQ(match, n);
	prog[match] = STMT(BPF_RET | BPF_K, ERRNO(100));
	prog[mismatch] = STMT(BPF_RET | BPF_K, ERRNO(1));
	prog[other] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load(prog, ARGS_LEN));
	EXPECT_EQ(-1, syscall(1000, a[0], a[1], a[2], a[3], a[4], a[5]));
	EXPECT_EQ(100, errno);
	EXPECT_EQ(-1, syscall(1000, a[0], a[1], a[2], a[3], a[4], a[5] + 1));
	EXPECT_EQ(1, errno);
	EXPECT_EQ(-1, syscall(1000, a[0] ^ (1ULL << 40), a[1], a[2], a[3],
			      a[4], a[5]));
	EXPECT_EQ(1, errno);
}

/* TRAP returns the low 16 bits of an ip word in si_errno. */
static int trap_ip_word(int word)
{
	const struct sock_filter prog[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1001, 0, 4),
		STMT(BPF_LD | BPF_W | BPF_ABS, 8 + 4 * word),
		STMT(BPF_ALU | BPF_AND | BPF_K, SECCOMP_RET_DATA),
		STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_TRAP),
		STMT(BPF_RET | BPF_A, 0),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	return sj_load(prog, LEN(prog));
}

TEST(the_filter_sees_the_real_instruction_pointer)
{
	install_trap_handler();
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, trap_ip_word(0));
	syscall(1001);
	ASSERT_EQ(1, traps);
	EXPECT_EQ((unsigned long)trap_info.si_call_addr & 0xffff,
		  (unsigned int)trap_info.si_errno);
	ASSERT_EQ(0, trap_ip_word(1));
	syscall(1001);
	ASSERT_LE(2, traps);
	EXPECT_EQ(((unsigned long)trap_info.si_call_addr >> 32) & 0xffff,
		  (unsigned int)trap_info.si_errno);
}

static long int80(long nr)
{
	long ret;

	asm volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

TEST(compat_int80_syscalls_are_seen_as_i386)
{
	const struct sock_filter prog[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 3),
		STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, 20 /* i386 getpid */, 0, 1),
		STMT(BPF_RET | BPF_K, ERRNO(33)),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	ASSERT_EQ(getpid(), int80(20));
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load(prog, LEN(prog)));
	EXPECT_EQ(-33, int80(20));
	EXPECT_EQ(getpid(), syscall(__NR_getpid));	/* x86-64 getpid is 39 */
	EXPECT_EQ(getppid(), int80(64));		/* i386 getppid */
}

/* SEALJIT_IOC_STATUS for @pid: 0 or an errno; fills @st. */
static int status_of(pid_t pid, struct sealjit_status *st, unsigned int flags)
{
	int fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC), ret;

	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->flags = flags;
	st->pid = pid;
	if (fd < 0)
		return errno;
	ret = ioctl(fd, SEALJIT_IOC_STATUS, st) ? errno : 0;
	close(fd);
	return ret;
}

/*
 * sealjit answers "is this thread filtered?" where seccomp's own answer
 * (PR_GET_SECCOMP, /proc/PID/status) stays 0: a sealjit-filtered thread
 * is not in seccomp's filter mode (Documentation/conformance.rst).
 */
TEST(status_counts_the_chain_where_seccomp_reports_no_filter)
{
	struct sealjit_status st;
	int status;
	pid_t pid;

	ASSERT_EQ(0, status_of(0, &st, 0));
	EXPECT_EQ(SEALJIT_MODE_NONE, st.mode);
	EXPECT_EQ(0, st.filters);
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, ERRNO(9)));
	ASSERT_EQ(0, sj_load_for(__NR_getpgrp, ERRNO(10)));
	ASSERT_EQ(0, status_of(0, &st, 0));
	EXPECT_EQ(SEALJIT_MODE_FILTER, st.mode);
	EXPECT_EQ(2, st.filters);
	EXPECT_EQ(0, prctl(PR_GET_SECCOMP, 0, 0, 0, 0));

	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, status_of(pid, &st, 0));
	EXPECT_EQ(2, st.filters);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);

	EXPECT_EQ(ESRCH, status_of(pid, &st, 0));
	EXPECT_EQ(EINVAL, status_of(-1, &st, 0));
	EXPECT_EQ(EINVAL, status_of(0, &st, 1));
}

/*
 * The known difference, pinned down: seccomp refuses strict mode to a
 * task with a seccomp filter (EINVAL); a sealjit-filtered task may enter
 * it.  Nothing escapes: strict mode only narrows what the task may do.
 */
TEST(strict_mode_is_allowed_under_a_sealjit_filter)
{
	int fds[2], status;
	pid_t pid;
	char c = 0;

	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	if (pid == 0) {
		if (sj_nnp() || sj_load_for(__NR_getppid, ERRNO(9)))
			_exit(2);
		c = syscall(__NR_seccomp, SECCOMP_SET_MODE_STRICT, 0, NULL) ?
		    'e' : 's';
		/* Strict mode: only read, write, exit and sigreturn. */
		if (write(fds[1], &c, 1) != 1)
			syscall(__NR_exit, 3);
		syscall(__NR_exit, 0);
	}
	close(fds[1]);
	ASSERT_EQ(1, read(fds[0], &c, 1));
	EXPECT_EQ('s', c);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * Images and lifetime.  Packs are sealed before any image is written into
 * them, through a temporary alias: an image's executable pages were never
 * writable, not even while its code went in.
 */
TEST(images_are_written_into_sealed_packs_their_pools_never_executable)
{
	char line[256];
	int n = 0, packs = 0;
	FILE *f;

	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, ERRNO(9)));
	f = fopen("/sys/kernel/debug/sealjit/images", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "pack ", 5)) {
			packs++;
			EXPECT_NE(NULL, strstr(line, " code=ro,x pool=ro,nx")) {
				TH_LOG("%s", line);
			}
			continue;
		}
		n++;
		EXPECT_NE(NULL, strstr(line, "before=ro,x now=ro,x")) {
			TH_LOG("%s", line);
		}
		/* its constants: read-only and never executable */
		EXPECT_NE(NULL, strstr(line, " pool=ro,nx ")) {
			TH_LOG("%s", line);
		}
	}
	fclose(f);
	EXPECT_LE(1, n);
	EXPECT_LE(1, packs);
}

/* Does @path contain @needle (in its first 64 KiB)? */
static int file_has(const char *path, const char *needle)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return strstr(buf, needle) != NULL;
}

/*
 * Where the kernel's own returns go: the thunk bugs.c chose at boot, which
 * it logs as "active return thunk: NAME" when it also turns return thunks
 * on (X86_FEATURE_RETHUNK, which /proc/cpuinfo does not show); ret when it
 * chose none.  (A retbleed=ibpb boot on an SRSO-affected AMD part logs a
 * thunk and then turns thunks off again; the VM boot is not one.)
 */
static void kernel_return(char *name, size_t size)
{
	static char log[1 << 20];
	int n = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *p;

	snprintf(name, size, "ret");
	if (n <= 0 || n > (int)sizeof(log) - 1)
		n = sizeof(log) - 1;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, n);
	if (n <= 0)
		return;
	log[n] = 0;
	p = strstr(log, "active return thunk: ");
	if (p)
		sscanf(p + strlen("active return thunk: "), "%63s", name);
}

/*
 * Images return through the thunk in force (x86_return_thunk), never
 * through the exported default __x86_return_thunk, a bare ret, when the
 * kernel chose another.  The VM boots with indirect_target_selection=force
 * so that the kernel does choose one (its_return_thunk).
 */
TEST(images_return_through_the_return_thunk_the_kernel_chose)
{
	char line[512], want[64], got[64];
	int n = 0;
	FILE *f;

	kernel_return(want, sizeof(want));
	if (file_has("/proc/cmdline", "indirect_target_selection=force"))
		ASSERT_STREQ("its_return_thunk", want) {
			TH_LOG("forced ITS mitigation, yet the kernel returns through %s",
			       want);
		}
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, ERRNO(9)));
	EXPECT_EQ(-1, syscall(__NR_getppid));
	f = fopen("/sys/kernel/debug/sealjit/images", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		char *r = strstr(line, " return=");

		if (!strncmp(line, "pack ", 5))
			continue;
		ASSERT_NE(NULL, r);
		ASSERT_EQ(1, sscanf(r + 8, "%63s", got));
		EXPECT_STREQ(want, got);
		n++;
	}
	fclose(f);
	EXPECT_LE(1, n);
}

/* Every live image verifies against its digest; offsets vary. */
TEST(sealed_images_verify_and_start_at_random_offsets)
{
	char line[256];
	int i, offsets[16], n = 0, distinct = 0, j;
	FILE *f;

	ASSERT_EQ(0, sj_nnp());
	for (i = 0; i < 16; i++)
		ASSERT_EQ(0, sj_load_for(__NR_getppid, ERRNO(9)));
	f = fopen("/sys/kernel/debug/sealjit/images", "r");
	ASSERT_NE(NULL, f);
	while (n < 16 && fgets(line, sizeof(line), f)) {
		char *o = strstr(line, "offset=");

		if (!strncmp(line, "pack ", 5))
			continue;
		ASSERT_NE(NULL, o);
		offsets[n++] = atoi(o + 7);
	}
	fclose(f);
	ASSERT_EQ(16, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(0, offsets[i] % 16);
		for (j = 0; j < i && offsets[j] != offsets[i]; j++)
			;
		distinct += j == i;
	}
	EXPECT_LE(4, distinct) {
		TH_LOG("only %d distinct offsets in 16 images", distinct);
	}
	f = fopen("/sys/kernel/debug/sealjit/verify", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	fclose(f);
	EXPECT_NE(NULL, strstr(line, ", 0 mismatches")) {
		TH_LOG("%s", line);
	}
	EXPECT_EQ(0, sj_stat("bad_entries"));
}

static struct sock_filter max_prog[SEALJIT_MAXINSNS];

/* 4096 instructions; getppid fails with errno 4089, the rest is allowed. */
static void build_max_prog(void)
{
	int i, n = SEALJIT_MAXINSNS;

	max_prog[0] = STMT(BPF_LD | BPF_W | BPF_ABS, 0);
	max_prog[1] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 1, 0);
	max_prog[2] = STMT(BPF_JMP | BPF_JA, n - 4);
	max_prog[3] = STMT(BPF_LD | BPF_IMM, 0);
	for (i = 4; i < n - 3; i++)
		max_prog[i] = STMT(BPF_ALU | BPF_ADD | BPF_K, 1);
	max_prog[n - 3] = STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO);
	max_prog[n - 2] = STMT(BPF_RET | BPF_A, 0);
	max_prog[n - 1] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
}

TEST(a_4096_instruction_filter_loads_and_runs)
{
	build_max_prog();
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load(max_prog, SEALJIT_MAXINSNS));
	EXPECT_EQ(-1, syscall(__NR_getppid));
	EXPECT_EQ(SEALJIT_MAXINSNS - 7, errno);
	EXPECT_EQ(getpid(), syscall(__NR_getpid));
}

/* seccomp: total = new + sum(old + 4) <= 32768, else ENOMEM. */
TEST(a_chain_is_capped_like_seccomps)
{
	int i;

	build_max_prog();
	ASSERT_EQ(0, sj_nnp());
	for (i = 0; i < 7; i++)
		ASSERT_EQ(0, sj_load(max_prog, SEALJIT_MAXINSNS)) {
			TH_LOG("load %d", i + 1);
		}
	EXPECT_EQ(ENOMEM, sj_load(max_prog, SEALJIT_MAXINSNS));
	/* 7 * (4096 + 4) = 28700: a short filter still fits. */
	EXPECT_EQ(0, sj_load(&max_prog[SEALJIT_MAXINSNS - 1], 1));
}

/* Attach @n one-instruction ALLOW filters; 0, or the first errno. */
static int load_allows(int n)
{
	const struct sock_filter allow[] = {
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	int i, err = 0;

	for (i = 0; i < n && !err; i++)
		err = sj_load(allow, 1);
	return err;
}

TEST(a_thousand_filters_are_released_without_a_trace)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, sj_stat_settles("filters", 0));
	pid = fork();
	if (pid == 0) {
		if (sj_nnp())
			_exit(2);
		if (load_allows(1000))
			_exit(3);
		_exit(sj_stat("filters") == 1000 && sj_stat("images") == 1000 &&
		      sj_stat("tasks") == 1 && sj_stat("hooked") == 1 ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(0, sj_stat_settles("filters", 0));
	EXPECT_EQ(0, sj_stat_settles("images", 0));
	EXPECT_EQ(0, sj_stat_settles("tasks", 0));
	EXPECT_EQ(0, sj_stat_settles("hooked", 0));
}

/*
 * Interrupts all CPUs have received that flush TLBs (/proc/interrupts):
 * "TLB" shootdowns, and "CAL" function calls, which is how a page
 * permission change flushes every other CPU's TLB (cpa_flush()).  Or -1.
 */
static long flush_ipis(const char *which)
{
	char line[1024], *p, *end;
	FILE *f = fopen("/proc/interrupts", "r");
	long sum = -1, v;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		for (p = line; *p == ' '; p++)
			;
		if (strncmp(p, which, 4))
			continue;
		for (sum = 0, p += 4; (v = strtol(p, &end, 10)), end != p; p = end)
			sum += v;
	}
	fclose(f);
	return sum;
}

struct machine_cost {
	int perm;	/* page permission changes (set_memory_*) */
	int bytes;	/* module memory the images hold */
	long tlb;	/* TLB shootdowns received */
	long cal;	/* function calls received (how cpa_flush() flushes) */
	struct timespec t;
};

static void machine_cost(struct machine_cost *c)
{
	c->perm = sj_stat("perm_changes");
	c->bytes = sj_stat("image_bytes");
	c->tlb = flush_ipis("TLB:");
	c->cal = flush_ipis("CAL:");
	clock_gettime(CLOCK_MONOTONIC, &c->t);
}

static double ms_between(const struct machine_cost *a,
			 const struct machine_cost *b)
{
	return (b->t.tv_sec - a->t.tv_sec) * 1e3 +
	       (b->t.tv_nsec - a->t.tv_nsec) / 1e6;
}

/*
 * What loading costs the machine beyond the loader's own CPU, per 1,000
 * filters: the module memory held, the page permission changes and the
 * interrupts the other CPU received, at load and at release.  A
 * permission change flushes every other CPU's TLB through a function-call
 * interrupt (cpa_flush()); scheduler and RCU wake-ups add more of those
 * the slower the machine, whatever the module does (seen: 70 to 730 per
 * 1,000 loads), and other activity can flush TLBs too, so only the pages
 * and the permission changes are held to a bound.  Images share packs
 * sealed once and are written through a temporary alias: once a pack
 * exists a load changes no permission.
 * Before packs: 3,000 pages, 2,000 permission changes and ~2,075
 * function-call interrupts for these 1,000 loads.
 */
TEST(a_thousand_loads_share_packs_and_change_no_permission)
{
	struct machine_cost c[3];
	int go[2], done[2], status;
	char byte = 0;
	pid_t pid;

	ASSERT_EQ(0, sj_stat_settles("images", 0));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	machine_cost(&c[0]);
	pid = fork();
	if (pid == 0) {
		if (sj_nnp())
			_exit(2);
		if (load_allows(1000))
			_exit(3);
		if (write(done[1], &byte, 1) != 1 || read(go[0], &byte, 1) != 1)
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ(1, read(done[0], &byte, 1));
	machine_cost(&c[1]);
	ASSERT_EQ(1, write(go[1], &byte, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(0, sj_stat_settles("images", 0));
	machine_cost(&c[2]);
	TH_LOG("1000 loads: %d pages held, %d permission changes, %ld TLB shootdowns, %ld function-call interrupts, %.0f ms",
	       c[1].bytes / 4096, c[1].perm - c[0].perm, c[1].tlb - c[0].tlb,
	       c[1].cal - c[0].cal, ms_between(&c[0], &c[1]));
	TH_LOG("their release: %d permission changes, %ld TLB shootdowns, %ld function-call interrupts",
	       c[2].perm - c[1].perm, c[2].tlb - c[1].tlb,
	       c[2].cal - c[1].cal);
	EXPECT_GE(250, c[1].bytes / 4096);
	EXPECT_GE(8, c[1].perm - c[0].perm);
	EXPECT_GE(8, c[2].perm - c[1].perm);
}

/*
 * Stress: 8 threads call getppid, which must always fail; meanwhile other
 * threads load more filters, fork children that check the same, and exit.
 */
static volatile int stop, escapes, calls, forks;

static void *stress_caller(void *arg)
{
	while (!stop) {
		if (syscall(__NR_getppid) != -1 || errno != 9)
			__sync_fetch_and_add(&escapes, 1);
		__sync_fetch_and_add(&calls, 1);
	}
	return NULL;
}

static void *stress_loader(void *arg)
{
	const struct sock_filter allow[] = {
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	int loads = 0;

	while (!stop && loads < 200) {
		int err = sj_load(allow, 1);

		if (err && err != ENOMEM)
			__sync_fetch_and_add(&escapes, 1000);
		loads++;
		if (syscall(__NR_getppid) != -1)
			__sync_fetch_and_add(&escapes, 1);
	}
	return NULL;
}

static void *stress_forker(void *arg)
{
	while (!stop) {
		int status;
		pid_t pid = fork();

		if (pid == 0)
			_exit(child_sees_errno());
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			__sync_fetch_and_add(&escapes, 1);
		__sync_fetch_and_add(&forks, 1);
	}
	return NULL;
}

static void *stress_spawner(void *arg)
{
	while (!stop) {
		pthread_t t;

		if (pthread_create(&t, NULL, stress_loader, NULL) == 0)
			pthread_join(t, NULL);
	}
	return NULL;
}

TEST(stress_no_escape_while_loading_forking_and_exiting)
{
	pthread_t t[12];
	int i;

	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, ERRNO(9)));
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, stress_caller, NULL));
	ASSERT_EQ(0, pthread_create(&t[8], NULL, stress_forker, NULL));
	ASSERT_EQ(0, pthread_create(&t[9], NULL, stress_forker, NULL));
	ASSERT_EQ(0, pthread_create(&t[10], NULL, stress_spawner, NULL));
	ASSERT_EQ(0, pthread_create(&t[11], NULL, stress_spawner, NULL));
	sleep(10);
	stop = 1;
	for (i = 0; i < 12; i++)
		pthread_join(t[i], NULL);
	TH_LOG("%d filtered calls, %d forks, %d escapes", calls, forks, escapes);
	EXPECT_EQ(0, escapes);
	EXPECT_LT(1000, calls);
	EXPECT_LT(10, forks);
}

#define CG "/sys/fs/cgroup"
#define CG_SJ CG "/sealjit-test"

/*
 * What a filter holds (its tables, its record, its image's bookkeeping) is
 * charged to the loader's memory cgroup: 300 filters raise memory.current
 * by well over 300 times their two 2 KiB tables' worth of 3 KiB, where
 * unaccounted memory would leave it nearly flat (the per-CPU charge
 * cache holds at most 256 KiB).
 */
TEST(what_filters_hold_is_charged_to_the_loaders_memory_cgroup)
{
	int fds[2], status, i;
	long grew = -1;
	pid_t pid;

	mkdir(CG, 0755);
	if (mount("none", CG, "cgroup2", 0, NULL))
		ASSERT_EQ(EBUSY, errno);
	ASSERT_EQ(0, sj_write_file(CG "/cgroup.subtree_control", "+memory"));
	if (mkdir(CG_SJ, 0755))
		ASSERT_EQ(EEXIST, errno);
	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	if (pid == 0) {
		long before, after;

		if (sj_write_file(CG_SJ "/cgroup.procs", "0") || sj_nnp())
			_exit(1);
		before = sj_read_number(CG_SJ "/memory.current");
		for (i = 0; i < 300; i++)
			if (sj_load_for(__NR_getppid, SECCOMP_RET_ERRNO | 9))
				_exit(2);
		after = sj_read_number(CG_SJ "/memory.current");
		grew = after - before;
		if (write(fds[1], &grew, sizeof(grew)) != sizeof(grew))
			_exit(3);
		_exit(0);
	}
	ASSERT_LT(0, pid);
	close(fds[1]);
	EXPECT_EQ(sizeof(grew), read(fds[0], &grew, sizeof(grew)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	TH_LOG("memory.current grew by %ld bytes for 300 filters", grew);
	EXPECT_LT(300L * 3072, grew);
	/* Its tasks gone, the cgroup can go (its charges drain later). */
	for (i = 0; i < 100 && rmdir(CG_SJ); i++)
		usleep(10000);
	EXPECT_EQ(0, access(CG_SJ, F_OK) ? 0 : 1);
}

int main(int argc, char **argv)
{
	ssize_t n;

	if (argc > 1 && !strcmp(argv[1], "--child-getppid"))
		return child_sees_errno();
	/* For the VM script: keep one filter attached until killed. */
	if (argc > 1 && !strcmp(argv[1], "--hold")) {
		if (sj_nnp() || sj_load_for(__NR_getppid, SECCOMP_RET_ERRNO | 9))
			return 1;
		for (;;)
			pause();
	}
	/*
	 * For the VM script: attach filters until one is refused, say how
	 * many and why on stdout, then hold them until killed.
	 */
	if (argc > 1 && !strcmp(argv[1], "--fill")) {
		int i = 0, err;

		if (sj_nnp())
			return 1;
		while (!(err = sj_load_for(__NR_getppid,
					   SECCOMP_RET_ERRNO | 9)))
			i++;
		printf("loaded %d filters, then refused: %s\n", i,
		       strerror(err));
		fflush(stdout);
		for (;;)
			pause();
	}
	/* For the VM script: the kernel's seccomp (and its BPF JIT) works. */
	if (argc > 1 && !strcmp(argv[1], "--kernel-seccomp")) {
		const struct sock_filter prog[] = {
			STMT(BPF_LD | BPF_W | BPF_ABS,
			     offsetof(struct seccomp_data, nr)),
			JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
			STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 9),
			STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog fprog = { .len = LEN(prog),
					    .filter = (struct sock_filter *)prog };

		if (sj_nnp() || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER,
				      &fprog)) {
			perror("seccomp");
			return 1;
		}
		return syscall(__NR_getppid) == -1 && errno == 9 ? 0 : 1;
	}
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n < 0)
		return 1;
	self_exe[n] = '\0';
	return test_harness_run(argc, argv);
}
