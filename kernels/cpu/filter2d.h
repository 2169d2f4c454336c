// filter2d.h - a dense 2-D filter over pre-padded planes (blur degradations).
//
// xpad: [planes, H + KH - 1, W + KW - 1]; k: [KH, KW]; y: [planes, H, W] (overwritten).
// Napkin math: 2 * KH * KW FLOPs per output sample; a sigma = 2 Gaussian blur
// (13 x 13 taps) of a 512 x 512 RGB image is 2 * 169 * 786k = 266 MFLOP, about
// 0.1 s on one core at the ~3 GFLOP/s this row-vectorised loop reaches.
// Separable filters would be cheaper, but anisotropic (rotated) Gaussians are not
// separable, and degradations run once per image, not per training step.
#pragma once

#include "kernels/context.h"
#include "kernels/shapes/filter2d.h"

namespace upres::cpu {

void filter2d_forward(const kern::Context& ctx, const kern::Filter2dShape& s, const float* xpad, const float* k,
                      float* y);

}  // namespace upres::cpu
