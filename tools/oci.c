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

#define TARGET_ARCH	"amd64"
#define TARGET_KERNEL	((6 << 16) | (1 << 8))
#define MAX_ARGS	6

struct oci_ctx {
	const struct sj_oci_opts *opts;
	scmp_filter_ctx sc;
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
		{ "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
		{ "SCMP_ARCH_X86", SCMP_ARCH_X86 },
		{ "SCMP_ARCH_X32", SCMP_ARCH_X32 },
	};
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(arches); i++) {
		if (strcmp(name, arches[i].name))
			continue;
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
	json_error_t jerr;
	json_t *root, *group, *v;
	size_t i;
	int ret = -1;

	root = json_load_file(path, 0, &jerr);
	if (!root)
		return fail(&c, "%s:%d: %s", path, jerr.line, jerr.text);
	v = json_object_get(root, "defaultErrnoRet");
	c.default_errno = json_is_integer(v) ? (unsigned int)json_integer_value(v) :
					       EPERM;
	if (parse_action(&c, json_string_value(json_object_get(root, "defaultAction")),
			 NULL, &c.default_action))
		goto out;
	c.sc = seccomp_init(c.default_action);
	if (!c.sc) {
		fail(&c, "seccomp_init failed");
		goto out;
	}
	if (seccomp_attr_set(c.sc, SCMP_FLTATR_CTL_OPTIMIZE,
			     opts->optimize ? opts->optimize : 1)) {
		fail(&c, "libseccomp cannot set optimisation level %d",
		     opts->optimize);
		goto out;
	}
	if (add_arches(&c, root))
		goto out;
	json_array_foreach(json_object_get(root, "syscalls"), i, group)
		if (add_group(&c, group))
			goto out;
	ret = export(&c, prog, len);
out:
	if (c.sc)
		seccomp_release(c.sc);
	json_decref(root);
	return ret;
}
