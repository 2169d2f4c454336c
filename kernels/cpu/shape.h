// shape.h - data movement on the CPU: strided block copies (concat, split,
// narrow, crop) and padding with its backward. No arithmetic except the
// backward of padding, which adds the gradients of the pixels a padded border
// copied; everything else is a bit-exact copy.
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/shapes/shape.h"

namespace upres::cpu {

// dst[p*dps + r*drs + c] = src[p*sps + r*srs + c]   (see kern::CopyShape)
void strided_copy(const kern::Context& ctx, const kern::CopyShape& s, const float* src, float* dst);

// y [planes, out_h, out_w] = x [planes, h, w] padded as s says.
void pad_forward(const kern::Context& ctx, const kern::PadShape& s, const float* x, float* y);
// dx [planes, h, w] = sum of dy over the padded positions that read each pixel
// (dx is overwritten). Zero mode: the window of dy; reflect/replicate: the window
// plus the mirrored/repeated border contributions.
void pad_backward(const kern::Context& ctx, const kern::PadShape& s, const float* dy, float* dx);

}  // namespace upres::cpu
