// conv.h - the geometry of a 2-D convolution, shared by every backend.
//
// A convolution slides a KH x KW window over a zero-padded input. Output pixel
// (oh, ow) reads input pixel
//   ih = oh * stride_h - pad_h + kh * dilation_h,   iw = ow * stride_w - pad_w + kw * dilation_w
// for each kernel tap (kh, kw). With `groups` = G, the Cin input and Cout output
// channels are cut into G equal slices and slice g of the output sees only slice g
// of the input: weight is [Cout, Cin/G, KH, KW].
//
// Hout and Wout are stored, not recomputed, by every kernel: a transposed
// convolution with output_padding runs the conv2d kernels on a shape whose
// "input" has a few extra rows/columns that no output pixel reads.
#pragma once

#include <cstdint>

namespace upres::kern {

struct ConvShape {
  int64_t N = 1, Cin = 1, H = 1, W = 1;  // input  [N, Cin, H, W]
  int64_t Cout = 1, KH = 1, KW = 1;      // weight [Cout, Cin/groups, KH, KW]
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t groups = 1;
  int64_t Hout = 1, Wout = 1;            // output [N, Cout, Hout, Wout]

  // floor((in + 2 pad - dilation (k - 1) - 1) / stride) + 1, or 0 when the
  // dilated kernel does not fit in the padded input.
  static int64_t output_size(int64_t in, int64_t k, int64_t stride, int64_t pad, int64_t dilation) {
    int64_t span = in + 2 * pad - dilation * (k - 1) - 1;
    return span < 0 ? 0 : span / stride + 1;
  }
  // Sets Hout and Wout from the other fields.
  void set_output_size() {
    Hout = output_size(H, KH, stride_h, pad_h, dilation_h);
    Wout = output_size(W, KW, stride_w, pad_w, dilation_w);
  }

  int64_t cin_per_group() const { return Cin / groups; }
  int64_t cout_per_group() const { return Cout / groups; }
  // Rows of the im2col matrix: the length of one output pixel's dot product.
  int64_t patch_size() const { return cin_per_group() * KH * KW; }
  int64_t in_plane() const { return H * W; }
  int64_t out_plane() const { return Hout * Wout; }
  // Multiply-adds of the forward pass (a backward pass costs the same each).
  double macs() const { return double(N) * Cout * out_plane() * patch_size(); }
};

}  // namespace upres::kern
