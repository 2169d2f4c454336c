// norm.cpp - batch normalisation (Ioffe & Szegedy 2015) with PyTorch's semantics.
//
// y = weight * (x - mean) / sqrt(var + eps) + bias, per channel. In training the
// statistics come from the batch (so they depend on x, and the backward has
// the two extra terms of the chain rule through mean and var) and the running
// statistics are updated in place; in evaluation the running statistics are
// constants. The running buffers are not differentiated (as in PyTorch).
#include "engine/ops/norm.h"

#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "kernels/cpu/norm.h"
#include "kernels/cuda/norm.h"

namespace upres {

namespace {

void check_channel_vector(const char* what, const Tensor& t, const Tensor& x) {
  if (!t.defined()) return;
  UPRES_CHECK(t.shape() == Shape{x.size(1)}, "batch_norm: ", what, " has shape ", to_string(t.shape()),
              ", expected [", x.size(1), "] (one value per channel of input ", to_string(x.shape()), ")");
}

const float* data_or_null(const Tensor& t) { return t.defined() ? t.data() : nullptr; }

}  // namespace

Tensor batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor running_mean,
                  Tensor running_var, bool training, float momentum, float eps) {
  UPRES_CHECK(x.defined(), "batch_norm: the input is undefined");
  UPRES_CHECK(x.dim() >= 2, "batch_norm: input has shape ", to_string(x.shape()),
              ", expected at least 2 dimensions (N, C, ...)");
  check_channel_vector("weight", weight, x);
  check_channel_vector("bias", bias, x);
  check_channel_vector("running_mean", running_mean, x);
  check_channel_vector("running_var", running_var, x);
  UPRES_CHECK(running_mean.defined() == running_var.defined(),
              "batch_norm: running_mean and running_var must be both given or both undefined");
  UPRES_CHECK(training || running_mean.defined(),
              "batch_norm: evaluation mode needs running_mean and running_var");
  UPRES_CHECK(eps >= 0.0f, "batch_norm: eps must be >= 0, got ", eps);
  Device dev = common_device("batch_norm", {&x, weight.defined() ? &weight : nullptr,
                                            bias.defined() ? &bias : nullptr,
                                            running_mean.defined() ? &running_mean : nullptr,
                                            running_var.defined() ? &running_var : nullptr});

  kern::BatchNormShape s{x.size(0), x.size(1), 1};
  for (int64_t d = 2; d < x.dim(); ++d) s.hw *= x.size(d);
  const int64_t count = s.n * s.hw;

  // The statistics used to normalise, kept for the backward.
  Tensor mean = Tensor::empty({s.c}, dev), var = Tensor::empty({s.c}, dev);
  if (training) {
    UPRES_CHECK(count > 1, "batch_norm: training needs more than one value per channel, input ",
                to_string(x.shape()), " has ", count);
    UPRES_DISPATCH_ALL(dev, batch_norm_stats, s, x.data(), mean.data(), var.data());
    if (running_mean.defined()) {
      UPRES_DISPATCH_ALL(dev, batch_norm_update_running, s, mean.data(), var.data(), momentum, running_mean.data(),
                     running_var.data());
      ++running_mean.impl()->version;
      ++running_var.impl()->version;
    }
  } else {
    mean.copy_(running_mean);  // a snapshot: later updates must not change this backward
    var.copy_(running_var);
  }

  Tensor y = Tensor::empty(x.shape(), dev);
  UPRES_DISPATCH_ALL(dev, batch_norm_forward, s, x.data(), mean.data(), var.data(), eps, data_or_null(weight),
                 data_or_null(bias), y.data());

  const bool need_x = x.requires_grad();
  const bool need_w = weight.defined() && weight.requires_grad();
  const bool need_b = bias.defined() && bias.requires_grad();
  Tensor xs = x.detach(), ws = weight.defined() ? weight.detach() : Tensor();
  return record(y, "batch_norm", {x, weight, bias},
                [=](const Tensor& gy) {
                  Tensor gx, gw, gb;
                  if (need_x) gx = Tensor::empty(xs.shape(), dev);
                  if (need_w) gw = Tensor::empty({s.c}, dev);
                  if (need_b) gb = Tensor::empty({s.c}, dev);
                  UPRES_DISPATCH_ALL(dev, batch_norm_backward, s, xs.data(), gy.data(), mean.data(), var.data(),
                                 eps, data_or_null(ws), training, need_x ? gx.data() : nullptr,
                                 need_w ? gw.data() : nullptr, need_b ? gb.data() : nullptr);
                  return std::vector<Tensor>{gx, gw, gb};
                });
}

}  // namespace upres
