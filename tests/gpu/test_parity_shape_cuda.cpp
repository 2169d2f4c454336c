// Parity of the data-movement kernels on a real GPU against the cpu kernels, bit for bit: the
// same checks as tests/parity/test_parity_shape.cpp (shape_parity.h), plus the engine's shape
// ops on cuda. ctest label `gpu`; each test reports a skip without a GPU or without CUDA.
#if defined(UPRES_WITH_CUDA)
#include "kernels/cuda/runtime.h"
#endif

#include <gtest/gtest.h>

#include "gpu/need_gpu.h"

#include "engine/backends.h"
#include "kernels/cuda/shape.h"
#include "parity/shape_parity.h"

namespace {

using namespace upres::testing::parity;

#if defined(UPRES_WITH_CUDA)
#define UPRES_CUDA_SHAPE_TEST(name, check)                                                          \
  TEST(CudaParity, name) {                                                                          \
    UPRES_NEED_GPU();                                                                               \
    check(Backend{upres::Device::cuda, Kernels{}, {}}, UPRES_SHAPE_KERNELS(upres::cuda));           \
  }
TEST(CudaEngineOps, ConcatSplitNarrowPadCropMatchCpu) {
  UPRES_NEED_GPU();
  check_shape_ops(upres::Device::cuda);
}
#else
#define UPRES_CUDA_SHAPE_TEST(name, check) \
  TEST(CudaParity, name) { UPRES_SKIP_WITHOUT_CUDA(); }
TEST(CudaEngineOps, ConcatSplitNarrowPadCropMatchCpu) { UPRES_SKIP_WITHOUT_CUDA(); }
#endif

UPRES_CUDA_SHAPE_TEST(StridedCopyConcatCropNarrowBitExact, check_strided_copy)
UPRES_CUDA_SHAPE_TEST(PadZeroReflectReplicateForwardBackwardBitExact, check_pad)

}  // namespace
