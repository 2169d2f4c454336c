// Parity of the optimizer kernels on a real GPU against the cpu kernels: the same checks as
// tests/parity/test_parity_optim.cpp (optim_parity.h), plus the engine's optimizers,
// clip_grad_norm and a tiny conv net trained with Adam on cuda. ctest label `gpu`; each test
// reports a skip without a GPU or without CUDA.
#if defined(UPRES_WITH_CUDA)
#include "kernels/cuda/runtime.h"
#endif

#include <gtest/gtest.h>

#include "gpu/need_gpu.h"

#include "engine/backends.h"
#include "kernels/cuda/optim.h"
#include "parity/optim_parity.h"

namespace {

using namespace upres::testing::parity;

#if defined(UPRES_WITH_CUDA)
Backend cuda_backend() { return {upres::Device::cuda, Kernels{}, {}}; }
#define UPRES_OPTIM_CUDA_TEST(suite, name, body) \
  TEST(suite, name) {                            \
    UPRES_NEED_GPU();                            \
    body;                                        \
  }
#else
#define UPRES_OPTIM_CUDA_TEST(suite, name, body) \
  TEST(suite, name) { UPRES_SKIP_WITHOUT_CUDA(); }
#endif

UPRES_OPTIM_CUDA_TEST(CudaParity, OptimSgdMomentumNesterovSteps,
                      check_sgd_kernel(cuda_backend(), UPRES_OPTIM_KERNELS(upres::cuda)))
UPRES_OPTIM_CUDA_TEST(CudaParity, OptimAdamAdamWSteps,
                      check_adam_kernel(cuda_backend(), UPRES_OPTIM_KERNELS(upres::cuda)))
UPRES_OPTIM_CUDA_TEST(CudaParity, OptimNormReductionsAndScale,
                      check_norm_kernels(cuda_backend(), UPRES_OPTIM_KERNELS(upres::cuda)))
UPRES_OPTIM_CUDA_TEST(CudaEngineOps, OptimizersAndClipGradNormMatchCpu,
                      check_optimizers_on_device(upres::Device::cuda))
UPRES_OPTIM_CUDA_TEST(CudaEngineOps, TinyConvNetAdamTrainingMatchesCpu,
                      check_tiny_net_training(upres::Device::cuda))

}  // namespace
