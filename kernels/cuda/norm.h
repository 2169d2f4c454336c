// norm.h - batch normalisation (statistics, running averages, forward, backward) on the GPU
// backends (cuda, simt). Same signatures and formulas as kernels/cpu/norm.h.
#pragma once

#include "kernels/context.h"
#include "kernels/cuda/declare.h"
#include "kernels/shapes/norm.h"

UPRES_DECLARE_GPU_KERNELS(
void batch_norm_stats(const kern::Context& ctx, const kern::BatchNormShape& s, const float* x, float* mean,
                      float* var);
void batch_norm_update_running(const kern::Context& ctx, const kern::BatchNormShape& s, const float* mean,
                               const float* var, float momentum, float* running_mean, float* running_var);
void batch_norm_forward(const kern::Context& ctx, const kern::BatchNormShape& s, const float* x, const float* mean,
                        const float* var, float eps, const float* weight, const float* bias, float* y);
void batch_norm_backward(const kern::Context& ctx, const kern::BatchNormShape& s, const float* x, const float* dy,
                         const float* mean, const float* var, float eps, const float* weight, bool training,
                         float* dx, float* dweight, float* dbias);
)
