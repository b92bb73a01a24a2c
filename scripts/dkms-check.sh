#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make dkms-check`: the module as a Debian host gets it through DKMS.
# `make dkms-src` lays the sources out under a scratch /usr/src, DKMS adds
# and builds them (in a scratch DKMS tree; the only lasting trace is the
# MOK signing key DKMS generates once in /var/lib/dkms) against the cloud
# kernel's headers, and a VM boots that kernel and loads the module DKMS
# built.  Prints TAP.
# Usage: scripts/dkms-check.sh KVER KIMG
set -uo pipefail
kver=$1
kimg=$2
ver=$(cat VERSION)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=scripts/tap-result.sh
. "$(dirname "$0")/tap-result.sh"

grep -qx "PACKAGE_VERSION=\"$ver\"" dkms.conf
result $? "dkms.conf's PACKAGE_VERSION is VERSION's ($ver)"

src=$tmp/root/usr/src
mkdir -p "$tmp/tree"
dk=(--sourcetree "$src" --dkmstree "$tmp/tree")
make --no-print-directory -s dkms-src DESTDIR="$tmp/root" >"$tmp/log" 2>&1 &&
	dkms add -m sealjit -v "$ver" "${dk[@]}" >>"$tmp/log" 2>&1 &&
	dkms build -m sealjit -v "$ver" -k "$kver" "${dk[@]}" \
		--kernelsourcedir "/usr/src/linux-headers-$kver" >>"$tmp/log" 2>&1
rc=$?
ko=$(find "$tmp/tree" -name 'sealjit.ko*' -path '*/module/*' | head -n 1)
[ "$rc" -eq 0 ] && [ -n "$ko" ] &&
	modinfo -F vermagic "$ko" | grep -q "^$kver "
result $? "dkms add and dkms build make sealjit.ko for $kver from make dkms-src's tree"
[ -z "$ko" ] && sed 's/^/# /' "$tmp/log" | tail -n 30

# A wrong kernel is refused, not half-built.
! dkms build -m sealjit -v "$ver" -k 0.0.0-none "${dk[@]}" >"$tmp/log2" 2>&1
result $? "dkms build for a kernel without headers fails"

if [ -n "$ko" ]; then
	cat >"$tmp/guest.sh" <<'EOG'
#!/bin/sh
insmod /lib/modules/sealjit.ko && test -c /dev/sealjit
echo "$([ $? -eq 0 ] || echo 'not ')ok 1 - the DKMS-built module loads and creates /dev/sealjit"
out=$(sealjit version 2>&1)
echo "$out" | sed 's/^/# /'
echo "$out" | grep -q '^module: .*, ABI '
echo "$([ $? -eq 0 ] || echo 'not ')ok 2 - sealjit version talks to it"
echo 1..2
EOG
	out=$(selftests/vm/run-vm.sh --kernel "$kimg" --timeout 300 \
		--module "$ko" --file build/sealjit.static:/bin/sealjit \
		-- "$tmp/guest.sh" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/# /'
	[ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -c '^ok ' | grep -qx 2
	result $? "in the VM, the module DKMS built loads and answers"
fi
echo "1..$n"
exit $status
