// Parity of the kernels/cuda kernels on a real GPU against the cpu kernels: the same checks as
// tests/parity/test_parity_simt.cpp (parity.h). ctest label `gpu`; without a GPU, or in a build
// without CUDA, every test reports a skip saying which.
// The toolkit's headers come first: the simt runtime (included by parity.h) declares dim3,
// float4 & co. only where <cuda_runtime.h> has not (kernels/simt/types.h).
#if defined(UPRES_WITH_CUDA)
#include "kernels/cuda/check.h"
#include "kernels/cuda/runtime.h"
#endif

#include <gtest/gtest.h>

#include "gpu/need_gpu.h"

#include <string>

#include "engine/backends.h"
#include "kernels/cuda/activation.h"
#include "kernels/cuda/basic.h"
#include "kernels/cuda/shuffle.h"
#include "parity/parity.h"

namespace {

using namespace upres::testing::parity;

#if defined(UPRES_WITH_CUDA)
Backend cuda_backend() { return {upres::Device::cuda, UPRES_PARITY_KERNELS(upres::cuda), {}}; }
#define UPRES_CUDA_PARITY_TEST(name, check) \
  TEST(CudaParity, name) {                  \
    UPRES_NEED_GPU();                       \
    check(cuda_backend());                  \
  }
#else
#define UPRES_CUDA_PARITY_TEST(name, check) \
  TEST(CudaParity, name) { UPRES_SKIP_WITHOUT_CUDA(); }
#endif

UPRES_CUDA_PARITY_TEST(FillBitExact, check_fill)
UPRES_CUDA_PARITY_TEST(Axpy, check_axpy)
UPRES_CUDA_PARITY_TEST(ReluLeakySigmoidTanhForwardBackward, check_pointwise)
UPRES_CUDA_PARITY_TEST(PreluForwardBackwardPerChannelAndShared, check_prelu)
UPRES_CUDA_PARITY_TEST(PixelShuffleUnshuffleBitExact, check_pixel_shuffle)

#if defined(UPRES_WITH_CUDA)
// The error macro names the call, the file and the line (needs no GPU: the error is a value).
TEST(CudaCheck, ErrorNamesCallFileAndLine) {
  try {
    UPRES_CUDA_CHECK(cudaErrorInvalidValue);
    FAIL() << "no exception";
  } catch (const upres::cuda::CudaError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("cudaErrorInvalidValue failed at"), std::string::npos) << m;
    EXPECT_NE(m.find("test_parity_cuda.cpp:"), std::string::npos) << m;
  }
  EXPECT_NO_THROW(UPRES_CUDA_CHECK(cudaSuccess));
}
#endif

}  // namespace
