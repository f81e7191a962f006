#pragma once
// Deterministic data parallelism for the element-wise passes (activations, dropout, batch norm).
// Work is cut into chunks whose size is fixed in advance, never derived from the thread count, and
// per-chunk partial results are combined in chunk order. So a run gives the same bits with one
// thread or two, whatever the timing (issue 3: "same seed, same result").
#include <Eigen/Core>

#include <algorithm>

// Marks a hot element-wise loop for GCC's function multi-versioning: the plain build (SSE2 only)
// then also compiles it for AVX2 and AVX-512 and picks the copy the CPU can run when the program
// loads. A build for the machine (-march=native, AVX2 or better) compiles it once, for it.
// Not under a sanitizer: the clones' ifunc resolver runs while the dynamic loader relocates the
// program, before the sanitizer's runtime is set up, and its instrumented code crashes there (TSan).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__AVX2__) && \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
#define DIGIT_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DIGIT_CLONES
#endif

namespace digit {

// Below this many scalars one thread is faster than waking the others; it also keeps the MLP
// presets (at most 200 x 512 per layer) on exactly the single-pass code their seeds were chosen on.
inline constexpr Eigen::Index kParallelMinScalars = Eigen::Index(1) << 17;
// Chunk of a flat element-wise pass: 16 Ki scalars (64 KiB of floats), a multiple of every SIMD
// width, so the vectorised and scalar tails fall at the same places on every run.
inline constexpr Eigen::Index kElementChunk = Eigen::Index(1) << 14;

inline Eigen::Index chunk_count(Eigen::Index n, Eigen::Index chunk) { return n > 0 ? (n + chunk - 1) / chunk : 0; }

// Calls f(k, begin, end) for the consecutive chunks k = 0, 1, ... of [0, n), each [begin, end) at
// most `chunk` long; in parallel when `parallel` is set. Chunk k covers the same range either way.
template <class F>
void for_chunks(Eigen::Index n, Eigen::Index chunk, bool parallel, F&& f) {
    const Eigen::Index chunks = chunk_count(n, chunk);
#pragma omp parallel for schedule(static) if (parallel && chunks > 1)
    for (Eigen::Index k = 0; k < chunks; ++k) f(k, k * chunk, std::min(n, (k + 1) * chunk));
}

// A flat element-wise pass over n scalars: one chunk on this thread below kParallelMinScalars,
// chunks of kElementChunk on all threads above it. Calls f(begin, end).
template <class F>
void for_element_chunks(Eigen::Index n, F&& f) {
    const bool parallel = n >= kParallelMinScalars;
    for_chunks(n, parallel ? kElementChunk : std::max<Eigen::Index>(n, 1), parallel,
               [&](Eigen::Index, Eigen::Index b, Eigen::Index e) { f(b, e); });
}

}  // namespace digit
