// feature_network.h - a frozen, pre-trained image classifier used as a feature
// extractor for perceptual losses (content and texture, losses/perceptual.h).
//
// The network's weights are registered as buffers, not parameters: they are
// saved, loaded and moved between devices like any state, but never require
// grad, so a loss built on the features sends its gradient to the input image
// only (the network is frozen). Layers have names ("fire5", "relu5_4");
// features(x, {"fire5", "fire9"}) runs the network up to the deepest requested
// layer, stops there, and returns the requested maps in the order asked.
//
// Input convention for every feature network: x is [N, 3, H, W] RGB in [0, 1]
// (the SR output as it is); each network applies its own preprocessing
// (SqueezeNet: Caffe BGR 0..255 minus means; VGG: ImageNet mean/std) inside,
// with differentiable ops.
#pragma once

#include <string>
#include <vector>

#include "engine/module.h"

namespace upres::models {

class FeatureNetwork : public Module {
 public:
  virtual std::string name() const = 0;                   // "squeezenet1_0", "vgg19"
  virtual std::vector<std::string> layer_names() const = 0;  // every tap, in forward order
  virtual std::vector<Tensor> features(const Tensor& x, const std::vector<std::string>& layers) = 0;
  // The scale that brings this network's activations to those of a [0, 1]
  // input (SqueezeNet works on 0..255 pixels, so 1/255; VGG 1). Losses multiply
  // the features by it so that loss weights mean the same for every network.
  virtual float feature_scale() const { return 1.0f; }
};

}  // namespace upres::models
