#pragma once
// The three matrix products of Conv2D (conv2d.cpp), on operands read in place: register-blocked
// AVX-512 kernels (conv2d_kernels.cpp, compiled for AVX-512 whatever the build flags, used only
// when the CPU has it) or Eigen's products otherwise. Single-threaded: Conv2D runs one block per
// thread.
#include "tensor.h"

namespace digit::conv_detail {

using Index = Eigen::Index;

// The A operand of the products: m rows of K = nseg * run scalars. Row r starts at
// base + off[r] (a table) or base + r * ld; its scalar ky * run + t is at row + ky * seg_stride + t.
// An im2col matrix is one segment (run = K). An image read in place, without im2col, is one
// segment per kernel row: kh runs of kw * Cin scalars, one image row (seg_stride) apart, and a
// row per output pixel at the offset of its receptive field.
struct Rows {
    const Scalar* base = nullptr;
    const Index* off = nullptr;
    Index ld = 0;
    Index nseg = 1, seg_stride = 0, run = 0;
    const Scalar* row(Index r) const { return base + (off ? off[r] : r * ld); }
};

// Where the rows of a product's result go: row i at base + off[i] (a table) or base + i * ld.
struct OutRows {
    Scalar* base = nullptr;
    const Index* off = nullptr;
    Index ld = 0;
    Scalar* row(Index i) const { return base + (off ? off[i] : i * ld); }
};

// Whether this build and CPU have the fast kernels. DIGIT_NO_AVX512=1 in the environment
// forces Eigen's products (tests compare both paths; benchmarks measure the difference).
bool fast_kernels();

// C (m x n) = A (m x K) * B (K x n, ldb) [+ bias (n)]. Without the fast kernels A must be a
// plain matrix (one segment, no table).
void gemm_nn(bool fast, Index m, Index n, const Rows& A, const Scalar* B, Index ldb, const Scalar* bias, Scalar* C,
             Index ldc);

// dst += A * B where B's columns are nseg segments of `run` (a kernel row's kw * Cin taps) and
// output row i's segment ky lives at dst.row(i) + ky * seg_stride: the input gradient added
// straight onto each pixel's receptive field, without a dcols matrix and col2im. Only with the
// fast kernels.
void gemm_nn_scatter(Index m, const Rows& A, const Scalar* B, Index ldb, const OutRows& dst, Index nseg, Index seg_stride,
                     Index run);

// C (K x n, ldc) += A^T G, A (m x K), G (m x n, ldg): the kernel gradient of m pixels.
void gemm_tn_acc(bool fast, Index n, Index m, const Rows& A, const Scalar* G, Index ldg, Scalar* C, Index ldc);

}  // namespace digit::conv_detail
