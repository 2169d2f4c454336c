// ssim.h - SSIM as a differentiable op: the SSIM loss of SR training (1 - ssim(x, y)).
#pragma once

#include "engine/tensor.h"

namespace upres {

// Mean SSIM of x and the target y, both [N, C, H, W] with H, W >= 11, -> a scalar []: Wang et
// al.'s index (11 x 11 Gaussian window, sigma 1.5, K1 = 0.01, K2 = 0.03, 'valid' filtering) per
// (n, c) plane, the mean of its map, averaged over the N x C planes. data_range is L (1 for
// images in [0, 1]). Differentiable with respect to x only: y is the target, and a y that
// requires grad (with grad mode on) is an error.
// The kernels work in float64 (kernels/cpu/ssim.h): var = E[x^2] - mu^2 cancels badly in
// float32 (for x in [0, 1], a local variance of 1e-4 next to E[x^2] ~ 0.25 keeps only ~3
// digits), and the gradient inherits the cancellation. The result is rounded to float32.
Tensor ssim(const Tensor& x, const Tensor& y, double data_range = 1.0);

}  // namespace upres
