// srvgg.cpp - SRVGGNetCompact: a plain conv/activation stack at LR, one pixel
// shuffle, plus the nearest-enlarged input.
#include "models/srvgg.h"

#include "engine/error.h"
#include "engine/ops.h"
#include "models/basicsr_blocks.h"
#include "models/registry.h"

namespace upres::models {

namespace {
std::shared_ptr<Module> activation(const std::string& type, int64_t num_feat) {
  if (type == "prelu") return std::make_shared<nn::PReLU>(num_feat);
  if (type == "relu") return nn::ReLU();
  if (type == "lrelu") return nn::LeakyReLU(0.1f);
  UPRES_FAIL("srvgg: act_type '", type, "', expected prelu, relu or lrelu");
}
}  // namespace

Srvgg::Srvgg(const SrvggConfig& cfg, Rng& rng) : cfg_(cfg) {
  UPRES_CHECK(cfg.channels >= 1 && cfg.num_feat >= 1 && cfg.num_conv >= 0 && cfg.scale >= 1, "srvgg: channels ",
              cfg.channels, ", num_feat ", cfg.num_feat, ", num_conv ", cfg.num_conv, ", scale ", cfg.scale,
              " must be positive");
  const int64_t nf = cfg.num_feat;
  body = register_module("body", std::make_shared<nn::Sequential>());
  body->push_back(nn::Conv2d::same(cfg.channels, nf, 3, rng));
  body->push_back(activation(cfg.act_type, nf));
  for (int64_t i = 0; i < cfg.num_conv; ++i) {
    body->push_back(nn::Conv2d::same(nf, nf, 3, rng));
    body->push_back(activation(cfg.act_type, nf));
  }
  body->push_back(nn::Conv2d::same(nf, cfg.channels * cfg.scale * cfg.scale, 3, rng));
}

Tensor Srvgg::forward(const Tensor& x) {
  UPRES_CHECK(x.defined() && x.dim() == 4 && x.size(1) == cfg_.channels, "srvgg: input ",
              x.defined() ? x.describe() : std::string("(undefined)"), ", expected [N, ", cfg_.channels, ", H, W]");
  Tensor out = pixel_shuffle(body->forward(x), cfg_.scale);
  return out + upsample(x, cfg_.scale, UpsampleMode::nearest);
}

Hyper Srvgg::hyper() const {
  return {{"scale", std::to_string(cfg_.scale)},       {"channels", std::to_string(cfg_.channels)},
          {"num_feat", std::to_string(cfg_.num_feat)}, {"num_conv", std::to_string(cfg_.num_conv)},
          {"act_type", cfg_.act_type}};
}

ArchSpec srvgg_arch() {
  ArchSpec a;
  a.name = "srvgg";
  a.family = "post-upsampling";
  a.reference = "Wang et al., Real-ESRGAN: Training Real-World Blind Super-Resolution with Pure Synthetic Data, "
                "ICCVW 2021 (SRVGGNetCompact)";
  a.summary = "compact VGG-style net: 3x3 conv + PReLU stack at LR, one pixel shuffle, plus nearest-enlarged input";
  a.defaults = {{"scale", "4"}, {"channels", "3"}, {"num_feat", "64"}, {"num_conv", "16"}, {"act_type", "prelu"}};
  a.tiny = {{"num_feat", "8"}, {"num_conv", "2"}};
  a.scales = {2, 3, 4};
  a.build = [](const Hyper& h, Rng& rng) -> std::shared_ptr<SRNetwork> {
    SrvggConfig c;
    c.scale = hyper_int(h, "srvgg", "scale", 1, 4);
    c.channels = hyper_int(h, "srvgg", "channels", 1, 4);
    c.num_feat = hyper_int(h, "srvgg", "num_feat", 1, 4096);
    c.num_conv = hyper_int(h, "srvgg", "num_conv", 0, 1024);
    c.act_type = h.at("act_type");
    return std::make_shared<Srvgg>(c, rng);
  };
  a.infer = [](const ShapeMap& s) {
    Hyper h;
    const auto* first = infer::shape(s, "body.0.weight");
    if (!first) return h;
    h["num_feat"] = std::to_string((*first)[0]);
    h["channels"] = std::to_string((*first)[1]);
    // The last conv is the highest body index with a 4-d weight: 2 num_conv + 2.
    int64_t last = 0;
    for (int64_t i : infer::indices(s, "body."))
      if (infer::shape(s, "body." + std::to_string(i) + ".weight")) last = std::max(last, i);
    if (last >= 2 && last % 2 == 0) h["num_conv"] = std::to_string((last - 2) / 2);
    h["act_type"] = infer::shape(s, "body.1.weight", 1) ? "prelu" : "relu";
    if (const auto* w = infer::shape(s, "body." + std::to_string(last) + ".weight")) {
      const int64_t c = (*first)[1];
      if ((*w)[0] % c == 0 && infer::int_sqrt((*w)[0] / c) > 0) h["scale"] = std::to_string(infer::int_sqrt((*w)[0] / c));
    }
    return h;
  };
  return a;
}

}  // namespace upres::models
