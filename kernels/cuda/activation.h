// activation.h - pointwise non-linearities and their backward on the GPU backends (cuda, simt).
// Same signatures and conventions as kernels/cpu/activation.h (read it for the formulas).
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/cuda/declare.h"
#include "kernels/shapes/activation.h"

UPRES_DECLARE_GPU_KERNELS(
void relu_forward(const kern::Context& ctx, int64_t n, const float* x, float* y);
void relu_backward(const kern::Context& ctx, int64_t n, const float* x, const float* dy, float* dx);

void leaky_relu_forward(const kern::Context& ctx, int64_t n, float slope, const float* x, float* y);
void leaky_relu_backward(const kern::Context& ctx, int64_t n, float slope, const float* x,
                         const float* dy, float* dx);

// dx or dw may be null; dw is overwritten (summed in double, in a fixed order).
void prelu_forward(const kern::Context& ctx, const kern::PreluShape& s, const float* x,
                   const float* w, float* y);
void prelu_backward(const kern::Context& ctx, const kern::PreluShape& s, const float* x,
                    const float* w, const float* dy, float* dx, float* dw);

void sigmoid_forward(const kern::Context& ctx, int64_t n, const float* x, float* y);
void sigmoid_backward(const kern::Context& ctx, int64_t n, const float* y, const float* dy, float* dx);

void tanh_forward(const kern::Context& ctx, int64_t n, const float* x, float* y);
void tanh_backward(const kern::Context& ctx, int64_t n, const float* y, const float* dy, float* dx);
)
