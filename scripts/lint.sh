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
# shellcheck source=scripts/tap-result.sh
. "$(dirname "$0")/tap-result.sh"

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

# The man pages: man's own warnings, and that they name what the code
# has (every command of the tool, every ioctl of the header, every errno
# of the ABI's table), so they cannot silently fall behind it.
man_text() {
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$1"
}
out=$(for f in Documentation/man/*.[48]; do man_text "$f" 2>&1 >/dev/null; done)
[ -z "$out" ]
result $? "man --warnings is silent on Documentation/man/sealjit.4 and .8"
[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'

printf '.TH X 1\n.SH NAME\nx \\- y\n.BX z\n' >"$bad/bad.1"
man_text "$bad/bad.1" 2>&1 >/dev/null | grep -q warning
result $? "man --warnings reports an unknown macro (control)"

page=$(man_text Documentation/man/sealjit.8 2>/dev/null)
missing=$(build/sealjit --help 2>&1 |
	sed -nE 's/^  ([a-z][a-z-]+) .*/\1/p' | sort -u |
	while read -r cmd; do
		printf '%s\n' "$page" | grep -qE "^ +sealjit $cmd( |\$)" ||
			echo "$cmd"
	done)
[ -z "$missing" ]
result $? "sealjit(8) shows every command of the tool's usage"
[ -n "$missing" ] && echo "# not in sealjit(8): $missing"

page=$(man_text Documentation/man/sealjit.4 2>/dev/null)
missing=$( { sed -nE 's/^#define (SEALJIT_IOC_[A-Z]+)\s+_IO.*/\1/p' \
		uapi/linux/sealjit.h
	    sed -nE 's/^(E[A-Z0-9]+) +[a-zA-Z].*/\1/p' Documentation/uapi.rst; } |
	sort -u | while read -r name; do
		printf '%s\n' "$page" | grep -qw "$name" || echo "$name"
	done)
[ -z "$missing" ]
result $? "sealjit(4) shows every ioctl of the header and every errno of the ABI"
[ -n "$missing" ] && echo "# not in sealjit(4): $missing"

inst=$(mktemp -d)
make --no-print-directory -s install DESTDIR="$inst" PREFIX=/usr >/dev/null 2>&1 &&
	"$inst/usr/sbin/sealjit" syscalls getppid | grep -qw 110 &&
	MANPATH="$inst/usr/share/man" man -w sealjit.8 >/dev/null 2>&1 &&
	MANPATH="$inst/usr/share/man" man -w 4 sealjit >/dev/null 2>&1
result $? "make install DESTDIR=... installs a working tool, sealjit(8) and sealjit(4)"
rm -rf "$inst"

echo "1..$n"
exit $status
