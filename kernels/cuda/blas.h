// blas.h - cuBLAS for kernel files, one source for both builds: the real library under nvcc,
// the CPU shim (kernels/simt/cublas.h) under simt. Kernel code inside
// namespace upres::UPRES_KERNEL_NS calls cublasSgemm(...) unqualified and reaches the right one.
//
//   UPRES_CUBLAS_CHECK(cublasSgemm(handle, CUBLAS_OP_N, ...));
//
// throws std::runtime_error naming the call, the file, the line and cuBLAS's status name.
#pragma once

#include <stdexcept>
#include <string>

#include "kernels/cuda/launch.h"

#if defined(__CUDACC__)
#include <cublas_v2.h>
#else
#include "kernels/simt/cublas.h"
#endif

namespace upres::UPRES_KERNEL_NS {

inline void check_cublas(cublasStatus_t status, const char* call, const char* file, int line) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  throw std::runtime_error(std::string(call) + " failed at " + file + ":" + std::to_string(line) +
                           ": " + cublasGetStatusString(status));
}

}  // namespace upres::UPRES_KERNEL_NS

#define UPRES_CUBLAS_CHECK(call) \
  ::upres::UPRES_KERNEL_NS::check_cublas((call), #call, __FILE__, __LINE__)
