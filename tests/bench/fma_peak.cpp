// The fp32 multiply-add peak this machine actually sustains: every OpenMP thread runs independent
// chains of AVX-512 fused multiply-adds (AVX2 + FMA where the CPU has no AVX-512) from registers,
// no memory traffic, for about a second. Not a test: scripts/bench.sh prints it beside the
// nominal peak its percentages use, since "of peak" means little on a CPU other than the one the
// nominal figure was worked out for (clock, FMA units and their width differ between machines
// of the same "kind").
//
//   fma_peak [--seconds S]          threads: OMP_NUM_THREADS
#include <immintrin.h>
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

constexpr int kChains = 12;  // enough independent accumulators to cover FMA latency x units

// Runs `iters` x kChains FMAs of `W` lanes; returns a sum so the work cannot be optimised away.
__attribute__((target("avx512f"))) float run_avx512(long iters) {
    __m512 acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_ps(static_cast<float>(c));
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (long i = 0; i < iters; ++i)
#pragma GCC unroll 12
        for (int c = 0; c < kChains; ++c) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
    __m512 s = acc[0];
    for (int c = 1; c < kChains; ++c) s = _mm512_add_ps(s, acc[c]);
    float out[16];
    _mm512_storeu_ps(out, s);
    float sum = 0;
    for (float v : out) sum += v;
    return sum;
}

__attribute__((target("avx2,fma"))) float run_avx2(long iters) {
    __m256 acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = _mm256_set1_ps(static_cast<float>(c));
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (long i = 0; i < iters; ++i)
#pragma GCC unroll 12
        for (int c = 0; c < kChains; ++c) acc[c] = _mm256_fmadd_ps(acc[c], a, b);
    __m256 s = acc[0];
    for (int c = 1; c < kChains; ++c) s = _mm256_add_ps(s, acc[c]);
    float out[8];
    _mm256_storeu_ps(out, s);
    return out[0] + out[1] + out[2] + out[3] + out[4] + out[5] + out[6] + out[7];
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 1.0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = std::atof(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: fma_peak [--seconds S]\n");
            return 2;
        }
    }
    __builtin_cpu_init();
    const bool avx512 = __builtin_cpu_supports("avx512f");
    if (!avx512 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) {
        std::printf("fma_peak: no AVX2 + FMA on this CPU\n");
        return 0;
    }
    const int lanes = avx512 ? 16 : 8;
    auto run = [&](long iters) { return avx512 ? run_avx512(iters) : run_avx2(iters); };
    // Calibrate on one thread: iterations for about `seconds`.
    long iters = 1 << 20;
    for (;;) {
        const auto t0 = std::chrono::steady_clock::now();
        volatile float sink = run(iters);
        (void)sink;
        const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (dt > seconds / 8) {
            iters = static_cast<long>(static_cast<double>(iters) * seconds / dt);
            break;
        }
        iters *= 2;
    }
    const int threads = omp_get_max_threads();
    double best = 0;
    for (int round = 0; round < 3; ++round) {
        const auto t0 = std::chrono::steady_clock::now();
        float total = 0;
#pragma omp parallel reduction(+ : total)
        total += run(iters);
        const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double gflops = 2.0 * lanes * kChains * static_cast<double>(iters) * threads / dt / 1e9;
        if (gflops > best) best = gflops;
        if (total == 12345.f) std::printf(" ");  // keep the sums alive
    }
    std::printf("fma_peak: %.1f GFLOP/s fp32 with %d threads (%s fused multiply-adds from registers, best of 3)\n", best,
                threads, avx512 ? "AVX-512" : "AVX2");
    return 0;
}
