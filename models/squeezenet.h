// squeezenet.h - SqueezeNet v1.0 (Iandola et al. 2016) as a frozen feature
// extractor, in torchvision's squeezenet1_0 layout, for perceptual losses.
//
// The weights upres uses are ../shared/data/weights/squeezenet1_0.safetensors
// (the Deep Compression release decoded to float32; see that folder's README
// for provenance and the BSD-2 licence). They come from Caffe training, so the
// preprocessing is Caffe's: BGR channel order, 0..255 range, minus the means
// B 104, G 117, R 123. forward/features take RGB in [0, 1] and do this inside
// (one fixed 1x1 convolution, so it is differentiable on every device).
//
// Layers (torchvision index -> upres name, channels, stride):
//   features.0+1 conv1 7x7/2 + ReLU  96  2     features.7  fire5  256  8
//   features.2   pool1 3x3/2         96  4     features.8  fire6  384  8
//   features.3   fire2              128  4     features.9  fire7  384  8
//   features.4   fire3              128  4     features.10 fire8  512  8
//   features.5   fire4              256  4     features.11 pool8  512 16
//   features.6   pool4 3x3/2        256  8     features.12 fire9  512 16
// A fire module squeezes with a 1x1 conv (s = relu(squeeze(x))) and expands with
// a 1x1 and a 3x3 (pad 1) conv side by side: concat(relu(e1(s)), relu(e3(s))).
//
// Max pooling is 3x3, stride 2, with ceil_mode=True (Caffe's rounding: a last,
// partial window is kept). The engine's max_pool2d rounds down, so the pools pad
// the right and bottom with -inf up to the ceil size first; every window still
// starts inside the image, so the padding never wins a max and gets no gradient.
#pragma once

#include <string>
#include <vector>

#include "models/feature_network.h"

namespace upres::models {

class SqueezeNet : public FeatureNetwork {
 public:
  // Random (zero) buffers of the right shapes; call load() or load_state_dict.
  SqueezeNet();
  // Built and loaded from a torchvision-layout safetensors file (strict).
  static std::shared_ptr<SqueezeNet> from_file(const std::string& path);

  std::string name() const override { return "squeezenet1_0"; }
  std::vector<std::string> layer_names() const override { return layers(); }
  static std::vector<std::string> layers();  // conv1, pool1, fire2, ..., fire9
  std::vector<Tensor> features(const Tensor& x, const std::vector<std::string>& layers) override;
  float feature_scale() const override { return 1.0f / 255.0f; }

  // The Caffe preprocessing alone: RGB [0, 1] -> BGR 0..255 minus means.
  static Tensor preprocess(const Tensor& rgb01);
  // The classifier on top (1x1 conv to 1000 classes, ReLU, global mean): logits
  // [N, 1000], torchvision's classifier (padding 0, dropout off). For checks.
  Tensor logits(const Tensor& x);
  Tensor forward(const Tensor& x) override { return logits(x); }
};

// max_pool2d with ceil_mode=True and no padding (Caffe's pooling), built from
// pad(-inf) + max_pool2d. Output size ceil((H - k) / s) + 1.
Tensor max_pool2d_ceil(const Tensor& x, int64_t kernel, int64_t stride);

}  // namespace upres::models
