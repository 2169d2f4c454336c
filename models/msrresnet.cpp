// msrresnet.cpp - MSRResNet's forward: residual body, one or two sub-pixel
// stages, HR convolutions, plus the bilinear-enlarged input.
#include "models/msrresnet.h"

#include "engine/error.h"
#include "engine/ops.h"
#include "models/registry.h"

namespace upres::models {

namespace {
constexpr float kSlope = 0.1f;  // BasicSR's LeakyReLU slope in MSRResNet
}

Msrresnet::Msrresnet(const MsrresnetConfig& cfg, Rng& rng) : cfg_(cfg) {
  UPRES_CHECK(cfg.scale == 2 || cfg.scale == 3 || cfg.scale == 4, "msrresnet: scale ", cfg.scale,
              ", expected 2, 3 or 4");
  UPRES_CHECK(cfg.channels >= 1 && cfg.num_feat >= 1 && cfg.num_block >= 0, "msrresnet: channels ", cfg.channels,
              ", num_feat ", cfg.num_feat, ", num_block ", cfg.num_block, " must be positive");
  const int64_t nf = cfg.num_feat;
  conv_first = register_module("conv_first", nn::Conv2d::same(cfg.channels, nf, 3, rng));
  body = register_module("body", make_residual_body(cfg.num_block, nf, 1.0f, rng));
  const int64_t r = cfg.scale == 4 ? 2 : cfg.scale;  // factor of each sub-pixel stage
  upconv1 = register_module("upconv1", nn::Conv2d::same(nf, nf * r * r, 3, rng));
  if (cfg.scale == 4) upconv2 = register_module("upconv2", nn::Conv2d::same(nf, nf * 4, 3, rng));
  conv_hr = register_module("conv_hr", nn::Conv2d::same(nf, nf, 3, rng));
  conv_last = register_module("conv_last", nn::Conv2d::same(nf, cfg.channels, 3, rng));
}

Tensor Msrresnet::forward(const Tensor& x) {
  UPRES_CHECK(x.defined() && x.dim() == 4 && x.size(1) == cfg_.channels, "msrresnet: input ",
              x.defined() ? x.describe() : std::string("(undefined)"), ", expected [N, ", cfg_.channels, ", H, W]");
  Tensor h = body->forward(leaky_relu(conv_first->forward(x), kSlope));
  if (cfg_.scale == 4) {
    h = leaky_relu(pixel_shuffle(upconv1->forward(h), 2), kSlope);
    h = leaky_relu(pixel_shuffle(upconv2->forward(h), 2), kSlope);
  } else {
    h = leaky_relu(pixel_shuffle(upconv1->forward(h), cfg_.scale), kSlope);
  }
  Tensor out = conv_last->forward(leaky_relu(conv_hr->forward(h), kSlope));
  return out + upsample(x, cfg_.scale, UpsampleMode::bilinear);
}

Hyper Msrresnet::hyper() const {
  return {{"scale", std::to_string(cfg_.scale)},
          {"channels", std::to_string(cfg_.channels)},
          {"num_feat", std::to_string(cfg_.num_feat)},
          {"num_block", std::to_string(cfg_.num_block)}};
}

ArchSpec msrresnet_arch() {
  ArchSpec a;
  a.name = "msrresnet";
  a.family = "post-upsampling";
  a.reference = "Ledig et al., Photo-Realistic SISR Using a GAN (SRResNet), CVPR 2017; BasicSR's MSRResNet "
                "(no batch norm), Wang et al., ESRGAN, ECCVW 2018";
  a.summary = "SRResNet without BN: 16 residual blocks, sub-pixel upsampling, plus bilinear-enlarged input";
  a.defaults = {{"scale", "4"}, {"channels", "3"}, {"num_feat", "64"}, {"num_block", "16"}};
  a.tiny = {{"num_feat", "8"}, {"num_block", "2"}};
  a.scales = {2, 3, 4};
  a.build = [](const Hyper& h, Rng& rng) -> std::shared_ptr<SRNetwork> {
    MsrresnetConfig c;
    c.scale = hyper_int(h, "msrresnet", "scale", 2, 4);
    c.channels = hyper_int(h, "msrresnet", "channels", 1, 4);
    c.num_feat = hyper_int(h, "msrresnet", "num_feat", 1, 4096);
    c.num_block = hyper_int(h, "msrresnet", "num_block", 0, 1024);
    return std::make_shared<Msrresnet>(c, rng);
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
    if (infer::shape(s, "upconv2.weight")) {
      h["scale"] = "4";
    } else if (const auto* up = infer::shape(s, "upconv1.weight")) {
      if ((*up)[0] % nf == 0 && infer::int_sqrt((*up)[0] / nf) > 0)
        h["scale"] = std::to_string(infer::int_sqrt((*up)[0] / nf));
    }
    return h;
  };
  return a;
}

}  // namespace upres::models
