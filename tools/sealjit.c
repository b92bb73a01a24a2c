// SPDX-License-Identifier: GPL-2.0
/*
 * sealjit: the command-line tool.
 *
 * Exit codes: 0 success; 1 the filter was rejected (or the module said
 * no); 2 usage error; 3 system or I/O error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../jit/jit.h"
#include "../verifier/check.h"
#include "filter_file.h"

#define EXIT_REJECTED	1
#define EXIT_USAGE	2
#define EXIT_SYSTEM	3

static const char usage_text[] =
	"usage: sealjit COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"commands:\n"
	"  check [-v] [--kernel] FILTER   check a filter; print why it is rejected\n"
	"                                 -v: also print the facts of an accepted filter\n"
	"                                 --kernel: ask the module (" SEALJIT_DEVICE ")\n"
	"  disasm FILTER                  print a filter in bpf_asm syntax\n"
	"  version                        print the tool's and the module's versions\n"
	"\n"
	"FILTER is a raw array of struct sock_filter, as seccomp_export_bpf() writes.\n"
	"exit codes: 0 ok, 1 filter rejected, 2 usage error, 3 system error\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "sealjit: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", usage_text);
	return EXIT_USAGE;
}

static int load_filter(const char *path, struct sock_filter **prog, u32 *len)
{
	int err = sj_read_filter(path, prog, len);

	if (err == -EINVAL)
		fprintf(stderr,
			"sealjit: %s: size is not a multiple of %zu bytes or exceeds %u instructions\n",
			path, sizeof(struct sock_filter), SJ_FILE_MAXINSNS);
	else if (err)
		fprintf(stderr, "sealjit: %s: %s\n", path, strerror(-err));
	return err ? EXIT_SYSTEM : 0;
}

static int check_user(const struct sock_filter *prog, u32 len, u32 level)
{
	static struct sj_check_work check_work;
	static struct sj_jit_work jit_work;
	struct sj_facts facts;
	struct sj_diag diag;
	u32 image_len = 0;
	char text[1024];

	if (!sj_check(prog, len, &check_work, &facts, &diag) &&
	    sj_jit_compile(prog, len, NULL, 0, &image_len, &jit_work))
		diag.reason = SEALJIT_E_JIT;
	sj_log_render(text, sizeof(text), level, &diag, &facts, image_len);
	fputs(text, diag.reason == SEALJIT_OK ? stdout : stderr);
	return diag.reason == SEALJIT_OK ? 0 : EXIT_REJECTED;
}

static int check_kernel(const struct sock_filter *prog, u32 len, u32 level)
{
	struct sock_fprog fprog = { .len = (unsigned short)len,
				    .filter = (struct sock_filter *)prog };
	struct sealjit_filter_args args = {
		.size = sizeof(args), .fprog = (uintptr_t)&fprog,
		.log_level = level,
	};
	char text[1024];
	int fd, ret;

	args.log_buf = (uintptr_t)text;
	args.log_size = sizeof(text);
	fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "sealjit: %s: %s (is the module loaded?)\n",
			SEALJIT_DEVICE, strerror(errno));
		return EXIT_SYSTEM;
	}
	text[0] = '\0';
	ret = ioctl(fd, SEALJIT_IOC_CHECK, &args);
	close(fd);
	if (ret && errno != EINVAL) {
		fprintf(stderr, "sealjit: CHECK: %s\n", strerror(errno));
		return EXIT_SYSTEM;
	}
	fputs(text, ret ? stderr : stdout);
	return ret ? EXIT_REJECTED : 0;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", no_argument, NULL, 'k' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	u32 level = SEALJIT_LOG_ERRORS, len;
	struct sock_filter *prog;
	bool kernel = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "kvh", opts, NULL)) != -1) {
		if (c == 'k')
			kernel = true;
		else if (c == 'v')
			level = SEALJIT_LOG_FACTS;
		else if (c == 'h')
			return fputs(usage_text, stdout), 0;
		else
			return usage_error("check: bad option%s", "");
	}
	if (optind + 1 != argc)
		return usage_error("check: expected one FILTER%s", "");
	ret = load_filter(argv[optind], &prog, &len);
	if (ret)
		return ret;
	ret = kernel ? check_kernel(prog, len, level) :
		       check_user(prog, len, level);
	free(prog);
	return ret;
}

static int cmd_disasm(int argc, char **argv)
{
	struct sock_filter *prog;
	char line[96];
	u32 len, pc;
	int ret;

	if (argc != 2)
		return usage_error("disasm: expected one FILTER%s", "");
	ret = load_filter(argv[1], &prog, &len);
	if (ret)
		return ret;
	for (pc = 0; pc < len; pc++) {
		sj_disasm_insn(line, sizeof(line), &prog[pc], pc);
		printf("%4u: %s\n", pc, line);
	}
	free(prog);
	return 0;
}

static int cmd_version(void)
{
	struct sealjit_version v = { .size = sizeof(v) };
	int fd;

	printf("sealjit tool %s, ABI %u.%u\n", SJ_TOOL_VERSION,
	       SEALJIT_ABI_MAJOR, SEALJIT_ABI_MINOR);
	fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("module: not loaded (%s)\n", strerror(errno));
		return 0;
	}
	if (ioctl(fd, SEALJIT_IOC_VERSION, &v)) {
		fprintf(stderr, "sealjit: VERSION: %s\n", strerror(errno));
		close(fd);
		return EXIT_SYSTEM;
	}
	close(fd);
	printf("module: %s, ABI %u.%u, max %u instructions, features 0x%x\n",
	       v.release, v.abi_major, v.abi_minor, v.max_insns, v.features);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("missing COMMAND%s", "");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help"))
		return fputs(usage_text, stdout), 0;
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "disasm"))
		return cmd_disasm(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version"))
		return cmd_version();
	return usage_error("unknown command '%s'", argv[1]);
}
