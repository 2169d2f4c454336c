// fsrcnn.cpp - the hourglass of LR convolutions and the final deconvolution.
#include "models/fsrcnn.h"

#include "engine/error.h"
#include "engine/nn/init.h"
#include "engine/ops.h"

namespace upres::models {

namespace {
// A "same"-padded conv with the paper's He-normal weights and zero bias.
std::shared_ptr<nn::Conv2d> he_conv(int64_t in, int64_t out, int64_t k, Rng& rng) {
  auto c = nn::Conv2d::same(in, out, k, rng);
  init::kaiming_normal_(c->weight, 0.0f, /*fan_out_mode=*/true, rng);
  c->bias.fill_(0.0f);
  return c;
}
}  // namespace

Fsrcnn::Fsrcnn(const Hyper& h, Rng& rng) : h_(h) {
  scale_ = hyper_int(h, "fsrcnn", "scale", 1, 16);
  channels_ = hyper_int(h, "fsrcnn", "channels", 1, 4);
  const int64_t d = hyper_int(h, "fsrcnn", "d", 1, 4096), s = hyper_int(h, "fsrcnn", "s", 1, 4096);
  const int64_t m = hyper_int(h, "fsrcnn", "m", 0, 100);
  first_part = register_module("first_part", std::make_shared<nn::Sequential>());
  first_part->push_back(he_conv(channels_, d, 5, rng));
  first_part->push_back(std::make_shared<nn::PReLU>(d));
  mid_part = register_module("mid_part", std::make_shared<nn::Sequential>());
  mid_part->push_back(he_conv(d, s, 1, rng));
  mid_part->push_back(std::make_shared<nn::PReLU>(s));
  for (int64_t i = 0; i < m; ++i) {
    mid_part->push_back(he_conv(s, s, 3, rng));
    mid_part->push_back(std::make_shared<nn::PReLU>(s));
  }
  mid_part->push_back(he_conv(s, d, 1, rng));
  mid_part->push_back(std::make_shared<nn::PReLU>(d));
  ConvParams p = ConvParams::make(scale_, 4);
  p.output_padding_h = p.output_padding_w = scale_ - 1;
  last_part = register_module("last_part", std::make_shared<nn::ConvTranspose2d>(d, channels_, 9, rng, p));
  init::normal_(last_part->weight, 0.0f, 0.001f, rng);
  last_part->bias.fill_(0.0f);
}

Tensor Fsrcnn::forward(const Tensor& x) {
  UPRES_CHECK(x.defined() && x.dim() == 4 && x.size(1) == channels_, "fsrcnn: input ",
              x.defined() ? x.describe() : "(undefined)", ", expected [N, ", channels_, ", H, W]");
  return last_part->forward(mid_part->forward(first_part->forward(x)));
}

ArchSpec fsrcnn_arch() {
  ArchSpec a;
  a.name = "fsrcnn";
  a.family = "post-upsampling";
  a.reference = "Dong et al., Accelerating the Super-Resolution Convolutional Neural Network, ECCV 2016";
  a.summary = "LR hourglass of convolutions (PReLU) and a 9x9 deconvolution";
  a.defaults = {{"scale", "2"}, {"channels", "1"}, {"d", "56"}, {"s", "12"}, {"m", "4"}};
  a.tiny = {{"d", "8"}, {"s", "4"}, {"m", "1"}};
  a.scales = {2, 3, 4};
  a.build = [](const Hyper& h, Rng& rng) -> std::shared_ptr<SRNetwork> { return std::make_shared<Fsrcnn>(h, rng); };
  a.infer = [](const ShapeMap& sh) {
    Hyper h;
    auto w = sh.find("first_part.0.weight");
    if (w != sh.end() && w->second.size() == 4) {
      h["d"] = std::to_string(w->second[0]);
      h["channels"] = std::to_string(w->second[1]);
    }
    auto s = sh.find("mid_part.0.weight");
    if (s != sh.end() && s->second.size() == 4) h["s"] = std::to_string(s->second[0]);
    int64_t convs = 0;  // mid_part.{0, 2, 4, ...} are the m + 2 convolutions
    while (sh.count("mid_part." + std::to_string(2 * convs) + ".weight")) ++convs;
    if (convs >= 2) h["m"] = std::to_string(convs - 2);
    return h;
  };
  return a;
}

}  // namespace upres::models
