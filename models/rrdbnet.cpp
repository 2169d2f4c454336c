// rrdbnet.cpp - ESRGAN's dense blocks, residual-in-residual blocks and the
// RRDBNet generator (x4 by two nearest-neighbour stages; x2, x1 via pixel_unshuffle).
#include "models/rrdbnet.h"

#include "engine/error.h"
#include "engine/ops.h"
#include "models/basicsr_blocks.h"
#include "models/registry.h"

namespace upres::models {

namespace {
constexpr float kSlope = 0.2f;     // LeakyReLU slope everywhere in RRDBNet
constexpr float kResidual = 0.2f;  // residual scaling of RDB and RRDB
}  // namespace

ResidualDenseBlock::ResidualDenseBlock(int64_t nf, int64_t gc, Rng& rng) {
  conv1 = register_module("conv1", nn::Conv2d::same(nf, gc, 3, rng));
  conv2 = register_module("conv2", nn::Conv2d::same(nf + gc, gc, 3, rng));
  conv3 = register_module("conv3", nn::Conv2d::same(nf + 2 * gc, gc, 3, rng));
  conv4 = register_module("conv4", nn::Conv2d::same(nf + 3 * gc, gc, 3, rng));
  conv5 = register_module("conv5", nn::Conv2d::same(nf + 4 * gc, nf, 3, rng));
}

Tensor ResidualDenseBlock::forward(const Tensor& x) {
  Tensor x1 = leaky_relu(conv1->forward(x), kSlope);
  Tensor x2 = leaky_relu(conv2->forward(concat({x, x1})), kSlope);
  Tensor x3 = leaky_relu(conv3->forward(concat({x, x1, x2})), kSlope);
  Tensor x4 = leaky_relu(conv4->forward(concat({x, x1, x2, x3})), kSlope);
  Tensor x5 = conv5->forward(concat({x, x1, x2, x3, x4}));
  return x5 * kResidual + x;
}

RRDB::RRDB(int64_t nf, int64_t gc, Rng& rng) {
  rdb1 = register_module("rdb1", std::make_shared<ResidualDenseBlock>(nf, gc, rng));
  rdb2 = register_module("rdb2", std::make_shared<ResidualDenseBlock>(nf, gc, rng));
  rdb3 = register_module("rdb3", std::make_shared<ResidualDenseBlock>(nf, gc, rng));
}

Tensor RRDB::forward(const Tensor& x) { return rdb3->forward(rdb2->forward(rdb1->forward(x))) * kResidual + x; }

namespace {
// How much pixel_unshuffle shrinks the input before the fixed x4 tail.
int64_t unshuffle_factor(int64_t scale) { return scale == 4 ? 1 : 4 / scale; }
}  // namespace

Rrdbnet::Rrdbnet(const RrdbnetConfig& cfg, Rng& rng) : cfg_(cfg) {
  UPRES_CHECK(cfg.scale == 1 || cfg.scale == 2 || cfg.scale == 4, "rrdbnet: scale ", cfg.scale,
              ", expected 1, 2 or 4");
  UPRES_CHECK(cfg.channels >= 1 && cfg.num_feat >= 1 && cfg.num_block >= 0 && cfg.num_grow_ch >= 1,
              "rrdbnet: channels ", cfg.channels, ", num_feat ", cfg.num_feat, ", num_block ", cfg.num_block,
              ", num_grow_ch ", cfg.num_grow_ch, " must be positive");
  const int64_t nf = cfg.num_feat, u = unshuffle_factor(cfg.scale);
  conv_first = register_module("conv_first", nn::Conv2d::same(cfg.channels * u * u, nf, 3, rng));
  body = register_module("body", std::make_shared<nn::Sequential>());
  for (int64_t i = 0; i < cfg.num_block; ++i) body->push_back(std::make_shared<RRDB>(nf, cfg.num_grow_ch, rng));
  conv_body = register_module("conv_body", nn::Conv2d::same(nf, nf, 3, rng));
  conv_up1 = register_module("conv_up1", nn::Conv2d::same(nf, nf, 3, rng));
  conv_up2 = register_module("conv_up2", nn::Conv2d::same(nf, nf, 3, rng));
  conv_hr = register_module("conv_hr", nn::Conv2d::same(nf, nf, 3, rng));
  conv_last = register_module("conv_last", nn::Conv2d::same(nf, cfg.channels, 3, rng));
}

Tensor Rrdbnet::forward(const Tensor& x) {
  UPRES_CHECK(x.defined() && x.dim() == 4 && x.size(1) == cfg_.channels, "rrdbnet: input ",
              x.defined() ? x.describe() : std::string("(undefined)"), ", expected [N, ", cfg_.channels, ", H, W]");
  const int64_t u = unshuffle_factor(cfg_.scale), h = x.size(2), w = x.size(3);
  Tensor feat = x;
  if (u > 1) {
    const int64_t ph = (u - h % u) % u, pw = (u - w % u) % u;
    if (ph || pw) feat = pad(feat, 0, pw, 0, ph, ph < h && pw < w ? PadMode::reflect : PadMode::replicate);
    feat = pixel_unshuffle(feat, u);
  }
  feat = conv_first->forward(feat);
  feat = feat + conv_body->forward(body->forward(feat));
  feat = leaky_relu(conv_up1->forward(upsample(feat, 2, UpsampleMode::nearest)), kSlope);
  feat = leaky_relu(conv_up2->forward(upsample(feat, 2, UpsampleMode::nearest)), kSlope);
  Tensor out = conv_last->forward(leaky_relu(conv_hr->forward(feat), kSlope));
  if (out.size(2) != cfg_.scale * h || out.size(3) != cfg_.scale * w)
    out = crop(out, 0, 0, cfg_.scale * h, cfg_.scale * w);
  return out;
}

Hyper Rrdbnet::hyper() const {
  return {{"scale", std::to_string(cfg_.scale)},         {"channels", std::to_string(cfg_.channels)},
          {"num_feat", std::to_string(cfg_.num_feat)},   {"num_block", std::to_string(cfg_.num_block)},
          {"num_grow_ch", std::to_string(cfg_.num_grow_ch)}};
}

ArchSpec rrdbnet_arch() {
  ArchSpec a;
  a.name = "rrdbnet";
  a.family = "post-upsampling";
  a.reference = "Wang et al., ESRGAN: Enhanced Super-Resolution Generative Adversarial Networks, ECCVW 2018 "
                "(BasicSR's RRDBNet)";
  a.summary = "ESRGAN generator: residual-in-residual dense blocks, two nearest x2 stages (x2/x1 via pixel_unshuffle)";
  a.defaults = {{"scale", "4"},      {"channels", "3"},     {"num_feat", "64"},
                {"num_block", "23"}, {"num_grow_ch", "32"}};
  a.tiny = {{"num_feat", "8"}, {"num_block", "1"}, {"num_grow_ch", "4"}};
  a.scales = {1, 2, 4};
  a.build = [](const Hyper& h, Rng& rng) -> std::shared_ptr<SRNetwork> {
    RrdbnetConfig c;
    c.scale = hyper_int(h, "rrdbnet", "scale", 1, 4);
    c.channels = hyper_int(h, "rrdbnet", "channels", 1, 4);
    c.num_feat = hyper_int(h, "rrdbnet", "num_feat", 1, 4096);
    c.num_block = hyper_int(h, "rrdbnet", "num_block", 0, 1024);
    c.num_grow_ch = hyper_int(h, "rrdbnet", "num_grow_ch", 1, 4096);
    return std::make_shared<Rrdbnet>(c, rng);
  };
  a.infer = [](const ShapeMap& s) {
    Hyper h;
    const auto* first = infer::shape(s, "conv_first.weight");
    const auto* last = infer::shape(s, "conv_last.weight");
    if (!first || !last) return h;
    const int64_t c = (*last)[0], in = (*first)[1];
    h["num_feat"] = std::to_string((*first)[0]);
    h["channels"] = std::to_string(c);
    // conv_first sees c (x4), 4c (x2, unshuffled by 2) or 16c (x1, by 4) channels.
    if (in == c) h["scale"] = "4";
    if (in == 4 * c) h["scale"] = "2";
    if (in == 16 * c) h["scale"] = "1";
    int64_t blocks = 0;
    while (infer::shape(s, "body." + std::to_string(blocks) + ".rdb1.conv1.weight")) ++blocks;
    h["num_block"] = std::to_string(blocks);
    if (const auto* g = infer::shape(s, "body.0.rdb1.conv1.weight")) h["num_grow_ch"] = std::to_string((*g)[0]);
    return h;
  };
  return a;
}

}  // namespace upres::models
