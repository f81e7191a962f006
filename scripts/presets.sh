#!/usr/bin/env bash
# Trains presets with their default settings and compares the test accuracy with the tutorial's.
# This is the command behind the accuracy table in README.md.
#
#   scripts/presets.sh [--seeds "1 2 3"] [preset ...]      (default: every preset, its own seed)
#
# Models are written to build/presets/<preset>[-seed<N>].dsm; one line per run is printed, and
# the exit code is non-zero if a default-seed run falls short of the tutorial's accuracy.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seeds=""
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) names+=("$1"); shift ;;
  esac
done
"$here/scripts/setup.sh" >&2
cli="$here/build/app/digit-cli"
out="$here/build/presets"
mkdir -p "$out"
if [ ${#names[@]} -eq 0 ]; then
  mapfile -t names < <("$cli" presets | tail -n +2 | awk '{print $1}')
fi
status=0
for p in "${names[@]}"; do
  target="$("$cli" presets | awk -v p="$p" '$1 == p {sub("%", "", $2); print $2}')"
  for s in ${seeds:-default}; do
    file="$out/$p.dsm"
    args=()
    if [ "$s" != default ]; then file="$out/$p-seed$s.dsm"; args=(--seed "$s"); fi
    start=$(date +%s)
    "$cli" train --preset "$p" "${args[@]}" --out "$file" > "$out/$p-$s.log"
    secs=$(( $(date +%s) - start ))
    acc="$("$cli" evaluate --model "$file" --json | /usr/bin/python3 -c 'import json,sys; print("%.2f" % (100 * json.load(sys.stdin)["accuracy"]))')"
    verdict=$(/usr/bin/python3 -c "print('ok' if $acc >= $target else 'below')")
    printf '%-24s seed %-8s test %6s%%  tutorial %6s%%  %-5s  %4ss\n' "$p" "$s" "$acc" "$target" "$verdict" "$secs"
    if [ "$s" = default ] && [ "$verdict" = below ]; then status=1; fi
  done
done
exit $status
