// pixel.h - losses that compare the SR image with the HR image pixel by pixel.
//
//   L1            mean |x - y|                      engine op l1_loss (engine/ops/reduce.h)
//   MSE (L2)      mean (x - y)^2                    engine op mse_loss
//   Charbonnier   mean sqrt((x - y)^2 + eps^2)      a smooth L1 (LapSRN, eps = 1e-3)
//   smooth L1     mean huber_beta(x - y)            torch.nn.SmoothL1Loss (beta = 1)
//                 huber(d) = 0.5 d^2 / beta  if |d| < beta,  |d| - 0.5 beta  otherwise
// All use mean reduction over every element. Charbonnier and smooth L1 are built
// from engine ops (sub, square, sqrt, abs, clamp, mean): autograd derives their
// backward from the ops' own, so they run and differentiate on every device the
// ops support, with no kernel of their own. The gradient goes to both inputs
// (the target usually does not require it).
#pragma once

#include "engine/tensor.h"

namespace upres::losses {

Tensor l1_loss(const Tensor& x, const Tensor& y);
Tensor mse_loss(const Tensor& x, const Tensor& y);
Tensor charbonnier_loss(const Tensor& x, const Tensor& y, float eps = 1e-3f);
Tensor smooth_l1_loss(const Tensor& x, const Tensor& y, float beta = 1.0f);

}  // namespace upres::losses
