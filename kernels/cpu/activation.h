// activation.h - pointwise non-linearities and their backward, on the CPU.
// Each backward takes the saved forward input (or output, where cheaper) and
// dL/dy, and writes dL/dx. All are memory-bound streams: 8 bytes in and 4 out
// per element for the forward, 12 in and 4 out for the backward.
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/shapes/activation.h"

namespace upres::cpu {

// y = max(x, 0); dx = dy where x > 0, else 0 (PyTorch's convention at 0).
void relu_forward(const kern::Context& ctx, int64_t n, const float* x, float* y);
void relu_backward(const kern::Context& ctx, int64_t n, const float* x, const float* dy, float* dx);

// y = x if x > 0 else slope * x; dx = dy if x > 0 else slope * dy (PyTorch's at 0).
void leaky_relu_forward(const kern::Context& ctx, int64_t n, float slope, const float* x, float* y);
void leaky_relu_backward(const kern::Context& ctx, int64_t n, float slope, const float* x,
                         const float* dy, float* dx);

// PReLU with one slope per channel: y = x if x > 0 else w[c] * x.
//   dx = dy if x > 0 else w[c] * dy;   dw[c] = sum over n, inner of (x > 0 ? 0 : dy * x).
// dx or dw may be null. dw is overwritten (summed in double, fixed order).
void prelu_forward(const kern::Context& ctx, const kern::PreluShape& s, const float* x,
                   const float* w, float* y);
void prelu_backward(const kern::Context& ctx, const kern::PreluShape& s, const float* x,
                    const float* w, const float* dy, float* dx, float* dw);

// y = 1 / (1 + e^-x); dx = dy * y * (1 - y), from the saved output.
void sigmoid_forward(const kern::Context& ctx, int64_t n, const float* x, float* y);
void sigmoid_backward(const kern::Context& ctx, int64_t n, const float* y, const float* dy, float* dx);

// y = tanh(x); dx = dy * (1 - y^2), from the saved output.
void tanh_forward(const kern::Context& ctx, int64_t n, const float* x, float* y);
void tanh_backward(const kern::Context& ctx, int64_t n, const float* y, const float* dy, float* dx);

}  // namespace upres::cpu
