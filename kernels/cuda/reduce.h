// reduce.h - sums over dims (sum/mean, sum_to) and the fused L1/MSE losses on the GPU backends
// (cuda, simt). Same signatures and formulas as kernels/cpu/reduce.h.
//
// Like the cpu kernels, these accumulate in double and combine partial sums in an order fixed by
// the launch geometry alone, so a result never depends on scheduling (the same bits in every
// simt order and every run on a GPU). The order differs from the cpu's, so the two agree to the
// float rounding of nearly the same double: within 1 ulp (parity tests: rtol 1e-6).
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/cuda/declare.h"
#include "kernels/shapes/reduce.h"

UPRES_DECLARE_GPU_KERNELS(
void sum_reduce(const kern::Context& ctx, const kern::ReduceShape& s, float scale, const float* x,
                float* y);

// out and g are device pointers of one element.
void l1_loss_forward(const kern::Context& ctx, int64_t n, const float* a, const float* b, float scale,
                     float* out);
void mse_loss_forward(const kern::Context& ctx, int64_t n, const float* a, const float* b,
                      float scale, float* out);
void l1_loss_backward(const kern::Context& ctx, int64_t n, const float* a, const float* b,
                      const float* g, float scale, float* ga, float* gb);
void mse_loss_backward(const kern::Context& ctx, int64_t n, const float* a, const float* b,
                       const float* g, float scale, float* ga, float* gb);
)
