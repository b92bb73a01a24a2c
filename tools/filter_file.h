/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SJ_FILTER_FILE_H
#define SJ_FILTER_FILE_H

#include "../verifier/insn.h"

/* Most instructions a filter file may hold: sock_fprog.len is 16 bits. */
#define SJ_FILE_MAXINSNS 65535

int sj_read_filter(const char *path, struct sock_filter **prog, u32 *len);
void sj_disasm_insn(char *buf, size_t size, const struct sock_filter *insn,
		    u32 pc);

#endif /* SJ_FILTER_FILE_H */
