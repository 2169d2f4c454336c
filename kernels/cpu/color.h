// color.h - per-pixel colour transforms (BT.601 RGB <-> YCbCr and their gradients) on the CPU.
//
// x: [batch, in_channels, plane], y: [batch, out_channels, plane] (NCHW with plane = H * W);
// t says what is computed (kernels/shapes/color.h). Napkin math: per pixel 3 x 3 double
// multiply-adds against 24 bytes read and written - memory-bound (~1 GB/s of pixels per core).
#pragma once

#include "kernels/context.h"
#include "kernels/shapes/color.h"

namespace upres::cpu {

void color_transform(const kern::Context& ctx, const kern::ColorTransform& t, const float* x, float* y);

}  // namespace upres::cpu
