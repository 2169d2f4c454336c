// sgemm.h - hand-written single-precision GEMM for the GPU backends (cuda, simt), in numbered
// versions from naive to warp-tiled (the llm.c / "how to optimise a CUDA matmul" progression),
// next to cuBLAS.
//
//   C = alpha * op(A) * op(B) + beta * C,   op(X) = X or X^T,
//
// row-major, exactly the convention of kernels/cpu/gemm.h: op(A) is M x K, op(B) is K x N, C is
// M x N; element (i, j) of a matrix with leading dimension ld is p[i * ld + j]. When beta == 0,
// C is never read (it may hold NaN). Any M, N, K >= 0 (each below 2^31), any transposes, any
// leading dimensions; the float4 loads of versions 4 and 5 are used only where the pointer is
// 16-byte aligned and the leading dimension a multiple of 4, with scalar loads otherwise.
//
// Versions (sgemm.cuh has each kernel with its napkin math):
//   0  cuBLAS (cublasSgemm on ctx.blas; under simt the CPU shim of kernels/simt/cublas.h)
//   1  naive: one thread per element of C
//   2  shared-memory tiling: 16x16 tiles of A and B staged in shared memory
//   3  1-D register blocking: each thread computes a column of 8 results
//   4  2-D register blocking: 8x8 results per thread, float4 tile loads, A tile transposed
//   5  warp tiling: the block tile split into warp tiles, each warp a grid of thread micro-tiles
#pragma once

#include <cstdint>
#include <cstdlib>

#include "kernels/context.h"
#include "kernels/cuda/declare.h"

namespace upres::kern {

constexpr int kSgemmCublas = 0;     // version number of the cuBLAS path
constexpr int kSgemmLastVersion = 5;
constexpr int kSgemmPromoted = 5;   // the hand-written version gemm() uses

// gemm()'s choice for a problem: cuBLAS when M*N*K >= 2^24 (e.g. 256^3, a conv layer of a
// 64-channel SR network on a 48x48 patch has 64*576*2304 = 2^26.3) and K > 0, the promoted
// hand-written kernel below that, where launch overhead and tile waste dominate and our kernel
// is close to cuBLAS. The environment variable UPRES_SGEMM=<0..5> (read once per process)
// forces one version for every gemm() call, to benchmark or debug a whole model on it.
inline int sgemm_auto_version(int64_t M, int64_t N, int64_t K) {
  static const int forced = [] {
    const char* v = std::getenv("UPRES_SGEMM");
    return v && v[0] >= '0' && v[0] <= '0' + kSgemmLastVersion && v[1] == 0 ? v[0] - '0' : -1;
  }();
  if (forced >= 0) return forced;
  const bool large = static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K) >=
                     16777216.0;
  return large && K > 0 ? kSgemmCublas : kSgemmPromoted;
}

}  // namespace upres::kern

UPRES_DECLARE_GPU_KERNELS(
// One GEMM with the given version (0..5, see above); throws std::invalid_argument for another
// version or a size that does not fit the kernels' 32-bit indices.
void sgemm(const kern::Context& ctx, int version, bool trans_a, bool trans_b, int64_t M, int64_t N,
           int64_t K, float alpha, const float* A, int64_t lda, const float* B, int64_t ldb,
           float beta, float* C, int64_t ldc);

// The signature of cpu::gemm: sgemm with kern::sgemm_auto_version(M, N, K).
void gemm(const kern::Context& ctx, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
          float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
          float* C, int64_t ldc);
)
