#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench: run mapdev-bench in a VM of every kernel of the matrix.
# BENCH_ARGS passes options to mapdev-bench (e.g. "--pairs 21 --json").
set -eu
cd "$(dirname "$0")/.."

BUILD=${BUILD:-$PWD/build}
scripts/install-deps.sh
make -s lib tools
mkdir -p "$BUILD/logs"
rc=0
for k in $(scripts/kernels.sh); do
	make -s modules KVER="$k"
	# Through a file per kernel: qemu truncates a file it is given as
	# its console, which would lose the previous kernel's results.
	log=$BUILD/logs/bench-$k.log
	# shellcheck disable=SC2086
	scripts/vm.sh "$k" sh "$PWD/scripts/guest-bench.sh" "$BUILD" \
		${BENCH_ARGS:-} > "$log" 2>&1 < /dev/null || rc=1
	cat "$log"
done
exit $rc
