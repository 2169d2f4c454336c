// resize.h - one separable resampling pass (MATLAB imresize) on the CPU.
//
// x: [planes, in_h, in_w]. index/weight: [out_len, taps] (int32 input positions
// along the resized axis, already mirrored into range; float weights summing to 1).
//   resize_width_forward:  y[p, r, o] = sum_k weight[o, k] * x[p, r, index[o, k]]    (out_h == in_h)
//   resize_height_forward: y[p, o, c] = sum_k weight[o, k] * x[p, index[o, k], c]    (out_w == in_w)
// Napkin math: 2 FLOPs per tap per output sample; bicubic x1/4 has 4*4+2 = 18
// taps, so a 512x512 -> 128x512 height pass is 128*512*18*2 = 2.4 MFLOP per
// plane, reading each input row ~4.5 times (from cache) - memory-bound on
// the 1 MB input plane.
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/shapes/resize.h"

namespace upres::cpu {

void resize_width_forward(const kern::Context& ctx, const kern::ResizeShape& s, const float* x,
                          const int32_t* index, const float* weight, float* y);
void resize_height_forward(const kern::Context& ctx, const kern::ResizeShape& s, const float* x,
                           const int32_t* index, const float* weight, float* y);

}  // namespace upres::cpu
