// Convolution kernels of kernels/cuda/conv.cuh on a real GPU against the cpu kernels: the same
// table and tolerance as tests/parity/test_parity_conv_simt.cpp (conv_parity.h), and the
// engine's conv2d / conv_transpose2d through autograd on cuda. ctest label `gpu`; without a
// GPU, or in a build without CUDA, every test reports a skip saying which.
// The toolkit's headers come first (see test_parity_cuda.cpp).
#if defined(UPRES_WITH_CUDA)
#include "kernels/cuda/check.h"
#include "kernels/cuda/runtime.h"
#endif

#include <gtest/gtest.h>

#include "gpu/need_gpu.h"

#include "engine/backends.h"
#include "kernels/cuda/conv.h"
#include "parity/conv_parity.h"
#include "parity/engine_ops.h"

namespace {

using namespace upres;
using namespace upres::testing::parity;

#if defined(UPRES_WITH_CUDA)
Backend cuda_conv_backend() { return {Device::cuda, {}, {}}; }

TEST(CudaParity, ConvForwardBackwardDataWeightBiasTable) {
  UPRES_NEED_GPU();
  check_conv(cuda_conv_backend(), UPRES_CONV_KERNELS(upres::cuda));
}

TEST(CudaParity, ConvLargerLayers) {
  UPRES_NEED_GPU();
  check_conv(cuda_conv_backend(), UPRES_CONV_KERNELS(upres::cuda), conv_cases_large());
}

TEST(CudaParity, ConvForwardWithoutBias) {
  UPRES_NEED_GPU();
  check_conv_no_bias(cuda_conv_backend(), UPRES_CONV_KERNELS(upres::cuda));
}

TEST(CudaEngineOps, Conv2dAndConvTranspose2dForwardBackwardMatchCpu) {
  UPRES_NEED_GPU();
  ConvParams p = ConvParams::make(2, 1, 2, 3);
  check_op_on_device(Device::cuda, "conv2d", {image({2, 6, 7, 9}, 31), image({9, 2, 3, 3}, 32),
                                              image({9}, 33)},
                     [p](auto& in) { return conv2d(in[0], in[1], in[2], p); }, 1e-5, 1e-4);
  ConvParams t = ConvParams::make(2, 1);
  t.output_padding_h = t.output_padding_w = 1;
  check_op_on_device(Device::cuda, "conv_transpose2d", {image({2, 13, 4, 5}, 36),
                                                        image({13, 7, 3, 3}, 37), image({7}, 38)},
                     [t](auto& in) { return conv_transpose2d(in[0], in[1], in[2], t); }, 1e-5, 1e-4);
}
#else
TEST(CudaParity, ConvForwardBackwardDataWeightBiasTable) {
  UPRES_SKIP_WITHOUT_CUDA();
}
TEST(CudaParity, ConvLargerLayers) { UPRES_SKIP_WITHOUT_CUDA(); }
TEST(CudaParity, ConvForwardWithoutBias) { UPRES_SKIP_WITHOUT_CUDA(); }
TEST(CudaEngineOps, Conv2dAndConvTranspose2dForwardBackwardMatchCpu) {
  UPRES_SKIP_WITHOUT_CUDA();
}
#endif

}  // namespace
