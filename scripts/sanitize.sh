#!/usr/bin/env bash
# Builds with sanitizers in a build folder of its own and runs the tests there, offscreen. CI
# (.ci/run) runs both modes after scripts/test.sh. Needs what scripts/setup.sh installs and fetches.
#
#   scripts/sanitize.sh asan|tsan [extra ctest arguments]
#
#   asan  AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer) in build-asan/:
#         the core, digit-cli, the app and every test (UI tests included), RelWithDebInfo,
#         portable (no DIGIT_NATIVE), then the whole CTest suite. Any report fails the test.
#   tsan  ThreadSanitizer in build-tsan/: the core and its tests of threads we start ourselves
#         (tst_threads: a training run cancelled from another thread), with OMP_NUM_THREADS=1.
#         Why not more: GCC's OpenMP runtime (libgomp) is not built with TSan, so TSan cannot see
#         its barriers and would report every parallel loop as a race; suppressing those reports
#         would hide real races in the same loops. Qt is not built with TSan either (its mutexes
#         are futexes inside libQt6Core), so the app's training worker would draw the same false
#         reports. The OpenMP loops are checked instead by tst_parallel (the same bits with one
#         thread or two, every chunk written once) and, for memory errors, by the asan build.
#
# Environment: DIGIT_SANITIZE_BUILD_DIR (default <repo>/build-asan or <repo>/build-tsan).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-}"
[ $# -gt 0 ] && shift
case "$mode" in
  asan)
    flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
    configure=()
    targets=(all)
    tests=()
    ;;
  tsan)
    flags="-fsanitize=thread"
    configure=(-DDIGIT_BUILD_UI=OFF)
    targets=(tst_threads)
    tests=(-R '^tst_threads$')
    ;;
  *) echo "usage: scripts/sanitize.sh asan|tsan [ctest arguments]" >&2; exit 2 ;;
esac
build_dir="${DIGIT_SANITIZE_BUILD_DIR:-$here/build-$mode}"

say() { echo "[sanitize $mode] $*" >&2; }
die() { echo "[sanitize $mode] error: $*" >&2; exit 1; }

mkdir -p "$build_dir"
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  say "configuring $build_dir (RelWithDebInfo, $flags)"
  cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDIGIT_NATIVE=OFF "${configure[@]}" \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="$flags" \
    > "$build_dir/configure.log" 2>&1 || { tail -30 "$build_dir/configure.log" >&2; die "configure failed"; }
fi
say "building ${targets[*]} (log in $build_dir/build.log)"
start=$(date +%s)
cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]}" > "$build_dir/build.log" 2>&1 ||
  { grep -E "error" "$build_dir/build.log" | head -30 >&2; die "the build failed; see $build_dir/build.log"; }
say "built in $(( $(date +%s) - start )) s"

export QT_QPA_PLATFORM=offscreen
# halt_on_error: the first report ends the test (and fails it); LeakSanitizer runs at exit.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# Qt is not built with TSan: tests/sanitizers/tsan.supp ignores the threading calls Qt itself makes.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$here/tests/sanitizers/tsan.supp"
cd "$build_dir"
ctest --output-on-failure -j2 "${tests[@]}" "$@"
