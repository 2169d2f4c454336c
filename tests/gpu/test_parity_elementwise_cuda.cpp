// Parity of the pointwise and reduction kernels on a real GPU against the cpu kernels: the same
// checks as tests/parity/test_parity_elementwise.cpp (elementwise_parity.h), plus the engine's
// ops on cuda. ctest label `gpu`; without a GPU, or in a build without CUDA, each test reports a
// skip saying which. The toolkit's headers come first (see test_parity_cuda.cpp).
#if defined(UPRES_WITH_CUDA)
#include "kernels/cuda/runtime.h"
#endif

#include <gtest/gtest.h>

#include "gpu/need_gpu.h"

#include "engine/backends.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/reduce.h"
#include "parity/elementwise_engine_ops.h"
#include "parity/elementwise_parity.h"

namespace {

using namespace upres::testing::parity;

#if defined(UPRES_WITH_CUDA)
#define UPRES_CUDA_ELEMENTWISE_TEST(name, check)                                                    \
  TEST(CudaParity, name) {                                                                          \
    UPRES_NEED_GPU();                                                                               \
    check(Backend{upres::Device::cuda, Kernels{}, {}},                                              \
          UPRES_ELEMENTWISE_KERNELS(upres::cuda));                                                  \
  }
#define UPRES_CUDA_ENGINE_TEST(name, check) \
  TEST(CudaEngineOps, name) {               \
    UPRES_NEED_GPU();                       \
    check(upres::Device::cuda);             \
  }
#else
#define UPRES_CUDA_ELEMENTWISE_TEST(name, check) \
  TEST(CudaParity, name) { UPRES_SKIP_WITHOUT_CUDA(); }
#define UPRES_CUDA_ENGINE_TEST(name, check) \
  TEST(CudaEngineOps, name) { UPRES_SKIP_WITHOUT_CUDA(); }
#endif

UPRES_CUDA_ELEMENTWISE_TEST(BinaryBroadcastForwardBackwardBitExact, check_binary)
UPRES_CUDA_ELEMENTWISE_TEST(ScalarOpsBitExact, check_scalar)
UPRES_CUDA_ELEMENTWISE_TEST(UnaryMathsForwardBackward, check_unary)
UPRES_CUDA_ELEMENTWISE_TEST(SumReduceOverDimsDeterministic, check_sum_reduce)
UPRES_CUDA_ELEMENTWISE_TEST(L1MseLossForwardBackward, check_losses)
UPRES_CUDA_ENGINE_TEST(ElementwiseOpsMatchCpu, check_elementwise_ops)
UPRES_CUDA_ENGINE_TEST(ReduceAndLossOpsMatchCpu, check_reduce_ops)

}  // namespace
