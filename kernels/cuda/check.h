// check.h - turn a failed CUDA runtime call into an exception that names the call, file and line.
//
//   UPRES_CUDA_CHECK(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice));
//
// throws upres::cuda::CudaError("cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice) failed at
// engine/backend_cuda.cpp:42: cudaErrorInvalidValue (invalid argument)"). Library code never
// prints or exits (DESIGN.md); the caller decides. For nvcc files and for host files of the
// CUDA build (UPRES_CUDA=ON) that include <cuda_runtime.h>; kernel launches are checked by
// UPRES_LAUNCH itself (launch.h), cuBLAS calls by UPRES_CUBLAS_CHECK (blas.h).
#pragma once

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace upres::cuda {

class CudaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline void check_cuda(cudaError_t e, const char* call, const char* file, int line) {
  if (e == cudaSuccess) return;
  cudaGetLastError();  // clear a non-sticky error so later calls do not report it again
  throw CudaError(std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": " +
                  cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")");
}

}  // namespace upres::cuda

#define UPRES_CUDA_CHECK(call) ::upres::cuda::check_cuda((call), #call, __FILE__, __LINE__)
