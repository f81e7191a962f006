#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan + UBSan, in build-fuzz/) and runs them
# one after another, one process each (the machine is shared), then appends one row per target to
# the table in tests/fuzz/README.md: date, commit, executions, crashes, leaks, UBSan reports.
#
#   scripts/fuzz.sh [--minutes N] [--keep-going] [--seeds] [--no-packages] [--no-record] [target...]
#
#   --minutes N    how long each target runs (default 5; fractions allowed: 0.5)
#   --keep-going   fork mode: record a crash and go on fuzzing (-fork=1 -ignore_crashes=1 ...)
#                  instead of stopping at the first one
#   --seeds        rewrite the committed seed corpora tests/fuzz/corpus/ from MNIST and real
#                  files first (needs MNIST: scripts/setup.sh --no-build fetches it)
#   --no-packages  do not install clang (scripts/packages-fuzz.txt) when it is missing
#   --no-record    do not append to tests/fuzz/README.md
#   target         fuzz_idx_raw fuzz_idx_gzip fuzz_npz fuzz_dsm fuzz_image fuzz_keras (default: all)
#
# Caps, proven on every input: -malloc_limit_mb=300 (no single allocation above 300 MB: the
# largest legitimate buffers are the loaders' 256 MiB array cap), 400 for fuzz_image (Qt decodes a
# picture of up to 100 megapixels whole at up to 4 bytes a pixel: its allocation limit,
# kImageAllocationLimitMiB in image/image_file.h), and -rss_limit_mb=2048 (the whole process,
# ASan's shadow and quarantine included).
# Findings (crash-*, oom-*, leak-*, timeout-* input files) go to build-fuzz/findings/TARGET/; the
# corpus a run grows stays in build-fuzz/corpus/TARGET/ (not committed).
#
# Environment: DIGIT_FUZZ_BUILD_DIR (default <repo>/build-fuzz).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${DIGIT_FUZZ_BUILD_DIR:-$here/build-fuzz}"
all_targets=(fuzz_idx_raw fuzz_idx_gzip fuzz_npz fuzz_dsm fuzz_image fuzz_keras)
rss_limit_mb=2048

say() { echo "[fuzz] $*" >&2; }
die() { echo "[fuzz] error: $*" >&2; exit 1; }

minutes=5 keep_going=0 seeds=0 packages=1 record=1 targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) [ $# -ge 2 ] || die "--minutes needs a number"; minutes="$2"; shift ;;
    --keep-going) keep_going=1 ;;
    --seeds) seeds=1 ;;
    --no-packages) packages=0 ;;
    --no-record) record=0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    fuzz_*) targets+=("$1") ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done
[[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] && awk -v m="$minutes" 'BEGIN { exit !(m > 0) }' ||
  die "--minutes takes a positive number, found '$minutes'"
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 + 0.5 }')
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || die "unknown target $t (one of: ${all_targets[*]})"
done

# --- clang, only for this build --------------------------------------------------------------
. "$here/scripts/packages.sh"
mapfile -t fuzz_packages < <(read_package_list "$here/scripts/packages-fuzz.txt")
if [ "$packages" = 1 ] && command -v dpkg-query >/dev/null 2>&1; then
  install_missing_packages "${fuzz_packages[@]}"
  # The libraries the core and the image decoding use (Qt, Eigen, zlib) and MNIST (for --seeds):
  # the normal set-up, without its build.
  "$here/scripts/setup.sh" --no-build
fi
command -v clang++ >/dev/null 2>&1 || die "clang++ not found: install ${fuzz_packages[*]} (or drop --no-packages)"

# --- build -------------------------------------------------------------------------------------
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  say "configuring $build_dir (clang, -fsanitize=fuzzer,address,undefined)"
  mkdir -p "$build_dir"
  launcher=()
  if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  cmake -S "$here" -B "$build_dir" -DDIGIT_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "${launcher[@]}" > "$build_dir/configure.log" 2>&1 || { tail -30 "$build_dir/configure.log" >&2; die "configure failed"; }
fi
say "building (log in $build_dir/build.log)"
cmake --build "$build_dir" -j"$(nproc)" > "$build_dir/build.log" 2>&1 ||
  { grep -E "error" "$build_dir/build.log" | head -30 >&2; die "the build failed; see $build_dir/build.log"; }

if [ "$seeds" = 1 ]; then
  say "writing the seed corpora into tests/fuzz/corpus/"
  rm -rf "$here/tests/fuzz/corpus"
  "$build_dir/tests/fuzz/make_fuzz_corpus" "$here/tests/fuzz/corpus" "" "$here/resources/models/default.dsm"
fi

# --- run ---------------------------------------------------------------------------------------
commit="$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$here" status --porcelain --untracked-files=no -- . ':!tests/fuzz/README.md' 2>/dev/null)" ]; then
  commit="$commit+changes"
fi
readme="$here/tests/fuzz/README.md"
status=0
for t in "${targets[@]}"; do
  corpus="$build_dir/corpus/$t" findings="$build_dir/findings/$t" log="$build_dir/logs/$t-$(date -u +%Y%m%dT%H%M%S).log"
  mkdir -p "$corpus" "$findings" "$(dirname "$log")"
  marker="$log.start"
  touch "$marker"
  malloc_limit_mb=300
  if [ "$t" = fuzz_image ]; then malloc_limit_mb=400; fi
  flags=(-max_total_time="$seconds" -rss_limit_mb="$rss_limit_mb" -malloc_limit_mb="$malloc_limit_mb" -timeout=60
         -max_len=65536 -print_final_stats=1 -artifact_prefix="$findings/")
  if [ "$keep_going" = 1 ]; then flags+=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1); fi
  say "$t: $minutes min ($build_dir/tests/fuzz/$t ${flags[*]} $corpus tests/fuzz/corpus/$t), log in $log"
  # One OpenMP thread: one core per fuzzer. Leaks are checked at every input's end (ASan's LSan).
  rc=0
  OMP_NUM_THREADS=1 QT_QPA_PLATFORM=offscreen \
  ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0:abort_on_error=0" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$build_dir/tests/fuzz/$t" "${flags[@]}" "$corpus" "$here/tests/fuzz/corpus/$t" > "$log" 2>&1 || rc=$?
  # Executions: the final stats of a plain run, the last "#N" status line in fork mode.
  execs=$(awk '/stat::number_of_executed_units:/ { n = $2 } END { print n + 0 }' "$log")
  if [ "$execs" = 0 ]; then execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#'); execs=${execs:-0}; fi
  # Each input this run wrote to findings/ is run again on its own to tell what it is: the parent's
  # log of a fork-mode run does not hold its children's reports.
  run_crashes=0 run_leaks=0 ubsan=0
  while IFS= read -r f; do
    case "$(basename "$f")" in
      leak-*) run_leaks=$((run_leaks + 1)) ;;
      crash-*|oom-*|timeout-*) run_crashes=$((run_crashes + 1)) ;;
      *) continue ;;  # slow-unit-*: slow, not wrong
    esac
    again=$(OMP_NUM_THREADS=1 timeout 120 "$build_dir/tests/fuzz/$t" -rss_limit_mb="$rss_limit_mb" \
              -malloc_limit_mb="$malloc_limit_mb" "$f" 2>&1 || true)
    if grep -q "runtime error:" <<< "$again"; then ubsan=$((ubsan + 1)); fi
  done < <(find "$findings" -maxdepth 1 -type f -newer "$marker")
  rm -f "$marker"
  found=$(( run_crashes + run_leaks ))
  # A failure that wrote no input (e.g. the harness could not start) still counts.
  if [ "$rc" != 0 ] && [ "$found" = 0 ]; then run_crashes=1; fi
  say "$t: $execs executions, $run_crashes crashes, $run_leaks leaks, $ubsan UBSan reports (exit $rc)"
  if [ "$found" -gt 0 ]; then say "$t: findings in $findings/"; status=1; fi
  if [ "$rc" != 0 ]; then status=1; fi
  if [ "$record" = 1 ]; then
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$(date -u +%Y-%m-%d)" "$commit" "$execs" "$run_crashes" \
      "$run_leaks" "$ubsan" "$minutes min$([ "$keep_going" = 1 ] && echo ', --keep-going')" >> "$readme"
  fi
done

# Totals over the project's life, from the table (goal: 10 million executions per target).
if [ -f "$readme" ]; then
  awk -F'|' '$2 ~ /fuzz_/ && $3 ~ /[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]/ { gsub(/ /, "", $2); gsub(/ /, "", $5); gsub(/ /, "", $6); n[$2] += $5; c[$2] += $6 }
             END { for (t in n) printf "[fuzz] %s: %d executions in total, %d crashes recorded (goal: 10,000,000 and 0)\n", t, n[t], c[t] }' \
    "$readme" | sort >&2
fi
exit $status
