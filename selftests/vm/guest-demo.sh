#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make demo`: a readable transcript of sealjit in a fresh VM.
say() { printf '\n# %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; echo "(exit status $?)"; }

dmesg -n 1	# keep kernel messages out of the transcript (the bench still checks them)

say "Load the module: it resolves its kernel symbols and creates /dev/sealjit."
run insmod /lib/modules/sealjit.ko
run ls -l /dev/sealjit
run sealjit version

say "A filter: allow getpid (39), fail everything else with EPERM."
printf '\x20\x00\x00\x00\x00\x00\x00\x00\x15\x00\x00\x01\x27\x00\x00\x00\x06\x00\x00\x00\x00\x00\xff\x7f\x06\x00\x00\x00\x01\x00\x05\x00' >/tmp/getpid.bpf
run sealjit disasm /tmp/getpid.bpf
say "The module checks and compiles it (a dry run: nothing is attached yet)."
run sealjit check -v --kernel /tmp/getpid.bpf

say "A broken filter: it reads scratch slot M[3] on a path that never wrote it."
printf '\x15\x00\x00\x01\x00\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00\x61\x00\x00\x00\x03\x00\x00\x00\x16\x00\x00\x00\x00\x00\x00\x00' >/tmp/broken.bpf
run sealjit disasm /tmp/broken.bpf
say "seccomp(2) would only say EINVAL; sealjit names the instruction and the reason," \
	"with the same words in the kernel and in the userspace checker:"
run sealjit check --kernel /tmp/broken.bpf
run sealjit check /tmp/broken.bpf

say "Unload: nothing is left behind."
run rmmod sealjit
run ls /dev/sealjit
echo "ok 1 - demo transcript complete"
echo "1..1"
