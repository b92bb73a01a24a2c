// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the checker's table (../check_table.c) against the userspace
 * checker, plus the log renderer's own rules.
 */
#include <stdlib.h>
#include <string.h>

#include "../check_table.h"
#include "tap.h"

static struct sock_filter big[SJ_MAXINSNS + 2];

static void run_case(const struct check_case *c)
{
	static struct sj_check_work work;
	struct sj_facts facts = { 0 };
	struct sj_diag diag;
	char text[256];
	const struct sock_filter *prog;
	u32 len;
	int ret;

	prog = check_case_prog(c, big, &len);
	ret = sj_check(prog, len, &work, &facts, &diag);
	if (!c->diag) {
		if (ret)
			sj_diag_format(text, sizeof(text), &diag);
		if (!tap_ok(ret == 0, "%s", c->name))
			tap_diag("rejected: %s", text);
		if (!ret && c->longest &&
		    !tap_ok(facts.longest_path == c->longest,
			    "%s: longest path %u", c->name, c->longest))
			tap_diag("got %u", facts.longest_path);
		if (!ret &&
		    !tap_ok(facts.uses == c->uses, "%s: uses 0x%x", c->name,
			    c->uses))
			tap_diag("got 0x%x", facts.uses);
		return;
	}
	sj_diag_format(text, sizeof(text), &diag);
	if (!tap_ok(ret != 0 && !strcmp(text, c->diag), "%s", c->name))
		tap_diag("expected \"%.*s\", got \"%.*s\"",
			 (int)strlen(c->diag) - 1, c->diag,
			 ret ? (int)strlen(text) - 1 : 8, ret ? text : "accepted");
}

/* The log is NUL-terminated when truncated and reports the size it needs. */
static void test_log_truncation(void)
{
	static struct sj_check_work work;
	const struct sock_filter prog[] = { BPF_STMT(BPF_LD | BPF_MEM, 0),
					    BPF_STMT(BPF_RET | BPF_A, 0) };
	struct sj_facts facts;
	struct sj_diag diag;
	char full[256], small[16];
	u32 need, need_small;

	sj_check(prog, 2, &work, &facts, &diag);
	need = sj_log_render(full, sizeof(full), SEALJIT_LOG_ERRORS, &diag,
			     &facts, 0);
	memset(small, 'x', sizeof(small));
	need_small = sj_log_render(small, sizeof(small), SEALJIT_LOG_ERRORS,
				   &diag, &facts, 0);
	tap_ok(need == strlen(full) + 1 && need_small == need &&
	       small[sizeof(small) - 1] == '\0' &&
	       !strncmp(small, full, sizeof(small) - 1),
	       "a truncated log is NUL-terminated and reports its full size");
	need = sj_log_render(full, sizeof(full), SEALJIT_LOG_NONE, &diag,
			     &facts, 0);
	tap_ok(need == 1 && full[0] == '\0', "log level 0 writes nothing");
}

static void test_facts_log(void)
{
	static struct sj_check_work work;
	const struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4), BPF_STMT(BPF_ST, 2),
		BPF_STMT(BPF_RET | BPF_A, 0) };
	struct sj_facts facts;
	struct sj_diag diag;
	char text[256];

	sj_check(prog, 3, &work, &facts, &diag);
	sj_log_render(text, sizeof(text), SEALJIT_LOG_FACTS, &diag, &facts, 42);
	if (!tap_ok(!strcmp(text, "accepted: 3 insns, longest path 3, scratch 0x0004, reads arch, image 42 bytes\n"),
		    "facts are rendered at log level 2"))
		tap_diag("got %s", text);
}

int main(void)
{
	size_t i;

	for (i = 0; i < check_ncases; i++)
		run_case(&check_cases[i]);
	test_log_truncation();
	test_facts_log();
	return tap_done();
}
