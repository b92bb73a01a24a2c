// SPDX-License-Identifier: GPL-2.0
/*
 * LOAD with SEALJIT_LOAD_CGROUP: an administrator confines a cgroup v2,
 * its members now and whatever joins it later.  Each test makes its own
 * cgroup under /sys/fs/cgroup and removes it, which ends the registration.
 * The test runs as root in the VM; "unprivileged" drops capabilities.
 */
#define _GNU_SOURCE
#include <linux/capability.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "attach_common.h"

#define CG		"/sys/fs/cgroup"

/* A new cgroup for one test, in @path; 0 or -1. */
static int cg_make(char *path, size_t size, const char *name)
{
	mkdir(CG, 0755);
	if (access(CG "/cgroup.procs", F_OK) &&
	    mount("none", CG, "cgroup2", 0, NULL))
		return -1;
	snprintf(path, size, CG "/%s", name);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

/* Moves process @pid (0: the caller) into @dir. */
static int cg_move(const char *dir, pid_t pid)
{
	char procs[256], text[16];

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	snprintf(text, sizeof(text), "%d", pid);
	return sj_write_file(procs, text);
}

/* Registers on @dir a filter answering ERRNO(@err) to @nr: 0 or -errno. */
static int cg_attach_flags(const char *dir, int nr, int err,
			   unsigned int flags, pid_t pid)
{
	return attach_load(flags, pid, dir, nr, err);
}

static int cg_attach(const char *dir, int nr, int err)
{
	return cg_attach_flags(dir, nr, err, SEALJIT_LOAD_CGROUP, 0);
}

/* Removes @dir once its members are gone: 0, or -1 after 5 s. */
static int cg_rmdir(const char *dir)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (!rmdir(dir) || errno == ENOENT)
			return 0;
		usleep(10000);
	}
	return -1;
}

/*
 * Removes a test's cgroup and waits until its registrations, and the
 * filters they kept, are freed (a work after an RCU grace period), so
 * that the next test starts from none: 0, or -1.
 */
static int cg_remove(const char *dir)
{
	if (cg_rmdir(dir) || sj_stat_settles("cgroups", 0) ||
	    sj_stat_settles("filters", 0))
		return -1;
	return 0;
}

static char dir[256];

TEST(the_module_reports_cgroup_attach_among_its_features)
{
	struct sealjit_version v = { .size = sizeof(v) };
	int fd = open(SEALJIT_DEVICE, O_RDWR);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, SEALJIT_IOC_VERSION, &v));
	EXPECT_TRUE(v.features & SEALJIT_FEAT_ATTACH_CGROUP);
	EXPECT_EQ(4, v.abi_minor);
	close(fd);
}

TEST(a_member_already_running_is_filtered_without_restarting)
{
	pid_t pid;

	ASSERT_EQ(0, cg_make(dir, sizeof(dir), "sj-running"));
	pid = spawn(wait_filtered);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, cg_move(dir, pid));
	ASSERT_EQ(0, cg_attach(dir, SYS_getppid, GETPPID_ERRNO));
	EXPECT_EQ(0, exit_code(pid)) {
		TH_LOG("1: never filtered; 2: no no_new_privs; 3: a stray errno");
	}
	/* The caller is not in the cgroup: untouched. */
	EXPECT_LT(0, try(SYS_getppid));
	EXPECT_EQ(0, cg_remove(dir));
}

/* Moves itself in: that write ran before it was a member; later ones not. */
static int migrate_in_body(void)
{
	if (try(SYS_getppid) < 0)
		return 4;	/* filtered before it joined */
	if (cg_move(dir, 0))
		return 5;
	if (try(SYS_getppid) != -GETPPID_ERRNO)
		return 1;
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 2;
}

TEST(a_process_migrating_in_later_is_filtered_from_its_next_syscall)
{
	pid_t pid;

	ASSERT_EQ(0, cg_make(dir, sizeof(dir), "sj-migrate"));
	ASSERT_EQ(0, cg_attach(dir, SYS_getppid, GETPPID_ERRNO));
	pid = spawn(migrate_in_body);
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, exit_code(pid));
	EXPECT_EQ(0, cg_remove(dir));
}

/*
 * The syscall held while the task joins runs once, after: a write() is
 * neither lost nor repeated, and returns what it wrote.
 */
static int held_write_body(void)
{
	char procs[300], buf[8];
	int p[2], fd;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	fd = open(procs, O_WRONLY);
	if (pipe(p) || fd < 0 || write(fd, "0", 1) != 1)
		return 4;
	/* The first syscall as a member. */
	if (write(p[1], "abc", 3) != 3)
		return 1;
	close(p[1]);
	close(fd);
	if (read(p[0], buf, sizeof(buf)) != 3 || memcmp(buf, "abc", 3))
		return 2;
	return try(SYS_getppid) == -GETPPID_ERRNO ? 0 : 3;
}

TEST(the_syscall_held_while_joining_runs_exactly_once)
{
	pid_t pid;

	ASSERT_EQ(0, cg_make(dir, sizeof(dir), "sj-held"));
	ASSERT_EQ(0, cg_attach(dir, SYS_getppid, GETPPID_ERRNO));
	pid = spawn(held_write_body);
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, exit_code(pid));
	EXPECT_EQ(0, cg_remove(dir));
}

/* Member: a forked child is filtered; it leaves and stays filtered. */
static int fork_and_leave_body(void)
{
	pid_t child;

	if (cg_move(dir, 0) || try(SYS_getppid) != -GETPPID_ERRNO)
		return 1;
	child = fork();
	if (child == 0)
		_exit(try(SYS_getppid) == -GETPPID_ERRNO ? 0 : 1);
	if (exit_code(child))
		return 2;
	if (cg_move(CG, 0))
		return 4;
	return try(SYS_getppid) == -GETPPID_ERRNO ? 0 : 3;
}

TEST(children_inherit_and_a_task_that_leaves_keeps_the_filter)
{
	pid_t pid;

	ASSERT_EQ(0, cg_make(dir, sizeof(dir), "sj-fork"));
	ASSERT_EQ(0, cg_attach(dir, SYS_getppid, GETPPID_ERRNO));
	pid = spawn(fork_and_leave_body);
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, exit_code(pid));
	EXPECT_EQ(0, cg_remove(dir));
}

TEST(a_child_created_into_the_cgroup_is_filtered)
{
	struct clone_args ca = { .exit_signal = SIGCHLD,
				 .flags = CLONE_INTO_CGROUP };
	pid_t pid;
	int cfd;

	ASSERT_EQ(0, cg_make(dir, sizeof(dir), "sj-clone3"));
	ASSERT_EQ(0, cg_attach(dir, SYS_getppid, GETPPID_ERRNO));
	cfd = open(dir, O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, cfd);
	ca.cgroup = cfd;
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		_exit(try(SYS_getppid) == -GETPPID_ERRNO ? 0 : 1);
	ASSERT_LT(0, pid);
	close(cfd);
	EXPECT_EQ(0, exit_code(pid));
	EXPECT_LT(0, try(SYS_getppid));
	EXPECT_EQ(0, cg_remove(dir));
}

static int nested_body(void)
{
	char sub[300];

	snprintf(sub, sizeof(sub), "%s/inner", dir);
	if (cg_move(sub, 0))
		return 4;
	return try(SYS_getppid) == -GETPPID_ERRNO ? 0 : 1;
}

TEST(a_cgroup_below_is_covered_too)
{
	char sub[300];
	pid_t pid;

	ASSERT_EQ(0, cg_make(dir, sizeof(dir), "sj-nested"));
	snprintf(sub, sizeof(sub), "%s/inner", dir);
	ASSERT_EQ(0, mkdir(sub, 0755));
	ASSERT_EQ(0, cg_attach(dir, SYS_getppid, GETPPID_ERRNO));
	pid = spawn(nested_body);
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, exit_code(pid));
	EXPECT_EQ(0, cg_rmdir(sub));
	EXPECT_EQ(0, cg_remove(dir));
}

/*
 * Every thread joins, on the same chain: a TSYNC afterwards needs every
 * thread's chain to be the caller's (it returns a thread's id if not).
 */
static int tsync_body(void)
{
	const struct sock_filter prog[] = {
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { .len = LEN(prog),
				    .filter = (struct sock_filter *)prog };
	struct sealjit_filter_args args = { .size = sizeof(args),
					    .flags = SEALJIT_LOAD_TSYNC,
					    .fprog = (uintptr_t)&fprog };
	pthread_t t[3];
	int i, fd, ret;

	for (i = 0; i < 3; i++)
		if (pthread_create(&t[i], NULL, thread_body, NULL))
			return 4;
	thread_body(NULL);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	if (atomic_load(&threads_done) != 4)
		return 1;
	fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC);
	ret = ioctl(fd, SEALJIT_IOC_LOAD, &args);
	return ret == 0 ? 0 : 2;
}

TEST(every_thread_joins_and_they_share_one_chain)
{
	pid_t pid;

	ASSERT_EQ(0, cg_make(dir, sizeof(dir), "sj-threads"));
	pid = spawn(tsync_body);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, cg_move(dir, pid));
	ASSERT_EQ(0, cg_attach(dir, SYS_getppid, GETPPID_ERRNO));
	EXPECT_EQ(0, exit_code(pid)) {
		TH_LOG("1: a thread not filtered; 2: TSYNC refused, chains differ");
	}
	EXPECT_EQ(0, cg_remove(dir));
}

static int two_filters_body(void)
{
	if (cg_move(dir, 0))
		return 4;
	if (try(SYS_getpid) != -GETPID_ERRNO)
		return 1;
	return try(SYS_getppid) == -GETPPID_ERRNO ? 0 : 2;
}

TEST(a_second_registration_adds_and_neither_is_removed)
{
	pid_t pid;

	ASSERT_EQ(0, cg_make(dir, sizeof(dir), "sj-two"));
	ASSERT_EQ(0, cg_attach(dir, SYS_getppid, GETPPID_ERRNO));
	ASSERT_EQ(0, cg_attach(dir, SYS_getpid, GETPID_ERRNO));
	pid = spawn(two_filters_body);
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, exit_code(pid));
	EXPECT_EQ(0, cg_remove(dir));
}

/* Without CAP_SYS_PTRACE (@keep_admin) or without any capability. */
static int unprivileged(int keep_admin)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (keep_admin) {
		if (syscall(SYS_capget, &hdr, data))
			return 3;
		data[CAP_SYS_PTRACE / 32].effective &=
			~(1u << (CAP_SYS_PTRACE % 32));
		if (syscall(SYS_capset, &hdr, data))
			return 3;
	} else if (setresgid(65534, 65534, 65534) ||
		   setresuid(65534, 65534, 65534)) {
		return 3;
	}
	return cg_attach(dir, SYS_getppid, GETPPID_ERRNO) == -EPERM ? 0 : 1;
}

TEST(a_caller_without_both_capabilities_is_refused)
{
	pid_t pid;
	int keep;

	ASSERT_EQ(0, cg_make(dir, sizeof(dir), "sj-unpriv"));
	for (keep = 0; keep < 2; keep++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(unprivileged(keep));
		EXPECT_EQ(0, exit_code(pid)) {
			TH_LOG("with CAP_SYS_ADMIN kept: %d", keep);
		}
	}
	EXPECT_EQ(0, sj_stat("cgroups"));
	EXPECT_EQ(0, cg_remove(dir));
}

TEST(bad_requests_are_refused)
{
	ASSERT_EQ(0, cg_make(dir, sizeof(dir), "sj-bad"));
	/* Not a cgroup v2 directory; no descriptor at all. */
	EXPECT_EQ(-EBADF, cg_attach("/", SYS_getppid, 1));
	EXPECT_EQ(-EBADF, cg_attach(NULL, SYS_getppid, 1));
	/* The root: every process on the machine, and never removed. */
	EXPECT_EQ(-EINVAL, cg_attach(CG, SYS_getppid, 1));
	/* With TSYNC, with PID, or a descriptor without CGROUP. */
	EXPECT_EQ(-EINVAL, cg_attach_flags(dir, SYS_getppid, 1,
					   SEALJIT_LOAD_CGROUP |
					   SEALJIT_LOAD_TSYNC, 0));
	EXPECT_EQ(-EINVAL, cg_attach_flags(dir, SYS_getppid, 1,
					   SEALJIT_LOAD_CGROUP |
					   SEALJIT_LOAD_PID, getpid()));
	EXPECT_EQ(-EINVAL, cg_attach_flags(dir, SYS_getppid, 1, 0, 0));
	/* None of it registered anything, nor filtered the caller. */
	EXPECT_EQ(0, sj_stat("cgroups"));
	EXPECT_LT(0, try(SYS_getppid));
	EXPECT_EQ(0, cg_remove(dir));
}

TEST(removing_the_cgroup_ends_its_registration)
{
	int filters = sj_stat_settles("filters", 0);

	ASSERT_EQ(0, filters);
	ASSERT_EQ(0, cg_make(dir, sizeof(dir), "sj-rmdir"));
	ASSERT_EQ(0, cg_attach(dir, SYS_getppid, GETPPID_ERRNO));
	EXPECT_EQ(1, sj_stat("cgroups"));
	/* The filter a member got is built and kept by the registration. */
	EXPECT_EQ(0, exit_code(spawn(migrate_in_body)));
	EXPECT_EQ(0, cg_remove(dir));
	EXPECT_EQ(0, sj_stat_settles("cgroups", 0));
	EXPECT_EQ(0, sj_stat_settles("filters", 0));
}

/*
 * A member whose chain cannot take the cgroup's filter (seccomp's 32768
 * instructions) has every syscall refused with ENOMEM rather than run
 * unfiltered: it cannot even exit, and is killed.
 */
static int full_chain_body(void)
{
	static struct sock_filter big[4096];
	int i;

	for (i = 0; i < 4095; i++)
		big[i] = STMT(BPF_LD | BPF_W | BPF_ABS, 0);
	big[4095] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (sj_nnp())
		return 4;
	/* 7 * (4096 + 4) + 4064 + 4: exactly the limit, no room for 4 more. */
	for (i = 0; i < 7; i++)
		if (sj_load(big, 4096))
			return 5;
	big[4063] = big[4095];
	if (sj_load(big, 4064))
		return 5;
	if (cg_move(dir, 0))
		return 6;
	for (i = 0; i < 100; i++)
		if (try(SYS_getppid) != -ENOMEM)
			return 1;
	for (;;)
		syscall(SYS_exit_group, 7);
}

TEST(a_member_that_cannot_join_runs_no_syscall_at_all)
{
	pid_t pid;

	ASSERT_EQ(0, cg_make(dir, sizeof(dir), "sj-full"));
	ASSERT_EQ(0, cg_attach(dir, SYS_getppid, GETPPID_ERRNO));
	pid = spawn(full_chain_body);
	ASSERT_LT(0, pid);
	usleep(300000);
	kill(pid, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, exit_code(pid)) {
		TH_LOG("exit code below 128: it ran a syscall it should not have");
	}
	EXPECT_EQ(0, cg_remove(dir));
}

TEST(a_members_threads_coming_and_going_all_end_filtered)
{
	pid_t pid;

	ASSERT_EQ(0, cg_make(dir, sizeof(dir), "sj-churn"));
	pid = spawn(churn_body);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, cg_move(dir, pid));
	ASSERT_EQ(0, cg_attach(dir, SYS_getppid, GETPPID_ERRNO));
	EXPECT_EQ(0, exit_code(pid)) {
		TH_LOG("1: a syscall escaped; 2: never filtered");
	}
	EXPECT_EQ(0, cg_remove(dir));
}

TEST(a_member_execing_meanwhile_ends_filtered_and_never_escapes)
{
	pid_t pid;

	ASSERT_LT(0, readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1));
	ASSERT_EQ(0, cg_make(dir, sizeof(dir), "sj-exec"));
	pid = spawn(exec_loop_body);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, cg_move(dir, pid));
	ASSERT_EQ(0, cg_attach(dir, SYS_getppid, GETPPID_ERRNO));
	EXPECT_EQ(0, exit_code(pid)) {
		TH_LOG("1: a later image escaped; 2: never filtered");
	}
	EXPECT_EQ(0, cg_remove(dir));
}

int main(int argc, char **argv)
{
	int ret = exec_round_main(argc, argv);

	return ret >= 0 ? ret : test_harness_run(argc, argv);
}
