// SPDX-License-Identifier: GPL-2.0
/*
 * Fail-closed inheritance, with the debug build's fault injection: when a
 * child's copy of the chain cannot be made, the child dies before it runs
 * anything.  Needs the module built with SEALJIT_DEBUG=1 (make
 * module-debug); the VM script runs it against that build only.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "sj_test.h"

#define FAIL_FORK "/sys/kernel/debug/sealjit/fail_fork"

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

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
	ASSERT_EQ(0, write_file(FAIL_FORK, "1"));
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

TEST_HARNESS_MAIN
