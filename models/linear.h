// linear.h - the fully connected layer, as torch.nn.Linear: y = x W^T + b.
//
// x [N, in] -> y [N, out]; weight [out, in], bias [out], PyTorch's names,
// layouts and default initialisation (W, b ~ U(-1/sqrt(in), 1/sqrt(in))).
// One GEMM of N x in by in x out: 2*N*in*out FLOPs. The discriminators'
// dense heads are its only users so far, which is why it lives in models/.
#pragma once

#include "engine/module.h"
#include "engine/rng.h"

namespace upres::models {

class Linear : public Module {
 public:
  Linear(int64_t in, int64_t out, Rng& rng, bool bias = true);
  Tensor forward(const Tensor& x) override;
  Tensor weight, bias;  // bias undefined without one
};

}  // namespace upres::models
