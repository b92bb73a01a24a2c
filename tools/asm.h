/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The text assembler behind `sealjit asm`: the syntax `sealjit disasm`
 * prints, plus labels and symbolic constants (Documentation/asm.rst).
 */
#ifndef SJ_ASM_H
#define SJ_ASM_H

#include "../verifier/insn.h"

int sj_asm(const char *text, const char *filename, struct sock_filter *out,
	   u32 max, u32 *len, char *err, size_t errsize);

#endif /* SJ_ASM_H */
