#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel releases of the test matrix, one per line: the kernels
# that Debian's metapackages linux-image-amd64 (6.1) and
# linux-image-6.12-amd64 (6.12) point at.  MAPDEV_KERNELS overrides.
set -eu

if [ -n "${MAPDEV_KERNELS:-}" ]; then
	printf '%s\n' $MAPDEV_KERNELS
	exit 0
fi
for meta in linux-image-amd64 linux-image-6.12-amd64; do
	dpkg-query -W -f='${Depends}\n' "$meta" 2>/dev/null |
		tr ',' '\n' | sed -n 's/^ *linux-image-\([^ ]*\).*/\1/p' | head -n 1
done
