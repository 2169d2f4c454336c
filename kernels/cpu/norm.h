// norm.h - batch normalisation kernels, on the CPU.
//
// Per channel ch, over its count = n*hw values:
//   xhat = (x - mean) * invstd,  invstd = 1 / sqrt(var + eps),  y = weight * xhat + bias
// Training uses the batch mean and biased variance; evaluation the running ones.
// weight and bias may be null (no affine transform: weight 1, bias 0).
#pragma once

#include "kernels/context.h"
#include "kernels/shapes/norm.h"

namespace upres::cpu {

// mean[c] and biased var[c] of x over (n, hw), accumulated in double.
void batch_norm_stats(const kern::Context& ctx, const kern::BatchNormShape& s, const float* x, float* mean,
                      float* var);

// running = (1 - momentum) * running + momentum * batch, with the variance made
// unbiased first (var * count / (count - 1)); count = n*hw must be > 1.
void batch_norm_update_running(const kern::Context& ctx, const kern::BatchNormShape& s, const float* mean,
                               const float* var, float momentum, float* running_mean, float* running_var);

void batch_norm_forward(const kern::Context& ctx, const kern::BatchNormShape& s, const float* x, const float* mean,
                        const float* var, float eps, const float* weight, const float* bias, float* y);

// Given dy, writes whichever of dx, dweight, dbias is non-null (overwriting).
// training: mean and var are functions of x, so dx gets their terms too:
//   dx = weight * invstd * (dy - mean(dy) - xhat * mean(dy * xhat))
// evaluation: mean and var are constants: dx = weight * invstd * dy.
// dweight = sum(dy * xhat), dbias = sum(dy), over (n, hw).
void batch_norm_backward(const kern::Context& ctx, const kern::BatchNormShape& s, const float* x, const float* dy,
                         const float* mean, const float* var, float eps, const float* weight, bool training,
                         float* dx, float* dweight, float* dbias);

}  // namespace upres::cpu
