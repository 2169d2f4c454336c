// upsample.h - image resizing (nearest, bilinear, bicubic; torch's interpolate with
// align_corners=False) and its backward on the GPU backends (cuda, simt). Same signatures and
// formulas as kernels/cpu/upsample.h. Nearest is bit-exact; bilinear/bicubic add the same
// products in the same order as the cpu, which nvcc may contract into FMAs (within ~1e-6).
#pragma once

#include "kernels/context.h"
#include "kernels/cuda/declare.h"
#include "kernels/shapes/upsample.h"

UPRES_DECLARE_GPU_KERNELS(
void upsample_nearest_forward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* x, float* y);
void upsample_bilinear_forward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* x, float* y);
void upsample_bicubic_forward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* x, float* y);
void upsample_nearest_backward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* dy, float* dx);
void upsample_bilinear_backward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* dy, float* dx);
void upsample_bicubic_backward(const kern::Context& ctx, const kern::UpsampleShape& s, const float* dy, float* dx);
)
