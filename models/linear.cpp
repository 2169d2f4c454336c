// linear.cpp - torch.nn.Linear on the engine's batched matrix product.
#include "models/linear.h"

#include <cmath>

#include "engine/error.h"
#include "engine/nn/init.h"
#include "engine/ops.h"

namespace upres::models {

Linear::Linear(int64_t in, int64_t out, Rng& rng, bool with_bias) {
  UPRES_CHECK(in > 0 && out > 0, "Linear(", in, ", ", out, "): sizes must be positive");
  weight = register_parameter("weight", Tensor::empty({out, in}));
  init::kaiming_uniform_(weight, std::sqrt(5.0f), rng);  // U(-1/sqrt(in), 1/sqrt(in))
  if (with_bias) {
    bias = register_parameter("bias", Tensor::empty({out}));
    const float b = 1.0f / std::sqrt(static_cast<float>(in));
    init::uniform_(bias, -b, b, rng);
  }
}

Tensor Linear::forward(const Tensor& x) {
  UPRES_CHECK(x.defined() && x.dim() == 2 && x.size(1) == weight.size(1), "Linear: input ",
              x.defined() ? x.describe() : std::string("(undefined)"), ", expected [N, ", weight.size(1), "]");
  Tensor y = bmm(x, weight, false, true);  // [N, in] x [out, in]^T
  return bias.defined() ? y + bias : y;    // [out] broadcasts over the rows
}

}  // namespace upres::models
