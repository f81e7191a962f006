#!/usr/bin/env bash
# Side-by-side benchmark: digit-cli bench against the PyTorch peer (../shared/peers/), in one run
# on this machine, alternating the two so load on a shared machine hits both alike.
#
#   scripts/bench.sh [--epochs N] [--rounds N] [preset ...]
#       (default: mlp-512 mlp-392x2 cnn-small cnn-32-64; PEAK_GFLOPS, default 470, is the fp32 peak
#        the convolutions' rate is compared with: 2 cores x 2 AVX-512 FMA units x 16 lanes x 2
#        flops x about 3.7 GHz, the figure in ../shared/peers/README.md)
#
# Uses the set-up's build (-O3 -march=native; DIGIT_BUILD_DIR to pick another), installs
# python3-torch and unpacks Debian's OpenBLAS for the peer if missing, and prints seconds per
# epoch, samples/s, single-image latency and peak RSS for both.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peers="${DIGIT_PEERS_DIR:-$here/../shared/peers}"
epochs=2
rounds=1
presets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) presets+=("$1"); shift ;;
  esac
done
[ ${#presets[@]} -gt 0 ] || presets=(mlp-512 mlp-392x2 cnn-small cnn-32-64)
peak="${PEAK_GFLOPS:-470}"

"$here/scripts/setup.sh" >&2
cli="${DIGIT_BUILD_DIR:-$here/build}/app/digit-cli"

if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "[bench] installing python3-torch for the peer" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy >/dev/null
fi
# shellcheck disable=SC1091
source "$peers/env.sh"
if [ ! -d "$OB_LIB" ]; then
  echo "[bench] unpacking OpenBLAS for the peer" >&2
  (cd "$peers" && ./setup_openblas.sh >/dev/null)
fi
export MNIST_DIR="$here/data/mnist"

peer_model() {
  case "$1" in
    mlp-512) echo M1 ;; mlp-392x2) echo M2 ;; cnn-32-64) echo M3 ;; cnn-small) echo M4 ;; *) echo "" ;;
  esac
}

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
for ((r = 1; r <= rounds; r++)); do
  for p in "${presets[@]}"; do
    echo "[bench] round $r: digit-cli $p" >&2
    OMP_NUM_THREADS=2 "$cli" bench --preset "$p" --epochs "$epochs" --peak-gflops "$peak" --json | sed "s/^/ours /" >> "$results"
    m="$(peer_model "$p")"
    if [ -n "$m" ]; then
      echo "[bench] round $r: pytorch $m" >&2
      env $(cfg_env ob) /usr/bin/python3 "$peers/torch_mnist.py" "$m" --epochs "$epochs" --threads 2 2>/dev/null \
        | grep '^RESULT ' | sed "s/^RESULT /peer $p /" >> "$results"
    fi
  done
done

/usr/bin/python3 - "$results" <<'PY'
import json, statistics, sys
ours, peer = {}, {}
for line in open(sys.argv[1]):
    kind, rest = line.split(" ", 1)
    if kind == "ours":
        d = json.loads(rest); ours.setdefault(d["preset"], []).append(d)
    else:
        name, js = rest.split(" ", 1); peer.setdefault(name, []).append(json.loads(js))
print(f"{'preset':<12} {'':<8} {'s/epoch':>8} {'samples/s':>10} {'1-img us':>9} {'peak MiB':>9} {'test acc':>9}")
for name, runs in ours.items():
    s = statistics.median(r["seconds_per_epoch"] for r in runs)
    print(f"{name:<12} {'digit':<8} {s:8.3f} {60000/s:10.0f} {statistics.median(r['latency_us'] for r in runs):9.1f} "
          f"{max(r['peak_rss_mib'] for r in runs):9.0f} {runs[-1]['test_accuracy']:9.4f}")
    if name in peer:
        pr = peer[name]
        ps = statistics.median(statistics.median(r["epoch_s"]) for r in pr)
        lat = statistics.median(r.get("latency1_median_us", float("nan")) for r in pr)
        print(f"{'':<12} {'pytorch':<8} {ps:8.3f} {60000/ps:10.0f} {lat:9.1f} "
              f"{max(r['maxrss_end_mib'] for r in pr):9.0f} {pr[-1]['test_acc']:9.4f}")
        print(f"{'':<12} {'speed-up':<8} {ps/s:7.2f}x")
print()
print("digit-studio's layers that are matrix products (median over rounds):")
for name, runs in ours.items():
    for kind in ("Conv2D", "Dense"):
        rates = [r["layers"][kind] for r in runs if kind in r.get("layers", {})]
        if not rates:
            continue
        g = statistics.median(x["gflops"] for x in rates)
        sec = statistics.median(x["seconds_per_epoch"] for x in rates)
        frac = statistics.median(x.get("fraction_of_peak", float("nan")) for x in rates)
        print(f"  {name:<12} {kind:<7} {sec:7.2f} s/epoch  {g:6.1f} GFLOP/s  {100*frac:4.0f}% of peak")
PY
