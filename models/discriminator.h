// discriminator.h - the VGG-style GAN discriminators of perceptual SR.
//
// VggDiscriminator: SRGAN's pixel discriminator (Ledig et al., "Photo-Realistic
// Single Image Super-Resolution Using a Generative Adversarial Network", CVPR
// 2017). It looks at an image (an HR crop or a generator output) and returns
// one logit per image: large = "looks like a real HR image".
//
//   conv0: 3x3, c -> nf, stride 1, LeakyReLU(0.2)            (nf = num_feat = 64)
//   conv1..conv7: 3x3, padding 1, no bias, each + BatchNorm (bn1..bn7) + LeakyReLU(0.2)
//     widths  nf, 2nf, 2nf, 4nf, 4nf, 8nf, 8nf
//     strides  2,   1,   2,   1,   2,   1,   2      (so the map shrinks 16x: ceil(H/2) four times)
//   head, one of:
//     flatten [N, 8nf * (S/16)^2]  (input must be S x S, S = input_size = 128)
//     global average pool [N, 8nf] (global_pool: any input size)
//   linear1: -> dense_feat (100), LeakyReLU(0.2);  linear2: -> 1      => logits [N, 1]
//
// Parameter names: conv0.{weight,bias}, conv<i>.weight, bn<i>.{weight, bias,
// running_mean, running_var, num_batches_tracked}, linear1.*, linear2.*.
// Cost at the defaults (nf 64, 128x128, flatten): 4.69 M conv parameters and
// 3.28 M in linear1 (8 M in all; global_pool: 4.74 M); the convolutions cost
// 2*9*Cin*Cout per output pixel, summed over the layers ~188 kFLOP per input
// pixel, ~3.1 GFLOP per 128x128 image.
// Faithful: SRGAN's conv/BN/LeakyReLU stack, widths and strides. Differs: the
// dense head is 100 wide (BasicSR's VGGStyleDiscriminator; SRGAN's paper has
// 1024), the final sigmoid is left to the loss (BCE with logits), the convs
// before BatchNorm carry no bias (BN's shift makes it redundant), and
// global_pool is an upres option for crops of any size.
//
// FeatureDiscriminator: SRFeat's feature-level discriminator (Park et al.,
// "SRFeat: Single Image Super-Resolution with Feature Discrimination", ECCV
// 2018): the same stack, fed a feature map [N, F, h, w] of a fixed content
// network (F = 512 for VGG19 conv5_4 or SqueezeNet fire9) instead of an image,
// so the generator is pushed to produce realistic structure, not just pixels.
// Its default is global pooling, since a feature map's size follows the crop
// and the chosen layer (a 128 crop gives 8x8 at conv5_4). With F = 512 the
// first conv alone has 9*512*64 = 295 k weights; FLOPs per feature pixel ~
// 2*9*512*64 = 590 k for conv0 + ~184 k for conv1..conv7 = ~774 k.
#pragma once

#include <memory>

#include "engine/module.h"
#include "engine/nn/layers.h"
#include "engine/rng.h"
#include "models/linear.h"

namespace upres::models {

struct DiscriminatorConfig {
  int64_t in_channels = 3;   // image channels, or the feature map's F
  int64_t num_feat = 64;     // nf
  int64_t input_size = 128;  // S, the input's height and width (flatten head only)
  bool global_pool = false;  // average-pool to 1x1 before the dense head: any input size
  int64_t dense_feat = 100;  // width of linear1
  float negative_slope = 0.2f;
};

// The shared stack; see above.
class VggStyleDiscriminator : public Module {
 public:
  VggStyleDiscriminator(const DiscriminatorConfig& cfg, Rng& rng);
  // x: [N, in_channels, H, W] (H = W = input_size without global_pool) -> logits [N, 1].
  Tensor forward(const Tensor& x) override;
  const DiscriminatorConfig& config() const { return cfg_; }
  // Output side of the conv stack for an input side: ceil(side / 16).
  static int64_t reduced_size(int64_t side);

  std::shared_ptr<nn::Conv2d> conv0;
  std::vector<std::shared_ptr<nn::Conv2d>> convs;     // conv1 .. conv7
  std::vector<std::shared_ptr<nn::BatchNorm2d>> bns;  // bn1 .. bn7
  std::shared_ptr<Linear> linear1, linear2;

 protected:
  const char* name_;  // for error messages

 private:
  DiscriminatorConfig cfg_;
};

// SRGAN's image discriminator: in_channels = the image's channels (3).
class VggDiscriminator : public VggStyleDiscriminator {
 public:
  VggDiscriminator(const DiscriminatorConfig& cfg, Rng& rng);
};

// SRFeat's feature discriminator: in_channels = F; global_pool by default.
class FeatureDiscriminator : public VggStyleDiscriminator {
 public:
  static DiscriminatorConfig defaults(int64_t feature_channels = 512);
  FeatureDiscriminator(const DiscriminatorConfig& cfg, Rng& rng);
};

}  // namespace upres::models
