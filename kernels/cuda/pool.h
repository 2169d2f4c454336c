// pool.h - average, max and adaptive average pooling (NCHW) and their backward on the GPU
// backends (cuda, simt). Same signatures and conventions as kernels/cpu/pool.h (window, padding,
// PyTorch's tie rule for max); every result is bit-exact with the cpu kernels except the
// average pool's backward (a possible FMA contraction, see pool.cuh).
#pragma once

#include "kernels/context.h"
#include "kernels/cuda/declare.h"
#include "kernels/shapes/pool.h"

UPRES_DECLARE_GPU_KERNELS(
void avg_pool2d_forward(const kern::Context& ctx, const kern::PoolShape& s, const float* x, float* y);
void avg_pool2d_backward(const kern::Context& ctx, const kern::PoolShape& s, const float* dy, float* dx);
void max_pool2d_forward(const kern::Context& ctx, const kern::PoolShape& s, const float* x, float* y);
void max_pool2d_backward(const kern::Context& ctx, const kern::PoolShape& s, const float* x, const float* dy,
                         float* dx);
void adaptive_avg_pool2d_forward(const kern::Context& ctx, const kern::PoolShape& s, const float* x, float* y);
void adaptive_avg_pool2d_backward(const kern::Context& ctx, const kern::PoolShape& s, const float* dy, float* dx);
)
