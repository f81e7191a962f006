#!/usr/bin/env bash
# Side-by-side benchmark: digit-cli bench against the PyTorch peer (../shared/peers/), in one run
# on this machine, alternating the two so load on a shared machine hits both alike.
#
#   scripts/bench.sh [--epochs N] [--rounds N] [--portable | --build DIR] [--no-gemm] [preset ...]
#       (default: mlp-512 mlp-392x2 cnn-small cnn-32-64; the matrix products' rates are compared
#        with the fp32 peak this machine sustains, measured first by tests/bench/fma_peak (fused
#        multiply-adds from registers on every core); PEAK_GFLOPS sets another, e.g. 470, the
#        nominal figure of ../shared/peers/README.md: 2 cores x 2 AVX-512 FMA units x 16 lanes x
#        2 flops x about 3.7 GHz)
#
#   --portable   build and measure the plain build a packager makes (cmake -S . -B build-portable,
#                Release, no -march=native; the Dense/Conv2D kernels choose AVX2/AVX-512 at run time)
#   --build DIR  measure an existing build folder instead of the set-up's (-O3 -march=native)
#   --no-gemm    skip the Dense products against OpenBLAS's sgemm (tests/bench/gemm_bench)
#
# Installs python3-torch and unpacks Debian's OpenBLAS for the peer if missing, and prints seconds
# per epoch, samples/s, single-image latency, test-set inference time and peak RSS for both; each
# layer kind's and the optimiser's share of an epoch with the GFLOP/s of the matrix products; the
# bundled `best` model's latency and test-set time; the Dense products against OpenBLAS.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peers="${DIGIT_PEERS_DIR:-$here/../shared/peers}"
epochs=2
rounds=1
build_dir="${DIGIT_BUILD_DIR:-$here/build}"
portable=0
gemm=1
presets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --build) build_dir="$(cd "$2" && pwd)"; shift 2 ;;
    --portable) portable=1; build_dir="$here/build-portable"; shift ;;
    --no-gemm) gemm=0; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) presets+=("$1"); shift ;;
  esac
done
[ ${#presets[@]} -gt 0 ] || presets=(mlp-512 mlp-392x2 cnn-small cnn-32-64)

if [ "$build_dir" = "$here/build" ]; then
  "$here/scripts/setup.sh" >&2
else
  "$here/scripts/setup.sh" --no-build >&2
fi
if [ "$portable" = 1 ]; then
  echo "[bench] building the plain portable build in $build_dir" >&2
  cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DDIGIT_NATIVE=OFF > /dev/null
  cmake --build "$build_dir" -j"$(nproc)" --target digit-cli gemm_bench fma_peak > "$build_dir/bench-build.log" 2>&1 \
    || { tail -20 "$build_dir/bench-build.log" >&2; exit 1; }
fi
cli="$build_dir/app/digit-cli"
[ -x "$cli" ] || { echo "[bench] no $cli: build it first" >&2; exit 1; }
echo "[bench] measuring $build_dir" >&2

# The CPU and the peak the percentages are of: measured here unless PEAK_GFLOPS says otherwise.
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
peak="${PEAK_GFLOPS:-}"
if [ -x "$build_dir/tests/fma_peak" ]; then
  measured="$(OMP_NUM_THREADS="$(nproc)" "$build_dir/tests/fma_peak")"
  echo "$measured"
  [ -n "$peak" ] || peak="$(echo "$measured" | sed -n 's/^fma_peak: \([0-9.]*\) GFLOP.*/\1/p')"
fi
[ -n "$peak" ] || peak=470

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

if [ -f "$here/resources/models/default.dsm" ]; then
  for ((r = 1; r <= rounds; r++)); do
    echo "[bench] round $r: the bundled best model's inference" >&2
    OMP_NUM_THREADS=2 "$cli" bench --model "$here/resources/models/default.dsm" --json | sed "s/^/model /" >> "$results"
  done
fi

/usr/bin/python3 - "$results" "$peak" <<'PY'
import json, statistics, sys
ours, peer, models = {}, {}, []
peak = float(sys.argv[2])
for line in open(sys.argv[1]):
    kind, rest = line.split(" ", 1)
    if kind == "ours":
        d = json.loads(rest); ours.setdefault(d["preset"], []).append(d)
    elif kind == "model":
        models.append(json.loads(rest))
    else:
        name, js = rest.split(" ", 1); peer.setdefault(name, []).append(json.loads(js))
med = statistics.median
first = next(iter(ours.values()), [{}])[0]
print(f"digit-studio built for {first.get('compiled_for', '?')}, Dense kernels {first.get('dense_kernels', '?')}")
print(f"{'preset':<12} {'':<8} {'s/epoch':>8} {'samples/s':>10} {'1-img us':>9} {'peak MiB':>9} {'test acc':>9} {'10k test s':>10}")
for name, runs in ours.items():
    s = med(r["seconds_per_epoch"] for r in runs)
    inf = med(r.get("test_set_inference_seconds", float("nan")) for r in runs)
    print(f"{name:<12} {'digit':<8} {s:8.3f} {60000/s:10.0f} {med(r['latency_us'] for r in runs):9.1f} "
          f"{max(r['peak_rss_mib'] for r in runs):9.0f} {runs[-1]['test_accuracy']:9.4f} {inf:10.3f}")
    if name in peer:
        pr = peer[name]
        ps = statistics.median(statistics.median(r["epoch_s"]) for r in pr)
        lat = statistics.median(r.get("latency1_median_us", float("nan")) for r in pr)
        print(f"{'':<12} {'pytorch':<8} {ps:8.3f} {60000/ps:10.0f} {lat:9.1f} "
              f"{max(r['maxrss_end_mib'] for r in pr):9.0f} {pr[-1]['test_acc']:9.4f}")
        print(f"{'':<12} {'speed-up':<8} {ps/s:7.2f}x")
print()
print(f"digit-studio's roofline: where an epoch goes (median over rounds), matrix products against {peak:.0f} GFLOP/s:")
for name, runs in ours.items():
    kinds = list(runs[0].get("layers", {}).keys())
    for kind in kinds:
        rows = [r["layers"][kind] for r in runs if kind in r.get("layers", {})]
        sec = med(x["seconds_per_epoch"] for x in rows)
        share = med(x.get("share_of_epoch", float("nan")) for x in rows)
        line = f"  {name:<12} {kind:<20} {sec:7.3f} s/epoch {100*share:5.1f}% of the epoch"
        if "gflops" in rows[0]:
            g = med(x["gflops"] for x in rows)
            line += f"  {g:6.1f} GFLOP/s  {100*g/peak:4.0f}% of peak"
        print(line)
    opt = [r["optimizer"] for r in runs if "optimizer" in r]
    if opt:
        print(f"  {name:<12} {'optimizer ' + opt[0]['name']:<20} {med(o['seconds_per_epoch'] for o in opt):7.3f} s/epoch "
              f"{100*med(o['share_of_epoch'] for o in opt):5.1f}% of the epoch")
if models:
    print()
    m = models
    print(f"bundled model {m[0]['model']}: 1-image latency {med(x['latency_us'] for x in m):.1f} us, "
          f"the {m[0]['test_images']} test images in {med(x['test_set_inference_seconds'] for x in m):.3f} s "
          f"({m[0]['threads']} threads)")
PY

if [ "$gemm" = 1 ] && [ -x "$build_dir/tests/gemm_bench" ]; then
  echo
  echo "[bench] the Dense products against OpenBLAS's sgemm" >&2
  OMP_NUM_THREADS=2 "$build_dir/tests/gemm_bench" --openblas "$OB_LIB/libopenblas.so.0"
fi
