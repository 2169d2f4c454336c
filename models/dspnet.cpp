// dspnet.cpp - dilated residual blocks, pyramid pooling, sub-pixel upsampling.
#include "models/dspnet.h"

#include <algorithm>

#include "engine/error.h"
#include "engine/ops.h"

namespace upres::models {

namespace {
int64_t branch_feat(int64_t num_feat) { return std::max<int64_t>(1, num_feat / 4); }
}  // namespace

Dspnet::Dspnet(const Hyper& h, Rng& rng) : h_(h) {
  scale_ = hyper_int(h, "dspnet", "scale", 1, 16);
  channels_ = hyper_int(h, "dspnet", "channels", 1, 4);
  const int64_t f = hyper_int(h, "dspnet", "num_feat", 1, 4096);
  const int64_t nb = hyper_int(h, "dspnet", "num_block", 0, 1000);
  conv_first = register_module("conv_first", nn::Conv2d::same(channels_, f, 3, rng));
  body = register_module("body", std::make_shared<nn::Sequential>());
  for (int64_t i = 0; i < nb; ++i) body->push_back(std::make_shared<DilatedResBlock>(f, rng));
  spp = register_module("spp", std::make_shared<SppBlock>(f, branch_feat(f), rng));
  upsample = register_module("upsample", nn::Conv2d::same(f, channels_ * scale_ * scale_, 3, rng));
}

Tensor Dspnet::forward(const Tensor& x) {
  UPRES_CHECK(x.defined() && x.dim() == 4 && x.size(1) == channels_, "dspnet: input ",
              x.defined() ? x.describe() : "(undefined)", ", expected [N, ", channels_, ", H, W]");
  Tensor f0 = conv_first->forward(x);
  Tensor f = add(f0, spp->forward(body->forward(f0)));
  Tensor detail = pixel_shuffle(upsample->forward(f), scale_);
  return add(detail, ::upres::upsample(x, scale_, UpsampleMode::bilinear));
}

ArchSpec dspnet_arch() {
  ArchSpec a;
  a.name = "dspnet";
  a.family = "post-upsampling";
  a.reference = "upres demonstration network (not published): dilated residual blocks (Yu & Koltun, ICLR 2016) "
                "and spatial pyramid pooling (He et al. 2014; Zhao et al., PSPNet, CVPR 2017)";
  a.summary = "dilated residual blocks, a pyramid-pooling context block, sub-pixel upsampling";
  a.defaults = {{"scale", "2"}, {"channels", "3"}, {"num_feat", "32"}, {"num_block", "4"}};
  a.tiny = {{"num_feat", "8"}, {"num_block", "1"}};
  a.scales = {2, 3, 4};
  a.build = [](const Hyper& h, Rng& rng) -> std::shared_ptr<SRNetwork> { return std::make_shared<Dspnet>(h, rng); };
  a.infer = [](const ShapeMap& s) {
    Hyper h;
    auto w = s.find("conv_first.weight");
    if (w != s.end() && w->second.size() == 4) {
      h["num_feat"] = std::to_string(w->second[0]);
      h["channels"] = std::to_string(w->second[1]);
      auto u = s.find("upsample.weight");
      const int64_t c = w->second[1];
      if (u != s.end() && u->second.size() == 4)
        for (int64_t r = 1; r <= 16; ++r)
          if (c * r * r == u->second[0]) h["scale"] = std::to_string(r);
    }
    int64_t n = 0;
    while (s.count("body." + std::to_string(n) + ".conv1.weight")) ++n;
    h["num_block"] = std::to_string(n);
    return h;
  };
  return a;
}

}  // namespace upres::models
