// SPDX-License-Identifier: GPL-2.0
/*
 * Tests that need the debug build's switches (make module-debug; the VM
 * script runs this binary against that build only):
 *  - fail-closed inheritance: when a child's copy of the chain cannot be
 *    made, the child dies before it runs anything;
 *  - a thread ended by KILL_THREAD loses no task work queued before it;
 *  - children and threads inherit from a spare record allocated ahead,
 *    not from an allocation in the fork probe;
 *  - no constant of a filter in executable memory, scanned in the sealed
 *    images themselves, and all of them in their non-executable pools;
 *  - the SHA-256 check of sealed images notices a changed byte;
 *  - a failure of the JIT or the validator is the module's EIO with its own
 *    reason, instruction and cause, never EINVAL, and attaches nothing.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "sj_test.h"

#define FAIL_FORK "/sys/kernel/debug/sealjit/fail_fork"

TEST(a_child_whose_chain_cannot_be_copied_never_runs)
{
	int fds[2], status, kills;
	pid_t pid;
	char c;

	ASSERT_EQ(0, access(FAIL_FORK, W_OK)) {
		TH_LOG("%s missing: load the SEALJIT_DEBUG=1 build", FAIL_FORK);
	}
	ASSERT_EQ(0, pipe(fds));
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, SECCOMP_RET_ERRNO | 9));
	kills = sj_stat("fork_kills");
	ASSERT_EQ(0, sj_write_file(FAIL_FORK, "1"));
	pid = fork();
	if (pid == 0) {
		/* Unfiltered code must never get here. */
		if (write(fds[1], "x", 1) != 1)
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	ASSERT_LT(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGKILL, WTERMSIG(status));
	EXPECT_EQ(0, read(fds[0], &c, 1));
	EXPECT_EQ(kills + 1, sj_stat("fork_kills"));

	/* The switch is spent: the next child inherits normally. */
	pid = fork();
	if (pid == 0)
		_exit(syscall(__NR_getppid) == -1 && errno == 9 ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

#define FAIL_FORK_ALLOC "/sys/kernel/debug/sealjit/fail_fork_alloc"

static void *inherits_thread(void *arg)
{
	long ok = syscall(__NR_getppid) == -1 && errno == 9;

	return (void *)ok;
}

/*
 * A fork takes the spare record its parent holds, allocated ahead in
 * process context, and both refill theirs before they can fork again:
 * with every atomic allocation failing, 50 processes and 20 threads in a
 * row still inherit the chain, and none is killed.
 */
TEST(children_and_threads_inherit_without_atomic_allocations)
{
	int i, status, spares, kills;
	pthread_t t;
	void *ok;
	pid_t pid;

	ASSERT_EQ(0, access(FAIL_FORK_ALLOC, W_OK)) {
		TH_LOG("%s missing: load the SEALJIT_DEBUG=1 build",
		       FAIL_FORK_ALLOC);
	}
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, SECCOMP_RET_ERRNO | 9));
	spares = sj_stat("fork_spares");
	kills = sj_stat("fork_kills");
	ASSERT_EQ(0, sj_write_file(FAIL_FORK_ALLOC, "1000"));
	for (i = 0; i < 50; i++) {
		pid = fork();
		if (pid == 0)
			_exit(syscall(__NR_getppid) == -1 && errno == 9 ? 0 : 1);
		ASSERT_LT(0, pid);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			TH_LOG("child %d: status 0x%x", i, status);
		}
	}
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, pthread_create(&t, NULL, inherits_thread, NULL));
		ASSERT_EQ(0, pthread_join(t, &ok));
		EXPECT_EQ((void *)1, ok);
	}
	EXPECT_EQ(kills, sj_stat("fork_kills"));
	EXPECT_EQ(spares + 70, sj_stat("fork_spares"));
	ASSERT_EQ(0, sj_write_file(FAIL_FORK_ALLOC, "0"));
}

#define KILL_COMPANION "/sys/kernel/debug/sealjit/kill_companion"

static void *getppid_thread(void *arg)
{
	syscall(__NR_getppid);
	return arg;	/* KILL_THREAD: never reached */
}

/*
 * A thread ended by KILL_THREAD (do_exit() from a task work) does not
 * lose the task works queued before its end and run after it in the
 * same batch (a file's last fput, an io_uring completion).  The switch
 * queues one such work ahead of the kill; it must run.
 */
TEST(a_thread_killed_loses_no_task_work_queued_before_its_end)
{
	const struct sock_filter prog[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_THREAD),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	long before;
	pthread_t t;
	void *ret;

	before = sj_read_number(KILL_COMPANION);
	ASSERT_LE(0, before) {
		TH_LOG("%s missing: load the SEALJIT_DEBUG=1 build",
		       KILL_COMPANION);
	}
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load(prog, LEN(prog)));
	ASSERT_EQ(0, sj_write_file(KILL_COMPANION, "1"));
	ASSERT_EQ(0, pthread_create(&t, NULL, getppid_thread, NULL));
	ASSERT_EQ(0, pthread_join(t, &ret));
	EXPECT_EQ(before + 1, sj_read_number(KILL_COMPANION));
	/* The process lives on, with its other threads. */
	EXPECT_NE(-1, syscall(__NR_getpid));
}

static char *read_all(const char *path, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0 || !buf)
		return NULL;
	while ((r = read(fd, buf + n, cap - n)) > 0) {
		n += r;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				return NULL;
		}
	}
	close(fd);
	*len = n;
	return buf;
}

static int holds(const char *buf, size_t len, __u32 v)
{
	size_t i;

	for (i = 0; i + 4 <= len; i++)
		if (!memcmp(buf + i, &v, 4))
			return 1;
	return 0;
}

/*
 * Constants chosen as code never appear in the executable pages of sealed
 * images; they are in their constant pools, which are not executable.
 */
TEST(planted_constants_never_appear_in_sealed_images)
{
	static const __u32 planted[] = { 0xc3c3c3c3, 0x90909090 };
	size_t len;
	char *dump;
	int i;

	ASSERT_EQ(0, sj_nnp());
	for (i = 0; i < 2; i++) {
		__u32 k = planted[i];
		const struct sock_filter prog[] = {
			STMT(BPF_LD | BPF_IMM, k), STMT(BPF_LDX | BPF_IMM, k),
			STMT(BPF_ALU | BPF_ADD | BPF_K, k),
			STMT(BPF_ALU | BPF_MUL | BPF_K, k),
			STMT(BPF_ALU | BPF_DIV | BPF_K, k),
			STMT(BPF_ALU | BPF_XOR | BPF_K, k),
			JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, 0, 0),
			JUMP(BPF_JMP | BPF_JSET | BPF_K, k, 0, 0),
			STMT(BPF_LD | BPF_W | BPF_ABS, 0),
			JUMP(BPF_JMP | BPF_JGT | BPF_K, 100000, 0, 1),
			STMT(BPF_RET | BPF_K, k),
			STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};

		ASSERT_EQ(0, sj_load(prog, LEN(prog)));
	}
	dump = read_all("/sys/kernel/debug/sealjit/dump", &len);
	ASSERT_NE(NULL, dump);
	ASSERT_LE(2 * 4096, len);
	EXPECT_EQ(0, holds(dump, len, 0xc3c3c3c3));
	EXPECT_EQ(0, holds(dump, len, 0x90909090));
	/* Control: the scan does find what is there, such as the prologue. */
	EXPECT_EQ(1, holds(dump, len, 0xe5894855));	/* push %rbp; mov %rsp,%rbp */
	free(dump);
	/* ...and the constants are where the code reads them from. */
	dump = read_all("/sys/kernel/debug/sealjit/dump_pool", &len);
	ASSERT_NE(NULL, dump);
	EXPECT_EQ(1, holds(dump, len, 0xc3c3c3c3));
	EXPECT_EQ(1, holds(dump, len, 0x90909090));
	free(dump);
}

TEST(a_changed_byte_in_a_sealed_image_is_detected)
{
	size_t len;
	char *text;

	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, SECCOMP_RET_ERRNO | 9));
	text = read_all("/sys/kernel/debug/sealjit/verify", &len);
	ASSERT_NE(NULL, text);
	text[len - 1] = '\0';
	EXPECT_NE(NULL, strstr(text, ", 0 mismatches")) {
		TH_LOG("%s", text);
	}
	free(text);
	ASSERT_EQ(0, sj_write_file("/sys/kernel/debug/sealjit/tamper", "1"));
	text = read_all("/sys/kernel/debug/sealjit/verify", &len);
	ASSERT_NE(NULL, text);
	text[len - 1] = '\0';
	EXPECT_NE(NULL, strstr(text, ", 1 mismatches")) {
		TH_LOG("%s", text);
	}
	EXPECT_NE(NULL, strstr(text, "mismatch "));
	free(text);
	/* The filter still works: only padding was changed. */
	EXPECT_EQ(-1, syscall(__NR_getppid));
}

/*
 * The module's own failures, injected: (switch, request, errno, reason,
 * text the log must hold).  A JIT failure shows in CHECK as in LOAD; a
 * validator refusal only in LOAD (CHECK emits nothing).
 */
static const struct internal_case {
	const char *name;
	const char *fault;
	unsigned long request;
	unsigned int reason;
	const char *log;
} internal_cases[] = {
	{ "JIT failure at CHECK", "fail_jit", SEALJIT_IOC_CHECK,
	  SEALJIT_E_JIT, "JIT failure (a bug of sealjit's, not the filter's): length out of range" },
	{ "JIT failure at LOAD", "fail_jit", SEALJIT_IOC_LOAD,
	  SEALJIT_E_JIT, "JIT failure (a bug of sealjit's, not the filter's): length out of range" },
	{ "validator refusal at LOAD", "fail_validate", SEALJIT_IOC_LOAD,
	  SEALJIT_E_VALIDATE, "validator refusal (a bug of sealjit's JIT): " },
};

TEST(the_modules_own_failures_are_eio_with_a_reason_and_attach_nothing)
{
	const struct sock_filter prog[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 9),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { .len = LEN(prog),
				    .filter = (struct sock_filter *)prog };
	size_t i;

	ASSERT_EQ(0, sj_nnp());
	for (i = 0; i < sizeof(internal_cases) / sizeof(internal_cases[0]);
	     i++) {
		const struct internal_case *c = &internal_cases[i];
		struct sealjit_filter_args args = {
			.size = sizeof(args), .fprog = (uintptr_t)&fprog,
			.log_level = SEALJIT_LOG_ERRORS,
		};
		char path[96], log[512] = "";
		int fd, ret, rejects = sj_stat("validator_rejects");

		args.log_buf = (uintptr_t)log;
		args.log_size = sizeof(log);
		snprintf(path, sizeof(path), "/sys/kernel/debug/sealjit/%s",
			 c->fault);
		ASSERT_EQ(0, sj_write_file(path, "1")) TH_LOG("%s", path);
		fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd);
		ret = ioctl(fd, c->request, &args);
		EXPECT_EQ(-1, ret) TH_LOG("%s", c->name);
		EXPECT_EQ(EIO, errno) TH_LOG("%s", c->name);
		EXPECT_EQ(c->reason, args.err_reason) TH_LOG("%s", c->name);
		EXPECT_NE(NULL, strstr(log, c->log))
			TH_LOG("%s: log \"%s\"", c->name, log);
		EXPECT_EQ(0, args.image_size) TH_LOG("%s", c->name);
		if (c->reason == SEALJIT_E_VALIDATE)
			EXPECT_EQ(rejects + 1, sj_stat("validator_rejects"));
		/* The switch is spent: the same request now succeeds. */
		EXPECT_EQ(0, ioctl(fd, SEALJIT_IOC_CHECK, &args))
			TH_LOG("%s", c->name);
		close(fd);
		/* Nothing was attached: getppid still runs. */
		EXPECT_LT(0, syscall(__NR_getppid)) TH_LOG("%s", c->name);
	}
}

/* The chain's counts (SEALJIT_IOC_STATS) of the calling thread. */
static int chain_stats(struct sealjit_stats *st)
{
	int fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	ret = ioctl(fd, SEALJIT_IOC_STATS, st);
	close(fd);
	return ret;
}

/*
 * In a child: load "getppid gets ERRNO(9), the rest is allowed", then
 * call getppid and getpid.  With @decided, the chain's table answers
 * them (no code runs); without, they run the filter's code (the table
 * answers nothing).  Returns the child's exit status: 0 if all held.
 */
static int certificate_child(bool decided)
{
	struct sealjit_stats before, after;
	pid_t child = fork();
	int status;

	if (child < 0)
		return -1;
	if (!child) {
		if (sj_nnp() || sj_load_for(__NR_getppid,
					    SECCOMP_RET_ERRNO | 9) ||
		    chain_stats(&before))
			_exit(10);
		if (syscall(__NR_getppid) != -1 || errno != 9)
			_exit(11);
		if (syscall(__NR_getpid) != getpid())
			_exit(12);
		if (chain_stats(&after))
			_exit(13);
		if (decided ? after.cached <= before.cached ||
			      after.runs != before.runs :
			      after.cached != before.cached ||
			      after.runs < before.runs + 2)
			_exit(14);
		_exit(0);
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * A decision certificate the check refuses (fail_certificate makes every
 * row's wrong): the filter is still attached and still holds, its
 * syscalls run its code instead of being answered from the table, and
 * each refused row is counted.
 */
TEST(a_refused_certificate_decides_nothing_and_the_filter_still_holds)
{
	int rejects = sj_stat("certificate_rejects");

	ASSERT_LE(0, rejects);
	ASSERT_EQ(0, sj_write_file("/sys/kernel/debug/sealjit/fail_certificate",
				   "1"));
	EXPECT_EQ(0, certificate_child(false));
	/* x86-64, x32 and i386: three rows, each refused. */
	EXPECT_EQ(rejects + 3, sj_stat("certificate_rejects"));
	/* The switch is spent: the next LOAD's table decides again. */
	EXPECT_EQ(0, certificate_child(true));
	EXPECT_EQ(rejects + 3, sj_stat("certificate_rejects"));
}

TEST_HARNESS_MAIN
