// activation.h - pointwise non-linearities and their backward, on the CPU.
// Each backward takes the saved forward input (or output, where cheaper) and
// dL/dy, and writes dL/dx.
#pragma once

#include <cstdint>

#include "kernels/context.h"

namespace upres::cpu {

// y = max(x, 0); dx = dy where x > 0, else 0 (PyTorch's convention at 0).
void relu_forward(const kern::Context& ctx, int64_t n, const float* x, float* y);
void relu_backward(const kern::Context& ctx, int64_t n, const float* x, const float* dy, float* dx);

}  // namespace upres::cpu
