// lapsrn.cpp - x2 pyramid levels: features deepen and double, images double
// and receive the predicted residual.
#include "models/lapsrn.h"

#include "engine/error.h"
#include "engine/nn/init.h"
#include "engine/ops.h"

namespace upres::models {

namespace {

constexpr float kSlope = 0.2f;

std::shared_ptr<nn::Conv2d> he_conv(int64_t in, int64_t out, Rng& rng) {
  auto c = std::make_shared<nn::Conv2d>(in, out, 3, rng, ConvParams::same(3), /*bias=*/false);
  init::kaiming_normal_(c->weight, 0.0f, /*fan_out_mode=*/true, rng);  // N(0, 2 / (9 * out))
  return c;
}

// A 4x4 stride-2 deconv [ch, ch, 4, 4] that starts as bilinear x2 upsampling of
// each channel: the separable kernel (1 - |i - 1.5| / 2) = (0.25, 0.75, 0.75, 0.25)
// on the diagonal (input channel i -> output channel i), 0 elsewhere.
std::shared_ptr<nn::ConvTranspose2d> bilinear_deconv(int64_t ch, Rng& rng) {
  auto d = std::make_shared<nn::ConvTranspose2d>(ch, ch, 4, rng, ConvParams::make(2, 1), /*bias=*/false);
  const float tap[4] = {0.25f, 0.75f, 0.75f, 0.25f};
  std::vector<float> w(static_cast<size_t>(ch * ch * 16), 0.0f);
  for (int64_t c = 0; c < ch; ++c)
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) w[static_cast<size_t>(((c * ch + c) * 4 + i) * 4 + j)] = tap[i] * tap[j];
  d->weight.copy_(Tensor::from_vector(d->weight.shape(), w));
  return d;
}

// convt_F<k>: a module holding one Sequential named cov_block (the port's names).
class FeatureBranch : public Module {
 public:
  FeatureBranch(int64_t f, int64_t depth, Rng& rng) {
    block = register_module("cov_block", std::make_shared<nn::Sequential>());
    for (int64_t i = 0; i < depth; ++i) {
      block->push_back(he_conv(f, f, rng));
      block->push_back(nn::LeakyReLU(kSlope));
    }
    block->push_back(bilinear_deconv(f, rng));
    block->push_back(nn::LeakyReLU(kSlope));
  }
  Tensor forward(const Tensor& x) override { return block->forward(x); }
  std::shared_ptr<nn::Sequential> block;
};

}  // namespace

Lapsrn::Lapsrn(const Hyper& h, Rng& rng) : h_(h) {
  scale_ = hyper_int(h, "lapsrn", "scale", 2, 8);
  UPRES_CHECK(scale_ == 2 || scale_ == 4 || scale_ == 8, "lapsrn: scale ", scale_, ", expected 2, 4 or 8");
  channels_ = hyper_int(h, "lapsrn", "channels", 1, 4);
  const int64_t f = hyper_int(h, "lapsrn", "num_feat", 1, 4096);
  const int64_t depth = hyper_int(h, "lapsrn", "depth", 0, 1000);
  conv_input = register_module("conv_input", he_conv(channels_, f, rng));
  for (int64_t s = 2, k = 1; s <= scale_; s *= 2, ++k) {
    const std::string n = std::to_string(k);
    Level lv;
    lv.features = register_module("convt_F" + n, std::make_shared<FeatureBranch>(f, depth, rng));
    lv.image_up = register_module("convt_I" + n, bilinear_deconv(channels_, rng));
    lv.residual = register_module("convt_R" + n, he_conv(f, channels_, rng));
    levels.push_back(lv);
  }
}

std::vector<Tensor> Lapsrn::forward_levels(const Tensor& x) {
  UPRES_CHECK(x.defined() && x.dim() == 4 && x.size(1) == channels_, "lapsrn: input ",
              x.defined() ? x.describe() : "(undefined)", ", expected [N, ", channels_, ", H, W]");
  std::vector<Tensor> out;
  Tensor feat = leaky_relu(conv_input->forward(x), kSlope);
  Tensor img = x;
  for (Level& lv : levels) {
    feat = lv.features->forward(feat);
    img = add(lv.image_up->forward(img), lv.residual->forward(feat));
    out.push_back(img);
  }
  return out;
}

Tensor Lapsrn::forward(const Tensor& x) { return forward_levels(x).back(); }

ArchSpec lapsrn_arch() {
  ArchSpec a;
  a.name = "lapsrn";
  a.family = "progressive";
  a.reference = "Lai et al., Deep Laplacian Pyramid Networks for Fast and Accurate Super-Resolution, CVPR 2017";
  a.summary = "x2 pyramid levels (10 convs + deconv features, deconv image, predicted residual)";
  a.defaults = {{"scale", "4"}, {"channels", "1"}, {"num_feat", "64"}, {"depth", "10"}};
  a.tiny = {{"num_feat", "8"}, {"depth", "2"}};
  a.scales = {2, 4, 8};
  a.build = [](const Hyper& h, Rng& rng) -> std::shared_ptr<SRNetwork> { return std::make_shared<Lapsrn>(h, rng); };
  a.infer = [](const ShapeMap& s) {
    Hyper h;
    auto w = s.find("conv_input.weight");
    if (w != s.end() && w->second.size() == 4) {
      h["num_feat"] = std::to_string(w->second[0]);
      h["channels"] = std::to_string(w->second[1]);
    }
    int64_t levels = 0;
    while (s.count("convt_I" + std::to_string(levels + 1) + ".weight")) ++levels;
    if (levels >= 1) h["scale"] = std::to_string(int64_t{1} << levels);
    int64_t depth = 0;  // convt_F1.cov_block.{0, 2, ...}: depth convs, then the deconv
    while (s.count("convt_F1.cov_block." + std::to_string(2 * depth) + ".weight")) ++depth;
    if (depth >= 1) h["depth"] = std::to_string(depth - 1);
    return h;
  };
  return a;
}

}  // namespace upres::models
