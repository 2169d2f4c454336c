// cublas.h - the few cuBLAS entry points upres uses, for the simt backend, run on the CPU GEMM.
//
// Under nvcc, kernel files call the real cuBLAS (v2 API). Under simt the same call, written
// unqualified inside namespace upres::simt, lands here: same names, argument order, enum values
// and COLUMN-MAJOR conventions as cuBLAS, computed by cpu::gemm. So the engine's arguments to
// cuBLAS (which operand is transposed, leading dimensions, strides of a batch) are exercised in
// CI, where there is no GPU. The shim checks its arguments as cuBLAS does and returns
// CUBLAS_STATUS_INVALID_VALUE where cuBLAS would.
//
// Everything lives in namespace upres::simt: global names would clash with libcublas itself in
// a CUDA build, which links both backends. Do not include this and <cublas_v2.h> in one file.
// Pointer mode is host (alpha and beta are read from host memory), cuBLAS's default.
//
// Column-major, as in cuBLAS: element (i, j) of a matrix with leading dimension ld is p[i + j*ld].
// cublasSgemm computes C = alpha op(A) op(B) + beta C with op(A) m x k, op(B) k x n, C m x n.
#pragma once

namespace upres::simt {

enum cublasStatus_t {
  CUBLAS_STATUS_SUCCESS = 0,
  CUBLAS_STATUS_NOT_INITIALIZED = 1,
  CUBLAS_STATUS_ALLOC_FAILED = 3,
  CUBLAS_STATUS_INVALID_VALUE = 7,
  CUBLAS_STATUS_ARCH_MISMATCH = 8,
  CUBLAS_STATUS_MAPPING_ERROR = 11,
  CUBLAS_STATUS_EXECUTION_FAILED = 13,
  CUBLAS_STATUS_INTERNAL_ERROR = 14,
  CUBLAS_STATUS_NOT_SUPPORTED = 15,
};

enum cublasOperation_t { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1, CUBLAS_OP_C = 2 };

struct cublasContext;  // the shim's handle: the stream and the CPU threads it may use
using cublasHandle_t = cublasContext*;
using cublasStream_t = void*;  // cudaStream_t; accepted and ignored, as simt streams are

cublasStatus_t cublasCreate(cublasHandle_t* handle);
cublasStatus_t cublasDestroy(cublasHandle_t handle);
cublasStatus_t cublasSetStream(cublasHandle_t handle, cublasStream_t stream);
cublasStatus_t cublasGetStream(cublasHandle_t handle, cublasStream_t* stream);
const char* cublasGetStatusString(cublasStatus_t status);

cublasStatus_t cublasSgemm(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                           int m, int n, int k, const float* alpha, const float* A, int lda,
                           const float* B, int ldb, const float* beta, float* C, int ldc);

// batchCount GEMMs; matrix b of A starts at A + b * strideA (likewise B, C).
cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa,
                                         cublasOperation_t transb, int m, int n, int k,
                                         const float* alpha, const float* A, int lda,
                                         long long strideA, const float* B, int ldb,
                                         long long strideB, const float* beta, float* C, int ldc,
                                         long long strideC, int batchCount);

}  // namespace upres::simt
