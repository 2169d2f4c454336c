// im2col.h - unfold image patches into a matrix (im2col) and fold them back (col2im).
//
// Convolution is a matrix product once each output pixel's receptive field is
// laid out as one column: for one image and one group,
//   col[(c*KH + kh)*KW + kw][p] = x[c][ih][iw]  (0 in the padding),  p = oh*Wout + ow,
// a (Cin/groups * KH * KW) x (Hout * Wout) matrix, and then  y_g = W_g * col.
// col2im is its adjoint: it adds every column entry back onto the pixel it was
// read from, which turns dcol = W_g^T dy_g into dx.
//
// Both work on a band of output rows [oh0, oh1), so a big image can be unfolded
// a few rows at a time into a buffer that stays in cache.
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/shapes/conv.h"

namespace upres::cpu {

// x: one image's channels of one group, [Cin/groups, H, W].
// col: [patch_size, (oh1 - oh0) * Wout], overwritten.
void im2col(const kern::Context& ctx, const kern::ConvShape& s, const float* x, int64_t oh0,
            int64_t oh1, float* col);
// dx += fold(col), with dx [Cin/groups, H, W] and col as im2col's.
void col2im_add(const kern::Context& ctx, const kern::ConvShape& s, const float* col, int64_t oh0,
                int64_t oh1, float* dx);

// The output indices o in [0, out) whose input index o*stride - pad + offset lies
// in [0, in): the part of a row (or column) that is not padding. Empty: lo >= hi.
struct Range {
  int64_t lo, hi;
};
Range valid_range(int64_t in, int64_t out, int64_t stride, int64_t pad, int64_t offset);

}  // namespace upres::cpu
