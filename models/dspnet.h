// dspnet.h - DSPNet ("Dilated + Spatial-Pyramid network"): an upres
// demonstration network, NOT a published architecture. It exists to put two
// blocks that no classic network of models/ uses to work in a real SR model:
// residual dilated-convolution blocks and a spatial-pyramid-pooling block
// (both in models/blocks.h, where the ideas and their papers are described).
//
//   conv_first: conv 3x3, c -> F                               (LR features f0)
//   body:       num_block x DilatedResBlock(F, dilations 1, 2, 4)
//   spp:        SppBlock(F, branch F/4, bins 1, 2, 4)          (global context,
//                                                              LeakyReLU 0.2 branches)
//   f = f0 + spp(body(f0))                                     (long skip, as EDSR)
//   upsample:   conv 3x3, F -> c*r*r, pixel_shuffle(r)         (ESPCN's sub-pixel step)
//   y = upsample(f) + bilinear_r(x)                            (image skip)
//
// The bilinear image skip lets the network learn only the detail bilinear
// interpolation misses, so even a freshly built DSPNet starts near a sensible
// output. Defaults c = 3, F = 32, num_block 4, scales 2, 3, 4.
// Parameters (defaults, r = 2): 896 (conv_first) + 4 * 27,744 (blocks) +
// 3 * 264 + 32 * 56 + 32 (spp) + 3,468 (upsample) ~ 118k. FLOPs per LR pixel
// ~ 2 * 118k ~ 0.24M (a 256x256 LR input: ~15 GFLOP).
// Receptive field: each block adds 2 * (1 + 2 + 4) = 14 pixels, so 4 blocks
// see ~60 LR pixels, and the SPP branches the whole image.
// Names: conv_first, body.N.conv{1,2,3}, spp.stages.{0,1,2}, spp.fuse,
// upsample (all with bias). Initialisation: PyTorch's default.
#pragma once

#include <memory>

#include "engine/nn/layers.h"
#include "models/blocks.h"
#include "models/network.h"
#include "models/registry.h"

namespace upres::models {

class Dspnet : public SRNetwork {
 public:
  // h: scale, channels, num_feat, num_block (see dspnet_arch()).
  Dspnet(const Hyper& h, Rng& rng);
  // x: [N, c, H, W] -> [N, c, r*H, r*W].
  Tensor forward(const Tensor& x) override;
  std::string arch() const override { return "dspnet"; }
  Hyper hyper() const override { return h_; }
  int64_t scale() const override { return scale_; }
  int64_t channels() const override { return channels_; }

  std::shared_ptr<nn::Conv2d> conv_first, upsample;
  std::shared_ptr<nn::Sequential> body;
  std::shared_ptr<SppBlock> spp;

 private:
  Hyper h_;
  int64_t scale_, channels_;
};

}  // namespace upres::models
