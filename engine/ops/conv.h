// conv.h - 2-D convolution and transposed convolution (NCHW), as PyTorch's.
//
// conv2d:           x [N, Cin, H, W], weight [Cout, Cin/groups, KH, KW], bias [Cout] or undefined
//   Hout = (H + 2*pad_h - dil_h*(KH-1) - 1) / stride_h + 1
// conv_transpose2d: x [N, Cin, H, W], weight [Cin, Cout/groups, KH, KW], bias [Cout] or undefined
//   Hout = (H-1)*stride_h - 2*pad_h + dil_h*(KH-1) + output_padding_h + 1
// conv_transpose2d is the gradient of conv2d with respect to its input, and is
// computed by the same kernel (backward-data).
#pragma once

#include "engine/tensor.h"

namespace upres {

struct ConvParams {
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t groups = 1;
  int64_t output_padding_h = 0, output_padding_w = 0;  // conv_transpose2d only

  // Square helpers: ConvParams::same(k) pads a k x k kernel to keep the size.
  static ConvParams make(int64_t stride, int64_t pad, int64_t dilation = 1, int64_t groups = 1) {
    ConvParams p;
    p.stride_h = p.stride_w = stride;
    p.pad_h = p.pad_w = pad;
    p.dilation_h = p.dilation_w = dilation;
    p.groups = groups;
    return p;
  }
  static ConvParams same(int64_t k, int64_t dilation = 1) { return make(1, dilation * (k - 1) / 2, dilation); }
};

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const ConvParams& p = {});
Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                        const ConvParams& p = {});

}  // namespace upres
