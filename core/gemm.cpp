#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(DIGIT_DOUBLE)
#include <immintrin.h>
#define DIGIT_GEMM_X86 1
#endif

namespace digit::gemm {

namespace {

// Below this many flops one thread is faster than waking the other (a few microseconds of work).
// One image through mlp-512's first layer (0.8 MFLOP) is above it: its 1.6 MB of weights then
// stream through two cores' caches, half each.
constexpr double kParallelMinFlops = 5e5;

template <class T>
struct NnArgsT {
    Index m, n, k;
    const T* A;
    Index a_rs, a_cs;
    const T* B;
    Index ldb;
    const T* bias;
    T* C;
    Index ldc;
    bool accumulate;
};

// ---- Portable C++: the same blocks and, per output element, the same order of the sums (bias
// first, then the shared dimension in order); the compiler vectorises the inner loops for
// whatever the build targets.
namespace portable {
constexpr Index kRowBlock = 48, kColBlock = 64;

template <class T>
void nn_task(const NnArgsT<T>& g, Index task) {
    const Index col_blocks = (g.n + kColBlock - 1) / kColBlock;
    const Index i0 = (task / col_blocks) * kRowBlock, j = (task % col_blocks) * kColBlock;
    const Index i1 = std::min(g.m, i0 + kRowBlock), width = std::min(kColBlock, g.n - j);
    for (Index i = i0; i < i1; ++i) {
        T* c = g.C + i * g.ldc + j;
        if (!g.accumulate) {
            for (Index q = 0; q < width; ++q) c[q] = g.bias ? g.bias[j + q] : T(0);
        }
        const T* a = g.A + i * g.a_rs;
        for (Index p = 0; p < g.k; ++p) {
            const T av = a[p * g.a_cs];
            const T* b = g.B + p * g.ldb + j;
            for (Index q = 0; q < width; ++q) c[q] += av * b[q];
        }
    }
}

template <class T>
Index nn_tasks(Index m, Index n) {
    return ((m + kRowBlock - 1) / kRowBlock) * ((n + kColBlock - 1) / kColBlock);
}

}  // namespace portable

#ifdef DIGIT_GEMM_X86
using NnArgs = NnArgsT<float>;

#define DIGIT_UNROLL _Pragma("GCC unroll 32")

// ---- AVX-512 (16 floats a register, 32 registers).
namespace avx512 {
#define DIGIT_TGT __attribute__((target("avx512f")))
struct V {
    using R = __m512;
    static constexpr int W = 16;
    // Tile heights for NV vectors a row: at most 24 accumulators, plus NV loads and a broadcast.
    static constexpr int mr(int nv) { return nv >= 4 ? 6 : nv == 3 ? 8 : 12; }
    DIGIT_TGT static inline __mmask16 mask(int n) { return static_cast<__mmask16>((1u << n) - 1u); }
    DIGIT_TGT static inline R zero() { return _mm512_setzero_ps(); }
    DIGIT_TGT static inline R set1(float x) { return _mm512_set1_ps(x); }
    DIGIT_TGT static inline R load(const float* p) { return _mm512_loadu_ps(p); }
    DIGIT_TGT static inline R loadn(const float* p, int n) { return _mm512_maskz_loadu_ps(mask(n), p); }
    DIGIT_TGT static inline void store(float* p, R r) { _mm512_storeu_ps(p, r); }
    DIGIT_TGT static inline void storen(float* p, R r, int n) { _mm512_mask_storeu_ps(p, mask(n), r); }
    DIGIT_TGT static inline R fma(R a, R b, R c) { return _mm512_fmadd_ps(a, b, c); }
};
#include "gemm_kernels.inc"
#undef DIGIT_TGT
}  // namespace avx512

// ---- AVX2 + FMA (8 floats a register, 16 registers).
namespace avx2 {
#define DIGIT_TGT __attribute__((target("avx2,fma")))
alignas(32) constexpr int kMaskTable[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
struct V {
    using R = __m256;
    static constexpr int W = 8;
    static constexpr int mr(int nv) { return nv >= 3 ? 3 : nv == 2 ? 6 : 8; }
    DIGIT_TGT static inline __m256i mask(int n) {
        return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMaskTable + 8 - n));
    }
    DIGIT_TGT static inline R zero() { return _mm256_setzero_ps(); }
    DIGIT_TGT static inline R set1(float x) { return _mm256_set1_ps(x); }
    DIGIT_TGT static inline R load(const float* p) { return _mm256_loadu_ps(p); }
    DIGIT_TGT static inline R loadn(const float* p, int n) { return _mm256_maskload_ps(p, mask(n)); }
    DIGIT_TGT static inline void store(float* p, R r) { _mm256_storeu_ps(p, r); }
    DIGIT_TGT static inline void storen(float* p, R r, int n) { _mm256_maskstore_ps(p, mask(n), r); }
    DIGIT_TGT static inline R fma(R a, R b, R c) { return _mm256_fmadd_ps(a, b, c); }
};
#include "gemm_kernels.inc"
#undef DIGIT_TGT
}  // namespace avx2
#endif  // DIGIT_GEMM_X86

Isa detect() {
#ifdef DIGIT_GEMM_X86
    Isa best = Isa::Portable;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) best = Isa::Avx2;
    if (__builtin_cpu_supports("avx512f")) best = Isa::Avx512;
    const char* no512 = std::getenv("DIGIT_NO_AVX512");
    if (best == Isa::Avx512 && no512 && *no512 && *no512 != '0') best = Isa::Avx2;
    if (const char* want = std::getenv("DIGIT_GEMM_ISA")) {
        const std::string w = want;
        const Isa asked = w == "portable" ? Isa::Portable : w == "avx2" ? Isa::Avx2 : Isa::Avx512;
        if (static_cast<int>(asked) < static_cast<int>(best)) best = asked;
    }
    return best;
#else
    return Isa::Portable;
#endif
}

// Runs task(t) for t in [0, tasks), on all threads when the product is big enough. Which task
// computes which output block does not depend on the thread count.
template <class F>
void run_tasks(Index tasks, double flops, F&& task) {
#pragma omp parallel for schedule(static) if (tasks > 1 && flops >= kParallelMinFlops)
    for (Index t = 0; t < tasks; ++t) task(t);
}

// dst (cols x rows, ldd) = src (rows x cols, lds)^T, in 16 x 16 blocks.
void transpose(Index rows, Index cols, const Scalar* src, Index lds, Scalar* dst, Index ldd) {
    constexpr Index kB = 16;
    for (Index i0 = 0; i0 < rows; i0 += kB)
        for (Index j0 = 0; j0 < cols; j0 += kB) {
            const Index i1 = std::min(rows, i0 + kB), j1 = std::min(cols, j0 + kB);
            for (Index j = j0; j < j1; ++j)
                for (Index i = i0; i < i1; ++i) dst[j * ldd + i] = src[i * lds + j];
        }
}

}  // namespace

Isa best_isa() {
    static const Isa isa = detect();
    return isa;
}

bool supported(Isa isa) {
#ifdef DIGIT_GEMM_X86
    switch (isa) {
    case Isa::Avx512: return __builtin_cpu_supports("avx512f");
    case Isa::Avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    default: return true;
    }
#else
    return isa == Isa::Portable;
#endif
}

const char* isa_name(Isa isa) {
    switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    default: return "portable";
    }
}

void nn(Index m, Index n, Index k, const Scalar* A, Index a_rs, Index a_cs, const Scalar* B, Index ldb, const Scalar* bias,
        Scalar* C, Index ldc, bool accumulate, Isa isa) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        if (!accumulate)
            for (Index i = 0; i < m; ++i)
                for (Index j = 0; j < n; ++j) C[i * ldc + j] = bias ? bias[j] : Scalar(0);
        return;
    }
    const double flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
    const NnArgsT<Scalar> g{m, n, k, A, a_rs, a_cs, B, ldb, bias, C, ldc, accumulate};
#ifdef DIGIT_GEMM_X86
    if (isa == Isa::Avx512 && supported(isa))
        return run_tasks(avx512::nn_tasks(m, n), flops, [&](Index t) { avx512::nn_task(g, t); });
    if (isa != Isa::Portable && supported(Isa::Avx2))
        return run_tasks(avx2::nn_tasks(m, n), flops, [&](Index t) { avx2::nn_task(g, t); });
#else
    (void)isa;
#endif
    run_tasks(portable::nn_tasks<Scalar>(m, n), flops, [&](Index t) { portable::nn_task(g, t); });
}

void nt(Index m, Index n, Index k, const Scalar* A, Index lda, const Scalar* B, Index ldb, Scalar* C, Index ldc, Isa isa) {
    // C^T (n x m) = B (n x k) A^T: the nn kernels with A^T (k x m) as their row-major right
    // operand, so only the two small matrices are transposed (A: m x k, C: m x n, m the batch),
    // never B (a layer's weights). Each element is still one multiply-add chain over k in order.
    if (m <= 0 || n <= 0) return;
    thread_local std::vector<Scalar> at, ct;
    at.resize(static_cast<std::size_t>(k * m));
    ct.resize(static_cast<std::size_t>(n * m));
    transpose(m, k, A, lda, at.data(), m);
    nn(n, m, k, B, ldb, 1, at.data(), m, nullptr, ct.data(), m, false, isa);
    transpose(n, m, ct.data(), m, C, ldc);
}

}  // namespace digit::gemm
