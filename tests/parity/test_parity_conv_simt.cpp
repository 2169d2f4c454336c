// Convolution kernels of kernels/cuda/conv.cuh on the simt emulator against the cpu kernels,
// under every scheduling order (conv_parity.h has the table and the tolerance), and conv2d /
// conv_transpose2d through autograd with tensors on simt against cpu.
#include <gtest/gtest.h>

#include "kernels/cuda/conv.h"
#include "parity/conv_parity.h"
#include "parity/engine_ops.h"
#include "simt/orders.h"

namespace {

using namespace upres;
using namespace upres::testing::parity;

Backend simt_conv_backend(int os_threads = 1) {
  return {Device::simt, {}, upres::testing::all_orders(os_threads)};
}

TEST(SimtParity, ConvForwardBackwardDataWeightBiasTable) {
  check_conv(simt_conv_backend(), UPRES_CONV_KERNELS(upres::simt));
}

TEST(SimtParity, ConvForwardWithoutBias) {
  check_conv_no_bias(simt_conv_backend(), UPRES_CONV_KERNELS(upres::simt));
}

// Blocks spread over 3 OS threads (the split-K slices and their reduction included).
TEST(SimtParity, ConvKernelsWithBlocksOnThreeOsThreads) {
  check_conv(simt_conv_backend(3), UPRES_CONV_KERNELS(upres::simt));
}

// The engine ops: conv2d with stride/padding/dilation/groups and conv_transpose2d with
// output_padding, forward and every gradient through autograd, simt against cpu.
// Tolerance as the kernels' (1e-5 relative), absolute 1e-4 for outputs that cancel.
TEST(SimtEngineOps, Conv2dAndConvTranspose2dForwardBackwardMatchCpu) {
  ConvParams p = ConvParams::make(2, 1, 2, 3);
  check_op_on_device(Device::simt, "conv2d", {image({2, 6, 7, 9}, 31), image({9, 2, 3, 3}, 32),
                                              image({9}, 33)},
                     [p](auto& in) { return conv2d(in[0], in[1], in[2], p); }, 1e-5, 1e-4);
  check_op_on_device(Device::simt, "conv2d 13 channels same", {image({1, 13, 7, 9}, 34),
                                                              image({13, 13, 3, 3}, 35)},
                     [](auto& in) { return conv2d(in[0], in[1], Tensor(), ConvParams::same(3)); },
                     1e-5, 1e-4);
  ConvParams t = ConvParams::make(2, 1);
  t.output_padding_h = t.output_padding_w = 1;
  check_op_on_device(Device::simt, "conv_transpose2d", {image({2, 13, 4, 5}, 36),
                                                        image({13, 7, 3, 3}, 37), image({7}, 38)},
                     [t](auto& in) { return conv_transpose2d(in[0], in[1], in[2], t); }, 1e-5, 1e-4);
}

}  // namespace
