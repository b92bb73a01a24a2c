// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/sealjit in a real kernel: the version request, every way a request
 * can be malformed, and CHECK giving the same verdict, diagnostics text and
 * facts as the userspace checker and JIT, over the checker's whole table
 * and over random valid programs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"

/* Bounded work, not time: no 30 s default (see sj_test.h). */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT	900

#include "../../jit/jit.h"
#include "../check_table.h"

static struct sj_check_work check_work;
static struct sj_jit_work jit_work;
/* The module runs on Debian's CONFIG_RETHUNK kernel: size in its form. */
static const struct sj_jit_opts kernel_form = SJ_JIT_OPTS_KERNEL_FORM;
static struct sock_filter big[SJ_MAXINSNS + 2];

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) {
		TH_LOG("cannot open %s: is the module loaded?", SEALJIT_DEVICE);
	}
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST_F(dev, version_reports_the_abi_and_limits)
{
	struct sealjit_version v = { .size = sizeof(v) };

	ASSERT_EQ(0, ioctl(self->fd, SEALJIT_IOC_VERSION, &v));
	EXPECT_EQ(SEALJIT_ABI_MAJOR, v.abi_major);
	EXPECT_EQ(SEALJIT_ABI_MINOR, v.abi_minor);
	EXPECT_EQ(4096, v.max_insns);
	EXPECT_TRUE(v.features & SEALJIT_FEAT_CHECK);
	EXPECT_STRNE("", v.release);
}

TEST_F(dev, version_with_flags_is_einval)
{
	struct sealjit_version v = { .size = sizeof(v), .flags = 1 };

	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_VERSION, &v));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, a_struct_smaller_than_the_first_version_is_einval)
{
	struct sealjit_version v = { .size = SEALJIT_VERSION_SIZE_VER0 - 4 };

	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_VERSION, &v));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, a_larger_struct_with_a_zero_tail_is_accepted)
{
	struct {
		struct sealjit_version v;
		char tail[64];
	} big_v = { .v = { .size = sizeof(big_v) } };

	ASSERT_EQ(0, ioctl(self->fd, SEALJIT_IOC_VERSION, &big_v));
	EXPECT_EQ(SEALJIT_ABI_MAJOR, big_v.v.abi_major);
}

TEST_F(dev, a_larger_struct_with_a_nonzero_tail_is_e2big)
{
	struct {
		struct sealjit_version v;
		char tail[64];
	} big_v = { .v = { .size = sizeof(big_v) } };

	big_v.tail[63] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_VERSION, &big_v));
	EXPECT_EQ(E2BIG, errno);
}

TEST_F(dev, a_struct_larger_than_a_page_is_e2big)
{
	char *page = calloc(1, 8192);
	struct sealjit_version *v = (struct sealjit_version *)page;

	ASSERT_NE(NULL, page);
	v->size = 8192;
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_VERSION, v));
	EXPECT_EQ(E2BIG, errno);
	free(page);
}

TEST_F(dev, a_first_version_struct_is_filled_in)
{
	struct sealjit_version v;

	memset(&v, 0xa5, sizeof(v));
	v.size = SEALJIT_VERSION_SIZE_VER0;
	v.flags = 0;
	ASSERT_EQ(0, ioctl(self->fd, SEALJIT_IOC_VERSION, &v));
	EXPECT_EQ(SEALJIT_ABI_MAJOR, v.abi_major);
	EXPECT_EQ(SEALJIT_MAXINSNS, v.max_insns);
	EXPECT_NE(NULL, memchr(v.release, '\0', sizeof(v.release)));
}

TEST_F(dev, bad_pointers_are_efault)
{
	void *unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			      -1, 0);

	ASSERT_NE(MAP_FAILED, unmapped);
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_VERSION, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_VERSION, unmapped));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_CHECK, unmapped));
	EXPECT_EQ(EFAULT, errno);
	munmap(unmapped, 4096);
}

TEST_F(dev, stats_refuses_flags_reserved_and_negative_pids)
{
	struct sealjit_stats st = { .size = sizeof(st), .flags = 1 };

	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	st.flags = 0;
	st.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	st.reserved = 0;
	st.pid = -1;
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	st.pid = 0;
	st.size = SEALJIT_STATS_SIZE_VER0 - 8;
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	/* An unfiltered caller: no chain, every count 0. */
	st.size = sizeof(st);
	st.runs = 7;
	ASSERT_EQ(0, ioctl(self->fd, SEALJIT_IOC_STATS, &st));
	EXPECT_EQ(0, st.filters);
	EXPECT_EQ(0, st.runs);
	EXPECT_EQ(0, st.filter);
}

TEST_F(dev, unknown_commands_are_enotty)
{
	struct sealjit_version v = { .size = sizeof(v) };

	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(SEALJIT_IOC_MAGIC, 0x7f,
					    struct sealjit_version), &v));
	EXPECT_EQ(ENOTTY, errno);
	/* The right number with the wrong direction bits. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOR(SEALJIT_IOC_MAGIC, 0x00,
					   struct sealjit_version), &v));
	EXPECT_EQ(ENOTTY, errno);
	/* The right number with another magic. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(0xEE, 0x00, struct sealjit_version),
			    &v));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, FIONREAD, &v));
	EXPECT_EQ(ENOTTY, errno);
}

static int do_check(int fd, const struct sock_filter *prog, u32 len,
		    struct sealjit_filter_args *args, char *log, u32 log_size,
		    u32 level)
{
	struct sock_fprog fprog = { .len = (unsigned short)len,
				    .filter = (struct sock_filter *)prog };

	memset(args, 0, sizeof(*args));
	args->size = sizeof(*args);
	args->fprog = (uintptr_t)&fprog;
	if (log) {
		log[0] = '\0';
		args->log_buf = (uintptr_t)log;
		args->log_size = log_size;
		args->log_level = level;
	}
	return ioctl(fd, SEALJIT_IOC_CHECK, args);
}

static const struct sock_filter allow[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

TEST_F(dev, check_accepts_a_filter_and_reports_its_facts)
{
	struct sealjit_filter_args args;
	char log[256];

	ASSERT_EQ(0, do_check(self->fd, allow, 4, &args, log, sizeof(log),
			      SEALJIT_LOG_FACTS));
	EXPECT_EQ(SEALJIT_OK, args.err_reason);
	EXPECT_EQ(4, args.insn_count);
	EXPECT_EQ(3, args.longest_path);
	EXPECT_EQ(SEALJIT_USES_NR, args.uses);
	EXPECT_LT(0, args.image_size);
	EXPECT_EQ(strlen(log) + 1, args.log_true_size);
	TH_LOG("%s", log);
}

TEST_F(dev, check_rejects_bad_flags_and_reserved_fields)
{
	struct sock_fprog fprog = { .len = 4, .filter = (void *)allow };
	struct sealjit_filter_args args = { .size = sizeof(args),
					    .fprog = (uintptr_t)&fprog };

	args.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_CHECK, &args));
	EXPECT_EQ(EINVAL, errno);
	args.flags = 0;
	args.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_CHECK, &args));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, check_rejects_inconsistent_log_settings)
{
	struct sock_fprog fprog = { .len = 4, .filter = (void *)allow };
	struct sealjit_filter_args args = { .size = sizeof(args),
					    .fprog = (uintptr_t)&fprog };
	char log[256];

	args.log_buf = (uintptr_t)log;	/* a buffer but level 0 */
	args.log_size = sizeof(log);
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_CHECK, &args));
	EXPECT_EQ(EINVAL, errno);
	args.log_level = 3;		/* no such level */
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_CHECK, &args));
	EXPECT_EQ(EINVAL, errno);
	args.log_level = 1;
	args.log_size = SEALJIT_LOG_MIN - 1;	/* too small */
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_CHECK, &args));
	EXPECT_EQ(EINVAL, errno);
	args.log_size = sizeof(log);
	args.log_buf = 0;		/* a level but no buffer */
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_CHECK, &args));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, check_with_bad_filter_or_log_pointers_is_efault)
{
	struct sock_fprog fprog = { .len = 4, .filter = (void *)8 };
	struct sealjit_filter_args args = { .size = sizeof(args),
					    .fprog = (uintptr_t)&fprog };

	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_CHECK, &args));
	EXPECT_EQ(EFAULT, errno);
	args.fprog = 16;
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_CHECK, &args));
	EXPECT_EQ(EFAULT, errno);
	fprog.filter = (void *)allow;
	args.fprog = (uintptr_t)&fprog;
	args.log_buf = 24;
	args.log_size = 4096;
	args.log_level = 1;
	EXPECT_EQ(-1, ioctl(self->fd, SEALJIT_IOC_CHECK, &args));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(dev, a_truncated_log_is_terminated_and_reports_its_size)
{
	struct sealjit_filter_args args;
	char log[SEALJIT_LOG_MIN + 1];
	const struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_MEM, 0), BPF_STMT(BPF_RET | BPF_A, 0) };

	memset(log, 'x', sizeof(log));
	/* Level 2 of a rejected filter is short; use an accepted long one. */
	ASSERT_EQ(-1, do_check(self->fd, prog, 2, &args, log, SEALJIT_LOG_MIN,
			       SEALJIT_LOG_ERRORS));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_GT(SEALJIT_LOG_MIN, args.log_true_size);
	EXPECT_EQ(strlen(log) + 1, args.log_true_size);
	EXPECT_EQ('x', log[SEALJIT_LOG_MIN]);
}

/* The kernel's verdict, text and facts equal the userspace checker's. */
static void same_as_userspace(struct __test_metadata *_metadata, int fd,
			      const char *name, const struct sock_filter *prog,
			      u32 len)
{
	struct sealjit_filter_args args;
	struct sj_facts facts = { 0 };
	char klog[1024], ulog[1024];
	struct sj_diag diag;
	u32 image_len = 0;
	int kret, uret;

	uret = sj_check(prog, len, &check_work, &facts, &diag);
	if (!uret)
		ASSERT_EQ(0, sj_jit_compile(prog, len, &kernel_form, NULL, 0,
					    &image_len, &jit_work));
	sj_log_render(ulog, sizeof(ulog), SEALJIT_LOG_FACTS, &diag, &facts,
		      image_len);
	kret = do_check(fd, prog, len, &args, klog, sizeof(klog),
			SEALJIT_LOG_FACTS);
	ASSERT_EQ(uret ? -1 : 0, kret) {
		TH_LOG("%s: kernel %s, userspace %s", name,
		       kret ? strerror(errno) : "accepts",
		       uret ? "rejects" : "accepts");
	}
	if (kret)
		ASSERT_EQ(EINVAL, errno);
	ASSERT_STREQ(ulog, klog) {
		TH_LOG("%s", name);
	}
	ASSERT_EQ(diag.reason, args.err_reason);
	if (uret) {
		ASSERT_EQ(diag.insn, args.err_insn);
		return;
	}
	ASSERT_EQ(facts.longest_path, args.longest_path);
	ASSERT_EQ(facts.uses, args.uses);
	ASSERT_EQ(facts.scratch_mask, args.scratch_mask);
	ASSERT_EQ(image_len, args.image_size);
}

TEST_F(dev, check_agrees_with_userspace_on_the_checker_table)
{
	unsigned int i;
	u32 len;

	for (i = 0; i < check_ncases; i++) {
		const struct sock_filter *prog =
			check_case_prog(&check_cases[i], big, &len);

		same_as_userspace(_metadata, self->fd, check_cases[i].name,
				  prog, len);
	}
	TH_LOG("%u table programs agree", check_ncases);
}

/* Mutations of a real filter: most are rejected, all must agree. */
TEST_F(dev, check_agrees_with_userspace_on_mutated_filters)
{
	u64 state = 0x5ea1e17;
	unsigned int i, rejected = 0;

	for (i = 0; i < 2000; i++) {
		struct sock_filter prog[4];
		u64 r;

		memcpy(prog, allow, sizeof(prog));
		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		r = state >> 16;
		switch (r % 4) {
		case 0:
			prog[(r >> 8) % 4].code = (u16)(r >> 16);
			break;
		case 1:
			prog[(r >> 8) % 4].k = (u32)(r >> 16) % 80;
			break;
		case 2:
			prog[(r >> 8) % 4].jt = (u8)(r >> 16) % 5;
			break;
		default:
			prog[(r >> 8) % 4].code = (u16)((r >> 16) & 0xff);
			prog[(r >> 8) % 4].k = (u32)(r >> 24) % 70;
			break;
		}
		if (sj_check(prog, 4, &check_work, &(struct sj_facts){ 0 },
			     &(struct sj_diag){ 0 }))
			rejected++;
		same_as_userspace(_metadata, self->fd, "mutant", prog, 4);
	}
	TH_LOG("2000 mutants agree, %u of them rejected", rejected);
}

TEST_HARNESS_MAIN
