#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make lint`: checkpatch --strict, sparse (C=2), coccicheck and kernel-doc
# over the module, the shared code, the uapi header and the tool.  Each
# linter is first shown a known-bad input, so a linter that silently does
# nothing cannot pass.  Prints TAP.
set -uo pipefail
kdir=$1
lsrc=$2
src=(kmod verifier jit validator uapi tools)
files=$(find "${src[@]}" -name '*.[ch]' | sort)
bad=build/lint-control
mkdir -p "$bad"
n=0
status=0

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		status=1
	fi
}

# shellcheck disable=SC2086
out=$("$lsrc/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	-f $files 2>&1 | grep -v '^total:')
[ -z "$out" ]
result $? "checkpatch --strict is clean on ${src[*]}"
[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'

printf 'int f(int *p)\n{\n\treturn p == 0 ;\n}\n' >"$bad/bad.c"
out=$("$lsrc/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	-f "$bad/bad.c")
printf '%s\n' "$out" | grep -q SPACING
result $? "checkpatch reports a known-bad file (control)"

out=$(make -C "$kdir" M="$PWD" C=2 modules 2>&1 |
	grep -vE '^make|^\s+(CHECK|CC|LD|MODPOST|BTF) |^Skipping BTF')
[ -z "$out" ]
result $? "sparse (C=2) is clean on the module and shared code"
[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'

out=$(sparse "$bad/bad.c" 2>&1)
printf '%s\n' "$out" | grep -q 'plain integer as NULL pointer'
result $? "sparse reports a known-bad file (control)"

scripts/coccicheck.sh "$lsrc" "${src[@]}"
result $? "coccicheck (report mode) is clean"

# shellcheck disable=SC2086
out=$("$lsrc/scripts/kernel-doc" -none $files 2>&1)
[ -z "$out" ]
result $? "kernel-doc -none: every kernel-doc comment matches its code"
[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'

printf '/**\n * f() - g\n * @x: y\n */\nint f(int z);\n' >"$bad/bad.h"
out=$("$lsrc/scripts/kernel-doc" -none "$bad/bad.h" 2>&1)
printf '%s\n' "$out" | grep -q warning
result $? "kernel-doc reports a stale comment (control)"

echo "1..$n"
exit $status
