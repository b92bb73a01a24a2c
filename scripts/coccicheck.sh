#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make coccicheck`: the kernel's coccinelle semantic patches (from Debian's
# linux-source-6.1, at build time) in report mode over our C sources, with
# the options each .cocci file asks for, as scripts/coccicheck does.  Files
# that need OCaml scripting are skipped (Debian's coccinelle runs without an
# OCaml compiler) and named.  Prints the reports; fails if there are any.
set -uo pipefail
lsrc=$1
shift
dirs=("$@")
files=$(find "${dirs[@]}" -name '*.[ch]' | sort)
reports=0
ran=0
for cocci in $(find "$lsrc/scripts/coccinelle" -name '*.cocci' | sort); do
	if grep -q 'script:ocaml\|initialize:ocaml' "$cocci"; then
		echo "# coccicheck: skipped ${cocci#"$lsrc"/} (needs OCaml scripting)"
		continue
	fi
	opts=$(sed -n 's|^// Options:||p' "$cocci" | head -n 1)
	# shellcheck disable=SC2086
	out=$(spatch -D report --no-show-diff --very-quiet $opts \
		--cocci-file "$cocci" $files 2>&1 |
		grep -vE '^\s*$|^warning: line [0-9]+: should .* be a metavariable\?$')
	ran=$((ran + 1))
	if [ -n "$out" ]; then
		echo "# ${cocci#"$lsrc"/}:"
		printf '%s\n' "$out" | sed 's/^/#   /'
		reports=$((reports + 1))
	fi
done
echo "# coccicheck: $ran semantic patches, $reports with reports"
[ "$reports" -eq 0 ]
