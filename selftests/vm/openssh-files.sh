#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# For the OpenSSH VM test: prints the run-vm.sh --file arguments that put
# Debian's sshd, ssh and ssh-keygen (extracted from the .debs `make deps`
# downloads, never installed) into the guest, with every shared library
# they load, taken from this machine (a Debian 12 like the packages),
# libwrap from its own .deb.  Fails if a library cannot be found.
# Usage: selftests/vm/openssh-files.sh DIR   (DIR: the extracted packages)
set -euo pipefail
dir=$(readlink -f "$1")
bins=("$dir/usr/sbin/sshd" "$dir/usr/bin/ssh" "$dir/usr/bin/ssh-keygen")
echo "--file $dir/usr/sbin/sshd:/usr/sbin/sshd"
echo "--file $dir/usr/bin/ssh:/usr/bin/ssh"
echo "--file $dir/usr/bin/ssh-keygen:/usr/bin/ssh-keygen"
libs=$(LD_LIBRARY_PATH="$dir/usr/lib/x86_64-linux-gnu:$dir/lib/x86_64-linux-gnu" \
	ldd "${bins[@]}" | awk '/not found/ { print "MISSING " $1 } /=> \// { print $3 } /^\t\/lib64/ { print $1 }' |
	sort -u)
if grep -q MISSING <<<"$libs"; then
	echo "openssh-files: $(grep MISSING <<<"$libs" | tr '\n' ' ')" >&2
	exit 1
fi
# The guest has no ld.so.cache: every library goes where the loader looks
# without one, the dynamic loader itself where the binaries name it.
for l in $libs; do
	case $l in
	/lib64/*) dst=$l ;;
	*) dst=/lib/x86_64-linux-gnu/${l##*/} ;;
	esac
	echo "--file $(readlink -f "$l"):$dst"
done
