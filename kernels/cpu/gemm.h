// gemm.h - general matrix multiply on the CPU, the workhorse of convolution.
//
//   C = alpha * op(A) * op(B) + beta * C,   op(X) = X or X^T,
//
// with row-major storage: element (i, j) of a matrix with leading dimension ld
// lives at p[i * ld + j]. op(A) is M x K, op(B) is K x N, C is M x N. So A is
// stored M x K (lda >= K) or, when transposed, K x M (lda >= M); likewise B.
// A leading dimension larger than the row lets a kernel multiply a sub-block of
// a bigger matrix in place (one group of a grouped convolution, a band of rows).
//
// When beta == 0, C is overwritten and its old contents are never read (so it
// may hold garbage or NaN), as in BLAS.
#pragma once

#include <cstdint>

#include "kernels/context.h"

namespace upres::cpu {

// Fast path: Eigen's blocked, vectorised GEMM; threads over blocks of C.
void gemm(const kern::Context& ctx, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
          float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
          float* C, int64_t ldc);

// Reference: the textbook triple loop, accumulating each dot product in double.
// Slow; for tests and benchmarks.
void gemm_reference(const kern::Context& ctx, bool trans_a, bool trans_b, int64_t M, int64_t N,
                    int64_t K, float alpha, const float* A, int64_t lda, const float* B,
                    int64_t ldb, float beta, float* C, int64_t ldc);

}  // namespace upres::cpu
