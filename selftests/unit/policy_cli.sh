#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The policy commands of the tool, from the repository's root after
# `make tools corpus`: import-oci --policy against libseccomp's own
# compilations of the same profiles, compile and check --policy, and how
# each refuses.  Prints TAP.
set -uo pipefail
S=${SEALJIT:-build/sealjit}
C=build/corpus
D=${DOCKER_PROFILE:-/work/shared/corpus/docker-default.json}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
failed=0
t() {
	local desc=$1
	shift
	n=$((n + 1))
	if "$@" >"$T/out" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/#   /' "$T/out"
		failed=1
	fi
}
insns() { echo $(($(stat -c %s "$1") / 8)); }
# exits_with RC PATTERN CMD...: CMD exits RC and says PATTERN.
exits_with() {
	local rc=$1 pat=$2 out got
	shift 2
	out=$("$@" 2>&1)
	got=$?
	echo "$out"
	[ "$got" -eq "$rc" ] && echo "$out" | grep -qE -- "$pat"
}

t "import-oci --policy writes Docker's profile as a policy" \
	"$S" import-oci --policy "$D" -o "$T/docker.policy"
t "import-oci --policy --cap CAP_SYS_ADMIN too" \
	"$S" import-oci --policy --cap CAP_SYS_ADMIN "$D" -o "$T/admin.policy"
for f in docker-linear docker-tree; do
	t "libseccomp's $f compilation takes the policy's action on every input" \
		exits_with 0 "^confirmed" "$S" check --policy "$T/docker.policy" "$C/$f.bpf"
done
t "libseccomp's docker-admin compilation implements the admin policy" \
	exits_with 0 "^confirmed" "$S" check --policy "$T/admin.policy" "$C/docker-admin.bpf"
t "but not the other one: exit 1 and one input where they differ" \
	exits_with 1 "differ at arch=.* nr=[0-9]+ \(.*\).*filter returns .*policy says" \
	"$S" check --policy "$T/docker.policy" "$C/docker-admin.bpf"
for f in minimal no-network; do
	"$S" import-oci --policy selftests/conform/$f.json -o "$T/$f.policy" 2>/dev/null
	t "libseccomp's $f compilation implements its imported policy" \
		exits_with 0 "^confirmed" "$S" check --policy "$T/$f.policy" "$C/$f.bpf"
done
t "sealjit compile: Docker's policy, checked and confirmed" \
	exits_with 0 "confirmed against the policy on every input" \
	"$S" compile "$T/docker.policy" -o "$T/docker.bpf"
ours=$(insns "$T/docker.bpf")
tree=$(insns "$C/docker-tree.bpf")
linear=$(insns "$C/docker-linear.bpf")
echo "# Docker's profile: sealjit compile $ours instructions; libseccomp tree $tree, linear $linear"
t "no longer than libseccomp's tree layout ($ours <= $tree)" [ "$ours" -le "$tree" ]
t "the compiled filter passes sealjit check" "$S" check "$T/docker.bpf"
for p in examples/*.policy; do
	t "$p compiles and is confirmed" \
		"$S" compile "$p" -o "$T/$(basename "$p" .policy).bpf"
done
t "OpenSSH's own sandbox filter (Debian 12's sshd) implements openssh-sandbox.policy" \
	exits_with 0 "^confirmed" \
	"$S" check --policy examples/openssh-sandbox.policy build/openssh/preauth.bpf
sed 's/^allow mmap, mprotect if .*/allow mmap, mprotect;/' \
	examples/openssh-sandbox.policy >"$T/ssh-exec.policy"
t "and not a variant that lets memory be executable" \
	exits_with 1 "differ at arch=x86_64 nr=9 \(mmap\) .*arg2=0x4 " \
	"$S" check --policy "$T/ssh-exec.policy" build/openssh/preauth.bpf
t "check --policy without FILTER checks the policy's own compilation" \
	exits_with 0 "^confirmed: the compiled filter" \
	"$S" check --policy examples/net-client.policy
t "a filter that allows everything does not implement the shell policy" \
	exits_with 1 "does not implement" \
	"$S" check --policy examples/busybox-shell.policy "$C/allow-all.bpf"

printf 'default allow;\nallow read if arg0 =< 1;\n' >"$T/bad.policy"
t "a policy error: exit 1 with file:line:column and what was expected" \
	exits_with 1 "bad.policy:2:20: expected a comparison" \
	"$S" compile "$T/bad.policy" -o "$T/bad.bpf"
t "and no filter is written" [ ! -e "$T/bad.bpf" ]
{
	echo "default allow;"
	for i in $(seq 1 1500); do echo "errno $((i % 4000 + 1)) read if arg0 == $i;"; done
} >"$T/big.policy"
t "a policy beyond 4096 instructions: exit 1, saying so" \
	exits_with 1 "compiles to [0-9]+ instructions, more than the 4096" \
	"$S" compile "$T/big.policy" -o "$T/big.bpf"
t "compile without -o is a usage error (exit 2)" \
	exits_with 2 "expected POLICY -o FILTER" "$S" compile "$T/docker.policy"
t "trace --count 0 is a usage error (exit 2)" \
	exits_with 2 "bad --count" "$S" trace --count 0
t "trace --policy with a broken policy exits 1" \
	exits_with 1 "bad.policy:2:20" "$S" trace --policy "$T/bad.policy"
t "run --policy with a broken policy runs nothing (exit 1)" \
	exits_with 1 "bad.policy:2:20" "$S" run --policy "$T/bad.policy" -- touch "$T/ran"
t "and the command did not run" [ ! -e "$T/ran" ]

echo "1..$n"
exit $failed
