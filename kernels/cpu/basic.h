// basic.h - the few kernels the engine core itself needs: fill and axpy.
#pragma once

#include <cstdint>

#include "kernels/context.h"

namespace upres::cpu {

// y[i] = value, for i < n.
void fill(const kern::Context& ctx, int64_t n, float value, float* y);
// y[i] += alpha * x[i], for i < n (BLAS axpy). Gradient accumulation uses it.
void axpy(const kern::Context& ctx, int64_t n, float alpha, const float* x, float* y);

}  // namespace upres::cpu
