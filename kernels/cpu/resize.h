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

// The backward of a pass is the transposed pass: dx[.., i] = sum_j weight_t[i, j] * dy[.., index_t[i, j]],
// with the transposed table (engine/resize_weights.h: transpose_resize_weights, `taps_t`
// entries per input position, padded with weight 0). It is the forward gather with input and
// output swapped, so each input gathers from the outputs whose taps touch it: no scatter.
// s is the FORWARD pass's shape; dy has its output's size, dx its input's.
void resize_width_backward(const kern::Context& ctx, const kern::ResizeShape& s, int64_t taps_t, const float* dy,
                           const int32_t* index_t, const float* weight_t, float* dx);
void resize_height_backward(const kern::Context& ctx, const kern::ResizeShape& s, int64_t taps_t, const float* dy,
                            const int32_t* index_t, const float* weight_t, float* dx);

}  // namespace upres::cpu
