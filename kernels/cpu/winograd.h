// winograd.h - Winograd's minimal filtering (Lavin & Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016) for stride-1 convolutions on the CPU.
//
// F(m x m, r x r) computes an m x m block of outputs of an r x r filter from an
// a x a block of input, a = m + r - 1, with a^2 multiplications per channel pair
// instead of m^2 r^2:
//
//   Y = A^T [ (G g G^T) . (B^T d B) ] A        (. is the elementwise product)
//
// Over channels the elementwise products become a^2 independent matrix products,
// U[xi] (Cout x Cin) times V[xi] (Cin x tiles): that is where the time goes, and
// it is a^2 / (m^2 r^2) of the direct method's multiply-adds.
//   3x3 filters: F(4x4, 3x3), a = 6: 36 / 144 = 4x fewer
//   5x5 filters: F(2x2, 5x5), a = 6: 36 / 100 = 2.8x fewer
// The transforms (B^T d B per input channel and tile, A^T M A per output channel
// and tile) are O(a^3) each and are amortised over Cout and Cin respectively,
// which is why the kernel is used only from 16 channels on (winograd_applies).
//
// Numerics: the transforms use the points 0, +-1, +-2 (and infinity); their
// entries (1/4, 1/6, 1/24, 5, 8, ...) cost a few float roundings. Measured with
// unit-scale data and 1/sqrt(fan-in) weights, 16 to 256 input channels: the
// largest error is 1.5e-6 to 4e-6 of the output's scale, against 3e-7 to 9e-7
// for im2col + GEMM (both against the reference loop, conv_reference.cpp).
// The matrices come from kernels/cpu/make_winograd.py (Cook-Toom construction,
// checked there against a direct correlation).
#pragma once

#include "kernels/context.h"
#include "kernels/shapes/conv.h"

namespace upres::cpu {

// True for the shapes the Winograd kernels take: 3x3 or 5x5 (square), stride 1,
// dilation 1, one group, padding < filter size, and at least 16 input and 16
// output channels (below that the transforms cost more than they save).
bool winograd_applies(const kern::ConvShape& s);
// The same test without the channel threshold: what the kernels can compute.
bool winograd_supports(const kern::ConvShape& s);

// y = conv(x, w) + bias for a shape with winograd_supports(s); bias may be null.
void conv2d_forward_winograd(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                             const float* w, const float* bias, float* y);

// dx = conv^T(dy, w) for a shape with winograd_supports(s): a stride-1
// transposed convolution is the forward convolution of dy with the filter
// flipped in space and transposed in channels, padded by r - 1 - pad.
void conv2d_backward_data_winograd(const kern::Context& ctx, const kern::ConvShape& s, const float* dy,
                                   const float* w, float* dx);

// dw = the filter gradient, for a shape with winograd_supports(s) (overwritten):
// the forward's transforms run backwards, dL/dU = sum of (A dY A^T) . V over
// tiles, then dw = G^T (dL/dU) G.
void conv2d_backward_weight_winograd(const kern::Context& ctx, const kern::ConvShape& s, const float* x,
                                     const float* dy, float* dw);

}  // namespace upres::cpu
