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
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/audit.h>

#include "../jit/jit.h"
#include "../verifier/check.h"
#include "asm.h"
#include "filter_file.h"
#include "oci.h"
#include "listing.h"
#include "policy.h"
#include "syscalls.h"

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
	"  asm SOURCE -o FILTER           assemble text in that syntax (SOURCE - is stdin)\n"
	"  jit [--hex] [-o IMAGE] FILTER  check and compile a filter; list its x86-64 code\n"
	"                                 (objdump if on PATH, else hex bytes)\n"
	"                                 --hex: hex bytes even if objdump is there\n"
	"                                 -o: write the raw image to IMAGE instead\n"
	"  run FILTER -- CMD [ARG...]     set no_new_privs, attach FILTER through the\n"
	"                                 module, then exec CMD under it\n"
	"  run --oci PROFILE [--cap CAP]... [--optimize N] -- CMD [ARG...]\n"
	"                                 the same with an OCI seccomp profile\n"
	"  run --policy POLICY -- CMD [ARG...]\n"
	"                                 the same with a policy, compiled as compile does\n"
	"  run --seccomp ...              any of these, attached through the kernel's\n"
	"                                 own seccomp(2) instead of the module\n"
	"  attach --pid PID (FILTER | --policy POLICY | --oci PROFILE)\n"
	"                                 an administrator confines a running process:\n"
	"                                 the filter is added to each of its threads\n"
	"  attach --cgroup DIR (FILTER | --policy POLICY | --oci PROFILE)\n"
	"                                 ... or a cgroup v2 and whatever joins it later\n"
	"  compile POLICY -o FILTER       compile a policy (Documentation/policy.rst);\n"
	"                                 writes nothing unless an independent check\n"
	"                                 confirms the filter takes the policy's action\n"
	"                                 on every input\n"
	"  check --policy POLICY [FILTER] confirm that FILTER (by default, POLICY's own\n"
	"                                 compilation) takes POLICY's action on every\n"
	"                                 input, or print one input where it does not\n"
	"  import-oci [--cap CAP]... [--optimize N] [--policy] PROFILE -o FILTER\n"
	"                                 compile an OCI runtime-spec seccomp profile\n"
	"                                 (Docker, Podman, Kubernetes) through libseccomp;\n"
	"                                 --cap: a capability the container has (repeat);\n"
	"                                 --optimize 2: libseccomp's binary-tree layout;\n"
	"                                 --policy: write it as a policy (-o POLICY)\n"
	"                                 for sealjit compile instead\n"
	"  status [--pid PID]             is this process (or thread PID) filtered by\n"
	"                                 sealjit, and by how many filters (seccomp's own\n"
	"                                 answer, PR_GET_SECCOMP, does not count them)\n"
	"  trace [--policy POLICY] [--count N]\n"
	"                                 print every answer but ALLOW as it happens\n"
	"                                 (the module's tracepoint), naming the rule of\n"
	"                                 POLICY that gave it; N: stop after N of them\n"
	"  stats [--pid PID]              what this process's (or thread PID's) chain has\n"
	"                                 answered, by action: from the decision table\n"
	"                                 or by running code\n"
	"  version                        print the tool's and the module's versions\n"
	"  syscalls [--arch ARCH] [NAME|NR]...\n"
	"                                 system-call numbers by name, or names by\n"
	"                                 number; every one if none is given; ARCH:\n"
	"                                 x86_64 (default), x32 or i386 (the tables\n"
	"                                 come from the kernel's own)\n"
	"\n"
	"FILTER is a raw array of struct sock_filter, as seccomp_export_bpf() writes.\n"
	"SOURCE syntax: Documentation/asm.rst.\n"
	"exit codes: 0 ok, 1 filter rejected (or the module said no), 2 usage error,\n"
	"            3 system error\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "sealjit: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", usage_text);
	return EXIT_USAGE;
}

/*
 * "IN -o OUT", for asm and compile: true with both set; else false, with
 * the exit code in @code (0 after --help).
 */
static bool in_out_args(int argc, char **argv, const struct option *opts,
			const char **in, const char **out, const char *usage,
			int *code)
{
	int c;

	*in = NULL;
	*out = NULL;
	*code = 0;
	/* "-" first: IN may come before -o even with POSIXLY_CORRECT. */
	while ((c = getopt_long(argc, argv, "-o:h", opts, NULL)) != -1) {
		if (c == 1 && !*in)
			*in = optarg;
		else if (c == 'o')
			*out = optarg;
		else
			break;
	}
	if (c == 'h') {
		fputs(usage_text, stdout);
		return false;
	}
	if (c != -1 || !*in || !*out || optind != argc) {
		*code = usage_error(usage, "");
		return false;
	}
	return true;
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

static struct sj_jit_work jit_work;
/* Sizes are given for the module's form, so that the facts match its own. */
static const struct sj_jit_opts kernel_form = SJ_JIT_OPTS_KERNEL_FORM;

/*
 * Where `sealjit jit` shows the kernel's return thunk and the image's
 * constant pool: any rel32 targets.
 */
#define SHOWN_THUNK 0x10000000
#define SHOWN_POOL 0x20000000

/* Checks and sizes the image, printing the verdict; @image_len may be NULL. */
static int check_user(const struct sock_filter *prog, u32 len, u32 level,
		      u32 *image_len)
{
	static struct sj_check_work check_work;
	struct sj_facts facts;
	struct sj_diag diag;
	u32 size = 0;
	char text[1024];

	if (!sj_check(prog, len, &check_work, &facts, &diag) &&
	    sj_jit_compile(prog, len, &kernel_form, NULL, 0, &size,
			   &jit_work)) {
		diag.reason = SEALJIT_E_JIT;
		diag.insn = jit_work.err_pc;
		diag.code = jit_work.err_pc < len ? prog[jit_work.err_pc].code : 0;
		snprintf(diag.cause, sizeof(diag.cause), "%s",
			 sj_jit_err_text(jit_work.err));
	}
	sj_log_render(text, sizeof(text), level, &diag, &facts, size);
	fputs(text, diag.reason == SEALJIT_OK ? stdout : stderr);
	if (image_len)
		*image_len = size;
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
	if (ret && errno == EIO && text[0]) {
		fputs(text, stderr);	/* the module's own failure */
		return EXIT_SYSTEM;
	}
	if (ret && errno != EINVAL) {
		fprintf(stderr, "sealjit: CHECK: %s\n", strerror(errno));
		return EXIT_SYSTEM;
	}
	fputs(text, ret ? stderr : stdout);
	return ret ? EXIT_REJECTED : 0;
}

#define NOT_USED "the compiled filter is not used"
#define POLICY_OK "the compiled filter takes the policy's action"

/*
 * Parses and compiles the policy at @path.  The filter is handed out only
 * if the module's own checker accepts it and policy_check.c, which shares
 * no code with the compiler, confirms that it takes the policy's action
 * on every input.
 */
static int compile_policy(const char *path, struct sock_filter **prog,
			  u32 *len)
{
	static struct sj_check_work check_work;
	struct sj_policy pol;
	struct sj_facts facts;
	struct sj_diag diag;
	char err[1024];
	int ret = EXIT_REJECTED;

	if (sj_policy_parse_file(path, &pol, err, sizeof(err))) {
		fprintf(stderr, "sealjit: %s\n", err);
		return EXIT_REJECTED;
	}
	if (sj_policy_compile(&pol, prog, len, NULL, err, sizeof(err))) {
		fprintf(stderr, "sealjit: %s: %s\n", path, err);
		goto out;
	}
	if (sj_check(*prog, *len, &check_work, &facts, &diag)) {
		sj_log_render(err, sizeof(err), SEALJIT_LOG_ERRORS, &diag,
			      &facts, 0);
		fprintf(stderr, "sealjit: %s: %s: %s", path, NOT_USED, err);
		goto out_prog;
	}
	if (sj_policy_confirm(&pol, *prog, *len, NULL, err, sizeof(err)) != 1) {
		fprintf(stderr, "sealjit: %s: %s (no confirmation): %s\n", path,
			NOT_USED, err);
		goto out_prog;
	}
	ret = 0;
	goto out;
out_prog:
	free(*prog);
	*prog = NULL;
out:
	sj_policy_free(&pol);
	return ret;
}

static int cmd_compile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path, *out;
	struct sock_filter *prog;
	int ret;
	u32 len;

	if (!in_out_args(argc, argv, opts, &path, &out,
			 "compile: expected POLICY -o FILTER%s", &ret))
		return ret;
	ret = compile_policy(path, &prog, &len);
	if (ret)
		return ret;
	ret = sj_write_file(out, prog, len * sizeof(*prog));
	free(prog);
	if (ret) {
		fprintf(stderr, "sealjit: %s: %s\n", out, strerror(-ret));
		return EXIT_SYSTEM;
	}
	printf("%s: %u instructions, confirmed against the policy on every input\n",
	       out, len);
	return 0;
}

/* check --policy POLICY [FILTER] */
static int check_policy(const char *path, const char *filter, u32 level)
{
	struct sock_filter *prog;
	struct sj_policy pol;
	char err[1024];
	int ret;
	u32 len;

	if (!filter) {
		ret = compile_policy(path, &prog, &len);
		if (!ret)
			ret = check_user(prog, len, level, NULL);
		if (!ret)
			printf("confirmed: %s on every input\n", POLICY_OK);
		free(prog);
		return ret;
	}
	ret = load_filter(filter, &prog, &len);
	if (ret)
		return ret;
	if (sj_policy_parse_file(path, &pol, err, sizeof(err))) {
		fprintf(stderr, "sealjit: %s\n", err);
		free(prog);
		return EXIT_REJECTED;
	}
	ret = check_user(prog, len, level, NULL);
	if (!ret) {
		ret = sj_policy_confirm(&pol, prog, len, NULL, err, sizeof(err));
		if (ret == 1)
			printf("confirmed: %s takes the action of %s on every input\n",
			       filter, path);
		else
			fprintf(stderr, "sealjit: %s does not implement %s: %s\n",
				filter, path, err);
		ret = ret == 1 ? 0 : EXIT_REJECTED;
	}
	sj_policy_free(&pol);
	free(prog);
	return ret;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", no_argument, NULL, 'k' },
		{ "policy", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	u32 level = SEALJIT_LOG_ERRORS, len;
	const char *policy = NULL;
	struct sock_filter *prog;
	bool kernel = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "kvh", opts, NULL)) != -1) {
		if (c == 'k')
			kernel = true;
		else if (c == 'p')
			policy = optarg;
		else if (c == 'v')
			level = SEALJIT_LOG_FACTS;
		else if (c == 'h')
			return fputs(usage_text, stdout), 0;
		else
			return usage_error("check: bad option%s", "");
	}
	if (policy && !kernel && optind + 1 >= argc)
		return check_policy(policy, optind < argc ? argv[optind] : NULL,
				    level);
	if (optind + 1 != argc || policy)
		return usage_error("check: expected one FILTER, or --policy POLICY [FILTER]%s", "");
	ret = load_filter(argv[optind], &prog, &len);
	if (ret)
		return ret;
	ret = kernel ? check_kernel(prog, len, level) :
		       check_user(prog, len, level, NULL);
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
		sj_disasm_insn(line, sizeof(line), &prog[pc], pc, len);
		printf("%4u: %s\n", pc, line);
	}
	free(prog);
	return 0;
}

/* The line of byte @at in @text, for a message. */
static u32 line_of(const char *text, size_t at)
{
	u32 line = 1;
	size_t i;

	for (i = 0; i < at; i++)
		line += text[i] == '\n';
	return line;
}

static int cmd_asm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *src, *out, *name;
	struct sock_filter *prog;
	char *text, *nul, err[256];
	size_t size;
	int ret;
	u32 len;

	if (!in_out_args(argc, argv, opts, &src, &out,
			 "asm: expected SOURCE -o FILTER%s", &ret))
		return ret;
	name = strcmp(src, "-") ? src : "<stdin>";
	ret = sj_read_text(src, &text, &size);
	if (ret) {
		fprintf(stderr, "sealjit: %s: %s\n", name, strerror(-ret));
		return EXIT_SYSTEM;
	}
	/* The assembler reads a C string: a NUL would silently end it. */
	nul = memchr(text, '\0', size);
	if (nul) {
		fprintf(stderr, "%s:%u: NUL byte in the text\n", name,
			line_of(text, nul - text));
		free(text);
		return EXIT_REJECTED;
	}
	prog = calloc(SJ_FILE_MAXINSNS, sizeof(*prog));
	if (!prog) {
		free(text);
		fprintf(stderr, "sealjit: %s\n", strerror(ENOMEM));
		return EXIT_SYSTEM;
	}
	ret = sj_asm(text, name, prog, SJ_FILE_MAXINSNS, &len, err,
		     sizeof(err));
	free(text);
	if (ret == -EINVAL) {
		fprintf(stderr, "%s\n", err);
		ret = EXIT_REJECTED;
	} else if (ret) {
		fprintf(stderr, "sealjit: %s: %s\n", name, strerror(-ret));
		ret = EXIT_SYSTEM;
	} else {
		ret = sj_write_file(out, prog, len * sizeof(*prog));
		if (ret)
			fprintf(stderr, "sealjit: %s: %s\n", out, strerror(-ret));
		ret = ret ? EXIT_SYSTEM : 0;
	}
	free(prog);
	return ret;
}

static int cmd_jit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "hex", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sj_jit_opts show = { .pool = true, .pool_addr = SHOWN_POOL,
				    .ret_thunk = SHOWN_THUNK };
	const char *path = NULL, *out = NULL;
	struct sock_filter *prog;
	u32 len, image_len;
	bool hex = false;
	u8 *image;
	int c, ret;

	while ((c = getopt_long(argc, argv, "-o:h", opts, NULL)) != -1) {
		if (c == 1 && !path)
			path = optarg;
		else if (c == 'o')
			out = optarg;
		else if (c == 'x')
			hex = true;
		else if (c == 'h')
			return fputs(usage_text, stdout), 0;
		else
			return usage_error("jit: expected [--hex] [-o IMAGE] FILTER%s", "");
	}
	if (!path || optind != argc)
		return usage_error("jit: expected [--hex] [-o IMAGE] FILTER%s", "");
	ret = load_filter(path, &prog, &len);
	if (ret)
		return ret;
	ret = check_user(prog, len, SEALJIT_LOG_FACTS, &image_len);
	if (ret)
		goto out;
	printf("# as the module emits it: constant k of insn i read from the pool\n"
	       "# (shown at 0x%x: k at 0x%x + 4 * i, never executable),\n"
	       "# returns through the kernel's return thunk (shown at 0x%x)\n",
	       SHOWN_POOL, SHOWN_POOL, SHOWN_THUNK);
	image = malloc(image_len);
	if (!image || sj_jit_compile(prog, len, &show, image, image_len,
				     &image_len, &jit_work)) {
		/* check_user() compiled it already: only memory can fail. */
		fprintf(stderr, "sealjit: %s\n",
			image ? "the JIT failed on its second run" : strerror(ENOMEM));
		free(image);
		ret = EXIT_SYSTEM;
		goto out;
	}
	if (out) {
		ret = sj_write_file(out, image, image_len);
		if (ret)
			fprintf(stderr, "sealjit: %s: %s\n", out, strerror(-ret));
	} else {
		ret = sj_print_listing(prog, len, image, image_len,
				       jit_work.addrs, hex);
	}
	ret = ret ? EXIT_SYSTEM : 0;
	free(image);
out:
	free(prog);
	return ret;
}

/*
 * Attaches the filter to this thread; it stays across execve().  Return:
 * 0, or an exit code after a message.
 */
/* run --seccomp: the same filter through the kernel's own seccomp(2). */
static int load_seccomp(const struct sock_filter *prog, u32 len)
{
	struct sock_fprog fprog = { .len = (unsigned short)len,
				    .filter = (struct sock_filter *)prog };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog)) {
		fprintf(stderr, "sealjit: seccomp(2): %s\n", strerror(errno));
		return errno == EINVAL ? EXIT_REJECTED : EXIT_SYSTEM;
	}
	return 0;
}

#define NEEDS_ADMIN \
	"needs CAP_SYS_ADMIN over the process and ptrace rights over its threads"
#define NEEDS_ROOT \
	"needs CAP_SYS_ADMIN and CAP_SYS_PTRACE in the initial user namespace"

/*
 * LOAD through the module: on the calling thread; with @pid on every
 * thread of that process (SEALJIT_LOAD_PID); with a @cgroup (an open
 * directory, else -1) on everything in that cgroup (SEALJIT_LOAD_CGROUP).
 */
static int load_kernel(const struct sock_filter *prog, u32 len, int32_t pid,
		       int cgroup)
{
	struct sock_fprog fprog = { .len = (unsigned short)len,
				    .filter = (struct sock_filter *)prog };
	struct sealjit_filter_args args = {
		.size = sizeof(args), .fprog = (uintptr_t)&fprog,
		.log_level = SEALJIT_LOG_ERRORS, .pid = pid,
		.flags = pid ? SEALJIT_LOAD_PID : 0,
	};
	char text[4096];
	int fd, ret, err;

	if (cgroup >= 0) {
		args.flags = SEALJIT_LOAD_CGROUP;
		args.cgroup_fd = cgroup;
	}
	/* As for seccomp(2): unprivileged filters need no_new_privs. */
	if (!pid && cgroup < 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		fprintf(stderr, "sealjit: PR_SET_NO_NEW_PRIVS: %s\n",
			strerror(errno));
		return EXIT_SYSTEM;
	}
	fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "sealjit: %s: %s%s\n", SEALJIT_DEVICE,
			strerror(err),
			err == ENOENT || err == ENXIO || err == ENODEV ?
			" (is the module loaded?)" : "");
		return EXIT_SYSTEM;
	}
	args.log_buf = (uintptr_t)text;
	args.log_size = sizeof(text);
	text[0] = '\0';
	ret = ioctl(fd, SEALJIT_IOC_LOAD, &args);
	err = errno;
	close(fd);
	if (!ret)
		return 0;
	switch (err) {
	case EINVAL:
		if (text[0])
			fputs(text, stderr);
		else
			fprintf(stderr, "sealjit: LOAD: %s\n", strerror(err));
		return EXIT_REJECTED;
	case EACCES:
	case EPERM:
		fprintf(stderr, "sealjit: LOAD: %s: %s\n", strerror(err),
			cgroup >= 0 ? NEEDS_ROOT : pid ? NEEDS_ADMIN :
			"needs no_new_privs or CAP_SYS_ADMIN");
		return EXIT_REJECTED;
	case EBADF:
		fprintf(stderr, "sealjit: LOAD: %s: not a directory of the cgroup v2 hierarchy\n",
			strerror(err));
		return EXIT_REJECTED;
	case ESRCH:
		fprintf(stderr, "sealjit: LOAD: no process %d\n", pid);
		return EXIT_REJECTED;
	case EBUSY:
		fprintf(stderr, "sealjit: LOAD: %s: %d's threads have %s\n",
			strerror(err), pid, "more than 16 different chains");
		return EXIT_SYSTEM;
	case EIO:
		/* The JIT or the validator failed: the log says where. */
		if (text[0])
			fputs(text, stderr);
		fprintf(stderr, "sealjit: LOAD: %s: nothing was attached\n",
			strerror(err));
		return EXIT_SYSTEM;
	case ENOTTY:
		fprintf(stderr, "sealjit: LOAD: %s: this module cannot attach filters (too old?)\n",
			strerror(err));
		return EXIT_SYSTEM;
	case ENOSPC:
		fprintf(stderr, "sealjit: LOAD: %s: %s\n", strerror(err),
			cgroup >= 0 ? "64 cgroups have filters already" :
			"images at the module's image_limit");
		return EXIT_SYSTEM;
	case ENOMEM:
		fprintf(stderr, "sealjit: LOAD: %s (or this thread's filters are at their limit)\n",
			strerror(err));
		return EXIT_SYSTEM;
	default:
		fprintf(stderr, "sealjit: LOAD: %s\n", strerror(err));
		return EXIT_SYSTEM;
	}
}

/* --cap and --optimize, shared by import-oci and run --oci. */
static int oci_option(struct sj_oci_opts *o, int c, const char *arg)
{
	char *end;

	if (c == 'c') {
		if (o->ncaps == SJ_OCI_MAX_CAPS)
			return usage_error("too many --cap options%s", "");
		o->caps[o->ncaps++] = arg;
		return 0;
	}
	o->optimize = (int)strtol(arg, &end, 10);
	if (*end || (o->optimize != 1 && o->optimize != 2))
		return usage_error("--optimize takes 1 or 2, not '%s'", arg);
	return 0;
}

static int compile_oci(const char *path, struct sj_oci_opts *o,
		       struct sock_filter **prog, u32 *len)
{
	char err[512];

	o->warn = stderr;
	if (sj_oci_compile(path, o, prog, len, err, sizeof(err))) {
		fprintf(stderr, "sealjit: %s: %s\n", path, err);
		return EXIT_REJECTED;
	}
	return 0;
}

/* import-oci --policy: the profile as a policy, in @out. */
static int oci_to_policy(const char *path, struct sj_oci_opts *o,
			 const char *out)
{
	FILE *f = fopen(out, "w");
	char err[512];
	int ret;

	if (!f) {
		fprintf(stderr, "sealjit: %s: %s\n", out, strerror(errno));
		return EXIT_SYSTEM;
	}
	o->warn = stderr;
	ret = sj_oci_to_policy(path, o, f, err, sizeof(err));
	if (ret)
		fprintf(stderr, "sealjit: %s: %s\n", path, err);
	if (fclose(f) && !ret) {
		fprintf(stderr, "sealjit: %s: %s\n", out, strerror(errno));
		return EXIT_SYSTEM;
	}
	if (ret)
		unlink(out);
	return ret ? EXIT_REJECTED : 0;
}

static int cmd_import_oci(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cap", required_argument, NULL, 'c' },
		{ "optimize", required_argument, NULL, 'O' },
		{ "policy", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sj_oci_opts o = { .optimize = 1 };
	const char *path = NULL, *out = NULL;
	struct sock_filter *prog;
	bool policy = false;
	int c, ret;
	u32 len;

	while ((c = getopt_long(argc, argv, "-o:h", opts, NULL)) != -1) {
		if (c == 1 && !path)
			path = optarg;
		else if (c == 'o')
			out = optarg;
		else if (c == 'p')
			policy = true;
		else if (c == 'c' || c == 'O')
			ret = oci_option(&o, c, optarg);
		else if (c == 'h')
			return fputs(usage_text, stdout), 0;
		else
			return usage_error("import-oci: expected PROFILE -o FILTER%s", "");
		if ((c == 'c' || c == 'O') && ret)
			return ret;
	}
	if (!path || !out)
		return usage_error("import-oci: expected PROFILE -o FILTER%s", "");
	if (policy)
		return oci_to_policy(path, &o, out);
	ret = compile_oci(path, &o, &prog, &len);
	if (ret)
		return ret;
	ret = sj_write_file(out, prog, len * sizeof(*prog));
	if (ret)
		fprintf(stderr, "sealjit: %s: %s\n", out, strerror(-ret));
	free(prog);
	return ret ? EXIT_SYSTEM : 0;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "oci", required_argument, NULL, 'j' },
		{ "policy", required_argument, NULL, 'p' },
		{ "seccomp", no_argument, NULL, 's' },
		{ "cap", required_argument, NULL, 'c' },
		{ "optimize", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] =
		"run: expected FILTER, --oci PROFILE or --policy POLICY, then -- CMD [ARG...]%s";
	struct sj_oci_opts o = { .optimize = 1 };
	const char *path = NULL, *oci = NULL, *policy = NULL;
	bool seccomp = false;
	struct sock_filter *prog;
	int c, ret = 0;
	u32 len;

	/* "+": options end at FILTER or --, so CMD's options stay its own. */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h')
			return fputs(usage_text, stdout), 0;
		if (c == 'j')
			oci = optarg;
		else if (c == 'p')
			policy = optarg;
		else if (c == 's')
			seccomp = true;
		else if (c == 'c' || c == 'O')
			ret = oci_option(&o, c, optarg);
		else
			return usage_error(usage, "");
		if (ret)
			return ret;
	}
	/* getopt ate the "--" if options came right before it. */
	if (optind > 1 && !strcmp(argv[optind - 1], "--"))
		optind--;
	else if (!oci && !policy && optind < argc)
		path = argv[optind++];
	if (!!oci + !!policy + !!path != 1 || argc - optind < 2 ||
	    strcmp(argv[optind], "--"))
		return usage_error(usage, "");
	argv += optind + 1;
	if (oci)
		ret = compile_oci(oci, &o, &prog, &len);
	else if (policy)
		ret = compile_policy(policy, &prog, &len);
	else
		ret = load_filter(path, &prog, &len);
	if (ret)
		return ret;
	ret = seccomp ? load_seccomp(prog, len) : load_kernel(prog, len, 0, -1);
	free(prog);
	if (ret)
		return ret;
	execvp(argv[0], argv);
	/* The filter is attached: this message needs write() to be allowed. */
	fprintf(stderr, "sealjit: %s: %s\n", argv[0], strerror(errno));
	return EXIT_SYSTEM;
}

/*
 * "[--pid PID]" for status and stats: 0 with *@pid set (0: the caller),
 * else the exit code of a usage error.
 */
static int pid_arg(int argc, char **argv, const char *usage, int32_t *pid)
{
	char *end;
	long v;

	*pid = 0;
	if (argc == 1)
		return 0;
	if (argc != 3 || strcmp(argv[1], "--pid"))
		return usage_error("%s", usage);
	v = strtol(argv[2], &end, 10);
	if (*end || end == argv[2] || v <= 0 || v > INT32_MAX)
		return usage_error("%s", usage);
	*pid = (int32_t)v;
	return 0;
}

/*
 * One request about a thread to the module, opened read-only: a process
 * whose policy refuses opening for writing may still ask about itself.
 */
static int ask_module(unsigned long req, void *arg, const char *name)
{
	int fd = open(SEALJIT_DEVICE, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0) {
		fprintf(stderr, "sealjit: %s: %s\n", SEALJIT_DEVICE,
			strerror(errno));
		return EXIT_SYSTEM;
	}
	if (ioctl(fd, req, arg)) {
		err = errno;
		fprintf(stderr, "sealjit: %s: %s\n", name, strerror(err));
		close(fd);
		return err == ESRCH || err == EPERM ? EXIT_REJECTED :
						     EXIT_SYSTEM;
	}
	close(fd);
	return 0;
}

static int cmd_stats(int argc, char **argv)
{
	static const char *const names[SEALJIT_NR_ACTS] = {
		[SEALJIT_ACT_KILL_PROCESS] = "kill-process",
		[SEALJIT_ACT_KILL_THREAD] = "kill-thread",
		[SEALJIT_ACT_TRAP] = "trap", [SEALJIT_ACT_ERRNO] = "errno",
		[SEALJIT_ACT_USER_NOTIF] = "notify",
		[SEALJIT_ACT_TRACE] = "trace", [SEALJIT_ACT_LOG] = "log",
		[SEALJIT_ACT_ALLOW] = "allow",
	};
	struct sealjit_stats st = { .size = sizeof(st) };
	int ret, i;

	ret = pid_arg(argc, argv, "usage: sealjit stats [--pid PID]", &st.pid);
	if (!ret)
		ret = ask_module(SEALJIT_IOC_STATS, &st, "STATS");
	if (ret)
		return ret;
	printf("pid %d: %u filter%s", st.pid ? st.pid : (int)getpid(),
	       st.filters, st.filters == 1 ? "" : "s");
	if (!st.filters) {
		printf("\n");
		return 0;
	}
	printf(", newest %llu: %llu from the table, %llu by running code\n",
	       (unsigned long long)st.filter, (unsigned long long)st.cached,
	       (unsigned long long)st.runs);
	for (i = SEALJIT_NR_ACTS - 1; i >= 0; i--)
		printf("  %-13s %llu\n", names[i],
		       (unsigned long long)st.actions[i]);
	return 0;
}

/* attach (--pid PID | --cgroup DIR) (FILTER | --policy POLICY | --oci PROFILE) */
static int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'P' },
		{ "cgroup", required_argument, NULL, 'g' },
		{ "policy", required_argument, NULL, 'p' },
		{ "oci", required_argument, NULL, 'j' },
		{ "cap", required_argument, NULL, 'c' },
		{ "optimize", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] =
		"attach: expected --pid PID or --cgroup DIR, and FILTER, --policy or --oci%s";
	const char *path = NULL, *oci = NULL, *policy = NULL, *cgroup = NULL;
	struct sj_oci_opts o = { .optimize = 1 };
	struct sock_filter *prog;
	long pid = 0;
	int c, ret = 0, fd = -1;
	char *end;
	u32 len;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'P') {
			pid = strtol(optarg, &end, 10);
			if (*end || pid <= 0 || pid > INT32_MAX)
				return usage_error("attach: bad --pid '%s'",
						   optarg);
		} else if (c == 'g') {
			cgroup = optarg;
		} else if (c == 'p') {
			policy = optarg;
		} else if (c == 'j') {
			oci = optarg;
		} else if (c == 'c' || c == 'O') {
			ret = oci_option(&o, c, optarg);
		} else if (c == 'h') {
			return fputs(usage_text, stdout), 0;
		} else {
			return usage_error(usage, "");
		}
		if (ret)
			return ret;
	}
	if (optind + 1 == argc)
		path = argv[optind++];
	if (!pid == !cgroup || !!oci + !!policy + !!path != 1 || optind != argc)
		return usage_error(usage, "");
	if (cgroup) {
		fd = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "sealjit: %s: %s\n", cgroup,
				strerror(errno));
			return EXIT_REJECTED;
		}
	}
	if (oci)
		ret = compile_oci(oci, &o, &prog, &len);
	else if (policy)
		ret = compile_policy(policy, &prog, &len);
	else
		ret = load_filter(path, &prog, &len);
	if (!ret) {
		ret = load_kernel(prog, len, (int32_t)pid, fd);
		free(prog);
	}
	if (fd >= 0)
		close(fd);
	if (!ret && cgroup)
		printf("attached to cgroup %s: each task in it is filtered from its next syscall\n",
		       cgroup);
	else if (!ret)
		printf("attached to every thread of process %ld\n", pid);
	return ret;
}

static int cmd_status(int argc, char **argv)
{
	struct sealjit_status st = { .size = sizeof(st) };
	int ret;

	ret = pid_arg(argc, argv, "usage: sealjit status [--pid PID]", &st.pid);
	if (!ret)
		ret = ask_module(SEALJIT_IOC_STATUS, &st, "STATUS");
	if (ret)
		return ret;
	printf("pid %d: %s, %u filter%s\n", st.pid ? st.pid : (int)getpid(),
	       st.mode == SEALJIT_MODE_FILTER ? "filtered" : "not filtered",
	       st.filters, st.filters == 1 ? "" : "s");
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

/* Where tracefs is: mounted on its own, or under debugfs. */
static const char *tracefs_dir(void)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/events/sealjit/action/enable",
			 dirs[i]);
		if (!access(path, W_OK))
			return dirs[i];
	}
	return NULL;
}

/* Writes "0" or "1" to the event's enable file; 0 or -errno. */
static int set_event(const char *dir, const char *value)
{
	char path[128];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/events/sealjit/action/enable", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, 1) != 1)
		err = -errno;
	if (fd >= 0)
		close(fd);
	return err;
}

/* kmod/trace.h's TP_printk(), read back. */
#define EVENT_FMT "pid=%d comm=%31s nr=%d arch=0x%x action=%31s data=%u " \
	"ret=0x%x filter=%llu insn=%u"

struct trace_policy {
	struct sj_policy pol;
	struct sock_filter *prog;
	int *origin;
	u32 len;
};

/*
 * One event of trace_pipe, as people read it; with a policy, the rule that
 * gave the answer, when the ret the event names is that policy's (it
 * holds the same value at that index).
 */
static void print_event(const char *line, const struct trace_policy *tp)
{
	const char *p = strstr(line, "pid="), *name = NULL;
	unsigned int arch, data, ret, insn;
	char comm[32], action[32], act[48], by[256];
	unsigned long long filter;
	int pid, nr, cls;

	if (!p || sscanf(p, EVENT_FMT, &pid, comm, &nr, &arch, action, &data,
			 &ret, &filter, &insn) != 9) {
		fputs(line, stdout);
		return;
	}
	cls = tp ? sj_policy_class(arch, nr) : -1;
	if (cls < 0)
		cls = arch == AUDIT_ARCH_I386 ? SJ_ARCH_I386 : SJ_ARCH_X86_64;
	name = sj_syscall_name(cls, nr);
	sj_policy_action_str(ret, act, sizeof(act));
	printf("%s[%d]: %s %s%s%d%s: %s, filter %llu insn %u", comm, pid,
	       sj_syscall_tables[cls].arch, name ? name : "", name ? " (" : "",
	       nr, name ? ")" : "", act, filter, insn);
	if (tp && insn < tp->len && tp->prog[insn].code == (BPF_RET | BPF_K) &&
	    tp->prog[insn].k == ret) {
		sj_policy_origin_str(&tp->pol, tp->origin[insn], arch, nr, by,
				     sizeof(by));
		printf(", %s", by);
	} else if (tp) {
		printf(", not this policy's filter");
	}
	putchar('\n');
	fflush(stdout);
}

/* SIGINT and SIGTERM only interrupt the read (no SA_RESTART). */
static void stop_tracing(int sig)
{
	(void)sig;
}

/* Reads trace_pipe until a signal, or @count events. */
static int follow(const char *dir, const struct trace_policy *tp, long count)
{
	char path[128], buf[4096], *nl;
	size_t have = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/trace_pipe", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "sealjit: %s: %s\n", path, strerror(errno));
		return EXIT_SYSTEM;
	}
	while (count) {
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			break;
		have += n;
		buf[have] = '\0';
		while (count && (nl = strchr(buf, '\n'))) {
			*nl = '\0';
			if (strstr(buf, "action: ")) {
				print_event(buf, tp);
				count--;
			}
			have -= nl + 1 - buf;
			memmove(buf, nl + 1, have + 1);
		}
		if (have == sizeof(buf) - 1)
			have = 0;	/* a line too long for us: dropped */
	}
	close(fd);
	return 0;
}

static int cmd_trace(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = stop_tracing };
	struct trace_policy tp, *with = NULL;
	const char *policy = NULL, *dir;
	long count = -1;
	char err[1024], *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'p') {
			policy = optarg;
		} else if (c == 'n') {
			count = strtol(optarg, &end, 10);
			if (*end || count <= 0)
				return usage_error("trace: bad --count '%s'",
						   optarg);
		} else if (c == 'h') {
			return fputs(usage_text, stdout), 0;
		} else {
			return usage_error("trace: expected [--policy POLICY] [--count N]%s", "");
		}
	}
	if (optind != argc)
		return usage_error("trace: expected [--policy POLICY] [--count N]%s", "");
	if (policy) {
		if (sj_policy_parse_file(policy, &tp.pol, err, sizeof(err))) {
			fprintf(stderr, "sealjit: %s\n", err);
			return EXIT_REJECTED;
		}
		/* The same policy compiles to the same filter, rets and all. */
		if (sj_policy_compile(&tp.pol, &tp.prog, &tp.len, &tp.origin,
				      err, sizeof(err))) {
			fprintf(stderr, "sealjit: %s: %s\n", policy, err);
			sj_policy_free(&tp.pol);
			return EXIT_REJECTED;
		}
		with = &tp;
	}
	dir = tracefs_dir();
	ret = dir ? set_event(dir, "1") : -ENOENT;
	if (ret) {
		fprintf(stderr, "sealjit: events/sealjit/action: %s%s\n",
			strerror(-ret),
			" (module loaded? tracefs mounted? root?)");
		ret = EXIT_SYSTEM;
	} else {
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		ret = follow(dir, with, count);
		set_event(dir, "0");
	}
	if (with) {
		free(tp.prog);
		free(tp.origin);
		sj_policy_free(&tp.pol);
	}
	return ret;
}

static int cmd_syscalls(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "arch", required_argument, NULL, 'a' }, { NULL, 0, NULL, 0 },
	};
	int c, arch = SJ_ARCH_X86_64, ret = 0;
	unsigned int i;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != 'a')
			return usage_error("syscalls: unknown option%s", "");
		arch = sj_arch_by_name(optarg);
		if (arch < 0)
			return usage_error("syscalls: unknown architecture '%s'",
					   optarg);
	}
	if (optind == argc) {
		const struct sj_syscall_table *t = &sj_syscall_tables[arch];

		for (i = 0; i < t->n; i++)
			printf("%u\t%s\n", t->calls[i].nr, t->calls[i].name);
		return 0;
	}
	for (; optind < argc; optind++) {
		const char *arg = argv[optind], *name;
		char *end;
		unsigned long nr = strtoul(arg, &end, 0);
		long found;

		if (*arg && !*end) {
			name = sj_syscall_name(arch, nr);
			if (name) {
				printf("%s\n", name);
				continue;
			}
			fprintf(stderr, "sealjit: %s has no system call %s\n",
				sj_syscall_tables[arch].arch, arg);
			ret = EXIT_REJECTED;
			continue;
		}
		found = sj_syscall_nr(arch, arg);
		if (found >= 0) {
			printf("%ld\n", found);
			continue;
		}
		fprintf(stderr, "sealjit: %s has no system call named '%s'\n",
			sj_syscall_tables[arch].arch, arg);
		ret = EXIT_REJECTED;
	}
	return ret;
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
	if (!strcmp(argv[1], "asm"))
		return cmd_asm(argc - 1, argv + 1);
	if (!strcmp(argv[1], "jit"))
		return cmd_jit(argc - 1, argv + 1);
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "compile"))
		return cmd_compile(argc - 1, argv + 1);
	if (!strcmp(argv[1], "import-oci"))
		return cmd_import_oci(argc - 1, argv + 1);
	if (!strcmp(argv[1], "status"))
		return cmd_status(argc - 1, argv + 1);
	if (!strcmp(argv[1], "attach"))
		return cmd_attach(argc - 1, argv + 1);
	if (!strcmp(argv[1], "stats"))
		return cmd_stats(argc - 1, argv + 1);
	if (!strcmp(argv[1], "trace"))
		return cmd_trace(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version"))
		return cmd_version();
	if (!strcmp(argv[1], "syscalls"))
		return cmd_syscalls(argc - 1, argv + 1);
	return usage_error("unknown command '%s'", argv[1]);
}
