// basic.h - fill and axpy on the GPU backends (cuda, simt): the kernels the engine core needs
// (Tensor::fill_, gradient accumulation). Same signatures as kernels/cpu/basic.h.
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/cuda/declare.h"

UPRES_DECLARE_GPU_KERNELS(
// y[i] = value, for i < n.
void fill(const kern::Context& ctx, int64_t n, float value, float* y);
// y[i] += alpha * x[i], for i < n.
void axpy(const kern::Context& ctx, int64_t n, float alpha, const float* x, float* y);
)
