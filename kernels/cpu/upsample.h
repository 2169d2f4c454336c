// upsample.h - resizing NCHW images: nearest, bilinear, bicubic, on the CPU.
//
// Semantics are torch.nn.functional.interpolate(size=..., align_corners=False)
// (see engine/ops/resample.h). Each output pixel is a weighted sum over a
// small separable stencil of input pixels: 1x1 (nearest), 2x2 (bilinear) or
// 4x4 (bicubic). The backward scatters each output gradient back through the
// same stencil with the same weights (the transpose of the resize).
#pragma once

#include "kernels/context.h"
#include "kernels/shapes/upsample.h"

namespace upres::cpu {

// x: [planes, in_h, in_w] -> y: [planes, out_h, out_w].
void upsample_nearest_forward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* x, float* y);
void upsample_bilinear_forward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* x, float* y);
void upsample_bicubic_forward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* x, float* y);
// dy: [planes, out_h, out_w] -> dx: [planes, in_h, in_w] (overwritten, not accumulated).
void upsample_nearest_backward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* dy, float* dx);
void upsample_bilinear_backward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* dy, float* dx);
void upsample_bicubic_backward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* dy, float* dx);

}  // namespace upres::cpu
