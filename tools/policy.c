// SPDX-License-Identifier: GPL-2.0
/*
 * The policy language (Documentation/policy.rst): a lexer, a recursive
 * descent parser that records what was written, then a resolution pass
 * that turns syscall names and groups into numbers for each class and
 * settles defaults.  Every error is "file:line:column: what was expected".
 *
 * sj_policy_eval() at the end is the specification of tools/policy.h,
 * written out for tests; neither the compiler nor the checker calls it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>

#include "filter_file.h"
#include "policy.h"

#define MAX_INCLUDE_DEPTH	16

/* What may come where, for "expected ..." messages. */
#define ACTIONS "an action (allow, log, errno NAME, trap, trace, notify, " \
	"kill-thread, kill-process)"
#define RULE "a rule (an action, then system calls)"
#define TOP_STATEMENTS RULE " or default, unknown-syscalls, other-arches, " \
	"arches, group, include, arch"
#define ARCH_STATEMENTS RULE ", default or unknown-syscalls"
#define MAX_ERRNO		4095

/* Everything a policy owns, freed together. */
struct arena {
	struct arena *next;
	char data[];
};

enum tok {
	T_EOF, T_NAME, T_GROUP, T_NUM, T_STRING, T_SEMI, T_COMMA, T_LBRACE,
	T_RBRACE, T_LPAREN, T_RPAREN, T_AMP, T_ASSIGN, T_EQ, T_NE, T_LT, T_LE,
	T_GT, T_GE,
};

struct token {
	enum tok kind;
	const char *s;		/* NAME, GROUP (after '@'), STRING */
	size_t n;
	uint64_t num;
	unsigned int line, col;
};

struct lexer {
	const char *file;
	const char *p, *end, *bol;
	unsigned int line;
	struct token tok;	/* the current token */
};

/* A syscall or group as written, kept for resolution and its messages. */
struct target {
	char *name;		/* NULL: a number */
	uint32_t nr;
	bool group;
	const char *file;
	unsigned int line, col;
};

struct raw_rule {
	uint32_t action;
	int section;		/* a class, or -1 for the top level */
	struct target *targets;
	unsigned int ntargets;
	struct sj_cond *cond;
	const char *file;
	unsigned int line;
};

struct user_group {
	char *name;
	struct target *targets;
	unsigned int ntargets;
};

/* What the statements set, per scope: the top level or one class. */
struct setting {
	bool set;
	uint32_t action;
	const char *file;
	unsigned int line;
};

struct parser {
	struct arena **arena;
	char *err;
	size_t errsize;
	int depth;
	bool arches_set, any_rule;
	bool top_covers[SJ_NARCHES];
	bool section_seen[SJ_NARCHES];
	struct setting top_default, top_unknown, other;
	struct setting sec_default[SJ_NARCHES], sec_unknown[SJ_NARCHES];
	struct raw_rule *rules;
	unsigned int nrules;
	struct user_group *groups;
	unsigned int ngroups;
};

/* Groups that come with the language; members absent on a class are skipped. */
static const struct {
	const char *name;
	const char *const *calls;
} builtin_groups[] = {
	{ "static-start", (const char *const[]){
		"execve", "brk", "arch_prctl", "set_thread_area",
		"set_tid_address", "set_robust_list", "rseq", "uname",
		"prlimit64", "getrandom", "mmap", "mmap2", "munmap",
		"mprotect", "readlink", "readlinkat", "rt_sigprocmask",
		"rt_sigaction", "rt_sigreturn", "sigreturn", "exit",
		"exit_group", NULL } },
	{ "io", (const char *const[]){
		"read", "write", "readv", "writev", "pread64", "pwrite64",
		"lseek", "_llseek", "close", "fstat", "fstat64", "newfstatat",
		"fstatat64", "statx", "dup", "dup2", "dup3", "fcntl",
		"fcntl64", "ioctl", "poll", "ppoll", "select", "_newselect",
		"pselect6", NULL } },
	{ "network", (const char *const[]){
		"socket", "socketpair", "bind", "connect", "listen", "accept",
		"accept4", "getsockname", "getpeername", "sendto", "recvfrom",
		"sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
		"setsockopt", "getsockopt", "socketcall", NULL } },
	{ "process", (const char *const[]){
		"fork", "vfork", "clone", "clone3", "execve", "execveat",
		"wait4", "waitid", "waitpid", "exit", "exit_group", "kill",
		"tkill", "tgkill", "getpid", "getppid", "gettid", "setsid",
		"setpgid", "getpgid", "getpgrp", NULL } },
};

static void *arena_alloc(struct arena **a, size_t size)
{
	struct arena *blk = calloc(1, sizeof(*blk) + size);

	if (!blk) {
		perror("sealjit");
		exit(2);
	}
	blk->next = *a;
	*a = blk;
	return blk->data;
}

static char *arena_strndup(struct arena **a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);

	memcpy(d, s, n);
	return d;
}

static void *grow(void *p, unsigned int n, size_t size)
{
	/* Doubles at each power of two. */
	if (n && (n & (n - 1)))
		return p;
	p = realloc(p, (n ? 2 * n : 1) * size);
	if (!p) {
		perror("sealjit");
		exit(2);
	}
	return p;
}

static int __printf(5, 6)
error_at(struct parser *ps, const char *file, unsigned int line,
	 unsigned int col, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = snprintf(ps->err, ps->errsize, "%s:%u:%u: ", file, line, col);
	if (n < ps->errsize) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errsize - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const char *tok_name(enum tok k)
{
	static const char *const names[] = {
		[T_EOF] = "end of file", [T_NAME] = "a name",
		[T_GROUP] = "a @group", [T_NUM] = "a number",
		[T_STRING] = "a string", [T_SEMI] = "';'", [T_COMMA] = "','",
		[T_LBRACE] = "'{'", [T_RBRACE] = "'}'", [T_LPAREN] = "'('",
		[T_RPAREN] = "')'", [T_AMP] = "'&'", [T_ASSIGN] = "'='",
		[T_EQ] = "'=='", [T_NE] = "'!='", [T_LT] = "'<'",
		[T_LE] = "'<='", [T_GT] = "'>'", [T_GE] = "'>='",
	};

	return names[k];
}

/* "expected X, found Y" at the current token. */
static int complain(struct parser *ps, struct lexer *lx, const char *what)
{
	const struct token *t = &lx->tok;

	if (t->kind == T_NAME || t->kind == T_GROUP)
		return error_at(ps, lx->file, t->line, t->col,
				"expected %s, found %s'%.*s'", what,
				t->kind == T_GROUP ? "@" : "", (int)t->n, t->s);
	return error_at(ps, lx->file, t->line, t->col,
			"expected %s, found %s", what, tok_name(t->kind));
}

static bool is_name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && ((c >= '0' && c <= '9') || c == '-'));
}

static int lex_number(struct parser *ps, struct lexer *lx, struct token *t)
{
	bool neg = *lx->p == '-';
	const char *s = lx->p + neg;
	uint64_t v = 0, base = 10, d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	lx->p = s;
	while (lx->p < lx->end) {
		char c = *lx->p;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return error_at(ps, lx->file, t->line, t->col,
					"number does not fit in 64 bits");
		v = v * base + d;
		lx->p++;
	}
	if (lx->p == s || (lx->p < lx->end && is_name_char(*lx->p, false)))
		return error_at(ps, lx->file, t->line, t->col,
				"malformed number");
	/* -N is N's two's complement: -1 is 0xffffffffffffffff. */
	t->num = neg ? -v : v;
	t->kind = T_NUM;
	return 0;
}

static int lex_punct(struct parser *ps, struct lexer *lx, struct token *t)
{
	static const struct { const char *s; enum tok k; } ops[] = {
		{ "==", T_EQ }, { "!=", T_NE }, { "<=", T_LE }, { ">=", T_GE },
		{ "<", T_LT }, { ">", T_GT }, { "=", T_ASSIGN }, { ";", T_SEMI },
		{ ",", T_COMMA }, { "{", T_LBRACE }, { "}", T_RBRACE },
		{ "(", T_LPAREN }, { ")", T_RPAREN }, { "&", T_AMP },
	};
	unsigned int i;
	size_t n;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		n = strlen(ops[i].s);
		if ((size_t)(lx->end - lx->p) >= n &&
		    !memcmp(lx->p, ops[i].s, n)) {
			t->kind = ops[i].k;
			lx->p += n;
			return 0;
		}
	}
	if ((unsigned char)*lx->p < 0x20 || (unsigned char)*lx->p > 0x7e)
		return error_at(ps, lx->file, t->line, t->col,
				"unexpected byte 0x%02x",
				(unsigned char)*lx->p);
	return error_at(ps, lx->file, t->line, t->col,
			"unexpected character '%c'", *lx->p);
}

static void skip_space(struct lexer *lx)
{
	while (lx->p < lx->end) {
		if (*lx->p == '\n') {
			lx->line++;
			lx->bol = ++lx->p;
		} else if (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r') {
			lx->p++;
		} else if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else {
			break;
		}
	}
}

/* Reads the next token into lx->tok. */
static int next(struct parser *ps, struct lexer *lx)
{
	struct token *t = &lx->tok;
	const char *s;

	skip_space(lx);
	memset(t, 0, sizeof(*t));
	t->line = lx->line;
	t->col = lx->p - lx->bol + 1;
	if (lx->p >= lx->end) {
		t->kind = T_EOF;
		return 0;
	}
	s = lx->p;
	if ((*s >= '0' && *s <= '9') || (*s == '-' && lx->end - s > 1 &&
					 s[1] >= '0' && s[1] <= '9'))
		return lex_number(ps, lx, t);
	if (*s == '@' || is_name_char(*s, true)) {
		t->kind = *s == '@' ? T_GROUP : T_NAME;
		lx->p += *s == '@';
		t->s = lx->p;
		while (lx->p < lx->end && is_name_char(*lx->p, lx->p == t->s))
			lx->p++;
		t->n = lx->p - t->s;
		if (!t->n)
			return error_at(ps, lx->file, t->line, t->col,
					"expected a group name after '@'");
		return 0;
	}
	if (*s == '"') {
		t->kind = T_STRING;
		t->s = ++lx->p;
		while (lx->p < lx->end && *lx->p != '"' && *lx->p != '\n')
			lx->p++;
		if (lx->p >= lx->end || *lx->p != '"')
			return error_at(ps, lx->file, t->line, t->col,
					"unterminated string");
		t->n = lx->p++ - t->s;
		return 0;
	}
	return lex_punct(ps, lx, t);
}

static bool is_word(const struct lexer *lx, const char *w)
{
	return lx->tok.kind == T_NAME && lx->tok.n == strlen(w) &&
	       !memcmp(lx->tok.s, w, lx->tok.n);
}

static int expect(struct parser *ps, struct lexer *lx, enum tok k)
{
	if (lx->tok.kind != k)
		return complain(ps, lx, tok_name(k));
	return next(ps, lx);
}

static int errno_by_name(const char *s, size_t n)
{
	const char *name;
	int e;

	for (e = 1; e <= MAX_ERRNO; e++) {
		name = strerrorname_np(e);
		if (name && strlen(name) == n && !memcmp(name, s, n))
			return e;
	}
	return -1;
}

/* An optional number after trap or trace, up to @max. */
static int action_data(struct parser *ps, struct lexer *lx, uint32_t max,
		       uint32_t *data)
{
	*data = 0;
	if (lx->tok.kind != T_NUM)
		return 0;
	if (lx->tok.num > max)
		return error_at(ps, lx->file, lx->tok.line, lx->tok.col,
				"expected a number up to %u", max);
	*data = lx->tok.num;
	return next(ps, lx);
}

static int parse_errno(struct parser *ps, struct lexer *lx, uint32_t *data)
{
	int e;

	if (lx->tok.kind == T_NUM && lx->tok.num <= MAX_ERRNO) {
		*data = lx->tok.num;
		return next(ps, lx);
	}
	if (lx->tok.kind == T_NAME) {
		e = errno_by_name(lx->tok.s, lx->tok.n);
		if (e > 0) {
			*data = e;
			return next(ps, lx);
		}
	}
	return complain(ps, lx, "an errno name (such as EPERM) or a number up to 4095");
}

static const struct {
	const char *name;
	uint32_t ret;
} action_names[] = {
	{ "allow", SECCOMP_RET_ALLOW },
	{ "log", SECCOMP_RET_LOG },
	{ "kill-process", SECCOMP_RET_KILL_PROCESS },
	{ "kill-thread", SECCOMP_RET_KILL_THREAD },
	{ "trap", SECCOMP_RET_TRAP },
	{ "errno", SECCOMP_RET_ERRNO },
	{ "trace", SECCOMP_RET_TRACE },
	{ "notify", SECCOMP_RET_USER_NOTIF },
};

/* @ret as the policy language writes it: "errno EPERM", "trap 3". */
void sj_policy_action_str(uint32_t ret, char *buf, size_t size)
{
	uint32_t data = ret & SECCOMP_RET_DATA, action = ret & ~SECCOMP_RET_DATA;
	const char *e;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(action_names); i++)
		if (action_names[i].ret == action)
			break;
	if (i == ARRAY_SIZE(action_names)) {
		snprintf(buf, size, "unknown action %#x", ret);
		return;
	}
	e = action == SECCOMP_RET_ERRNO && data <= MAX_ERRNO ?
	    strerrorname_np(data) : NULL;
	if (e)
		snprintf(buf, size, "errno %s", e);
	else if (data || action == SECCOMP_RET_ERRNO)
		snprintf(buf, size, "%s %u", action_names[i].name, data);
	else
		snprintf(buf, size, "%s", action_names[i].name);
}

static bool is_action(const struct lexer *lx)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(action_names); i++)
		if (is_word(lx, action_names[i].name))
			return true;
	return false;
}

static int parse_action(struct parser *ps, struct lexer *lx, uint32_t *ret)
{
	uint32_t data = 0;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(action_names); i++)
		if (is_word(lx, action_names[i].name))
			break;
	if (i == ARRAY_SIZE(action_names))
		return complain(ps, lx, ACTIONS);
	*ret = action_names[i].ret;
	err = next(ps, lx);
	if (err)
		return err;
	if (*ret == SECCOMP_RET_ERRNO)
		err = parse_errno(ps, lx, &data);
	else if (*ret == SECCOMP_RET_TRAP || *ret == SECCOMP_RET_TRACE)
		err = action_data(ps, lx, SECCOMP_RET_DATA, &data);
	*ret |= data;
	return err;
}

/* target { ',' target }: syscall names and @groups. */
static int parse_targets(struct parser *ps, struct lexer *lx,
			 struct target **out, unsigned int *n)
{
	struct target *t = NULL;
	unsigned int k = 0;
	int err;

	for (;;) {
		if (lx->tok.kind != T_NAME && lx->tok.kind != T_GROUP &&
		    lx->tok.kind != T_NUM) {
			free(t);
			return complain(ps, lx, "a system call name or number, or a @group");
		}
		if (lx->tok.kind == T_NUM && lx->tok.num > UINT32_MAX) {
			free(t);
			return error_at(ps, lx->file, lx->tok.line, lx->tok.col,
					"a system call number is 32 bits");
		}
		t = grow(t, k, sizeof(*t));
		t[k].name = lx->tok.kind == T_NUM ? NULL :
			    arena_strndup(ps->arena, lx->tok.s, lx->tok.n);
		t[k].nr = lx->tok.num;
		t[k].group = lx->tok.kind == T_GROUP;
		t[k].file = lx->file;
		t[k].line = lx->tok.line;
		t[k].col = lx->tok.col;
		k++;
		err = next(ps, lx);
		if (!err && lx->tok.kind == T_COMMA)
			err = next(ps, lx);
		else if (!err)
			break;
		if (err) {
			free(t);
			return err;
		}
	}
	/* Kept in the arena: the array was grown with realloc. */
	*out = arena_alloc(ps->arena, k * sizeof(*t));
	memcpy(*out, t, k * sizeof(*t));
	free(t);
	*n = k;
	return 0;
}

static struct sj_cond *new_cond(struct parser *ps, enum sj_cond_kind kind)
{
	struct sj_cond *c = arena_alloc(ps->arena, sizeof(*c));

	c->kind = kind;
	c->mask = ~0ull;
	return c;
}

static int parse_cond(struct parser *ps, struct lexer *lx, struct sj_cond **out);

static int parse_set(struct parser *ps, struct lexer *lx, struct sj_cond *c)
{
	uint64_t *v = NULL;
	unsigned int n = 0;
	int err = expect(ps, lx, T_LBRACE);

	while (!err) {
		if (lx->tok.kind != T_NUM) {
			err = complain(ps, lx, "a number");
			break;
		}
		v = grow(v, n, sizeof(*v));
		v[n++] = lx->tok.num;
		err = next(ps, lx);
		if (err || lx->tok.kind == T_RBRACE)
			break;
		err = expect(ps, lx, T_COMMA);
	}
	if (!err)
		err = next(ps, lx);
	if (!err) {
		c->set = arena_alloc(ps->arena, n * sizeof(*v));
		memcpy(c->set, v, n * sizeof(*v));
		c->nset = n;
	}
	free(v);
	return err;
}

/* argN [& MASK] (OP NUMBER | in { NUMBER, ... }) */
static int parse_atom(struct parser *ps, struct lexer *lx, struct sj_cond **out)
{
	static const enum tok ops[] = { T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE };
	struct sj_cond *c = new_cond(ps, SJ_COND_CMP);
	unsigned int i;
	int err;

	if (lx->tok.kind != T_NAME || lx->tok.n != 4 ||
	    memcmp(lx->tok.s, "arg", 3) || lx->tok.s[3] < '0' ||
	    lx->tok.s[3] > '5')
		return complain(ps, lx, "an argument (arg0 to arg5), 'not' or '('");
	c->arg = lx->tok.s[3] - '0';
	err = next(ps, lx);
	if (!err && lx->tok.kind == T_AMP) {
		err = next(ps, lx);
		if (!err && lx->tok.kind != T_NUM)
			return complain(ps, lx, "a mask");
		c->mask = lx->tok.num;
		if (!err)
			err = next(ps, lx);
	}
	if (err)
		return err;
	*out = c;
	if (is_word(lx, "in")) {
		c->kind = SJ_COND_IN;
		err = next(ps, lx);
		return err ? err : parse_set(ps, lx, c);
	}
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (lx->tok.kind == ops[i])
			break;
	if (i == ARRAY_SIZE(ops))
		return complain(ps, lx, "a comparison (==, !=, <, <=, >, >=) or 'in'");
	c->op = (enum sj_cmp)i;
	err = next(ps, lx);
	if (err)
		return err;
	if (lx->tok.kind != T_NUM)
		return complain(ps, lx, "a number");
	c->value = lx->tok.num;
	return next(ps, lx);
}

static int parse_unary(struct parser *ps, struct lexer *lx, struct sj_cond **out)
{
	struct sj_cond *c;
	int err;

	if (is_word(lx, "not")) {
		c = new_cond(ps, SJ_COND_NOT);
		*out = c;
		err = next(ps, lx);
		return err ? err : parse_unary(ps, lx, &c->l);
	}
	if (lx->tok.kind == T_LPAREN) {
		err = next(ps, lx);
		if (!err)
			err = parse_cond(ps, lx, out);
		return err ? err : expect(ps, lx, T_RPAREN);
	}
	return parse_atom(ps, lx, out);
}

/* Left-assoc chains of one operator: "a and b and c". */
static int parse_chain(struct parser *ps, struct lexer *lx, const char *word,
		       enum sj_cond_kind kind,
		       int (*sub)(struct parser *, struct lexer *,
				  struct sj_cond **),
		       struct sj_cond **out)
{
	struct sj_cond *c;
	int err = sub(ps, lx, out);

	while (!err && is_word(lx, word)) {
		c = new_cond(ps, kind);
		c->l = *out;
		*out = c;
		err = next(ps, lx);
		if (!err)
			err = sub(ps, lx, &c->r);
	}
	return err;
}

static int parse_and(struct parser *ps, struct lexer *lx, struct sj_cond **out)
{
	return parse_chain(ps, lx, "and", SJ_COND_AND, parse_unary, out);
}

static int parse_cond(struct parser *ps, struct lexer *lx, struct sj_cond **out)
{
	return parse_chain(ps, lx, "or", SJ_COND_OR, parse_and, out);
}

static int parse_rule(struct parser *ps, struct lexer *lx, int section)
{
	struct raw_rule r = { .section = section, .file = lx->file,
			      .line = lx->tok.line };
	int err = parse_action(ps, lx, &r.action);

	if (!err)
		err = parse_targets(ps, lx, &r.targets, &r.ntargets);
	if (!err && is_word(lx, "if")) {
		err = next(ps, lx);
		if (!err)
			err = parse_cond(ps, lx, &r.cond);
	}
	if (!err && lx->tok.kind != T_SEMI)
		err = complain(ps, lx, r.cond ? "'and', 'or' or ';'" :
			       "',', 'if' or ';'");
	if (err)
		return err;
	ps->rules = grow(ps->rules, ps->nrules, sizeof(r));
	ps->rules[ps->nrules++] = r;
	ps->any_rule = true;
	return next(ps, lx);
}

/* `default`, `unknown-syscalls`, `other-arches`: ACTION ';', once each. */
static int parse_setting(struct parser *ps, struct lexer *lx,
			 struct setting *s, const char *what)
{
	unsigned int line = lx->tok.line, col = lx->tok.col;
	int err;

	if (s->set)
		return error_at(ps, lx->file, line, col,
				"%s already set at %s:%u", what, s->file,
				s->line);
	err = next(ps, lx);
	if (!err)
		err = parse_action(ps, lx, &s->action);
	if (err)
		return err;
	s->set = true;
	s->file = lx->file;
	s->line = line;
	return expect(ps, lx, T_SEMI);
}

static int parse_arch_name(struct parser *ps, struct lexer *lx, int *arch)
{
	char name[16];

	if (lx->tok.kind == T_NAME && lx->tok.n < sizeof(name)) {
		memcpy(name, lx->tok.s, lx->tok.n);
		name[lx->tok.n] = 0;
		*arch = sj_arch_by_name(name);
		if (*arch >= 0)
			return next(ps, lx);
	}
	return complain(ps, lx, "an architecture (x86_64, x32 or i386)");
}

static int parse_arches(struct parser *ps, struct lexer *lx)
{
	int a, err;

	if (ps->arches_set || ps->any_rule)
		return error_at(ps, lx->file, lx->tok.line, lx->tok.col,
				"'arches' must come once, before any rule");
	ps->arches_set = true;
	err = next(ps, lx);
	do {
		if (!err)
			err = parse_arch_name(ps, lx, &a);
		if (!err)
			ps->top_covers[a] = true;
	} while (!err && lx->tok.kind == T_NAME);
	return err ? err : expect(ps, lx, T_SEMI);
}

static int parse_group_def(struct parser *ps, struct lexer *lx)
{
	struct user_group g;
	unsigned int i, line = lx->tok.line, col = lx->tok.col;
	int err = next(ps, lx);

	if (err)
		return err;
	if (lx->tok.kind != T_GROUP)
		return complain(ps, lx, "a @name for the group");
	g.name = arena_strndup(ps->arena, lx->tok.s, lx->tok.n);
	for (i = 0; i < ps->ngroups; i++)
		if (!strcmp(ps->groups[i].name, g.name))
			return error_at(ps, lx->file, line, col,
					"group @%s is defined twice", g.name);
	err = next(ps, lx);
	if (!err)
		err = expect(ps, lx, T_ASSIGN);
	if (!err)
		err = parse_targets(ps, lx, &g.targets, &g.ntargets);
	if (err)
		return err;
	ps->groups = grow(ps->groups, ps->ngroups, sizeof(g));
	ps->groups[ps->ngroups++] = g;
	return expect(ps, lx, T_SEMI);
}

static int parse_text(struct parser *ps, const char *name, const char *text,
		      size_t len);

static int parse_include(struct parser *ps, struct lexer *lx)
{
	unsigned int line = lx->tok.line, col = lx->tok.col;
	const char *slash = strrchr(lx->file, '/');
	char *path, *text;
	size_t size;
	int err = next(ps, lx);

	if (err)
		return err;
	if (lx->tok.kind != T_STRING || !lx->tok.n)
		return complain(ps, lx, "a file name in double quotes");
	if (ps->depth >= MAX_INCLUDE_DEPTH)
		return error_at(ps, lx->file, line, col,
				"includes nest deeper than %d (a cycle?)",
				MAX_INCLUDE_DEPTH);
	/* Relative to the including file, as C's #include "...". */
	if (lx->tok.s[0] == '/' || !slash) {
		path = arena_strndup(ps->arena, lx->tok.s, lx->tok.n);
	} else {
		path = arena_alloc(ps->arena, slash - lx->file + 2 + lx->tok.n);
		sprintf(path, "%.*s/%.*s", (int)(slash - lx->file), lx->file,
			(int)lx->tok.n, lx->tok.s);
	}
	if (sj_read_text(path, &text, &size))
		return error_at(ps, lx->file, line, col,
				"cannot read included file %s", path);
	ps->depth++;
	err = parse_text(ps, path, text, size);
	ps->depth--;
	free(text);
	if (err)
		return err;
	err = next(ps, lx);
	return err ? err : expect(ps, lx, T_SEMI);
}

static int parse_statement(struct parser *ps, struct lexer *lx, int section);

/* arch NAME { statements } */
static int parse_section(struct parser *ps, struct lexer *lx, int section)
{
	unsigned int line = lx->tok.line, col = lx->tok.col;
	int a, err;

	if (section >= 0)
		return error_at(ps, lx->file, line, col,
				"an arch section cannot hold another");
	err = next(ps, lx);
	if (!err)
		err = parse_arch_name(ps, lx, &a);
	if (!err)
		err = expect(ps, lx, T_LBRACE);
	if (!err)
		ps->section_seen[a] = true;
	while (!err && lx->tok.kind != T_RBRACE) {
		if (lx->tok.kind == T_EOF)
			return complain(ps, lx, "'}'");
		err = parse_statement(ps, lx, a);
	}
	return err ? err : next(ps, lx);
}

static int parse_statement(struct parser *ps, struct lexer *lx, int section)
{
	bool top = section < 0;

	if (is_word(lx, "default"))
		return parse_setting(ps, lx, top ? &ps->top_default :
				     &ps->sec_default[section], "default");
	if (is_word(lx, "unknown-syscalls"))
		return parse_setting(ps, lx, top ? &ps->top_unknown :
				     &ps->sec_unknown[section],
				     "unknown-syscalls");
	if (is_action(lx))
		return parse_rule(ps, lx, section);
	if (top && is_word(lx, "other-arches"))
		return parse_setting(ps, lx, &ps->other, "other-arches");
	if (top && is_word(lx, "arches"))
		return parse_arches(ps, lx);
	if (top && is_word(lx, "group"))
		return parse_group_def(ps, lx);
	if (top && is_word(lx, "include"))
		return parse_include(ps, lx);
	if (is_word(lx, "arch"))
		return parse_section(ps, lx, section);
	return complain(ps, lx, top ? TOP_STATEMENTS : ARCH_STATEMENTS);
}

static int parse_text(struct parser *ps, const char *name, const char *text,
		      size_t len)
{
	struct lexer lx = {
		.file = arena_strndup(ps->arena, name, strlen(name)),
		.p = text, .end = text + len, .bol = text, .line = 1,
	};
	int err;

	if (memchr(text, 0, len))
		return error_at(ps, lx.file, 1, 1, "the file holds a NUL byte");
	err = next(ps, &lx);
	while (!err && lx.tok.kind != T_EOF)
		err = parse_statement(ps, &lx, -1);
	return err;
}

/* ---- resolution: names to numbers, per class ------------------------ */

struct nrset {
	uint32_t *v;
	unsigned int n;
};

static void nrset_add(struct nrset *s, uint32_t nr)
{
	s->v = grow(s->v, s->n, sizeof(*s->v));
	s->v[s->n++] = nr;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int add_targets(struct parser *ps, const struct target *t,
		       unsigned int n, const bool *classes, struct nrset *out,
		       int depth);

static int add_group(struct parser *ps, const struct target *t,
		     const bool *classes, struct nrset *out, int depth)
{
	const char *const *c;
	unsigned int i;
	long nr;
	int a;

	for (i = 0; i < ps->ngroups; i++)
		if (!strcmp(ps->groups[i].name, t->name))
			return add_targets(ps, ps->groups[i].targets,
					   ps->groups[i].ntargets, classes, out,
					   depth + 1);
	for (i = 0; i < ARRAY_SIZE(builtin_groups); i++) {
		if (strcmp(builtin_groups[i].name, t->name))
			continue;
		for (c = builtin_groups[i].calls; *c; c++) {
			bool known = false;

			for (a = 0; a < SJ_NARCHES; a++) {
				nr = sj_syscall_nr(a, *c);
				known |= nr >= 0;
				if (nr >= 0 && classes[a])
					nrset_add(&out[a], nr);
			}
			/* A name no table knows is a typo in this file. */
			if (!known)
				return error_at(ps, t->file, t->line, t->col,
						"group @%s lists '%s', which no architecture has",
						t->name, *c);
		}
		return 0;
	}
	return error_at(ps, t->file, t->line, t->col, "no group @%s", t->name);
}

/*
 * A name must exist on at least one class the rule covers; a group's
 * members are taken where they exist.
 */
static int add_targets(struct parser *ps, const struct target *t,
		       unsigned int n, const bool *classes, struct nrset *out,
		       int depth)
{
	unsigned int i;
	bool found;
	long nr;
	int a, err;

	if (depth > MAX_INCLUDE_DEPTH)
		return error_at(ps, t->file, t->line, t->col,
				"groups nest deeper than %d (a cycle?)",
				MAX_INCLUDE_DEPTH);
	for (i = 0; i < n; i++) {
		if (t[i].group) {
			err = add_group(ps, &t[i], classes, out, depth);
			if (err)
				return err;
			continue;
		}
		found = false;
		for (a = 0; a < SJ_NARCHES; a++) {
			if (!t[i].name) {	/* a number: the same on each */
				if (classes[a])
					nrset_add(&out[a], t[i].nr);
				continue;
			}
			nr = classes[a] ? sj_syscall_nr(a, t[i].name) : -1;
			if (nr >= 0) {
				nrset_add(&out[a], nr);
				found = true;
			}
		}
		if (!found && t[i].name)
			return error_at(ps, t[i].file, t[i].line, t[i].col,
					"no system call '%s' on the architectures this rule covers",
					t[i].name);
	}
	return 0;
}

static int resolve_rule(struct parser *ps, const struct raw_rule *raw,
			const bool *top, struct sj_pol_rule *r)
{
	struct nrset sets[SJ_NARCHES] = { 0 };
	bool classes[SJ_NARCHES] = { 0 };
	unsigned int i, k;
	int a, err;

	for (a = 0; a < SJ_NARCHES; a++)
		classes[a] = raw->section < 0 ? top[a] : raw->section == a;
	err = add_targets(ps, raw->targets, raw->ntargets, classes, sets, 0);
	memset(r, 0, sizeof(*r));
	for (a = 0; a < SJ_NARCHES; a++) {
		if (!err && sets[a].n) {
			qsort(sets[a].v, sets[a].n, sizeof(uint32_t), cmp_u32);
			for (i = 1, k = 1; i < sets[a].n; i++)
				if (sets[a].v[i] != sets[a].v[k - 1])
					sets[a].v[k++] = sets[a].v[i];
			r->nr[a] = arena_alloc(ps->arena, k * sizeof(uint32_t));
			memcpy(r->nr[a], sets[a].v, k * sizeof(uint32_t));
			r->nnr[a] = k;
		}
		free(sets[a].v);
	}
	r->action = raw->action;
	r->cond = raw->cond;
	r->file = raw->file;
	r->line = raw->line;
	return err;
}

static int resolve(struct parser *ps, const char *name, struct sj_policy *pol)
{
	bool top[SJ_NARCHES] = { 0 };
	const struct setting *d, *u;
	unsigned int i;
	int a, err;

	if (!ps->arches_set)
		ps->top_covers[SJ_ARCH_X86_64] = true;
	for (a = 0; a < SJ_NARCHES; a++) {
		top[a] = ps->top_covers[a];
		pol->covers[a] = top[a] || ps->section_seen[a];
		if (!pol->covers[a])
			continue;
		d = ps->sec_default[a].set ? &ps->sec_default[a] : &ps->top_default;
		u = ps->sec_unknown[a].set ? &ps->sec_unknown[a] : &ps->top_unknown;
		if (!d->set)
			return error_at(ps, name, 1, 1,
					"no default action for %s (add 'default ACTION;')",
					sj_syscall_tables[a].arch);
		pol->default_action[a] = d->action;
		pol->has_unknown[a] = u->set;
		pol->unknown_action[a] = u->action;
	}
	/* Other architectures: as seccomp profiles do, killed. */
	pol->other_action = ps->other.set ? ps->other.action :
			    SECCOMP_RET_KILL_PROCESS;
	pol->rules = calloc(ps->nrules ? ps->nrules : 1, sizeof(*pol->rules));
	if (!pol->rules) {
		perror("sealjit");
		exit(2);
	}
	for (i = 0; i < ps->nrules; i++) {
		err = resolve_rule(ps, &ps->rules[i], top, &pol->rules[i]);
		pol->nrules = i + 1;
		if (err)
			return err;
	}
	return 0;
}

int sj_policy_parse(const char *name, const char *text, size_t len,
		    struct sj_policy *pol, char *err, size_t errsize)
{
	struct arena *arena = NULL;
	struct parser ps = { .arena = &arena, .err = err, .errsize = errsize };
	int ret;

	memset(pol, 0, sizeof(*pol));
	ret = parse_text(&ps, name, text, len);
	if (!ret)
		ret = resolve(&ps, name, pol);
	free(ps.rules);
	free(ps.groups);
	pol->priv = arena;
	if (ret)
		sj_policy_free(pol);
	return ret;
}

int sj_policy_parse_file(const char *path, struct sj_policy *pol, char *err,
			 size_t errsize)
{
	char *text;
	size_t size;
	int ret;

	memset(pol, 0, sizeof(*pol));
	if (sj_read_text(path, &text, &size)) {
		snprintf(err, errsize, "%s: cannot read: %s", path,
			 strerror(errno));
		return -1;
	}
	ret = sj_policy_parse(path, text, size, pol, err, errsize);
	free(text);
	return ret;
}

void sj_policy_free(struct sj_policy *pol)
{
	struct arena *a = pol->priv, *n;

	for (; a; a = n) {
		n = a->next;
		free(a);
	}
	free(pol->rules);
	memset(pol, 0, sizeof(*pol));
}

/* ---- the specification ---------------------------------------------- */

int sj_policy_class(uint32_t arch, uint32_t nr)
{
	if (arch == AUDIT_ARCH_X86_64)
		return nr >= SJ_X32_BIT && nr != UINT32_MAX ? SJ_ARCH_X32 :
							      SJ_ARCH_X86_64;
	if (arch == AUDIT_ARCH_I386)
		return SJ_ARCH_I386;
	return -1;
}

static bool cmp_eval(enum sj_cmp op, uint64_t x, uint64_t v)
{
	switch (op) {
	case SJ_CMP_EQ:
		return x == v;
	case SJ_CMP_NE:
		return x != v;
	case SJ_CMP_LT:
		return x < v;
	case SJ_CMP_LE:
		return x <= v;
	case SJ_CMP_GT:
		return x > v;
	case SJ_CMP_GE:
		return x >= v;
	}
	return false;
}

bool sj_cond_eval(const struct sj_cond *c, const uint64_t *args)
{
	unsigned int i;

	switch (c->kind) {
	case SJ_COND_CMP:
		return cmp_eval(c->op, args[c->arg] & c->mask, c->value);
	case SJ_COND_IN:
		for (i = 0; i < c->nset; i++)
			if ((args[c->arg] & c->mask) == c->set[i])
				return true;
		return false;
	case SJ_COND_AND:
		return sj_cond_eval(c->l, args) && sj_cond_eval(c->r, args);
	case SJ_COND_OR:
		return sj_cond_eval(c->l, args) || sj_cond_eval(c->r, args);
	case SJ_COND_NOT:
		return !sj_cond_eval(c->l, args);
	}
	return false;
}

static bool lists(const struct sj_pol_rule *r, int a, uint32_t nr)
{
	return bsearch(&nr, r->nr[a], r->nnr[a], sizeof(nr), cmp_u32);
}

uint32_t sj_policy_eval(const struct sj_policy *pol,
			const struct seccomp_data *sd)
{
	char by[8];

	return sj_policy_decide(pol, sd, by, sizeof(by));
}

uint32_t sj_policy_decide(const struct sj_policy *pol,
			  const struct seccomp_data *sd, char *by, size_t size)
{
	int a = sj_policy_class(sd->arch, sd->nr);
	const struct sj_pol_rule *r;
	uint64_t args[6];
	unsigned int i;

	snprintf(by, size, "other-arches");
	if (a < 0 || !pol->covers[a])
		return pol->other_action;
	for (i = 0; i < 6; i++)
		args[i] = a == SJ_ARCH_X86_64 ? sd->args[i] : (uint32_t)sd->args[i];
	for (i = 0; i < pol->nrules; i++) {
		r = &pol->rules[i];
		if (lists(r, a, sd->nr) &&
		    (!r->cond || sj_cond_eval(r->cond, args))) {
			snprintf(by, size, "%s:%u", r->file, r->line);
			return r->action;
		}
	}
	if (pol->has_unknown[a] && (uint32_t)sd->nr > sj_syscall_max(a)) {
		snprintf(by, size, "unknown-syscalls");
		return pol->unknown_action[a];
	}
	snprintf(by, size, "default");
	return pol->default_action[a];
}

void sj_policy_origin_str(const struct sj_policy *pol, int origin,
			  uint32_t arch, uint32_t nr, char *buf, size_t size)
{
	const struct sj_pol_rule *r;
	int a = sj_policy_class(arch, nr);
	unsigned int i;

	if (origin == SJ_ORIGIN_FALLBACK && a >= 0) {
		for (i = 0; i < pol->nrules; i++) {
			r = &pol->rules[i];
			if (!r->cond && lists(r, a, nr)) {
				origin = i;
				break;
			}
		}
	}
	if (origin >= 0 && (unsigned int)origin < pol->nrules)
		snprintf(buf, size, "%s:%u", pol->rules[origin].file,
			 pol->rules[origin].line);
	else if (origin == SJ_ORIGIN_FALLBACK && a >= 0)
		snprintf(buf, size, pol->has_unknown[a] &&
			 nr > sj_syscall_max(a) ? "unknown-syscalls" : "default");
	else if (origin == SJ_ORIGIN_OTHER || origin == SJ_ORIGIN_FALLBACK)
		snprintf(buf, size, "other-arches");
	else
		snprintf(buf, size, "?");
}
