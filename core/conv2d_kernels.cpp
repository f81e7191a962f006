#include "conv2d_kernels.h"

#include <algorithm>
#include <cstdlib>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(DIGIT_DOUBLE)
#include <immintrin.h>
#define DIGIT_CONV_AVX512 1
#endif

namespace digit::conv_detail {

namespace {

using Strided = Eigen::OuterStride<>;

#ifdef DIGIT_CONV_AVX512
// ---- Register-blocked AVX-512 products (float). A tile of MR rows x NV 16-float vectors of the
// output lives in registers (MR * NV <= 24 accumulators) while the shared dimension streams past:
// per step NV loads of B and MR broadcasts of A feed MR * NV FMAs. The last vector of a tile is
// masked, so any width works. Compiled for AVX-512 whatever the build flags and used only when
// the CPU has it.
#define DIGIT_AVX512 __attribute__((target("avx512f")))
// Fully unrolled tile loops let the compiler keep the accumulator arrays in registers.
#define DIGIT_UNROLL _Pragma("GCC unroll 32")

bool cpu_has_avx512() {
    static const bool has = __builtin_cpu_supports("avx512f");
    return has;
}

// Tile i of C is written to (or added to) out[i]: MR rows x NV 16-float vectors of
// A (MR rows) * B (K x 16 NV, ldb) [+ bias], A's row i at rows[i] in nseg segments of `run`
// scalars seg_stride apart (see Rows).
template <int MR, int NV>
DIGIT_AVX512 inline void nn_tile(const float* const* rows, Index nseg, Index seg_stride, Index run, const float* B,
                                 Index ldb, const float* bias, bool add, float* const* out, __mmask16 last) {
    __m512 b0[NV];
    DIGIT_UNROLL
    for (int v = 0; v < NV; ++v) b0[v] = _mm512_setzero_ps();
    if (bias) {
        DIGIT_UNROLL
        for (int v = 0; v < NV - 1; ++v) b0[v] = _mm512_loadu_ps(bias + 16 * v);
        b0[NV - 1] = _mm512_maskz_loadu_ps(last, bias + 16 * (NV - 1));
    }
    __m512 acc[MR][NV];
    DIGIT_UNROLL
    for (int i = 0; i < MR; ++i)
        DIGIT_UNROLL
        for (int v = 0; v < NV; ++v) acc[i][v] = b0[v];
    for (Index j = 0; j < nseg; ++j) {
        const float* a[MR];
        DIGIT_UNROLL
        for (int i = 0; i < MR; ++i) a[i] = rows[i] + j * seg_stride;
        const float* b = B + j * run * ldb;
        for (Index t = 0; t < run; ++t, b += ldb) {
            __m512 bv[NV];
            DIGIT_UNROLL
            for (int v = 0; v < NV - 1; ++v) bv[v] = _mm512_loadu_ps(b + 16 * v);
            bv[NV - 1] = _mm512_maskz_loadu_ps(last, b + 16 * (NV - 1));
            DIGIT_UNROLL
            for (int i = 0; i < MR; ++i) {
                const __m512 av = _mm512_set1_ps(a[i][t]);
                DIGIT_UNROLL
                for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(av, bv[v], acc[i][v]);
            }
        }
    }
    // Row by row: added rows may overlap (neighbouring receptive fields), so each row's sum is
    // stored before the next row is read.
    DIGIT_UNROLL
    for (int i = 0; i < MR; ++i) {
        if (add) {
            DIGIT_UNROLL
            for (int v = 0; v < NV - 1; ++v) acc[i][v] = _mm512_add_ps(acc[i][v], _mm512_loadu_ps(out[i] + 16 * v));
            acc[i][NV - 1] = _mm512_add_ps(acc[i][NV - 1], _mm512_maskz_loadu_ps(last, out[i] + 16 * (NV - 1)));
        }
        DIGIT_UNROLL
        for (int v = 0; v < NV - 1; ++v) _mm512_storeu_ps(out[i] + 16 * v, acc[i][v]);
        _mm512_mask_storeu_ps(out[i] + 16 * (NV - 1), last, acc[i][NV - 1]);
    }
}

// The rows left over after the full MR-row tiles: one tile of exactly `count` (< MR) rows.
template <int R, int NV>
DIGIT_AVX512 inline void nn_tail(Index count, const float* const* rows, Index nseg, Index seg_stride, Index run,
                                 const float* B, Index ldb, const float* bias, bool add, float* const* out,
                                 __mmask16 last) {
    if constexpr (R > 0) {
        if (count == R)
            nn_tile<R, NV>(rows, nseg, seg_stride, run, B, ldb, bias, add, out, last);
        else
            nn_tail<R - 1, NV>(count, rows, nseg, seg_stride, run, B, ldb, bias, add, out, last);
    }
}

// One column block of C (columns col .. col + 16 NV of each output row), written or, with
// add_all, added. Rows go in blocks of 48 (a multiple of every MR) and the shared dimension in
// blocks of whole segments of about 128 scalars: B's block (128 x 64 floats, 32 KiB) and the
// block's output rows then stay in L1 while the tiles sweep them.
template <int MR, int NV>
DIGIT_AVX512 void nn_columns(Index m, const Rows& A, const float* B, Index ldb, const float* bias, const OutRows& C,
                             Index col, bool add_all, __mmask16 last) {
    constexpr Index kRowBlock = 48, kDepth = 128;
    const Index segs = std::max<Index>(1, kDepth / std::max<Index>(A.run, 1));
    const float* rows[MR];
    float* out[MR];
    for (Index i0 = 0; i0 < m; i0 += kRowBlock) {
        const Index i1 = std::min(m, i0 + kRowBlock);
        for (Index s0 = 0; s0 < A.nseg; s0 += segs) {
            const Index ns = std::min(segs, A.nseg - s0);
            const float* b = B + s0 * A.run * ldb;
            const bool add = add_all || s0 > 0;
            const float* bias_here = s0 == 0 ? bias : nullptr;
            Index i = i0;
            for (; i + MR <= i1; i += MR) {
                for (int q = 0; q < MR; ++q) {
                    rows[q] = A.row(i + q) + s0 * A.seg_stride;
                    out[q] = C.row(i + q) + col;
                }
                nn_tile<MR, NV>(rows, ns, A.seg_stride, A.run, b, ldb, bias_here, add, out, last);
            }
            for (Index q = 0; q < i1 - i; ++q) {
                rows[q] = A.row(i + q) + s0 * A.seg_stride;
                out[q] = C.row(i + q) + col;
            }
            nn_tail<MR - 1, NV>(i1 - i, rows, ns, A.seg_stride, A.run, b, ldb, bias_here, add, out, last);
        }
    }
}

// Columns [j, j + width) of the product, width <= 64.
DIGIT_AVX512 void nn_block(Index m, Index width, const Rows& A, const float* B, Index ldb, const float* bias,
                           const OutRows& C, Index col, bool add_all) {
    const int nv = static_cast<int>((width + 15) / 16);
    const auto last = static_cast<__mmask16>((1u << (width - 16 * (nv - 1))) - 1u);
    switch (nv) {
    case 4: nn_columns<6, 4>(m, A, B, ldb, bias, C, col, add_all, last); break;
    case 3: nn_columns<8, 3>(m, A, B, ldb, bias, C, col, add_all, last); break;
    case 2: nn_columns<12, 2>(m, A, B, ldb, bias, C, col, add_all, last); break;
    default: nn_columns<12, 1>(m, A, B, ldb, bias, C, col, add_all, last); break;
    }
}

// Column blocks of 64 (4 vectors, 6x4 tiles), or of 48 (8x3 tiles) when those divide n and 64s
// do not (96 = 2 x 48 beats 64 + 32, whose 12x2 tiles need more loads per FMA).
Index column_block(Index n) {
    const Index vectors = (n + 15) / 16;
    return vectors % 4 != 0 && vectors % 3 == 0 ? 48 : 64;
}

DIGIT_AVX512 void gemm_nn_avx512(Index m, Index n, const Rows& A, const float* B, Index ldb, const float* bias,
                                 float* C, Index ldc) {
    // B's column block is reused from cache by every row tile.
    OutRows out;
    out.base = C;
    out.ld = ldc;
    const Index step = column_block(n);
    for (Index j = 0; j < n; j += step)
        nn_block(m, std::min(step, n - j), A, B + j, ldb, bias ? bias + j : nullptr, out, j, false);
}

// dst += A * B where B's columns are kh segments of `run` (a kernel row's kw * Cin taps) and
// output row i's segment ky lives at dst.row(i) + ky * seg_stride: the input gradient added
// straight onto each pixel's receptive field, without a dcols matrix and col2im.
DIGIT_AVX512 void gemm_nn_scatter_avx512(Index m, const Rows& A, const float* B, Index ldb, const OutRows& dst,
                                         Index nseg, Index seg_stride, Index run) {
    const Index step = column_block(run);
    for (Index ky = 0; ky < nseg; ++ky)
        for (Index j = 0; j < run; j += step)
            nn_block(m, std::min(step, run - j), A, B + ky * run + j, ldb, nullptr, dst, ky * seg_stride + j, true);
}

// C (PR x 16 NV) += A^T G over m rows. Row r of A is PR consecutive scalars at
// A + off[r] (Table) or A + r * ld; G (m x 16 NV, ldg).
template <int PR, int NV, bool Table>
DIGIT_AVX512 inline void tn_tile(const float* A, const Index* off, Index ld, Index m, const float* G, Index ldg,
                                 float* C, Index ldc, __mmask16 last) {
    __m512 acc[PR][NV];
    DIGIT_UNROLL
    for (int i = 0; i < PR; ++i) {
        DIGIT_UNROLL
        for (int v = 0; v < NV - 1; ++v) acc[i][v] = _mm512_loadu_ps(C + i * ldc + 16 * v);
        acc[i][NV - 1] = _mm512_maskz_loadu_ps(last, C + i * ldc + 16 * (NV - 1));
    }
    for (Index r = 0; r < m; ++r) {
        const float* a = Table ? A + off[r] : A + r * ld;
        __m512 g[NV];
        DIGIT_UNROLL
        for (int v = 0; v < NV - 1; ++v) g[v] = _mm512_loadu_ps(G + r * ldg + 16 * v);
        g[NV - 1] = _mm512_maskz_loadu_ps(last, G + r * ldg + 16 * (NV - 1));
        DIGIT_UNROLL
        for (int i = 0; i < PR; ++i) {
            const __m512 av = _mm512_set1_ps(a[i]);
            DIGIT_UNROLL
            for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(av, g[v], acc[i][v]);
        }
    }
    DIGIT_UNROLL
    for (int i = 0; i < PR; ++i) {
        DIGIT_UNROLL
        for (int v = 0; v < NV - 1; ++v) _mm512_storeu_ps(C + i * ldc + 16 * v, acc[i][v]);
        _mm512_mask_storeu_ps(C + i * ldc + 16 * (NV - 1), last, acc[i][NV - 1]);
    }
}

template <int R, int NV, bool Table>
DIGIT_AVX512 inline void tn_tail(Index count, const float* A, const Index* off, Index ld, Index m, const float* G,
                                 Index ldg, float* C, Index ldc, __mmask16 last) {
    if constexpr (R > 0) {
        if (count == R)
            tn_tile<R, NV, Table>(A, off, ld, m, G, ldg, C, ldc, last);
        else
            tn_tail<R - 1, NV, Table>(count, A, off, ld, m, G, ldg, C, ldc, last);
    }
}

// All of C's rows for one column block: per segment, tiles of PR of its `run` scalars.
template <int PR, int NV, bool Table>
DIGIT_AVX512 void tn_columns(const Rows& A, Index r0, Index m, const float* G, Index ldg, float* C, Index ldc,
                             __mmask16 last) {
    const float* base = Table ? A.base : A.base + r0 * A.ld;
    const Index* off = Table ? A.off + r0 : nullptr;
    for (Index j = 0; j < A.nseg; ++j) {
        const float* a = base + j * A.seg_stride;
        float* c = C + j * A.run * ldc;
        Index i = 0;
        for (; i + PR <= A.run; i += PR) tn_tile<PR, NV, Table>(a + i, off, A.ld, m, G, ldg, c + i * ldc, ldc, last);
        tn_tail<PR - 1, NV, Table>(A.run - i, a + i, off, A.ld, m, G, ldg, c + i * ldc, ldc, last);
    }
}

template <bool Table>
DIGIT_AVX512 void gemm_tn_acc_avx512(Index n, Index m, const Rows& A, const float* G, Index ldg, float* C, Index ldc) {
    // Row blocks of 96 keep G's block (96 x 64 floats, 24 KiB) in L1 while every tile of C
    // sweeps it; each element of C is still summed over the rows in order.
    constexpr Index kRows = 96;
    const Index step = column_block(n);
    for (Index r0 = 0; r0 < m; r0 += kRows) {
        const Index rows = std::min(kRows, m - r0);
        const float* g = G + r0 * ldg;
        for (Index j = 0; j < n; j += step) {
            const Index width = std::min(step, n - j);
            const int nv = static_cast<int>((width + 15) / 16);
            const auto last = static_cast<__mmask16>((1u << (width - 16 * (nv - 1))) - 1u);
            switch (nv) {
            case 4: tn_columns<6, 4, Table>(A, r0, rows, g + j, ldg, C + j, ldc, last); break;
            case 3: tn_columns<8, 3, Table>(A, r0, rows, g + j, ldg, C + j, ldc, last); break;
            case 2: tn_columns<12, 2, Table>(A, r0, rows, g + j, ldg, C + j, ldc, last); break;
            default: tn_columns<12, 1, Table>(A, r0, rows, g + j, ldg, C + j, ldc, last); break;
            }
        }
    }
}
#endif  // DIGIT_CONV_AVX512

}  // namespace


bool fast_kernels() {
#ifdef DIGIT_CONV_AVX512
    const char* off = std::getenv("DIGIT_NO_AVX512");
    return cpu_has_avx512() && !(off && *off && *off != '0');
#else
    return false;
#endif
}

void gemm_nn(bool fast, Index m, Index n, const Rows& A, const Scalar* B, Index ldb, const Scalar* bias, Scalar* C,
             Index ldc) {
#ifdef DIGIT_CONV_AVX512
    if (fast) return gemm_nn_avx512(m, n, A, B, ldb, bias, C, ldc);
#else
    (void)fast;
#endif
    Eigen::Map<Matrix, 0, Strided> c(C, m, n, Strided(ldc));
    c.noalias() = Eigen::Map<const Matrix, 0, Strided>(A.base, m, A.run, Strided(A.ld)) *
                  Eigen::Map<const Matrix, 0, Strided>(B, A.run, n, Strided(ldb));
    if (bias) c.rowwise() += Eigen::Map<const RowVector>(bias, n);
}

void gemm_nn_scatter(Index m, const Rows& A, const Scalar* B, Index ldb, const OutRows& dst, Index nseg, Index seg_stride,
                     Index run) {
#ifdef DIGIT_CONV_AVX512
    gemm_nn_scatter_avx512(m, A, B, ldb, dst, nseg, seg_stride, run);
#else
    (void)m, (void)A, (void)B, (void)ldb, (void)dst, (void)nseg, (void)seg_stride, (void)run;
#endif
}

void gemm_tn_acc(bool fast, Index n, Index m, const Rows& A, const Scalar* G, Index ldg, Scalar* C, Index ldc) {
#ifdef DIGIT_CONV_AVX512
    if (fast)
        return A.off ? gemm_tn_acc_avx512<true>(n, m, A, G, ldg, C, ldc) : gemm_tn_acc_avx512<false>(n, m, A, G, ldg, C, ldc);
#else
    (void)fast;
#endif
    Eigen::Map<Matrix, 0, Strided>(C, A.run, n, Strided(ldc)).noalias() +=
        Eigen::Map<const Matrix, 0, Strided>(A.base, m, A.run, Strided(A.ld)).transpose() *
        Eigen::Map<const Matrix, 0, Strided>(G, m, n, Strided(ldg));
}

}  // namespace digit::conv_detail
