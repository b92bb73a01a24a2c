#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make dkms-check`: the module as a Debian host gets it through DKMS.
# `make dkms-src` lays the sources out under a scratch /usr/src, DKMS adds,
# builds and installs them (in a scratch DKMS tree and a scratch
# /lib/modules; the only lasting trace is the MOK signing key DKMS
# generates once in /var/lib/dkms) against the cloud kernel's headers,
# and a VM boots that kernel with that /lib/modules and modprobes it.
# Prints TAP.
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

# dkms install, as on a host, but into a scratch /lib/modules: the module
# lands in updates/dkms of that kernel's tree, and depmod indexes it there.
inst=$tmp/inst
mkdir -p "$inst/lib/modules/$kver"
installed=
if [ -n "$ko" ] &&
   dkms install -m sealjit -v "$ver" -k "$kver" "${dk[@]}" --no-depmod \
	--installtree "$inst/lib/modules" \
	--kernelsourcedir "/usr/src/linux-headers-$kver" >"$tmp/log3" 2>&1; then
	installed=$(cd "$inst/lib/modules/$kver" &&
		    find updates/dkms -name 'sealjit.ko*' | head -n 1)
fi
[ -n "$installed" ] && depmod -b "$inst" "$kver" 2>>"$tmp/log3" &&
	grep -q "^$installed:" "$inst/lib/modules/$kver/modules.dep" &&
	dkms status -m sealjit -v "$ver" -k "$kver" "${dk[@]}" \
		--installtree "$inst/lib/modules" | grep -q ': installed'
result $? "dkms install puts sealjit.ko in /lib/modules/$kver/updates/dkms and depmod indexes it"
[ -z "$installed" ] && sed 's/^/# /' "$tmp/log3" | tail -n 30

# A wrong kernel is refused, not half-built.
! dkms build -m sealjit -v "$ver" -k 0.0.0-none "${dk[@]}" >"$tmp/log2" 2>&1
result $? "dkms build for a kernel without headers fails"

if [ -n "$installed" ]; then
	# The installed tree as the VM's /lib/modules/KVER: modprobe finds
	# the module through depmod's index, as on a host after dkms install.
	files=()
	while read -r f; do
		files+=(--file "$inst/lib/modules/$kver/$f:/lib/modules/$kver/$f")
	done < <(cd "$inst/lib/modules/$kver" && find . -type f | sed 's|^\./||')
	cat >"$tmp/guest.sh" <<'EOG'
#!/bin/sh
modprobe sealjit && test -c /dev/sealjit
echo "$([ $? -eq 0 ] || echo 'not ')ok 1 - modprobe loads the module dkms install put in /lib/modules/$(uname -r)"
out=$(sealjit version 2>&1)
echo "$out" | sed 's/^/# /'
echo "$out" | grep -q '^module: .*, ABI '
echo "$([ $? -eq 0 ] || echo 'not ')ok 2 - sealjit version talks to it"
echo 1..2
EOG
	out=$(selftests/vm/run-vm.sh --kernel "$kimg" --timeout 300 \
		"${files[@]}" --file build/sealjit.static:/bin/sealjit \
		-- "$tmp/guest.sh" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/# /'
	[ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -c '^ok ' | grep -qx 2
	result $? "in the VM, the module dkms installed loads with modprobe and answers"
fi
echo "1..$n"
exit $status
