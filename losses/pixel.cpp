// pixel.cpp - pixel losses (definitions in pixel.h), composed from engine ops.
#include "losses/pixel.h"

#include <cfloat>

#include "engine/error.h"
#include "engine/ops.h"

namespace upres::losses {

namespace {
void check_same(const char* loss, const Tensor& x, const Tensor& y) {
  UPRES_CHECK(x.defined() && y.defined() && x.shape() == y.shape(), loss, ": prediction ",
              x.defined() ? to_string(x.shape()) : "(undefined)", " and target ",
              y.defined() ? to_string(y.shape()) : "(undefined)", " must have the same shape");
}
}  // namespace

Tensor l1_loss(const Tensor& x, const Tensor& y) {
  check_same("l1_loss", x, y);
  return upres::l1_loss(x, y);
}

Tensor mse_loss(const Tensor& x, const Tensor& y) {
  check_same("mse_loss", x, y);
  return upres::mse_loss(x, y);
}

// d/dd sqrt(d^2 + eps^2) = d / sqrt(d^2 + eps^2): like sign(d) far from 0, linear
// (d / eps) near it, so the loss is smooth where L1 has its kink.
Tensor charbonnier_loss(const Tensor& x, const Tensor& y, float eps) {
  check_same("charbonnier_loss", x, y);
  UPRES_CHECK(eps > 0.0f, "charbonnier_loss: eps ", eps, " must be positive");
  return mean(sqrt(square(x - y) + eps * eps));
}

// With a = |d| and c = min(a, beta): huber = 0.5 c^2 / beta + (a - c). Below beta
// this is 0.5 a^2 / beta (gradient a / beta), above it 0.5 beta + a - beta
// (gradient 1): the two branches of torch's smooth L1 without a select op.
Tensor smooth_l1_loss(const Tensor& x, const Tensor& y, float beta) {
  check_same("smooth_l1_loss", x, y);
  UPRES_CHECK(beta > 0.0f, "smooth_l1_loss: beta ", beta, " must be positive (beta 0 is plain L1)");
  Tensor a = abs(x - y);
  Tensor c = clamp(a, -FLT_MAX, beta);
  return mean(square(c) * (0.5f / beta) + (a - c));
}

}  // namespace upres::losses
