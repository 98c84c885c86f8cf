#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check: install what is missing, build the module for every kernel of
# the matrix (no warnings at W=1), run checkpatch, sparse and the uapi
# header check, then boot each kernel in a VM and run the selftests there.
# Prints KTAP per kernel and ends with one line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."

BUILD=${BUILD:-$PWD/build}
export BUILD
logs=$BUILD/logs
mkdir -p "$logs"

scripts/install-deps.sh || { echo "check: installing dependencies failed"; exit 1; }
kernels=$(scripts/kernels.sh | tr "\n" " ")
[ -n "$kernels" ] || { echo "check: no kernel of the matrix is installed"; exit 1; }

pass=0
fail=0
skip=0
n=0

# host_result RESULT NAME LOG: one KTAP line for a host-side check.
host_result() {
	n=$((n + 1))
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "ok $n $2"
	else
		fail=$((fail + 1))
		echo "not ok $n $2"
		[ -n "${3:-}" ] && sed 's/^/# /' "$3" | tail -n 40
	fi
	return 0
}

# run NAME CMD...: run a host check, log it, report it.
run() {
	name=$1
	shift
	log=$logs/$(echo "$name" | tr -c 'A-Za-z0-9.\n' '_').log
	if "$@" > "$log" 2>&1; then
		host_result ok "$name"
	else
		host_result "not ok" "$name" "$log"
	fi
}

# A module build that prints a warning fails.
build_module() {
	make -s modules KVER="$1" > "$logs/build-$1.log" 2>&1 &&
		! grep -i 'warning' "$logs/build-$1.log"
}

# libmapdev exports its three functions, versioned, and nothing else.
lib_exports() {
	nm -D --defined-only "$BUILD/lib/libmapdev.so" | awk '{print $3}' | sort |
		tr '\n' ' ' | grep -qx 'MAPDEV_1.0 mapdev_mmap2@@MAPDEV_1.0 mapdev_mmap@@MAPDEV_1.0 mapdev_munmap@@MAPDEV_1.0 ' &&
		readelf -d "$BUILD/lib/libmapdev.so" | grep -q 'SONAME.*libmapdev.so.1'
}

# make install into a DESTDIR; a program builds against it with pkg-config,
# shared and static; make uninstall leaves nothing behind.
install_roundtrip() {
	dest=$BUILD/destdir
	rm -rf "$dest"
	make -s install DESTDIR="$dest" PREFIX=/usr/local || return 1
	printf '#include <sys/mman.h>\n#include <mapdev.h>\nint main(void) { return mapdev_mmap(0, 0, 0, 0, -1, 0) == MAP_FAILED ? 0 : 1; }\n' > "$BUILD/use-lib.c"
	pc="env PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_LIBDIR=$dest/usr/local/lib/pkgconfig pkg-config"
	# shellcheck disable=SC2046
	cc -Wall -Werror -o "$BUILD/use-lib" "$BUILD/use-lib.c" \
		$($pc --cflags --libs mapdev) || return 1
	LD_LIBRARY_PATH=$dest/usr/local/lib "$BUILD/use-lib" || return 1
	# shellcheck disable=SC2046
	cc -Wall -Werror -static -o "$BUILD/use-lib-static" "$BUILD/use-lib.c" \
		$($pc --cflags mapdev) "$dest/usr/local/lib/libmapdev.a" || return 1
	"$BUILD/use-lib-static" || return 1
	for m in mapdev_mmap mapdev_mmap2 mapdev_munmap mapdev-run; do
		MANPATH=$dest/usr/local/share/man man -w "$m" > /dev/null || return 1
	done
	make -s uninstall DESTDIR="$dest" PREFIX=/usr/local || return 1
	left=$(find "$dest" -type f -o -type l)
	[ -z "$left" ] || { echo "left behind: $left"; return 1; }
}

echo "TAP version 13"
echo "# host checks"
for k in $kernels; do
	run "build mapdev.ko for $k at W=1" build_module "$k"
done
run "build libmapdev, tools and selftests" make -s lib tools selftests
run "libmapdev exports only its three functions, soname libmapdev.so.1" lib_exports
run "make install/uninstall with DESTDIR, pkg-config, man pages" install_roundtrip
run "uapi header compiles alone (c90, -m32/-m64)" make -s headers_check
run "checkpatch --strict" make -s checkpatch
run "sparse C=2" make -s sparse KERNELS="$kernels"

for k in $kernels; do
	echo "# kernel $k"
	log=$logs/vm-$k.log
	timeout 1800 scripts/vm.sh "$k" sh "$PWD/scripts/guest-check.sh" \
		"$BUILD" > "$log" 2>&1
	cat "$log"
	# Count test cases: the selftests' own (indented) lines and the
	# runner's other lines.  A selftest binary's summary line counts only
	# when it adds a failure its cases do not show: a splat or a crash.
	if ! grep -Eq '^ *(not )?ok [0-9]+ ' "$log"; then
		echo "# kernel $k: the VM reported nothing"
		fail=$((fail + 1))
		continue
	fi
	grep -E '^ *(not )?ok [0-9]+ ' "$log" |
		grep -Ev '^ok [0-9]+ selftests: |^not ok [0-9]+ selftests: .*exit=1$' \
		> "$logs/cases-$k"
	s=$(grep -c '# SKIP' "$logs/cases-$k")
	f=$(grep -Ec '^ *not ok ' "$logs/cases-$k")
	p=$(grep -Ec '^ *ok ' "$logs/cases-$k")
	pass=$((pass + p - s))
	skip=$((skip + s))
	fail=$((fail + f))
done

echo "# $skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
