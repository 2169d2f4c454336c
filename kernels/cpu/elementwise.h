// elementwise.h - pointwise arithmetic on the CPU: binary ops with broadcasting,
// tensor-scalar ops, and unary maths, with their backward kernels.
//
// All of these are memory-bound: one flop per 8-12 bytes moved, so a core
// streams them at its memory bandwidth (~10 GB/s, ~1 Gelem/s). What matters is
// touching each byte once and keeping the inner loop contiguous; the broadcast
// description (kernels/shapes/elementwise.h) makes the common cases a single
// contiguous loop with a stride of 0 or 1 per operand.
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/shapes/elementwise.h"

namespace upres::cpu {

// y = a op b over the broadcast shape s; y is contiguous with s.numel elements.
void binary_forward(const kern::Context& ctx, kern::BinaryOp op, const kern::BroadcastShape& s,
                    const float* a, const float* b, float* y);
// The gradient of one operand (0 = a, 1 = b) before summing over broadcast dims:
// out[i] = g[i] * d(a op b)/d(operand) at output position i; out and g are
// contiguous over s. (add/sub need no kernel: their local derivative is +-1.)
//   mul: operand 0 -> g*b, operand 1 -> g*a;  div: operand 0 -> g/b, operand 1 -> -g*a/b^2
void binary_backward(const kern::Context& ctx, kern::BinaryOp op, int operand,
                     const kern::BroadcastShape& s, const float* g, const float* a, const float* b,
                     float* out);
// y[i] = a[broadcast position of i]: stretch a to the output of s (b's strides are ignored).
void broadcast_copy(const kern::Context& ctx, const kern::BroadcastShape& s, const float* a, float* y);

// y = x op s for n elements (rsub: s - x).
void scalar_forward(const kern::Context& ctx, kern::ScalarOp op, int64_t n, const float* x, float s,
                    float* y);

// y = f(x) and dx = dy * f'(x) for the unary maths. The backward gets both the
// input x and the output y, and uses whichever is cheaper (exp: dy*y; sqrt: dy/(2y)).
void unary_forward(const kern::Context& ctx, const kern::UnaryParams& p, int64_t n, const float* x,
                   float* y);
void unary_backward(const kern::Context& ctx, const kern::UnaryParams& p, int64_t n, const float* x,
                    const float* y, const float* dy, float* dx);

}  // namespace upres::cpu
