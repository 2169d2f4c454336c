// shape.h - data movement on the GPU backends (cuda, simt): strided block copies (concat, split,
// narrow, crop) and padding (zero / reflect / replicate) with its backward. Same signatures and
// conventions as kernels/cpu/shape.h; every result is bit-exact with the cpu one, the padding
// backward included (it adds the same terms in the same order).
#pragma once

#include "kernels/context.h"
#include "kernels/cuda/declare.h"
#include "kernels/shapes/shape.h"

UPRES_DECLARE_GPU_KERNELS(
void strided_copy(const kern::Context& ctx, const kern::CopyShape& s, const float* src, float* dst);
void pad_forward(const kern::Context& ctx, const kern::PadShape& s, const float* x, float* y);
void pad_backward(const kern::Context& ctx, const kern::PadShape& s, const float* dy, float* dx);
)
