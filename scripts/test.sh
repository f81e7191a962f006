#!/usr/bin/env bash
# Sets up a fresh machine (packages, MNIST, build) and runs every test with CTest.
#   scripts/test.sh [extra ctest arguments]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"
export QT_QPA_PLATFORM=offscreen
cd "$here/build"
ctest --output-on-failure -j2 "$@"
