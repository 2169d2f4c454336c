// msrresnet.h - MSRResNet, BasicSR's "modified SRResNet" (basicsr/archs/srresnet_arch.py):
// SRResNet (Ledig et al., "Photo-Realistic Single Image Super-Resolution Using a
// Generative Adversarial Network", CVPR 2017) without batch norm, as ESRGAN's
// authors (Wang et al., ECCV 2018 workshops) retrained it.
//
//   conv_first 3x3, c -> nf, LeakyReLU 0.1
//   body.0 .. body.{B-1}: ResidualBlockNoBN (conv1, ReLU, conv2, + input; res_scale 1)
//   x2, x3: upconv1 nf -> s^2 nf, PixelShuffle(s), LeakyReLU 0.1
//   x4:     upconv1 nf -> 4 nf, PixelShuffle(2), LeakyReLU; upconv2 the same again
//   conv_hr 3x3, nf -> nf, LeakyReLU 0.1;  conv_last 3x3, nf -> c
//   + the input enlarged by bilinear interpolation (align_corners=False), so the
//     network learns only the residual over bilinear.
// Unlike the paper's SRResNet there is no BN, no long skip around the body, and
// the first layer is 3x3 (not 9x9); this follows BasicSR, whose weights load.
// Napkin math (nf = 64, B = 16, x4): body 16 * 2 * 36.9k = 1.18M weights, total
// ~1.52M parameters; per LR pixel: body 16 * 36 * 4096 = 2.36 MFLOP, upconv1
// 0.3M, upconv2 at 2x res 4 * 0.3M = 1.2M, conv_hr + conv_last at 16 pixels
// 16 * 77k = 1.2M: ~5 MFLOP per LR pixel, ~0.33 TFLOP for a 256x256 input.
#pragma once

#include <memory>

#include "engine/nn/layers.h"
#include "models/basicsr_blocks.h"
#include "models/network.h"

namespace upres::models {

struct MsrresnetConfig {
  int64_t scale = 4, channels = 3, num_feat = 64, num_block = 16;
};

class Msrresnet : public SRNetwork {
 public:
  Msrresnet(const MsrresnetConfig& cfg, Rng& rng);
  // x: [N, channels, h, w] -> [N, channels, scale*h, scale*w].
  Tensor forward(const Tensor& x) override;
  std::string arch() const override { return "msrresnet"; }
  Hyper hyper() const override;
  int64_t scale() const override { return cfg_.scale; }
  int64_t channels() const override { return cfg_.channels; }

  std::shared_ptr<nn::Conv2d> conv_first, upconv1, upconv2, conv_hr, conv_last;  // upconv2: x4 only
  std::shared_ptr<nn::Sequential> body;

 private:
  MsrresnetConfig cfg_;
};

}  // namespace upres::models
