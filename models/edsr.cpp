// edsr.cpp - EDSR's forward (mean shift, residual body, sub-pixel upsampler) and
// its two registry entries, edsr and edsr-baseline.
#include "models/edsr.h"

#include <sstream>

#include "engine/error.h"
#include "engine/ops.h"
#include "models/registry.h"

namespace upres::models {

Edsr::Edsr(const EdsrConfig& cfg, Rng& rng) : cfg_(cfg) {
  UPRES_CHECK(cfg.channels == 1 || cfg.channels == 3, cfg.arch, ": channels ", cfg.channels, ", expected 1 or 3");
  UPRES_CHECK(cfg.num_feat >= 1 && cfg.num_block >= 0, cfg.arch, ": num_feat ", cfg.num_feat, ", num_block ",
              cfg.num_block, " must be positive");
  conv_first = register_module("conv_first", nn::Conv2d::same(cfg.channels, cfg.num_feat, 3, rng));
  body = register_module("body", make_residual_body(cfg.num_block, cfg.num_feat, cfg.res_scale, rng));
  conv_after_body = register_module("conv_after_body", nn::Conv2d::same(cfg.num_feat, cfg.num_feat, 3, rng));
  upsample = register_module("upsample", make_upsample(cfg.scale, cfg.num_feat, rng));
  conv_last = register_module("conv_last", nn::Conv2d::same(cfg.num_feat, cfg.channels, 3, rng));
  const float rgb_mean[3] = {0.4488f, 0.4371f, 0.4040f};
  if (cfg.channels == 3)
    mean_ = Tensor::from_vector({1, 3, 1, 1}, {rgb_mean[0], rgb_mean[1], rgb_mean[2]});
  else
    mean_ = Tensor::from_vector({1, 1, 1, 1}, {(rgb_mean[0] + rgb_mean[1] + rgb_mean[2]) / 3.0f});
}

Tensor Edsr::forward(const Tensor& x) {
  UPRES_CHECK(x.defined() && x.dim() == 4 && x.size(1) == cfg_.channels, cfg_.arch, ": input ",
              x.defined() ? x.describe() : std::string("(undefined)"), ", expected [N, ", cfg_.channels, ", H, W]");
  Tensor mean = mean_.device() == x.device() ? mean_ : mean_.to(x.device());
  Tensor h = conv_first->forward((x - mean) * cfg_.img_range);
  Tensor res = conv_after_body->forward(body->forward(h)) + h;
  Tensor out = conv_last->forward(upsample->forward(res));
  return out / cfg_.img_range + mean;
}

Hyper Edsr::hyper() const {
  auto real = [](float v) {
    std::ostringstream s;
    s << v;
    return s.str();
  };
  return {{"scale", std::to_string(cfg_.scale)},       {"channels", std::to_string(cfg_.channels)},
          {"num_feat", std::to_string(cfg_.num_feat)}, {"num_block", std::to_string(cfg_.num_block)},
          {"res_scale", real(cfg_.res_scale)},         {"img_range", real(cfg_.img_range)}};
}

namespace {

ArchSpec edsr_spec(const std::string& name, int64_t num_feat, int64_t num_block, const char* res_scale) {
  ArchSpec a;
  a.name = name;
  a.family = "post-upsampling";
  a.reference = "Lim et al., Enhanced Deep Residual Networks for Single Image Super-Resolution, CVPRW 2017 "
                "(BasicSR's EDSR)";
  a.summary = name == "edsr" ? "EDSR: 32 residual blocks without BN, 256 features, res_scale 0.1, sub-pixel upsampler"
                             : "EDSR baseline: 16 residual blocks without BN, 64 features, sub-pixel upsampler";
  a.defaults = {{"scale", "2"},
                {"channels", "3"},
                {"num_feat", std::to_string(num_feat)},
                {"num_block", std::to_string(num_block)},
                {"res_scale", res_scale},
                {"img_range", "255"}};
  a.tiny = {{"num_feat", "8"}, {"num_block", "2"}};
  a.scales = {2, 3, 4};
  a.build = [name](const Hyper& h, Rng& rng) -> std::shared_ptr<SRNetwork> {
    EdsrConfig c;
    c.arch = name;
    c.scale = hyper_int(h, name, "scale", 2, 4);
    c.channels = hyper_int(h, name, "channels", 1, 3);
    c.num_feat = hyper_int(h, name, "num_feat", 1, 4096);
    c.num_block = hyper_int(h, name, "num_block", 0, 1024);
    c.res_scale = static_cast<float>(hyper_double(h, name, "res_scale", 0.0, 10.0));
    c.img_range = static_cast<float>(hyper_double(h, name, "img_range", 1e-6, 1e6));
    return std::make_shared<Edsr>(c, rng);
  };
  a.infer = [](const ShapeMap& s) {
    Hyper h;
    const auto* first = infer::shape(s, "conv_first.weight");
    if (!first) return h;
    const int64_t nf = (*first)[0];
    h["num_feat"] = std::to_string(nf);
    h["channels"] = std::to_string((*first)[1]);
    int64_t blocks = 0;
    while (infer::shape(s, "body." + std::to_string(blocks) + ".conv1.weight")) ++blocks;
    h["num_block"] = std::to_string(blocks);
    // upsample.0 has 4 nf outputs per factor 2 (one conv per factor), or 9 nf for x3.
    if (const auto* up = infer::shape(s, "upsample.0.weight")) {
      if ((*up)[0] == 9 * nf) {
        h["scale"] = "3";
      } else if ((*up)[0] == 4 * nf) {
        int64_t scale = 1;
        for (int64_t i = 0; infer::shape(s, "upsample." + std::to_string(i) + ".weight"); i += 2) scale *= 2;
        h["scale"] = std::to_string(scale);
      }
    }
    return h;
  };
  return a;
}

}  // namespace

ArchSpec edsr_arch() { return edsr_spec("edsr", 256, 32, "0.1"); }
ArchSpec edsr_baseline_arch() { return edsr_spec("edsr-baseline", 64, 16, "1"); }

}  // namespace upres::models
