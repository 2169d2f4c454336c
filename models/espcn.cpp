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
