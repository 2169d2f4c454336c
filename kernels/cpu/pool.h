// pool.h - average, max and adaptive average pooling (NCHW), on the CPU.
//
// Window of output (oy, ox): rows oy*stride - padding .. + kernel - 1, the same
// for columns; positions outside the image are padding.
//   avg:      sum of the in-image values / (kernel*kernel) (padding counts as 0,
//             PyTorch's count_include_pad=True).
//   max:      the largest in-image value (padding is -inf); the gradient goes to
//             the first position holding it in row-major order (PyTorch's tie rule).
//   adaptive: output cell i covers rows floor(i*H/oh) .. ceil((i+1)*H/oh) - 1 and
//             averages them (only planes and the four sizes of PoolShape are used).
// Backward kernels overwrite dx.
#pragma once

#include "kernels/context.h"
#include "kernels/shapes/pool.h"

namespace upres::cpu {

void avg_pool2d_forward(const kern::Context& ctx, const kern::PoolShape& s, const float* x, float* y);
void avg_pool2d_backward(const kern::Context& ctx, const kern::PoolShape& s, const float* dy, float* dx);

// The backward takes the forward input and finds each window's argmax again,
// rather than saving indices: no integer tensor is needed, and the search is
// deterministic, so it picks the same position the forward did.
void max_pool2d_forward(const kern::Context& ctx, const kern::PoolShape& s, const float* x, float* y);
void max_pool2d_backward(const kern::Context& ctx, const kern::PoolShape& s, const float* x, const float* dy,
                         float* dx);

void adaptive_avg_pool2d_forward(const kern::Context& ctx, const kern::PoolShape& s, const float* x, float* y);
void adaptive_avg_pool2d_backward(const kern::Context& ctx, const kern::PoolShape& s, const float* dy, float* dx);

}  // namespace upres::cpu
