// espcn.cpp - the three convolutions and the sub-pixel shuffle of ESPCN.
#include "models/espcn.h"

#include <cstdlib>

#include "engine/error.h"
#include "engine/ops.h"

namespace upres::models {

std::map<std::string, std::string> EspcnConfig::to_metadata() const {
  return {{"arch", "espcn"},
          {"scale", std::to_string(scale)},
          {"channels", std::to_string(channels)},
          {"features", std::to_string(features)},
          {"features2", std::to_string(features2)}};
}

namespace {
int64_t read_int(const std::map<std::string, std::string>& meta, const std::string& key, int64_t lo,
                 int64_t hi) {
  auto it = meta.find(key);
  UPRES_CHECK(it != meta.end(), "espcn: the model metadata has no '", key, "'");
  char* end = nullptr;
  long long v = std::strtoll(it->second.c_str(), &end, 10);
  UPRES_CHECK(!it->second.empty() && end && *end == '\0' && v >= lo && v <= hi, "espcn: metadata '", key,
              "' is '", it->second, "', expected an integer in [", lo, ", ", hi, "]");
  return v;
}
}  // namespace

EspcnConfig EspcnConfig::from_metadata(const std::map<std::string, std::string>& meta) {
  auto arch = meta.find("arch");
  UPRES_CHECK(arch != meta.end() && arch->second == "espcn", "espcn: the model metadata names arch '",
              arch == meta.end() ? std::string("(none)") : arch->second, "', expected 'espcn'");
  EspcnConfig c;
  c.scale = read_int(meta, "scale", 1, 16);
  c.channels = read_int(meta, "channels", 1, 4);
  c.features = read_int(meta, "features", 1, 4096);
  c.features2 = meta.count("features2") ? read_int(meta, "features2", 1, 4096) : c.features / 2;
  return c;
}

Espcn::Espcn(const EspcnConfig& cfg, Rng& rng) : cfg_(cfg) {
  UPRES_CHECK(cfg.channels >= 1 && cfg.scale >= 1 && cfg.features >= 1 && cfg.features2 >= 1,
              "Espcn: channels ", cfg.channels, ", scale ", cfg.scale, ", features ", cfg.features, "/",
              cfg.features2, " must all be positive");
  conv1 = register_module("conv1", nn::Conv2d::same(cfg.channels, cfg.features, 5, rng));
  conv2 = register_module("conv2", nn::Conv2d::same(cfg.features, cfg.features2, 3, rng));
  conv3 = register_module("conv3", nn::Conv2d::same(cfg.features2, cfg.channels * cfg.scale * cfg.scale, 3, rng));
}

Tensor Espcn::forward(const Tensor& x) {
  UPRES_CHECK(x.defined() && x.dim() == 4 && x.size(1) == cfg_.channels, "espcn: input ",
              x.defined() ? x.describe() : std::string("(undefined)"), ", expected [N, ", cfg_.channels,
              ", H, W]");
  Tensor h = tanh(conv1->forward(x));
  h = tanh(conv2->forward(h));
  return pixel_shuffle(conv3->forward(h), cfg_.scale);
}

}  // namespace upres::models

namespace upres::models {

Hyper Espcn::hyper() const {
  Hyper h = cfg_.to_metadata();
  h.erase("arch");
  return h;
}

ArchSpec espcn_arch() {
  ArchSpec a;
  a.name = "espcn";
  a.family = "post-upsampling";
  a.reference = "Shi et al., Real-Time Single Image and Video Super-Resolution Using an Efficient Sub-Pixel "
                "Convolutional Neural Network, CVPR 2016";
  a.summary = "three LR convolutions (5x5, 3x3, 3x3, tanh) and a sub-pixel shuffle";
  a.defaults = {{"scale", "2"}, {"channels", "1"}, {"features", "64"}, {"features2", "32"}};
  a.tiny = {{"features", "8"}, {"features2", "4"}};
  a.scales = {2, 3, 4, 8};
  a.build = [](const Hyper& h, Rng& rng) -> std::shared_ptr<SRNetwork> {
    Hyper m = h;
    m["arch"] = "espcn";
    return std::make_shared<Espcn>(EspcnConfig::from_metadata(m), rng);
  };
  a.infer = [](const ShapeMap& s) {
    Hyper h;
    auto w1 = s.find("conv1.weight"), w2 = s.find("conv2.weight"), w3 = s.find("conv3.weight");
    if (w1 != s.end() && w1->second.size() == 4) {
      h["features"] = std::to_string(w1->second[0]);
      h["channels"] = std::to_string(w1->second[1]);
    }
    if (w2 != s.end() && w2->second.size() == 4) h["features2"] = std::to_string(w2->second[0]);
    if (w1 != s.end() && w3 != s.end() && w1->second.size() == 4 && w3->second.size() == 4) {
      const int64_t c = w1->second[1], out = w3->second[0];
      for (int64_t r = 1; r <= 16; ++r)
        if (c * r * r == out) h["scale"] = std::to_string(r);
    }
    return h;
  };
  return a;
}

}  // namespace upres::models
