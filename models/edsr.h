// edsr.h - EDSR, the Enhanced Deep Super-Resolution network (Lim, Son, Kim, Nah
// and Lee, "Enhanced Deep Residual Networks for Single Image Super-Resolution",
// CVPRW 2017, winner of NTIRE 2017), as BasicSR ships it (basicsr/archs/edsr_arch.py).
//
//   x in [0, 1] -> (x - rgb_mean) * img_range          mean shift, no weights
//   conv_first      3x3, c -> nf
//   body.0 .. body.{B-1}: ResidualBlockNoBN            conv1, ReLU, conv2, * res_scale, + input
//   conv_after_body 3x3, nf -> nf, plus conv_first's output (global residual)
//   upsample.0 (.2 .4 ...)  [conv nf -> 4 nf, PixelShuffle(2)] per factor 2, or [conv -> 9 nf, PixelShuffle(3)]
//   conv_last       3x3, nf -> c, at HR
//   -> out / img_range + rgb_mean
//
// Two registered sizes:
//   edsr          B = 32, nf = 256, res_scale 0.1 (the scaling keeps the wide net trainable)
//   edsr-baseline B = 16, nf = 64,  res_scale 1
// Napkin math (3x3 conv: 18 * in * out FLOPs per output pixel, 9 * in * out weights):
//   body: B * 2 * 9 nf^2 weights and B * 36 nf^2 FLOPs per LR pixel.
//   edsr x4: 37.8M (body) + 0.6M + 4.7M (upsample) ~ 43M parameters, as the paper;
//            ~81 MFLOP per LR pixel at x2 (body 75.5M, upsampler 4.7M): 5.3 TFLOP for 256x256;
//            ~100 MFLOP at x4 (the second upsampling conv runs on 4x the pixels: 18.9M).
//   edsr-baseline x4: ~1.5M parameters; per LR pixel ~2.8 MFLOP at x2, ~3.9 MFLOP at x4.
// Faithful: BasicSR's keys, layer order, mean shift (rgb_mean 0.4488, 0.4371, 0.4040,
// not stored in the state dict) and img_range 255, so its weights load and agree
// with PyTorch. Differs: for 1-channel (luma) use, upres shifts by the mean of
// rgb_mean (BasicSR only defines the 3-channel shift). The paper's original code
// (EDSR-PyTorch) names layers head/body/tail; those checkpoints need renaming.
#pragma once

#include <memory>
#include <string>

#include "engine/nn/layers.h"
#include "models/basicsr_blocks.h"
#include "models/network.h"

namespace upres::models {

struct EdsrConfig {
  std::string arch = "edsr";  // "edsr" or "edsr-baseline": which registry entry
  int64_t scale = 2, channels = 3, num_feat = 256, num_block = 32;
  float res_scale = 0.1f, img_range = 255.0f;
};

class Edsr : public SRNetwork {
 public:
  Edsr(const EdsrConfig& cfg, Rng& rng);
  // x: [N, channels, h, w] in [0, 1] -> [N, channels, scale*h, scale*w].
  Tensor forward(const Tensor& x) override;
  std::string arch() const override { return cfg_.arch; }
  Hyper hyper() const override;
  int64_t scale() const override { return cfg_.scale; }
  int64_t channels() const override { return cfg_.channels; }

  std::shared_ptr<nn::Conv2d> conv_first, conv_after_body, conv_last;
  std::shared_ptr<nn::Sequential> body, upsample;

 private:
  EdsrConfig cfg_;
  Tensor mean_;  // [1, channels, 1, 1], a constant (BasicSR keeps it out of the state dict)
};

}  // namespace upres::models
