// SPDX-License-Identifier: GPL-2.0
/*
 * OCI runtime-spec seccomp profiles (what Docker, Podman and Kubernetes
 * use) to classic BPF, through libseccomp as runc does it:
 *
 *  - seccomp_init(defaultAction), the native arch plus the archMap entry
 *    for SCMP_ARCH_X86_64 (or the legacy "architectures" list);
 *  - one rule per syscall name with the group's action and conditions;
 *    conditions on distinct arguments are ANDed in one rule, conditions
 *    repeated on the same argument become one rule each (libseccomp cannot
 *    AND them), as runc does;
 *  - a group whose action is the default action is skipped (libseccomp
 *    refuses such rules);
 *  - includes/excludes: "arches" against amd64 (and x32/x86 subarchs are
 *    never the running arch), "caps" against the capabilities given,
 *    "minKernel" against Linux 6.1, the kernel sealjit targets;
 *  - unknown syscall names are skipped with a warning, as runc does.
 *
 * JSON is parsed with jansson.
 *
 * sj_oci_to_policy() walks the profile the same way and writes it as a
 * policy (Documentation/policy.rst) instead: the same groups, includes
 * and excludes, unknown names skipped the same way (libseccomp's table
 * decides, as it does for runc), and other architectures killing the
 * thread, as libseccomp's filters do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "oci.h"
#include "policy.h"

#define TARGET_ARCH	"amd64"
#define TARGET_KERNEL	((6 << 16) | (1 << 8))
#define MAX_ARGS	6

struct oci_ctx {
	const struct sj_oci_opts *opts;
	scmp_filter_ctx sc;
	FILE *out;		/* writing a policy, not compiling */
	bool arches[SJ_NARCHES];
	uint32_t default_action;
	unsigned int default_errno;
	char *err;
	size_t errsize;
};

static __printf(2, 3) int fail(struct oci_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errsize, fmt, ap);
	va_end(ap);
	return -1;
}

/* "SCMP_ACT_ERRNO" and an errno value to libseccomp's action. */
static int parse_action(struct oci_ctx *c, const char *name, json_t *errno_ret,
			uint32_t *action)
{
	unsigned int e = errno_ret ? (unsigned int)json_integer_value(errno_ret) :
				     c->default_errno;

	if (!name)
		return fail(c, "action missing");
	if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
		*action = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
		*action = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(name, "SCMP_ACT_TRAP"))
		*action = SCMP_ACT_TRAP;
	else if (!strcmp(name, "SCMP_ACT_ERRNO"))
		*action = SCMP_ACT_ERRNO(e);
	else if (!strcmp(name, "SCMP_ACT_TRACE"))
		*action = SCMP_ACT_TRACE(e);
	else if (!strcmp(name, "SCMP_ACT_ALLOW"))
		*action = SCMP_ACT_ALLOW;
	else if (!strcmp(name, "SCMP_ACT_LOG"))
		*action = SCMP_ACT_LOG;
	else if (!strcmp(name, "SCMP_ACT_NOTIFY"))
		*action = SCMP_ACT_NOTIFY;
	else
		return fail(c, "unknown action %s", name);
	return 0;
}

static int parse_op(struct oci_ctx *c, const char *name, enum scmp_compare *op)
{
	static const struct { const char *name; enum scmp_compare op; } ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(ops); i++) {
		if (!strcmp(name, ops[i].name)) {
			*op = ops[i].op;
			return 0;
		}
	}
	return fail(c, "unknown comparison %s", name ? name : "(none)");
}

static bool in_array(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return true;
	return false;
}

static bool has_cap(struct oci_ctx *c, const char *cap)
{
	unsigned int i;

	for (i = 0; i < c->opts->ncaps; i++)
		if (!strcmp(c->opts->caps[i], cap))
			return true;
	return false;
}

/* "5.8" and the like against the target kernel. */
static bool kernel_at_least(const char *version)
{
	unsigned int major = 0, minor = 0;

	if (sscanf(version, "%u.%u", &major, &minor) < 1)
		return false;
	return ((major << 16) | (minor << 8)) <= TARGET_KERNEL;
}

/* As Docker: every included cap must be held, no excluded one may be. */
static bool group_applies(struct oci_ctx *c, json_t *group)
{
	json_t *inc = json_object_get(group, "includes");
	json_t *exc = json_object_get(group, "excludes");
	json_t *arr, *v;
	size_t i;

	arr = json_object_get(inc, "arches");
	if (json_array_size(arr) && !in_array(arr, TARGET_ARCH))
		return false;
	arr = json_object_get(inc, "caps");
	json_array_foreach(arr, i, v)
		if (!json_is_string(v) || !has_cap(c, json_string_value(v)))
			return false;
	v = json_object_get(inc, "minKernel");
	if (json_is_string(v) && !kernel_at_least(json_string_value(v)))
		return false;
	arr = json_object_get(exc, "arches");
	if (in_array(arr, TARGET_ARCH))
		return false;
	arr = json_object_get(exc, "caps");
	json_array_foreach(arr, i, v)
		if (json_is_string(v) && has_cap(c, json_string_value(v)))
			return false;
	return true;
}

static int parse_args(struct oci_ctx *c, json_t *args, struct scmp_arg_cmp *cmp,
		      unsigned int *n)
{
	size_t i;
	json_t *a;

	*n = 0;
	json_array_foreach(args, i, a) {
		json_t *index = json_object_get(a, "index");

		if (*n == MAX_ARGS * 2 || !json_is_integer(index) ||
		    json_integer_value(index) < 0 ||
		    json_integer_value(index) >= MAX_ARGS)
			return fail(c, "bad argument condition");
		cmp[*n].arg = (unsigned int)json_integer_value(index);
		cmp[*n].datum_a = (scmp_datum_t)json_integer_value(json_object_get(a, "value"));
		cmp[*n].datum_b = (scmp_datum_t)json_integer_value(json_object_get(a, "valueTwo"));
		if (parse_op(c, json_string_value(json_object_get(a, "op")),
			     &cmp[*n].op))
			return -1;
		(*n)++;
	}
	return 0;
}

static bool repeats_an_argument(const struct scmp_arg_cmp *cmp, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (cmp[i].arg == cmp[j].arg)
				return true;
	return false;
}

static int add_rule(struct oci_ctx *c, const char *name, uint32_t action,
		    const struct scmp_arg_cmp *cmp, unsigned int n)
{
	int nr = seccomp_syscall_resolve_name(name);
	int err;

	if (nr == __NR_SCMP_ERROR) {
		if (c->opts->warn)
			fprintf(c->opts->warn,
				"sealjit: warning: unknown syscall %s: skipped\n",
				name);
		return 0;
	}
	err = seccomp_rule_add_array(c->sc, action, nr, n, cmp);
	if (err)
		return fail(c, "rule for %s: %s", name, strerror(-err));
	return 0;
}

static const uint32_t scmp_token[SJ_NARCHES] = {
	[SJ_ARCH_X86_64] = SCMP_ARCH_X86_64,
	[SJ_ARCH_X32] = SCMP_ARCH_X32,
	[SJ_ARCH_I386] = SCMP_ARCH_X86,
};

/*
 * How @name goes into the policy.  libseccomp's tables decide, as they do
 * for runc: 1 if on every covered class libseccomp and the kernel's tables
 * agree (the name is written once); 0 if they differ somewhere, with
 * libseccomp's numbers in @nr (-1 where it has none); -1 if it has none
 * anywhere
 * (skipped, with a warning).
 */
static int resolve_name(struct oci_ctx *c, const char *name,
			long nr[SJ_NARCHES])
{
	bool same = true, any = false;
	int a, lib;

	for (a = 0; a < SJ_NARCHES; a++) {
		nr[a] = -1;
		if (!c->arches[a])
			continue;
		lib = seccomp_syscall_resolve_name_arch(scmp_token[a], name);
		/*
		 * A pseudo-number: libseccomp filters the multiplexed call
		 * (socketcall, ipc) and the direct one where the kernel's
		 * table has it.
		 */
		if (lib < 0 && lib != __NR_SCMP_ERROR)
			lib = sj_syscall_nr(a, name);
		nr[a] = lib >= 0 ? lib : -1;
		same &= nr[a] == sj_syscall_nr(a, name);
		any |= nr[a] >= 0;
	}
	if (!any && c->opts->warn)
		fprintf(c->opts->warn,
			"sealjit: warning: unknown syscall %s: skipped\n", name);
	return any ? same : -1;
}

static void write_cmp(FILE *out, const struct scmp_arg_cmp *cmp)
{
	static const char *const ops[] = {
		[SCMP_CMP_NE] = "!=", [SCMP_CMP_LT] = "<",
		[SCMP_CMP_LE] = "<=", [SCMP_CMP_EQ] = "==",
		[SCMP_CMP_GE] = ">=", [SCMP_CMP_GT] = ">",
	};

	if (cmp->op == SCMP_CMP_MASKED_EQ)
		fprintf(out, "arg%u & %#llx == %#llx", cmp->arg,
			(unsigned long long)cmp->datum_a,
			(unsigned long long)cmp->datum_b);
	else
		fprintf(out, "arg%u %s %#llx", cmp->arg, ops[cmp->op],
			(unsigned long long)cmp->datum_a);
}

/* "ACTION a, b, ..." wrapped at 72 columns, one target at a time. */
static void put_target(FILE *out, unsigned int *col, unsigned int *count,
		       const char *act, const char *target)
{
	if (!(*count)++)
		*col = fprintf(out, "%s ", act);
	else if (*col + strlen(target) > 70 && fprintf(out, ",\n\t") > 0)
		*col = 8;
	else
		*col += fprintf(out, ", ");
	*col += fprintf(out, "%s", target);
}

static void write_cond(FILE *out, const struct scmp_arg_cmp *cmp,
		       unsigned int n)
{
	const char *sep = repeats_an_argument(cmp, n) ? " or " : " and ";
	unsigned int i;

	for (i = 0; i < n; i++) {
		fprintf(out, "%s", i ? sep : "\n\tif ");
		write_cmp(out, &cmp[i]);
	}
	fprintf(out, ";\n");
}

/*
 * One rule for the group.  Conditions on distinct arguments are ANDed;
 * conditions repeating an argument are ORed, as the rules add_group()
 * gives libseccomp.  Names whose numbers libseccomp sees otherwise than
 * the kernel's tables (newer than Linux 6.1, say) follow as numbers in
 * arch sections, so that the policy filters what libseccomp's filter
 * would.
 */
static int write_group(struct oci_ctx *c, json_t *group, uint32_t action,
		       const struct scmp_arg_cmp *cmp, unsigned int n)
{
	json_t *names = json_object_get(group, "names"), *v;
	unsigned int col[SJ_NARCHES + 1] = { 0 }, count[SJ_NARCHES + 1] = { 0 };
	long nr[SJ_NARCHES];
	char act[32], num[24];
	const char *name;
	int a, ret;
	size_t k;
	FILE *f[SJ_NARCHES + 1] = { c->out };

	sj_policy_action_str(action, act, sizeof(act));
	/* Arch sections are gathered apart, then follow the rule. */
	for (a = 0; a < SJ_NARCHES; a++) {
		f[a + 1] = tmpfile();
		if (!f[a + 1]) {
			ret = fail(c, "tmpfile: %s", strerror(errno));
			goto out;
		}
	}
	json_array_foreach(names, k, v) {
		ret = -1;
		if (!json_is_string(v)) {
			fail(c, "syscall name is not a string");
			goto out;
		}
		name = json_string_value(v);
		switch (resolve_name(c, name, nr)) {
		case 1:
			put_target(f[0], &col[0], &count[0], act, name);
			break;
		case 0:
			for (a = 0; a < SJ_NARCHES; a++) {
				if (nr[a] < 0)
					continue;
				snprintf(num, sizeof(num), "%ld", nr[a]);
				put_target(f[a + 1], &col[a + 1], &count[a + 1],
					   act, nr[a] == sj_syscall_nr(a, name) ?
					   name : num);
			}
			break;
		}
	}
	if (count[0])
		write_cond(c->out, cmp, n);
	for (a = 0; a < SJ_NARCHES; a++) {
		if (!count[a + 1])
			continue;
		fprintf(c->out, "arch %s {\n\t", sj_syscall_tables[a].arch);
		rewind(f[a + 1]);
		while ((ret = fgetc(f[a + 1])) != EOF)
			fputc(ret, c->out);
		write_cond(c->out, cmp, n);
		fprintf(c->out, "}\n");
	}
	ret = 0;
out:
	for (a = 0; a < SJ_NARCHES; a++)
		if (f[a + 1])
			fclose(f[a + 1]);
	return ret;
}

static int add_group(struct oci_ctx *c, json_t *group)
{
	struct scmp_arg_cmp cmp[MAX_ARGS * 2];
	json_t *names = json_object_get(group, "names"), *v;
	uint32_t action;
	unsigned int n, i;
	size_t k;

	if (!group_applies(c, group))
		return 0;
	if (parse_action(c, json_string_value(json_object_get(group, "action")),
			 json_object_get(group, "errnoRet"), &action) ||
	    parse_args(c, json_object_get(group, "args"), cmp, &n))
		return -1;
	if (action == c->default_action)
		return 0;
	if (c->out)
		return write_group(c, group, action, cmp, n);
	if (!names && json_is_string(json_object_get(group, "name")))
		return add_rule(c, json_string_value(json_object_get(group, "name")),
				action, cmp, n);
	json_array_foreach(names, k, v) {
		if (!json_is_string(v))
			return fail(c, "syscall name is not a string");
		if (!repeats_an_argument(cmp, n)) {
			if (add_rule(c, json_string_value(v), action, cmp, n))
				return -1;
			continue;
		}
		for (i = 0; i < n; i++)
			if (add_rule(c, json_string_value(v), action, &cmp[i], 1))
				return -1;
	}
	return 0;
}

/* "SCMP_ARCH_X86" -> libseccomp's token, for the x86 family only. */
static int add_arch(struct oci_ctx *c, const char *name)
{
	static const struct { const char *name; uint32_t token; } arches[] = {
		[SJ_ARCH_X86_64] = { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
		[SJ_ARCH_X32] = { "SCMP_ARCH_X32", SCMP_ARCH_X32 },
		[SJ_ARCH_I386] = { "SCMP_ARCH_X86", SCMP_ARCH_X86 },
	};
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(arches); i++) {
		if (strcmp(name, arches[i].name))
			continue;
		c->arches[i] = true;	/* the order of enum sj_arch */
		if (c->out)
			return 0;
		err = seccomp_arch_add(c->sc, arches[i].token);
		if (err && err != -EEXIST)
			return fail(c, "arch %s: %s", name, strerror(-err));
		return 0;
	}
	return 0;	/* another machine's arch: not ours to add */
}

static int add_arches(struct oci_ctx *c, json_t *root)
{
	json_t *map = json_object_get(root, "archMap"), *e, *v;
	size_t i, j;

	json_array_foreach(json_object_get(root, "architectures"), i, v)
		if (json_is_string(v) && add_arch(c, json_string_value(v)))
			return -1;
	json_array_foreach(map, i, e) {
		const char *arch = json_string_value(json_object_get(e, "architecture"));

		if (!arch || strcmp(arch, "SCMP_ARCH_X86_64"))
			continue;
		json_array_foreach(json_object_get(e, "subArchitectures"), j, v)
			if (json_is_string(v) && add_arch(c, json_string_value(v)))
				return -1;
	}
	return 0;
}

static int export(struct oci_ctx *c, struct sock_filter **prog, u32 *len)
{
	int fd = memfd_create("sealjit-oci", MFD_CLOEXEC), err;
	off_t size;

	if (fd < 0)
		return fail(c, "memfd_create: %s", strerror(errno));
	err = seccomp_export_bpf(c->sc, fd);
	size = lseek(fd, 0, SEEK_END);
	if (err || size <= 0 || size % sizeof(struct sock_filter)) {
		close(fd);
		return fail(c, "seccomp_export_bpf: %s",
			    err ? strerror(-err) : "bad size");
	}
	*prog = malloc(size);
	if (!*prog || pread(fd, *prog, size, 0) != size) {
		free(*prog);
		close(fd);
		return fail(c, "reading the exported filter failed");
	}
	*len = (u32)(size / sizeof(struct sock_filter));
	close(fd);
	return 0;
}

/* The policy's head, once the arches are known. */
static void write_head(struct oci_ctx *c, const char *path)
{
	char act[32];
	int a;

	fprintf(c->out, "# %s, as `sealjit import-oci --policy` wrote it.\n",
		path);
	fprintf(c->out, "arches");
	for (a = 0; a < SJ_NARCHES; a++)
		if (c->arches[a])
			fprintf(c->out, " %s", sj_syscall_tables[a].arch);
	sj_policy_action_str(c->default_action, act, sizeof(act));
	fprintf(c->out, ";\ndefault %s;\n", act);
	fprintf(c->out, "other-arches kill-thread;\t# as libseccomp's filters\n");
}

/* Compiles through libseccomp (@prog), or writes a policy (c->out). */
static int walk(struct oci_ctx *c, const char *path, struct sock_filter **prog,
		u32 *len)
{
	const struct sj_oci_opts *opts = c->opts;
	json_error_t jerr;
	json_t *root, *group, *v;
	size_t i;
	int ret = -1;

	root = json_load_file(path, 0, &jerr);
	if (!root)
		return fail(c, "%s:%d: %s", path, jerr.line, jerr.text);
	v = json_object_get(root, "defaultErrnoRet");
	c->default_errno = json_is_integer(v) ? (unsigned int)json_integer_value(v) :
						EPERM;
	if (parse_action(c, json_string_value(json_object_get(root, "defaultAction")),
			 NULL, &c->default_action))
		goto out;
	/* libseccomp always filters for the native arch. */
	c->arches[SJ_ARCH_X86_64] = true;
	if (!c->out) {
		c->sc = seccomp_init(c->default_action);
		if (!c->sc) {
			fail(c, "seccomp_init failed");
			goto out;
		}
		if (seccomp_attr_set(c->sc, SCMP_FLTATR_CTL_OPTIMIZE,
				     opts->optimize ? opts->optimize : 1)) {
			fail(c, "libseccomp cannot set optimisation level %d",
			     opts->optimize);
			goto out;
		}
	}
	if (add_arches(c, root))
		goto out;
	if (c->out)
		write_head(c, path);
	json_array_foreach(json_object_get(root, "syscalls"), i, group)
		if (add_group(c, group))
			goto out;
	ret = c->out ? 0 : export(c, prog, len);
out:
	if (c->sc)
		seccomp_release(c->sc);
	json_decref(root);
	return ret;
}

/**
 * sj_oci_compile() - compile an OCI seccomp profile to a filter
 * @path: the JSON profile
 * @opts: capabilities, optimisation level, where warnings go
 * @prog: out: the filter (malloc()ed)
 * @len: out: its length
 * @err: out: why it failed
 * @errsize: size of @err
 *
 * Return: 0, or -1 with @err set.
 */
int sj_oci_compile(const char *path, const struct sj_oci_opts *opts,
		   struct sock_filter **prog, u32 *len, char *err,
		   size_t errsize)
{
	struct oci_ctx c = { .opts = opts, .err = err, .errsize = errsize };

	return walk(&c, path, prog, len);
}

/**
 * sj_oci_to_policy() - write an OCI seccomp profile as a policy
 * @path: the JSON profile
 * @opts: capabilities, where warnings go
 * @out: where the policy goes
 * @err: out: why it failed
 * @errsize: size of @err
 *
 * Return: 0, or -1 with @err set.
 */
int sj_oci_to_policy(const char *path, const struct sj_oci_opts *opts,
		     FILE *out, char *err, size_t errsize)
{
	struct oci_ctx c = { .opts = opts, .out = out, .err = err,
			     .errsize = errsize };

	return walk(&c, path, NULL, NULL);
}
