/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The validator of native code: an x86-64 decoder for exactly the forms
 * the JIT emits, a safety check of the decoded stream and a translation
 * validation that lifts the native code back to classic BPF and compares
 * it with the checked program.  It shares no code or table with jit/: a
 * bug in the emitter's tables cannot be mirrored here.
 *
 * Plain C over caller-provided memory, no allocation: the same source runs
 * in the module (once per load, before an image is sealed), in userspace
 * tests and under Frama-C.
 */
#ifndef SJ_VALIDATE_H
#define SJ_VALIDATE_H

#include "../verifier/sj_env.h"

#define SJ_VAL_MAXINSNS		4096	/* seccomp's BPF_MAXINSNS */
/*
 * The longest image accepted: 16 bytes of prologue (12 used) and 32 per
 * instruction; the longest lifted sequence is 24 bytes (a blinded
 * conditional jump with a jcc rel32 and a jmp rel32).
 */
#define SJ_VAL_MAX_IMAGE	(16 + 32 * SJ_VAL_MAXINSNS)
#define SJ_VAL_MAP_BYTES	(SJ_VAL_MAX_IMAGE / 8 + 1)
#define SJ_VAL_NO_INSN		0xffffffffU	/* result.insn: not known */

/* Register numbers as encoded in ModRM, as the validator names them. */
enum sj_vx_reg {
	SJ_VX_EAX = 0, SJ_VX_ECX = 1, SJ_VX_EDX = 2, SJ_VX_EBX = 3,
	SJ_VX_ESP = 4, SJ_VX_EBP = 5, SJ_VX_ESI = 6, SJ_VX_EDI = 7,
};

/* The instruction forms the decoder knows; nothing else decodes. */
enum sj_vx_kind {
	SJ_VX_BAD = 0,
	SJ_VX_PUSH_RBP,		/* 55			push %rbp */
	SJ_VX_MOV_RSP_RBP,	/* 48 89 e5		mov %rsp, %rbp */
	SJ_VX_SUB_RSP,		/* 48 83 ec ib		sub $ib, %rsp */
	SJ_VX_LEAVE,		/* c9			leave */
	SJ_VX_RET,		/* c3			ret */
	SJ_VX_INT3,		/* cc			int3 */
	SJ_VX_MOV_IMM,		/* b8+r id		mov $id, %r32 */
	SJ_VX_MOV_RR,		/* 89 /r (mod 3)	mov %src, %dst */
	SJ_VX_LOAD,		/* 8b /r (mod 1)	mov d8(%base), %dst */
	SJ_VX_STORE,		/* 89 /r (mod 1)	mov %src, d8(%base) */
	SJ_VX_ALU_IMM,		/* 83 /op ib, 81 /op id	op $imm, %dst */
	SJ_VX_ALU_RR,		/* 01 09 21 29 31 39 /r	op %src, %dst */
	SJ_VX_IMUL_IMM,		/* 69 /r id		imul $id, %eax, %eax */
	SJ_VX_IMUL_RR,		/* 0f af /r		imul %src, %dst */
	SJ_VX_DIV,		/* f7 /6		div %src */
	SJ_VX_NEG,		/* f7 /3		neg %dst */
	SJ_VX_TEST_IMM,		/* f7 /0 id		test $id, %dst */
	SJ_VX_TEST_RR,		/* 85 /r		test %src, %dst */
	SJ_VX_SHIFT_IMM,	/* c1 /4, /5 ib		shl/shr $ib, %dst */
	SJ_VX_SHIFT_CL,		/* d3 /4, /5		shl/shr %cl, %dst */
	SJ_VX_JCC,		/* 70+cc cb, 0f 80+cc cd */
	SJ_VX_JMP,		/* eb cb, e9 cd */
	SJ_VX_ENDBR64,		/* f3 0f 1e fa		endbr64 */
	SJ_VX_LOAD_RIP,		/* 8b /r (mod 0, rm 5)	mov d32(%rip), %dst */
	SJ_VX_ALU_RIP,		/* 03 0b 23 2b 33 3b /r	op d32(%rip), %eax */
	SJ_VX_IMUL_RIP,		/* 0f af /r		imul d32(%rip), %eax */
	SJ_VX_DIV_RIP,		/* f7 /6		divl d32(%rip) */
	SJ_VX_TEST_RIP,		/* 85 /r		test %eax, d32(%rip) */
};

/* The longest instruction decoded: imul d32(%rip), %eax. */
#define SJ_VX_MAX_LEN		7

/* ModRM /digit of the ALU group (and bits 5..3 of the 01..39 opcodes). */
enum sj_vx_alu {
	SJ_VX_ADD = 0, SJ_VX_OR = 1, SJ_VX_AND = 4, SJ_VX_SUB = 5,
	SJ_VX_XOR = 6, SJ_VX_CMP = 7,
};

#define SJ_VX_SHL	4	/* /digit of c1 and d3 */
#define SJ_VX_SHR	5

/* The condition codes a JIT image may use (low nibble of 7x, 0f 8x). */
enum sj_vx_cc {
	SJ_VX_CC_B = 2, SJ_VX_CC_AE = 3, SJ_VX_CC_E = 4, SJ_VX_CC_NE = 5,
	SJ_VX_CC_BE = 6, SJ_VX_CC_A = 7,
};

/**
 * struct sj_vx_insn - one decoded instruction
 * @kind: enum sj_vx_kind
 * @len: its length in bytes, 1 to SJ_VX_MAX_LEN
 * @op: ALU /digit, shift /digit (SJ_VX_SHL, SJ_VX_SHR) or condition code
 * @dst: register written (or compared: cmp, test)
 * @src: register read; for loads and stores, the base register
 * @wide: imm32 (81) rather than imm8 (83); rel32 rather than rel8
 * @disp: memory displacement (from the end of the instruction for the
 *	rip-relative forms) or branch displacement, sign-extended
 * @imm: immediate, imm8 sign-extended to 32 bits
 */
struct sj_vx_insn {
	u8 kind;
	u8 len;
	u8 op;
	u8 dst;
	u8 src;
	bool wide;
	s32 disp;
	u32 imm;
};

/*
 * ACSL for Frama-C WP (-wp-rte): the decoder reads only inside the image
 * and every instruction it returns lies entirely inside it, whatever the
 * bytes.  Short annotations take one line; longer ones are written in
 * kernel comment style, which proofs/prove-validator.sh turns into ACSL.
 */
/*@ predicate rd(u8 *c, integer n) = \valid_read(c + (0 .. n - 1)); */
/*@ predicate pre(u8 *c, integer n, integer o) = rd(c, n) && o < n; */
/*@ predicate dec(u8 *c, integer n, integer o, struct sj_vx_insn *d) = pre(c, n, o) && \valid(d); */
/*@ predicate fits(struct sj_vx_insn *d, integer o, integer n) = 0 < d->len && o + d->len <= n; */

/*@ requires dec(code, len, off, out); assigns *out; ensures !\result ==> fits(out, off, len); */
int sj_vx_decode(const u8 *code, u32 len, u32 off, struct sj_vx_insn *out);

/**
 * struct sj_validate_opts - what the image must look like
 * @blind: every constant of the filter is blinded (mov $(k ^ key), %r;
 *	xor $key, %r with one non-zero key); when false, constants must be
 *	plain immediates
 * @base: the address the image will run at
 * @ret_thunk: the address returns must jump to (leave; jmp thunk; int3),
 *	or 0 for leave; ret; int3
 * @endbr: the image must begin with endbr64 (an IBT kernel's landing pad),
 *	and has it nowhere else; when false it has none at all
 * @pool: every constant of the filter is read from the constant pool, a
 *	rip-relative operand naming its own instruction's slot; immediates
 *	of the filter's constants are refused (exclusive with @blind)
 * @pool_addr: the pool's address: slot i, 4 bytes at @pool_addr + 4 * i,
 *	holds instruction i's constant; outside the image
 * @pool_k: the pool's contents as they will be sealed, one slot per
 *	instruction, each equal to the program's constant
 */
struct sj_validate_opts {
	bool blind;
	u64 base;
	u64 ret_thunk;
	bool endbr;
	bool pool;
	u64 pool_addr;
	const u32 *pool_k;
};

/**
 * struct sj_validate_work - scratch memory, provided by the caller
 * @start: native offset where BPF instruction i starts; [len] is the end
 * @target: native offsets of the targets of instruction i (jt and jf; ja
 *	in [0]); checked against @start once every start is known
 * @landing: bit per image byte: an instruction a branch may land on
 * @branched: bit per image byte: some branch lands here
 */
struct sj_validate_work {
	u32 start[SJ_VAL_MAXINSNS + 1];
	u32 target[SJ_VAL_MAXINSNS][2];
	u8 landing[SJ_VAL_MAP_BYTES];
	u8 branched[SJ_VAL_MAP_BYTES];
};

/**
 * enum sj_val_reason - why an image was rejected
 * @SJ_VAL_OK: valid
 * @SJ_VAL_E_ARGS: bad arguments: lengths, options
 * @SJ_VAL_E_PROG: the program is not one the validator knows (opcode,
 *	jump out of range, scratch index): it was not checked
 * @SJ_VAL_E_DECODE: bytes that are not one of the known forms (unknown
 *	opcode, prefix, ModRM form, register) or a truncated instruction
 * @SJ_VAL_E_PROLOGUE: the image does not start with the prologue
 * @SJ_VAL_E_STACK: stack pointer or frame used outside the prologue's rules
 * @SJ_VAL_E_MEM: memory operand outside seccomp_data or the frame
 * @SJ_VAL_E_EXIT: a malformed return sequence
 * @SJ_VAL_E_THUNK: a jump out of the image that is not the return thunk
 * @SJ_VAL_E_BRANCH: a branch backwards or out of the image
 * @SJ_VAL_E_LANDING: a branch into the middle of an instruction, into
 *	the prologue or into a return sequence
 * @SJ_VAL_E_END: the image does not end with a return sequence
 * @SJ_VAL_E_SHAPE: native code that lifts to no BPF instruction
 * @SJ_VAL_E_OPCODE: lifted to a different BPF instruction
 * @SJ_VAL_E_CONST: lifted to a different constant
 * @SJ_VAL_E_TARGET: a jump lifted to a different target
 * @SJ_VAL_E_BLIND: a constant of the filter is not blinded
 * @SJ_VAL_E_KEY: the blinding key is zero or not the same everywhere
 * @SJ_VAL_E_DIV_ZERO: division by a constant zero
 * @SJ_VAL_E_TRAILING: native code after the last instruction
 * @SJ_VAL_E_POOL: a rip-relative operand that is not its instruction's
 *	pool slot, or a pool that is not the program's constants
 * @SJ_VAL_E_COUNT: number of reasons
 */
enum sj_val_reason {
	SJ_VAL_OK = 0,
	SJ_VAL_E_ARGS,
	SJ_VAL_E_PROG,
	SJ_VAL_E_DECODE,
	SJ_VAL_E_PROLOGUE,
	SJ_VAL_E_STACK,
	SJ_VAL_E_MEM,
	SJ_VAL_E_EXIT,
	SJ_VAL_E_THUNK,
	SJ_VAL_E_BRANCH,
	SJ_VAL_E_LANDING,
	SJ_VAL_E_END,
	SJ_VAL_E_SHAPE,
	SJ_VAL_E_OPCODE,
	SJ_VAL_E_CONST,
	SJ_VAL_E_TARGET,
	SJ_VAL_E_BLIND,
	SJ_VAL_E_KEY,
	SJ_VAL_E_DIV_ZERO,
	SJ_VAL_E_TRAILING,
	SJ_VAL_E_POOL,
	SJ_VAL_E_COUNT,
};

/**
 * struct sj_validate_result - where and why
 * @reason: enum sj_val_reason
 * @offset: native offset of the offending instruction
 * @insn: index of the BPF instruction being lifted, or %SJ_VAL_NO_INSN
 */
struct sj_validate_result {
	u32 reason;
	u32 offset;
	u32 insn;
};

/*
 * What proofs/prove-validator.sh proves of sj_validate() and everything it
 * calls: no runtime error, reads only within @image and @prog, writes only
 * @work and @res, and termination -- whatever the bytes of the image, the
 * instructions of the program and the options.  The caller gives the
 * program readable for @len entries and the image for @image_len bytes
 * (when the lengths are in range; else nothing is read), and @res and
 * @work writable and apart.
 */
/*@
 * requires 0 < len <= SJ_VAL_MAXINSNS ==> \valid_read(prog + (0 .. len - 1));
 * requires image_len <= SJ_VAL_MAX_IMAGE ==> rd(image, image_len);
 * requires \valid(res) && \valid(work) && \valid_read(opts);
 * requires opts->pool && 0 < len <= SJ_VAL_MAXINSNS ==>
 *	\valid_read(opts->pool_k + (0 .. len - 1));
 * requires \separated(res, work);
 * assigns *res, *work;
 */
int sj_validate(const struct sock_filter *prog, u32 len, const u8 *image,
		u32 image_len, const struct sj_validate_opts *opts,
		struct sj_validate_work *work, struct sj_validate_result *res);
/*@ assigns \result \from reason; */
const char *sj_validate_reason(u32 reason);

#endif /* SJ_VALIDATE_H */
