// Parity of the batch norm kernels on a real GPU against the cpu kernels: the same checks as
// tests/parity/test_parity_norm.cpp (norm_parity.h), plus the engine's batch_norm on cuda.
// ctest label `gpu`; each test reports a skip without a GPU or without CUDA.
#if defined(UPRES_WITH_CUDA)
#include "kernels/cuda/runtime.h"
#endif

#include <gtest/gtest.h>

#include "engine/backends.h"
#include "kernels/cuda/norm.h"
#include "parity/norm_parity.h"

namespace {

using namespace upres::testing::parity;

#if defined(UPRES_WITH_CUDA)
#define UPRES_NEED_GPU()                                        \
  if (!upres::device_available(upres::Device::cuda))            \
  GTEST_SKIP() << "no CUDA GPU present (" << upres::cuda::describe_device() << ")"
TEST(CudaParity, BatchNormStatsRunningForwardBackward) {
  UPRES_NEED_GPU();
  check_batch_norm(Backend{upres::Device::cuda, Kernels{}, {}}, UPRES_NORM_KERNELS(upres::cuda));
}
TEST(CudaEngineOps, BatchNormTrainingAndEvalMatchCpu) {
  UPRES_NEED_GPU();
  check_norm_ops(upres::Device::cuda);
}
#else
TEST(CudaParity, BatchNormStatsRunningForwardBackward) { GTEST_SKIP() << "built without CUDA (UPRES_CUDA=OFF)"; }
TEST(CudaEngineOps, BatchNormTrainingAndEvalMatchCpu) { GTEST_SKIP() << "built without CUDA (UPRES_CUDA=OFF)"; }
#endif

}  // namespace
