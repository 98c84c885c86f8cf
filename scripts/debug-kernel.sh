#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh: print the path of a built debug kernel tree (KASAN,
# lockdep, DEBUG_VM, kmemleak...), building it first when the cache lacks
# it.  The tree is Debian's linux-source-6.12 configured with virtme-ng's
# minimal config plus scripts/debug-kernel/config.  It is cached under
# $MAPDEV_CACHE (~/.cache/mapdev), keyed by the fragment and the source
# package's version, so later runs on the same machine skip the build.
# Building takes about 25 minutes on 2 otherwise idle cores and leaves
# about 2.6 GB.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
frag=$here/debug-kernel/config
tar=/usr/src/linux-source-6.12.tar.xz
version=$(dpkg-query -W -f='${Version}' linux-source-6.12)
key=$(sha256sum < "$frag" | cut -c1-12)-$version
cache=${MAPDEV_CACHE:-$HOME/.cache/mapdev}/debug-kernel
tree=$cache/$key/linux-source-6.12

log() { echo "debug-kernel: $*" >&2; }

if [ -f "$tree/.mapdev-built" ]; then
	log "$(cat "$tree/.mapdev-built"), cached in $cache/$key"
	echo "$tree"
	exit 0
fi

# Older builds (another fragment or source version) are not needed.
rm -rf "$cache"
mkdir -p "$cache/$key"
log "extracting $tar ($version)"
tar xJf "$tar" -C "$cache/$key"
cd "$tree"

log "configuring: virtme-ng's minimal config + $frag"
vng --kconfig >&2
# Merged after vng's own settings (DWARF debug info among them), so that
# the fragment has the last word.
./scripts/kconfig/merge_config.sh -m .config "$frag" >&2
make -s olddefconfig >&2

# Every option of the fragment must have landed as asked.
bad=0
grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while IFS='=' read -r opt val; do
	if [ "$val" = n ]; then
		! grep -q "^$opt=" .config || { log "$opt is set"; echo x; }
	else
		grep -q "^$opt=$val\$" .config || { log "$opt is not $val"; echo x; }
	fi
done > "$cache/$key/mismatch"
[ -s "$cache/$key/mismatch" ] && bad=1
if [ $bad -ne 0 ]; then
	log "the configuration does not match $frag"
	exit 1
fi

jobs=$(nproc)
log "building bzImage and modules with $jobs jobs (about 25 minutes on 2 idle cores)"
start=$(date +%s)
make -s -j"$jobs" bzImage modules >&2
echo "built in $(($(date +%s) - start)) s" > .mapdev-built
log "$(cat .mapdev-built)"
echo "$tree"
