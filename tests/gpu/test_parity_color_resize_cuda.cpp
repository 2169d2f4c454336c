// Parity of the colour transform and the MATLAB imresize passes on a real GPU against the cpu
// kernels: the checks of tests/parity/test_parity_color_resize.cpp (color_resize_parity.h), plus
// the engine's colour and imresize ops on cuda. ctest label `gpu`; each test reports a skip
// without a GPU or without CUDA.
#if defined(UPRES_WITH_CUDA)
#include "kernels/cuda/runtime.h"
#endif

#include <gtest/gtest.h>

#include "gpu/need_gpu.h"

#include "engine/backends.h"
#include "kernels/cuda/color.h"
#include "kernels/cuda/resize.h"
#include "parity/color_resize_parity.h"

namespace {

using namespace upres::testing::parity;

#if defined(UPRES_WITH_CUDA)
TEST(CudaParity, ColorTransformRgbYcbcr) {
  UPRES_NEED_GPU();
  check_color(Backend{upres::Device::cuda, Kernels{}, {}}, UPRES_COLOR_RESIZE_KERNELS(upres::cuda));
}
TEST(CudaParity, ImresizePassesForwardBackward) {
  UPRES_NEED_GPU();
  check_resize(Backend{upres::Device::cuda, Kernels{}, {}}, UPRES_COLOR_RESIZE_KERNELS(upres::cuda));
}
TEST(CudaEngineOps, ColorAndImresizeMatchCpu) {
  UPRES_NEED_GPU();
  check_color_resize_ops(upres::Device::cuda);
}
#else
TEST(CudaParity, ColorTransformRgbYcbcr) { UPRES_SKIP_WITHOUT_CUDA(); }
TEST(CudaParity, ImresizePassesForwardBackward) { UPRES_SKIP_WITHOUT_CUDA(); }
TEST(CudaEngineOps, ColorAndImresizeMatchCpu) { UPRES_SKIP_WITHOUT_CUDA(); }
#endif

}  // namespace
