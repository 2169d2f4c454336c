// Parity of the SSIM window kernels and total variation on a real GPU against the cpu
// kernels: the same checks as tests/parity/test_parity_ssim.cpp (ssim_parity.h), plus the
// engine's ssim and total_variation on cuda. ctest label `gpu`; each test reports a skip
// without a GPU or without CUDA.
#if defined(UPRES_WITH_CUDA)
#include "kernels/cuda/runtime.h"
#endif

#include <gtest/gtest.h>

#include "gpu/need_gpu.h"

#include "engine/backends.h"
#include "kernels/cuda/ssim.h"
#include "kernels/cuda/tv.h"
#include "parity/ssim_parity.h"

namespace {

using namespace upres::testing::parity;

#if defined(UPRES_WITH_CUDA)
Backend cuda_backend() { return Backend{upres::Device::cuda, Kernels{}, {}}; }
TEST(CudaParity, SsimWindowMomentsMapBackward) {
  UPRES_NEED_GPU();
  check_ssim_window_kernels(cuda_backend(), UPRES_SSIM_TV_KERNELS(upres::cuda));
}
TEST(CudaParity, SsimDownsampleSumConversions) {
  UPRES_NEED_GPU();
  check_ssim_helper_kernels(cuda_backend(), UPRES_SSIM_TV_KERNELS(upres::cuda));
}
TEST(CudaParity, TotalVariationForwardBackward) {
  UPRES_NEED_GPU();
  check_tv_kernels(cuda_backend(), UPRES_SSIM_TV_KERNELS(upres::cuda));
}
TEST(CudaEngineOps, SsimAndTotalVariationMatchCpu) {
  UPRES_NEED_GPU();
  check_ssim_tv_ops(upres::Device::cuda);
}
#else
TEST(CudaParity, SsimWindowMomentsMapBackward) { UPRES_SKIP_WITHOUT_CUDA(); }
TEST(CudaParity, SsimDownsampleSumConversions) { UPRES_SKIP_WITHOUT_CUDA(); }
TEST(CudaParity, TotalVariationForwardBackward) { UPRES_SKIP_WITHOUT_CUDA(); }
TEST(CudaEngineOps, SsimAndTotalVariationMatchCpu) { UPRES_SKIP_WITHOUT_CUDA(); }
#endif

}  // namespace
