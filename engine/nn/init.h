// init.h - parameter initialisation, with PyTorch's default formulas and upres's
// own seeded Rng (so the same seed gives the same weights on every machine; the
// numbers differ from PyTorch's, the distributions do not).
#pragma once

#include "engine/rng.h"
#include "engine/tensor.h"

namespace upres::init {

// fan_in of a weight as torch.nn.init computes it: size(1) * prod(size(2:)).
// For conv [Cout, Cin/g, kh, kw] that is Cin/g*kh*kw; for transposed conv
// [Cin, Cout/g, kh, kw] it is Cout/g*kh*kw, as PyTorch (it reads dim 1).
int64_t fan_in(const Shape& weight_shape);
int64_t fan_out(const Shape& weight_shape);

// U(-b, b) with b = gain * sqrt(3 / fan_in), gain = sqrt(2 / (1 + a^2)):
// torch.nn.init.kaiming_uniform_(w, a). PyTorch's Conv2d default uses a = sqrt(5),
// which gives b = 1 / sqrt(fan_in).
void kaiming_uniform_(Tensor& w, float a, Rng& rng);
// N(0, std^2) with std = gain / sqrt(fan) (mode fan_in or fan_out), gain = sqrt(2 / (1 + a^2)).
void kaiming_normal_(Tensor& w, float a, bool fan_out_mode, Rng& rng);
void uniform_(Tensor& t, float lo, float hi, Rng& rng);
void normal_(Tensor& t, float mean, float std, Rng& rng);

}  // namespace upres::init
