// reduce.h - sums over chosen dims, and the fused pixel losses, on the CPU.
//
// Reductions accumulate in double: a float running sum of 10^6 terms loses
// ~3 digits, a double one none that matter, and the CPU is memory-bound here
// anyway (1 flop per 4 bytes read). Work is split into pieces of fixed size and
// the partial sums combined in a fixed order, so results do not depend on the
// number of threads.
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/shapes/reduce.h"

namespace upres::cpu {

// y[o] = scale * sum of x over the reduced dims of s; y has s.out_numel elements
// (the kept dims, in order). Covers sum/mean over dims and the backward of
// broadcasting (sum_to).
void sum_reduce(const kern::Context& ctx, const kern::ReduceShape& s, float scale, const float* x,
                float* y);

// out[0] = scale * sum_i |a_i - b_i|   and   scale * sum_i (a_i - b_i)^2.
void l1_loss_forward(const kern::Context& ctx, int64_t n, const float* a, const float* b, float scale,
                     float* out);
void mse_loss_forward(const kern::Context& ctx, int64_t n, const float* a, const float* b,
                      float scale, float* out);
// With c = scale * g[0] (g: the loss gradient, one element):
//   l1:  ga = c * sign(a - b) (0 where a == b),  gb = -ga
//   mse: ga = 2c (a - b),                        gb = -ga
// ga or gb may be null (that input needs no gradient).
void l1_loss_backward(const kern::Context& ctx, int64_t n, const float* a, const float* b,
                      const float* g, float scale, float* ga, float* gb);
void mse_loss_backward(const kern::Context& ctx, int64_t n, const float* a, const float* b,
                       const float* g, float scale, float* ga, float* gb);

}  // namespace upres::cpu
