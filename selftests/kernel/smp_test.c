// SPDX-License-Identifier: GPL-2.0
/*
 * sealjit on two CPUs at once: filters loaded, inherited, run and freed on
 * one CPU while the other uses them.  Each test does a fixed amount of
 * work (never "for N seconds"), so a slow machine makes it slower, not
 * different; the VM boots with softlockup_panic=1 and run-vm.sh fails the
 * run on any kernel warning, lockup or RCU stall in the console log.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "sj_test.h"

#define ERRNO(e)	(SECCOMP_RET_ERRNO | (e))

#define SHORT_LIVED	150	/* filtered processes started per CPU */
#define DROPS		100	/* chains dropped while another thread runs them */
#define DROP_CALLS	500	/* calls of the surviving thread per drop */
#define LOADS		100	/* loads per loader thread */
#define SPAWNS		40	/* forks (half of them exec) per forker thread */

static char self_exe[256];

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* getppid under the getppid filter of these tests: errno 9, nothing else. */
static int denied(void)
{
	return syscall(__NR_getppid) == -1 && errno == 9;
}

/* Wait for @pid; its exit status, or 100 + the signal that ended it. */
static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return 99;
	if (WIFSIGNALED(status))
		return 100 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Live filters, images and task records all back to zero. */
static int settled(void)
{
	return sj_stat_settles("filters", 0) == 0 &&
	       sj_stat_settles("images", 0) == 0 &&
	       sj_stat_settles("tasks", 0) == 0;
}

FIXTURE(smp) {
	int *shared;	/* a stop flag and counters, shared with children */
};

FIXTURE_SETUP(smp)
{
	ASSERT_LE(2, sysconf(_SC_NPROCESSORS_ONLN)) {
		TH_LOG("these tests need two CPUs (run-vm.sh --smp 2)");
	}
	self->shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->shared);
	ASSERT_TRUE(settled());
}

FIXTURE_TEARDOWN(smp)
{
	munmap(self->shared, 4096);
}

/* An unfiltered process calling getppid on @cpu until *stop; counts. */
static pid_t unfiltered_caller(int cpu, volatile int *stop, int *wrong,
			       int *calls)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	pin(cpu);
	while (!*stop) {
		if (syscall(__NR_getppid) != getppid())
			__sync_fetch_and_add(wrong, 1);
		__sync_fetch_and_add(calls, 1);
	}
	_exit(0);
}

/* SHORT_LIVED filtered processes, one after the other, on @cpu. */
static pid_t launcher(int cpu, int *failed)
{
	pid_t pid = fork();
	int i;

	if (pid)
		return pid;
	pin(cpu);
	for (i = 0; i < SHORT_LIVED; i++) {
		pid_t child = fork();

		if (child == 0)
			_exit(sj_nnp() || sj_load_for(__NR_getppid, ERRNO(9)) ||
			      !denied());
		if (child < 0 || reap(child))
			__sync_fetch_and_add(failed, 1);
	}
	_exit(0);
}

/*
 * The workload that made the hook re-patch the kernel on every start and
 * exit: short-lived filtered processes back to back on both CPUs, while
 * unfiltered processes make syscalls on both.
 */
TEST_F_TIMEOUT(smp, short_lived_filtered_processes_on_both_cpus_beside_unfiltered_ones,
	       600)
{
	volatile int *stop = &self->shared[0];
	int *wrong = &self->shared[1], *calls = &self->shared[2];
	int *failed = &self->shared[3];
	pid_t callers[2], launchers[2];
	int cpu;

	for (cpu = 0; cpu < 2; cpu++)
		callers[cpu] = unfiltered_caller(cpu, stop, wrong, calls);
	for (cpu = 0; cpu < 2; cpu++)
		launchers[cpu] = launcher(cpu, failed);
	for (cpu = 0; cpu < 2; cpu++)
		EXPECT_EQ(0, reap(launchers[cpu]));
	*stop = 1;
	for (cpu = 0; cpu < 2; cpu++)
		EXPECT_EQ(0, reap(callers[cpu]));
	TH_LOG("%d filtered processes, %d unfiltered calls beside them",
	       2 * SHORT_LIVED, *calls);
	EXPECT_EQ(0, *failed);
	EXPECT_EQ(0, *wrong) {
		TH_LOG("an unfiltered process saw a filter's verdict");
	}
	EXPECT_LT(0, *calls);
	EXPECT_TRUE(settled());
}

struct drop_arg {
	int drop_first;	/* the other thread ends while this one runs */
	int cpu;
};

static volatile int survivor_ok;

static void *survivor(void *p)
{
	const struct drop_arg *a = p;
	int i, ok = 1;

	pin(a->cpu);
	for (i = 0; i < DROP_CALLS; i++)
		ok &= denied();
	survivor_ok = ok;
	if (!a->drop_first)
		syscall(SYS_exit, 0);	/* this thread only */
	syscall(SYS_exit_group, ok ? 0 : 1);
	return NULL;
}

/*
 * Two threads share one chain (each holds a reference).  One ends on one
 * CPU, dropping its reference, while the other runs the chain on the
 * other CPU; then the survivor ends and drops the last one.  Both orders.
 */
TEST_F_TIMEOUT(smp, a_chain_dropped_on_one_cpu_while_a_thread_runs_it_on_the_other,
	       600)
{
	int i, failed = 0;

	for (i = 0; i < DROPS; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			struct drop_arg a = { .drop_first = i & 1, .cpu = 1 };
			pthread_t t;
			int j, ok = 1;

			pin(0);
			if (sj_nnp() || sj_load_for(__NR_getppid, ERRNO(9)) ||
			    pthread_create(&t, NULL, survivor, &a))
				_exit(2);
			if (a.drop_first)
				syscall(SYS_exit, 0);	/* the leader only */
			for (j = 0; j < DROP_CALLS; j++)
				ok &= denied();
			pthread_join(t, NULL);
			_exit(ok && survivor_ok ? 0 : 1);
		}
		failed += pid < 0 || reap(pid) != 0;
	}
	EXPECT_EQ(0, failed);
	EXPECT_TRUE(settled());
}

static int *load_errors;

static void *loader(void *p)
{
	const struct sock_filter allow[] = {
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	int i;

	pin((int)(long)p);
	for (i = 0; i < LOADS; i++)
		if (sj_load(allow, 1) || !denied())
			__sync_fetch_and_add(load_errors, 1);
	return NULL;
}

static void *forker(void *p)
{
	int i;

	pin((int)(long)p);
	for (i = 0; i < SPAWNS; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			if (i & 1)
				_exit(!denied());
			execl(self_exe, self_exe, "--child-getppid", NULL);
			_exit(3);
		}
		if (pid < 0 || reap(pid))
			__sync_fetch_and_add(load_errors, 1);
	}
	return NULL;
}

/*
 * LOAD from threads of one process on both CPUs, while its other threads
 * fork children that exit or exec (and inherit whichever chain their
 * thread had at that moment).
 */
TEST_F_TIMEOUT(smp, loads_on_both_cpus_while_other_threads_fork_exec_and_exit,
	       600)
{
	pid_t pid;

	load_errors = &self->shared[0];
	pid = fork();
	if (pid == 0) {
		pthread_t t[6];
		long i;

		if (sj_nnp() || sj_load_for(__NR_getppid, ERRNO(9)))
			_exit(2);
		for (i = 0; i < 4; i++)
			if (pthread_create(&t[i], NULL, loader, (void *)(i & 1)))
				_exit(3);
		for (i = 4; i < 6; i++)
			if (pthread_create(&t[i], NULL, forker, (void *)(i & 1)))
				_exit(3);
		for (i = 0; i < 6; i++)
			pthread_join(t[i], NULL);
		/* The loaders' own filters went with them; the base stays. */
		_exit(sj_stat_settles("filters", 1) == 1 ? 0 : 4);
	}
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, *load_errors);
	EXPECT_TRUE(settled());
}

int main(int argc, char **argv)
{
	ssize_t n;

	if (argc > 1 && !strcmp(argv[1], "--child-getppid"))
		return !denied();
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n < 0)
		return 1;
	self_exe[n] = '\0';
	return test_harness_run(argc, argv);
}
