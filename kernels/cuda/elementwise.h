// elementwise.h - pointwise arithmetic on the GPU backends (cuda, simt): broadcast binary ops
// and their local gradients, broadcast copies, tensor-scalar ops, unary maths and backward.
// Same signatures and formulas as kernels/cpu/elementwise.h (read it for the conventions).
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/cuda/declare.h"
#include "kernels/shapes/elementwise.h"

UPRES_DECLARE_GPU_KERNELS(
void binary_forward(const kern::Context& ctx, kern::BinaryOp op, const kern::BroadcastShape& s,
                    const float* a, const float* b, float* y);
void binary_backward(const kern::Context& ctx, kern::BinaryOp op, int operand,
                     const kern::BroadcastShape& s, const float* g, const float* a, const float* b,
                     float* out);
void broadcast_copy(const kern::Context& ctx, const kern::BroadcastShape& s, const float* a, float* y);

void scalar_forward(const kern::Context& ctx, kern::ScalarOp op, int64_t n, const float* x, float s,
                    float* y);

void unary_forward(const kern::Context& ctx, const kern::UnaryParams& p, int64_t n, const float* x,
                   float* y);
void unary_backward(const kern::Context& ctx, const kern::UnaryParams& p, int64_t n, const float* x,
                    const float* y, const float* dy, float* dx);
)
