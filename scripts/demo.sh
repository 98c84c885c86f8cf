#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo: install what is missing, build mapdev for the newest kernel of
# the matrix, boot it in a VM, load mapdev and run the narrated demo.
set -eu
cd "$(dirname "$0")/.."

BUILD=${BUILD:-$PWD/build}
scripts/install-deps.sh
kver=${KVER:-$(scripts/kernels.sh | tail -n 1)}
echo "demo: building mapdev for $kver"
make -s modules lib tools KVER="$kver" BUILD="$BUILD"
echo "demo: booting $kver in a VM (about 30 s without KVM)"
scripts/vm.sh "$kver" sh "$PWD/scripts/guest-demo.sh" "$BUILD"
