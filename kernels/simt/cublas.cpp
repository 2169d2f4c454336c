// cublas.cpp - the cuBLAS shim of the simt backend, on cpu::gemm (see cublas.h).
//
// Column-major to row-major: a column-major m x n matrix with leading dimension ld is, byte for
// byte, the row-major n x m matrix (its transpose) with the same ld. So the column-major
//   C = op(A) op(B)        is the row-major        C^T = op(B)^T op(A)^T,
// i.e. cpu::gemm with the operands swapped (B first), M = n, N = m, and each operand keeping its
// own transpose flag: an untransposed column-major B (k x n) read row-major is B^T (n x k), which
// is exactly op(B)^T, so no transpose is needed; a transposed one likewise needs one.
#include "kernels/simt/cublas.h"

#include <algorithm>

#include "kernels/context.h"
#include "kernels/cpu/gemm.h"

namespace upres::simt {

struct cublasContext {
  cublasStream_t stream = nullptr;
  kern::Context cpu;  // threads for cpu::gemm (0 = OpenMP's default)
};

cublasStatus_t cublasCreate(cublasHandle_t* handle) {
  if (!handle) return CUBLAS_STATUS_INVALID_VALUE;
  *handle = new cublasContext();
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasDestroy(cublasHandle_t handle) {
  if (!handle) return CUBLAS_STATUS_NOT_INITIALIZED;
  delete handle;
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetStream(cublasHandle_t handle, cublasStream_t stream) {
  if (!handle) return CUBLAS_STATUS_NOT_INITIALIZED;
  handle->stream = stream;
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasGetStream(cublasHandle_t handle, cublasStream_t* stream) {
  if (!handle) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (!stream) return CUBLAS_STATUS_INVALID_VALUE;
  *stream = handle->stream;
  return CUBLAS_STATUS_SUCCESS;
}

const char* cublasGetStatusString(cublasStatus_t status) {
  switch (status) {
    case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
  }
  return "CUBLAS_STATUS_UNKNOWN";
}

namespace {

bool valid_op(cublasOperation_t op) {
  return op == CUBLAS_OP_N || op == CUBLAS_OP_T || op == CUBLAS_OP_C;
}

// The argument checks cuBLAS makes (its documented INVALID_VALUE conditions).
cublasStatus_t check_gemm(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                          int m, int n, int k, const float* alpha, int lda, int ldb,
                          const float* beta, int ldc) {
  if (!handle) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (!valid_op(transa) || !valid_op(transb)) return CUBLAS_STATUS_INVALID_VALUE;
  if (m < 0 || n < 0 || k < 0 || !alpha || !beta) return CUBLAS_STATUS_INVALID_VALUE;
  const int rows_a = transa == CUBLAS_OP_N ? m : k;  // A is stored rows_a x (cols) column-major
  const int rows_b = transb == CUBLAS_OP_N ? k : n;
  if (lda < std::max(1, rows_a) || ldb < std::max(1, rows_b) || ldc < std::max(1, m))
    return CUBLAS_STATUS_INVALID_VALUE;
  return CUBLAS_STATUS_SUCCESS;
}

// One column-major GEMM as the row-major C^T = op(B)^T op(A)^T (see the file comment).
void gemm_column_major(const kern::Context& ctx, cublasOperation_t transa, cublasOperation_t transb,
                       int m, int n, int k, float alpha, const float* A, int lda, const float* B,
                       int ldb, float beta, float* C, int ldc) {
  if (m == 0 || n == 0) return;
  cpu::gemm(ctx, /*trans_a=*/transb != CUBLAS_OP_N, /*trans_b=*/transa != CUBLAS_OP_N,
            /*M=*/n, /*N=*/m, /*K=*/k, alpha, B, ldb, A, lda, beta, C, ldc);
}

}  // namespace

cublasStatus_t cublasSgemm(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                           int m, int n, int k, const float* alpha, const float* A, int lda,
                           const float* B, int ldb, const float* beta, float* C, int ldc) {
  cublasStatus_t st = check_gemm(handle, transa, transb, m, n, k, alpha, lda, ldb, beta, ldc);
  if (st != CUBLAS_STATUS_SUCCESS) return st;
  gemm_column_major(handle->cpu, transa, transb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc);
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa,
                                         cublasOperation_t transb, int m, int n, int k,
                                         const float* alpha, const float* A, int lda,
                                         long long strideA, const float* B, int ldb,
                                         long long strideB, const float* beta, float* C, int ldc,
                                         long long strideC, int batchCount) {
  cublasStatus_t st = check_gemm(handle, transa, transb, m, n, k, alpha, lda, ldb, beta, ldc);
  if (st != CUBLAS_STATUS_SUCCESS) return st;
  if (batchCount < 0) return CUBLAS_STATUS_INVALID_VALUE;
  for (int b = 0; b < batchCount; ++b)
    gemm_column_major(handle->cpu, transa, transb, m, n, k, *alpha, A + b * strideA, lda,
                      B + b * strideB, ldb, *beta, C + b * strideC, ldc);
  return CUBLAS_STATUS_SUCCESS;
}

}  // namespace upres::simt
