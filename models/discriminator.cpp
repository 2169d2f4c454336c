// discriminator.cpp - the VGG-style conv/BN/LeakyReLU stack and its dense head.
#include "models/discriminator.h"

#include <string>

#include "engine/error.h"
#include "engine/ops.h"

namespace upres::models {

namespace {
// Widths (as multiples of nf) and strides of conv1 .. conv7.
constexpr int64_t kWidth[7] = {1, 2, 2, 4, 4, 8, 8};
constexpr int64_t kStride[7] = {2, 1, 2, 1, 2, 1, 2};
}  // namespace

int64_t VggStyleDiscriminator::reduced_size(int64_t side) {
  for (int64_t s : kStride)
    if (s == 2) side = (side - 1) / 2 + 1;  // 3x3, padding 1, stride 2: ceil(side / 2)
  return side;
}

VggStyleDiscriminator::VggStyleDiscriminator(const DiscriminatorConfig& cfg, Rng& rng)
    : name_("VggStyleDiscriminator"), cfg_(cfg) {
  UPRES_CHECK(cfg.in_channels >= 1 && cfg.num_feat >= 1 && cfg.dense_feat >= 1 &&
                  (cfg.global_pool || cfg.input_size >= 1),
              "VggStyleDiscriminator: in_channels ", cfg.in_channels, ", num_feat ", cfg.num_feat, ", dense_feat ",
              cfg.dense_feat, ", input_size ", cfg.input_size, " must all be positive");
  const int64_t nf = cfg.num_feat;
  conv0 = register_module("conv0", nn::Conv2d::same(cfg.in_channels, nf, 3, rng));
  int64_t prev = nf;
  for (int i = 0; i < 7; ++i) {
    const std::string k = std::to_string(i + 1);
    const int64_t out = kWidth[i] * nf;
    convs.push_back(register_module(
        "conv" + k, std::make_shared<nn::Conv2d>(prev, out, 3, rng, ConvParams::make(kStride[i], 1), false)));
    bns.push_back(register_module("bn" + k, std::make_shared<nn::BatchNorm2d>(out)));
    prev = out;
  }
  const int64_t side = cfg.global_pool ? 1 : reduced_size(cfg.input_size);
  linear1 = register_module("linear1", std::make_shared<Linear>(prev * side * side, cfg.dense_feat, rng));
  linear2 = register_module("linear2", std::make_shared<Linear>(cfg.dense_feat, 1, rng));
}

Tensor VggStyleDiscriminator::forward(const Tensor& x) {
  const bool shape_ok = x.defined() && x.dim() == 4 && x.size(1) == cfg_.in_channels &&
                        (cfg_.global_pool || (x.size(2) == cfg_.input_size && x.size(3) == cfg_.input_size));
  UPRES_CHECK(shape_ok, name_, ": input ", x.defined() ? x.describe() : std::string("(undefined)"),
              ", expected [N, ", cfg_.in_channels, ", ",
              cfg_.global_pool ? std::string("H, W]") : std::to_string(cfg_.input_size) + ", " +
                                                            std::to_string(cfg_.input_size) +
                                                            "] (or build it with global_pool for any size)");
  const float a = cfg_.negative_slope;
  Tensor h = leaky_relu(conv0->forward(x), a);
  for (size_t i = 0; i < convs.size(); ++i) h = leaky_relu(bns[i]->forward(convs[i]->forward(h)), a);
  if (cfg_.global_pool) h = adaptive_avg_pool2d(h, 1, 1);
  h = h.reshape({h.size(0), -1});  // NCHW flattens channel-major, as torch.flatten(x, 1)
  return linear2->forward(leaky_relu(linear1->forward(h), a));
}

VggDiscriminator::VggDiscriminator(const DiscriminatorConfig& cfg, Rng& rng) : VggStyleDiscriminator(cfg, rng) {
  name_ = "VggDiscriminator";
}

DiscriminatorConfig FeatureDiscriminator::defaults(int64_t feature_channels) {
  DiscriminatorConfig c;
  c.in_channels = feature_channels;
  c.global_pool = true;
  return c;
}

FeatureDiscriminator::FeatureDiscriminator(const DiscriminatorConfig& cfg, Rng& rng)
    : VggStyleDiscriminator(cfg, rng) {
  name_ = "FeatureDiscriminator";
}

}  // namespace upres::models
