// SPDX-License-Identifier: GPL-2.0
/*
 * LOAD with SEALJIT_LOAD_PID: an administrator confines a process that is
 * already running.  Targets are children of the test, which runs as root
 * in the VM; "unprivileged" drops to uid 65534 with no capabilities.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "attach_common.h"

static int attach_flags(pid_t pid, int nr, int err, unsigned int flags)
{
	return attach_load(flags, pid, NULL, nr, err);
}

static int attach(pid_t pid, int nr, int err)
{
	return attach_flags(pid, nr, err, SEALJIT_LOAD_PID);
}

TEST(the_module_reports_attach_among_its_features)
{
	struct sealjit_version v = { .size = sizeof(v) };
	int fd = open(SEALJIT_DEVICE, O_RDWR);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, SEALJIT_IOC_VERSION, &v));
	EXPECT_TRUE(v.features & SEALJIT_FEAT_ATTACH_PID);
	close(fd);
}

TEST(a_running_process_becomes_filtered_without_restarting)
{
	pid_t pid = spawn(wait_filtered);

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, attach(pid, SYS_getppid, GETPPID_ERRNO));
	EXPECT_EQ(0, exit_code(pid)) {
		TH_LOG("1: never filtered; 2: no no_new_privs");
	}
	/* The caller itself is untouched. */
	EXPECT_LT(0, try(SYS_getppid));
}

static int threads_body(void)
{
	pthread_t t[4];
	int i;

	for (i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, thread_body, NULL))
			return 4;
	thread_body(NULL);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	return atomic_load(&threads_done) == 5 ? 0 : 1;
}

TEST(every_thread_of_the_process_is_filtered)
{
	pid_t pid = spawn(threads_body);

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, attach(pid, SYS_getppid, GETPPID_ERRNO));
	EXPECT_EQ(0, exit_code(pid));
}

static int fork_after_body(void)
{
	pid_t child;

	if (wait_filtered())
		return 1;
	child = fork();
	if (child == 0)
		_exit(try(SYS_getppid) == -GETPPID_ERRNO ? 0 : 1);
	return exit_code(child) ? 2 : 0;
}

TEST(children_forked_after_the_attach_inherit_it)
{
	pid_t pid = spawn(fork_after_body);

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, attach(pid, SYS_getppid, GETPPID_ERRNO));
	EXPECT_EQ(0, exit_code(pid));
}

static int two_filters_result(void)
{
	long i;

	if (wait_filtered())
		return 1;
	for (i = 0; i < SPINS; i++) {
		if (try(SYS_getpid) == -GETPID_ERRNO)
			/* The first is still there: nothing was replaced. */
			return try(SYS_getppid) == -GETPPID_ERRNO ? 0 : 2;
		sched_yield();
	}
	return 3;
}

/* Lives on until SIGUSR1 (blocked by the test), so STATUS can see it. */
static int two_filters_body(void)
{
	int r = two_filters_result(), sig;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	return sigwait(&set, &sig) ? 4 : r;
}

TEST(attaching_again_adds_a_filter_and_removes_none)
{
	struct sealjit_status st = { .size = sizeof(st) };
	sigset_t set;
	pid_t pid;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	pid = spawn(two_filters_body);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, attach(pid, SYS_getppid, GETPPID_ERRNO));
	ASSERT_EQ(0, attach(pid, SYS_getpid, GETPID_ERRNO));
	fd = open(SEALJIT_DEVICE, O_RDWR);
	ASSERT_LE(0, fd);
	st.pid = pid;
	EXPECT_EQ(0, ioctl(fd, SEALJIT_IOC_STATUS, &st));
	EXPECT_EQ(2, st.filters);
	close(fd);
	kill(pid, SIGUSR1);
	EXPECT_EQ(0, exit_code(pid));
}

static int spin_forever(void)
{
	for (;;)
		pause();
	return 0;
}

TEST(an_unprivileged_caller_is_refused)
{
	pid_t victim = spawn(spin_forever), attacker;

	ASSERT_LT(0, victim);
	attacker = fork();
	ASSERT_LE(0, attacker);
	if (attacker == 0) {
		/* No CAP_SYS_ADMIN, no ptrace rights over root's process. */
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(3);
		_exit(attach(victim, SYS_getppid, GETPPID_ERRNO) == -EPERM ?
		      0 : 1);
	}
	EXPECT_EQ(0, exit_code(attacker));
	kill(victim, SIGKILL);
	waitpid(victim, NULL, 0);
}

TEST(bad_requests_are_refused)
{
	EXPECT_EQ(-ESRCH, attach(4000000, SYS_getppid, 1));
	/* PID without a pid, a pid without PID, PID with TSYNC. */
	EXPECT_EQ(-EINVAL, attach_flags(0, SYS_getppid, 1, SEALJIT_LOAD_PID));
	EXPECT_EQ(-EINVAL, attach_flags(getpid(), SYS_getppid, 1, 0));
	EXPECT_EQ(-EINVAL, attach_flags(getpid(), SYS_getppid, 1,
					SEALJIT_LOAD_PID | SEALJIT_LOAD_TSYNC));
	/* A kernel thread (kthreadd). */
	EXPECT_EQ(-EINVAL, attach(2, SYS_getppid, 1));
	/* None of it attached anything to the caller. */
	EXPECT_LT(0, try(SYS_getppid));
}

TEST(threads_coming_and_going_meanwhile_all_end_filtered)
{
	pid_t pid = spawn(churn_body);

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, attach(pid, SYS_getppid, GETPPID_ERRNO));
	EXPECT_EQ(0, exit_code(pid)) {
		TH_LOG("1: a syscall escaped; 2: never filtered");
	}
}

TEST(a_process_execing_meanwhile_ends_filtered_and_never_escapes)
{
	pid_t pid;

	ASSERT_LT(0, readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1));
	pid = spawn(exec_loop_body);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, attach(pid, SYS_getppid, GETPPID_ERRNO));
	EXPECT_EQ(0, exit_code(pid)) {
		TH_LOG("1: a later image escaped; 2: never filtered");
	}
}

int main(int argc, char **argv)
{
	int ret = exec_round_main(argc, argv);

	return ret >= 0 ? ret : test_harness_run(argc, argv);
}
