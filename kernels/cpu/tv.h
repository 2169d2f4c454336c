// tv.h - fused total variation (forward and backward) of an NCHW float32 tensor, on the CPU.
//
// With d_v(i, j) = x(i+1, j) - x(i, j) (Nv = planes (H-1) W of them) and
// d_h(i, j) = x(i, j+1) - x(i, j) (Nh = planes H (W-1)):
//   TV_p = sum |d_v|^p / Nv + sum |d_h|^p / Nh,   p = 1 or 2 (kernels/shapes/tv.h).
// Its gradient at a pixel comes from the (up to four) differences it takes part in:
//   dTV/dx(i,j) = [f'(d_v(i-1,j)) - f'(d_v(i,j))] / Nv + [f'(d_h(i,j-1)) - f'(d_h(i,j))] / Nh
// with f'(d) = 2 d for p = 2 and sign(d) for p = 1, where sign(0) = 0: at d = 0, |d| has no
// derivative and 0 (PyTorch's choice for abs) is the subgradient used.
#pragma once

#include <cstdint>

#include "kernels/context.h"
#include "kernels/shapes/tv.h"

namespace upres::cpu {

// out[0] = TV_p(x) as a float. Sums are float64: partial sums over fixed chunks of the
// planes' rows (at most kTvMaxPartials, written to `work`, kTvWorkspaceDoubles doubles), then
// added in chunk order, so the result does not depend on the number of threads.
// Napkin math: 4 B read per pixel, ~6 flops: memory bound (~20 GB/s per core).
void tv_forward(const kern::Context& ctx, const kern::TvShape& s, const float* x, double* work, float* out);

// dx = gy[0] * dTV/dx (written, not accumulated); gy is one float in the device's memory.
// Reads 4 B (x, with its neighbours from cache) and writes 4 B per pixel: memory bound.
void tv_backward(const kern::Context& ctx, const kern::TvShape& s, const float* gy, const float* x, float* dx);

}  // namespace upres::cpu
