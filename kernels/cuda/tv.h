// tv.h - fused total variation (forward and backward) on the GPU backends (cuda, simt). Same
// signatures and formulas as kernels/cpu/tv.h.
#pragma once

#include "kernels/context.h"
#include "kernels/cuda/declare.h"
#include "kernels/shapes/tv.h"

UPRES_DECLARE_GPU_KERNELS(
void tv_forward(const kern::Context& ctx, const kern::TvShape& s, const float* x, double* work, float* out);
void tv_backward(const kern::Context& ctx, const kern::TvShape& s, const float* gy, const float* x, float* dx);
)
