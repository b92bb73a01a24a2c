/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SJ_OCI_H
#define SJ_OCI_H

#include <stddef.h>
#include <stdio.h>

#include "../verifier/insn.h"

#define SJ_OCI_MAX_CAPS 64

/**
 * struct sj_oci_opts - what the profile is compiled for
 * @caps: capabilities the container has, for includes/excludes.caps
 * @ncaps: how many
 * @optimize: libseccomp's SCMP_FLTATR_CTL_OPTIMIZE: 1 linear (default),
 *	2 binary tree
 * @warn: where warnings go (unknown syscall names), or NULL
 */
struct sj_oci_opts {
	const char *caps[SJ_OCI_MAX_CAPS];
	unsigned int ncaps;
	int optimize;
	FILE *warn;
};

int sj_oci_compile(const char *path, const struct sj_oci_opts *opts,
		   struct sock_filter **prog, u32 *len, char *err,
		   size_t errsize);
int sj_oci_to_policy(const char *path, const struct sj_oci_opts *opts,
		     FILE *out, char *err, size_t errsize);

#endif /* SJ_OCI_H */
