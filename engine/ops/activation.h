// activation.h - pointwise non-linearities.
#pragma once

#include "engine/tensor.h"

namespace upres {

Tensor relu(const Tensor& x);                                  // gradient 0 at x == 0, as PyTorch
Tensor leaky_relu(const Tensor& x, float negative_slope = 0.01f);
// PReLU: y = x if x > 0 else a * x. `weight` has 1 element (shared) or C (one per
// channel of an [N, C, ...] input), as torch.nn.PReLU(num_parameters).
Tensor prelu(const Tensor& x, const Tensor& weight);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);

}  // namespace upres
