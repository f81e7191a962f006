#!/usr/bin/env bash
# Sets up a fresh machine (packages, MNIST, build) and launches Digit Studio.
#   scripts/studio.sh [digit-studio arguments]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"
app="$here/build/app/digit-studio"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "[studio] no display found: starting under Xvfb (xvfb-run)" >&2
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$app" "$@"
fi
exec "$app" "$@"
