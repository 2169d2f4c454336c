// norm.h - batch normalisation over (N, H, W) per channel, as torch's batch_norm.
//
// Training: normalise with the batch mean and biased variance, and update the
// running statistics in place with momentum, using the unbiased variance
// (running = (1 - momentum) * running + momentum * batch), as PyTorch.
// Evaluation: normalise with the running statistics.
#pragma once

#include "engine/tensor.h"

namespace upres {

// weight/bias: [C] or undefined (no affine). running_mean/var: [C] or undefined
// (then training mode is required).
Tensor batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor running_mean,
                  Tensor running_var, bool training, float momentum = 0.1f, float eps = 1e-5f);

}  // namespace upres
