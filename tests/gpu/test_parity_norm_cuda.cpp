// Parity of the batch norm kernels on a real GPU against the cpu kernels: the same checks as
// tests/parity/test_parity_norm.cpp (norm_parity.h), plus the engine's batch_norm on cuda.
// ctest label `gpu`; each test reports a skip without a GPU or without CUDA.
#if defined(UPRES_WITH_CUDA)
#include "kernels/cuda/runtime.h"
#endif

#include <gtest/gtest.h>

#include "gpu/need_gpu.h"

#include "engine/backends.h"
#include "kernels/cuda/norm.h"
#include "parity/norm_parity.h"

namespace {

using namespace upres::testing::parity;

#if defined(UPRES_WITH_CUDA)
TEST(CudaParity, BatchNormStatsRunningForwardBackward) {
  UPRES_NEED_GPU();
  check_batch_norm(Backend{upres::Device::cuda, Kernels{}, {}}, UPRES_NORM_KERNELS(upres::cuda));
}
TEST(CudaEngineOps, BatchNormTrainingAndEvalMatchCpu) {
  UPRES_NEED_GPU();
  check_norm_ops(upres::Device::cuda);
}
#else
TEST(CudaParity, BatchNormStatsRunningForwardBackward) { UPRES_SKIP_WITHOUT_CUDA(); }
TEST(CudaEngineOps, BatchNormTrainingAndEvalMatchCpu) { UPRES_SKIP_WITHOUT_CUDA(); }
#endif

}  // namespace
