/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SJ_FILTER_FILE_H
#define SJ_FILTER_FILE_H

#include "../verifier/insn.h"

/* Most instructions a filter file may hold: sock_fprog.len is 16 bits. */
#define SJ_FILE_MAXINSNS 65535

/* Largest source text `sealjit asm` reads. */
#define SJ_TEXT_MAX (64 << 20)

int sj_read_filter(const char *path, struct sock_filter **prog, u32 *len);
int sj_read_text(const char *path, char **text, size_t *size);
int sj_write_file(const char *path, const void *data, size_t size);
void sj_disasm_insn(char *buf, size_t size, const struct sock_filter *insn,
		    u32 pc, u32 len);

#endif /* SJ_FILTER_FILE_H */
