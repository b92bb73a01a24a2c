/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared by the files of the module. */
#ifndef SJ_SEALJIT_H
#define SJ_SEALJIT_H

#include <linux/types.h>
#include <linux/sealjit.h>

#include "../verifier/check.h"

#define SJ_RELEASE "0.1.0"

/**
 * struct sj_prepared - a filter copied in, checked and compiled
 * @insns: the instructions (kernel copy)
 * @len: their number
 * @facts: what the checker learnt, valid if accepted
 * @diag: why it was rejected, reason SEALJIT_OK if accepted
 * @image: the native code in a scratch buffer (not executable)
 * @image_len: its size
 */
struct sj_prepared {
	struct sock_filter *insns;
	u32 len;
	struct sj_facts facts;
	struct sj_diag diag;
	u8 *image;
	u32 image_len;
};

int sj_filter_prepare(struct sealjit_filter_args *args,
		      struct sj_prepared *prep);
void sj_filter_release(struct sj_prepared *prep);

int sj_dev_init(void);
void sj_dev_exit(void);

#endif /* SJ_SEALJIT_H */
