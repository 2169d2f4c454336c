// vgg.h - VGG16 / VGG19 (Simonyan & Zisserman 2015) as frozen feature
// extractors, in torchvision's layout, for perceptual losses (SRGAN, ESRGAN).
//
// upres ships no VGG weights (528/548 MB, and under the licence of whoever
// trained them). Supply torchvision's: convert its state_dict to safetensors
// (e.g. safetensors.torch.save_file(vgg19(weights=...).state_dict(), path)).
// Only the `features.N.weight/bias` keys are read; classifier keys are ignored.
//
// Layout (torchvision `features`): 3x3 convolutions with padding 1, each
// followed by ReLU, and a 2x2/2 max pool closing each of the five blocks:
//   VGG16 blocks of 2, 2, 3, 3, 3 convs; VGG19 of 2, 2, 4, 4, 4.
// Layer names: conv<b>_<i> (before the ReLU, ESRGAN's choice for its perceptual
// loss), relu<b>_<i> (after it; SRGAN's), pool<b>. Input: RGB in [0, 1],
// normalised inside with ImageNet's mean (0.485, 0.456, 0.406) and std
// (0.229, 0.224, 0.225), as torchvision's weights expect.
#pragma once

#include <string>
#include <vector>

#include "models/feature_network.h"

namespace upres::models {

class VGG : public FeatureNetwork {
 public:
  // depth 16 or 19; buffers are zeros until loaded.
  explicit VGG(int depth);
  // Built and loaded from a torchvision-layout safetensors file. Throws naming
  // the file and the missing or mismatched keys; extra keys are ignored.
  static std::shared_ptr<VGG> from_file(int depth, const std::string& path);

  std::string name() const override { return "vgg" + std::to_string(depth_); }
  std::vector<std::string> layer_names() const override { return layers(depth_); }
  // The layer names of a VGG of this depth, without building one.
  static std::vector<std::string> layers(int depth);
  std::vector<Tensor> features(const Tensor& x, const std::vector<std::string>& layers) override;
  static Tensor preprocess(const Tensor& rgb01);  // (x - mean) / std, per channel

 private:
  struct Stage {
    std::string name;
    int kind;   // 0 conv, 1 relu, 2 pool
    int index;  // torchvision features.N of a conv
  };
  int depth_;
  std::vector<Stage> stages_;
};

}  // namespace upres::models
