#pragma once
// The Dense layer's matrix products (dense.cpp): register-blocked kernels for AVX-512 and for
// AVX2 + FMA, compiled for those instruction sets whatever the build flags and chosen at run time
// from what the CPU has (gemm.cpp), with a portable C++ fallback. So the plain build
// (`cmake -S . -B build`, no -march=native) runs them at the native build's speed.
//
// Same bits whatever the thread count: the output is cut into blocks whose size depends only on
// the shapes and the instruction set, threads take whole blocks, and each output element is one
// multiply-add chain over the shared dimension in order (bias first when there is one). The
// shared dimension is never split between threads. The AVX2 and AVX-512 kernels give the same bits
// (the same fused multiply-adds in the same order); the portable code rounds the products apart
// unless the build contracts them.
#include "tensor.h"

namespace digit::gemm {

using Index = Eigen::Index;

enum class Isa { Portable, Avx2, Avx512 };

// The best instruction set this CPU has, unless the environment narrows it:
// DIGIT_GEMM_ISA=portable|avx2|avx512 (at most what the CPU has), or DIGIT_NO_AVX512=1 (as for the
// convolution kernels). Read once.
Isa best_isa();
// Whether this CPU can run `isa` (double-precision builds: only Portable).
bool supported(Isa isa);
const char* isa_name(Isa isa);

// C (m x n, ldc) = A B [+ bias (n)], or C += A B with `accumulate`. A's element (i, p) is at
// A[i * a_rs + p * a_cs] (a_cs = 1: row-major A; a_rs = 1: A is the transpose of a row-major
// matrix); B (k x n) is row-major with row stride ldb. On all threads when the product is big
// enough to pay for waking them.
void nn(Index m, Index n, Index k, const Scalar* A, Index a_rs, Index a_cs, const Scalar* B, Index ldb, const Scalar* bias,
        Scalar* C, Index ldc, bool accumulate, Isa isa = best_isa());

// C (m x n, ldc) = A B^T: A (m x k, lda) and B (n x k, ldb) both row-major. Made for a small m
// (a batch) and a big B (weights): A and C are transposed, B is read in place by nn's kernels.
void nt(Index m, Index n, Index k, const Scalar* A, Index lda, const Scalar* B, Index ldb, Scalar* C, Index ldc,
        Isa isa = best_isa());

}  // namespace digit::gemm
