// espcn.h - ESPCN, the Efficient Sub-Pixel Convolutional Network
// (Shi et al., "Real-Time Single Image and Video Super-Resolution Using an
// Efficient Sub-Pixel Convolutional Neural Network", CVPR 2016).
//
// All convolutions run at low resolution; the last one produces c*r*r
// channels that pixel_shuffle rearranges into an image r times larger:
//
//   conv1: 5x5, c -> f1, tanh        (f1 = 64 in the paper)
//   conv2: 3x3, f1 -> f2, tanh       (f2 = 32)
//   conv3: 3x3, f2 -> c*r*r
//   pixel_shuffle(r)
//
// Every convolution is "same" padded, so an H x W input gives rH x rW.
// Parameter names: "conv1.weight", "conv1.bias", ... "conv3.bias", with
// PyTorch's layouts ([out, in, k, k]), the names most PyTorch ESPCN ports use.
// Cost: 2 * (25*c*f1 + 9*f1*f2 + 9*f2*c*r*r) FLOPs per input pixel, about 43k
// for c=1, r=2, 64/32 features: ~2.8 GFLOP for a 256x256 input.
//
// A checkpoint carries the configuration as string metadata (to_metadata /
// from_metadata): arch=espcn, scale, channels, features, features2.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "engine/module.h"
#include "engine/nn/layers.h"
#include "engine/rng.h"
#include "models/network.h"
#include "models/registry.h"

namespace upres::models {

struct EspcnConfig {
  int64_t channels = 1;    // 1: luma (Y) only; 3: RGB
  int64_t scale = 2;       // upscaling factor r
  int64_t features = 64;   // f1, output channels of conv1
  int64_t features2 = 32;  // f2, output channels of conv2

  std::map<std::string, std::string> to_metadata() const;
  // Reads the keys to_metadata writes; throws naming a missing or bad key, or
  // an arch other than "espcn".
  static EspcnConfig from_metadata(const std::map<std::string, std::string>& meta);
};

class Espcn : public SRNetwork {
 public:
  // Weights drawn with PyTorch's default Conv2d initialisation from `rng`.
  Espcn(const EspcnConfig& cfg, Rng& rng);
  // x: [N, channels, H, W] -> [N, channels, scale*H, scale*W].
  Tensor forward(const Tensor& x) override;
  const EspcnConfig& config() const { return cfg_; }
  std::string arch() const override { return "espcn"; }
  Hyper hyper() const override;
  int64_t scale() const override { return cfg_.scale; }
  int64_t channels() const override { return cfg_.channels; }

  std::shared_ptr<nn::Conv2d> conv1, conv2, conv3;

 private:
  EspcnConfig cfg_;
};

}  // namespace upres::models
