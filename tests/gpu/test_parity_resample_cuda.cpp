// Parity of the resizing and pooling kernels on a real GPU against the cpu kernels: the same checks as
// tests/parity/test_parity_resample.cpp (resample_parity.h), plus the engine's upsample and pooling
// ops on cuda. ctest label `gpu`; each test reports a skip without a GPU or without CUDA.
#if defined(UPRES_WITH_CUDA)
#include "kernels/cuda/runtime.h"
#endif

#include <gtest/gtest.h>

#include "gpu/need_gpu.h"

#include "engine/backends.h"
#include "kernels/cuda/pool.h"
#include "kernels/cuda/upsample.h"
#include "parity/resample_parity.h"

namespace {

using namespace upres::testing::parity;

#if defined(UPRES_WITH_CUDA)
TEST(CudaParity, UpsampleNearestBilinearBicubicForwardBackward) {
  UPRES_NEED_GPU();
  check_upsample(Backend{upres::Device::cuda, Kernels{}, {}}, UPRES_RESAMPLE_KERNELS(upres::cuda));
}
TEST(CudaEngineOps, UpsampleMatchesCpu) {
  UPRES_NEED_GPU();
  check_upsample_ops(upres::Device::cuda);
}
TEST(CudaParity, AvgMaxAdaptivePoolForwardBackward) {
  UPRES_NEED_GPU();
  check_pool(Backend{upres::Device::cuda, Kernels{}, {}}, UPRES_POOL_KERNELS(upres::cuda));
}
TEST(CudaEngineOps, PoolingMatchesCpu) {
  UPRES_NEED_GPU();
  check_pool_ops(upres::Device::cuda);
}
#else
TEST(CudaParity, UpsampleNearestBilinearBicubicForwardBackward) {
  UPRES_SKIP_WITHOUT_CUDA();
}
TEST(CudaEngineOps, UpsampleMatchesCpu) { UPRES_SKIP_WITHOUT_CUDA(); }
TEST(CudaParity, AvgMaxAdaptivePoolForwardBackward) {
  UPRES_SKIP_WITHOUT_CUDA();
}
TEST(CudaEngineOps, PoolingMatchesCpu) { UPRES_SKIP_WITHOUT_CUDA(); }
#endif

}  // namespace
