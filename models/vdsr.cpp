// vdsr.cpp - 20 3x3 convolutions with ReLU and one global skip connection.
#include "models/vdsr.h"

#include <cmath>

#include "engine/error.h"
#include "engine/nn/init.h"
#include "engine/ops.h"

namespace upres::models {

namespace {
// "residual_layer.N" is a module with one child "conv" (the port's Conv_ReLU_Block).
class ConvReluBlock : public Module {
 public:
  ConvReluBlock(int64_t f, Rng& rng) { conv = register_module("conv", make_conv(f, f, rng)); }
  Tensor forward(const Tensor& x) override { return relu(conv->forward(x)); }
  static std::shared_ptr<nn::Conv2d> make_conv(int64_t in, int64_t out, Rng& rng) {
    auto c = std::make_shared<nn::Conv2d>(in, out, 3, rng, ConvParams::same(3), /*bias=*/false);
    init::kaiming_normal_(c->weight, 0.0f, /*fan_out_mode=*/true, rng);  // N(0, 2 / (9 * out))
    return c;
  }
  std::shared_ptr<nn::Conv2d> conv;
};
}  // namespace

Vdsr::Vdsr(const Hyper& h, Rng& rng) : h_(h) {
  scale_ = hyper_int(h, "vdsr", "scale", 1, 16);
  channels_ = hyper_int(h, "vdsr", "channels", 1, 4);
  const int64_t f = hyper_int(h, "vdsr", "num_feat", 1, 4096);
  const int64_t depth = hyper_int(h, "vdsr", "depth", 2, 1000);
  input = register_module("input", ConvReluBlock::make_conv(channels_, f, rng));
  residual_layer = register_module("residual_layer", std::make_shared<nn::Sequential>());
  for (int64_t i = 0; i < depth - 2; ++i) residual_layer->push_back(std::make_shared<ConvReluBlock>(f, rng));
  output = register_module("output", ConvReluBlock::make_conv(f, channels_, rng));
}

Tensor Vdsr::forward(const Tensor& x) {
  UPRES_CHECK(x.defined() && x.dim() == 4 && x.size(1) == channels_, "vdsr: input ",
              x.defined() ? x.describe() : "(undefined)", ", expected [N, ", channels_,
              ", H, W] (the bicubic-enlarged image)");
  Tensor h = relu(input->forward(x));
  h = residual_layer->forward(h);
  return add(output->forward(h), x);
}

ArchSpec vdsr_arch() {
  ArchSpec a;
  a.name = "vdsr";
  a.family = "pre-upsampling";
  a.reference = "Kim et al., Accurate Image Super-Resolution Using Very Deep Convolutional Networks, CVPR 2016";
  a.summary = "20 3x3 convolutions (ReLU) predicting the residual of the bicubic-enlarged image";
  a.defaults = {{"scale", "2"}, {"channels", "1"}, {"num_feat", "64"}, {"depth", "20"}};
  a.tiny = {{"num_feat", "8"}, {"depth", "4"}};
  a.scales = {2, 3, 4, 5, 6, 7, 8};
  a.build = [](const Hyper& h, Rng& rng) -> std::shared_ptr<SRNetwork> { return std::make_shared<Vdsr>(h, rng); };
  a.infer = [](const ShapeMap& s) {
    Hyper h;
    auto w = s.find("input.weight");
    if (w != s.end() && w->second.size() == 4) {
      h["num_feat"] = std::to_string(w->second[0]);
      h["channels"] = std::to_string(w->second[1]);
    }
    int64_t n = 0;
    while (s.count("residual_layer." + std::to_string(n) + ".conv.weight")) ++n;
    if (s.count("output.weight")) h["depth"] = std::to_string(n + 2);
    return h;
  };
  return a;
}

}  // namespace upres::models
