// srcnn.cpp - three "same"-padded convolutions on the bicubic-enlarged image.
#include "models/srcnn.h"

#include "engine/error.h"
#include "engine/ops.h"

namespace upres::models {

namespace {
int64_t odd_kernel(const Hyper& h, const std::string& key) {
  const int64_t k = hyper_int(h, "srcnn", key, 1, 31);
  UPRES_CHECK(k % 2 == 1, "srcnn: hyperparameter '", key, "' is ", k, ", expected an odd kernel size");
  return k;
}
}  // namespace

Srcnn::Srcnn(const Hyper& h, Rng& rng) : h_(h) {
  scale_ = hyper_int(h, "srcnn", "scale", 1, 16);
  channels_ = hyper_int(h, "srcnn", "channels", 1, 4);
  const int64_t f1 = hyper_int(h, "srcnn", "f1", 1, 4096), f2 = hyper_int(h, "srcnn", "f2", 1, 4096);
  conv1 = register_module("conv1", nn::Conv2d::same(channels_, f1, odd_kernel(h, "k1"), rng));
  conv2 = register_module("conv2", nn::Conv2d::same(f1, f2, odd_kernel(h, "k2"), rng));
  conv3 = register_module("conv3", nn::Conv2d::same(f2, channels_, odd_kernel(h, "k3"), rng));
}

Tensor Srcnn::forward(const Tensor& x) {
  UPRES_CHECK(x.defined() && x.dim() == 4 && x.size(1) == channels_, "srcnn: input ",
              x.defined() ? x.describe() : "(undefined)", ", expected [N, ", channels_,
              ", H, W] (the bicubic-enlarged image)");
  Tensor y = relu(conv1->forward(x));
  y = relu(conv2->forward(y));
  return conv3->forward(y);
}

ArchSpec srcnn_arch() {
  ArchSpec a;
  a.name = "srcnn";
  a.family = "pre-upsampling";
  a.reference = "Dong et al., Image Super-Resolution Using Deep Convolutional Networks, ECCV 2014 / TPAMI 2016";
  a.summary = "three convolutions (9-5-5, ReLU) on the bicubic-enlarged image";
  a.defaults = {{"scale", "2"}, {"channels", "1"}, {"f1", "64"}, {"f2", "32"},
                {"k1", "9"},    {"k2", "5"},       {"k3", "5"}};
  a.tiny = {{"f1", "8"}, {"f2", "4"}, {"k1", "5"}, {"k2", "3"}, {"k3", "3"}};
  a.scales = {2, 3, 4, 5, 6, 7, 8};
  a.build = [](const Hyper& h, Rng& rng) -> std::shared_ptr<SRNetwork> { return std::make_shared<Srcnn>(h, rng); };
  a.infer = [](const ShapeMap& s) {
    Hyper h;
    auto get = [&](const char* name) -> const std::vector<int64_t>* {
      auto it = s.find(name);
      return it != s.end() && it->second.size() == 4 ? &it->second : nullptr;
    };
    if (auto w = get("conv1.weight")) {
      h["f1"] = std::to_string((*w)[0]);
      h["channels"] = std::to_string((*w)[1]);
      h["k1"] = std::to_string((*w)[2]);
    }
    if (auto w = get("conv2.weight")) {
      h["f2"] = std::to_string((*w)[0]);
      h["k2"] = std::to_string((*w)[2]);
    }
    if (auto w = get("conv3.weight")) h["k3"] = std::to_string((*w)[2]);
    return h;
  };
  return a;
}

}  // namespace upres::models
