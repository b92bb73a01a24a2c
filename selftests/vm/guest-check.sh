#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs in the VM (busybox sh, as root): the module's life cycle around the
# kselftest binary dev_test.  Prints TAP.
n=0
failed=0
t() {
	n=$((n + 1))
	desc=$1
	shift
	if "$@" >/tmp/t.out 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/#   /' /tmp/t.out
		failed=1
	fi
}
absent() { ! test -e "$1"; }
loaded() { grep -q "^sealjit " /proc/modules; }
not_loaded() { ! loaded; }
fails() { ! "$@"; }
in_dmesg() { dmesg | grep -q "$1"; }
same_output() {
	a=$(sealjit check -v "$1" 2>&1)
	b=$(sealjit check -v --kernel "$1" 2>&1)
	echo "user:   $a"
	echo "kernel: $b"
	[ "$a" = "$b" ] && [ -n "$a" ]
}

M=/lib/modules/sealjit.ko

t "insmod fails when a required kernel symbol is missing" \
	fails insmod $M require_ksym=sealjit_no_such_symbol
t "the refusal names the missing symbol in one log line" \
	in_dmesg "sealjit: kernel symbol sealjit_no_such_symbol not found: refusing to load"
t "and leaves no module behind" not_loaded
t "insmod succeeds" insmod $M
t "/dev/sealjit is a character device" test -c /dev/sealjit
t "the tool reads the module's version" sh -c 'sealjit version | grep -q "module: 0.1.0, ABI 1.0"'

# The kselftest harness prints its own TAP; its results count like ours.
/bin/dev_test
[ $? -eq 0 ] || failed=1

# Same text from the userspace checker and from the module, file by file.
printf '\x06\x00\x00\x00\x00\x00\xff\x7f' >/tmp/allow.bpf
printf '\x60\x00\x00\x00\x00\x00\x00\x00\x16\x00\x00\x00\x00\x00\x00\x00' >/tmp/uninit.bpf
printf '\x94\x00\x00\x00\x03\x00\x00\x00\x16\x00\x00\x00\x00\x00\x00\x00' >/tmp/mod.bpf
: >/tmp/empty.bpf
for f in allow uninit mod empty; do
	t "sealjit check and the module say the same about $f.bpf" \
		same_output /tmp/$f.bpf
done
t "a rejected filter exits 1 from the kernel check" \
	sh -c 'sealjit check --kernel /tmp/uninit.bpf; [ $? -eq 1 ]'

t "rmmod succeeds" rmmod sealjit
t "/dev/sealjit is gone" absent /dev/sealjit
t "the module can be loaded again" insmod $M
t "and unloaded again" rmmod sealjit
t "nothing is left loaded" not_loaded

echo "1..$n"
exit $failed
