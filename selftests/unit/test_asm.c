// SPDX-License-Identifier: GPL-2.0
/*
 * The assembler (tools/asm.c) and the disassembler (tools/filter_file.c):
 * snippets to exact instructions, every error to its exact message, the
 * example of Documentation/asm.rst, text that is not assembly at all, and
 * the round trip asm(disasm(P)) == P on the checker's table and on random
 * arrays of struct sock_filter, valid or not.  A failing random program
 * is printed with the seed: `test_asm -s SEED -n COUNT` replays the run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>

#include "../../tools/asm.h"
#include "../../tools/filter_file.h"
#include "../../verifier/interp.h"
#include "../check_table.h"
#include "tap.h"

#define PROG(...) \
	.prog = (const struct sock_filter[]){ __VA_ARGS__ }, \
	.len = sizeof((const struct sock_filter[]){ __VA_ARGS__ }) / \
	       sizeof(struct sock_filter)
#define S(code, k)		BPF_STMT(code, k)
#define J(code, k, jt, jf)	BPF_JUMP(code, k, jt, jf)
#define RET(k)			S(BPF_RET | BPF_K, k)
#define LD_ABS(k)		S(BPF_LD | BPF_W | BPF_ABS, k)

#define MAX_OUT		(SJ_MAXINSNS + 1)

struct asm_case {
	const char *name;
	const char *text;
	const struct sock_filter *prog;
	u32 len;
};

static const struct asm_case asm_cases[] = {
	{ "empty text: no instructions", "", .len = 0 },
	{ "only comments and blank lines: no instructions",
	  "# a comment\n\n   ; another\n\t\n#!x\n", .len = 0 },
	{ "every opcode in its mnemonic form",
	  "ld [4]\nldh [2]\nldb [1]\nld [x + 8]\nldh [x + 2]\nldb [x + 1]\n"
	  "ld #len\nld #7\nld M[1]\nldx #len\nldxb 4*([14]&0xf)\nldx #9\n"
	  "ldx M[2]\nst M[3]\nstx M[4]\n"
	  "add #1\nadd x\nsub #1\nsub x\nmul #1\nmul x\ndiv #1\ndiv x\n"
	  "mod #1\nmod x\nand #1\nand x\nor #1\nor x\nxor #1\nxor x\n"
	  "lsh #1\nlsh x\nrsh #1\nrsh x\nneg\n"
	  "ja 37\njeq #1, 38, 38\njeq x, 39, 39\njgt #1, 40, 40\n"
	  "jgt x, 41, 41\njge #1, 42, 42\njge x, 43, 43\njset #1, 44, 44\n"
	  "jset x, 45, 45\nret #0\nret a\ntax\ntxa\n",
	  PROG(LD_ABS(4), S(BPF_LD | BPF_H | BPF_ABS, 2),
	       S(BPF_LD | BPF_B | BPF_ABS, 1), S(BPF_LD | BPF_W | BPF_IND, 8),
	       S(BPF_LD | BPF_H | BPF_IND, 2), S(BPF_LD | BPF_B | BPF_IND, 1),
	       S(BPF_LD | BPF_W | BPF_LEN, 0), S(BPF_LD | BPF_IMM, 7),
	       S(BPF_LD | BPF_MEM, 1), S(BPF_LDX | BPF_W | BPF_LEN, 0),
	       S(BPF_LDX | BPF_B | BPF_MSH, 14), S(BPF_LDX | BPF_IMM, 9),
	       S(BPF_LDX | BPF_MEM, 2), S(BPF_ST, 3), S(BPF_STX, 4),
	       S(BPF_ALU | BPF_ADD | BPF_K, 1), S(BPF_ALU | BPF_ADD | BPF_X, 0),
	       S(BPF_ALU | BPF_SUB | BPF_K, 1), S(BPF_ALU | BPF_SUB | BPF_X, 0),
	       S(BPF_ALU | BPF_MUL | BPF_K, 1), S(BPF_ALU | BPF_MUL | BPF_X, 0),
	       S(BPF_ALU | BPF_DIV | BPF_K, 1), S(BPF_ALU | BPF_DIV | BPF_X, 0),
	       S(BPF_ALU | BPF_MOD | BPF_K, 1), S(BPF_ALU | BPF_MOD | BPF_X, 0),
	       S(BPF_ALU | BPF_AND | BPF_K, 1), S(BPF_ALU | BPF_AND | BPF_X, 0),
	       S(BPF_ALU | BPF_OR | BPF_K, 1), S(BPF_ALU | BPF_OR | BPF_X, 0),
	       S(BPF_ALU | BPF_XOR | BPF_K, 1), S(BPF_ALU | BPF_XOR | BPF_X, 0),
	       S(BPF_ALU | BPF_LSH | BPF_K, 1), S(BPF_ALU | BPF_LSH | BPF_X, 0),
	       S(BPF_ALU | BPF_RSH | BPF_K, 1), S(BPF_ALU | BPF_RSH | BPF_X, 0),
	       S(BPF_ALU | BPF_NEG, 0), S(BPF_JMP | BPF_JA, 0),
	       J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0),
	       J(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0),
	       J(BPF_JMP | BPF_JGT | BPF_K, 1, 0, 0),
	       J(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 0),
	       J(BPF_JMP | BPF_JGE | BPF_K, 1, 0, 0),
	       J(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 0),
	       J(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 0),
	       J(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 0),
	       RET(0), S(BPF_RET | BPF_A, 0), S(BPF_MISC | BPF_TAX, 0),
	       S(BPF_MISC | BPF_TXA, 0)) },
	{ "decimal and hexadecimal numbers",
	  "ld #0\nld #4294967295\nld #0xffffffff\nld #0XaBc\nld #0x0\n",
	  PROG(S(BPF_LD | BPF_IMM, 0), S(BPF_LD | BPF_IMM, 0xffffffff),
	       S(BPF_LD | BPF_IMM, 0xffffffff), S(BPF_LD | BPF_IMM, 0xabc),
	       S(BPF_LD | BPF_IMM, 0)) },
	{ "seccomp actions by name",
	  "ret #ALLOW\nret #KILL\nret #KILL_PROCESS\nret #KILL_THREAD\n"
	  "ret #TRAP\nret #LOG\nret #ERRNO(1)\nret #ERRNO(0xffff)\n"
	  "ret #TRACE(7)\nret #USER_NOTIF\nret #SECCOMP_RET_ERRNO( 13 )\n",
	  PROG(RET(SECCOMP_RET_ALLOW), RET(SECCOMP_RET_KILL),
	       RET(SECCOMP_RET_KILL_PROCESS), RET(SECCOMP_RET_KILL_THREAD),
	       RET(SECCOMP_RET_TRAP), RET(SECCOMP_RET_LOG),
	       RET(SECCOMP_RET_ERRNO | 1), RET(SECCOMP_RET_ERRNO | 0xffff),
	       RET(SECCOMP_RET_TRACE | 7), RET(SECCOMP_RET_USER_NOTIF),
	       RET(SECCOMP_RET_ERRNO | 13)) },
	{ "architectures by name, any #k operand",
	  "jeq #AUDIT_ARCH_X86_64, 1\nld #AUDIT_ARCH_I386\nand #ALLOW\nret a\n",
	  PROG(J(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 0),
	       S(BPF_LD | BPF_IMM, AUDIT_ARCH_I386),
	       S(BPF_ALU | BPF_AND | BPF_K, SECCOMP_RET_ALLOW),
	       S(BPF_RET | BPF_A, 0)) },
	{ "seccomp_data fields by name",
	  "ld [nr]\nld [arch]\nld [ip]\nld [ip_hi]\nld [arg0]\nld [arg0_hi]\n"
	  "ld [arg1]\nld [arg1_hi]\nld [arg2]\nld [arg2_hi]\nld [arg3]\n"
	  "ld [arg3_hi]\nld [arg4]\nld [arg4_hi]\nld [arg5]\nld [arg5_hi]\n"
	  "ld [x + arg1]\nldxb 4*([arch]&0xf)\n",
	  PROG(LD_ABS(0), LD_ABS(4), LD_ABS(8), LD_ABS(12), LD_ABS(16),
	       LD_ABS(20), LD_ABS(24), LD_ABS(28), LD_ABS(32), LD_ABS(36),
	       LD_ABS(40), LD_ABS(44), LD_ABS(48), LD_ABS(52), LD_ABS(56),
	       LD_ABS(60), S(BPF_LD | BPF_W | BPF_IND, 24),
	       S(BPF_LDX | BPF_B | BPF_MSH, 4)) },
	{ "operand spellings: blanks, X and A, [x], M[ k ]",
	  "  ld\t[ 4 ]\t\t\nadd X\nret A\nld [x]\nld [X+3]\nst M[ 15 ]\n"
	  "ldxb 4 * ( [ 1 ] & 15 )\njeq x , 8 , 8\nret #0\n",
	  PROG(LD_ABS(4), S(BPF_ALU | BPF_ADD | BPF_X, 0),
	       S(BPF_RET | BPF_A, 0), S(BPF_LD | BPF_W | BPF_IND, 0),
	       S(BPF_LD | BPF_W | BPF_IND, 3), S(BPF_ST, 15),
	       S(BPF_LDX | BPF_B | BPF_MSH, 1),
	       J(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0), RET(0)) },
	{ "labels: forward, alone on a line, several per line",
	  "start:\tld [nr]\n\tjeq #1, yes, no\n\tjgt #2, yes\n\tja no\n"
	  "yes:\n  ret #1\nno: fin:ret #2\n",
	  PROG(LD_ABS(0), J(BPF_JMP | BPF_JEQ | BPF_K, 1, 2, 3),
	       J(BPF_JMP | BPF_JGT | BPF_K, 2, 1, 0), S(BPF_JMP | BPF_JA, 1),
	       RET(1), RET(2)) },
	{ "jeq #k, TRUE: false falls through",
	  "jeq #5, out\nret #1\nout: ret #2\n",
	  PROG(J(BPF_JMP | BPF_JEQ | BPF_K, 5, 1, 0), RET(1), RET(2)) },
	{ "absolute targets and index prefixes, as disasm prints them",
	  "   0: jeq #0x5, 2, 1\n   1: ja 3\n   2: ret #0x1\n   3: ret #0x2\n",
	  PROG(J(BPF_JMP | BPF_JEQ | BPF_K, 5, 1, 0), S(BPF_JMP | BPF_JA, 1),
	       RET(1), RET(2)) },
	{ "index prefix on a label line",
	  "0: a: ret #1\n1:\n1: ret #2\n",
	  PROG(RET(1), RET(2)) },
	{ "comments: ';' anywhere, '#' first or before a blank",
	  "ret #1 # one\nret #2; two\nret #3 ;three\n# ret #4\n"
	  "ret #5 #\t\n  #ret #6\nld #len# len\n",
	  PROG(RET(1), RET(2), RET(3), RET(5), S(BPF_LD | BPF_W | BPF_LEN, 0)) },
	{ "CRLF line ends and no final newline",
	  "ld [nr]\r\n\r\nret a\r\nret #7",
	  PROG(LD_ABS(0), S(BPF_RET | BPF_A, 0), RET(7)) },
	{ ".insn writes any four fields",
	  ".insn 0x1206, 255, 0, 0xffffffff\n.insn 6, 1, 2, 3\n"
	  ".insn 0xffff, 0, 255, 0\n",
	  PROG(J(0x1206, 0xffffffff, 255, 0), J(6, 3, 1, 2),
	       J(0xffff, 0, 0, 255)) },
	{ "jt and jf of exactly 255", NULL, .len = 257 },
};

/* The text of the 257-instruction case: a jump over 255 instructions. */
static char *jump_255_text(void)
{
	char *text = malloc(16 * 260), *p = text;
	u32 i;

	if (!text)
		return NULL;
	p += sprintf(p, "jeq #7, end, end\n");
	for (i = 1; i < 256; i++)
		p += sprintf(p, "ret #%u\n", i);
	sprintf(p, "end: ret a\n");
	return text;
}

static int same_prog(const struct sock_filter *a, u32 alen,
		     const struct sock_filter *b, u32 blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen * sizeof(*a)));
}

static void print_prog(const char *what, const struct sock_filter *prog,
		       u32 len)
{
	u32 i;

	tap_diag("%s (%u):", what, len);
	for (i = 0; i < len && i < 64; i++)
		tap_diag("  { 0x%04x, %u, %u, 0x%08x },", prog[i].code,
			 prog[i].jt, prog[i].jf, prog[i].k);
}

static struct sock_filter out[MAX_OUT];

static void run_asm_case(const struct asm_case *c)
{
	static struct sock_filter want[MAX_OUT];
	const struct sock_filter *prog = c->prog;
	char *text = (char *)c->text, err[256];
	u32 len = ~0U, i;
	int ret;

	if (!text) {
		text = jump_255_text();
		want[0] = (struct sock_filter)J(BPF_JMP | BPF_JEQ | BPF_K, 7,
						255, 255);
		for (i = 1; i < 256; i++)
			want[i] = (struct sock_filter)RET(i);
		want[256] = (struct sock_filter)S(BPF_RET | BPF_A, 0);
		prog = want;
	}
	if (!text) {
		tap_ok(0, "%s: out of memory", c->name);
		return;
	}
	ret = sj_asm(text, NULL, out, MAX_OUT, &len, err, sizeof(err));
	if (!tap_ok(ret == 0 && same_prog(out, len, prog, c->len), "%s",
		    c->name)) {
		if (ret)
			tap_diag("error: %s", err);
		else
			print_prog("got", out, len);
	}
	if (!c->text)
		free(text);
}

struct err_case {
	const char *text;
	const char *msg;	/* "LINE: message" */
};

static const struct err_case err_cases[] = {
	/* Mnemonics and directives. */
	{ "foo #1\n", "1: unknown mnemonic 'foo'" },
	{ "ret #0\n  LD [0]\n", "2: unknown mnemonic 'LD'" },
	{ "ld[0]\n", "1: unknown mnemonic 'ld[0]'" },
	{ "#foo\nret #0\n3: x\n", "3: index 3 does not match the instruction's position 1" },
	{ "5 ret #0\n", "1: unknown mnemonic '5'" },
	{ "%x\n", "1: unknown mnemonic '%x'" },
	{ ".foo 1\n", "1: unknown directive '.foo'" },
	{ ".\n", "1: unknown directive '.'" },
	{ "ret #0\x01\n", "1: unexpected text '\\x01'" },
	{ "ret \x80\xff\n", "1: bad operand '\\x80\\xff' for ret: expected #k or a" },
	/* Operands. */
	{ "ret\n", "1: missing operand for ret: expected #k or a" },
	{ "ld\n", "1: missing operand for ld: expected #k, [k], [x + k], M[k] or #len" },
	{ "ldx\n", "1: missing operand for ldx: expected #k, M[k] or #len" },
	{ "add ; x\n", "1: missing operand for add: expected #k or x" },
	{ "ret x\n", "1: bad operand 'x' for ret: expected #k or a" },
	{ "ret 0\n", "1: bad operand '0' for ret: expected #k or a" },
	{ "ret y\n", "1: bad operand 'y' for ret: expected #k or a" },
	{ "st [0]\n", "1: bad operand '[0]' for st: expected M[k]" },
	{ "st #1\n", "1: bad operand '#1' for st: expected M[k]" },
	{ "ldx [4]\n", "1: bad operand '[4]' for ldx: expected #k, M[k] or #len" },
	{ "ldh #1\n", "1: bad operand '#1' for ldh: expected [k] or [x + k]" },
	{ "ldxb M[1]\n", "1: bad operand 'M[1]' for ldxb: expected 4*([k]&0xf)" },
	{ "ldxb 4*([5]&0xe)\n", "1: bad operand '4*([5]&0xe)' for ldxb: expected 4*([k]&0xf)" },
	{ "ldxb 4*(5)\n", "1: bad operand '4*(5)' for ldxb: expected 4*([k]&0xf)" },
	{ "ldxb 4*([5]&0xf\n", "1: bad operand '4*([5]&0xf' for ldxb: expected 4*([k]&0xf)" },
	{ "add a\n", "1: bad operand 'a' for add: expected #k or x" },
	{ "neg #1\n", "1: unexpected operand '#1' for neg" },
	{ "tax x\n", "1: unexpected operand 'x' for tax" },
	{ "ld M[x]\n", "1: bad operand 'M[x]' for ld: expected #k, [k], [x + k], M[k] or #len" },
	{ "ld M[1\n", "1: expected ']' in 'M[1'" },
	{ "ld [4\n", "1: expected ']' in '[4'" },
	{ "ld [x 4]\n", "1: expected ']' in '[x 4]'" },
	{ "ld []\n", "1: bad offset ']': expected a number or a seccomp_data field" },
	{ "ld [foo]\n", "1: unknown seccomp_data field 'foo'" },
	{ "ld [arg6]\n", "1: unknown seccomp_data field 'arg6'" },
	{ "ld [x + foo]\n", "1: unknown seccomp_data field 'foo'" },
	{ "ret #0 1\n", "1: unexpected text '1'" },
	{ "ret #0, 1\n", "1: unexpected text ', 1'" },
	{ "ret #ALLOW(1)\n", "1: unexpected text '(1)'" },
	/* Numbers and constants. */
	{ "ld #FOO\n", "1: unknown constant 'FOO'" },
	{ "ld #allow\n", "1: unknown constant 'allow'" },
	{ "ld #SECCOMP_RET_\n", "1: unknown constant 'SECCOMP_RET_'" },
	{ "ld #0x100000000\n", "1: number '0x100000000' does not fit in 32 bits" },
	{ "ld #4294967296\n", "1: number '4294967296' does not fit in 32 bits" },
	{ "ld #99999999999999999999999\n",
	  "1: number '99999999999999999999999' does not fit in 32 bits" },
	{ "ld #010\n", "1: bad number '010' (leading zero; octal is not supported)" },
	{ "ld #0x\n", "1: bad number '0x'" },
	{ "ld #12ab\n", "1: bad number '12ab'" },
	{ "ld #0xfg\n", "1: bad number '0xfg'" },
	{ "ld #-1\n", "1: bad operand '#-1' for ld: expected #k, [k], [x + k], M[k] or #len" },
	{ "ret #ERRNO\n", "1: ERRNO needs a value: ERRNO(n)" },
	{ "ret #TRACE 1\n", "1: TRACE needs a value: TRACE(n)" },
	{ "ret #ERRNO()\n", "1: bad value ')' for ERRNO(n): expected a number" },
	{ "ret #ERRNO(EPERM)\n", "1: bad value 'EPERM)' for ERRNO(n): expected a number" },
	{ "ret #ERRNO(70000)\n", "1: ERRNO(70000): the value does not fit in 16 bits" },
	{ "ret #ERRNO(5\n", "1: expected ')' after ERRNO(5" },
	/* Jumps. */
	{ "ja nowhere\nret #0\n", "1: unknown label 'nowhere'" },
	{ "ja\nret #0\n", "1: missing jump target for ja" },
	{ "ja #1\nret #0\n", "1: bad jump target '#1'" },
	{ "ret #0\nja 0\n", "2: backward jump to insn 0 (classic BPF jumps only go forward)" },
	{ "ret #0\nja 1\n", "2: backward jump to insn 1 (classic BPF jumps only go forward)" },
	{ "top: ret #0\njeq #1, top\nret #0\n",
	  "2: backward jump to 'top' (insn 0) (classic BPF jumps only go forward)" },
	{ "ja 5\nret #0\n",
	  "1: jump target insn 5 is past the end of the program (2 instructions)" },
	{ "ja 2\nret #0\n",
	  "1: jump target insn 2 is past the end of the program (2 instructions)" },
	{ "jeq #1, 1, end\nret #0\nend:\n",
	  "1: jump target 'end' (insn 2) is past the end of the program (2 instructions)" },
	{ "jeq #1\nret #0\n", "1: missing jump target for jeq" },
	{ "jeq #1,\nret #0\n", "1: missing jump target for jeq" },
	{ "jeq #1, 1,\nret #0\n", "1: missing jump target for jeq" },
	{ "jeq #1 2 3\nret #0\n", "1: expected ',' before '2 3'" },
	{ "jeq , 1\nret #0\n", "1: missing operand for jeq: expected #k or x" },
	{ "jeq a, 1\nret #0\n", "1: bad operand 'a' for jeq: expected #k or x" },
	{ "jeq #1, 1, 1, 1\nret #0\n", "1: unexpected text ', 1'" },
	{ "jeq #1, +1\nret #0\n", "1: bad jump target '+1'" },
	/* Labels and indices. */
	{ "a: ret #0\na: ret #1\n", "2: duplicate label 'a' (first defined on line 1)" },
	{ "a: a: ret #0\n", "1: duplicate label 'a' (first defined on line 1)" },
	{ "1: ret #0\n", "1: index 1 does not match the instruction's position 0" },
	{ "   0: ret #0\n   0: ret #1\n",
	  "2: index 0 does not match the instruction's position 1" },
	{ "00: ret #0\n", "1: bad number '00' (leading zero; octal is not supported)" },
	/* .insn */
	{ ".insn\n", "1: missing .insn field: .insn takes CODE, JT, JF, K" },
	{ ".insn 1, 2, 3\n", "1: missing .insn field: .insn takes CODE, JT, JF, K" },
	{ ".insn 1, 2, 3,\n", "1: missing .insn field: .insn takes CODE, JT, JF, K" },
	{ ".insn 1 2\n", "1: expected ',' before '2'" },
	{ ".insn 1, 2, 3, 4, 5\n", "1: unexpected text ', 5'" },
	{ ".insn 0x10000, 0, 0, 0\n", "1: .insn code 65536 does not fit in 16 bits" },
	{ ".insn 1, 256, 0, 0\n", "1: .insn jt 256 does not fit in 8 bits" },
	{ ".insn 1, 0, 0x100, 0\n", "1: .insn jf 256 does not fit in 8 bits" },
	{ ".insn 1, 0, 0, 0x100000000\n", "1: number '0x100000000' does not fit in 32 bits" },
	{ ".insn 1, 0, x, 0\n", "1: bad .insn jf 'x': expected a number" },
	/* The first error of the text is the one reported. */
	{ "ret #0\nbad\nja nowhere\n", "2: unknown mnemonic 'bad'" },
	{ "ja nowhere\nbad\n", "1: unknown label 'nowhere'" },
	{ "ld [nr]\nret #0\r\nret #0 x\r\n", "3: unexpected text 'x'" },
	/* Long tokens are cut in messages. */
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	  "1: unknown mnemonic 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'" },
};

static void run_err_case(const struct err_case *c)
{
	char err[256];
	u32 len;
	int ret;

	ret = sj_asm(c->text, NULL, out, MAX_OUT, &len, err, sizeof(err));
	if (!tap_ok(ret == -EINVAL && !strcmp(err, c->msg), "error: %s",
		    c->msg))
		tap_diag("got %d: \"%s\"", ret, ret ? err : "");
}

/* The file name prefix, the instruction limit and the message buffer. */
static void test_error_plumbing(void)
{
	char err[256], small[8];
	u32 len = 0;
	int ret;

	ret = sj_asm("\n\nfoo\n", "f.s", out, MAX_OUT, &len, err, sizeof(err));
	tap_ok(ret == -EINVAL && !strcmp(err, "f.s:3: unknown mnemonic 'foo'"),
	       "messages are prefixed FILE:LINE:");
	ret = sj_asm("ret #1\nret #2\nret #3\n", NULL, out, 2, &len, err,
		     sizeof(err));
	tap_ok(ret == -EINVAL && !strcmp(err, "3: too many instructions (at most 2)"),
	       "more instructions than room is an error");
	ret = sj_asm("ret #1\nret #2\n", NULL, out, 2, &len, err, sizeof(err));
	tap_ok(ret == 0 && len == 2, "exactly as many instructions as room");
	memset(small, 'x', sizeof(small));
	ret = sj_asm("foo\n", NULL, out, MAX_OUT, &len, small, sizeof(small));
	tap_ok(ret == -EINVAL && !strcmp(small, "1: unkn"),
	       "a short message buffer gets a truncated, terminated message");
	ret = sj_asm("foo\n", NULL, out, MAX_OUT, &len, NULL, 0);
	tap_ok(ret == -EINVAL, "no message buffer at all");
}

/* @len instructions as `sealjit disasm` prints them, index prefixes too. */
static char *disasm_text(const struct sock_filter *prog, u32 len)
{
	char *text = malloc((size_t)len * 128 + 1), *p = text, line[96];
	u32 pc;

	if (!text)
		return NULL;
	*p = '\0';
	for (pc = 0; pc < len; pc++) {
		sj_disasm_insn(line, sizeof(line), &prog[pc], pc, len);
		p += sprintf(p, "%4u: %s\n", pc, line);
	}
	return text;
}

/*
 * asm(disasm(P)) == P.  @mnemonic counts the lines that were not .insn,
 * so that the callers can tell the parser was exercised.
 */
static int round_trip(const struct sock_filter *prog, u32 len, u32 *mnemonic)
{
	char *text = disasm_text(prog, len), err[256];
	u32 got = ~0U, pc;
	const char *p;
	int ret;

	if (!text)
		return -ENOMEM;
	ret = sj_asm(text, NULL, out, MAX_OUT, &got, err, sizeof(err));
	if (!ret && !same_prog(out, got, prog, len))
		ret = -EDOM;
	if (ret) {
		tap_diag("round trip: %s", ret == -EINVAL ? err : "different program");
		print_prog("program", prog, len);
		for (p = text, pc = 0; *p && pc < 64; pc++) {
			const char *e = strchr(p, '\n');

			tap_diag("  %.*s", (int)(e - p), p);
			p = e + 1;
		}
	}
	for (p = text; mnemonic && (p = strchr(p, ':')); p++)
		*mnemonic += strncmp(p, ": .insn", 7) != 0;
	free(text);
	return ret;
}

static void test_check_table(void)
{
	static struct sock_filter buf[SJ_MAXINSNS + 1];
	const struct sock_filter *prog;
	u32 i, len, bad = 0;

	for (i = 0; i < check_ncases; i++) {
		prog = check_case_prog(&check_cases[i], buf, &len);
		if (round_trip(prog, len, NULL)) {
			tap_diag("check case: %s", check_cases[i].name);
			bad++;
		}
	}
	tap_ok(bad == 0, "asm(disasm(P)) == P for all %u programs of the checker's table",
	       check_ncases);
}

/* splitmix64: replayable from the printed seed. */
static u64 rand64(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u32 pick(u64 *rng, u32 n)
{
	return (u32)(rand64(rng) % n);
}

/* Small values hit mnemonic forms and in-range jumps; large ones do not. */
static u32 field(u64 *rng, u32 len, u32 max)
{
	switch (pick(rng, 4)) {
	case 0:
	case 1:
		return 0;
	case 2:
		return pick(rng, len + 3) & max;
	default:
		return (u32)rand64(rng) & max;
	}
}

/*
 * Half the time an instruction as a filter would have it (unused fields
 * zero, jumps in range), which disasm prints in mnemonic form; else random
 * fields, mostly printed as .insn: both must come back unchanged.
 */
static struct sock_filter random_insn(u64 *rng, u32 pc, u32 len,
				      const u16 *classic, u32 nclassic)
{
	struct sock_filter insn;
	u32 room = len - pc - 1;
	u16 flags;

	switch (pick(rng, 8)) {
	case 0:
		insn.code = (u16)rand64(rng);
		break;
	case 1:
		insn.code = (u16)pick(rng, SJ_NCODES);
		break;
	default:
		insn.code = classic[pick(rng, nclassic)];
	}
	insn.jt = (u8)field(rng, len, 0xff);
	insn.jf = (u8)field(rng, len, 0xff);
	insn.k = field(rng, len, 0xffffffff);
	flags = sj_op_flags(insn.code);
	if (!(flags & SJ_OP_CLASSIC) || pick(rng, 2))
		return insn;
	if (flags & SJ_OP_JA) {
		insn.jt = 0;
		insn.jf = 0;
		insn.k = room ? pick(rng, room) : 0;
	} else if (flags & SJ_OP_JCOND) {
		insn.jt = (u8)(room ? pick(rng, min(room, 256U)) : 0);
		insn.jf = (u8)(room ? pick(rng, min(room, 256U)) : 0);
	} else {
		insn.jt = 0;
		insn.jf = 0;
	}
	switch (sj_ops[insn.code].operand) {
	case SJ_OPND_NONE:
	case SJ_OPND_A:
	case SJ_OPND_LEN:
		insn.k = 0;
		break;
	case SJ_OPND_X:
		insn.k = (flags & SJ_OP_JCOND) && !pick(rng, 8) ? insn.k : 0;
		break;
	}
	return insn;
}

static void test_random(u64 seed, u32 count)
{
	static struct sock_filter prog[SJ_MAXINSNS];
	u16 classic[SJ_NCODES];
	u32 nclassic = 0, i, pc, len, bad = 0, mnemonic = 0;
	u64 rng = seed, insns = 0;

	for (i = 0; i < SJ_NCODES; i++)
		if (sj_op_flags(i) & SJ_OP_CLASSIC)
			classic[nclassic++] = (u16)i;
	tap_diag("random arrays: seed 0x%016llx, count %u (replay: -s 0x%016llx -n %u)",
		 (unsigned long long)seed, count, (unsigned long long)seed,
		 count);
	for (i = 0; i < count && bad < 5; i++) {
		/* Mostly short; sometimes long enough for jt/jf of 255. */
		len = pick(&rng, 16) ? pick(&rng, 40) : pick(&rng, 600);
		for (pc = 0; pc < len; pc++)
			prog[pc] = random_insn(&rng, pc, len, classic, nclassic);
		insns += len;
		if (round_trip(prog, len, &mnemonic)) {
			tap_diag("random array %u (seed 0x%016llx)", i,
				 (unsigned long long)seed);
			bad++;
		}
	}
	tap_diag("%u arrays, %llu instructions, %u in mnemonic form",
		 i, (unsigned long long)insns, mnemonic);
	tap_ok(bad == 0 && i == count,
	       "asm(disasm(P)) == P for %u random arrays of struct sock_filter",
	       count);
	tap_ok(mnemonic > insns / 3,
	       "random arrays: over a third of the instructions in mnemonic form");
}

/*
 * Text that is not assembly: mutations of a valid filter and random
 * bytes.  Each must give a program or one message "LINE: ...", never a
 * crash (the test runs under the sanitizers in development).
 */
static void test_garbage(u64 seed, u32 count)
{
	static const char base[] =
		"top: ld [arch]\n jeq #AUDIT_ARCH_X86_64, 2, bad\n ld [nr]\n"
		" jeq #0, ok ; read\n jgt #0x10, bad, 6\n ldxb 4*([4]&0xf)\n"
		" ret #ERRNO(1)\nbad: ret #KILL\nok: .insn 6, 0, 0, 0x7fff0000\n";
	static const char alphabet[] = "#;:,[]()*&+x aM4\n\t0123456789abcdefl.";
	char text[sizeof(base) + 64], err[256];
	u32 i, j, n, len, odd = 0;
	u64 rng = seed;
	int ret;

	ret = sj_asm(base, NULL, out, MAX_OUT, &len, err, sizeof(err));
	if (!tap_ok(ret == 0 && len == 9, "the text to mutate assembles"))
		tap_diag("%s", err);
	for (i = 0; i < count; i++) {
		memcpy(text, base, sizeof(base));
		n = sizeof(base) - 1;
		for (j = pick(&rng, 6) + 1; j; j--) {
			u32 at = pick(&rng, n);
			char ch = pick(&rng, 4) ? alphabet[pick(&rng, sizeof(alphabet) - 1)] :
						  (char)(pick(&rng, 255) + 1);

			if (pick(&rng, 3) || n + 1 >= sizeof(text)) {
				text[at] = ch;
			} else {
				memmove(text + at + 1, text + at, n - at + 1);
				text[at] = ch;
				n++;
			}
		}
		err[0] = 'x';
		ret = sj_asm(text, NULL, out, MAX_OUT, &len, err, sizeof(err));
		if (ret && (ret != -EINVAL || err[0] < '1' || err[0] > '9' ||
			    !strstr(err, ": "))) {
			if (odd++ < 3)
				tap_diag("odd result %d \"%s\" for:\n%s", ret, err,
					 text);
		}
	}
	tap_ok(odd == 0, "%u mutated texts: each assembles or has one message",
	       count);
}

/*
 * The example of Documentation/asm.rst, the literal block after the
 * comment ".. test_asm example:": it assembles, passes the checker and
 * does what the text says.
 */
static void test_doc_example(void)
{
	static struct sj_check_work work;
	struct seccomp_data sd = { .arch = AUDIT_ARCH_X86_64 };
	char *doc, *p, *text, *q, err[256];
	struct sj_facts facts;
	struct sj_diag diag;
	size_t size;
	u32 len;
	int ret;

	if (sj_read_text("Documentation/asm.rst", &doc, &size)) {
		tap_ok(1, "documentation example # SKIP not run from the source tree");
		return;
	}
	p = strstr(doc, ".. test_asm example:");
	p = p ? strstr(p, "::\n") : NULL;
	text = calloc(1, size + 1);
	if (!p || !text) {
		tap_ok(0, "documentation example: block not found");
		free(doc);
		free(text);
		return;
	}
	/* The indented lines after "::", blank lines included. */
	for (p += 3, q = text; *p == '\n' || !strncmp(p, "    ", 4); ) {
		char *e = strchr(p, '\n');

		if (!e)
			break;
		if (*p != '\n')
			p += 4;
		memcpy(q, p, e - p + 1);
		q += e - p + 1;
		p = e + 1;
	}
	ret = sj_asm(text, "asm.rst", out, MAX_OUT, &len, err, sizeof(err));
	if (!tap_ok(ret == 0 && len > 5, "documentation example assembles"))
		tap_diag("%s", ret ? err : "too short");
	if (!ret) {
		ret = sj_check(out, len, &work, &facts, &diag);
		tap_ok(ret == 0, "documentation example passes the checker");
		sd.nr = 1;	/* write */
		tap_ok(sj_interp(out, len, &sd) == SECCOMP_RET_ALLOW,
		       "documentation example allows write");
		sd.nr = 41;	/* socket */
		tap_ok(sj_interp(out, len, &sd) == SECCOMP_RET_KILL_PROCESS,
		       "documentation example kills socket");
		sd.nr = 39;	/* getpid */
		tap_ok(sj_interp(out, len, &sd) == (SECCOMP_RET_ERRNO | 1),
		       "documentation example fails getpid with EPERM");
		sd.nr = 0x40000001;	/* x32 write */
		tap_ok(sj_interp(out, len, &sd) == SECCOMP_RET_KILL_PROCESS,
		       "documentation example kills x32 system calls");
		sd.nr = 1;
		sd.arch = AUDIT_ARCH_I386;
		tap_ok(sj_interp(out, len, &sd) == SECCOMP_RET_KILL_PROCESS,
		       "documentation example kills another architecture");
	}
	free(text);
	free(doc);
}

int main(int argc, char **argv)
{
	u64 seed = (u64)time(NULL) ^ ((u64)getpid() << 32);
	u32 count = 10000;
	size_t i;
	int c;

	while ((c = getopt(argc, argv, "n:s:")) != -1) {
		if (c == 'n')
			count = (u32)strtoul(optarg, NULL, 0);
		else if (c == 's')
			seed = strtoull(optarg, NULL, 0);
		else
			return fprintf(stderr, "usage: %s [-n COUNT] [-s SEED]\n",
				       argv[0]), 2;
	}
	for (i = 0; i < ARRAY_SIZE(asm_cases); i++)
		run_asm_case(&asm_cases[i]);
	for (i = 0; i < ARRAY_SIZE(err_cases); i++)
		run_err_case(&err_cases[i]);
	test_error_plumbing();
	test_doc_example();
	test_check_table();
	test_random(seed, count);
	test_garbage(seed, count);
	return tap_done();
}
