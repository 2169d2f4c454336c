// gemm.cpp - C = alpha op(A) op(B) + beta C through Eigen, and a plain reference.
//
// This is the only translation unit that includes Eigen (it is slow to compile).
// Eigen is told not to start threads of its own (EIGEN_DONT_PARALLELIZE): we
// split C into bands of rows (or columns) and give each OpenMP thread one band,
// so the thread count follows ctx.threads and a gemm called from inside another
// parallel loop (ctx.threads == 1) stays on its thread.
//
// Napkin math: 2*M*N*K FLOPs over (M*K + K*N + M*N)*4 bytes. For a 3x3 conv layer
// with 64 -> 64 channels on a 48x48 patch, M = 64, K = 576, N = 2304: 170 MFLOP on
// 6.6 MB, about 26 FLOP/byte - compute-bound, so it runs near the core's FMA peak
// (a 2-FMA, 8-lane AVX2 core at 3 GHz peaks at 96 GFLOP/s in fp32) once packed.
#define EIGEN_DONT_PARALLELIZE
#include "kernels/cpu/gemm.h"

// GCC 12 warns inside its own avx512fintrin.h (_mm512_undefined_* values that
// Eigen's AVX-512 packet code passes through); a known false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <Eigen/Core>
#include <algorithm>

#include "kernels/cpu/parallel.h"

namespace upres::cpu {

namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ColMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using Stride = Eigen::OuterStride<>;
// A row-major block: rows x cols with row stride ld. Its transpose is the same
// memory seen as a column-major cols x rows matrix with the same outer stride.
using ConstRowMap = Eigen::Map<const RowMat, Eigen::Unaligned, Stride>;
using ConstColMap = Eigen::Map<const ColMat, Eigen::Unaligned, Stride>;
using RowMap = Eigen::Map<RowMat, Eigen::Unaligned, Stride>;

// C[0:m, 0:n] = alpha * a * b + beta * C for Eigen expressions a (m x k), b (k x n).
template <typename MA, typename MB>
void product(const MA& a, const MB& b, float alpha, float beta, RowMap c) {
  if (beta == 0.0f) {
    c.noalias() = alpha * (a * b);
  } else {
    if (beta != 1.0f) c *= beta;
    c.noalias() += alpha * (a * b);
  }
}

// One band of C: rows [r0, r1) and columns [c0, c1), computed on this thread.
void gemm_block(bool ta, bool tb, int64_t r0, int64_t r1, int64_t c0, int64_t c1, int64_t K,
                float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
                float* C, int64_t ldc) {
  const int64_t m = r1 - r0, n = c1 - c0;
  RowMap c(C + r0 * ldc + c0, m, n, Stride(ldc));
  // op(A) rows r0..r1: stored rows of A, or stored columns of A when transposed.
  const float* a0 = ta ? A + r0 : A + r0 * lda;
  const float* b0 = tb ? B + c0 * ldb : B + c0;
  if (K == 0) {  // empty sum: C = beta * C
    if (beta == 0.0f) c.setZero(); else c *= beta;
    return;
  }
  if (!ta && !tb) product(ConstRowMap(a0, m, K, Stride(lda)), ConstRowMap(b0, K, n, Stride(ldb)), alpha, beta, c);
  else if (!ta && tb) product(ConstRowMap(a0, m, K, Stride(lda)), ConstColMap(b0, K, n, Stride(ldb)), alpha, beta, c);
  else if (ta && !tb) product(ConstColMap(a0, m, K, Stride(lda)), ConstRowMap(b0, K, n, Stride(ldb)), alpha, beta, c);
  else product(ConstColMap(a0, m, K, Stride(lda)), ConstColMap(b0, K, n, Stride(ldb)), alpha, beta, c);
}

}  // namespace

void gemm(const kern::Context& ctx, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
          float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
          float* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  // Threads: one band per thread, but only when each band keeps >= ~1 MFLOP of
  // work (a parallel region costs ~1 us, ~100k FLOPs of a core's time) and at
  // least 32 rows/columns, so the packed panels stay efficient.
  const double flops = 2.0 * M * N * std::max<int64_t>(K, 1);
  const bool split_rows = M >= N;
  const int64_t extent = split_rows ? M : N;
  int64_t bands = std::min<int64_t>(num_threads(ctx), static_cast<int64_t>(flops / 1e6));
  bands = std::min<int64_t>(bands, extent / 32);
  if (bands <= 1) {
    gemm_block(trans_a, trans_b, 0, M, 0, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
#ifdef _OPENMP
#pragma omp parallel for num_threads(static_cast<int>(bands)) schedule(static)
#endif
  for (int64_t t = 0; t < bands; ++t) {
    // Band edges rounded to multiples of 8 (whole SIMD registers).
    int64_t lo = std::min(extent, (extent * t / bands + 7) / 8 * 8);
    int64_t hi = t + 1 == bands ? extent : std::min(extent, (extent * (t + 1) / bands + 7) / 8 * 8);
    if (lo >= hi) continue;
    if (split_rows)
      gemm_block(trans_a, trans_b, lo, hi, 0, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    else
      gemm_block(trans_a, trans_b, 0, M, lo, hi, K, alpha, A, lda, B, ldb, beta, C, ldc);
  }
}

void gemm_reference(const kern::Context&, bool trans_a, bool trans_b, int64_t M, int64_t N,
                    int64_t K, float alpha, const float* A, int64_t lda, const float* B,
                    int64_t ldb, float beta, float* C, int64_t ldc) {
  for (int64_t i = 0; i < M; ++i) {
    for (int64_t j = 0; j < N; ++j) {
      double sum = 0.0;
      for (int64_t k = 0; k < K; ++k) {
        float a = trans_a ? A[k * lda + i] : A[i * lda + k];
        float b = trans_b ? B[j * ldb + k] : B[k * ldb + j];
        sum += static_cast<double>(a) * b;
      }
      float& c = C[i * ldc + j];
      c = static_cast<float>(alpha * sum + (beta == 0.0f ? 0.0 : static_cast<double>(beta) * c));
    }
  }
}

}  // namespace upres::cpu
