#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# newest-kernel.sh ROOT-INFO|BUILD|DKMS ...: Debian's newest kernel (from
# trixie-backports), whose headers need trixie's gcc-14 and libc, in a
# trixie root that this script makes with debootstrap and caches under
# $MAPDEV_CACHE (~/.cache/mapdev/trixie-root).  Nothing is installed on the
# host but debootstrap.
#
#   newest-kernel.sh info          print "ROOT KVER"
#   newest-kernel.sh build DIR     build mapdev.ko for KVER inside the root,
#                                  DIR being this checkout (make modules)
#   newest-kernel.sh dkms DIR      the same through DKMS (make dkms)
set -eu

cache=${MAPDEV_CACHE:-$HOME/.cache/mapdev}
root=$cache/trixie-root
mirror=http://deb.debian.org/debian
pkgs="linux-image-amd64 linux-headers-amd64 gcc-14 gcc make kmod dkms
      python3 sqlite3 git file diffutils e2fsprogs libc6-i386 procps
      strace busybox-static libjemalloc2"

log() { echo "newest-kernel: $*" >&2; }

in_root() { # in_root CMD...: run CMD in the root, /proc mounted
	mount -t proc proc "$root/proc"
	rc=0
	chroot "$root" "$@" || rc=$?
	umount "$root/proc" 2>/dev/null || { sleep 1; umount -l "$root/proc"; }
	return $rc
}

make_root() {
	if [ ! -f "$root/.mapdev-root" ]; then
		rm -rf "$root" "$root.tmp"
		log "debootstrap trixie into $root (about 30 s)"
		debootstrap --variant=minbase trixie "$root.tmp" "$mirror" >&2
		cat > "$root.tmp/etc/apt/sources.list.d/backports.sources" <<-EOF
		Types: deb
		URIs: $mirror
		Suites: trixie-backports
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
		EOF
		mv "$root.tmp" "$root"
		touch "$root/.mapdev-root"
	fi
	# Every run: the newest kernel of trixie-backports, and what the
	# tests run (nothing when all is current).
	in_root apt-get -q update >&2
	# shellcheck disable=SC2086
	in_root env DEBIAN_FRONTEND=noninteractive apt-get -q -y \
		--no-install-recommends -t trixie-backports install $pkgs >&2
}

kver() { # the newest kernel installed in the root
	ls "$root/boot" | sed -n 's/^vmlinuz-//p' | sort -V | tail -n 1
}

# with_checkout DIR CMD...: CMD in the root with DIR mounted at DIR.
with_checkout() {
	dir=$1
	shift
	mkdir -p "$root$dir"
	mount --bind "$dir" "$root$dir"
	rc=0
	in_root sh -c "cd '$dir' && $*" || rc=$?
	# A child of make may still hold it for a moment.
	umount "$root$dir" 2>/dev/null || { sleep 1; umount -l "$root$dir"; }
	return $rc
}

case ${1:-} in
info)
	make_root
	echo "$root $(kver)"
	;;
build)
	with_checkout "$2" make -s modules KVER="$(kver)" CC=gcc-14
	;;
dkms)
	with_checkout "$2" make -s dkms KERNELS="$(kver)" CC=gcc-14
	;;
*)
	echo "usage: newest-kernel.sh info|build DIR|dkms DIR" >&2
	exit 2
	;;
esac
