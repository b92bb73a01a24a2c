// SPDX-License-Identifier: GPL-2.0
/*
 * LOAD with SEALJIT_LOAD_TSYNC, after the TSYNC tests of the kernel's own
 * seccomp selftest (tools/testing/selftests/seccomp/seccomp_bpf.c): a
 * filter for every thread of the process, refused with the id of a
 * thread whose chain has gone its own way, and nothing attached then.
 * Each TEST runs in a process of its own (the harness forks), so no
 * filter outlives its test.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "sj_test.h"

#define GETPPID_ERRNO	77	/* what the synced filter answers */
#define GETPID_ERRNO	55	/* what a sibling's own filter answers */

/* LOAD with @flags: its return value (0, or a thread id), or -errno. */
static int load_flags(const struct sock_filter *prog, unsigned short len,
		      unsigned int flags)
{
	struct sock_fprog fprog = { .len = len,
				    .filter = (struct sock_filter *)prog };
	struct sealjit_filter_args args = { .size = sizeof(args),
					    .flags = flags,
					    .fprog = (uintptr_t)&fprog };
	int fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = ioctl(fd, SEALJIT_IOC_LOAD, &args);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* ERRNO(@err) for @nr, everything else allowed; LOAD with @flags. */
static int load_errno_for(int nr, int err, unsigned int flags)
{
	const struct sock_filter prog[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)nr, 0, 1),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	return load_flags(prog, LEN(prog), flags);
}

/* -errno of a raw syscall, or its value. */
static long try(long nr)
{
	long r = syscall(nr);

	return r < 0 ? -errno : r;
}

/*
 * A sibling thread: optionally loads a filter of its own, says so, waits
 * for the main thread's go, then records what getppid, getpid and
 * PR_GET_NO_NEW_PRIVS answer it.
 */
struct sibling {
	pthread_t thread;
	bool own_filter;
	atomic_int ready, go;
	pid_t tid;
	long ppid, pid, nnp;
};

static void *sibling_main(void *arg)
{
	struct sibling *s = arg;

	s->tid = syscall(SYS_gettid);
	if (s->own_filter && (sj_nnp() || load_errno_for(SYS_getpid,
							 GETPID_ERRNO, 0)))
		s->tid = -1;
	atomic_store(&s->ready, 1);
	while (!atomic_load(&s->go))
		sched_yield();
	s->ppid = try(SYS_getppid);
	s->pid = try(SYS_getpid);
	s->nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	return NULL;
}

static int start(struct sibling *s, bool own_filter)
{
	memset(s, 0, sizeof(*s));
	s->own_filter = own_filter;
	if (pthread_create(&s->thread, NULL, sibling_main, s))
		return -1;
	while (!atomic_load(&s->ready))
		sched_yield();
	return s->tid > 0 ? 0 : -1;
}

static void finish(struct sibling *s)
{
	atomic_store(&s->go, 1);
	pthread_join(s->thread, NULL);
}

TEST(the_module_reports_tsync_among_its_features)
{
	struct sealjit_version v = { .size = sizeof(v) };
	int fd = open(SEALJIT_DEVICE, O_RDWR);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, SEALJIT_IOC_VERSION, &v));
	EXPECT_TRUE(v.features & SEALJIT_FEAT_TSYNC);
	close(fd);
}

TEST(tsync_filters_every_sibling)
{
	struct sibling s[3];
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, start(&s[i], false));
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, load_errno_for(SYS_getppid, GETPPID_ERRNO,
				    SEALJIT_LOAD_TSYNC));
	EXPECT_EQ(-GETPPID_ERRNO, try(SYS_getppid));
	for (i = 0; i < 3; i++) {
		finish(&s[i]);
		EXPECT_EQ(-GETPPID_ERRNO, s[i].ppid) {
			TH_LOG("sibling %d was not given the filter", i);
		}
		EXPECT_EQ(1, s[i].nnp) {
			TH_LOG("sibling %d did not get no_new_privs", i);
		}
	}
}

TEST(without_tsync_siblings_stay_unfiltered)
{
	struct sibling s;

	ASSERT_EQ(0, start(&s, false));
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, load_errno_for(SYS_getppid, GETPPID_ERRNO, 0));
	EXPECT_EQ(-GETPPID_ERRNO, try(SYS_getppid));
	finish(&s);
	EXPECT_LT(0, s.ppid);
	EXPECT_EQ(0, s.nnp);
}

TEST(tsync_refuses_a_sibling_with_a_filter_of_its_own)
{
	struct sibling s[2];
	int ret;

	ASSERT_EQ(0, start(&s[0], false));
	ASSERT_EQ(0, start(&s[1], true));
	ASSERT_EQ(0, sj_nnp());
	ret = load_errno_for(SYS_getppid, GETPPID_ERRNO, SEALJIT_LOAD_TSYNC);
	EXPECT_EQ(s[1].tid, ret) {
		TH_LOG("LOAD returned %d, not the diverged thread's id", ret);
	}
	/* Nothing was attached, not even to the caller. */
	EXPECT_LT(0, try(SYS_getppid));
	finish(&s[0]);
	finish(&s[1]);
	EXPECT_LT(0, s[0].ppid);
	EXPECT_LT(0, s[1].ppid);
	EXPECT_EQ(-GETPID_ERRNO, s[1].pid);
}

TEST(tsync_accepts_siblings_on_an_older_filter_and_gives_them_the_whole_chain)
{
	struct sibling s;

	ASSERT_EQ(0, sj_nnp());
	/* Inherited by the sibling... */
	ASSERT_EQ(0, load_errno_for(SYS_getppid, GETPPID_ERRNO, 0));
	ASSERT_EQ(0, start(&s, false));
	/* ...then one more on the caller alone: the sibling's is older. */
	ASSERT_EQ(0, load_errno_for(SYS_getpid, GETPID_ERRNO, 0));
	ASSERT_EQ(0, load_errno_for(SYS_gettid, 1, SEALJIT_LOAD_TSYNC));
	finish(&s);
	EXPECT_EQ(-GETPPID_ERRNO, s.ppid);
	EXPECT_EQ(-GETPID_ERRNO, s.pid) {
		TH_LOG("the sibling did not get the caller's whole chain");
	}
}

TEST(tsync_refuses_flags_it_does_not_know_and_a_check)
{
	const struct sock_filter prog[] = {
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { .len = 1,
				    .filter = (struct sock_filter *)prog };
	struct sealjit_filter_args args = { .size = sizeof(args),
					    .flags = SEALJIT_LOAD_TSYNC,
					    .fprog = (uintptr_t)&fprog };
	int fd = open(SEALJIT_DEVICE, O_RDWR);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sj_nnp());
	EXPECT_EQ(-1, ioctl(fd, SEALJIT_IOC_CHECK, &args));
	EXPECT_EQ(EINVAL, errno);
	args.flags = SEALJIT_LOAD_TSYNC << 1;
	EXPECT_EQ(-1, ioctl(fd, SEALJIT_IOC_LOAD, &args));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
	/* Neither attached anything. */
	EXPECT_LT(0, try(SYS_getppid));
}

TEST(tsync_without_no_new_privs_is_refused_as_any_load)
{
	struct sibling s;

	ASSERT_EQ(0, start(&s, false));
	if (geteuid() == 0)
		ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	EXPECT_EQ(-EACCES, load_errno_for(SYS_getppid, GETPPID_ERRNO,
					  SEALJIT_LOAD_TSYNC));
	finish(&s);
	EXPECT_LT(0, s.ppid);
}

/*
 * Threads that come into being while the filter is synced: whichever side
 * of the TSYNC their creation falls, every one ends up filtered.
 */
#define SPAWN_ROUNDS	20
#define SPAWNED		16

static atomic_int spawn_go, spawn_escaped, spawn_done;

static void *spawned_main(void *arg)
{
	while (!atomic_load(&spawn_go))
		sched_yield();
	if (try(SYS_getppid) != -GETPPID_ERRNO)
		atomic_fetch_add(&spawn_escaped, 1);
	return NULL;
}

static void *spawner_main(void *arg)
{
	pthread_t *t = arg;
	int i;

	for (i = 0; i < SPAWNED; i++)
		if (pthread_create(&t[i], NULL, spawned_main, NULL))
			break;
	atomic_store(&spawn_done, i);
	return NULL;
}

TEST(threads_created_during_tsync_are_all_filtered)
{
	pthread_t spawner, t[SPAWNED];
	int round, i, n;

	ASSERT_EQ(0, sj_nnp());
	for (round = 0; round < SPAWN_ROUNDS; round++) {
		pid_t pid = fork();
		int status;

		ASSERT_LE(0, pid);
		if (pid == 0) {
			atomic_store(&spawn_done, -1);
			if (pthread_create(&spawner, NULL, spawner_main, t))
				_exit(2);
			if (load_errno_for(SYS_getppid, GETPPID_ERRNO,
					   SEALJIT_LOAD_TSYNC))
				_exit(3);
			pthread_join(spawner, NULL);
			n = atomic_load(&spawn_done);
			atomic_store(&spawn_go, 1);
			for (i = 0; i < n; i++)
				pthread_join(t[i], NULL);
			_exit(atomic_load(&spawn_escaped) ? 4 : 0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(0, WEXITSTATUS(status)) {
			TH_LOG("round %d: %s", round,
			       WEXITSTATUS(status) == 4 ?
			       "a thread escaped the synced filter" :
			       "setting up failed");
		}
	}
}

TEST_HARNESS_MAIN
