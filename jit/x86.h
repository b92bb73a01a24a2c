/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 instruction forms used by the JIT.  Each helper emits exactly one
 * machine instruction and is named after it: mnemonic, operand width and
 * operand kind.  Emission is sticky and bounds-checked: once the buffer is
 * full or a field is out of range, nothing more is written and the error
 * stays set until the caller looks at it.
 */
#ifndef SJ_X86_H
#define SJ_X86_H

#include "../verifier/sj_env.h"

/* Register numbers as encoded in ModRM (no REX.B/R: we use only these). */
enum x86_reg {
	X86_EAX = 0, X86_ECX = 1, X86_EDX = 2, X86_EBX = 3,
	X86_ESP = 4, X86_EBP = 5, X86_ESI = 6, X86_EDI = 7,
};

/* The /digit of the 0x81/0x83 group and the low bits of 0x01..0x39. */
enum x86_alu {
	X86_ADD = 0, X86_OR = 1, X86_AND = 4, X86_SUB = 5, X86_XOR = 6,
	X86_CMP = 7,
};

/* The /digit of the 0xc1/0xd3 shift group. */
enum x86_shift { X86_SHL = 4, X86_SHR = 5 };

/* Condition codes of jcc (0x70 + cc, 0x0f 0x80 + cc). */
enum x86_cc {
	X86_CC_B = 2, X86_CC_AE = 3, X86_CC_E = 4, X86_CC_NE = 5,
	X86_CC_BE = 6, X86_CC_A = 7,
};

/**
 * struct sj_emit - where instructions go
 * @buf: output, or NULL while only sizing
 * @cap: bytes available (also enforced while sizing)
 * @pos: bytes emitted so far
 * @error: sticky: set once anything could not be emitted
 */
struct sj_emit {
	u8 *buf;
	u32 cap;
	u32 pos;
	bool error;
};

/*@
 * // The emitter can go on: pos within cap and, when emitting, the
 * // buffer valid and apart from the emitter itself.
 * predicate sj_emit_ok{L}(struct sj_emit *e) =
 *	\valid(e) && e->pos <= e->cap &&
 *	(e->buf != \null ==> \valid(e->buf + (0 .. e->cap - 1)) &&
 *		\separated(e, e->buf + (0 .. e->cap - 1)));
 *
 * // b[q .. q + 3] hold v little-endian.
 * predicate sj_le32{L}(u8 *b, integer q, integer v) =
 *	b[q] == (v & 0xff) && b[q + 1] == ((v >> 8) & 0xff) &&
 *	b[q + 2] == ((v >> 16) & 0xff) && b[q + 3] == ((v >> 24) & 0xff);
 */

void emit_u8(struct sj_emit *e, u8 b);
void emit_u32(struct sj_emit *e, u32 v);
void emit_modrm(struct sj_emit *e, u8 mod, u8 reg, u8 rm);

void emit_endbr64(struct sj_emit *e);
void emit_push64_rbp(struct sj_emit *e);
void emit_mov64_rsp_rbp(struct sj_emit *e);
void emit_sub64_imm8_rsp(struct sj_emit *e, u8 imm);
void emit_leave(struct sj_emit *e);
void emit_ret(struct sj_emit *e);
void emit_int3(struct sj_emit *e);
void emit_mov32_imm32(struct sj_emit *e, u8 dst, u32 imm);
void emit_mov32_reg(struct sj_emit *e, u8 dst, u8 src);
void emit_mov32_load_disp8(struct sj_emit *e, u8 dst, u8 base, s8 disp);
void emit_mov32_store_disp8(struct sj_emit *e, u8 base, s8 disp, u8 src);
void emit_mov32_load_rip(struct sj_emit *e, u8 dst, s32 disp);
void emit_alu32_load_rip(struct sj_emit *e, u8 op, u8 dst, s32 disp);
void emit_imul32_load_rip(struct sj_emit *e, u8 dst, s32 disp);
void emit_div32_load_rip(struct sj_emit *e, s32 disp);
void emit_test32_load_rip(struct sj_emit *e, u8 src, s32 disp);
void emit_alu32_imm8(struct sj_emit *e, u8 op, u8 dst, s8 imm);
void emit_alu32_imm32(struct sj_emit *e, u8 op, u8 dst, u32 imm);
void emit_alu32_reg(struct sj_emit *e, u8 op, u8 dst, u8 src);
void emit_imul32_imm32(struct sj_emit *e, u8 dst, u8 src, u32 imm);
void emit_imul32_reg(struct sj_emit *e, u8 dst, u8 src);
void emit_div32_reg(struct sj_emit *e, u8 src);
void emit_neg32_reg(struct sj_emit *e, u8 dst);
void emit_shift32_imm8(struct sj_emit *e, u8 op, u8 dst, u8 count);
void emit_shift32_cl(struct sj_emit *e, u8 op, u8 dst);
void emit_test32_reg(struct sj_emit *e, u8 dst, u8 src);
void emit_test32_imm32(struct sj_emit *e, u8 dst, u32 imm);
void emit_jcc_rel8(struct sj_emit *e, u8 cc, s8 disp);
void emit_jcc_rel32(struct sj_emit *e, u8 cc, s32 disp);
void emit_jmp_rel8(struct sj_emit *e, s8 disp);
void emit_jmp_rel32(struct sj_emit *e, s32 disp);

#define X86_JCC_REL8_LEN	2
#define X86_JCC_REL32_LEN	6
#define X86_JMP_REL8_LEN	2
#define X86_JMP_REL32_LEN	5

#endif /* SJ_X86_H */
