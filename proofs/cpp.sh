#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The preprocessor Frama-C runs (see scripts/prove.sh): cpp keeping the
# comments, then the ACSL blocks of verifier/, jit/, validator/ and tools/ that
# are written in kernel comment style,
#
#	/*@
#	 * requires ...;
#	 */
#
# get the leading '*' of their lines turned into ACSL's '@' (which Frama-C
# reads as a blank), so that the same lines satisfy checkpatch and the ACSL
# parser.  Nothing else is touched: not the code, not the comments that do
# not open with '/*@', not the headers from outside those directories.
# Usage: cpp.sh SOURCE OUTPUT CPP-ARGS...
set -eu
src=$1
out=$2
shift 2
gcc -E -C "$@" "$src" | awk '
	/^# [0-9]+ "/ { ours = ($3 ~ /(verifier|jit|validator|tools)\//) }
	ours && in_acsl && /^[ \t]*\*([^\/]|$)/ { sub(/\*/, "@") }
	ours && /\/\*@/ { in_acsl = 1 }
	in_acsl && /\*\// { in_acsl = 0 }
	{ print }
' >"$out"
