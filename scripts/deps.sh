#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installs, through apt-get only, whatever the build and tests need and is
# missing, and any package named on the command line.  Idempotent: when everything is present it changes nothing and
# does not touch the network.
set -euo pipefail

pkgs=(make gcc libc6-dev clang-14 sparse coccinelle qemu-system-x86
      busybox-static cpio gzip xz-utils linux-source-6.1 binutils
      linux-image-cloud-amd64 linux-headers-cloud-amd64
      libseccomp-dev libjansson-dev libcap-dev
      frama-c-base why3 z3 cvc4 man-db groff-base dkms "$@")

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

# The image and headers metapackages can drift apart after an upgrade:
# require at least one version that has both.
have_pair=
for img in /boot/vmlinuz-*-cloud-amd64; do
	[ -e "$img" ] || continue
	v=${img#/boot/vmlinuz-}
	[ -d "/usr/src/linux-headers-$v" ] && have_pair=1
done
[ -n "$have_pair" ] || missing+=(linux-image-cloud-amd64 linux-headers-cloud-amd64)

# OpenSSH's server and client, and the libwrap sshd links, downloaded and
# never installed (that would start a daemon here): the policy tests read
# the sandbox filter in its sshd, and the VM runs sshd and ssh.
ssh_debs=(openssh-server openssh-client libwrap0)
fetch_sshd=
for p in "${ssh_debs[@]}"; do
	ls /var/cache/apt/archives/"$p"_*_amd64.deb >/dev/null 2>&1 ||
		fetch_sshd=1
done

if [ ${#missing[@]} -eq 0 ] && [ -z "$fetch_sshd" ]; then
	echo "deps: all present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]}${fetch_sshd:+ the openssh .debs}; run 'make deps' as root" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}${fetch_sshd:+ (and downloading the openssh .debs)}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
[ ${#missing[@]} -eq 0 ] ||
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ -z "$fetch_sshd" ] ||
	(cd /var/cache/apt/archives && apt-get download -qq "${ssh_debs[@]}")
echo "deps: done"
