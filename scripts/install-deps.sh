#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install, as root, what building and testing mapdev needs, from Debian's
# archive only.  Prints each package it installs; installs nothing when all
# are present.  virtme-ng is not in bookworm: it comes from trixie through a
# pinned, low-priority apt source so that nothing else is upgraded.
set -eu

# Packages by purpose: the kernel matrix (images and headers), the build,
# the VMs, the real programs the interposer is proven on, and what building
# the debug kernel needs.
pkgs="make gcc gcc-multilib libc6-dev kmod sparse xz-utils
      linux-image-amd64 linux-headers-amd64
      linux-image-6.12-amd64 linux-headers-6.12-amd64
      linux-source-6.12 qemu-system-x86 busybox-static
      sqlite3 git python3 zstd lz4 perl pkgconf man-db e2fsprogs libjemalloc2
      strace
      flex bison bc libelf-dev libssl-dev cpio dkms debootstrap rsync"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing="$missing $p"
done
need_vng=
command -v vng >/dev/null 2>&1 || need_vng=1

[ -z "$missing" ] && [ -z "$need_vng" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing:$missing${need_vng:+ virtme-ng}; run as root" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -q -y -o Dpkg::Use-Pty=0 "$@"; }

if [ -n "$need_vng" ] && ! apt-cache show virtme-ng >/dev/null 2>&1; then
	echo "install-deps: adding a pinned trixie apt source for virtme-ng"
	cat > /etc/apt/sources.list.d/mapdev-trixie.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	cat > /etc/apt/preferences.d/mapdev-trixie <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
fi

apt_get update >/dev/null
[ -n "$need_vng" ] && missing="$missing virtme-ng"
echo "install-deps: installing:$missing"
# shellcheck disable=SC2086
apt_get install --no-install-recommends $missing
